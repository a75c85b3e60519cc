"""Explorers and plots for 03_sigmoid_gates: the sigmoid neuron's graph, sigma and sigma', the XOR MLP.

Everything here runs the student's own functions, passed in as arguments; it computes no graded
answer itself.
"""
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from course.explorer import Explorer, grading
from course.graph import _fmt, draw_graph_numbers
from course.plots import plot_decision_regions

# f = sigma(w0 x0 + w1 x1 + w2) as primitive gates, the way CS231n's notes draw it.
# Names of the intermediate nodes follow the lesson: a0 = w0 x0, a1 = w1 x1, s1 = a0 + a1,
# s = s1 + w2, n = -s, e = exp(n), d = 1 + e, f = 1 / d.
NEURON_GRAPH = {
    "w0": (None, []), "x0": (None, []), "w1": (None, []), "x1": (None, []), "w2": (None, []),
    "a0": ("*", ["w0", "x0"]), "a1": ("*", ["w1", "x1"]), "s1": ("+", ["a0", "a1"]), "s": ("+", ["s1", "w2"]),
    "n": ("*-1", ["s"]), "e": ("exp", ["n"]), "d": ("+1", ["e"]), "f": ("1/x", ["d"]),
}
NEURON_START = {"w0": 2.0, "w1": -3.0, "w2": -3.0, "x0": -1.0, "x1": -2.0}  # the lesson's example
VANISHING = 0.01  # below this local gradient we call sigma' vanished: 100 such gates shrink a gradient 1e200-fold


def _callables(*functions):
    for fn in functions:
        if fn is not None and not callable(fn):
            raise TypeError(f"expected one of your functions, got {type(fn).__name__}")


def _slider(name, value, low=-4.0, high=4.0):
    return widgets.FloatSlider(value=value, min=low, max=high, step=0.1, description=name,
                               continuous_update=True, readout_format=".1f")


def _vector(v):
    return "[" + ", ".join(f"{float(x):.3g}" for x in np.ravel(v)) + "]"


class NeuronExplorer(Explorer):
    """Sliders for w0, w1, w2, x0, x1 and the neuron's graph with every value and gradient.

    shown: 'values' and 'grads' (node name -> float, from the student's gate-by-gate function),
    'f', 'dw', 'dx' from the student's neuron_forward_backward when given, and 'message' when a
    function is not written yet.
    """

    def __init__(self, by_gates, neuron=None):
        self.by_gates, self.neuron = by_gates, neuron
        self.sliders = {name: _slider(name, value) for name, value in NEURON_START.items()}
        self.caption = widgets.HTML()
        controls = widgets.HBox([widgets.VBox([self.sliders[n] for n in ("w0", "w1", "w2")]),
                                 widgets.VBox([self.sliders[n] for n in ("x0", "x1")])])
        # about draw_graph's own size for this graph
        super().__init__(self.sliders, (10.5, 5.2), layout=controls, above=[self.caption])

    def point(self):
        """The sliders' (w (3,), x (2,))."""
        s = {name: slider.value for name, slider in self.sliders.items()}
        return np.array([s["w0"], s["w1"], s["w2"]]), np.array([s["x0"], s["x1"]])

    def compute(self):
        """Run the student's functions at the sliders' point."""
        w, x = self.point()
        shown = {}
        try:
            values, grads = self.by_gates(w, x)
            shown.update(values={k: float(v) for k, v in values.items()},
                         grads={k: float(v) for k, v in grads.items()})
        except NotImplementedError:
            shown["message"] = f"write {self.by_gates.__name__} to see the values and gradients on the graph."
        if self.neuron is not None:
            try:
                f, dw, dx = self.neuron(w, x)
                shown.update(f=float(f), dw=np.asarray(dw, dtype=float), dx=np.asarray(dx, dtype=float))
            except NotImplementedError:
                shown["message"] = f"write {self.neuron.__name__} to compare the sigmoid gate with the chain of gates."
        return shown

    KIND = {"value": "values", "grad": "grads"}  # draw_graph_numbers' kinds -> keys of self.shown

    def still_key(self):
        """The graph is drawn again only when the set of nodes with numbers changes."""
        return tuple(tuple(sorted(self.shown.get(key, {}))) for key in self.KIND.values())

    def draw(self):
        self.axes.clear()  # the margins stay: Picture lays the figure out once, on its first show
        _, self._numbers = draw_graph_numbers(
            NEURON_GRAPH, self.shown.get("values"), self.shown.get("grads"), ax=self.axes,
            title="f = σ(w0·x0 + w1·x1 + w2): values (green) above, gradients (red) below")
        for artists in self._numbers.values():
            self.move(*artists)

    def refresh(self):
        for (node, kind), artists in self._numbers.items():
            for artist in artists:
                artist.set_text(_fmt(self.shown[self.KIND[kind]][node]))
        lines = []
        if "f" in self.shown:
            lines.append(f"your {self.neuron.__name__}: f = {self.shown['f']:.4f}, dw = {_vector(self.shown['dw'])}, "
                         f"dx = {_vector(self.shown['dx'])}")
        if "values" in self.shown:
            g = self.shown["grads"]
            lines.append(f"the gates: f = {self.shown['values'].get('f', float('nan')):.4f}, "
                         f"dw = {_vector([g.get(n, np.nan) for n in ('w0', 'w1', 'w2')])}, "
                         f"dx = {_vector([g.get(n, np.nan) for n in ('x0', 'x1')])}")
        if "message" in self.shown:
            lines.append(self.shown["message"])
        self.caption.value = "<br>".join(lines)


