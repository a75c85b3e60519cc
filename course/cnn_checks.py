"""Quick checks of the functions the CNN notebook's network is built from, for the tests that rely on them.

A test of the network, its training or its predictions calls check_first with the functions it
goes through: where one of them is wrong, or raises, the failure names it and says to fix it
first (course.gradcheck.uses). The checks compare each function with numerical gradients of its
own forward pass, one-entry kernels, block maxima and closed-form steps; none computes an answer.
"""
import numpy as np

from .gradcheck import assert_close, assert_shape, check_backward, check_directional, check_gradient, uses

CONV_PARAM = {"stride": 2, "pad": 1}
POOL_PARAM = {"pool_height": 2, "pool_width": 2, "stride": 2}
NAMES = {"conv": "conv_forward_fast and conv_backward_fast", "relu": "relu_forward and relu_backward",
         "pool": "max_pool_forward and max_pool_backward", "affine": "affine_forward and affine_backward",
         "softmax": "softmax_loss", "cnn_loss": "cnn_loss", "sgd_momentum": "sgd_momentum"}


def _conv(forward, backward):
    """A one-entry kernel shifts the padded input; the gradients are those of forward, at stride 2 and pad 1."""
    rng = np.random.default_rng(61)
    x, kernel = rng.standard_normal((2, 2, 4, 5)), np.zeros((1, 2, 3, 2))
    kernel[0, 1, 2, 0] = 1.0  # channel 1, offset (2, 0)
    shifted = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))[:, 1:2, 2:6:2, 0:6:2]
    assert_close("conv_forward_fast's out with a one-entry kernel", forward(x, kernel, np.zeros(1), CONV_PARAM)[0],
                 shifted, 1e-12)
    check_backward(forward, backward, [x, rng.standard_normal((3, 2, 3, 2)), rng.standard_normal(3)],
                   ["dx", "dw", "db"], params=(CONV_PARAM,), tol=1e-7)


def _relu(forward, backward):
    """max(x, 0) away from 0, and its numerical gradient."""
    x = np.array([[-1.5, 0.5, 2.0], [0.25, -0.75, -3.0]])
    assert_close("relu_forward's out", forward(x)[0], (np.abs(x) + x) / 2, 1e-12)
    check_backward(forward, backward, [x], ["dx"], tol=1e-7)


def _pool(forward, backward):
    """2x2 windows at stride 2 keep each block's largest entry; the gradients, on distinct values."""
    x = np.random.default_rng(62).permutation(2 * 2 * 4 * 6).reshape(2, 2, 4, 6) * 0.1
    blocks = np.stack([x[:, :, u::2, v::2] for u in range(2) for v in range(2)])
    assert_close("max_pool_forward's out", forward(x, POOL_PARAM)[0], np.amax(blocks, axis=0), 1e-12)
    check_backward(forward, backward, [x], ["dx"], params=(POOL_PARAM,), tol=1e-7)


def _affine(forward, backward):
    """x w + b on a small case, and the gradients."""
    x, w, b = np.array([[1.0, -2.0], [0.5, 3.0], [-1.0, 0.0]]), np.array([[0.5, -1.0, 2.0], [1.5, 0.25, 0.0]]), \
        np.array([0.1, -0.2, 0.3])
    assert_close("affine_forward's out", forward(x, w, b)[0], np.einsum("nd,dm->nm", x, w) + b, 1e-12)
    check_backward(forward, backward, [x, w, b], ["dx", "dw", "db"], tol=1e-7)


def _softmax(loss):
    """Equal scores give the loss log K; dscores is the numerical gradient of the loss."""
    y = np.array([2, 0])
    assert_close("softmax_loss's loss for equal scores", loss(np.full((2, 3), 0.7), y)[0], np.log(3.0), 1e-12)
    scores = np.array([[1.0, -0.5, 2.0], [0.25, 1.5, -1.0]])
    check_gradient("dscores", loss(scores, y)[1], lambda s: loss(s, y)[0], scores, tol=1e-7)


def _cnn_loss(loss):
    """Every parameter's gradient against the loss in random directions, on 3 random images and 2 filters."""
    rng = np.random.default_rng(63)
    params = {"W1": rng.standard_normal((2, 1, 3, 3)) * 0.5, "b1": rng.standard_normal(2) * 0.1,
              "W2": rng.standard_normal((32, 10)) * 0.3, "b2": rng.standard_normal(10) * 0.1}
    X, y = rng.uniform(0, 1, (3, 1, 8, 8)), np.array([3, 0, 7])
    grads = loss(params, X, y)[1]
    for name, value in params.items():
        check_directional(f"cnn_loss's grads[{name!r}]", grads[name],
                          lambda v, name=name: loss({**params, name: v}, X, y)[0], value, tol=1e-6)
    assert_shape("cnn_loss's scores", loss(params, X), (3, 10), hint="with y None, it returns the scores (N, 10).")


def _sgd_momentum(step):
    """Two steps from no velocity against v = momentum v - learning_rate dw, next_w = w + v."""
    w, dw = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]), np.array([[0.5, 0.5, -1.0], [2.0, 0.0, 1.0]])
    first, config = step(w, dw, {"learning_rate": 0.1, "momentum": 0.5})
    second, _ = step(first, dw, config)
    assert_close("sgd_momentum's next_w after two steps", second, w - 0.1 * dw - (0.05 + 0.1) * dw, 1e-12)


CHECKS = {"conv": _conv, "relu": _relu, "pool": _pool, "affine": _affine, "softmax": _softmax,
          "cnn_loss": _cnn_loss, "sgd_momentum": _sgd_momentum}


def check_first(conv=None, relu=None, pool=None, affine=None, softmax=None, cnn_loss=None, sgd_momentum=None):
    """Check each function given: conv, relu, pool, affine as (forward, backward) pairs, the others alone.

    Each check runs inside course.gradcheck.uses, so that a failure names the function (as NAMES
    says) and says to fix it first. Returns None.
    """
    __tracebackhide__ = True  # IPython's traceback skips this frame (but still shows the line that raises)
    given = {"conv": conv, "relu": relu, "pool": pool, "affine": affine, "softmax": softmax, "cnn_loss": cnn_loss,
             "sgd_momentum": sgd_momentum}
    for key, functions in given.items():
        if functions is not None:
            with uses(NAMES[key]):
                CHECKS[key](*(functions if isinstance(functions, tuple) else (functions,)))
