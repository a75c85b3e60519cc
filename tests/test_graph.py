"""Tests for course.graph: the circuit drawing shows the numbers it is given, where it should."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Circle

from course.graph import _fmt, draw_graph

CIRCUIT = {"x": (None, []), "y": (None, []), "z": (None, []), "q": ("+", ["x", "y"]), "f": ("*", ["q", "z"])}
VALUES = {"x": -2, "y": 5, "z": -4, "q": 3, "f": -12}
GRADS = {"x": -4, "y": -4, "z": 3, "q": -4, "f": 1}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(ax):
    return [t.get_text() for t in ax.texts]


def text_x(ax, s):
    (x,) = [t.get_position()[0] for t in ax.texts if t.get_text() == s]
    return x


def test_circuit_shows_values_and_gradients():
    ax = draw_graph(CIRCUIT, VALUES, GRADS)
    shown = texts(ax)
    for s in ["-12.00", "3.00", "-4.00", "-2.00", "5.00", "1.00"]:
        assert s in shown
    assert shown.count("-4.00") == 4  # z's value and the gradients of x, y and q
    green = [t.get_text() for t in ax.texts if t.get_color() == "tab:green"]
    red = [t.get_text() for t in ax.texts if t.get_color() == "tab:red"]
    assert sorted(green) == sorted(["-2.00", "5.00", "-4.00", "3.00", "-12.00"])
    assert sorted(red) == sorted(["-4.00", "-4.00", "3.00", "-4.00", "1.00"])


def test_value_above_and_gradient_below_the_output_wire():
    ax = draw_graph(CIRCUIT, VALUES, GRADS)
    (value,) = [t for t in ax.texts if t.get_text() == "-12.00"]
    (grad,) = [t for t in ax.texts if t.get_text() == "1.00"]
    assert value.get_position()[1] > grad.get_position()[1]


def test_layout_goes_left_to_right():
    ax = draw_graph(CIRCUIT, VALUES, GRADS)
    x, plus, times, f = (text_x(ax, s) for s in ["x", "+", "*", "f"])
    assert x < plus < times < f
    circles = sorted(p.center[0] for p in ax.patches if isinstance(p, Circle))
    assert len(circles) == 2 and x < circles[0] < circles[1] < f
    assert circles[0] == pytest.approx(plus) and circles[1] == pytest.approx(times)


def test_input_order_in_dict_does_not_matter():
    shuffled = {k: CIRCUIT[k] for k in ["f", "z", "q", "y", "x"]}
    ax = draw_graph(shuffled, VALUES, GRADS)
    assert text_x(ax, "x") < text_x(ax, "+") < text_x(ax, "*")


def test_cycle_raises():
    with pytest.raises(ValueError, match="cycle"):
        draw_graph({"x": (None, []), "a": ("+", ["x", "b"]), "b": ("*", ["a"])})
    with pytest.raises(ValueError, match="cycle"):
        draw_graph({"a": ("exp", ["a"])})


def test_unknown_input_raises():
    with pytest.raises(ValueError, match="'w'"):
        draw_graph({"x": (None, []), "f": ("*", ["x", "w"])})


def test_draws_without_values_or_grads():
    ax = draw_graph(CIRCUIT)
    assert set(texts(ax)) == {"x", "y", "z", "+", "*", "f"}
    ax = draw_graph(CIRCUIT, values=VALUES)
    assert "-12.00" in texts(ax) and "1.00" not in texts(ax)


def test_given_axes_are_used_and_no_figure_is_created():
    fig, ax = plt.subplots()
    assert draw_graph(CIRCUIT, VALUES, GRADS, ax=ax, title="circuit") is ax
    assert plt.get_fignums() == [fig.number]
    assert ax.get_title() == "circuit"


def test_numpy_scalars_are_accepted():
    values = {k: np.array(float(v)) for k, v in VALUES.items()}
    grads = {k: np.float64(v) for k, v in GRADS.items()}
    assert "-12.00" in texts(draw_graph(CIRCUIT, values, grads))


def test_fmt():
    assert [_fmt(v) for v in [-12, 0.731, 0.0, -0.0, 1.5e-05, 123456.0]] == [
        "-12.00", "0.73", "0.00", "0.00", "1.5e-05", "1.23e+05"]


def test_sigmoid_neuron_draws_every_node(recwarn):
    nodes = {"w0": (None, []), "x0": (None, []), "w1": (None, []), "x1": (None, []), "w2": (None, []),
             "a": ("*", ["w0", "x0"]), "b": ("*", ["w1", "x1"]), "c": ("+", ["a", "b"]), "d": ("+", ["c", "w2"]),
             "e": ("*-1", ["d"]), "g": ("exp", ["e"]), "h": ("+1", ["g"]), "f": ("1/x", ["h"])}
    ax = draw_graph(nodes, {n: 1.0 for n in nodes}, {n: 2.0 for n in nodes})
    assert sum(isinstance(p, Circle) for p in ax.patches) == 8
    assert texts(ax).count("1.00") == 13 and texts(ax).count("2.00") == 13  # one per wire
    assert text_x(ax, "w2") < text_x(ax, "exp") < text_x(ax, "1/x")
    ax.figure.canvas.draw()
    assert len(recwarn) == 0
