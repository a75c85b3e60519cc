"""Check the course's gradient checker: its metric, its verdicts and its diagnoses of planted bugs."""
import linecache

import numpy as np
import pytest

from course.gradcheck import (
    GradientError,
    assert_close,
    check_backward,
    check_directional,
    check_gradient,
    diagnose,
    explained,
    five_point_gradient,
    rel_error,
)

rng = np.random.default_rng(0)
G = rng.standard_normal((4, 4)) + 0.1  # a generic "true gradient"


def loss(x):
    """A smooth scalar function whose gradient is G * cos(x) + 2x."""
    return float(np.sum(G * np.sin(x) + x ** 2))


def grad(x):
    return G * np.cos(x) + 2 * x


X = rng.standard_normal((4, 4))


def test_rel_error_is_the_documented_normwise_metric():
    """Check rel_error = max|a-b| / max(max|a|, max|b|) and its edge cases."""
    a, b = np.array([1.0, -4.0]), np.array([1.5, -4.0])
    assert rel_error(a, b) == pytest.approx(0.5 / 4.0)
    assert rel_error(a, a) == 0.0
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(np.array([1e-30]), np.array([2e-30])) < 1e-12  # tiny entries do not blow up
    assert rel_error(3.0, -3.0) == pytest.approx(2.0)


def test_five_point_gradient_is_accurate_and_leaves_x_alone():
    """Check the stencil against a known gradient and that x is unchanged."""
    x = X.copy()
    assert rel_error(five_point_gradient(loss, x), grad(X)) < 1e-10
    assert np.array_equal(x, X)


def test_correct_gradients_pass_both_checks():
    """Check that a right gradient passes entry-wise and directional checks."""
    check_gradient("dx", grad(X), loss, X, tol=1e-9)
    check_directional("dx", grad(X), loss, X, tol=1e-7)
    assert check_gradient("dx", grad(X), loss, X) is None  # a test cell ending in a check shows nothing


@pytest.mark.parametrize("planted, words", [
    (lambda g: 2 * g, "constant factor of 2"),
    (lambda g: g / 4, "constant factor of 1/4"),
    (lambda g: -g, "wrong sign"),
    (lambda g: g.T, "transposed"),
    (lambda g: g[::-1, ::-1], "rotated by 180 degrees"),
    (lambda g: np.zeros_like(g), "zero everywhere"),
    (lambda g: np.where(np.arange(16).reshape(4, 4) % 5 == 0, 0.0, g),
     "zero in entries where it should not be: (0, 0), (1, 1)"),
    (lambda g: g + np.where(np.arange(16).reshape(4, 4) == 6, 1.0, 0.0), "wrong in 1 of 16 entries: (1, 2)"),
    (lambda g: g[:3], "shape (3, 4), but should have shape (4, 4)"),
    (lambda g: g * np.nan, "NaN or inf"),
])
def test_check_gradient_diagnoses_planted_bugs(planted, words):
    """Check that each planted bug fails with a message naming it, the error and the tolerance."""
    with pytest.raises(GradientError) as caught:
        check_gradient("dx", planted(grad(X)), loss, X, tol=1e-7, hint="HINT")
    message = str(caught.value)
    assert message.startswith("dx: ") and words in message and message.endswith("HINT" if "shape" not in words else ".")
    if "shape" not in words and "NaN" not in words:
        assert "exceeds the tolerance 1e-07" in message


def test_diagnosis_of_gradient_sent_where_it_does_not_flow():
    """Check the max-pooling bug: gradient copied into entries whose true gradient is zero."""
    true = np.array([[0.0, 3.0], [0.0, 0.0]])
    assert ("non-zero in entries where the gradient is zero: (0, 0), (1, 0), (1, 1)"
            in diagnose(np.full((2, 2), 3.0), true))


def test_a_single_number_gets_no_factor_diagnosis():
    """Check that two scalars are not said to differ by a 'constant factor', which is always true."""
    assert "factor" not in diagnose(3.0, -4.0) and "wrong sign" in diagnose(4.0, -4.0)


def test_diagnosis_never_shows_expected_values():
    """Check that messages name entries, not the expected numbers."""
    expected = np.array([[0.123456, 7.654321], [2.5, -9.75]])
    wrong = expected.copy()
    wrong[0, 1] = 0.0
    with pytest.raises(GradientError) as caught:
        assert_close("dw", wrong, expected, 1e-8)
    assert all(text not in str(caught.value) for text in ["0.123", "7.65", "2.5", "9.75"])


