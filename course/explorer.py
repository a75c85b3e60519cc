"""The frame every explorer shares: controls above a figure whose moving parts are redrawn on every change."""
import html
import os
import struct
import zlib

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from course.fonts import use_hangul_fallback

use_hangul_fallback()  # the Korean edition's titles and labels draw in Hangul; English ones are unchanged


def grading():
    """Whether nbgrader is executing the notebook: every explorer's factory then builds nothing and returns None.

    Explorers are for a student moving sliders; while grading they would only cost time. This is
    the one place that reads nbgrader's variable, so that all explorers agree on when it is set.
    """
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def plain(value):
    """A number, text, or a nested sequence of numbers as short text (six significant digits)."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return "(" + ", ".join(plain(v) for v in value) + ")"
    if isinstance(value, (list, np.ndarray)):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    return f"{value:.6g}"


DPI = 96  # CSS pixels per inch: a figure of w inches shows w inches wide, pixel for pixel


def png(rgba):
    """PNG bytes of an RGBA image (height, width, 4) of uint8, written as RGB without row filters.

    Explorer figures are mostly flat colour, which zlib's fastest level packs well on its own:
    PIL's adaptive filters take three times as long. RGB, not RGBA: browsers decode it
    faster, which is worth more than the copy it takes here.
    """
    height, width = rgba.shape[:2]
    rows = np.zeros((height, 1 + 3 * width), np.uint8)  # each row starts with its filter type, 0: none
    pixels = rows[:, 1:].reshape(height, width, 3)
    for channel in range(3):  # a channel at a time: five times as fast as copying rgba[:, :, :3] at once
        pixels[:, :, channel] = rgba[:, :, channel]

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, truecolour, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1))
            + chunk(b"IEND", b""))


class Picture:
    """A figure shown in an Image widget: its still part is drawn once, its moving artists on every show().

    Redrawing a whole figure takes matplotlib 25-90 ms; restoring the still part as pixels and
    drawing only the artists marked with move() takes a few. (display() through the inline
    backend would also draw twice, for its tight bounding box.)
    """

    def __init__(self, figure):
        self.figure, self.moving, self._still, self._laid_out = figure, [], None, False
        self.widget = widgets.Image(format="png")  # its PNG is replaced in place on every show()
        FigureCanvasAgg(figure)  # its own canvas: shown only here, never by pyplot's backend
        figure.set_dpi(DPI)

    def move(self, *artists):
        """Mark artists as moving: left out of the still part, drawn on every show(); returns the first."""
        for artist in artists:
            artist.set_animated(True)
            if not any(artist is known for known in self.moving):
                self.moving.append(artist)
        return artists[0] if artists else None

    def show(self, still_changed=False):
        """Draw the figure into the widget: the still part from its saved pixels, then the moving artists.

        still_changed: the still part was drawn anew, so draw it again (moving artists that left
        the figure, say with a cleared axes, are dropped).
        """
        canvas = self.figure.canvas
        if still_changed or self._still is None:
            live = set(self.figure.get_children()).union(*(ax.get_children() for ax in self.figure.axes))
            self.moving = [artist for artist in self.moving if artist in live]
            if not self._laid_out:
                # once, twice over: equal-aspect axes move with the margins, and a draw places the titles
                for _ in range(2):
                    canvas.draw()
                    self.figure.tight_layout()
                self._laid_out = True
            canvas.draw()  # draws all but the animated (moving) artists
            self._still = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._still)
        for artist in sorted(self.moving, key=lambda a: a.get_zorder()):
            self.figure.draw_artist(artist)
        width, _ = canvas.get_width_height(physical=True)
        self.widget.layout.width = f"{width}px"  # not stretched to the cell: a blurred picture reads badly
        self.widget.value = png(np.asarray(canvas.buffer_rgba()))


class Explorer(widgets.VBox):
    """Controls above a matplotlib figure, redrawn into an Image widget whenever a control moves.

    Subclasses give compute() -> dict, kept as self.shown (what the picture shows, for captions
    and tests); draw(), which paints the still part of self.shown on self.axes and creates the
    moving artists with self.move(artist); and refresh(), which sets the moving artists from
    self.shown. draw() runs again only when still_key() changes. A subclass's readout maps keys
    of self.shown to labels: those numbers are also written as text between controls and figure,
    where they can be read exactly, copied, and checked by a browser. panels: how many axes side by
    side (self.axes: one, or an array of them), or a mosaic of named ones (self.axes: a dict), its
    rows' heights in the ratios heights.
    """

    readout = {}

    def __init__(self, controls, figsize, panels=1, layout=None, above=(), heights=None):
        self.controls, self.shown, self._busy, self._key = controls, {}, False, object()  # nothing drawn yet
        self.numbers = widgets.HTML()
        if isinstance(panels, int):
            self.figure, self.axes = plt.subplots(1, panels, figsize=figsize)
        else:  # a mosaic of named panels, as plt.subplot_mosaic takes it: self.axes maps the names to axes
            self.figure, self.axes = plt.subplot_mosaic(panels, figsize=figsize, height_ratios=heights)
        plt.close(self.figure)  # shown through the Image widget only, not again by the inline backend
        self.picture = Picture(self.figure)
        self.move = self.picture.move
        for control in controls.values():
            control.observe(lambda change: self.update(), names="value")
        readout = [self.numbers] if self.readout else []
        super().__init__([layout or widgets.HBox(list(controls.values())), *above, *readout, self.picture.widget])
        self.update()

    def still_key(self):
        """What the still part of the picture depends on: draw() runs again when it changes (by default, always)."""
        return object()

    def refresh(self):
        """Set the moving artists from self.shown (none by default: all is drawn by draw())."""

    def readout_text(self):
        """The readout's numbers as 'label = value' parts joined by '; '."""
        return "; ".join(f"{label} = {plain(self.shown[key])}"
                         for key, label in self.readout.items() if key in self.shown)

    def update(self):
        if self._busy:  # a control clamped inside compute() fires the observers again
            return
        self._busy = True
        try:
            self.shown = self.compute()
            self.numbers.value = f"<code>{html.escape(self.readout_text())}</code>"
            key = self.still_key()
            still_changed = key != self._key
            if still_changed:
                self.draw()
                self._key = key
            self.refresh()
            self.picture.show(still_changed)
        finally:
            self._busy = False
