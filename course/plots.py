"""Pictures for the perceptron notebook: decision lines, training epochs, errors per epoch, decision regions.

Functions take numbers (weights, error counts) or the student's own functions as arguments;
none of them computes a graded answer.
"""
import matplotlib.pyplot as plt
import numpy as np

from course.fonts import use_hangul_fallback

use_hangul_fallback()  # the Korean edition's titles and labels draw in Hangul; English ones are unchanged
COLOURS = {0: "tab:blue", 1: "tab:orange"}
MARKERS = {0: "o", 1: "s"}


def _limits(X, pad=0.5):
    """Axis limits that show every point of X (N, 2) with some room around it."""
    points = np.asarray(X, dtype=float)
    low, high = points.min(axis=0) - pad, points.max(axis=0) + pad
    return (low[0], high[0]), (low[1], high[1])


def _new_axes(ax, size=(4, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _finish(ax, title):
    """Label the axes of a plot of the input plane, square, with an optional title; return ax."""
    ax.set(xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    if title:
        ax.set_title(title)
    return ax


def draw_points(ax, X, y, wrong=None, size=70):
    """Scatter X (N, 2) coloured by label y (N,) of 0/1; circle in red the points where wrong (N,) is True."""
    X, y = np.asarray(X, dtype=float), np.asarray(y).astype(int)
    for label in (0, 1):
        mine = y == label
        ax.scatter(X[mine, 0], X[mine, 1], s=size, c=COLOURS[label], marker=MARKERS[label],
                   edgecolors="black", linewidths=0.6, zorder=3, label=f"y = {label}")
    if wrong is not None and np.any(wrong):
        wrong = np.asarray(wrong, dtype=bool)
        ax.scatter(X[wrong, 0], X[wrong, 1], s=size * 3.5, facecolors="none", edgecolors="red",
                   linewidths=1.8, zorder=4, label="wrong")


def line_points(w, b, xlim, ylim):
    """Two points of the line w[0] x1 + w[1] x2 + b = 0 spanning the box, or None when w = 0.

    w: (2,) floats; returns ((x1, x1'), (x2, x2')), ready for ax.plot.
    """
    w1, w2 = float(w[0]), float(w[1])
    if w1 == 0 and w2 == 0:
        return None
    if abs(w2) >= abs(w1):  # solve for x2: the steeper the line, the better solving for x1 is
        xs = np.array(xlim, dtype=float)
        return xs, -(w1 * xs + b) / w2
    ys = np.array(ylim, dtype=float)
    return -(w2 * ys + b) / w1, ys


def draw_line(ax, w, b, xlim, ylim, colour="black", shade=True, **kwargs):
    """Draw the decision line w.x + b = 0 in the box and shade the side where w.x + b > 0 (predicted 1)."""
    if shade:
        g1, g2 = np.meshgrid(np.linspace(*xlim, 120), np.linspace(*ylim, 120))
        side = (float(w[0]) * g1 + float(w[1]) * g2 + float(b) > 0).astype(float)
        ax.contourf(g1, g2, side, levels=[-0.5, 0.5, 1.5], colors=[COLOURS[0], COLOURS[1]], alpha=0.12)
    ends = line_points(w, b, xlim, ylim)
    if ends is not None:
        ax.plot(*ends, color=colour, **kwargs)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)


def plot_decision_line(X, y, w, b, ax=None, title=None):
    """Draw the points X (N, 2) with labels y (N,) and the line w.x + b = 0, w (2,), b float; return the axes."""
    ax = _new_axes(ax)
    xlim, ylim = _limits(X)
    draw_line(ax, w, b, xlim, ylim)
    draw_points(ax, X, y)
    return _finish(ax, title)


def plot_epochs(train, X, y, lr=1.0, max_epochs=100, title=None, cols=4):
    """Draw the decision line after each epoch of the student's train(X, y, lr, max_epochs) -> (w, b, errors).

    Training starts from zero weights and is deterministic, so the weights after epoch k are what
    train returns with max_epochs=k. X: (N, 2); y: (N,) of 0/1. Returns the figure.
    """
    _, _, errors = train(X, y, lr, max_epochs)
    epochs = len(errors)
    rows = -(-epochs // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 2.6 * rows), squeeze=False)
    xlim, ylim = _limits(X)
    for k, ax in enumerate(axes.flat, start=1):
        if k > epochs:
            ax.axis("off")
            continue
        w, b, _ = train(X, y, lr, k)
        draw_line(ax, w, b, xlim, ylim)
        draw_points(ax, X, y, size=40)
        ax.set_title(f"after epoch {k}: {errors[k - 1]} error{'s' if errors[k - 1] != 1 else ''}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_errors(errors, ax=None, title=None):
    """Plot errors (a sequence of counts, one per epoch) against the epoch number; return the axes."""
    ax = _new_axes(ax, size=(5, 3))
    errors = np.asarray(errors)
    epochs = np.arange(1, len(errors) + 1)
    ax.plot(epochs, errors, marker="o", markersize=3)
    ax.set_xlabel("epoch")
    ax.set_ylabel("misclassified samples")
    ax.set_ylim(bottom=0)
    ax.set_xlim(0.5, max(len(errors), 1) + 0.5)
    if title:
        ax.set_title(title)
    return ax


def plot_decision_regions(predict, X=None, y=None, ax=None, title=None, box=((-0.5, 1.5), (-0.5, 1.5))):
    """Colour the plane by the student's predict(P) -> 0/1 labels, P (M, 2); show points X (N, 2), y (N,).

    box: ((x1 low, x1 high), (x2 low, x2 high)), the region drawn. Returns the axes.
    """
    if not callable(predict):
        raise TypeError("plot_decision_regions needs a function predict(P) returning 0/1 labels")
    ax = _new_axes(ax)
    xlim, ylim = box
    g1, g2 = np.meshgrid(np.linspace(*xlim, 161), np.linspace(*ylim, 161))
    labels = np.asarray(predict(np.column_stack([g1.ravel(), g2.ravel()]))).reshape(g1.shape)
    ax.contourf(g1, g2, labels.astype(float), levels=[-0.5, 0.5, 1.5], colors=[COLOURS[0], COLOURS[1]], alpha=0.25)
    if X is not None:
        draw_points(ax, X, y)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return _finish(ax, title)


def plot_xor_hulls(ax=None, title="XOR: the two diagonals cross"):
    """Draw the four XOR points with each class's convex hull (a diagonal); the two cross at (0.5, 0.5).

    A line that separated the classes would leave each whole diagonal on its own side, so the
    diagonals could not meet: no such line exists. Returns the axes.
    """
    ax = _new_axes(ax)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    labels = np.array([0, 1, 1, 0])  # XOR's truth table, as data
    for label in (0, 1):
        ends = corners[labels == label]
        ax.plot(ends[:, 0], ends[:, 1], color=COLOURS[label], lw=3, alpha=0.6,
                label=f"hull of the y = {label} points")
    ax.plot([0.5], [0.5], marker="*", color="red", markersize=16, zorder=5, linestyle="none",
            label="both hulls contain (0.5, 0.5)")
    draw_points(ax, corners, labels)
    ax.set_xlim(-0.4, 1.4)
    ax.set_ylim(-0.4, 1.4)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=8)
    return _finish(ax, title)
