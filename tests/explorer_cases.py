"""Every explorer of course.widgets, built on the source notebooks' solutions, with moves of its controls.

Shared by tests/test_explorer_pictures.py (what a move shows) and benchmarks/explorers.py (how long
a move takes in the kernel).
"""
import ast

from autograder.notebooks import REPO, notebook_path, read_notebook
from course import widgets


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


# explorer -> (assignment, call with its solutions, [(control, value)]): a walk over each control
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
}


def build(name):
    """(explorer, its Picture, [(control widget, value)]) for one of CASES."""
    aid, make, moves = CASES[name]
    explorer = make(solutions(aid))
    return explorer, explorer.picture, [(explorer.controls[key], value) for key, value in moves]
