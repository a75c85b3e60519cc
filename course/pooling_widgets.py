"""An explorer of pooling: which inputs an output cell reads and where its gradient lands.

It runs the student's own forward and backward functions; it computes no pooling itself.
"""
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .explorer import Explorer, grading
from .glyphs import quick_text

SIZE = 6


class PoolingExplorer(Explorer):
    """Sliders for window, stride and output cell; a picture of the window and of dx.

    shown: what the picture shows now — 'window' (row, col, height, width) in the input,
    'out' (the selected output's value), 'dx' (SIZE, SIZE) from a unit upstream gradient at the
    selected cell, or 'message' when a function is not written yet.
    """

    readout = {"window": "window (row, col, height, width)", "out": "out", "dx": "dx"}

    def __init__(self, functions, seed=0):
        self.functions = functions
        # distinct values, so max pooling has no ties to confuse the picture
        self.x = np.random.default_rng(seed).permutation(SIZE * SIZE).reshape(1, 1, SIZE, SIZE).astype(float)

        def slider(name, value, low=1, high=4):
            return widgets.IntSlider(value=value, min=low, max=high, description=name, continuous_update=True)

        controls = {"mode": widgets.ToggleButtons(options=["average", "max"], description="pooling"),
                    "pool_height": slider("pool height", 2), "pool_width": slider("pool width", 2),
                    "stride": slider("stride", 1), "row": slider("out row", 0, 0, 4), "col": slider("out col", 0, 0, 4)}
        columns = list(controls.values())
        super().__init__(controls, (8, 3.8), 2, widgets.HBox([widgets.VBox(columns[:4]), widgets.VBox(columns[4:])]))

    def _param(self):
        c = self.controls
        return {"pool_height": c["pool_height"].value, "pool_width": c["pool_width"].value, "stride": c["stride"].value}

    def compute(self):
        """Work out what to show from the controls, with the student's functions."""
        p = self._param()
        ho, wo = 1 + (SIZE - p["pool_height"]) // p["stride"], 1 + (SIZE - p["pool_width"]) // p["stride"]
        # an output cell that no longer exists moves to the last one
        self.controls["row"].max, self.controls["col"].max = ho - 1, wo - 1
        i, j = self.controls["row"].value, self.controls["col"].value
        forward, backward = self.functions[self.controls["mode"].value]
        shown = {"window": (i * p["stride"], j * p["stride"], p["pool_height"], p["pool_width"])}
        try:
            out, cache = forward(self.x, p)
            dout = np.zeros_like(out)
            dout[0, 0, i, j] = 1.0
            shown.update(out=float(out[0, 0, i, j]), dx=np.asarray(backward(dout, cache))[0, 0])
        except NotImplementedError:
            shown["message"] = f"write {forward.__name__} and {backward.__name__} to see the gradient"
        return shown

    def still_key(self):
        """The input's numbers are drawn once; the window, dx and the titles that name them move."""
        return "message" in self.shown

    def draw(self):
        left, right = self.axes
        for ax in self.axes:
            ax.clear()
            ax.set_xticks([])
            ax.set_yticks([])
        left.imshow(self.x[0, 0], cmap="Greys", alpha=0.25)
        for (r, c), v in np.ndenumerate(self.x[0, 0]):
            left.text(c, r, f"{v:g}", ha="center", va="center", fontsize=9)
        self._window = self.move(left.add_patch(plt.Rectangle((0, 0), 1, 1, fill=False, edgecolor="tab:blue", lw=3,
                                                              zorder=4)))
        self.move(left.set_title(""))
        if "message" in self.shown:
            right.text(0.5, 0.5, self.shown["message"], ha="center", va="center", wrap=True, transform=right.transAxes)
            return
        self._dx = self.move(right.imshow(np.zeros((SIZE, SIZE)), cmap="Reds"))
        self.move(*right.spines.values())  # the frame over the picture, as the still part lies under it
        self._dx_numbers = {(r, c): self.move(quick_text(right, c, r, "", ha="center", va="center", fontsize=9))
                            for r in range(SIZE) for c in range(SIZE)}
        right.set_title("dx for a unit gradient at that output")

    def refresh(self):
        r0, c0, h, w = self.shown["window"]
        self._window.set_bounds(c0 - 0.5, r0 - 0.5, w, h)
        self.axes[0].title.set_text("input: the window the output reads"
                                    + (f"\nout = {self.shown['out']:g}" if "out" in self.shown else ""))
        if "dx" in self.shown:
            dx = self.shown["dx"]
            self._dx.set_data(dx)
            # the colour scale tops out above the largest value, so black numbers stay readable
            self._dx.set_clim(0, 2 * max(float(np.abs(dx).max()), 1e-12))
            for (r, c), v in np.ndenumerate(dx):
                self._dx_numbers[r, c].set_text(f"{v:.3g}" if v else "")


def pooling_explorer(avg_forward, avg_backward, max_forward, max_backward, seed=0):
    """Show the pooling explorer for the student's four pooling functions (nothing while autograding)."""
    if grading():
        return None
    return PoolingExplorer({"average": (avg_forward, avg_backward), "max": (max_forward, max_backward)}, seed)
