"""Pictures for the CNN notebook: digits, im2col's columns, speed-ups, a live training curve, confusions, filters.

Functions take the numbers to draw (images, labels, timings, counts, weights); none of them calls
or computes a graded function.
"""
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .explorer import DPI, grading, png

SHADE, OUTLINE = "tab:orange", "tab:blue"


def _images(images):
    """images (M, 1, H, W) or (M, H, W) as (M, H, W) floats."""
    images = np.asarray(images, dtype=float)
    return images[:, 0] if images.ndim == 4 else images


def plot_digits(images, labels, predicted=None, cols=12, title=None):
    """Draw images (M, 1, H, W) in a grid, each titled by its label (M,), or 'label → predicted' (M,) in red.

    Returns the figure.
    """
    images = _images(images)
    labels = np.asarray(labels)
    count = len(images)
    if not count:
        raise ValueError("plot_digits needs at least one image")
    cols = max(1, min(cols, count))
    rows = max(1, -(-count // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(0.85 * cols, 1.05 * rows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k >= count:
            continue
        ax.imshow(images[k], cmap="gray_r", vmin=0.0, vmax=1.0)
        if predicted is None:
            ax.set_title(f"{labels[k]}", fontsize=9)
        else:
            wrong = predicted[k] != labels[k]
            ax.set_title(f"{labels[k]} → {predicted[k]}", fontsize=9, color="red" if wrong else "black")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def _grid(ax, labels, shaded=(), outlined=(), title=""):
    """Draw a matrix of labels (R, C) as a grid of cells; shade the (r, c) in shaded, outline those in outlined."""
    labels = np.asarray(labels)
    rows, cols = labels.shape
    ax.set(xlim=(-0.5, cols - 0.5), ylim=(rows - 0.5, -0.5), aspect="equal", xticks=[], yticks=[])
    for r, c in shaded:
        ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=SHADE, alpha=0.55, lw=0))
    for r, c in outlined:
        ax.add_patch(plt.Rectangle((c - 0.45, r - 0.45), 0.9, 0.9, fill=False, edgecolor=OUTLINE, lw=2))
    ax.vlines(np.arange(cols + 1) - 0.5, -0.5, rows - 0.5, color="k", lw=0.5)
    ax.hlines(np.arange(rows + 1) - 0.5, -0.5, cols - 0.5, color="k", lw=0.5)
    for (r, c), label in np.ndenumerate(labels):
        ax.text(c, r, f"{label}", ha="center", va="center", fontsize=8)
    ax.set_title(title, fontsize=9)


def plot_im2col(pixels, cols, column=0, row=0, kernel_shape=None, output_shape=None):
    """Draw an image's pixel numbers pixels (H, W), the columns cols (K, P) made of them, and how often each is used.

    cols[:, p] holds the numbers of the pixels output position p reads, cols[k] those kernel entry k
    meets. Shaded: column `column` and the pixels it holds; outlined: row `row` and its pixels. The
    third panel counts each pixel's entries in cols: the gradients col2im adds up there. With
    kernel_shape (HH, WW) and output_shape (H_out, W_out), rows are labelled (u, v) and columns (i, j).
    Returns the figure.
    """
    pixels, cols = np.asarray(pixels), np.asarray(cols)
    where = {int(label): rc for rc, label in np.ndenumerate(pixels)}
    in_column = [where[int(label)] for label in cols[:, column]]
    in_row = [where[int(label)] for label in cols[row]]
    counts = np.vectorize(lambda label: int(np.sum(cols == label)))(pixels)
    height, width = cols.shape
    fig, axes = plt.subplots(1, 3, figsize=(3.0 + 0.42 * width + 3.0, 0.42 * max(height, 6) + 0.8),
                             gridspec_kw={"width_ratios": [pixels.shape[1], width, pixels.shape[1]]})
    _grid(axes[0], pixels, in_column, in_row, "the image's pixels")
    _grid(axes[1], cols, [(k, column) for k in range(height)], [(row, p) for p in range(width)],
          f"cols: one column per output position\n(column {column} shaded, row {row} outlined)")
    axes[1].set(xlabel="output position (i, j)" if output_shape else "output position",
                ylabel="kernel entry (u, v)" if kernel_shape else "kernel entry")
    if kernel_shape:
        axes[1].set_yticks(range(height), [f"{uv}" for uv in np.ndindex(*kernel_shape)], fontsize=7)
    if output_shape:
        axes[1].set_xticks(range(width), [f"{ij}" for ij in np.ndindex(*output_shape)], fontsize=7, rotation=90)
    _grid(axes[2], counts, title="columns each pixel is copied to:\nthe gradients col2im adds (+=)")
    fig.tight_layout()
    return fig


