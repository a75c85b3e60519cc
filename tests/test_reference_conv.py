"""Check the convolution reference: numerical gradients, the flip identity, loops, and the fast form."""
import numpy as np
import pytest

from autograder.reference import conv as ref
from autograder.reference.im2col import conv_backward_fast, conv_forward_fast
from course.gradcheck import assert_close, check_backward

rng = np.random.default_rng(5)
CASES = [((2, 3, 7, 6), (4, 3, 2), 1, 0), ((2, 2, 9, 7), (3, 3, 3), 2, 1), ((1, 3, 8, 10), (2, 2, 3), 3, 2),
         ((2, 1, 5, 6), (2, 3, 3), 2, 0), ((1, 2, 4, 4), (3, 1, 1), 1, 2)]


def _layer(shape, kernel):
    c, (f, hh, ww) = shape[1], kernel
    return rng.standard_normal(shape), rng.standard_normal((f, c, hh, ww)), rng.standard_normal(f)


@pytest.mark.parametrize("shape, kernel, stride, pad", CASES)
def test_both_backward_forms_match_numerical_gradients(shape, kernel, stride, pad):
    """Check naive and flip-form backward entry by entry, for strides 1-3 and pads 0-2."""
    x, w, b = _layer(shape, kernel)
    param = ({"stride": stride, "pad": pad},)
    for backward in (ref.conv_backward_naive, ref.conv_backward_flip):
        check_backward(ref.conv_forward_naive, backward, [x, w, b], ["dx", "dw", "db"], params=param, tol=1e-8)


def _loops(x, w, b, s, p):
    """The four loops of the lesson: out, and the backward of a given dout."""
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    f = w.shape[0]
    ho, wo = 1 + (xp.shape[2] - w.shape[2]) // s, 1 + (xp.shape[3] - w.shape[3]) // s
    out = np.zeros((x.shape[0], f, ho, wo))
    for n, f, i, j in np.ndindex(out.shape):
        out[n, f, i, j] = np.sum(xp[n, :, i * s:i * s + w.shape[2], j * s:j * s + w.shape[3]] * w[f]) + b[f]
    return out


@pytest.mark.parametrize("shape, kernel, stride, pad", CASES)
def test_fast_forward_equals_loops(shape, kernel, stride, pad):
    """Check the im2col forward against plain loops, non-square kernels included."""
    x, w, b = _layer(shape, kernel)
    assert_close("out", ref.conv_forward_naive(x, w, b, {"stride": stride, "pad": pad})[0],
                 _loops(x, w, b, stride, pad), 1e-12)


def test_fast_backward_reuses_its_columns():
    """Check conv_backward_fast from the forward's cache equals the reference layer."""
    x, w, b = _layer((3, 4, 10, 9), (5, 3, 2))
    param = {"stride": 2, "pad": 1}
    out, cache = conv_forward_fast(x, w, b, param)
    dout = rng.standard_normal(out.shape)
    for name, fast, slow in zip("xwb", conv_backward_fast(dout, cache), ref.conv_backward_flip(dout, cache[:4])):
        assert_close("d" + name, fast, slow, 1e-10)


def test_corr2d_backward_flips_the_kernel():
    """Check corr2d_backward on the lesson's tiny example and numerically."""
    x, k = np.arange(1.0, 10.0).reshape(3, 3), np.array([[1.0, 2.0], [3.0, 4.0]])
    d = np.array([[1.0, -1.0], [2.0, 0.5]])
    dx, dk = ref.corr2d_backward(d, x, k)
    assert dx[0, 0] == 1.0 and dx[1, 1] == 4 * 1 + 3 * -1 + 2 * 2 + 1 * 0.5
    assert_close("dk", dk, np.array([[9.5, 12.0], [17.0, 19.5]]), 1e-12)
    check_backward(lambda x, k: (ref.corr2d(x, k), (x, k)), lambda d, c: ref.corr2d_backward(d, *c),
                   [rng.standard_normal((5, 6)), rng.standard_normal((3, 2))], ["dx", "dk"], tol=1e-9)
