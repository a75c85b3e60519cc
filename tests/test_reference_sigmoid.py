"""Check the reference solutions of 03_sigmoid_gates: lesson numbers, numerical gradients, stability, training."""
import warnings

import numpy as np
import pytest

from autograder.notebooks import REPO, notebook_path, read_notebook
from autograder.reference import sigmoid as ref
from course.gradcheck import assert_close, check_backward, check_gradient

rng = np.random.default_rng(3)
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def test_sigmoid_is_stable_at_the_far_tails():
    """Check sigma at |x| up to 1e4 with every overflow warning turned into an error."""
    x = np.array([-1e4, -745.0, -50.0, 0.0, 50.0, 745.0, 1e4])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        out, cache = ref.sigmoid_forward(x)
        dx = ref.sigmoid_backward(np.ones_like(x), cache)
    assert_close("out", out, 0.5 * (1 + np.tanh(x / 2)), 1e-15)
    assert out[3] == 0.5 and out[0] == 0.0 and out[-1] == 1.0 and dx[3] == 0.25
    assert np.all(np.isfinite(dx)) and dx[0] == dx[-1] == 0.0


def test_sigmoid_backward_passes_numerical_checks():
    """Check the sigmoid gate numerically on arrays of several shapes and on a float."""
    for shape in [(5,), (3, 4), (2, 3, 2)]:
        check_backward(ref.sigmoid_forward, ref.sigmoid_backward, [rng.uniform(-6, 6, shape)], ["dx"], tol=1e-9)
    out, cache = ref.sigmoid_forward(0.3)
    assert np.ndim(out) == 0 and abs(ref.sigmoid_backward(1.0, cache) - out * (1 - out)) < 1e-15


def test_neuron_matches_the_lesson_and_numerical_gradients():
    """Check f ≈ 0.73, dw ≈ [-0.20, -0.39, 0.20], dx ≈ [0.39, -0.59] and random points."""
    f, dw, dx = ref.neuron_forward_backward(np.array([2.0, -3.0, -3.0]), np.array([-1.0, -2.0]))
    assert round(f, 2) == 0.73 and round(f * (1 - f), 2) == 0.20
    assert np.allclose(np.round(dw, 2), [-0.20, -0.39, 0.20]) and np.allclose(np.round(dx, 2), [0.39, -0.59])
    for _ in range(5):
        w, x = rng.uniform(-3, 3, 3), rng.uniform(-3, 3, 2)
        _, dw, dx = ref.neuron_forward_backward(w, x)
        check_gradient("dw", dw, lambda v, x=x: ref.neuron_forward_backward(v, x)[0], w, tol=1e-9)
        check_gradient("dx", dx, lambda v, w=w: ref.neuron_forward_backward(w, v)[0], x, tol=1e-9)


def test_neuron_by_gates_in_the_notebook_agrees_with_the_sigmoid_gate():
    """Check that the notebook's gate-by-gate neuron gives the collapsed neuron's numbers."""
    nb = read_notebook(notebook_path(REPO, "source", "03_sigmoid_gates"))
    (cell,) = [c for c in nb.cells if c.source.startswith("def neuron_by_gates")]
    namespace = {"np": np}
    exec(cell.source.split("\n\n\nvalues, grads")[0], namespace)
    for _ in range(5):
        w, x = rng.uniform(-3, 3, 3), rng.uniform(-3, 3, 2)
        values, grads = namespace["neuron_by_gates"](w, x)
        f, dw, dx = ref.neuron_forward_backward(w, x)
        assert_close("f", values["f"], f, 1e-12)
        assert_close("dw", [grads["w0"], grads["w1"], grads["w2"]], dw, 1e-12)
        assert_close("dx", [grads["x0"], grads["x1"]], dx, 1e-12)


def test_staged_matches_the_lesson_and_numerical_gradients():
    """Check f ≈ 1.5456, df/dx ≈ 2.0596, df/dy ≈ 1.5922 at (3, -4) and random points."""
    f, dx, dy = ref.staged_forward_backward(3.0, -4.0)
    assert (round(f, 4), round(dx, 4), round(dy, 4)) == (1.5456, 2.0596, 1.5922)
    for x, y in rng.uniform(-3, 3, (5, 2)):
        grad = np.array(ref.staged_forward_backward(x, y)[1:])
        check_gradient("(dx, dy)", grad, lambda p: ref.staged_forward_backward(p[0], p[1])[0], np.array([x, y]),
                       tol=1e-9)


@pytest.mark.parametrize("n, d, m", [(4, 3, 5), (1, 2, 2), (6, 4, 4)])
def test_affine_layer_passes_numerical_checks(n, d, m):
    """Check the affine layer's three gradients numerically, including a square w."""
    inputs = [rng.standard_normal((n, d)), rng.standard_normal((d, m)), rng.standard_normal(m)]
    check_backward(ref.affine_forward, ref.affine_backward, inputs, ["dx", "dw", "db"], tol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2, 31, 32, 33, 101, 202])
def test_training_learns_xor_fast_with_a_falling_loss(seed):
    """Check that the defaults learn XOR on many seeds, well under the grader's time budget."""
    import time
    start = time.perf_counter()
    params, losses = ref.train_xor_mlp(XOR_X, XOR_Y, seed=seed)
    assert time.perf_counter() - start < 1.0
    assert np.array_equal(ref.mlp_predict(params, XOR_X), XOR_Y)
    assert len(losses) == 2000 and losses[-1] < 0.05 and np.all(np.diff(losses) <= 1e-12)
    assert sorted(params) == ["W1", "W2", "b1", "b2"]
    assert [params[k].shape for k in ("W1", "b1", "W2", "b2")] == [(2, 8), (8,), (8, 1), (1,)]


def test_one_training_step_is_minus_lr_times_the_numerical_gradient():
    """Check the reference training step against a numerical gradient of the mean cross-entropy."""
    H, lr, X, y = 3, 0.5, rng.standard_normal((5, 2)), rng.integers(0, 2, 5)
    init = np.random.default_rng(9)
    start = np.concatenate([init.standard_normal((2, H)).ravel(), np.zeros(H), init.standard_normal((H, 1)).ravel(),
                            [0.0]])

    def loss(theta):
        hidden = 0.5 * (1 + np.tanh((X @ theta[:2 * H].reshape(2, H) + theta[2 * H:3 * H]) / 2))
        s = hidden @ theta[3 * H:4 * H] + theta[4 * H]
        return np.mean(y * np.logaddexp(0, -s) + (1 - y) * np.logaddexp(0, s))

    params, losses = ref.train_xor_mlp(X, y, hidden_size=H, lr=lr, epochs=1, seed=9)
    after = np.concatenate([np.ravel(params[k]) for k in ("W1", "b1", "W2", "b2")])
    assert abs(losses[0] - loss(start)) < 1e-12
    check_gradient("step / -lr", (start - after) / lr, loss, start, tol=1e-7)


def test_mlp_predict_returns_integer_labels():
    """Check mlp_predict's labels on hand-made XOR weights: int, shape (N,)."""
    params = {"W1": np.array([[20.0, -20.0], [20.0, -20.0]]), "b1": np.array([-10.0, 30.0]),
              "W2": np.array([[20.0], [20.0]]), "b2": np.array([-30.0])}
    labels = ref.mlp_predict(params, XOR_X)
    assert labels.shape == (4,) and labels.dtype.kind == "i" and np.array_equal(labels, XOR_Y)
