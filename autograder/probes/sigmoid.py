"""The grader's probes of 03_sigmoid_gates."""
import numpy as np

from .core import Probe, arr, backward, stepped, transposed


def probes(rng):
    """The probes of 03_sigmoid_gates, drawn from rng."""
    x = rng.uniform(-6, 6, (4, 5))
    x[0] = [-1e4, 1e4, -700, -300, 800]  # the far tails, where a naive sigmoid overflows
    x[1, :3] = [-35, -50, 35]  # where a clipped input or 1 - tanh would lose the value's digits
    tails = transposed(rng, 3, 4)
    tails[0] = [-35, -60, -300, -700]  # sigma' is sigma itself there, as small as sigma
    xs, w, b = arr(rng, 6, 3), arr(rng, 3, 4), arr(rng, 4)
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    params = {"W1": arr(rng, 2, 5), "b1": arr(rng, 5), "W2": arr(rng, 5, 1), "b2": arr(rng, 1)}
    xor = {"W1": np.array([[20.0, -20.0], [20.0, -20.0]]), "b1": np.array([-10.0, 30.0]),
           "W2": np.array([[20.0], [20.0]]), "b2": np.array([-30.0])}
    return [
        Probe("sigmoid_forward", (x,), "(4, 5) with entries from -1e4 to 1e4", quiet=True, check="entrywise"),
        Probe("sigmoid_forward", (stepped(rng, 2, 3, 2),), "a sliced (2, 3, 2) view", check="entrywise"),
        Probe("sigmoid_forward", (-0.7,), "a float"),
        Probe("sigmoid_backward", (arr(rng, 4, 5),), "(4, 5) with far tails", forward=("sigmoid_forward", (x,)),
              quiet=True),
        Probe("sigmoid_backward", (stepped(rng, 3, 4),), "a transposed x with the far negative tail",
              forward=("sigmoid_forward", (tails,)), check="entrywise"),
        backward("sigmoid_backward", "sigmoid_forward", (arr(rng, 3, 2),), (arr(rng, 3, 2),),
                  "numerical gradient", True),
        Probe("neuron_forward_backward", (np.array([2.0, -3.0, -3.0]), np.array([-1.0, -2.0])),
              "w=[2,-3,-3], x=[-1,-2]"),
        Probe("neuron_forward_backward", (stepped(rng, 3), stepped(rng, 2)), "random w and x, sliced"),
        Probe("staged_forward_backward", (3.0, -4.0), "x=3, y=-4"),
        Probe("staged_forward_backward", (rng.uniform(-3, 3, 5), rng.uniform(-3, 3, 5)), "arrays of 5"),
        Probe("staged_forward_backward", (stepped(rng, 2, 3), transposed(rng, 2, 3)), "(2, 3) views"),
        Probe("affine_forward", (xs, w, b), "x (6, 3), w (3, 4)"),
        Probe("affine_forward", (transposed(rng, 5, 2), stepped(rng, 2, 3), b[:3]), "a transposed x (5, 2)"),
        backward("affine_backward", "affine_forward", (xs, w, b), (arr(rng, 6, 4),), "x (6, 3), w (3, 4)"),
        backward("affine_backward", "affine_forward", (transposed(rng, 5, 2), stepped(rng, 2, 3), b[:3]),
                  (stepped(rng, 5, 3),), "a transposed x (5, 2)"),
        backward("affine_backward", "affine_forward", (arr(rng, 2, 5), arr(rng, 5, 3), arr(rng, 3)),
                  (arr(rng, 2, 3),), "numerical gradient, x (2, 5), w (5, 3)", True),
        Probe("train_xor_mlp", (X, y, 3, 0.5, 1, 0), "one epoch, H=3, lr=0.5",
              calls=("affine_forward", "affine_backward", "sigmoid_forward", "sigmoid_backward")),
        Probe("train_xor_mlp", (transposed(rng, 6, 2), rng.integers(0, 2, 6), 5, 0.3, 4, 7), "four epochs, H=5, seed 7",
              tol=1e-6),
        Probe("train_xor_mlp", (X, y), "XOR with the defaults", check="learns_xor"),
        Probe("train_xor_mlp", (X, y, 8, 1.0, 2000, 32), "XOR with seed 32", check="learns_xor"),
        Probe("mlp_predict", (params, arr(rng, 9, 2)), "9 points, H=5", check="labels"),
        Probe("mlp_predict", (xor, X), "weights that compute XOR", check="labels"),
        Probe("mlp_predict", ({"W1": arr(rng, 3, 4), "b1": arr(rng, 4), "W2": arr(rng, 4, 1), "b2": np.array([-0.4])},
                              transposed(rng, 12, 3)), "12 points in 3-D, H=4, a transposed X", check="labels"),
    ]
