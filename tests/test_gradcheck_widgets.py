"""Check the h explorer: it shows the student's own error, truncation falling and round-off rising."""
import numpy as np

from autograder.reference import numerical_gradient
from course.gradcheck import rel_error
from course.gradcheck_widgets import X0, _exact, _f
from course.widgets import gradient_check_explorer


def test_slider_shows_the_error_of_the_students_gradient_at_h():
    """Check that moving h shows rel_error of the given numerical_gradient at that h."""
    ex = gradient_check_explorer(numerical_gradient)
    ex.controls["h"].value = 1e-3
    assert ex.shown["error"] == rel_error(numerical_gradient(_f, X0.copy(), 1e-3), _exact(X0))


def test_curves_show_truncation_and_round_off():
    """Check the V shape: in float64 the error is smallest near 1e-5, in float32 larger and at a larger h."""
    ex = gradient_check_explorer(numerical_gradient)
    steps, errors = ex.shown["curve"]
    at = {h: errors[np.argmin(np.abs(steps - h))] for h in (1e-12, 1e-8, 1e-3, 1e-1)}
    assert at[1e-1] > at[1e-3] and at[1e-12] > at[1e-8]
    assert 1e-7 <= ex.shown["best_h"] <= 1e-3 and errors.min() < 1e-9
    ex.controls["dtype"].value = "float32"
    assert ex.shown["best_h"] >= 1e-4 and ex.shown["curve"][1].min() > 1e-6


def test_stub_gives_a_message(monkeypatch):
    """Check the friendly message before numerical_gradient is written, and silence under nbgrader."""
    def stub(f, x, h=1e-5):
        raise NotImplementedError()
    assert "write numerical_gradient" in gradient_check_explorer(stub).shown["message"]
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert gradient_check_explorer(stub) is None
