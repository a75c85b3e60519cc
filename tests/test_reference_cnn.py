"""Check that the reference of 06_train_a_cnn keeps its contract: fast convolution, gradients, momentum, training, data.

The digits (source/06_train_a_cnn/digits.npz) are the UCI "Optical Recognition of Handwritten Digits" data
set, E. Alpaydin and C. Kaynak, 1998, licensed CC BY 4.0: the 1,797 8x8 images of its test part, as
scikit-learn 1.9.1 ships them in sklearn/datasets/data/digits.csv.gz, stored as uint8 pixel values 0-16
(`images`, (1797, 8, 8)) and int64 labels (`labels`, (1797,)) in the file's order, not shuffled.
"""
import hashlib
import time
import warnings
from importlib import import_module
from types import ModuleType

import numpy as np
import pytest

from autograder import reference
from autograder.probes import cnn as cnn_probes
from autograder.reference import cnn as ref
from autograder.reference import conv
from course.data import DIGITS_COUNT, DIGITS_TRAIN, digits
from course.gradcheck import assert_close, check_backward, check_gradient, five_point_gradient

rng = np.random.default_rng(6)
CASES = [((2, 3, 7, 6), (4, 3, 2), 1, 0), ((3, 2, 9, 7), (3, 3, 3), 2, 1), ((1, 3, 8, 10), (2, 2, 3), 3, 2),
         ((2, 1, 5, 6), (2, 3, 3), 2, 0), ((4, 1, 8, 8), (8, 3, 3), 1, 1)]
IMAGES_SHA256 = "8f26b2bd9d135c256808f68f14fdabddde6d9c7f869ae419704b051f0f14b3b3"
LABELS_SHA256 = "a3c91c262eddcf7ba8f0e37507c30284493c9b20412ffe4af30d536401f7ba21"


def _layer(shape, kernel):
    c, (f, hh, ww) = shape[1], kernel
    return rng.standard_normal(shape), rng.standard_normal((f, c, hh, ww)), rng.standard_normal(f)


def _loops(x, w, b, s, p, dout):
    """The four loops of 05's naive layer, written out here: out, and dx, dw, db for dout."""
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    hh, ww = w.shape[2:]
    out, dxp, dw = np.zeros(dout.shape), np.zeros(xp.shape), np.zeros(w.shape)
    for n, f, i, j in np.ndindex(dout.shape):
        window = (n, slice(None), slice(i * s, i * s + hh), slice(j * s, j * s + ww))
        out[n, f, i, j] = np.sum(xp[window] * w[f]) + b[f]
        dxp[window] += w[f] * dout[n, f, i, j]
        dw[f] += xp[window] * dout[n, f, i, j]
    return out, dxp[:, :, p:p + x.shape[2], p:p + x.shape[3]], dw, dout.sum(axis=(0, 2, 3))


@pytest.mark.parametrize("shape, kernel, stride, pad", CASES)
def test_fast_convolution_equals_the_loops_and_the_flip_form_within_1e_10(shape, kernel, stride, pad):
    """Check that conv_*_fast give the four loops' out, dx, dw, db, and the reference's naive and flip forms."""
    x, w, b = _layer(shape, kernel)
    param = {"stride": stride, "pad": pad}
    out, cache = ref.conv_forward_fast(x, w, b, param)
    dout = rng.standard_normal(out.shape)
    fast = (out, *ref.conv_backward_fast(dout, cache))
    for name, got, want in zip(("out", "dx", "dw", "db"), fast, _loops(x, w, b, stride, pad, dout)):
        assert_close(name, got, want, 1e-10)
    naive_out, naive_cache = conv.conv_forward_naive(x, w, b, param)
    assert_close("out", out, naive_out, 1e-10)
    for name, got, naive, flip in zip(("dx", "dw", "db"), fast[1:], conv.conv_backward_naive(dout, naive_cache),
                                      conv.conv_backward_flip(dout, naive_cache)):
        assert_close(name, got, naive, 1e-10)
        assert_close(name, got, flip, 1e-10)


def test_fast_convolution_passes_numerical_checks():
    """Check conv_backward_fast entry by entry against numerical gradients, at stride 2 with padding."""
    x, w, b = _layer((2, 2, 5, 6), (3, 3, 2))
    check_backward(ref.conv_forward_fast, ref.conv_backward_fast, [x, w, b], ["dx", "dw", "db"],
                   params=({"stride": 2, "pad": 1},), tol=1e-8)


