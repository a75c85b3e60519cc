"""Every explorer of course.widgets, built on the source notebooks' solutions, with moves of its controls.

Shared by tests/test_explorer_pictures.py (what a move shows), tests/test_cnn_widgets.py and
benchmarks/explorers.py (how long a move takes in the kernel). 06's saliency explorer needs a
trained network, which no notebook definition gives: it runs on the reference layers and on
parameters trained here in a fraction of a second (cnn_network()).
"""
import ast
from functools import cache

import numpy as np

from autograder.notebooks import REPO, notebook_path, read_notebook
from autograder.reference import cnn
from course import widgets
from course.cnn_widgets import CONV_PARAM, POOL_PARAM
from course.data import digits


def solutions(aid):
    """The imports and functions of an assignment's source notebook (solutions and worked examples)."""
    namespace = {}
    for cell in read_notebook(notebook_path(REPO, "source", aid)).cells:
        if cell.cell_type == "code":
            # only definitions: the cells' other statements draw figures and run tests
            kept = [node for node in ast.parse(cell.source).body
                    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
            exec(compile(ast.Module(kept, type_ignores=[]), aid, "exec"), namespace)
    return namespace


def cnn_layers():
    """saliency_explorer's layers by its keywords: 06's reference ones (autograder/reference/cnn.py)."""
    return {"conv_forward": cnn.conv_forward_fast, "conv_backward": cnn.conv_backward_fast,
            "relu_forward": cnn.relu_forward, "relu_backward": cnn.relu_backward,
            "pool_forward": cnn.max_pool_forward, "pool_backward": cnn.max_pool_backward,
            "affine_forward": cnn.affine_forward, "affine_backward": cnn.affine_backward}


def network_scores(layers, params, X):
    """(scores (N, 10), backward: dscores -> (dx, grads)) of 06's network built from layers."""
    a, conv_cache = layers["conv_forward"](X, params["W1"], params["b1"], CONV_PARAM)
    h, relu_cache = layers["relu_forward"](a)
    m, pool_cache = layers["pool_forward"](h, POOL_PARAM)
    scores, affine_cache = layers["affine_forward"](m.reshape(len(X), -1), params["W2"], params["b2"])

    def backward(dscores):
        dm, dw2, db2 = layers["affine_backward"](dscores, affine_cache)
        dh = layers["pool_backward"](dm.reshape(m.shape), pool_cache)
        dx, dw1, db1 = layers["conv_backward"](layers["relu_backward"](dh, relu_cache), conv_cache)
        return dx, {"W1": dw1, "b1": db1, "W2": dw2, "b2": db2}
    return scores, backward


@cache
def cnn_network(filters=8, epochs=2, batch=50, learning_rate=0.1, seed=0):
    """(params, X_test, y_test, layers): 06's network trained on the course's split with the reference layers,
    by SGD with momentum 0.9 on the softmax cross-entropy: about 96% right on the test digits, in 0.2 s."""
    layers = cnn_layers()
    X_train, y_train, X_test, y_test = digits(REPO / "source" / "06_train_a_cnn" / "digits.npz")
    rng = np.random.default_rng(seed)
    params = {"W1": rng.standard_normal((filters, 1, 3, 3)) * np.sqrt(2 / 9), "b1": np.zeros(filters),
              "W2": rng.standard_normal((filters * 16, 10)) * np.sqrt(2 / (filters * 16)), "b2": np.zeros(10)}
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    for _ in range(epochs):
        order = rng.permutation(len(X_train))
        for start in range(0, len(order), batch):
            X, y = X_train[order[start:start + batch]], y_train[order[start:start + batch]]
            scores, backward = network_scores(layers, params, X)
            p = np.exp(scores - scores.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(y)), y] -= 1
            grads = backward(p / len(y))[1]
            for k in params:
                velocity[k] = 0.9 * velocity[k] - learning_rate * grads[k]
                params[k] = params[k] + velocity[k]
    return params, X_test, y_test, layers


MISTAKEN = 90  # a test digit the network of cnn_network() gets wrong (tests/test_cnn_widgets.py checks)

# explorer -> (assignment, call with its solutions, [(control, value)]): a walk over each control; an
# assignment of None: the call gets cnn_network()'s (params, X_test, y_test, layers) instead
CASES = {
    "perceptron_explorer": ("01_perceptron_xor", lambda s: widgets.perceptron_explorer(s["perceptron_predict"]),
                            [("w1", 0.4), ("w2", -0.7), ("b", 0.3), ("gate", "XOR"), ("b", -1.2), ("w1", 0.0)]),
    "gradient_check_explorer": ("02_computational_graphs",
                                lambda s: widgets.gradient_check_explorer(s["numerical_gradient"]),
                                [("h", 1e-3), ("h", 1e-9), ("dtype", "float32"), ("h", 1e-2), ("h", 1e-6)]),
    "sigmoid_explorer": ("03_sigmoid_gates",
                         lambda s: widgets.sigmoid_explorer(s["sigmoid_forward"], s["sigmoid_backward"]),
                         [("x", 1.1), ("x", -6.0), ("x", 9.9), ("x", 0.0)]),
    "neuron_explorer": ("03_sigmoid_gates",
                        lambda s: widgets.neuron_explorer(s["neuron_by_gates"], s["neuron_forward_backward"]),
                        [("w0", 2.1), ("x1", 0.5), ("w2", -4.0), ("x0", 3.3)]),
    "pooling_explorer": ("04_pooling_backprop",
                         lambda s: widgets.pooling_explorer(s["avg_pool_forward"], s["avg_pool_backward"],
                                                            s["max_pool_forward"], s["max_pool_backward"]),
                         [("col", 1), ("row", 3), ("mode", "max"), ("stride", 2), ("pool_width", 3), ("col", 0)]),
    "flip_explorer": ("05_conv_backprop", lambda s: widgets.flip_explorer(s["corr2d_backward"], s["corr2d"]),
                      [("step", 1), ("step", 4), ("step", 8), ("step", 0)]),
    "input_pixel_explorer": ("05_conv_backprop",
                             lambda s: widgets.input_pixel_explorer(s["conv_forward_naive"], s["conv_backward_naive"]),
                             [("col", 3), ("row", 0), ("stride", 2), ("pad", 1), ("col", 4), ("stride", 1)]),
    "saliency_explorer": (None, lambda s: widgets.saliency_explorer(*s[:3], **s[3]),
                          [("digit", 7), ("class", 2), ("digit", MISTAKEN), ("class", "predicted"),
                           ("class", "true"), ("digit", 120)]),
}


def build(name):
    """(explorer, its Picture, [(control widget, value)]) for one of CASES."""
    aid, make, moves = CASES[name]
    explorer = make(solutions(aid) if aid else cnn_network())
    return explorer, explorer.picture, [(explorer.controls[key], value) for key, value in moves]