def plot_speedups(sizes, slow_seconds, fast_seconds, goal=50, ax=None, xlabel="images in the batch"):
    """Plot the speed-up slow_seconds / fast_seconds (each (S,)) against sizes (S,), with the goal as a line.

    Returns the axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.4))
    sizes = np.asarray(sizes)
    ratios = np.asarray(slow_seconds, dtype=float) / np.asarray(fast_seconds, dtype=float)
    ax.plot(sizes, ratios, marker="o")
    for size, ratio in zip(sizes, ratios):
        ax.annotate(f"{ratio:.0f}×", (size, ratio), textcoords="offset points", xytext=(0, 7), ha="center",
                    fontsize=8)
    ax.axhline(goal, color="tab:red", ls="--", lw=1, label=f"the goal: {goal}×")
    ax.set(xscale="log", yscale="log", xlabel=xlabel, ylabel="speed-up (your loops / your fast layer)")
    ax.set_xticks(sizes, [f"{s}" for s in sizes])
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("forward + backward, measured here", fontsize=9)
    return ax


class LiveTraining:
    """One figure of the loss per step and the accuracies per epoch, redrawn in place while training runs.

    step(loss) adds one loss; epoch(train, test) adds one pair of accuracies; the picture is redrawn at
    most every `every` seconds and by finish(). Under grading it draws nothing.
    """

    def __init__(self, epochs, steps_per_epoch, every=0.3):
        self.epochs, self.steps_per_epoch, self.every = epochs, steps_per_epoch, every
        self.losses, self.accuracies, self._drawn = [], [], 0.0
        self.handle = None
        if grading():
            return
        self.figure = Figure(figsize=(9.5, 3.2), dpi=DPI)
        FigureCanvasAgg(self.figure)
        self.loss_ax, self.accuracy_ax = self.figure.subplots(1, 2)
        self.loss_line, = self.loss_ax.plot([], [], lw=0.8, color="tab:blue")
        self.train_line, = self.accuracy_ax.plot([], [], marker="o", ms=3, label="train")
        self.test_line, = self.accuracy_ax.plot([], [], marker="s", ms=3, label="test")
        self.loss_ax.set(xlim=(0, epochs * steps_per_epoch), ylim=(0.01, 3.0), yscale="log", xlabel="step",
                         ylabel="minibatch loss")
        self.accuracy_ax.set(xlim=(-0.3, epochs + 0.3), ylim=(0, 1), xlabel="epoch", ylabel="accuracy")
        self.accuracy_ax.axhline(0.97, color="tab:red", ls="--", lw=1, label="97 %")
        self.accuracy_ax.legend(fontsize=8, loc="lower right")
        self.figure.tight_layout()
        self.handle = display(Image(self._png()), display_id=True)

    def _png(self):
        self.figure.canvas.draw()
        return png(np.asarray(self.figure.canvas.buffer_rgba()))

    def step(self, loss):
        """Add the loss of one step (a float); redraw if the last picture is old enough."""
        self.losses.append(float(loss))
        self._redraw()

    def epoch(self, train, test):
        """Add the train and test accuracies (floats in [0, 1]) after an epoch (the first pair: before training)."""
        self.accuracies.append((float(train), float(test)))
        self._redraw()

    def finish(self):
        """Draw the last picture."""
        self._redraw(force=True)

    def _redraw(self, force=False):
        if self.handle is None or (not force and time.perf_counter() - self._drawn < self.every):
            return
        if self.losses:
            self.loss_line.set_data(np.arange(len(self.losses)), self.losses)
            low, high = min(self.losses), max(self.losses)
            self.loss_ax.set_ylim(low / 1.5, high * 1.5)
        if self.accuracies:
            train, test = np.array(self.accuracies).T
            self.train_line.set_data(np.arange(len(train)), train)
            self.test_line.set_data(np.arange(len(test)), test)
            self.accuracy_ax.set_ylim(min(0.8, test.min(), train.min()) - 0.02, 1.005)
            self.accuracy_ax.set_title(f"after epoch {len(train) - 1}: train {train[-1]:.1%}, test {test[-1]:.1%}",
                                       fontsize=9)
        self.loss_ax.set_title(f"step {len(self.losses)} of {self.epochs * self.steps_per_epoch}", fontsize=9)
        self.handle.update(Image(self._png()))
        self._drawn = time.perf_counter()


def plot_confusion(matrix, ax=None, title="test digits: true label (row) against predicted (column)"):
    """Draw a confusion matrix (K, K) of counts, rows the true labels, columns the predicted; return the axes."""
    matrix = np.asarray(matrix)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4.2))
    off = matrix * (1 - np.eye(len(matrix), dtype=matrix.dtype))
    ax.imshow(np.log1p(off), cmap="Reds")
    for (r, c), count in np.ndenumerate(matrix):
        if count:
            ax.text(c, r, f"{count}", ha="center", va="center", fontsize=8,
                    color="white" if r != c else "tab:green", fontweight="bold")
    ticks = np.arange(len(matrix))
    ax.set(xticks=ticks, yticks=ticks, xlabel="predicted", ylabel="true")
    ax.set_title(title, fontsize=9)
    return ax


def plot_filters(w, title="the learned 3×3 filters"):
    """Draw each filter w[f, 0] of w (F, C, HH, WW) with its numbers, one colour scale around 0; return the figure."""
    w = np.asarray(w, dtype=float)[:, 0]
    limit = max(np.abs(w).max(), 1e-12)
    fig, axes = plt.subplots(1, len(w), figsize=(1.25 * len(w), 1.6), squeeze=False)
    for f, ax in enumerate(axes[0]):
        ax.imshow(w[f], cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (r, c), value in np.ndenumerate(w[f]):
            ax.text(c, r, f"{value:.1f}", ha="center", va="center", fontsize=7)
        ax.set(xticks=[], yticks=[])
        ax.set_title(f"filter {f}", fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_feature_maps(image, maps, title="one digit and its feature maps"):
    """Draw image (1, H, W) or (H, W) and its feature maps maps (F, H', W') side by side; return the figure."""
    image, maps = np.asarray(image, dtype=float), np.asarray(maps, dtype=float)
    image = image[0] if image.ndim == 3 else image
    fig, axes = plt.subplots(1, len(maps) + 1, figsize=(1.25 * (len(maps) + 1), 1.6), squeeze=False)
    axes[0, 0].imshow(image, cmap="gray_r", vmin=0, vmax=1)
    axes[0, 0].set_title("input", fontsize=8)
    for f, ax in enumerate(axes[0, 1:]):
        ax.imshow(maps[f], cmap="magma")
        ax.set_title(f"map {f}", fontsize=8)
    for ax in axes[0]:
        ax.set(xticks=[], yticks=[])
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_descent(paths, curvatures, ax=None, title="descent on L(w) = (c0 w0² + c1 w1²) / 2"):
    """Draw the contours of L(w) = (c0 w0² + c1 w1²) / 2, curvatures = (c0, c1), and each path (T, 2) of paths.

    paths: {label: the points w visited, in order}. Returns the axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 3.2))
    points = np.concatenate([np.asarray(p, dtype=float) for p in paths.values()])
    reach = np.abs(points).max(axis=0) * 1.15
    g0, g1 = np.meshgrid(np.linspace(-reach[0], reach[0], 200), np.linspace(-reach[1], reach[1], 200))
    ax.contour(g0, g1, (curvatures[0] * g0 ** 2 + curvatures[1] * g1 ** 2) / 2, levels=12, colors="0.75",
               linewidths=0.7)
    for label, path in paths.items():
        path = np.asarray(path, dtype=float)
        ax.plot(path[:, 0], path[:, 1], marker="o", ms=2.5, lw=1, label=f"{label}: {len(path)} steps")
    ax.plot([0], [0], marker="*", color="black", ms=10, ls="none")
    ax.set(xlabel="$w_0$", ylabel="$w_1$")
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(title, fontsize=9)
    return ax
