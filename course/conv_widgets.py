"""Explorers of a convolution's backward pass: one input pixel's paths, and the flipped kernel at work.

They draw index geometry (which positions meet) and the numbers the student's own functions
return; the only gradient they compute is a numerical one, of the student's own forward, to check
those numbers against.
"""
import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from .explorer import Explorer, grading
from .glyphs import quick_text
from .gradcheck import five_point_gradient


def _labels(values):
    """A matrix's entries as the short text a grid cell shows."""
    return [[f"{v:.3g}" for v in row] for row in np.asarray(values)]


class Grid:
    """A matrix drawn as a grid of labelled cells, on one axes; show() shades some cells and relabels them.

    The grid, its labels and its title are the still part of the picture. A shaded cell is a
    moving square with its label drawn again on top, so a move redraws only the shaded cells.
    """

    def __init__(self, ax, labels, colour, move, title):
        ax.clear()
        rows, cols = len(labels), len(labels[0])
        ax.set(xlim=(-0.5, cols - 0.5), ylim=(rows - 0.5, -0.5), aspect="equal", xticks=[], yticks=[])
        ax.vlines(np.arange(cols + 1) - 0.5, -0.5, rows - 0.5, color="k", lw=0.5)
        ax.hlines(np.arange(rows + 1) - 0.5, -0.5, cols - 0.5, color="k", lw=0.5)
        for (r, c), label in np.ndenumerate(np.array(labels, dtype=object)):
            ax.text(c, r, label, ha="center", va="center", fontsize=8)
        ax.set_title(title, fontsize=9)
        self.ax, self.labels, self.colour, self.move, self.cells = ax, labels, colour, move, {}

    def _cell(self, r, c):
        """The shaded square of cell (r, c) and its label, made the first time the cell is shaded."""
        if (r, c) not in self.cells:
            # over the still label (a text's zorder is 3), and its own label over it
            square = Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=self.colour, edgecolor="k", lw=0.5, zorder=3.5)
            label = quick_text(self.ax, c, r, "", ha="center", va="center", fontsize=8, zorder=4)
            self.cells[r, c] = self.move(self.ax.add_patch(square), label), label
        return self.cells[r, c]

    def show(self, marked=(), labels=None):
        """Shade the marked cells, labelled from labels (by default the grid's own)."""
        marked = set(marked)
        for r, c in marked:
            self._cell(r, c)
        for cell, (square, label) in self.cells.items():
            square.set_visible(cell in marked)
            label.set_visible(cell in marked)
            label.set_text((labels or self.labels)[cell[0]][cell[1]])


