"""The grader's probes of 06_train_a_cnn.

The digits come from the course (the repository's source/06_train_a_cnn/digits.npz), never from a
submission's folder: train_cnn is called on the training split sent with the probes, and its params
are judged here on the test split, which never enters the sandbox.
"""
from functools import cache

import numpy as np

from course.data import digits
from course.gradcheck import five_point_gradient

from ..notebooks import REPO
from ..reference import cnn as ref
from .core import Probe, arr, backward, conv_extents, scaling_case, stepped, transposed

DIGITS = REPO / "source" / "06_train_a_cnn" / "digits.npz"
POOL = {"pool_height": 2, "pool_width": 2, "stride": 2}
TRAINING_SECONDS = 40.0  # a training run with the defaults takes the reference under 1 s on one core


@cache
def split():
    """(X_train, y_train, X_test, y_test): the course's fixed split of its own digits."""
    return digits(DIGITS)


def _params(rng, f):
    return {"W1": arr(rng, f, 1, 3, 3) * 0.5, "b1": arr(rng, f) * 0.1, "W2": arr(rng, f * 16, 10) * 0.3,
            "b2": arr(rng, 10) * 0.1}


def _conv_cases(rng):
    """(x, w, b, conv_param, label): N, C, F > 1, strides 1 and 2, pads 0 to 2, non-square, rows no window reaches."""
    cases = [((2, 3, 7, 6), (4, 3, 3, 2), 1, 0, "stride 1, pad 0"),
             ((3, 2, 8, 7), (2, 2, 3, 3), 2, 1, "stride 2, pad 1, a last row no window reaches"),
             ((2, 2, 5, 9), (3, 2, 2, 3), 2, 0, "stride 2, pad 0"),
             ((2, 1, 4, 5), (3, 1, 3, 3), 1, 2, "stride 1, pad 2"),
             ((2, 3, 6, 7), (2, 3, 3, 2), 2, 1, "stride 2, pad 1, a sliced x and a transposed w"),
             ((4, 1, 8, 8), (5, 1, 3, 3), 1, 1, "the network's layer: 8x8 digits, 3x3, stride 1, pad 1")]
    for xs, ws, stride, pad, label in cases:
        x, w = (stepped(rng, *xs), transposed(rng, *ws)) if "sliced" in label else (arr(rng, *xs), arr(rng, *ws))
        yield x, w, arr(rng, ws[0]), {"stride": stride, "pad": pad}, label


def _conv(rng):
    probes = []
    for x, w, b, param, label in _conv_cases(rng):
        n, _, f, ho, wo = conv_extents((x, w, b, param))
        probes.append(Probe("conv_forward_fast", (x, w, b, param), label, tol=1e-10))
        probes.append(backward("conv_backward_fast", "conv_forward_fast", (x, w, b, param),
                               (stepped(rng, n, f, ho, wo),), label, tol=1e-10))
    x, w, b = arr(rng, 2, 2, 5, 4), arr(rng, 3, 2, 3, 2), arr(rng, 3)
    probes.append(backward("conv_backward_fast", "conv_forward_fast", (x, w, b, {"stride": 2, "pad": 1}),
                           (arr(rng, 2, 3, 3, 3),), "numerical gradient, stride 2, pad 1", True))
    # Python lines counted as images, channels, filters and output rows (or columns) grow; a 2x3 kernel throughout
    sizes = []
    for n, c, f, h, wd in ((2, 2, 2, 4, 4), (9, 8, 7, 30, 4), (9, 8, 7, 4, 30)):
        fargs = (arr(rng, n, c, h, wd), arr(rng, f, c, 2, 3), arr(rng, f), {"stride": 1, "pad": 1})
        n, _, f, ho, wo = conv_extents(fargs)
        sizes.append(scaling_case(fargs, (n, f, ho, wo), rng))
    counted = "Python lines run as images, channels, filters and output rows or columns grow"
    probes.append(Probe("conv_forward_fast", (), counted, check="no_loop_over_outputs",
                        scaling=tuple((fargs, ()) for fargs, _ in sizes), decisive=True))
    probes.append(Probe("conv_backward_fast", (), counted, forward=("conv_forward_fast", ()),
                        check="no_loop_over_outputs", scaling=tuple(sizes), decisive=True))
    return probes


