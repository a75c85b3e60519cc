"""Check that QuickImage, the pictures of large pixels explorers redraw, paints what matplotlib's imshow draws."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import colormaps

from course.blocks import QuickImage, quick_imshow

DATA = np.random.default_rng(0).random((5, 7))
OPAQUE_BAD = colormaps["viridis"].with_extremes(bad="white")
CASES = {  # name: (imshow's keyword arguments, axes limits or None, figure size)
    "digit": (dict(cmap="gray_r", vmin=0, vmax=1), None, (2.4, 2.4)),
    "lower origin": (dict(cmap="RdBu_r", origin="lower"), None, (3.0, 2.2)),
    "extent, stretched": (dict(cmap="plasma", extent=(0, 3, 0, 1), aspect="auto"), None, (3.3, 1.7)),
    "nan, opaque bad colour": (dict(cmap=OPAQUE_BAD), None, (4.0, 1.3)),
    "zoomed: clipped by the axes": (dict(cmap=OPAQUE_BAD), ((1.2, 4.7), (3.1, 0.6)), (2.5, 2.5)),
    "axes flipped": (dict(cmap=OPAQUE_BAD), ((6.5, -0.5), (-0.5, 4.5)), (2.5, 2.5)),
}


def pixels(show, kwargs, limits, size, dpi=96):
    """RGB pixels of a figure with one image of DATA, shown by show(ax, data, **kwargs); a nan in it where the
    colour map has an opaque colour for it."""
    fig, ax = plt.subplots(figsize=size, dpi=dpi)
    data = DATA.copy()
    if kwargs.get("cmap") in (OPAQUE_BAD, "viridis"):
        data[1, 2] = np.nan
    image = show(ax, data, **kwargs)
    if limits:
        ax.set(xlim=limits[0], ylim=limits[1])
    fig.canvas.draw()
    result = np.asarray(fig.canvas.buffer_rgba())[:, :, :3].astype(int), image
    plt.close(fig)
    return result


def imshow(ax, data, **kwargs):
    return ax.imshow(data, interpolation="nearest", **kwargs)


@pytest.mark.parametrize("name", CASES)
def test_quick_image_paints_what_imshow_draws(name, monkeypatch):
    """Check that QuickImage gives imshow's nearest-neighbour pixels exactly, wherever the image sits."""
    kwargs, limits, size = CASES[name]
    plain, _ = pixels(imshow, kwargs, limits, size)
    painted = []
    monkeypatch.setattr("matplotlib.image.AxesImage.draw", lambda self, renderer: painted.append(self))
    quick, image = pixels(quick_imshow, kwargs, limits, size)
    assert isinstance(image, QuickImage) and not painted  # all its own work
    assert len(np.unique(plain.reshape(-1, 3), axis=0)) > 10 and np.array_equal(quick, plain)


def test_quick_image_paints_itself_only_where_it_can(monkeypatch):
    """Check that QuickImage paints opaque nearest-neighbour images on Agg, and leaves the rest to AxesImage."""
    painted = []
    draw = QuickImage.draw
    monkeypatch.setattr("matplotlib.image.AxesImage.draw", lambda self, renderer: painted.append(False))
    monkeypatch.setattr(QuickImage, "draw", lambda self, renderer: painted.append(True) or draw(self, renderer))
    for kwargs, expected in [(dict(cmap=OPAQUE_BAD), [True]), (dict(cmap="viridis"), [True, False]),  # nan: clear
                             (dict(cmap=OPAQUE_BAD, alpha=0.5), [True, False])]:
        painted.clear()
        pixels(quick_imshow, kwargs, None, (2, 2))
        assert painted == expected, kwargs
    fig, ax = plt.subplots()
    image = quick_imshow(ax, DATA)
    image.set_interpolation("bilinear")
    painted.clear()
    fig.canvas.draw()
    assert painted == [True, False]
    plt.close(fig)


def test_quick_image_at_another_resolution():
    """Check that a figure saved at another dpi gets the image at that dpi too."""
    kwargs, limits, size = CASES["digit"]
    plain, quick = pixels(imshow, kwargs, limits, size, 150)[0], pixels(quick_imshow, kwargs, limits, size, 150)[0]
    assert np.array_equal(quick, plain)
