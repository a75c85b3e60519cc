"""The frame every explorer shares: controls above a figure that is redrawn on every change."""
import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display


class Explorer(widgets.VBox):
    """Controls above a matplotlib figure, redrawn through an Output widget whenever a control moves.

    Subclasses give compute() -> dict, kept as self.shown (what the picture shows, for captions
    and tests), and draw(), which paints self.shown on self.axes.
    """

    def __init__(self, controls, figsize, panels=1, layout=None, above=()):
        self.controls, self.shown, self._busy = controls, {}, False
        self.picture = widgets.Output()
        self.figure, self.axes = plt.subplots(1, panels, figsize=figsize)
        plt.close(self.figure)  # shown through the Output widget only, not again by the inline backend
        for control in controls.values():
            control.observe(lambda change: self.update(), names="value")
        super().__init__([layout or widgets.HBox(list(controls.values())), *above, self.picture])
        self.update()

    def update(self):
        if self._busy:  # a control clamped inside compute() fires the observers again
            return
        self._busy = True
        try:
            self.shown = self.compute()
            self.draw()
            with self.picture:
                self.picture.clear_output(wait=True)
                display(self.figure)
        finally:
            self._busy = False