def _relu(rng):
    ties = rng.integers(-2, 3, (2, 3, 4, 5)).astype(float)  # exact zeros: the gradient there is 0
    ties[0, 0] = arr(rng, 4, 5)
    away = arr(rng, 3, 4)
    away += np.sign(away) * 0.1  # no entry near 0: ReLU is differentiable there
    return [Probe("relu_forward", (ties,), "(2, 3, 4, 5) with exact zeros"),
            Probe("relu_forward", (transposed(rng, 6, 5),), "a transposed (6, 5) x"),
            Probe("relu_forward", (stepped(rng, 4, 2, 3),), "a sliced (4, 2, 3) view"),
            backward("relu_backward", "relu_forward", (ties,), (arr(rng, 2, 3, 4, 5),), "exact zeros in x"),
            backward("relu_backward", "relu_forward", (transposed(rng, 6, 5),), (stepped(rng, 6, 5),),
                     "a transposed x, a sliced dout"),
            backward("relu_backward", "relu_forward", (away,), (arr(rng, 3, 4),), "numerical gradient", True)]


def _numerical_softmax(scores, y):
    loss, _ = ref.softmax_loss(scores, y)
    return loss, five_point_gradient(lambda s: ref.softmax_loss(s, y)[0], scores, h=1e-4)


def _softmax(rng):
    huge = rng.uniform(-1e4, 1e4, (4, 5))
    huge[0] = [1e4, -1e4, 9999.0, 0.0, -5.0]  # the largest score in each row is what exp must never see
    small, y_small = arr(rng, 3, 4), rng.integers(0, 4, 3)
    return [Probe("softmax_loss", (arr(rng, 6, 10), rng.integers(0, 10, 6)), "6 images, 10 classes"),
            Probe("softmax_loss", (huge, np.array([1, 0, 4, 2])), "scores from -1e4 to 1e4", quiet=True),
            Probe("softmax_loss", (-1e4 + rng.uniform(0, 3, (3, 6)), np.array([0, 5, 2])), "every score near -1e4",
                  quiet=True),
            Probe("softmax_loss", (transposed(rng, 5, 3), rng.integers(0, 3, 5)), "a transposed (5, 3) scores"),
            Probe("softmax_loss", (stepped(rng, 7, 10) * 30, rng.integers(0, 10, 7)),
                  "sliced scores of up to about 100", quiet=True),
            Probe("softmax_loss", (small, y_small), "numerical gradient, 3 images, 4 classes",
                  want=_numerical_softmax(small, y_small), tol=1e-6)]


def _numerical_cnn(params, X, y):
    def loss_with(key):
        return lambda v: ref.cnn_loss({**params, key: v}, X, y)[0]
    return ref.cnn_loss(params, X, y)[0], {k: five_point_gradient(loss_with(k), params[k], h=1e-5)
                                                   for k in params}


def _cnn_loss(rng):
    X_train, y_train = split()[:2]
    layers = ("conv_forward_fast", "relu_forward", "max_pool_forward", "affine_forward")
    backward_layers = ("softmax_loss", "affine_backward", "max_pool_backward", "relu_backward", "conv_backward_fast")
    # random pixels: a digit's blank corners put conv outputs at exactly b1, where a nudge may cross ReLU's kink
    small, X_small, y_small = _params(rng, 2), rng.uniform(0, 1, (3, 1, 8, 8)), np.array([3, 0, 7])
    return [Probe("cnn_loss", (_params(rng, 3), X_train[:5]), "5 digits, 3 filters, y None", calls=layers),
            Probe("cnn_loss", (_params(rng, 4), stepped(rng, 6, 1, 8, 8), None), "random sliced images, y None"),
            Probe("cnn_loss", (_params(rng, 3), X_train[10:24:2], y_train[10:24:2]),
                  "7 digits, a sliced X, 3 filters, y given", calls=layers + backward_layers),
            Probe("cnn_loss", (small, X_small, y_small), "numerical gradient of every parameter, 2 filters",
                  want=_numerical_cnn(small, X_small, y_small), tol=1e-6)]


def _sgd(rng):
    v, w4 = arr(rng, 3, 4), transposed(rng, 2, 1, 3, 3)
    return [Probe("sgd_momentum", (arr(rng, 4, 3), arr(rng, 4, 3), {"learning_rate": 0.05, "momentum": 0.8}),
                  "no velocity yet", check="sgd"),
            Probe("sgd_momentum", (transposed(rng, 3, 4), stepped(rng, 3, 4),
                                   {"learning_rate": 0.02, "momentum": 0.9, "velocity": v}),
                  "a velocity carried in, a transposed w", check="sgd"),
            Probe("sgd_momentum", (arr(rng, 5), arr(rng, 5), {}), "an empty config: the defaults", check="sgd"),
            Probe("sgd_momentum", (w4, arr(rng, 2, 1, 3, 3), {"velocity": arr(rng, 2, 1, 3, 3)}),
                  "a (2, 1, 3, 3) w, a velocity and the default rates", check="sgd")]


