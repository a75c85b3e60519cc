"""Check the convolution explorers: they show the right geometry and the student's own numbers."""
import numpy as np

from autograder.reference import conv as ref
from course.conv_widgets import flip_explorer, input_pixel_explorer


def test_input_pixel_explorer_shows_the_paths_of_a_pixel():
    """Check that a corner meets one weight and the centre four, and that dx is the layer's own."""
    ex = input_pixel_explorer(ref.conv_forward_naive, ref.conv_backward_naive)
    ex.controls["row"].value, ex.controls["col"].value = 0, 0
    assert ex.shown["outputs"] == [(0, 0)] and ex.shown["weights"] == [(0, 0)]
    assert ex.shown["terms"] == ["d[0,0]·w[0,0]"]
    ex.controls["row"].value, ex.controls["col"].value = 2, 2
    assert ex.shown["weights"] == [(1, 1), (1, 0), (0, 1), (0, 0)] and len(ex.shown["outputs"]) == 4
    _, cache = ref.conv_forward_naive(ex.x, ex.w, np.zeros(1), {"stride": 1, "pad": 0})
    assert ex.shown["dx"] == ref.conv_backward_naive(ex.upstream((4, 4)), cache)[0][0, 0, 2, 2]
    ex.controls["stride"].value, ex.controls["pad"].value = 2, 1
    assert ex.shown["outputs"] == [(1, 1)] and ex.shown["weights"] == [(1, 1)]


def test_flip_explorer_fills_dx_step_by_step():
    """Check that each step moves the window and reveals one more entry of the student's dx."""
    ex = flip_explorer(ref.corr2d_backward)
    ex.controls["step"].value = 4
    assert ex.shown["window"] == (1, 1, 2, 2) and len(ex.shown["filled"]) == 5
    assert np.array_equal(ex.shown["dx"], ref.corr2d_backward(ex.d, ex.x, ex.k)[0])
    assert "agrees" not in ex.shown  # without corr2d nothing is checked, and the title claims nothing


def test_flip_explorer_marks_each_entry_against_a_numerical_gradient():
    """Check that the flip explorer marks right entries of dX with a tick and a wrong one with a cross."""
    def unflipped(dout, x, k):  # correlates with k itself: wrong wherever k's asymmetry shows
        dx, dk = ref.corr2d_backward(dout, x, k[::-1, ::-1])
        return dx, dk
    ex = flip_explorer(ref.corr2d_backward, ref.corr2d)
    ex.controls["step"].value = 8
    assert ex.shown["agrees"] == [True] * 9
    assert "every entry so far agrees" in ex._title.get_text()
    assert all(label.endswith(" ✓") for label in shaded(ex._grids[2]).values())
    wrong = flip_explorer(unflipped, ref.corr2d)
    wrong.controls["step"].value = 8
    right = np.isclose(wrong.shown["dx"], ref.corr2d_backward(wrong.d, wrong.x, wrong.k)[0]).ravel().tolist()
    assert wrong.shown["agrees"] == right and not all(right)
    assert f"{right.count(False)} of 9 entries so far differ" in wrong._title.get_text()
    assert {cell for cell, label in shaded(wrong._grids[2]).items() if label.endswith(" ✗")} == \
        {divmod(t, 3) for t in range(9) if not right[t]}
    assert [[t.get_text() for t in wrong._grids[1].ax.texts]] == [["w4=4", "w3=3", "w2=2", "w1=1"]]


def test_stubs_and_grading(monkeypatch):
    """Check the friendly message for stubs and silence under nbgrader."""
    def stub(*args):
        raise NotImplementedError()
    assert "write stub" in flip_explorer(stub).shown["message"]
    assert "write stub" in input_pixel_explorer(stub, stub).shown["message"]
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert flip_explorer(stub) is None and input_pixel_explorer(stub, stub) is None


def shaded(grid):
    """The cells a Grid shows shaded, with their labels."""
    return {cell: label.get_text() for cell, (square, label) in grid.cells.items() if square.get_visible()}


def test_grids_shade_exactly_the_cells_the_explorers_name():
    """Check that the shaded cells are the pixel, the weights and outputs it met, and dX's filled entries."""
    ex = input_pixel_explorer(ref.conv_forward_naive, ref.conv_backward_naive)
    for row, col in [(2, 2), (0, 4), (4, 0)]:
        ex.controls["row"].value, ex.controls["col"].value = row, col
        x, w, d = ex._grids
        assert set(shaded(x)) == {(row, col)}
        assert set(shaded(w)) == set(ex.shown["weights"]) and set(shaded(d)) == set(ex.shown["outputs"])
    flip = flip_explorer(ref.corr2d_backward)
    flip.controls["step"].value = 4
    dx = ref.corr2d_backward(flip.d, flip.x, flip.k)[0]
    assert shaded(flip._grids[2]) == {divmod(t, 3): f"{dx[divmod(t, 3)]:g}" for t in range(5)}
    assert len(shaded(flip._grids[0])) == 4 and not shaded(flip._grids[1])
