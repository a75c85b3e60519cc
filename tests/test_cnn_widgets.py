"""Check the saliency explorer of 06: the numbers it shows are the network's, the saliency map is the chosen
class score's gradient, the class buttons choose the class, and a broken student function is named, not raised."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.cnn_widgets import CONV_PARAM, POOL_PARAM, SaliencyExplorer, saliency_explorer
from course.gradcheck import five_point_gradient, rel_error
from explorer_cases import MISTAKEN, cnn_network, network_scores
from test_explorer_pictures import full_draw, shown_pixels


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    yield
    plt.close("all")


def explorer(**replaced):
    """The saliency explorer on the trained network, with some of the reference layers replaced."""
    params, X, y, layers = cnn_network()
    return saliency_explorer(params, X, y, **{**layers, **replaced})


def reference(x, target):
    """(pooled maps (F, 4, 4), scores (10,), d score[target] / d x (8, 8)) of one digit x (1, 1, 8, 8), computed
    here from the reference layers."""
    params, _, _, layers = cnn_network()
    a = layers["conv_forward"](x, params["W1"], params["b1"], CONV_PARAM)[0]
    maps = layers["pool_forward"](np.maximum(a, 0), POOL_PARAM)[0]
    scores, backward = network_scores(layers, params, x)
    upstream = np.zeros((1, 10))
    upstream[0, target] = 1.0
    return maps[0], scores[0], backward(upstream)[0][0, 0]


@pytest.mark.parametrize("digit, choice", [(0, "true"), (MISTAKEN, "predicted"), (MISTAKEN, "true"), (41, 7),
                                           (299, 0)])
def test_explorer_shows_the_networks_maps_scores_probabilities_and_gradient(digit, choice):
    """Check every number shown against the reference network: maps, scores, softmax, prediction, saliency."""
    ex = explorer()
    ex.controls["digit"].value, ex.controls["class"].value = digit, choice
    _, X, y, _ = cnn_network()
    x = X[digit:digit + 1]
    _, scores, _ = reference(x, 0)
    predicted = int(np.argmax(scores))
    target = {"true": int(y[digit]), "predicted": predicted}.get(choice, choice)
    maps, scores, saliency = reference(x, target)
    shown = ex.shown
    assert (shown["digit"], shown["label"], shown["predicted"], shown["target"]) == (digit, y[digit], predicted, target)
    assert np.array_equal(shown["image"], X[digit, 0])
    assert rel_error(shown["maps"], maps) < 1e-12 and rel_error(shown["scores"], scores) < 1e-12
    assert shown["score"] == pytest.approx(scores[target], rel=1e-12)
    assert rel_error(shown["probabilities"], np.exp(scores) / np.exp(scores).sum()) < 1e-12
    assert rel_error(shown["saliency"], saliency) < 1e-12
    peak = np.unravel_index(np.argmax(np.abs(saliency)), (8, 8))
    assert shown["peak"] == peak and shown["peak_gradient"] == pytest.approx(saliency[peak], rel=1e-12)
    text = ex.numbers.value
    assert f"test digit = {digit}; label = {y[digit]}; predicted = {predicted}; class = {target};" in text


@pytest.mark.parametrize("digit", [3, MISTAKEN, 250])
def test_saliency_map_is_the_numerical_gradient_of_the_chosen_score(digit):
    """Check the saliency map against five-point differences of the class score in every pixel (h = 1e-5).

    The digits' blank margins make equal ReLU outputs in a pooling window, where the max has no
    derivative (the gradient goes to the first), so the digits get a little noise first: no ties.
    """
    params, X, y, layers = cnn_network()
    X = X + np.random.default_rng(digit).uniform(0, 0.01, X.shape)
    ex = saliency_explorer(params, X, y, **layers)
    ex.controls["digit"].value = digit
    for choice in ("predicted", 5):
        ex.controls["class"].value = choice
        target = ex.shown["target"]
        numerical = five_point_gradient(lambda x, k=target: network_scores(layers, params, x)[0][0, k],
                                        X[digit:digit + 1], h=1e-5)
        assert rel_error(ex.shown["saliency"], numerical[0, 0]) < 1e-8, (digit, target)


def test_the_class_buttons_pick_the_label_the_prediction_or_any_digit():
    """Check that 'true label' and 'predicted' differ on a digit the network gets wrong, and that 0-9 pick those."""
    ex = explorer()
    ex.controls["digit"].value = MISTAKEN
    _, _, y, _ = cnn_network()
    ex.controls["class"].value = "predicted"
    assert ex.shown["target"] == ex.shown["predicted"] != y[MISTAKEN]  # the moves of explorer_cases need this
    assert ex._titles["bars"].get_text().endswith(f"wrong: it is a {y[MISTAKEN]}")
    ex.controls["class"].value = "true"
    assert ex.shown["target"] == y[MISTAKEN]
    for k in range(10):
        ex.controls["class"].value = k
        assert ex.shown["target"] == k
        assert ex._titles["saliency"].get_text() == f"∂ score[{k}] / ∂ pixels"
        assert [bar.get_linewidth() for bar in ex._bars] == [2 if j == k else 0 for j in range(10)]
    assert [label for label, _ in ex.controls["class"].options] == ["true label", "predicted", *"0123456789"]


def test_the_explorer_calls_only_the_students_layers_on_copies():
    """Check that every number comes from the layers passed in, on copies: X_test and params stay as they were."""
    params, X, y, layers = cnn_network()
    before = {k: v.copy() for k, v in params.items()}, X.copy()
    called = []

    def spy(role):
        def run(*args):
            called.append(role)
            for a in args:
                if isinstance(a, np.ndarray):
                    a[...] = a  # a write that changes nothing, but would fail on a read-only view
            return layers[role](*args)
        run.__name__ = role
        return run
    ex = saliency_explorer(params, X, y, **{role: spy(role) for role in layers})
    ex.controls["digit"].value = 5
    assert called[-8:] == ["conv_forward", "relu_forward", "pool_forward", "affine_forward", "affine_backward",
                           "pool_backward", "relu_backward", "conv_backward"]
    assert all(np.array_equal(params[k], v) for k, v in before[0].items()) and np.array_equal(X, before[1])


def broken_relu_forward(x):
    out = np.maximum(x, 0)
    return out, out[:, :, 8]  # IndexError: the maps are 8 wide


def only_out(x, pool_param):
    return cnn_network()[3]["pool_forward"](x, pool_param)[0]


def wrong_shape(dout, cache):
    return cnn_network()[3]["relu_backward"](dout, cache)[:, :1]


def in_a_tuple(dout, cache):
    return (cnn_network()[3]["pool_backward"](dout, cache),)


def stub(dout, cache):
    raise NotImplementedError()


def nan_scores(x, w, b):
    out, cache = cnn_network()[3]["affine_forward"](x, w, b)
    return out * np.nan, cache


@pytest.mark.parametrize("replaced, says", [
    ({"relu_forward": broken_relu_forward},
     "broken_relu_forward raised IndexError: index 8 is out of bounds for axis 2 with size 8 "
     "(at `return out, out[:, :, 8]  # IndexError: the maps are 8 wide`); fix broken_relu_forward and run this"),
    ({"pool_forward": only_out}, "only_out returned an array of shape (1, 8, 4, 4); it should return (out, cache)."),
    ({"relu_backward": wrong_shape}, "wrong_shape returned dx of shape (1, 1, 8, 8) for one digit; "
                                     "the network needs shape (1, 8, 8, 8)."),
    ({"pool_backward": in_a_tuple}, "in_a_tuple returned a tuple of 1 as dx; it should be a NumPy array of floats."),
    ({"conv_backward": stub}, "write stub to see the feature maps, the probabilities and the saliency map."),
    ({"affine_forward": nan_scores}, "nan_scores returned nan or inf values for test digit 0."),
])
def test_a_broken_function_is_named_in_the_picture_not_raised(replaced, says):
    """Check that a raising, unwritten or wrongly returning layer gives the explorer a message naming it."""
    ex = explorer(**replaced)
    assert isinstance(ex, SaliencyExplorer) and says in ex.shown["message"], ex.shown["message"]
    assert ex._message.get_visible() and ex._message.get_text() == ex.shown["message"]
    assert not ex._saliency.get_visible() and not any(bar.get_visible() for bar in ex._bars)
    assert ex._titles["digit"].get_text() == f"test digit 0: a {cnn_network()[2][0]}"  # the digit still shows
    ex.controls["digit"].value = 1
    assert says.replace("digit 0", "digit 1") in ex.shown["message"]


def test_data_the_network_cannot_take_is_refused_with_a_reason():
    """Check that params, X_test and y_test of the wrong kind or shape are refused at once, saying what is wrong."""
    params, X, y, layers = cnn_network()
    with pytest.raises(ValueError, match=r"params\['W2'\] has shape \(64, 10\)"):
        saliency_explorer({**params, "W2": params["W2"][:64]}, X, y, **layers)
    with pytest.raises(ValueError, match="the keys W1, b1, W2 and b2"):
        saliency_explorer([params], X, y, **layers)
    with pytest.raises(ValueError, match=r"X_test has shape \(300, 64\)"):
        saliency_explorer(params, X.reshape(300, 64), y, **layers)
    with pytest.raises(ValueError, match="one label 0-9 per digit"):
        saliency_explorer(params, X, y[:-1], **layers)
    with pytest.raises(TypeError, match="relu_forward should be one of your functions"):
        saliency_explorer(params, X, y, **{**layers, "relu_forward": None})


def test_a_message_comes_and_goes_in_the_picture_as_a_full_draw_shows_it():
    """Check the picture, quick update against a full draw, as a layer that fails on one digit only comes and goes."""
    conv_forward = cnn_network()[3]["conv_forward"]

    def fails_on_digit_1(x, w, b, conv_param):
        if np.array_equal(x, cnn_network()[1][1:2]):
            raise ValueError("not this one")
        return conv_forward(x, w, b, conv_param)
    ex = explorer(conv_forward=fails_on_digit_1)
    for digit in (1, 2, 1, 0):
        ex.controls["digit"].value = digit
        assert ("message" in ex.shown) == (digit == 1)
        differ = (np.abs(shown_pixels(ex.picture) - full_draw(ex.picture)).max(axis=2) > 40).sum()
        assert differ <= 10, f"digit {digit}: {differ} pixels differ from a full draw"