@pytest.mark.parametrize("factor, words",
                         [(2.0, "factor of 2"), (-1.0, "wrong sign"), (0.0, "zero in every direction")])
def test_directional_check_diagnoses_scale_and_sign(factor, words):
    """Check that a directional check names a scale or sign error."""
    big = rng.standard_normal((8, 9, 10))
    with pytest.raises(GradientError) as caught:
        check_directional("dx", factor * np.cos(big), lambda v: float(np.sum(np.sin(v))), big)
    assert words in str(caught.value)


def test_directional_check_catches_an_error_in_one_entry():
    """Check that one wrong entry among 720 is caught by 5 random directions."""
    big = rng.standard_normal((8, 9, 10))
    wrong = np.cos(big)
    wrong[3, 4, 5] += 1.0
    with pytest.raises(GradientError, match="disagree"):
        check_directional("dx", wrong, lambda v: float(np.sum(np.sin(v))), big)


def _scale_forward(x, w):
    return x * w, (x, w)


def test_check_backward_passes_a_right_layer_and_fails_a_wrong_one():
    """Check check_backward on an elementwise product layer, right and with swapped gradients."""
    x, w = rng.standard_normal((2, 3, 4))
    check_backward(_scale_forward, lambda d, c: (d * c[1], d * c[0]), [x, w], ["dx", "dw"])
    check_backward(_scale_forward, lambda d, c: (d * c[1], d * c[0]), [x, w], ["dx", "dw"], directional=True)
    with pytest.raises(GradientError, match="^dx: .*HINT$"):
        check_backward(_scale_forward, lambda d, c: (d * c[0], d * c[1]), [x, w], ["dx", "dw"], hint="HINT")


def test_check_backward_catches_changed_inputs():
    """Check that a backward writing into dout is reported."""
    def backward(dout, cache):
        dout *= 2
        return dout * cache[1] / 2, dout * cache[0] / 2
    x, w = rng.standard_normal((2, 3))
    with pytest.raises(GradientError, match="changed in place"):
        check_backward(_scale_forward, backward, [x, w], ["dx", "dw"])


def test_check_backward_counts_returned_gradients():
    """Check that a backward returning too few gradients is reported plainly."""
    with pytest.raises(GradientError, match="returned 1 gradient"):
        check_backward(_scale_forward, lambda d, c: d * c[1], [np.ones(2), np.ones(2)], ["dx", "dw"])


def test_errors_deep_in_a_backward_come_out_with_the_hint():
    """Check that a NumPy shape clash inside a backward becomes a GradientError ending in the hint."""
    def backward(dout, cache):
        return dout + np.ones(7), dout
    with pytest.raises(GradientError, match=r"^backward raised ValueError: operands could not be broadcast.* "
                                            r"\(at `return dout \+ np.ones\(7\), dout`\); HINT$"):
        check_backward(_scale_forward, backward, [np.ones(3), np.ones(3)], ["dx", "dw"], hint="HINT")
    with pytest.raises(NotImplementedError):
        check_backward(_scale_forward, _stub, [np.ones(3), np.ones(3)], ["dx", "dw"])


def _stub(dout, cache):
    raise NotImplementedError()


def test_strict_floats_sees_an_overflow_that_the_code_inside_silences():
    """Check that np.errstate(over="ignore") inside strict_floats hides nothing, and NumPy is as before after it."""
    from course.gradcheck import strict_floats

    def silenced(x):
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-x))

    errstate, before = np.errstate, np.geterr()
    with pytest.raises(FloatingPointError), strict_floats():
        silenced(np.array([-1e4]))
    with strict_floats():
        assert silenced(np.array([-3.0, 3.0])).shape == (2,)  # no overflow, nothing raised
    assert np.errstate is errstate and np.geterr() == before


def test_labels_are_diagnosed_in_words_for_labels():
    """Check that wrong 0/1 labels are counted as labels, not described as gradients that do not flow."""
    message = diagnose(np.array([1, 1, 0, 1]), np.array([0, 1, 1, 0]))
    assert message == "3 of 4 labels are wrong: 0, 2, 3." and "gradient" not in message
    assert "gradient" in diagnose(np.array([1.0, 0.0]), np.array([0.5, 0.0]))  # float arrays stay gradients


