"""An explorer of 06's network: backprop all the way to the pixels of a test digit (a saliency map).

It runs the student's own layers, passed in as arguments: their forward pass gives the feature
maps and the scores, and their backward pass, started from a one-hot gradient on one class's
score, gives that score's gradient with respect to every input pixel. The explorer adds only what
it draws: the softmax of the scores for the probability bars (no loss, no gradient).
"""
import ipywidgets as widgets
import numpy as np
from matplotlib import colormaps
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import blended_transform_factory

from .blocks import quick_imshow
from .explorer import Explorer, grading
from .glyphs import quick_text
from .gradcheck import explained

CONV_PARAM = {"stride": 1, "pad": 1}  # the network of 06, as its contract fixes it
POOL_PARAM = {"pool_height": 2, "pool_width": 2, "stride": 2}
CLASSES = 10
SIDE = 8  # the digits are 8×8; after 2×2 pooling each feature map is 4×4
PER_ROW = 8  # feature maps drawn side by side before a new row starts
# what each of the student's functions returns, by its role in the network
RETURNS = {"conv_forward": ("out", "cache"), "relu_forward": ("out", "cache"), "pool_forward": ("out", "cache"),
           "affine_forward": ("out", "cache"), "affine_backward": ("dx", "dw", "db"), "pool_backward": ("dx",),
           "relu_backward": ("dx",), "conv_backward": ("dx", "dw", "db")}
CHOICES = [("true label", "true"), ("predicted", "predicted")] + [(str(k), k) for k in range(CLASSES)]


class StudentError(Exception):
    """One of the student's functions raised, is not written yet, or returned what the network cannot use."""


def _described(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)}"
    shape = getattr(value, "shape", None)
    return f"an array of shape {shape}" if shape is not None else f"a {type(value).__name__}"


