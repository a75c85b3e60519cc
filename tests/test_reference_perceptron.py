"""Check the perceptron reference against the contract: strict threshold, Rosenblatt's rule, XOR by a network."""
import numpy as np
import pytest

from autograder.reference import perceptron as ref
from course.data import BINARY_INPUTS, GATE_LABELS, logic_gate, separable_data

rng = np.random.default_rng(1)


def test_reference_exports_exactly_the_graded_functions():
    """Check that the module's public functions are the three graded ones."""
    public = sorted(n for n, v in vars(ref).items() if callable(v) and n[0] != "_" and v.__module__ == ref.__name__)
    assert public == ["perceptron_predict", "perceptron_train", "xor_predict"]


def test_predict_is_strict_int_and_uses_the_bias():
    """Check > (not >=) on the line, integer 0/1 output, and the bias."""
    y_hat = ref.perceptron_predict(np.array([[1.0, 1.0], [2.0, 0.0], [0.0, 0.0]]), np.array([1.0, -1.0]), 0.0)
    assert y_hat.tolist() == [0, 1, 0] and y_hat.dtype.kind == "i"
    assert ref.perceptron_predict(BINARY_INPUTS, np.array([1.0, 1.0]), -1.5).tolist() == [0, 0, 0, 1]
    assert ref.perceptron_predict(BINARY_INPUTS, np.array([1.0, 1.0]), -0.5).tolist() == [0, 1, 1, 1]
    assert ref.perceptron_predict(np.zeros((3, 4)), np.zeros(4), 0.1).tolist() == [1, 1, 1]


def test_and_matches_the_worked_example():
    """Check the lesson's hand-computed run on AND."""
    w, b, errors = ref.perceptron_train(*logic_gate("AND"))
    assert errors == [1, 3, 3, 2, 1, 0] and w.tolist() == [2.0, 1.0] and b == -2.0


def test_one_epoch_by_hand():
    """Check the visible one-epoch example of the notebook."""
    w, b, errors = ref.perceptron_train(np.array([[2.0, 1.0], [-1.0, 3.0], [0.0, -2.0]]), np.array([0, 1, 1]), 0.5, 1)
    assert w.tolist() == [-0.5, 0.5] and b == 1.0 and errors == [2]


def test_weights_after_k_epochs_are_a_prefix_of_the_run():
    """Check that training is deterministic: max_epochs=k gives the run's first k error counts."""
    X, y = rng.standard_normal((10, 3)), rng.integers(0, 2, 10)
    _, _, errors = ref.perceptron_train(X, y, 0.3, 8)
    for k in range(1, len(errors) + 1):
        assert ref.perceptron_train(X, y, 0.3, k)[2] == errors[:k]


@pytest.mark.parametrize("gate", ["AND", "OR", "NAND"])
def test_gates_are_learned_and_stop_after_the_first_clean_epoch(gate):
    """Check convergence on the linearly separable gates, in every order of the samples."""
    X, y = logic_gate(gate)
    for order in [np.arange(4), np.arange(4)[::-1], rng.permutation(4)]:
        w, b, errors = ref.perceptron_train(X[order], y[order], 0.7)
        assert errors[-1] == 0 and min(errors[:-1], default=1) > 0
        assert ref.perceptron_predict(X, w, b).tolist() == y.tolist()


def test_separable_sets_converge_within_novikoffs_bound():
    """Check the update count against (R / gamma)^2 on random separable sets (augmented inputs [x, 1])."""
    for seed in range(5):
        X, y, normal, offset = separable_data(30, seed=seed)
        w, b, errors = ref.perceptron_train(X, y)
        assert errors[-1] == 0 and ref.perceptron_predict(X, w, b).tolist() == y.tolist()
        augmented = np.column_stack([X, np.ones(len(X))])
        unit = np.append(normal, offset) / np.linalg.norm(np.append(normal, offset))
        gamma = np.min(np.abs(augmented @ unit))
        radius = np.max(np.linalg.norm(augmented, axis=1))
        assert sum(errors) <= (radius / gamma) ** 2


def test_xor_never_converges():
    """Check that XOR runs all max_epochs with errors in every epoch."""
    X, y = logic_gate("XOR")
    for lr in (0.1, 1.0, 3.0):
        _, _, errors = ref.perceptron_train(X, y, lr, 25)
        assert len(errors) == 25 and min(errors) > 0


def test_xor_predict_works_on_any_rows_and_dtypes():
    """Check XOR on shuffled, repeated, integer and float rows."""
    assert ref.xor_predict(BINARY_INPUTS).tolist() == GATE_LABELS["XOR"].tolist()
    for dtype in (int, float, np.float32, np.int8):
        X = rng.integers(0, 2, (20, 2)).astype(dtype)
        y_hat = ref.xor_predict(X)
        assert y_hat.dtype.kind == "i" and y_hat.tolist() == (X[:, 0] != X[:, 1]).astype(int).tolist()


def test_separable_data_is_separable_by_its_line_with_margin():
    """Check the toy data generator: labels from the line, margin kept, both labels present, seeded."""
    X, y, normal, offset = separable_data(25, seed=3, margin=0.2)
    distance = X @ normal + offset
    assert X.shape == (25, 2) and y.dtype.kind == "i" and set(y.tolist()) == {0, 1}
    assert np.all((distance > 0) == (y == 1)) and np.all(np.abs(distance) >= 0.2)
    assert np.array_equal(separable_data(25, seed=3, margin=0.2)[0], X)


def test_logic_gates_are_copies():
    """Check that the gate data cannot be changed through a returned array."""
    X, y = logic_gate("xor")
    X[0, 0], y[0] = 5.0, 9
    assert BINARY_INPUTS[0, 0] == 0.0 and GATE_LABELS["XOR"][0] == 0
    with pytest.raises(ValueError, match="unknown gate"):
        logic_gate("NOR")
