"""Check the reference solutions against numerical gradients, the contract, and the source notebooks."""
import numpy as np
import pytest

from autograder import reference as ref
from autograder.notebooks import REPO, notebook_path, read_notebook, solution_code
from course.gradcheck import assert_close, check_backward, check_gradient

rng = np.random.default_rng(2)
GATES = [(ref.add_forward, ref.add_backward), (ref.mul_forward, ref.mul_backward), (ref.max_forward, ref.max_backward)]


@pytest.mark.parametrize("forward, backward", GATES)
def test_binary_gates_pass_numerical_checks_on_arrays_and_floats(forward, backward):
    """Check each binary gate's backward numerically, on arrays (away from ties) and on floats."""
    x = rng.standard_normal((3, 4))
    y = x + rng.choice([-1, 1], x.shape) * rng.uniform(0.1, 1, x.shape)
    check_backward(forward, backward, [x, y], ["dx", "dy"], tol=1e-9)
    check_backward(forward, backward, [0.3, -1.2], ["dx", "dy"], tol=1e-9)
    dx, dy = backward(2.0, forward(0.3, -1.2)[1])
    assert np.ndim(dx) == np.ndim(dy) == 0


def test_copy_gate_sums():
    """Check the copy gate numerically."""
    check_backward(ref.copy_forward, ref.copy_backward, [rng.standard_normal((2, 5))], ["dx"], tol=1e-9)


def test_max_ties_send_everything_to_x():
    """Check the contract's tie policy, for arrays and floats."""
    x = np.array([1.0, 2.0, 3.0])
    dx, dy = ref.max_backward(np.array([5.0, 6.0, 7.0]), ref.max_forward(x, np.array([1.0, 9.0, 3.0]))[1])
    assert np.array_equal(dx, [5.0, 0.0, 7.0]) and np.array_equal(dy, [0.0, 6.0, 0.0])
    assert ref.max_backward(4.0, ref.max_forward(2.0, 2.0)[1]) == (4.0, 0.0)


def test_circuit_matches_the_contract_example_and_numerical_gradients():
    """Check f = (x + y) z at (-2, 5, -4) and elsewhere."""
    f, grads = ref.circuit_forward_backward(-2.0, 5.0, -4.0)
    assert f == -12.0 and grads == (-4.0, -4.0, 3.0)
    point = rng.uniform(-3, 3, 3)
    check_gradient("grads", np.array(ref.circuit_forward_backward(*point)[1]),
                   lambda p: ref.circuit_forward_backward(*p)[0], point, tol=1e-9)


def test_numerical_gradient_is_centred_and_restores_x():
    """Check the exact centred-difference signature 3x^2 + h^2 and that x is unchanged."""
    x = rng.uniform(-2, 2, (2, 3))
    saved = x.copy()
    grad = ref.numerical_gradient(lambda v: np.sum(v ** 3), x, h=1e-2)
    assert_close("grad", grad, 3 * saved ** 2 + 1e-4, 1e-12)
    assert np.array_equal(x, saved)


@pytest.mark.parametrize("aid", list(ref.BY_ASSIGNMENT))
def test_source_notebook_solutions_agree_with_the_reference(aid):
    """Check that every solution in source/ gives the reference's results on random inputs."""
    code = solution_code(read_notebook(notebook_path(REPO, "source", aid)))
    module = ref.BY_ASSIGNMENT[aid]
    namespace = {"np": np}
    for source in code.values():
        exec(source, namespace)
    assert sorted(code) == sorted(n for n in vars(module) if callable(getattr(module, n)) and n[0] != "_"
                                  and getattr(module, n).__module__ == module.__name__)
    for name, args in SAMPLE_CALLS[aid]():
        ours, theirs = namespace[name](*args), getattr(module, name)(*args)
        assert_close(name, np.concatenate([np.ravel(v) for v in _flat(ours)]),
                     np.concatenate([np.ravel(v) for v in _flat(theirs)]), 1e-12)