class SaliencyExplorer(Explorer):
    """A slider over the test digits and buttons for a class; the digit, its feature maps, the class
    probabilities, and the gradient of the chosen class's score with respect to the pixels.

    shown: 'digit' (index), 'label', 'image' (8, 8); from the student's functions 'maps' (F, 4, 4),
    'scores' (10,), 'probabilities' (10,), 'predicted', 'target' (the class whose score is
    differentiated), 'score', 'saliency' (8, 8), 'peak' (row, col) of its largest magnitude and
    'peak_gradient' there; or, instead of those, 'message' saying which function to write or fix.
    """

    readout = {"digit": "test digit", "label": "label", "predicted": "predicted", "target": "class",
               "score": "its score", "probabilities": "probabilities", "peak": "strongest pixel (row, col)",
               "peak_gradient": "its gradient"}

    def __init__(self, params, X, y, layers):
        self.W1, self.b1, self.W2, self.b2, self.X, self.y = _checked_data(params, X, y)
        self.layers, self.filters = layers, self.W1.shape[0]
        controls = {"digit": widgets.IntSlider(value=0, min=0, max=len(self.X) - 1, description="test digit",
                                               continuous_update=True, layout=widgets.Layout(width="420px")),
                    "class": widgets.ToggleButtons(options=CHOICES, value="true", description="class",
                                                   style={"button_width": "auto"},
                                                   tooltips=["the digit's own label", "the network's guess"]
                                                   + [f"the score of {k}" for k in range(CLASSES)])}
        rows = -(-self.filters // PER_ROW)
        mosaic, heights = _mosaic(self.filters)
        super().__init__(controls, (9.6, 2.9 + 1.1 * rows), mosaic, widgets.VBox(list(controls.values())),
                         heights=heights)

    # ---- the student's functions, one call at a time, each result checked before it is used ----

    def _run(self, role, shape, *args):
        """(the array the network goes on with, the whole result) of the student's function for role, called on
        copies of args; the array (the result, or its first item) must have shape. Else StudentError says why."""
        fn, returns = self.layers[role], RETURNS[role]
        name = getattr(fn, "__name__", role)
        try:
            with explained(f"fix {name} and run this cell again"):
                result = fn(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
        except NotImplementedError:
            raise StudentError(f"write {name} to see the feature maps, the probabilities and the saliency map.") \
                from None
        except AssertionError as err:  # explained's message, or an assert of the student's own
            text = str(err)
            raise StudentError(text if text.startswith(name) else f"{name} raised {type(err).__name__}"
                               + (f": {text}" if text else ".")) from None
        if len(returns) > 1 and (not isinstance(result, (tuple, list)) or len(result) != len(returns)):
            raise StudentError(f"{name} returned {_described(result)}; it should return ({', '.join(returns)}).")
        first = result[0] if len(returns) > 1 else result
        if not isinstance(first, np.ndarray) or first.dtype.kind not in "biuf":
            raise StudentError(f"{name} returned {_described(first)} as {returns[0]}; it should be a NumPy array "
                               f"of floats.")
        if first.shape != shape:
            raise StudentError(f"{name} returned {returns[0]} of shape {first.shape} for one digit; the network "
                               f"needs shape {shape}.")
        if not np.all(np.isfinite(first)):
            raise StudentError(f"{name} returned nan or inf values for test digit {self.controls['digit'].value}.")
        return first.astype(float), result

    def _forward(self, x):
        """(pooled maps (1, F, 4, 4), scores (1, 10), the four caches) from the student's forward layers."""
        f, half = self.filters, SIDE // 2
        conv, (_, conv_cache) = self._run("conv_forward", (1, f, SIDE, SIDE), x, self.W1, self.b1, CONV_PARAM)
        relu, (_, relu_cache) = self._run("relu_forward", (1, f, SIDE, SIDE), conv)
        maps, (_, pool_cache) = self._run("pool_forward", (1, f, half, half), relu, POOL_PARAM)
        scores, (_, affine_cache) = self._run("affine_forward", (1, CLASSES), maps.reshape(1, -1), self.W2, self.b2)
        return maps, scores, (conv_cache, relu_cache, pool_cache, affine_cache)

    def _to_pixels(self, caches, target):
        """The gradient (8, 8) of score[target] with respect to the pixels, by the student's backward layers."""
        conv_cache, relu_cache, pool_cache, affine_cache = caches
        f, half = self.filters, SIDE // 2
        upstream = np.zeros((1, CLASSES))
        upstream[0, target] = 1.0  # d score[target] / d scores: one-hot, no softmax in between
        d_maps = self._run("affine_backward", (1, f * half * half), upstream, affine_cache)[0]
        d_relu = self._run("pool_backward", (1, f, SIDE, SIDE), d_maps.reshape(1, f, half, half), pool_cache)[0]
        d_conv = self._run("relu_backward", (1, f, SIDE, SIDE), d_relu, relu_cache)[0]
        return self._run("conv_backward", (1, 1, SIDE, SIDE), d_conv, conv_cache)[0][0, 0]

    def compute(self):
        i, choice = self.controls["digit"].value, self.controls["class"].value
        label = int(self.y[i])
        shown = {"digit": i, "label": label, "image": self.X[i, 0]}
        try:
            maps, scores, caches = self._forward(self.X[i:i + 1])
            scores = scores[0]
            predicted = int(np.argmax(scores))
            target = {"true": label, "predicted": predicted}.get(choice, choice)
            saliency = self._to_pixels(caches, target)
        except StudentError as err:
            return {**shown, "message": str(err)}
        shifted = np.exp(scores - scores.max())  # only for the bars: the probabilities the scores stand for
        peak = np.unravel_index(int(np.argmax(np.abs(saliency))), saliency.shape)
        return {**shown, "maps": maps[0], "scores": scores, "probabilities": shifted / shifted.sum(),
                "predicted": predicted, "target": int(target), "score": float(scores[target]), "saliency": saliency,
                "peak": (int(peak[0]), int(peak[1])), "peak_gradient": float(saliency[peak])}

    # ---- the picture ----

    def still_key(self):
        """Axes, labels and legend are drawn once; images, bars, numbers, titles and any message move."""
        return ()

    def _title(self, ax, y, va, fontsize=9):
        """A moving line of text centred over (y 1) or under (y 0) ax, drawn from cached glyphs."""
        return self.move(quick_text(ax, 0.5, y, "", transform=ax.transAxes, ha="center", va=va, fontsize=fontsize))

    def draw(self):
        ax, tile = self.axes, SIDE // 2 + 1  # a map and the white gap after it, in map pixels
        for artist in list(self.figure.artists):  # drawn once, but anew if asked to (the benchmark's full draws)
            artist.remove()
        for axes in ax.values():
            axes.clear()
        self._digit = self.move(quick_imshow(ax["digit"], np.zeros((SIDE, SIDE)), cmap="gray_r", vmin=0,
                                             vmax=max(1.0, float(self.X.max()))))
        self._saliency = self.move(quick_imshow(ax["saliency"], np.zeros((SIDE, SIDE)), cmap="RdBu_r"))
        for name in ("digit", "saliency"):
            ax[name].set(xticks=[], yticks=[])
            self.move(*ax[name].spines.values())  # the frame over the image, as the still part lies under it
        # the feature maps as one image, tiles with white gaps (nan) between: one image draws faster than eight
        rows, per_row = -(-self.filters // PER_ROW), min(self.filters, PER_ROW)
        self._tiles = np.full((rows * tile - 1, per_row * tile - 1), np.nan)
        viridis = colormaps["viridis"].with_extremes(bad="white")
        self._maps = self.move(quick_imshow(ax["maps"], self._tiles, cmap=viridis))
        for k in range(self.filters):
            r, c = divmod(k, PER_ROW)
            ax["maps"].text(c * tile + 1.5, r * tile - 0.6, f"filter {k}", ha="center", va="bottom", fontsize=8)
        ax["maps"].set_axis_off()
        ax["maps"].text(-1, (rows * tile - 1) / 2 - 0.5, "conv → ReLU\n→ max pool", ha="right", va="center",
                        fontsize=8)
        bars = ax["bars"]
        self._bars = list(bars.bar(range(CLASSES), np.zeros(CLASSES), color="lightgrey", edgecolor="k", lw=0))
        self.move(*self._bars)
        self._percent = [self.move(quick_text(bars, k, 0, "", ha="center", va="bottom", fontsize=7))
                         for k in range(CLASSES)]
        bars.set(xticks=range(CLASSES), ylim=(0, 1.28), yticks=[0, 0.5, 1], xlabel="class", ylabel="probability")
        bars.legend(handles=[Patch(color="tab:blue", label="predicted"), Patch(color="tab:green", label="true label"),
                             Patch(facecolor="white", edgecolor="k", lw=2, label="its score's gradient shown")],
                    loc="upper left", fontsize=7, ncol=3, frameon=False)
        self._titles = {name: self._title(ax[name], 1.03, "bottom") for name in ("digit", "saliency", "bars")}
        self._scale = self._title(ax["saliency"], -0.03, "top", 8)
        # A broken function's message: on a white curtain over all but the digit, left out of the layout
        # (Picture lays the figure out once, whatever the first digit shows), and wrapped at the figure's edge.
        right = blended_transform_factory(ax["saliency"].transAxes, self.figure.transFigure)
        below = blended_transform_factory(self.figure.transFigure, ax["maps"].transAxes)
        self._curtain = [self.move(self.figure.add_artist(Rectangle(corner, *size, transform=where, facecolor="white",
                                                                    edgecolor="none", zorder=10, in_layout=False)))
                         for corner, size, where in [((-0.1, 0), (20, 1), right), ((0, -1), (1, 2.6), below)]]
        self._message = self.move(self.figure.add_artist(Text(0, 0.5, "", transform=ax["saliency"].transAxes,
                                                              va="center", wrap=True, fontsize=10, color="tab:red",
                                                              zorder=11, in_layout=False)))
        self._drawn_per_state = [self._maps, self._saliency, *self._bars, *self._percent, self._scale]

    def refresh(self):
        shown = self.shown
        self._digit.set_data(shown["image"])
        self._titles["digit"].set_text(f"test digit {shown['digit']}: a {shown['label']}")
        broken = "message" in shown
        for artist in self._drawn_per_state:
            artist.set_visible(not broken)
        for artist in (self._message, *self._curtain):
            artist.set_visible(broken)
        if broken:
            self._message.set_text(shown["message"])
            self._titles["saliency"].set_text("")
            self._titles["bars"].set_text("")
            return
        maps, tile = shown["maps"], SIDE // 2 + 1
        for k, values in enumerate(maps):
            r, c = divmod(k, PER_ROW)
            self._tiles[r * tile:r * tile + tile - 1, c * tile:c * tile + tile - 1] = values
        self._maps.set_data(self._tiles)
        self._maps.set_clim(0, max(float(maps.max()), 1e-12))  # one scale for all maps of a digit: sizes compare
        saliency, target = shown["saliency"], shown["target"]
        reach = max(float(np.abs(saliency).max()), 1e-12)
        self._saliency.set_data(saliency)
        self._saliency.set_clim(-reach, reach)
        self._titles["saliency"].set_text(f"∂ score[{target}] / ∂ pixels")
        self._scale.set_text(f"red raises it, blue lowers it (±{reach:.3g})")
        for k, (bar, text, p) in enumerate(zip(self._bars, self._percent, shown["probabilities"])):
            bar.set_height(p)
            bar.set_facecolor("tab:blue" if k == shown["predicted"] else
                              "tab:green" if k == shown["label"] else "lightgrey")
            bar.set_linewidth(2 if k == target else 0)
            text.set_position((k, p + 0.01))
            text.set_text(f"{100 * p:.0f}%" if p >= 0.005 else "")
        verdict = "right" if shown["predicted"] == shown["label"] else f"wrong: it is a {shown['label']}"
        self._titles["bars"].set_text(f"predicted {shown['predicted']} "
                                      f"({100 * shown['probabilities'][shown['predicted']]:.0f}%), {verdict}")


def _mosaic(filters):
    """The panels, and their rows' heights: digit, saliency map and probability bars on top, the feature maps below."""
    return [["digit", "saliency", "bars", "bars"], ["maps"] * 4], [2.5, 1.1 * -(-filters // PER_ROW)]


def _checked_data(params, X, y):
    """(W1, b1, W2, b2, X, y) as float copies, after checking the shapes the network of 06 needs."""
    if not isinstance(params, dict) or not {"W1", "b1", "W2", "b2"} <= set(params):
        raise ValueError("saliency_explorer needs params with the keys W1, b1, W2 and b2, as train_cnn returns them")
    X, y = np.array(X, dtype=float), np.array(y)
    if X.ndim != 4 or X.shape[1:] != (1, SIDE, SIDE) or not len(X):
        raise ValueError(f"X_test has shape {X.shape}; saliency_explorer needs digits of shape (N, 1, 8, 8)")
    if y.shape != (len(X),) or y.dtype.kind not in "iu" or y.min() < 0 or y.max() >= CLASSES:
        raise ValueError(f"y_test ({y.dtype} of shape {y.shape}) should hold one label 0-9 per digit of X_test")
    W1, b1, W2, b2 = (np.array(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
    f = W1.shape[0] if W1.ndim == 4 else 0
    expected = {"W1": (f, 1, 3, 3), "b1": (f,), "W2": (f * (SIDE // 2) ** 2, CLASSES), "b2": (CLASSES,)}
    for key, value in zip(expected, (W1, b1, W2, b2)):
        if not f or value.shape != expected[key]:
            raise ValueError(f"params['{key}'] has shape {value.shape}; the network of F filters needs "
                             f"W1 (F, 1, 3, 3), b1 (F,), W2 (F·16, 10) and b2 (10,)")
    return W1, b1, W2, b2, X, y.astype(int)


def saliency_explorer(params, X_test, y_test, *, conv_forward, conv_backward, relu_forward, relu_backward,
                      pool_forward, pool_backward, affine_forward, affine_backward):
    """Pick a test digit and a class; see the feature maps, the probabilities and the class score's gradient
    with respect to the pixels, all by the student's own layers (nothing while grading).

    params: {'W1': (F, 1, 3, 3), 'b1': (F,), 'W2': (F·16, 10), 'b2': (10,)}, as train_cnn returns it;
    X_test (N, 1, 8, 8), y_test (N,) int. The layers: the network's forward functions -> (out, cache),
    conv_backward and affine_backward -> (dx, dw, db), relu_backward and pool_backward -> dx.
    """
    if grading():
        return None
    layers = {"conv_forward": conv_forward, "relu_forward": relu_forward, "pool_forward": pool_forward,
              "affine_forward": affine_forward, "affine_backward": affine_backward, "pool_backward": pool_backward,
              "relu_backward": relu_backward, "conv_backward": conv_backward}  # in RETURNS' order, as they run
    for role, fn in layers.items():
        if not callable(fn):
            raise TypeError(f"saliency_explorer's {role} should be one of your functions, not a {type(fn).__name__}")
    return SaliencyExplorer(params, X_test, y_test, layers)