def test_relu_sends_no_gradient_at_or_below_zero():
    """Check ReLU on exact zeros (gradient 0 there), numerically elsewhere, and that it leaves x alone."""
    x = np.array([[-1.5, 0.0, 2.0], [0.0, 3.0, -0.0]])
    kept = x.copy()
    out, cache = ref.relu_forward(x)
    dx = ref.relu_backward(np.full(x.shape, 7.0), cache)
    assert np.array_equal(out, [[0.0, 0.0, 2.0], [0.0, 3.0, 0.0]]) and np.array_equal(x, kept)
    assert np.array_equal(dx, [[0.0, 0.0, 7.0], [0.0, 7.0, 0.0]])
    away = rng.standard_normal((3, 4, 5))
    away += 0.1 * np.sign(away)
    check_backward(ref.relu_forward, ref.relu_backward, [away], ["dx"], tol=1e-9)


def test_softmax_loss_matches_the_hand_example_and_numerical_gradients():
    """Check the 3-class example's (p - onehot)/N, and dscores numerically on random scores."""
    scores, y = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), np.array([2, 0])
    p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss, dscores = ref.softmax_loss(scores, y)
    assert isinstance(loss, float) and abs(loss - -np.mean(np.log(p[[0, 1], y]))) < 1e-15
    assert_close("dscores", dscores, (p - np.eye(3)[y]) / 2, 1e-14)
    scores, y = rng.standard_normal((5, 7)), rng.integers(0, 7, 5)
    check_gradient("dscores", ref.softmax_loss(scores, y)[1], lambda s: ref.softmax_loss(s, y)[0], scores, tol=1e-9)


def test_softmax_loss_is_stable_at_scores_of_1e4():
    """Check that |scores| up to 1e4 give a finite loss and gradient with no warning, as log-sum-exp says."""
    scores = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4 + 3, -1e4 + 1], [5e3, 5e3, -1e4]])
    y = np.array([1, 1, 0])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        loss, dscores = ref.softmax_loss(scores, y)
    logsumexp = np.log(np.exp(scores - scores.max(axis=1, keepdims=True)).sum(axis=1)) + scores.max(axis=1)
    assert abs(loss - np.mean(logsumexp - scores[[0, 1, 2], y])) < 1e-9 * loss
    assert np.all(np.isfinite(dscores)) and np.allclose(dscores.sum(axis=1), 0.0, atol=1e-15)


def _params(f=3):
    return {"W1": rng.standard_normal((f, 1, 3, 3)) * 0.5, "b1": rng.standard_normal(f) * 0.1,
            "W2": rng.standard_normal((f * 16, 10)) * 0.3, "b2": rng.standard_normal(10) * 0.1}


def test_cnn_loss_gradient_of_every_parameter_is_numerically_right():
    """Check cnn_loss's scores without y, and its grads (every parameter, every entry) against the loss."""
    # random pixels, not digits: a digit's blank corners put conv outputs at exactly b1, maybe at ReLU's kink
    params, X, y = _params(), rng.uniform(0, 1, (4, 1, 8, 8)), np.array([5, 0, 9, 3])
    scores = ref.cnn_loss(params, X)
    assert scores.shape == (4, 10) and abs(ref.cnn_loss(params, X, y)[0] - ref.softmax_loss(scores, y)[0]) < 1e-15
    loss, grads = ref.cnn_loss(params, X, y)
    assert grads.keys() == params.keys() and all(grads[k].shape == params[k].shape for k in params)
    for key in params:  # a small step: hundreds of conv outputs lie near ReLU's kink, which a step must not cross
        numerical = five_point_gradient(lambda v, key=key: ref.cnn_loss({**params, key: v}, X, y)[0], params[key],
                                        h=1e-5)
        assert_close(key, grads[key], numerical, 1e-8)


