"""ipywidget explorers: move sliders and watch what the student's own functions compute.

Each explorer takes the student's functions as arguments (the package holds no answers) and,
while nbgrader executes a notebook (NBGRADER_EXECUTION is set), only prints a one-line note.
"""
import os

import numpy as np


def _grading():
    return bool(os.environ.get("NBGRADER_EXECUTION"))


# ---- perceptron_explorer (01_perceptron_xor) -------------------------------------------------

_GATES = ("AND", "OR", "XOR")


def _perceptron_table(predict, X, target, w, b):
    """The truth table the explorer shows: dict of X, target, score, predicted (or None) and the message."""
    table = {"X": X, "target": target, "score": X @ w + b, "predicted": None, "right": None, "message": ""}
    try:
        predicted = np.asarray(predict(X.copy(), w.copy(), float(b)))
    except NotImplementedError:
        table["message"] = "Write perceptron_predict above and run its cell, then this one again."
        return table
    except Exception as err:  # a student's bug should show in the widget, not kill it
        table["message"] = f"predict raised {type(err).__name__}: {err}"
        return table
    if predicted.shape != target.shape:
        table["message"] = f"predict returned shape {predicted.shape}; expected {target.shape}."
        return table
    table["predicted"] = predicted
    table["right"] = int(np.sum(predicted == target))
    return table


def _perceptron_html(table, gate):
    rows = []
    for i, (x, t, s) in enumerate(zip(table["X"], table["target"], table["score"])):
        p = "?" if table["predicted"] is None else int(table["predicted"][i])
        mark = "" if table["predicted"] is None else ("✓" if p == t else "✗")
        colour = "" if mark != "✗" else ' style="color:#c00"'
        rows.append(f"<tr{colour}><td>{int(x[0])}</td><td>{int(x[1])}</td><td>{s:+.2f}</td>"
                    f"<td>{int(t)}</td><td>{p}</td><td>{mark}</td></tr>")
    head = ("<tr><th>x1</th><th>x2</th><th>w·x + b</th><th>target</th><th>predicted</th><th></th></tr>")
    if table["predicted"] is None:
        summary = f"<p><b>{table['message']}</b></p>"
    else:
        summary = f"<p><b>{gate}: {table['right']} of {len(table['target'])} right</b></p>"
    return f"<table>{head}{''.join(rows)}</table>{summary}"


def perceptron_explorer(predict, gate="AND", width=4.0):
    """Sliders for w1, w2 and b, buttons for AND, OR and XOR; shows the decision line and the truth table.

    predict: the student's perceptron_predict(X, w, b) -> (N,) labels, X (N, 2), w (2,), b float.
    Returns the widget box; box.sliders maps 'w1', 'w2', 'b' to the sliders, box.gate is the gate
    buttons and box.table the truth table last shown (a dict, for tests). Returns None while grading.
    """
    if _grading():
        print("(the perceptron explorer is switched off while the notebook is graded)")
        return None
    if not callable(predict):
        raise TypeError("perceptron_explorer needs your function: perceptron_explorer(perceptron_predict)")
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from .data import BINARY_INPUTS, GATE_LABELS
    from .explorer import Picture
    from .plots import COLOURS, MARKERS, line_points

    xlim = ylim = (-0.5, 1.5)
    sliders = {name: widgets.FloatSlider(value=value, min=-3.0, max=3.0, step=0.1, description=name,
                                         continuous_update=True, readout_format=".1f")
               for name, value in [("w1", 1.0), ("w2", 1.0), ("b", -0.5)]}
    buttons = widgets.ToggleButtons(options=list(_GATES), value=gate if gate in _GATES else "AND")
    truth = widgets.HTML()

    # One figure, kept out of pyplot's list so that it is shown only inside the widget.
    with plt.ioff():
        fig, ax = plt.subplots(figsize=(width, width))
    plt.close(fig)
    picture = Picture(fig)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    (line,) = ax.plot([], [], color="black", lw=2)
    shade = ax.fill([0], [0], color=COLOURS[1], alpha=0.15, lw=0)[0]
    points = {label: ax.scatter([], [], s=110, c=COLOURS[label], marker=MARKERS[label],
                                edgecolors="black", zorder=3) for label in (0, 1)}
    rings = ax.scatter([], [], s=380, facecolors="none", edgecolors="red", linewidths=2, zorder=4)
    title = ax.set_title("")
    picture.move(line, shade, *points.values(), rings, title)  # the axes stay: drawn once
    box = widgets.VBox([widgets.HBox([widgets.VBox([*sliders.values(), buttons]), truth]), picture.widget])
    box.sliders, box.gate, box.table, box.figure, box.picture = sliders, buttons, None, fig, picture

    def positive_side(w, b):
        """Polygon of the part of the box where w.x + b > 0 (a half-plane clipped to the box)."""
        corners = np.array([[xlim[0], ylim[0]], [xlim[1], ylim[0]], [xlim[1], ylim[1]], [xlim[0], ylim[1]]])
        value = corners @ w + b
        polygon = []
        for i in range(4):  # Sutherland-Hodgman against one half-plane
            j = (i + 1) % 4
            if value[i] > 0:
                polygon.append(corners[i])
            if (value[i] > 0) != (value[j] > 0):
                t = value[i] / (value[i] - value[j])
                polygon.append(corners[i] + t * (corners[j] - corners[i]))
        return np.array(polygon) if polygon else np.zeros((1, 2))

    def update(_=None):
        w = np.array([sliders["w1"].value, sliders["w2"].value])
        b = float(sliders["b"].value)
        target = GATE_LABELS[buttons.value]
        table = _perceptron_table(predict, BINARY_INPUTS.copy(), target.copy(), w, b)
        box.table = table
        ends = line_points(w, b, xlim, ylim)
        line.set_data(*(ends if ends is not None else ([], [])))
        shade.set_xy(positive_side(w, b))
        for label, artist in points.items():
            artist.set_offsets(BINARY_INPUTS[target == label])
        wrong = np.zeros(4, bool) if table["predicted"] is None else table["predicted"] != target
        rings.set_offsets(BINARY_INPUTS[wrong] if wrong.any() else np.zeros((0, 2)))
        title.set_text(f"{buttons.value}: {w[0]:.1f}·x1 + {w[1]:.1f}·x2 + {b:.1f} = 0"
                       + ("" if ends is not None else "  (w = 0: no line)"))
        truth.value = _perceptron_html(table, buttons.value)
        picture.show()

    for control in [*sliders.values(), buttons]:
        control.observe(update, names="value")
    update()
    return box


# ---- the other notebooks' explorers, so that every notebook imports them from here -----------

from .conv_widgets import flip_explorer, input_pixel_explorer  # noqa: E402,F401
from .gradcheck_widgets import gradient_check_explorer  # noqa: E402,F401
from .pooling_widgets import pooling_explorer  # noqa: E402,F401
from .sigmoid_widgets import neuron_explorer, sigmoid_explorer  # noqa: E402,F401
