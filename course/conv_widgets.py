"""Explorers of a convolution's backward pass: one input pixel's paths, and the flipped kernel at work.

They draw index geometry (which positions meet) and the numbers the student's own functions
return; they compute no gradient themselves.
"""
import os

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import ListedColormap

from .explorer import Explorer


def _grid(ax, values, title, marked=(), colour="tab:orange", labels=None):
    """A matrix as a grid of numbers (or labels), with the marked cells shaded."""
    ax.clear()
    ax.set_xticks([])
    ax.set_yticks([])
    shade = np.zeros(values.shape)
    for cell in marked:
        shade[cell] = 1
    ax.imshow(shade, cmap=ListedColormap(["white", colour]), vmin=0, vmax=1)
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, labels[r][c] if labels else f"{v:.3g}", ha="center", va="center", fontsize=8)
    ax.set_xticks(np.arange(-0.5, values.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, values.shape[0]), minor=True)
    ax.grid(which="minor", color="k", lw=0.5)
    ax.set_title(title, fontsize=9)


def _slider(name, value, low, high):
    return widgets.IntSlider(value=value, min=low, max=high, description=name, continuous_update=False,
                             layout=widgets.Layout(width="220px"))


class InputPixelExplorer(Explorer):
    """One input pixel of a 1-channel layer: the outputs and kernel weights it met, and its gradient.

    shown: 'outputs' [(i, j)], 'weights' [(a, b)], 'terms' ["d[i,j]·w[a,b]", ...] and 'dx' (the
    student's gradient at the pixel), 'pixel' (row, col), or 'message' while a function is not written.
    """

    readout = {"pixel": "pixel", "dx": "your dx there"}

    def __init__(self, forward, backward, seed=0):
        rng = np.random.default_rng(seed)
        self.forward, self.backward = forward, backward
        self.x, self.w = rng.integers(-3, 4, (1, 1, 5, 5)).astype(float), rng.integers(-2, 3, (1, 1, 2, 2)).astype(float)
        self.dout_seed = seed
        super().__init__({"row": _slider("pixel row", 2, 0, 4), "col": _slider("pixel col", 2, 0, 4),
                          "stride": _slider("stride", 1, 1, 2), "pad": _slider("pad", 0, 0, 1)}, (9, 3.2), 3)

    def compute(self):
        c = self.controls
        s, pad, p, q = c["stride"].value, c["pad"].value, c["row"].value, c["col"].value
        hh, ww = self.w.shape[2:]
        ho, wo = 1 + (5 + 2 * pad - hh) // s, 1 + (5 + 2 * pad - ww) // s
        outputs, weights, terms = [], [], []
        for i in range(ho):
            for j in range(wo):
                a, b = p + pad - i * s, q + pad - j * s  # the kernel entry that met the pixel at output (i, j)
                if 0 <= a < hh and 0 <= b < ww:
                    outputs.append((i, j))
                    weights.append((a, b))
                    terms.append(f"d[{i},{j}]·w[{a},{b}]")
        shown = {"outputs": outputs, "weights": weights, "terms": terms, "shape": (ho, wo), "pixel": (p, q)}
        try:
            param = {"stride": s, "pad": pad}
            out, cache = self.forward(self.x, self.w, np.zeros(1), param)
            self.dout = np.random.default_rng(self.dout_seed).integers(-2, 3, out.shape).astype(float)
            shown["dx"] = float(self.backward(self.dout, cache)[0][0, 0, p, q])
        except NotImplementedError:
            shown["message"] = f"write {self.forward.__name__} and {self.backward.__name__} to see the gradient"
        return shown

    def draw(self):
        p, q = self.controls["row"].value, self.controls["col"].value
        left, mid, right = self.axes
        _grid(left, self.x[0, 0], f"input x: pixel ({p}, {q})", [(p, q)])
        _grid(mid, self.w[0, 0], "kernel w: weights it met", self.shown["weights"], "tab:green")
        dout = getattr(self, "dout", np.zeros(self.shown["shape"]))
        if dout.shape[2:] != self.shown["shape"]:
            dout = np.zeros((1, 1) + self.shown["shape"])
        _grid(right, dout[0, 0], "upstream d: outputs it reached", self.shown["outputs"], "tab:red")
        sum_text = " + ".join(self.shown["terms"]) or "0 (no window reads it)"
        result = self.shown.get("message") or f"your dx[{p},{q}] = {self.shown['dx']:g}"
        self.figure.suptitle(f"dx[{p},{q}] = {sum_text}\n{result}", fontsize=9)


class FlipExplorer(Explorer):
    """Step the rotated kernel across the zero-padded upstream gradient and watch dX fill in.

    shown: 'step', 'window' (row, col, kh, kw) on the padded d, 'filled' [(p, q)] of dx so far,
    'dx' (the student's full dx), 'so_far' (its entries at the filled cells) or 'message'.
    """

    readout = {"step": "step", "so_far": "dX so far"}

    def __init__(self, backward, seed=0):
        rng = np.random.default_rng(seed)
        self.backward = backward
        self.x, self.k = rng.integers(-3, 4, (3, 3)).astype(float), np.array([[1.0, 2.0], [3.0, 4.0]])
        self.d = rng.integers(-2, 3, (2, 2)).astype(float)
        super().__init__({"step": _slider("step", 0, 0, 8)}, (9, 3.2), 3)

    def compute(self):
        t = self.controls["step"].value
        p, q = divmod(t, 3)
        shown = {"step": t, "window": (p, q, 2, 2), "filled": [divmod(u, 3) for u in range(t + 1)]}
        try:
            shown["dx"] = np.asarray(self.backward(self.d, self.x, self.k)[0], dtype=float)
            shown["so_far"] = [shown["dx"][cell] for cell in shown["filled"]]
        except NotImplementedError:
            shown["message"] = f"write {self.backward.__name__} to see dX fill in"
        return shown

    def draw(self):
        left, mid, right = self.axes
        padded = np.pad(self.d, 1)
        p, q = self.shown["window"][:2]
        _grid(left, padded, "zero-padded upstream d", [(p + a, q + b) for a in range(2) for b in range(2)], "tab:red")
        labels = [["w4", "w3"], ["w2", "w1"]]
        _grid(mid, self.k[::-1, ::-1], "kernel rotated by 180°", [], labels=labels)
        dx = self.shown.get("dx", np.zeros((3, 3)))
        shown = np.where(np.isin(np.arange(9).reshape(3, 3), [a * 3 + b for a, b in self.shown["filled"]]), dx, np.nan)
        labels = [["" if np.isnan(v) else f"{v:g}" for v in row] for row in shown]
        _grid(right, np.nan_to_num(shown), "dX so far (your corr2d_backward)", self.shown["filled"], "tab:blue", labels)
        self.figure.suptitle(self.shown.get("message") or f"step {self.shown['step']}: the window at ({p}, {q}) gives dX[{p},{q}]",
                             fontsize=9)


def input_pixel_explorer(conv_forward, conv_backward, seed=0):
    """Show which outputs and weights one input pixel met, with the student's layer (nothing while grading)."""
    return None if os.environ.get("NBGRADER_EXECUTION") else InputPixelExplorer(conv_forward, conv_backward, seed)


def flip_explorer(corr2d_backward, seed=0):
    """Show the rotated kernel stepping across the padded upstream gradient (nothing while grading)."""
    return None if os.environ.get("NBGRADER_EXECUTION") else FlipExplorer(corr2d_backward, seed)
