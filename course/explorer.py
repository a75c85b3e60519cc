"""The frame every explorer shares: controls above a figure that is redrawn on every change."""
import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display


def plain(value):
    """A number, text, or a nested sequence of numbers as short text (six significant digits)."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return "(" + ", ".join(plain(v) for v in value) + ")"
    if isinstance(value, (list, np.ndarray)):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    return f"{value:.6g}"


class Explorer(widgets.VBox):
    """Controls above a matplotlib figure, redrawn through an Output widget whenever a control moves.

    Subclasses give compute() -> dict, kept as self.shown (what the picture shows, for captions
    and tests), and draw(), which paints self.shown on self.axes. A subclass's readout maps keys
    of self.shown to labels: those numbers are also written as text between controls and figure,
    where they can be read exactly, copied, and checked by a browser.
    """

    readout = {}

    def __init__(self, controls, figsize, panels=1, layout=None, above=()):
        self.controls, self.shown, self._busy = controls, {}, False
        self.picture = widgets.Output()
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
            with self.picture:
                self.picture.clear_output(wait=True)
                display(self.figure)
        finally:
            self._busy = False
