"""Text that Agg draws from cached glyph bitmaps: numbers an explorer writes anew on every move.

matplotlib lays out and rasterises a string on every draw, 0.4-0.8 ms each: 20 ms for the
neuron graph's 26 numbers. Numbers are made of a dozen characters, so QuickText rasterises each
glyph once per angle and quarter-pixel position and then only blends cached bitmaps.
"""
import math

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
from matplotlib.colors import to_rgba
from matplotlib.font_manager import findfont, get_font
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Affine2D

PHASES = 4  # positions per pixel at which a glyph is rasterised: 1/8 px off at most


class _Face:
    """A font at one size and resolution: its line's ascent and descent, its advances, its rasterised glyphs."""

    def __init__(self, prop, dpi):
        self.prop, self.dpi, self.advances, self.glyphs = prop, dpi, {}, {}
        font = self._font()
        os2, per_em = font.get_sfnt_table("OS/2"), font.get_sfnt_table("head")["unitsPerEm"]
        scale = prop.get_size_in_points() * dpi / 72 / per_em
        # the typographic heights, as Text takes them for a line
        self.ascent, self.descent = os2["sTypoAscender"] * scale, -os2["sTypoDescender"] * scale

    def _font(self):
        font = get_font(findfont(self.prop))  # shared with the renderers, which set its size before each use too
        font.set_size(self.prop.get_size_in_points(), self.dpi)
        return font

    def advance(self, char):
        """The pen's step after char in pixels, hinted as matplotlib lays a line out; None if the font lacks char."""
        if char not in self.advances:
            font = self._font()
            # Text would take a missing character from a fallback font
            self.advances[char] = (font.load_char(ord(char), flags=get_hinting_flag()).horiAdvance / 64
                                   if font.get_char_index(ord(char)) else None)
        return self.advances[char]

    def glyph(self, char, angle, phase_x, phase_y):
        """(coverage (h, w) in [0, 1], left, top) of char with its origin at (phase_x, phase_y) / PHASES px.

        left and top place the bitmap's corner relative to the origin's whole pixel, y downwards.
        """
        key = char, angle, phase_x, phase_y
        if key not in self.glyphs:
            size = 4 * math.ceil(self.prop.get_size_in_points() * self.dpi / 72) + 8
            renderer = RendererAgg(size, size, self.dpi)  # transparent: after black text, alpha is the coverage
            gc = renderer.new_gc()
            gc.set_foreground("black")
            middle = size // 2
            renderer.draw_text(gc, middle + phase_x / PHASES, middle + phase_y / PHASES, char, self.prop, angle)
            alpha = np.asarray(renderer.buffer_rgba())[:, :, 3]
            rows, cols = np.nonzero(alpha)
            if not len(rows):  # a space: one blank pixel
                rows = cols = np.array([middle])
            top, left = rows.min(), cols.min()
            coverage = alpha[top:rows.max() + 1, left:cols.max() + 1] / np.float32(255)
            self.glyphs[key] = coverage, left - middle, top - middle
        return self.glyphs[key]


_faces = {}  # (FontProperties, dpi) -> _Face: a few per explorer, each a few hundred glyphs


def _face(prop, dpi):
    face = _faces.get((prop, dpi))
    if face is None:
        prop = prop.copy()  # a Text's properties change in place; the key must not
        face = _faces[prop, dpi] = _Face(prop, dpi)
    return face


class QuickText(Text):
    """A one-line Text that Agg draws from cached glyphs; what it does not draw itself, Text draws.

    Text draws it on other renderers, over several lines, with mathtext or path effects, and when
    rotated about its box's middle (rotation_mode "default"). Its box, if any (bbox=dict(facecolor=...,
    edgecolor="none", pad=...)), is a plain rotated rectangle. It is not clipped, as ax.text's are not.
    """

    def _simple(self, renderer, text):
        return (isinstance(renderer, RendererAgg) and self.get_visible() and text and "\n" not in text
                and "$" not in text and not self.get_usetex() and not self.get_path_effects()
                and (not self.get_rotation() or self.get_rotation_mode() == "anchor"))

    def draw(self, renderer):
        text = self.get_text()
        if not self._simple(renderer, text):
            return super().draw(renderer)
        face = _face(self.get_fontproperties(), renderer.dpi)
        ascent, descent = face.ascent, face.descent
        advances = [face.advance(char) for char in text]
        if None in advances:
            return super().draw(renderer)
        width = sum(advances)
        # the baseline's left end, from the anchor, before rotation (y upwards)
        left = {"left": 0.0, "center": -width / 2, "right": -width}[self.get_horizontalalignment()]
        base = {"bottom": descent, "top": -ascent, "center": (descent - ascent) / 2,
                "baseline": 0.0, "center_baseline": 0.0}[self.get_verticalalignment()]
        angle = self.get_rotation()
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        x, y = self.get_transform().transform(self.get_unitless_position())
        patch = self.get_bbox_patch()
        if patch is not None:
            pad = patch.get_boxstyle().pad * renderer.points_to_pixels(self.get_fontsize())
            x0, y0, x1, y1 = left - pad, base - descent - pad, left + width + pad, base + ascent + pad
            box = Path([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], closed=True)
            gc = renderer.new_gc()
            gc.set_linewidth(0)
            renderer.draw_path(gc, box, Affine2D().rotate_deg(angle).translate(x, y), patch.get_facecolor())
            gc.restore()
        pixels = np.asarray(renderer.buffer_rgba())
        height = pixels.shape[0]
        *color, opacity = to_rgba(self.get_color(), self.get_alpha())
        color = np.array(color, np.float32) * 255
        pen = left
        for char, advance in zip(text, advances):
            gx, gy = x + pen * cos - base * sin, height - (y + pen * sin + base * cos)  # y downwards
            ix, iy = math.floor(gx), math.floor(gy)
            coverage, dx, dy = face.glyph(char, angle, round((gx - ix) * PHASES), round((gy - iy) * PHASES))
            _blend(pixels, coverage, ix + dx, iy + dy, color, opacity)
            pen += advance
        self.stale = False


def quick_text(ax, x, y, text, **kwargs):
    """Add a QuickText to ax at (x, y) in data coordinates, as ax.text(x, y, text, **kwargs) would; return it."""
    return ax.add_artist(QuickText(x, y, text, clip_on=False, **kwargs))


def _blend(pixels, coverage, left, top, color, opacity):
    """Paint color (3,) over pixels (h, w, 4) through coverage (gh, gw) times opacity, its corner at (left, top)."""
    gh, gw = coverage.shape
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + gh, pixels.shape[0]), min(left + gw, pixels.shape[1])
    if r0 >= r1 or c0 >= c1:
        return
    alpha = coverage[r0 - top:r1 - top, c0 - left:c1 - left, None] * opacity
    region = pixels[r0:r1, c0:c1, :3]
    region[...] = region + (color - region) * alpha + 0.5
