"""Check the reference solutions against numerical gradients, the contract, and the source notebooks."""
import numpy as np
import pytest

from autograder import probes
from autograder import reference as ref
from autograder.notebooks import REPO, notebook_path, read_notebook, solution_code
from autograder.probes.core import JUDGED_ALONE
from conftest import ASSIGNMENTS
from course.gradcheck import assert_close, check_backward, check_gradient
from helpers import difference

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


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_source_notebook_solutions_agree_with_the_reference(aid):
    """Check that every solution in source/ gives the reference's results, shapes and dtypes on every probe."""
    code = solution_code(read_notebook(notebook_path(REPO, "source", aid)))
    namespace = {"np": np}
    for source in code.values():
        exec(source, namespace)
    assert sorted(code) == sorted(ref.graded(ref.BY_ASSIGNMENT[aid]))
    for p in probes.probes(aid):
        if p.scaling:  # judged by how Python line counts grow, which two implementations need not share
            continue
        ours, theirs = probes.call(namespace, p), probes.call(vars(ref), p)
        if p.check in JUDGED_ALONE:  # a training run's outcome is its author's (defaults, initialisation): both pass
            assert probes.judge(p, ours, None) is None and probes.judge(p, theirs, None) is None, p.label
            continue
        if probes.returns_cache(p.function):  # a cache is each implementation's own
            ours, theirs = ours[0], theirs[0]
        assert difference(ours, theirs) is None, (p.label, difference(ours, theirs))


def test_the_comparison_sees_shapes_dtypes_and_dicts():
    """Check that difference() tells a reshaped array, float labels, a missing key and a changed value."""
    result = ({"W1": np.ones((2, 3)), "b1": np.zeros(3)}, [0.5, 0.25])
    assert difference(result, result) is None
    assert "shape (3, 2)" in difference(({"W1": np.ones((3, 2)), "b1": np.zeros(3)}, [0.5, 0.25]), result)
    assert "dtype float64" in difference(np.array([0.0, 1.0]), np.array([0, 1]))
    assert "keys ['W1']" in difference(({"W1": np.ones((2, 3))}, [0.5, 0.25]), result)
    assert "relative error" in difference(({"W1": np.ones((2, 3)), "b1": np.zeros(3)}, [0.5, 0.26]), result)