def _flat(value):
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in _flat(item)]
    return [] if value is None or isinstance(value, dict) else [np.asarray(value, dtype=float)]


def _calls_02():
    x, y, d, d2 = rng.standard_normal((4, 3, 2))
    y[0] = x[0]
    yield from [("add_forward", (x, y)), ("add_backward", (d, None)), ("mul_forward", (x, y)),
                ("mul_backward", (d, (x, y))), ("max_forward", (x, y)), ("max_backward", (d, (x, y))),
                ("copy_forward", (x,)), ("copy_backward", (d, d2, None)),
                ("circuit_forward_backward", (x, y, d)),
                ("numerical_gradient", (lambda v: np.sum(v ** 3), x.copy(), 1e-2))]  # h shows in the result


def _calls_04():
    x = rng.integers(0, 4, (2, 3, 7, 6)).astype(float)  # ties included
    param = {"pool_height": 3, "pool_width": 2, "stride": 2}
    d = rng.standard_normal((2, 3, 3, 3))
    yield from [("avg_pool_forward", (x, param)), ("avg_pool_backward", (d, (x.shape, param))),
                ("max_pool_forward", (x, param)), ("max_pool_backward", (d, (x, param))),
                ("kron_upsample", (d, 2, 3))]


def _calls_01():
    X = rng.integers(-2, 3, (9, 3)).astype(float)  # integers: some scores land exactly on 0
    w, b = rng.integers(-2, 3, 3).astype(float), 1.0
    yield from [("perceptron_predict", (X, w, b)), ("perceptron_predict", (X[:, :2], w[:2], 0.0)),
                ("perceptron_train", (X, (X @ w + b > 0).astype(int), 0.5, 50)),
                ("perceptron_train", (rng.standard_normal((7, 2)), rng.integers(0, 2, 7), 0.3, 6)),
                ("xor_predict", (rng.integers(0, 2, (11, 2)).astype(float),))]


def _calls_03():
    x, d = rng.uniform(-6, 6, (2, 4, 3))
    x[0, :2] = [-1e4, 1e4]  # the stable sigmoid's far tails
    w, b, dout = rng.standard_normal((3, 5)), rng.standard_normal(5), rng.standard_normal((4, 5))
    X, y = rng.standard_normal((6, 2)), rng.integers(0, 2, 6)
    params = {"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal(4), "W2": rng.standard_normal((4, 1)),
              "b2": rng.standard_normal(1)}
    s = 1 / (1 + np.exp(-np.clip(x, -30, 30)))
    yield from [("sigmoid_forward", (x,)), ("sigmoid_backward", (d, (x, s))),
                ("neuron_forward_backward", (rng.standard_normal(3), rng.standard_normal(2))),
                ("staged_forward_backward", (rng.uniform(-3, 3), rng.uniform(-3, 3))),
                ("staged_forward_backward", (rng.uniform(-3, 3, 4), rng.uniform(-3, 3, 4))),
                ("affine_forward", (x, w[:3], b)), ("affine_backward", (dout, (x, w[:3], b))),
                ("train_xor_mlp", (X, y, 3, 0.7, 30, 5)), ("mlp_predict", (params, rng.standard_normal((9, 3))))]


def _calls_05():
    x, w, b = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
    param = {"stride": 2, "pad": 1}
    d = rng.standard_normal((2, 4, 4, 4))
    yield from [("corr2d", (x[0, 0], w[0, 0])), ("corr2d_backward", (d[0, 0, :5, :5][:5, :5], x[0, 0, :6, :6], w[0, 0, :2, :2])),
                ("conv_forward_naive", (x, w, b, param)), ("conv_backward_naive", (d, (x, w, b, param))),
                ("conv_backward_flip", (d, (x, w, b, param)))]


SAMPLE_CALLS = {"01_perceptron_xor": _calls_01, "02_computational_graphs": _calls_02, "03_sigmoid_gates": _calls_03, "04_pooling_backprop": _calls_04, "05_conv_backprop": _calls_05}
