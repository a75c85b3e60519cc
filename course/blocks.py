"""Images that Agg paints as blocks: pictures of a few large pixels that an explorer shows anew on every move.

matplotlib resamples an image to the screen on every draw, 2-4 ms for an 8×8 digit shown 180
pixels wide, mostly in steps that a picture of flat blocks does not need. QuickImage colours its
cells once and copies each cell's colour into the screen pixels whose centres fall in it, which
is what nearest-neighbour resampling gives.
"""
import math

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.image import AxesImage


class QuickImage(AxesImage):
    """An AxesImage, nearest-neighbour and opaque, that Agg paints from its cells' colours; what it does not
    paint itself (other renderers, transparency, rotated or non-affine axes), AxesImage draws."""

    def _simple(self, renderer):
        transform = self.get_transform()
        return (isinstance(renderer, RendererAgg) and self.get_interpolation() == "nearest"
                and self.get_alpha() is None and transform.is_affine
                and not transform.get_matrix()[0, 1] and not transform.get_matrix()[1, 0])

    def draw(self, renderer):
        if not self.get_visible():
            return None
        if not self._simple(renderer):
            return super().draw(renderer)
        colours = self.to_rgba(self.get_array(), bytes=True)
        if colours.shape[2] != 4 or (colours[:, :, 3] != 255).any():  # transparent cells are AxesImage's to blend
            return super().draw(renderer)
        left, right, bottom, top = self.get_extent()
        first_row, last_row = (top, bottom) if self.origin == "upper" else (bottom, top)
        (x0, y0), (x1, y1) = self.get_transform().transform([(left, first_row), (right, last_row)])
        pixels = np.asarray(renderer.buffer_rgba())
        height, width = pixels.shape[:2]
        box = self.get_clip_box() if self.get_clip_on() else None
        cx0, cy0, cx1, cy1 = box.extents if box is not None else (0, 0, width, height)
        # screen columns and rows (rows counted from the top) whose centres lie inside both image and clip box
        c0, c1 = max(math.ceil(max(min(x0, x1), cx0) - 0.5), 0), min(math.ceil(min(max(x0, x1), cx1) - 0.5), width)
        low, high = max(min(y0, y1), cy0), min(max(y0, y1), cy1)  # display y, upwards
        r0, r1 = max(math.ceil(height - high - 0.5), 0), min(math.ceil(height - low - 0.5), height)
        if c0 >= c1 or r0 >= r1:
            return None
        rows, cols = colours.shape[:2]
        col = np.floor((np.arange(c0, c1) + 0.5 - x0) / (x1 - x0) * cols).astype(int).clip(0, cols - 1)
        row = np.floor((height - np.arange(r0, r1) - 0.5 - y0) / (y1 - y0) * rows).astype(int).clip(0, rows - 1)
        # a pixel's four bytes as one word: a quarter of the indexing
        words = np.ascontiguousarray(colours).view(np.uint32)[:, :, 0]
        pixels.view(np.uint32)[r0:r1, c0:c1, 0] = words.take(row, axis=0).take(col, axis=1)
        self.stale = False
        return None


def quick_imshow(ax, data, **kwargs):
    """Show data on ax as ax.imshow(data, interpolation="nearest", **kwargs) does, as a QuickImage; return it."""
    image = ax.imshow(data, interpolation="nearest", **kwargs)
    image.__class__ = QuickImage  # imshow's image, placed and scaled as imshow does it; QuickImage adds only draw()
    return image