def test_a_round_off_difference_is_not_called_a_factor_of_1():
    """Check that values within 1e-6 but outside a tight tolerance are called close, not off by a factor of 1."""
    e = np.linspace(1.0, 2.0, 6)
    message = diagnose(e * (1 + 1e-9 * np.arange(6)), e, tol=1e-12)
    assert "close, but not within the tolerance" in message and "factor" not in message
    assert "constant factor of 2" in diagnose(2 * e, e)


def test_uses_says_which_relied_on_function_to_fix_first():
    """Check that a failing check inside uses() names the function to fix first, and a stub says to write it."""
    from course.gradcheck import uses
    with pytest.raises(GradientError) as caught, uses("affine_backward"):
        assert_close("db", np.zeros(3), np.ones(3), 1e-12)
    assert str(caught.value).startswith(
        "this test relies on your affine_backward, and a check of affine_backward fails")
    assert str(caught.value).endswith("fix affine_backward first.")
    with pytest.raises(GradientError, match="which are not written yet: write a and b first"), uses("a and b"):
        raise NotImplementedError()
    with uses("affine_backward"):
        assert_close("db", np.ones(3), np.ones(3), 1e-12)  # a passing check passes through


STUDENT_CELL = "def _pad_rows(a):\n    return a[[0, 1, 2, 3]]\n\n\ndef uses_a_helper(x):\n    return _pad_rows(x)\n"


def student_functions():
    """Functions defined in a cell of their own, as a student's are (its text registered, as IPython does)."""
    linecache.cache["<student cell>"] = (len(STUDENT_CELL), None, STUDENT_CELL.splitlines(True), "<student cell>")
    namespace = {}
    exec(compile(STUDENT_CELL, "<student cell>", "exec"), namespace)
    return namespace


def test_an_error_names_the_function_called_and_where_it_was_raised():
    """Check that explained names the function the test called, the helper that raised, and the line."""
    with pytest.raises(GradientError, match=r"^uses_a_helper raised IndexError: .* \(in _pad_rows, at "
                                            r"`return a\[\[0, 1, 2, 3\]\]`\); HINT$"):
        with explained("HINT"):
            (lambda v: student_functions()["uses_a_helper"](v))(np.ones(2))  # not the test's own lambda
    with pytest.raises(GradientError, match=r"^IndexError: .*; HINT$"):  # the test's own code: nothing to name
        with explained("HINT"):
            np.ones(2)[5]
    with pytest.raises(GradientError, match="^wrong; HINT$"), explained("HINT"):  # a failed check passes through
        raise GradientError("wrong; HINT")


def test_a_shape_mismatch_keeps_only_a_hint_about_shapes():
    """Check that a wrong shape is not explained by a hint about values (the bias, say), but by one about shapes."""
    with pytest.raises(GradientError, match=r"^out: it has shape \(4, 1\), but should have shape \(4,\)\.$"):
        assert_close("out", np.zeros((4, 1)), np.ones(4), 1e-12, hint="add the bias b to every output.")
    with pytest.raises(GradientError, match=r"should have shape \(4,\)\. out has shape \(N,\)\.$"):
        assert_close("out", np.zeros((4, 1)), np.ones(4), 1e-12, hint="out has shape (N,).")
    with pytest.raises(GradientError, match=r"zero everywhere, though it should not be\. HINT$"):
        assert_close("dx", np.zeros(4), np.ones(4), 1e-12, hint="HINT")  # the cause (0/1 inputs, say) is the hint's


def test_a_wrong_shape_is_reported_before_the_test_reads_entries():
    """Check that assert_shape names the array and both shapes, and passes a right shape silently."""
    from course.gradcheck import assert_shape
    assert assert_shape("dx", np.zeros((1, 1, 3, 3)), (1, 1, 3, 3)) is None
    with pytest.raises(GradientError, match=r"^dx: it has shape \(1, 1, 0, 0\), but should have shape \(1, 1, 3, 3\)\. "
                                            r"dx has the shape of x\.$"):
        assert_shape("dx", np.zeros((1, 1, 0, 0)), (1, 1, 3, 3), hint="dx has the shape of x.")
