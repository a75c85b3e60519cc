"""Reference solutions of 03_sigmoid_gates: the sigmoid gate, the neuron, staged backprop, affine layers, the XOR MLP.

Caches follow the notebook: sigmoid (x, out), affine (x, w, b). The MLP minimises the mean binary
cross-entropy of a sigmoid output, L = -(1/N) sum(y log p + (1 - y) log(1 - p)).
"""
import numpy as np


def sigmoid_forward(x):
    """out = 1 / (1 + exp(-x)) without overflow: exp only ever sees -|x|."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1.0, e) / (1.0 + e)
    return s, (x, s)


def sigmoid_backward(dout, cache):
    """dx = dout * s * (1 - s), with s the cached output."""
    _, s = cache
    return dout * s * (1.0 - s)


def neuron_forward_backward(w, x):
    """f = sigmoid(w0 x0 + w1 x1 + w2) -> (f, dw (3,), dx (2,)), via the collapsed sigmoid gate."""
    w, x = np.asarray(w, dtype=float), np.asarray(x, dtype=float)
    z = float(np.dot(w[:2], x) + w[2])
    s = 1.0 / (1.0 + np.exp(-z)) if z >= 0 else np.exp(z) / (1.0 + np.exp(z))
    local = s * (1.0 - s)
    return float(s), np.append(local * x, local), local * w[:2]


def staged_forward_backward(x, y):
    """f = (x + sig(y)) / (sig(x) + (x + y)^2) in stages, and its gradients in reverse order."""
    sy = 1.0 / (1.0 + np.exp(-y))
    numerator = x + sy
    sx = 1.0 / (1.0 + np.exp(-x))
    total = x + y
    squared = total ** 2
    denominator = sx + squared
    inverse = 1.0 / denominator
    f = numerator * inverse
    # backward: every stage in reverse, gradients of shared inputs accumulate
    d_numerator, d_inverse = inverse, numerator
    d_denominator = -d_inverse / denominator ** 2
    d_total = 2.0 * total * d_denominator
    grad_x = d_total + sx * (1.0 - sx) * d_denominator + d_numerator
    grad_y = d_total + sy * (1.0 - sy) * d_numerator
    return f, grad_x, grad_y


def affine_forward(x, w, b):
    """out = x w + b for x (N, D), w (D, M), b (M,); cache = (x, w, b)."""
    return np.dot(x, w) + b, (x, w, b)


def affine_backward(dout, cache):
    """dout (N, M) -> dx (N, D), dw (D, M), db (M,)."""
    x, w, _ = cache
    return np.dot(dout, w.T), np.dot(x.T, dout), np.sum(dout, axis=0)


def _mean_bce(scores, t):
    """Mean binary cross-entropy of sigmoid(scores) against targets t, from the scores (stable)."""
    return float(np.mean(t * np.logaddexp(0.0, -scores) + (1.0 - t) * np.logaddexp(0.0, scores)))


def train_xor_mlp(X, y, hidden_size=8, lr=1.0, epochs=2000, seed=0):
    """Full-batch gradient descent on a 2-layer sigmoid MLP; losses[k] is the loss before step k."""
    gen = np.random.default_rng(seed)
    first = gen.standard_normal((X.shape[1], hidden_size))
    second = gen.standard_normal((hidden_size, 1))
    p = {"W1": first, "b1": np.zeros(hidden_size), "W2": second, "b2": np.zeros(1)}
    t = np.asarray(y, dtype=float).reshape(-1, 1)
    history = []
    for _ in range(epochs):
        a, c1 = affine_forward(X, p["W1"], p["b1"])
        h, c2 = sigmoid_forward(a)
        s, c3 = affine_forward(h, p["W2"], p["b2"])
        prob, _ = sigmoid_forward(s)
        history.append(_mean_bce(s, t))
        # d(mean BCE)/d scores = (p - t) / N: the output sigmoid's local gradient cancels
        dh, gW2, gb2 = affine_backward((prob - t) / len(t), c3)
        _, gW1, gb1 = affine_backward(sigmoid_backward(dh, c2), c1)
        for key, g in (("W1", gW1), ("b1", gb1), ("W2", gW2), ("b2", gb2)):
            p[key] = p[key] - lr * g
    return p, history


def mlp_predict(params, X):
    """1 where the network's output probability exceeds 1/2 (its score is positive), else 0."""
    hidden = sigmoid_forward(np.dot(X, params["W1"]) + params["b1"])[0]
    return (np.dot(hidden, params["W2"]) + params["b2"] > 0).astype(int).ravel()
