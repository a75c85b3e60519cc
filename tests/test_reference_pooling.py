"""Check the vectorised pooling reference against numerical gradients, loops, and the contract."""
import numpy as np
import pytest

from autograder.reference import pooling as ref
from course.gradcheck import assert_close, check_backward

rng = np.random.default_rng(4)
PARAMS = [(2, 2, 2), (3, 2, 2), (2, 3, 1), (3, 3, 2), (1, 3, 2), (4, 4, 1)]


def _param(ph, pw, s):
    return {"pool_height": ph, "pool_width": pw, "stride": s}


def _distinct(shape):
    return rng.permutation(int(np.prod(shape))).reshape(shape) * 0.01


@pytest.mark.parametrize("ph, pw, s", PARAMS)
def test_backward_passes_match_numerical_gradients(ph, pw, s):
    """Check both backward passes entry by entry, overlapping windows and odd sizes included."""
    x = _distinct((2, 2, 7, 6))
    check_backward(ref.avg_pool_forward, ref.avg_pool_backward, [x], ["dx"], params=(_param(ph, pw, s),), tol=1e-9)
    check_backward(ref.max_pool_forward, ref.max_pool_backward, [x], ["dx"], params=(_param(ph, pw, s),), tol=1e-9)


def _loops(x, ph, pw, s, dout):
    """Four nested loops, the way the lesson derives it: avg dx, max dx (first maximum on ties)."""
    avg, mx = np.zeros(x.shape), np.zeros(x.shape)
    for n, c, i, j in np.ndindex(dout.shape):
        window = x[n, c, i * s:i * s + ph, j * s:j * s + pw]
        avg[n, c, i * s:i * s + ph, j * s:j * s + pw] += dout[n, c, i, j] / (ph * pw)
        r, q = divmod(int(np.argmax(window)), pw)
        mx[n, c, i * s + r, j * s + q] += dout[n, c, i, j]
    return avg, mx


@pytest.mark.parametrize("ph, pw, s", PARAMS)
def test_vectorised_backward_equals_loops_with_ties(ph, pw, s):
    """Check the offset-loop backward against plain loops on inputs full of ties."""
    x = rng.integers(0, 3, (2, 3, 8, 7)).astype(float)
    out, cache = ref.max_pool_forward(x, _param(ph, pw, s))
    dout = rng.standard_normal(out.shape)
    avg, mx = _loops(x, ph, pw, s, dout)
    assert_close("avg dx", ref.avg_pool_backward(dout, ref.avg_pool_forward(x, _param(ph, pw, s))[1]), avg, 1e-12)
    assert_close("max dx", ref.max_pool_backward(dout, cache), mx, 1e-12)


def test_output_shapes_follow_the_contract():
    """Check H_out = 1 + (H - pool_height) // stride on non-square inputs."""
    out, _ = ref.avg_pool_forward(np.zeros((2, 3, 9, 6)), _param(3, 2, 2))
    assert out.shape == (2, 3, 4, 3)


def test_kron_upsample_is_the_non_overlapping_avg_backward():
    """Check up(dout) / m == avg_pool_backward when stride equals the window, and np.kron agrees."""
    dout = rng.standard_normal((2, 3, 3, 4))
    _, cache = ref.avg_pool_forward(np.zeros((2, 3, 6, 8)), _param(2, 2, 2))
    assert_close("up / m", ref.kron_upsample(dout, 2, 2) / 4, ref.avg_pool_backward(dout, cache), 1e-12)
    assert_close("up", ref.kron_upsample(dout, 2, 3), np.kron(dout, np.ones((1, 1, 2, 3))), 0.0)


def test_backward_leaves_its_inputs_alone():
    """Check that neither backward writes into dout or the cached x."""
    x = _distinct((1, 2, 5, 5))
    out, cache = ref.max_pool_forward(x, _param(2, 2, 1))
    dout = rng.standard_normal(out.shape)
    kept = dout.copy(), x.copy()
    ref.max_pool_backward(dout, cache)
    ref.avg_pool_backward(dout, ref.avg_pool_forward(x, _param(2, 2, 1))[1])
    assert np.array_equal(dout, kept[0]) and np.array_equal(x, kept[1])
