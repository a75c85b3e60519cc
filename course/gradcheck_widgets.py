"""An explorer of the step h: how the error of a numerical gradient falls, then rises, as h shrinks.

It runs the student's own numerical_gradient on f(x) = sum(x sin x), whose gradient
x cos x + sin x is known, in float64 or float32.
"""
import ipywidgets as widgets
import numpy as np

from .explorer import Explorer, grading
from .gradcheck import rel_error

X0 = np.array([0.5, -1.3, 2.0, 0.1])
STEPS = np.logspace(-12, -1, 45)


def _f(v):
    return np.sum(v * np.sin(v))  # stays in v's precision, so float32 shows float32 round-off


def _exact(x):
    return x * np.cos(x) + np.sin(x)


class GradientCheckExplorer(Explorer):
    """A log slider for h and a precision toggle; a log-log plot of relative error against h.

    shown: 'h', 'dtype', 'error' (at h), 'curve' (STEPS, errors), 'best_h', or 'message'.
    """

    readout = {"h": "h", "dtype": "precision", "error": "relative error", "best_h": "smallest error near h"}

    def __init__(self, numerical_gradient):
        self.numerical_gradient, self._curves = numerical_gradient, {}
        super().__init__({"h": widgets.FloatLogSlider(value=1e-5, base=10, min=-12, max=-1, step=0.25, description="h",
                                                      continuous_update=True, readout_format=".0e"),
                          "dtype": widgets.ToggleButtons(options=["float64", "float32"], description="precision")},
                         (6, 3.6))

    def error(self, h, dtype):
        """Relative error of the student's gradient at X0 with step h, in the given precision."""
        x = X0.astype(dtype)
        return rel_error(np.asarray(self.numerical_gradient(_f, x, h), dtype=float), _exact(X0))

    def compute(self):
        h, dtype = self.controls["h"].value, self.controls["dtype"].value
        try:
            if dtype not in self._curves:  # a curve costs 45 calls; compute it once per precision
                self._curves[dtype] = np.array([self.error(step, dtype) for step in STEPS])
            curve = self._curves[dtype]
            return {"h": h, "dtype": dtype, "error": self.error(h, dtype), "curve": (STEPS, curve),
                    "best_h": float(STEPS[np.argmin(curve)])}
        except NotImplementedError:
            return {"h": h, "dtype": dtype, "message": "write numerical_gradient above to see its error"}

    def still_key(self):
        """The curve of one precision is drawn once; h's line, point and title move over it."""
        return self.shown["dtype"], "message" in self.shown

    def draw(self):
        ax = self.axes
        ax.clear()
        if "message" in self.shown:
            ax.text(0.5, 0.5, self.shown["message"], ha="center", va="center", transform=ax.transAxes)
            return
        steps, errors = self.shown["curve"]
        ax.loglog(steps, np.maximum(errors, 1e-17), color="tab:blue", label=self.shown["dtype"])
        ax.set(xlabel="h", ylabel="relative error", ylim=(1e-17, 10))
        ax.text(0.97, 0.05, "truncation error\nfalls as h shrinks →", ha="right", transform=ax.transAxes, fontsize=8)
        ax.text(0.03, 0.05, "← round-off error\nrises as h shrinks", ha="left", transform=ax.transAxes, fontsize=8)
        self._marks = [self.move(ax.axvline(self.shown["h"], color="tab:red", lw=1)),
                       self.move(*ax.plot([], [], "o", color="tab:red")), self.move(ax.set_title("", fontsize=9))]

    def refresh(self):
        if "message" in self.shown:
            return
        h, error = self.shown["h"], self.shown["error"]
        line, point, title = self._marks
        line.set_xdata([h, h])
        point.set_data([h], [max(error, 1e-17)])
        title.set_text(f"h = {h:.0e}: relative error {error:.1e} (smallest near h = {self.shown['best_h']:.0e})")


def gradient_check_explorer(numerical_gradient):
    """Show how the student's numerical gradient's error depends on h and precision (nothing while grading)."""
    return None if grading() else GradientCheckExplorer(numerical_gradient)
