"""Check that QuickText, the numbers explorers redraw from cached glyphs, looks as matplotlib's Text does."""
import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text

from course.glyphs import QuickText, quick_text

BOX = dict(facecolor="white", edgecolor="none", pad=0.3)
CASES = [  # text, keyword arguments: the numbers of the graphs and grids, and some text besides
    ("-0.000333", dict(rotation=33.7, rotation_mode="anchor", ha="center", va="bottom", bbox=BOX, color="tab:green")),
    ("7.00", dict(rotation=-41.2, rotation_mode="anchor", ha="center", va="top", bbox=BOX, color="tab:red")),
    ("0.51", dict(rotation=90, rotation_mode="anchor", ha="center", va="center", fontsize=12)),
    ("1.5e+03", dict(ha="center", va="center", fontsize=8, alpha=0.5)),
    ("σ'(x) = 0.25", dict(ha="left", va="baseline", fontsize=11, color="tab:blue")),
    ("w0·x0", dict(ha="right", va="top", fontsize=9, bbox=dict(facecolor="yellow", edgecolor="none", pad=4))),
]


def pixels(kind, text, kwargs, dpi=96):
    """RGB pixels (h, w, 3) of a grey-backed axes with one text of kind at its centre."""
    fig, ax = plt.subplots(figsize=(2.5, 2.5), dpi=dpi)
    ax.set_facecolor("0.9")  # the box must show against the background
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.plot([0.5], [0.5], "k+", markersize=30)
    ax.add_artist(kind(0.5, 0.5, text, clip_on=False, **kwargs))
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[:, :, :3].astype(int)
    plt.close(fig)
    return image


def ink(image, bare):
    """The bounding box (top, left, bottom, right) of the pixels where image differs from bare."""
    rows, cols = np.nonzero(np.abs(image - bare).max(axis=2) > 20)
    return rows.min(), cols.min(), rows.max(), cols.max()


@pytest.mark.parametrize("text, kwargs", CASES, ids=[text for text, _ in CASES])
def test_quick_text_draws_what_text_draws(text, kwargs):
    """Check that QuickText puts the same glyphs and box in the same place as Text, within antialiasing."""
    plain, bare = pixels(Text, text, kwargs), pixels(Text, "", {})
    quick = pixels(QuickText, text, kwargs)
    assert np.abs(plain - bare).max() > 100, "the case draws nothing to compare"
    assert np.abs(np.array(ink(quick, bare)) - ink(plain, bare)).max() <= 1
    off = np.abs(quick - plain).max(axis=2)
    # a glyph placed to a quarter pixel differs at its edges by a shade, never by a stroke
    assert off.max() <= 96 and (off > 48).sum() <= 0.02 * (np.abs(plain - bare).max(axis=2) > 20).sum()


def test_quick_text_at_another_resolution():
    """Check that a figure saved at another dpi gets glyphs rasterised at that dpi."""
    text, kwargs = CASES[0]
    plain, quick = pixels(Text, text, kwargs, dpi=150), pixels(QuickText, text, kwargs, dpi=150)
    assert np.abs(quick - plain).max(axis=2).mean() < 1


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
def test_what_quick_text_cannot_do_text_does():
    """Check that QuickText leaves to Text what it does not draw itself: rotation about the text's
    middle, several lines, mathtext, characters from a fallback font, and renderers other than Agg."""
    for text, kwargs in [("1.25", dict(rotation=30)), ("a\nb", {}), (r"$\sigma$", {}), ("0.3 \u6f22", {})]:
        assert np.array_equal(pixels(QuickText, text, kwargs), pixels(Text, text, kwargs))
    fig, ax = plt.subplots()
    quick_text(ax, 0.5, 0.5, "0.37", ha="center")
    svg = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(svg, format="svg")
    plt.close(fig)
    assert ">0.37<" in svg.getvalue()
