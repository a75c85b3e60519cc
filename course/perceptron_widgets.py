"""An explorer of the perceptron: the decision line of w and b over the four binary inputs, and a gate's truth table.

It runs the student's own perceptron_predict; the scores w·x + b it shows beside the predictions
are only the sliders' numbers multiplied out.
"""
import html

import ipywidgets as widgets
import numpy as np

from .data import BINARY_INPUTS, GATE_LABELS
from .explorer import Explorer, grading
from .plots import COLOURS, MARKERS, line_points

GATES = ("AND", "OR", "XOR")
LIMITS = (-0.5, 1.5)  # of both axes: the unit square with room around its corners
START = {"w1": 1.0, "w2": 1.0, "b": -0.5}


def positive_side(w, b, low=LIMITS[0], high=LIMITS[1]):
    """The polygon of the square [low, high]² where w·x + b > 0: a half-plane clipped to the square."""
    corners = np.array([[low, low], [high, low], [high, high], [low, high]])
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


def truth_html(shown):
    """The truth table of shown as an HTML table, with a summary or the message below it."""
    rows = []
    for i, (x, t, s) in enumerate(zip(shown["X"], shown["target"], shown["score"])):
        p = "?" if shown["predicted"] is None else int(shown["predicted"][i])
        mark = "" if shown["predicted"] is None else ("✓" if p == t else "✗")
        colour = "" if mark != "✗" else ' style="color:#c00"'
        rows.append(f"<tr{colour}><td>{int(x[0])}</td><td>{int(x[1])}</td><td>{s:+.2f}</td>"
                    f"<td>{int(t)}</td><td>{p}</td><td>{mark}</td></tr>")
    head = "<tr><th>x1</th><th>x2</th><th>w·x + b</th><th>target</th><th>predicted</th><th></th></tr>"
    if shown["predicted"] is None:
        summary = html.escape(shown["message"])  # the text of a student's exception may hold < or &
    else:
        summary = f"{shown['gate']}: {shown['right']} of {len(shown['target'])} right"
    return f"<table>{head}{''.join(rows)}</table><p><b>{summary}</b></p>"


def _slider(name, value):
    return widgets.FloatSlider(value=value, min=-3.0, max=3.0, step=0.1, description=name,
                               continuous_update=True, readout_format=".1f")


class PerceptronExplorer(Explorer):
    """Sliders for w1, w2 and b and buttons for the gate; the decision line and the truth table of predict.

    shown (also as table): 'gate', 'w' (2,), 'b', 'X' (4, 2), 'target', 'score' (w·x + b), 'predicted'
    and 'right' (None until predict returns four labels) and 'message' ('' unless predict failed).
    There is no readout: the truth table beside the sliders holds the numbers, a row a line.
    """

    def __init__(self, predict, gate="AND", width=4.0):
        self.predict = predict
        self.sliders = {name: _slider(name, value) for name, value in START.items()}
        self.gate = widgets.ToggleButtons(options=list(GATES), value=gate if gate in GATES else "AND")
        self.truth = widgets.HTML()
        layout = widgets.HBox([widgets.VBox([*self.sliders.values(), self.gate]), self.truth])
        super().__init__({**self.sliders, "gate": self.gate}, (width, width), layout=layout)

    @property
    def table(self):
        """The truth table last shown: self.shown, by the name notebook 01's explorer has always given it."""
        return self.shown

    def compute(self):
        w = np.array([self.sliders["w1"].value, self.sliders["w2"].value])
        b, gate = float(self.sliders["b"].value), self.gate.value
        X, target = BINARY_INPUTS.copy(), GATE_LABELS[gate].copy()
        shown = {"gate": gate, "w": w, "b": b, "X": X, "target": target, "score": X @ w + b,
                 "predicted": None, "right": None, "message": ""}
        try:
            predicted = np.asarray(self.predict(X.copy(), w.copy(), b))  # copies: predict may change its arguments
        except NotImplementedError:
            return {**shown, "message": "Write perceptron_predict above and run its cell, then this one again."}
        except Exception as err:  # a student's bug should show in the widget, not kill it
            return {**shown, "message": f"predict raised {type(err).__name__}: {err}"}
        if predicted.shape != target.shape:
            return {**shown, "message": f"predict returned shape {predicted.shape}; expected {target.shape}."}
        return {**shown, "predicted": predicted, "right": int(np.sum(predicted == target))}

    def still_key(self):
        """Only the axes are still, drawn once: the line, its side, the points and the title all move."""
        return ()

    def draw(self):
        ax = self.axes
        ax.set(xlim=LIMITS, ylim=LIMITS, aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
        (self._line,) = ax.plot([], [], color="black", lw=2)
        self._side = ax.fill([0], [0], color=COLOURS[1], alpha=0.15, lw=0)[0]
        self._points = {label: ax.scatter([], [], s=110, c=COLOURS[label], marker=MARKERS[label],
                                          edgecolors="black", zorder=3) for label in (0, 1)}
        self._rings = ax.scatter([], [], s=380, facecolors="none", edgecolors="red", linewidths=2, zorder=4)
        self._title = ax.set_title("")
        self.move(self._line, self._side, *self._points.values(), self._rings, self._title)

    def refresh(self):
        shown = self.shown
        w, b, X, target = shown["w"], shown["b"], shown["X"], shown["target"]
        ends = line_points(w, b, LIMITS, LIMITS)
        self._line.set_data(*(ends if ends is not None else ([], [])))
        self._side.set_xy(positive_side(w, b))
        for label, points in self._points.items():
            points.set_offsets(X[target == label])
        wrong = np.zeros(len(X), bool) if shown["predicted"] is None else shown["predicted"] != target
        self._rings.set_offsets(X[wrong] if wrong.any() else np.zeros((0, 2)))
        self._title.set_text(f"{shown['gate']}: {w[0]:.1f}·x1 + {w[1]:.1f}·x2 + {b:.1f} = 0"
                             + ("" if ends is not None else "  (w = 0: no line)"))
        self.truth.value = truth_html(shown)


def perceptron_explorer(predict, gate="AND", width=4.0):
    """Show sliders for w and b over the decision line and truth table of the student's predict (nothing while grading).

    predict: the student's perceptron_predict(X, w, b) -> (N,) labels, X (N, 2), w (2,), b float.
    Returns the explorer: its sliders map 'w1', 'w2', 'b' to the sliders, gate is the gate buttons
    and table the truth table last shown (a dict, for tests).
    """
    if grading():
        return None
    if not callable(predict):
        raise TypeError("perceptron_explorer needs your function: perceptron_explorer(perceptron_predict)")
    return PerceptronExplorer(predict, gate, width)