def _training(rng):
    """train_cnn: every step replayed (copies of one digit make every batch alike in any order), one seed twice, and
    the defaults' accuracy on the test split for the seeds the notebook tries."""
    X_train, y_train, X_test, y_test = split()
    uses = ("cnn_loss", "sgd_momentum")
    one = int(rng.integers(len(X_train)))
    probes = [Probe("train_cnn", (np.repeat(X_train[one:one + 1], 10, axis=0), np.repeat(y_train[one:one + 1], 10), 3,
                                  2, 4, 0.2, 5),
                    "10 copies of one digit, 3 filters, 2 epochs in batches of 4 (the last of 2), learning rate 0.2",
                    check="steps", calls=uses, tol=1e-9),
              Probe("train_cnn", (X_train[::-1][:40], y_train[::-1][:40], 3, 2, 16, 0.05, 4),
                    "40 digits (a reversed view), 2 epochs in batches of 16, called twice with seed 4", check="trains",
                    repeat=True)]
    for seed in (0, 7):
        probes.append(Probe("train_cnn", (X_train, y_train),
                            f"the course's training split with the defaults, seed {seed}", check="accuracy",
                            calls=uses, data=(X_test, y_test, 0.97), seconds=TRAINING_SECONDS, kwargs={"seed": seed}))
    return probes


def _layers_again(rng):
    """06's own copies of the layers of 03 and 04: their contracts, on the shapes this network uses."""
    x, w, b = arr(rng, 5, 32), arr(rng, 32, 10), arr(rng, 10)
    pooled = stepped(rng, 3, 4, 8, 8)
    ties = rng.integers(0, 3, (2, 3, 8, 8)).astype(float)
    odd = {"pool_height": 3, "pool_width": 2, "stride": 1}
    return [Probe("affine_forward", (x, w, b), "x (5, 32), w (32, 10)"),
            Probe("affine_forward", (transposed(rng, 4, 6), stepped(rng, 6, 10), b), "a transposed x (4, 6)"),
            backward("affine_backward", "affine_forward", (x, w, b), (arr(rng, 5, 10),), "x (5, 32), w (32, 10)"),
            backward("affine_backward", "affine_forward", (transposed(rng, 4, 6), stepped(rng, 6, 10), b),
                     (stepped(rng, 4, 10),), "a transposed x, a sliced w"),
            backward("affine_backward", "affine_forward", (arr(rng, 2, 5), arr(rng, 5, 3), arr(rng, 3)),
                     (arr(rng, 2, 3),), "numerical gradient, x (2, 5), w (5, 3)", True),
            Probe("max_pool_forward", (pooled, POOL), "2x2 windows, stride 2, a sliced view"),
            Probe("max_pool_forward", (arr(rng, 2, 2, 7, 6), odd), "3x2 windows, stride 1 (overlapping)"),
            backward("max_pool_backward", "max_pool_forward", (pooled, POOL), (arr(rng, 3, 4, 4, 4),),
                     "2x2 windows, stride 2, a sliced view"),
            backward("max_pool_backward", "max_pool_forward", (ties, POOL), (arr(rng, 2, 3, 4, 4),),
                     "2x2 windows, ties: the first maximum"),
            backward("max_pool_backward", "max_pool_forward", (arr(rng, 1, 2, 7, 6), odd), (arr(rng, 1, 2, 5, 5),),
                     "3x2 windows, stride 1 (overlapping)"),
            backward("max_pool_backward", "max_pool_forward", (arr(rng, 2, 3, 7, 9), POOL), (arr(rng, 2, 3, 3, 4),),
                     "2x2 windows, stride 2, the last row and column in no window"),
            backward("max_pool_backward", "max_pool_forward", (rng.permutation(60).reshape(1, 2, 6, 5) / 7.0, POOL),
                     (arr(rng, 1, 2, 3, 2),), "numerical gradient, distinct values", True)]


def _predict(rng):
    X_test = split()[2]
    return [Probe("cnn_predict", (_params(rng, 3), X_test[:20]), "20 test digits, random params", check="labels"),
            Probe("cnn_predict", (_params(rng, 5), transposed(rng, 9, 1, 8, 8)), "9 transposed random images",
                  check="labels")]


def probes(rng):
    """The probes of 06_train_a_cnn, drawn from rng."""
    return (_relu(rng) + _softmax(rng) + _conv(rng) + _layers_again(rng) + _cnn_loss(rng) + _sgd(rng)
            + _training(rng) + _predict(rng))
