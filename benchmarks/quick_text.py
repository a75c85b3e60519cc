"""QuickText against matplotlib's Text: drawing the neuron graph's numbers with new values, as on a slider move.

Both draw the same 26 numbers (rotated along the wires, boxed) over the graph; the time is the
numbers only, new text each round. Run: .venv/bin/python -m benchmarks.quick_text
"""
import statistics
import time

import matplotlib
import numpy as np
from matplotlib.text import Text

from course import glyphs
from course.graph import _fmt, draw_graph_numbers
from course.sigmoid_widgets import NEURON_GRAPH

ROUNDS = 50


def draw_times(kind):
    """Milliseconds to draw all numbers, ROUNDS times, each round with new values; kind: Text or QuickText."""
    rng = np.random.default_rng(0)
    ones = dict.fromkeys(NEURON_GRAPH, 1.0)
    ax, numbers = draw_graph_numbers(NEURON_GRAPH, ones, ones)
    figure, artists = ax.figure, [a for texts in numbers.values() for a in texts]
    figure.canvas.draw()
    draw = glyphs.QuickText.draw
    glyphs.QuickText.draw = kind.draw  # the same artists, drawn either way
    try:
        times = []
        for _ in range(ROUNDS):
            for artist in artists:
                artist.set_text(_fmt(rng.normal(0, 3)))
            start = time.perf_counter()
            for artist in artists:
                figure.draw_artist(artist)
            times.append(1000 * (time.perf_counter() - start))
        return times
    finally:
        glyphs.QuickText.draw = draw


def main():
    matplotlib.use("Agg")  # before the first figure: the kernel's backend draws to pixels too
    quick, text = draw_times(glyphs.QuickText), draw_times(Text)
    print(f"26 numbers: QuickText {statistics.median(quick):.1f} ms, Text {statistics.median(text):.1f} ms "
          f"(medians of {ROUNDS}), Text takes {statistics.median(text) / statistics.median(quick):.1f}× as long")


if __name__ == "__main__":
    main()
