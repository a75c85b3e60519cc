"""Reference solutions of 06_train_a_cnn: ReLU, softmax cross-entropy, the fast convolution, the small CNN, momentum.

The network is fixed: x (N, 1, 8, 8) -> conv 3x3 (F filters, stride 1, pad 1) -> ReLU -> max pool 2x2
stride 2 -> reshape(N, -1) (filter, row, column) -> affine to 10 classes -> softmax.
params = {'W1': (F, 1, 3, 3), 'b1': (F,), 'W2': (F * 16, 10), 'b2': (10,)}. Caches: relu x,
conv_fast (x, w, b, conv_param, cols). 06 grades the layers of 03 and 04 again, and its fast
convolution is the one 05's reference already runs on: those are this module's REGRADED names, the
very same functions, so the flat namespace keeps one implementation per name.
"""
import numpy as np

from .im2col import conv_backward_fast, conv_forward_fast
from .pooling import max_pool_backward, max_pool_forward
from .sigmoid import affine_backward, affine_forward

REGRADED = ("affine_forward", "affine_backward", "max_pool_forward", "max_pool_backward",
            "conv_forward_fast", "conv_backward_fast")
CONV = {"stride": 1, "pad": 1}
POOL = {"pool_height": 2, "pool_width": 2, "stride": 2}


def relu_forward(x):
    """out = max(x, 0) elementwise, any shape; cache = x."""
    return np.where(x > 0, x, 0.0), x


def relu_backward(dout, cache):
    """dx = dout where x > 0, else 0 (at exactly 0 too)."""
    return np.where(cache > 0, dout, 0.0)


def softmax_loss(scores, y):
    """(loss, dscores): the mean cross-entropy of softmax(scores) for int labels y (N,), and its gradient.

    The log-sum-exp is taken after subtracting each row's maximum, so exp never sees a positive number.
    """
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    picked = (np.arange(n), np.asarray(y))
    dscores = np.exp(log_p)
    dscores[picked] -= 1.0
    return float(-log_p[picked].mean()), dscores / n


def cnn_loss(params, X, y=None):
    """scores (N, 10) if y is None, else (loss, grads) with grads of params' keys and shapes."""
    a, conv_cache = conv_forward_fast(X, params["W1"], params["b1"], CONV)
    h, relu_cache = relu_forward(a)
    p, pool_cache = max_pool_forward(h, POOL)
    scores, affine_cache = affine_forward(p.reshape(p.shape[0], -1), params["W2"], params["b2"])
    if y is None:
        return scores
    loss, dscores = softmax_loss(scores, y)
    dflat, dW2, db2 = affine_backward(dscores, affine_cache)
    dh = max_pool_backward(dflat.reshape(p.shape), pool_cache)
    _, dW1, db1 = conv_backward_fast(relu_backward(dh, relu_cache), conv_cache)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def sgd_momentum(w, dw, config):
    """(next_w, new config): v = momentum v - learning_rate dw, next_w = w + v; w and config are left alone."""
    config = dict(config or {})
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    velocity = config.get("velocity")
    velocity = np.zeros(np.shape(w)) if velocity is None else velocity
    config["velocity"] = config["momentum"] * velocity - config["learning_rate"] * dw
    return w + config["velocity"], config


def _init_params(num_filters, generator):
    """The notebook's prescribed start: He-scaled W1 (fan-in 9), W2 scaled by 1/sqrt(fan-in), zero biases."""
    shapes, scales = ((num_filters, 1, 3, 3), (16 * num_filters, 10)), (np.sqrt(2 / 9), np.sqrt(1 / (16 * num_filters)))
    first, second = (generator.standard_normal(shape) * scale for shape, scale in zip(shapes, scales))
    return {"W1": first, "b1": np.zeros(num_filters), "W2": second, "b2": np.zeros(10)}


def train_cnn(X, y, num_filters=8, epochs=20, batch_size=50, learning_rate=0.1, seed=0):
    """Minibatch SGD with momentum 0.9 at a fixed learning rate, from the notebook's initialisation.

    One generator, default_rng(seed), draws the initial weights and then each epoch's order of the samples;
    the last, smaller batch of an epoch is kept. losses: one float per step, the minibatch's loss before it.
    """
    generator = np.random.default_rng(seed)
    params = _init_params(num_filters, generator)
    configs = {key: {"learning_rate": learning_rate, "momentum": 0.9} for key in params}
    history = []
    for _ in range(epochs):
        order = generator.permutation(len(X))
        for batch in np.array_split(order, range(batch_size, len(X), batch_size)):
            loss, grads = cnn_loss(params, X[batch], y[batch])
            history.append(loss)
            for key in params:  # each parameter's config, and with it its velocity, carried to its next step
                params[key], configs[key] = sgd_momentum(params[key], grads[key], configs[key])
    return params, history


def cnn_predict(params, X):
    """The most probable class of each image -> int labels (N,)."""
    return np.argmax(cnn_loss(params, X), axis=1)
