"""Check the pooling explorer: it runs the student's functions and shows the right window and dx."""
import numpy as np

from autograder.reference import pooling as ref
from course.pooling_widgets import PoolingExplorer, pooling_explorer


def explorer():
    return pooling_explorer(ref.avg_pool_forward, ref.avg_pool_backward, ref.max_pool_forward, ref.max_pool_backward)


def test_moving_sliders_changes_window_and_gradient():
    """Check that window, stride, output cell and mode change what is shown, to the right values."""
    ex = explorer()
    assert isinstance(ex, PoolingExplorer)
    c = ex.controls
    c["pool_height"].value, c["pool_width"].value, c["stride"].value = 3, 2, 1
    c["row"].value, c["col"].value = 2, 3
    assert ex.shown["window"] == (2, 3, 3, 2)
    window = ex.x[0, 0, 2:5, 3:5]
    assert ex.shown["out"] == window.mean()
    expected = np.zeros((6, 6))
    expected[2:5, 3:5] = 1 / 6
    assert np.allclose(ex.shown["dx"], expected)
    c["mode"].value = "max"
    r, q = divmod(int(np.argmax(window)), 2)
    assert ex.shown["out"] == window.max() and ex.shown["dx"][2 + r, 3 + q] == 1 and ex.shown["dx"].sum() == 1


def test_output_cell_is_clamped_when_the_output_shrinks():
    """Check that a larger stride pulls the selected output cell back inside the output."""
    ex = explorer()
    ex.controls["row"].value = 4
    ex.controls["stride"].value = 3
    assert ex.controls["row"].value == 1 and ex.shown["window"][0] == 3


def test_unwritten_functions_give_a_message_not_a_traceback():
    """Check that stubs raising NotImplementedError produce a friendly message."""
    def stub(*args):
        raise NotImplementedError()
    ex = pooling_explorer(stub, stub, stub, stub)
    assert "write stub" in ex.shown["message"] and "dx" not in ex.shown


def test_silent_while_autograding(monkeypatch):
    """Check that under nbgrader the explorer builds nothing."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert explorer() is None