def neuron_explorer(by_gates, neuron=None):
    """Show sliders for w and x and the neuron's graph drawn from the student's functions.

    by_gates(w, x) -> (values, grads): dicts node name -> float over NEURON_GRAPH's nodes;
    neuron(w, x) -> (f, dw, dx), optional: its numbers are shown beside the graph's.
    Returns the explorer (nothing while nbgrader grades).
    """
    if grading():
        return None
    _callables(by_gates, neuron)
    return NeuronExplorer(by_gates, neuron)


class SigmoidExplorer(Explorer):
    """A slider over the sigmoid's input; sigma and sigma' with the point marked and where sigma' vanishes.

    shown: 'x', 'sigma' (the student's sigmoid_forward at x), 'dsigma' (their sigmoid_backward
    with upstream gradient 1), 'vanishing' (dsigma < VANISHING), or 'message'.
    """

    readout = {"x": "x", "sigma": "σ(x)", "dsigma": "σ'(x)"}

    def __init__(self, forward, backward, span=10.0):
        self.forward, self.backward = forward, backward
        self.slider = _slider("x", 1.0, -span, span)
        self.sliders = {"x": self.slider}
        self.grid = np.linspace(-span, span, 401)
        super().__init__(self.sliders, (7, 3.6), layout=self.slider)

    def _sigma_and_slope(self, x):
        out, cache = self.forward(np.asarray(x, dtype=float))
        return np.asarray(out, dtype=float), np.asarray(self.backward(np.ones_like(out), cache), dtype=float)

    def compute(self):
        x = float(self.slider.value)
        try:
            sigma, slope = self._sigma_and_slope(np.array([x]))
        except NotImplementedError:
            return {"x": x, "message": f"write {self.forward.__name__} and {self.backward.__name__} to see σ and σ'."}
        return {"x": x, "sigma": float(sigma[0]), "dsigma": float(slope[0]), "vanishing": bool(slope[0] < VANISHING)}

    def still_key(self):
        """The curves are the student's functions over the whole range: drawn once."""
        return "message" in self.shown

    def draw(self):
        ax = self.axes
        ax.clear()
        if "message" in self.shown:
            ax.text(0.5, 0.5, self.shown["message"], ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return
        ax.set_axis_on()
        sigma, slope = self._sigma_and_slope(self.grid)
        ax.plot(self.grid, sigma, color="tab:green", label="σ(x)")
        ax.plot(self.grid, slope, color="tab:red", label="σ'(x) = σ(x)(1 - σ(x))")
        flat = slope < VANISHING
        ax.fill_between(self.grid, 0, 1, where=flat, color="grey", alpha=0.15,
                        label=f"σ' < {VANISHING:g}: the gradient vanishes")
        ax.set(ylim=(-0.05, 1.05), xlabel="x")
        ax.legend(loc="center left", fontsize=8)
        self._marks = [self.move(*ax.plot([], [], "k:", lw=1)), self.move(*ax.plot([], [], "o", color="tab:green")),
                       self.move(*ax.plot([], [], "o", color="tab:red")), self.move(ax.set_title("", fontsize=9))]

    def refresh(self):
        if "message" in self.shown:
            return
        x, sigma, dsigma = self.shown["x"], self.shown["sigma"], self.shown["dsigma"]
        stem, dot, slope_dot, title = self._marks
        stem.set_data([x, x], [dsigma, sigma])
        dot.set_data([x], [sigma])
        slope_dot.set_data([x], [dsigma])
        title.set_text(f"σ({x:.1f}) = {sigma:.4g}, σ'({x:.1f}) = {dsigma:.4g}: "
                       f"a gradient through this gate is multiplied by {dsigma:.3g}")


def sigmoid_explorer(sigmoid_forward, sigmoid_backward, span=10.0):
    """Show a slider over x with the student's σ(x) and σ'(x); returns the explorer (nothing while grading)."""
    if grading():
        return None
    _callables(sigmoid_forward, sigmoid_backward)
    return SigmoidExplorer(sigmoid_forward, sigmoid_backward, span)


def plot_xor_training(losses, predict, X, y, title="a two-layer sigmoid network on XOR"):
    """Plot the loss curve and the decision regions of predict (Z (M, 2) -> labels (M,)) with the points.

    losses: sequence of floats, one per epoch; X (N, 2), y (N,) of 0/1. Returns the figure.
    """
    _callables(predict)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.8))
    left.plot(np.arange(len(losses)), losses, color="tab:blue")
    left.set(xlabel="epoch", ylabel="loss", yscale="log", title="training loss")
    plot_decision_regions(predict, X, y, ax=right, title="decision regions")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
