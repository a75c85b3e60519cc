"""Explorer updates in the kernel: the quick update (still part kept) against drawing the figure anew.

Every explorer of course.widgets, on the source notebooks' solutions (06's saliency explorer on the
reference layers and a network trained by tests/explorer_cases.py), walks through the moves of
tests/explorer_cases.py ROUNDS times; a move's time is the whole update (the student's functions,
drawing, PNG encoding), as the kernel spends it when a slider moves. The full draw is what each
update cost before: the still part drawn again every time. Last, one picture's PNG encoding
against PIL's. Run: .venv/bin/python -m benchmarks.explorers
"""
import io
import statistics
import time

import matplotlib
import numpy as np
import PIL.Image

from course.explorer import png
from tests.explorer_cases import CASES, build

ROUNDS = 5


def update_times(name, full):
    """Milliseconds of each move of one explorer, ROUNDS times over its walk; full: draw all anew each time."""
    explorer, picture, moves = build(name)
    starts = [(control, control.value) for control, _ in moves]
    times = []
    for _ in range(ROUNDS):
        for control, value in [*moves, *reversed(starts)]:
            if control.value == value:
                continue
            if full:  # as if the still part had changed: drawn anew, then the moving artists over it
                explorer._key, picture._still = object(), None
            start = time.perf_counter()
            control.value = value
            times.append(1000 * (time.perf_counter() - start))
    return times


def png_times(name="neuron_explorer", rounds=30):
    """Median milliseconds to encode one explorer's picture: course.explorer.png, and PIL at its fastest level."""
    rgba = np.asarray(build(name)[1].figure.canvas.buffer_rgba()).copy()

    def with_pil():
        PIL.Image.fromarray(rgba[:, :, :3]).save(io.BytesIO(), format="png", compress_level=1)

    medians = []
    for encode in (lambda: png(rgba), with_pil):
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            encode()
            times.append(1000 * (time.perf_counter() - start))
        medians.append(statistics.median(times))
    return rgba.shape, medians


def main():
    matplotlib.use("Agg")  # before the first figure: the kernel's backend draws to pixels too
    print(f"{'explorer':<24} {'quick update':>14} {'full draw':>11} {'ratio':>6}   "
          "(median ms per move, max in brackets)")
    for name in CASES:
        quick, full = update_times(name, False), update_times(name, True)
        print(f"{name:<24} {statistics.median(quick):7.1f} ({max(quick):5.1f}) {statistics.median(full):6.1f} "
              f"({max(full):5.1f}) {statistics.median(full) / statistics.median(quick):5.1f}×")
    (height, width, _), (ours, pil) = png_times()
    print(f"PNG of the neuron explorer's {width}×{height} picture: png() {ours:.1f} ms, PIL {pil:.1f} ms, "
          f"{pil / ours:.1f}× as long")


if __name__ == "__main__":
    main()