def test_sgd_momentum_carries_its_velocity_and_changes_nothing_it_is_given():
    """Check v = momentum v - lr dw from zeros, the defaults, two steps in a row, and unmodified w and config."""
    w, dw = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    config = {"learning_rate": 0.1, "momentum": 0.5}
    kept_w, kept_config = w.copy(), dict(config)
    w1, c1 = ref.sgd_momentum(w, dw, config)
    assert config == kept_config and np.array_equal(w, kept_w) and c1 is not config
    assert_close("velocity", c1["velocity"], -0.1 * dw, 1e-15)
    assert_close("next_w", w1, w - 0.1 * dw, 1e-15)
    v_before = c1["velocity"].copy()
    w2, c2 = ref.sgd_momentum(w1, dw, c1)
    assert np.array_equal(c1["velocity"], v_before)
    assert_close("velocity", c2["velocity"], 0.5 * v_before - 0.1 * dw, 1e-15)
    assert_close("next_w", w2, w1 + 0.5 * v_before - 0.1 * dw, 1e-15)
    w3, c3 = ref.sgd_momentum(w, dw, {})
    assert c3["learning_rate"] == 1e-2 and c3["momentum"] == 0.9
    assert_close("next_w", w3, w - 1e-2 * dw, 1e-15)


def test_train_cnn_with_its_defaults_reaches_97_percent_quickly_and_repeatably():
    """Check the contract's 97% on the course's test split, in seconds, the same twice, another seed not."""
    X_train, y_train, X_test, y_test = digits(cnn_probes.DIGITS)
    start = time.perf_counter()
    params, losses = ref.train_cnn(X_train, y_train)
    seconds = time.perf_counter() - start
    accuracy = np.mean(ref.cnn_predict(params, X_test) == y_test)
    assert accuracy >= 0.97 and seconds < 15, (accuracy, seconds)
    assert len(losses) == 20 * -(-DIGITS_TRAIN // 50) and all(isinstance(v, float) for v in losses)
    assert np.mean(losses[-40:]) < 0.2 * np.mean(losses[:40])
    again = ref.train_cnn(X_train[:200], y_train[:200], 4, 2, 16, 0.05, seed=3)
    same = ref.train_cnn(X_train[:200], y_train[:200], 4, 2, 16, 0.05, seed=3)
    other = ref.train_cnn(X_train[:200], y_train[:200], 4, 2, 16, 0.05, seed=4)
    assert again[1] == same[1] and all(np.array_equal(again[0][k], same[0][k]) for k in params)
    assert again[1] != other[1]
    assert ref.cnn_predict(params, X_test).dtype.kind == "i"


def test_digits_are_the_uci_set_by_checksum_and_split_as_the_contract_says():
    """Check the stored arrays' sha256 (this module's docstring has their provenance) and the fixed split."""
    with np.load(cnn_probes.DIGITS) as stored:
        images, labels = stored["images"], stored["labels"]
    assert hashlib.sha256(images.tobytes()).hexdigest() == IMAGES_SHA256
    assert hashlib.sha256(labels.tobytes()).hexdigest() == LABELS_SHA256
    assert images.shape == (DIGITS_COUNT, 8, 8) and images.max() == 16 and np.bincount(labels).min() >= 170
    X_train, y_train, X_test, y_test = digits(cnn_probes.DIGITS)
    order = np.random.default_rng(0).permutation(DIGITS_COUNT)
    assert np.array_equal(X_test[:, 0] * 16, images[order[DIGITS_TRAIN:]]) and np.array_equal(y_train,
                                                                                             labels[order[:1497]])
    assert X_train.dtype == np.float64 and X_train.shape == (1497, 1, 8, 8) and X_test.max() == 1.0


def test_06_regrades_the_earlier_layers_as_the_very_same_functions():
    """Check that 06's affine, max-pool and fast conv are those of 03, 04 and 05's engine: one implementation each."""
    graded = reference.graded(ref)
    assert set(ref.REGRADED) <= set(graded) and "_init_params" not in graded
    for name in ref.REGRADED:
        f = graded[name]
        assert f.__module__ != ref.__name__ and getattr(import_module(f.__module__), name) is f
        assert getattr(reference, name, f) is f


def test_the_flat_namespace_refuses_two_implementations_under_one_name():
    """Check that a name two modules define differently is refused, and a REGRADED import is not."""
    first, second, again = (ModuleType(name) for name in ("first", "second", "again"))
    exec("def relu_forward(x):\n    return x\n", vars(first))
    exec("def relu_forward(x):\n    return -x\n", vars(second))
    vars(again).update(relu_forward=first.relu_forward, REGRADED=("relu_forward",))
    assert reference._flat([first, again]) == {"relu_forward": first.relu_forward}
    assert reference.graded(ModuleType("plain")) == {}
    with pytest.raises(ImportError, match="two implementations"):
        reference._flat([first, second])
