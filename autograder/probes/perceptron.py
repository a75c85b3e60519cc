"""The grader's probes of 01_perceptron_xor."""
import numpy as np

from .core import Probe, arr, stepped, transposed


def probes(rng):
    """The probes of 01_perceptron_xor, drawn from rng."""
    X = rng.integers(-2, 3, (12, 3)).astype(float)
    w = rng.integers(-2, 3, 3).astype(float)
    sep = transposed(rng, 15, 2)
    return [
        Probe("perceptron_predict", (X, w, 1.0), "integer inputs, some scores exactly 0", check="labels"),
        Probe("perceptron_predict", (arr(rng, 20, 4), arr(rng, 4), -0.3), "20 random points in 4-D", check="labels"),
        Probe("perceptron_predict", (transposed(rng, 9, 3), stepped(rng, 3), 0.2), "a transposed X, a sliced w",
              check="labels"),
        Probe("perceptron_train", (X, (X @ w + 1 > 0).astype(int), 0.5, 60), "separable data, lr 0.5"),
        Probe("perceptron_train", (sep, rng.integers(0, 2, 15), 0.3, 7), "non-separable data, 7 epochs"),
        Probe("perceptron_train", (np.array([[0., 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 0, 0, 1])),
              "AND with the defaults"),
        Probe("xor_predict", (np.array([[0., 0], [0, 1], [1, 0], [1, 1]]),), "the XOR truth table", check="labels",
              calls=("perceptron_predict",)),
        Probe("xor_predict", (rng.integers(0, 2, (2, 17)).astype(float).T,), "17 binary inputs in random order",
              check="labels"),
    ]
