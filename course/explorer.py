"""The frame every explorer shares: controls above a figure that is redrawn on every change."""
import html
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg


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


def picture_widget():
    """The widget a figure is shown in: a PNG image, replaced in place on every update."""
    return widgets.Image(format="png")


def show(figure, picture):
    """Draw figure into the picture widget: one draw at screen resolution and a fast PNG encoding.

    (display() through the inline backend would draw twice, for its tight bounding box, and
    clear and re-create an output area each time.)
    """
    if not isinstance(figure.canvas, FigureCanvasAgg):  # a figure taken out of pyplot has none
        FigureCanvasAgg(figure)
        figure.set_dpi(DPI)
        figure.tight_layout()
    figure.canvas.draw()
    width, height = figure.canvas.get_width_height(physical=True)
    picture.layout.width = f"{width}px"  # not stretched to the cell: a blurred picture reads badly
    image = PIL.Image.frombuffer("RGBA", (width, height), figure.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1)
    picture.value = buffer.getvalue()


class Explorer(widgets.VBox):
    """Controls above a matplotlib figure, redrawn into an Image widget whenever a control moves.

    Subclasses give compute() -> dict, kept as self.shown (what the picture shows, for captions
    and tests), and draw(), which paints self.shown on self.axes. A subclass's readout maps keys
    of self.shown to labels: those numbers are also written as text between controls and figure,
    where they can be read exactly, copied, and checked by a browser.
    """

    readout = {}

    def __init__(self, controls, figsize, panels=1, layout=None, above=()):
        self.controls, self.shown, self._busy = controls, {}, False
        self.picture = picture_widget()
        self.numbers = widgets.HTML()
        self.figure, self.axes = plt.subplots(1, panels, figsize=figsize)
        plt.close(self.figure)  # shown through the Output widget only, not again by the inline backend
        for control in controls.values():
            control.observe(lambda change: self.update(), names="value")
        readout = [self.numbers] if self.readout else []
        super().__init__([layout or widgets.HBox(list(controls.values())), *above, *readout, self.picture])
        self.update()

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
            self.draw()
            show(self.figure, self.picture)
        finally:
            self._busy = False