def _slider(name, value, low, high):
    return widgets.IntSlider(value=value, min=low, max=high, description=name, continuous_update=True,
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
        self.x = rng.integers(-3, 4, (1, 1, 5, 5)).astype(float)
        self.w = rng.integers(-2, 3, (1, 1, 2, 2)).astype(float)
        self.dout_seed = seed
        super().__init__({"row": _slider("pixel row", 2, 0, 4), "col": _slider("pixel col", 2, 0, 4),
                          "stride": _slider("stride", 1, 1, 2), "pad": _slider("pad", 0, 0, 1)}, (9, 3.2), 3)

    def upstream(self, shape):
        """The upstream gradient d (1, 1, *shape) the picture shows and the student's backward gets."""
        return np.random.default_rng(self.dout_seed).integers(-2, 3, (1, 1, *shape)).astype(float)

    def still_key(self):
        """Only the upstream gradient's grid changes shape (with stride and pad)."""
        return self.shown["shape"]

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
            shown["dx"] = float(self.backward(self.upstream(out.shape[2:]), cache)[0][0, 0, p, q])
        except NotImplementedError:
            shown["message"] = f"write {self.forward.__name__} and {self.backward.__name__} to see the gradient"
        return shown

    def draw(self):
        left, mid, right = self.axes
        if not hasattr(self, "_grids"):  # x and w keep their grids; only d's shape changes
            self._grids = (Grid(left, _labels(self.x[0, 0]), "tab:orange", self.move, "input x: the pixel"),
                           Grid(mid, _labels(self.w[0, 0]), "tab:green", self.move, "kernel w: weights it met"))
        self._grids = (*self._grids[:2], Grid(right, _labels(self.upstream(self.shown["shape"])[0, 0]), "tab:red",
                                              self.move, "upstream d: outputs it reached"))
        self._title = self.move(self.figure.suptitle("", fontsize=9))

    def refresh(self):
        p, q = self.shown["pixel"]
        x, w, d = self._grids
        x.show([(p, q)])
        w.show(self.shown["weights"])
        d.show(self.shown["outputs"])
        sum_text = " + ".join(self.shown["terms"]) or "0 (no window reads it)"
        result = self.shown.get("message") or f"your dx[{p},{q}] = {self.shown['dx']:g}"
        self._title.set_text(f"dx[{p},{q}] = {sum_text}\n{result}")


class FlipExplorer(Explorer):
    """Step the rotated kernel across the zero-padded upstream gradient and watch dX fill in.

    shown: 'step', 'window' (row, col, kh, kw) on the padded d, 'filled' [(p, q)] of dx so far,
    'dx' (the student's full dx), 'so_far' (its entries at the filled cells), 'agrees' (for each, whether
    it matches the numerical gradient of the student's corr2d; absent without corr2d) or 'message'.
    """

    readout = {"step": "step", "so_far": "dX so far", "agrees": "agrees with the numerical gradient"}

    def __init__(self, backward, forward=None, seed=0):
        rng = np.random.default_rng(seed)
        self.backward, self.forward, self._numerical = backward, forward, None
        self.x, self.k = rng.integers(-3, 4, (3, 3)).astype(float), np.array([[1.0, 2.0], [3.0, 4.0]])
        self.d = rng.integers(-2, 3, (2, 2)).astype(float)
        super().__init__({"step": _slider("step", 0, 0, 8)}, (9, 3.2), 3)

    def numerical(self):
        """dL/dx for L = sum(d * corr2d(x, k)) by finite differences of the student's corr2d (x's shape), once."""
        if self._numerical is None:
            self._numerical = five_point_gradient(lambda v: np.sum(self.d * self.forward(v, self.k)), self.x)
        return self._numerical

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
        if self.forward is not None:
            try:
                numerical = self.numerical()
                shown["agrees"] = [bool(abs(shown["dx"][cell] - numerical[cell])
                                        <= 1e-6 * max(1.0, abs(numerical[cell])))
                                   for cell in shown["filled"]]
            except NotImplementedError:
                shown["message"] = f"write {self.forward.__name__} to have dX checked"
        return shown

    def still_key(self):
        """The three grids keep their shapes: drawn once, their shading and numbers move."""
        return ()

    def draw(self):
        left, mid, right = self.axes
        names = [[f"w{4 - 2 * r - c}={self.k[1 - r, 1 - c]:g}" for c in range(2)] for r in range(2)]  # k[::-1, ::-1]
        self._grids = (Grid(left, _labels(np.pad(self.d, 1)), "tab:red", self.move, "zero-padded upstream d"),
                       Grid(mid, names, "white", self.move, "kernel rotated by 180°"),
                       Grid(right, [[""] * 3] * 3, "tab:blue", self.move, "dX so far (your corr2d_backward)"))
        self._title = self.move(self.figure.suptitle("", fontsize=9))

    def refresh(self):
        d, _, dx_grid = self._grids
        p, q = self.shown["window"][:2]
        d.show([(p + a, q + b) for a in range(2) for b in range(2)])
        dx, agrees = self.shown.get("dx"), self.shown.get("agrees")
        marks = {cell: " ✓" if ok else " ✗" for cell, ok in zip(self.shown["filled"], agrees or ())}
        labels = [[f"{v:g}{marks.get((r, c), '')}" for c, v in enumerate(row)] for r, row in enumerate(dx)] \
            if dx is not None else None
        dx_grid.show(self.shown["filled"], labels)
        title = f"step {self.shown['step']}: the window at ({p}, {q}) gives dX[{p},{q}]"
        if agrees is not None:
            wrong = agrees.count(False)
            title += (f"; {wrong} of {len(agrees)} entries so far differ from the numerical gradient of your corr2d"
                      if wrong else "; every entry so far agrees with the numerical gradient of your corr2d")
        self._title.set_text(self.shown.get("message") or title)


def input_pixel_explorer(conv_forward, conv_backward, seed=0):
    """Show which outputs and weights one input pixel met, with the student's layer (nothing while grading)."""
    return None if grading() else InputPixelExplorer(conv_forward, conv_backward, seed)


def flip_explorer(corr2d_backward, corr2d=None, seed=0):
    """Show the rotated kernel stepping across the padded upstream gradient (nothing while grading).

    With corr2d, each entry of dX is marked by whether it matches the numerical gradient of corr2d.
    """
    return None if grading() else FlipExplorer(corr2d_backward, corr2d, seed)
