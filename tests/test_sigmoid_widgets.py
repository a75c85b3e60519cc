"""Tests for course.sigmoid_widgets: the explorers show what the functions they are given compute."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from autograder import reference as ref
from course import sigmoid_widgets as sw
from course.graph import _fmt


def by_gates(w, x):
    """The gate-level values and gradients, from the reference neuron (test helper, not course code)."""
    f, dw, dx = ref.neuron_forward_backward(w, x)
    s = w[0] * x[0] + w[1] * x[1] + w[2]
    values = {"w0": w[0], "w1": w[1], "w2": w[2], "x0": x[0], "x1": x[1], "s": s, "f": f}
    grads = {"f": 1.0, "s": f * (1 - f), "w0": dw[0], "w1": dw[1], "w2": dw[2], "x0": dx[0], "x1": dx[1]}
    return values, grads


def stub(*args):
    raise NotImplementedError()


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    yield
    plt.close("all")


def test_neuron_graph_is_drawable_and_has_the_lesson_start():
    """Check that the graph names every node the gates use and starts at the lesson's point."""
    assert set(sw.NEURON_START) == {"w0", "w1", "w2", "x0", "x1"}
    assert sw.NEURON_START == {"w0": 2.0, "w1": -3.0, "w2": -3.0, "x0": -1.0, "x1": -2.0}
    ax, _ = sw.draw_graph_numbers(sw.NEURON_GRAPH)
    assert {"exp", "1/x", "*-1", "+1"} <= {t.get_text() for t in ax.texts}


def test_neuron_explorer_shows_the_lesson_numbers_then_follows_the_sliders():
    """Check the shown f, dw, dx at the start and after moving w0 and x1."""
    explorer = sw.neuron_explorer(by_gates, ref.neuron_forward_backward)
    assert set(explorer.sliders) == {"w0", "w1", "w2", "x0", "x1"}
    assert explorer.shown["f"] == pytest.approx(0.7311, abs=1e-4)
    assert np.allclose(explorer.shown["dw"], [-0.1966, -0.3932, 0.1966], atol=1e-4)
    assert np.allclose(explorer.shown["dx"], [0.3932, -0.5898], atol=1e-4)
    assert explorer.shown["grads"]["x0"] == pytest.approx(0.3932, abs=1e-4)
    explorer.sliders["w0"].value = 1.0
    explorer.sliders["x1"].value = 0.5
    w, x = np.array([1.0, -3.0, -3.0]), np.array([-1.0, 0.5])
    f, dw, dx = ref.neuron_forward_backward(w, x)
    assert explorer.shown["f"] == pytest.approx(f) and explorer.shown["values"]["f"] == pytest.approx(f)
    assert np.allclose(explorer.shown["dw"], dw) and np.allclose(explorer.shown["dx"], dx)
    assert explorer.shown["grads"]["w1"] == pytest.approx(dw[1])
    assert "dw = [" in explorer.caption.value
    assert _fmt(f) in {t.get_text() for t in explorer.axes.texts}  # the output wire shows the new f


def test_neuron_explorer_says_what_to_write_when_a_function_is_a_stub():
    """Check the friendly message for a function not written yet, and that the graph still draws."""
    explorer = sw.neuron_explorer(by_gates, stub)
    assert "write stub" in explorer.shown["message"] and "values" in explorer.shown
    explorer = sw.neuron_explorer(stub)
    assert "write stub" in explorer.shown["message"] and "values" not in explorer.shown


def test_sigmoid_explorer_shows_sigma_and_its_slope_and_where_it_vanishes():
    """Check the shown sigma, sigma' and the vanishing flag as the slider moves."""
    explorer = sw.sigmoid_explorer(ref.sigmoid_forward, ref.sigmoid_backward)
    assert list(explorer.sliders) == ["x"]
    explorer.slider.value = 0.0
    assert explorer.shown["sigma"] == 0.5 and explorer.shown["dsigma"] == 0.25 and not explorer.shown["vanishing"]
    explorer.slider.value = 1.0
    assert explorer.shown["dsigma"] == pytest.approx(0.19661193)
    explorer.slider.value = -7.0
    s = 1 / (1 + np.exp(7.0))
    assert explorer.shown["sigma"] == pytest.approx(s) and explorer.shown["dsigma"] == pytest.approx(s * (1 - s))
    assert explorer.shown["vanishing"]
    assert "0.000911" in explorer.axes.get_title()


def test_sigmoid_explorer_with_stubs_shows_a_message():
    """Check that unwritten functions give a message, not a traceback."""
    explorer = sw.sigmoid_explorer(stub, stub)
    assert "write stub and stub" in explorer.shown["message"]


def test_explorers_do_nothing_while_nbgrader_grades(monkeypatch, capsys):
    """Check that under NBGRADER_EXECUTION the explorers build nothing and print nothing."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert sw.neuron_explorer(by_gates, ref.neuron_forward_backward) is None
    assert sw.sigmoid_explorer(ref.sigmoid_forward, ref.sigmoid_backward) is None
    assert capsys.readouterr().out == ""
    assert not plt.get_fignums()


def test_explorers_refuse_arguments_that_are_not_functions():
    """Check the TypeError for a value passed where a function belongs."""
    with pytest.raises(TypeError, match="your functions"):
        sw.sigmoid_explorer(np.zeros(3), ref.sigmoid_backward)
    with pytest.raises(TypeError):
        sw.neuron_explorer(np.zeros(3), np.zeros(2))


def test_plot_xor_training_draws_the_loss_and_the_regions():
    """Check the loss curve and the decision regions of a given predictor."""
    X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 1, 1, 0])
    fig = sw.plot_xor_training([0.7, 0.3, 0.1], lambda Z: (np.abs(Z[:, 0] - Z[:, 1]) > 0.5).astype(int), X, y)
    left, right = fig.axes[:2]
    assert list(left.lines[0].get_ydata()) == [0.7, 0.3, 0.1] and left.get_yscale() == "log"
    assert right.get_title() == "decision regions" and len(right.collections) >= 3
