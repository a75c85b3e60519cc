"""Check course.plots and the perceptron explorer: they show what they are given."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from autograder.reference import perceptron as ref
from course.data import BINARY_INPUTS, logic_gate
from course.plots import (
    line_points,
    plot_decision_line,
    plot_decision_regions,
    plot_epochs,
    plot_errors,
    plot_xor_hulls,
)
from course.widgets import perceptron_explorer


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_line_points_lie_on_the_line():
    """Check the two end points of the decision line for steep, flat and missing lines."""
    for w, b in [((1.0, 1.0), -1.5), ((3.0, 0.2), 0.4), ((0.0, -2.0), 1.0), ((2.0, 0.0), -1.0)]:
        xs, ys = line_points(w, b, (-0.5, 1.5), (-0.5, 1.5))
        assert np.allclose(w[0] * np.asarray(xs) + w[1] * np.asarray(ys) + b, 0.0)
    assert line_points((0.0, 0.0), 1.0, (0, 1), (0, 1)) is None


def test_decision_line_plot_draws_points_and_line():
    """Check that the plot has both classes and a line through the given weights."""
    X, y = logic_gate("AND")
    ax = plot_decision_line(X, y, np.array([1.0, 1.0]), -1.5, title="AND")
    (line,) = ax.lines
    xs, ys = line.get_data()
    assert np.allclose(np.asarray(xs) + np.asarray(ys) - 1.5, 0.0)
    assert len(ax.collections) >= 2 and ax.get_title() == "AND"


def test_plot_epochs_asks_the_students_train_for_each_epoch():
    """Check that plot_epochs draws one panel per epoch from train(..., max_epochs=k)."""
    calls = []

    def train(X, y, lr, max_epochs):
        calls.append(max_epochs)
        return ref.perceptron_train(X, y, lr, max_epochs)

    fig = plot_epochs(train, *logic_gate("AND"), cols=4)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert calls == [100, 1, 2, 3, 4, 5, 6]
    assert titles[0] == "after epoch 1: 1 error" and titles[-1] == "after epoch 6: 0 errors"
    assert len(fig.axes) == 8 and sum(ax.axison for ax in fig.axes) == 6


def test_plot_errors_and_regions():
    """Check the error curve's data and that the regions come from the given predict."""
    ax = plot_errors([2, 3, 1, 0])
    assert ax.lines[0].get_ydata().tolist() == [2, 3, 1, 0]
    seen = []

    def predict(P):
        seen.append(P.shape)
        return ref.xor_predict(P)

    plot_decision_regions(predict, *logic_gate("XOR"))
    assert seen == [(161 * 161, 2)]
    with pytest.raises(TypeError):
        plot_decision_regions(np.zeros((4, 2)))
    assert len(plot_xor_hulls().lines) == 3


def test_plots_write_no_warnings(recwarn):
    """Check that drawing a line that misses the box, w = 0 and constant regions warn about nothing."""
    X, y = logic_gate("XOR")
    plot_decision_line(X, y, np.array([0.0, 0.0]), 1.0)
    plot_decision_line(X, y, np.array([1.0, 0.0]), 10.0)
    plot_decision_regions(lambda P: np.zeros(len(P), dtype=int), X, y)
    plt.gcf().canvas.draw()
    assert len(recwarn) == 0, [str(w.message) for w in recwarn]


def _set(explorer, w1, w2, b, gate):
    s = explorer.sliders
    s["w1"].value, s["w2"].value, s["b"].value = w1, w2, b
    explorer.gate.value = gate


def test_explorer_updates_the_truth_table_from_the_students_predict():
    """Check that moving sliders and switching gates shows the right predictions and count."""
    ex = perceptron_explorer(ref.perceptron_predict)
    assert set(ex.sliders) == {"w1", "w2", "b"} and ex.gate.options == ("AND", "OR", "XOR")
    _set(ex, 1.0, 1.0, -1.5, "AND")
    assert ex.table["predicted"].tolist() == [0, 0, 0, 1] and ex.table["right"] == 4
    assert "AND: 4 of 4 right" in ex.children[0].children[1].value
    ex.sliders["b"].value = -0.5
    assert ex.table["predicted"].tolist() == [0, 1, 1, 1] and ex.table["right"] == 2
    ex.gate.value = "OR"
    assert ex.table["target"].tolist() == [0, 1, 1, 1] and ex.table["right"] == 4
    ex.gate.value = "XOR"
    assert ex.table["right"] == 3 and np.allclose(ex.table["score"], BINARY_INPUTS @ [1.0, 1.0] - 0.5)
    _set(ex, 0.0, 0.0, 0.0, "XOR")  # on the line everywhere: strict > says 0
    assert ex.table["predicted"].tolist() == [0, 0, 0, 0] and ex.table["right"] == 2


def test_explorer_draws_the_line_it_reports():
    """Check that the figure's line follows the sliders and disappears when w = 0."""
    ex = perceptron_explorer(ref.perceptron_predict)
    _set(ex, 2.0, -1.0, 0.5, "OR")
    (line,) = ex.figure.axes[0].lines
    xs, ys = line.get_data()
    assert np.allclose(2.0 * np.asarray(xs) - np.asarray(ys) + 0.5, 0.0)
    _set(ex, 0.0, 0.0, 1.0, "OR")
    assert len(line.get_xdata()) == 0 and "no line" in ex.figure.axes[0].get_title()


def test_explorer_with_unwritten_or_broken_predict_shows_a_message():
    """Check that a stub or a crashing predict gives a message in the widget, not a traceback."""
    def stub(X, w, b):
        raise NotImplementedError()

    ex = perceptron_explorer(stub)
    assert ex.table["predicted"] is None and "Write perceptron_predict" in ex.table["message"]
    ex = perceptron_explorer(lambda X, w, b: np.zeros(3, dtype=int))
    assert "shape" in ex.table["message"]
    with pytest.raises(TypeError):
        perceptron_explorer(np.zeros(3))


def test_explorer_is_silent_while_autograding(monkeypatch, capsys):
    """Check that under nbgrader the explorer builds nothing and prints nothing."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert perceptron_explorer(ref.perceptron_predict) is None
    assert capsys.readouterr().out == ""
