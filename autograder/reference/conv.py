"""Reference solutions of 05_conv_backprop ("convolution" is cross-correlation, as in CNNs).

Single channel: x (H, W), k (kh, kw). Layers: x (N, C, H, W), w (F, C, HH, WW), b (F,),
conv_param = {'stride', 'pad'}; cache = (x, w, b, conv_param). The layer functions use the fast
im2col form; conv_backward_flip computes the same gradients by the flipped-kernel identity.
"""
import numpy as np

from .im2col import conv_backward_fast, conv_forward_fast


def corr2d(x, k):
    """out (H - kh + 1, W - kw + 1): valid cross-correlation of x with k."""
    out, _ = conv_forward_fast(x[None, None], k[None, None], np.zeros(1), {"stride": 1, "pad": 0})
    return out[0, 0]


def corr2d_backward(dout, x, k):
    """(dx, dk): dx = full correlation of dout with k rotated by 180 degrees, dk = corr2d(x, dout)."""
    kh, kw = k.shape
    padded = np.pad(dout, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    return corr2d(padded, k[::-1, ::-1]), corr2d(x, dout)


def conv_forward_naive(x, w, b, conv_param):
    """out (N, F, H_out, W_out), H_out = 1 + (H + 2 pad - HH) // stride."""
    out, _ = conv_forward_fast(x, w, b, conv_param)
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    """(dx, dw, db) with the shapes of x, w, b."""
    x, w, b, conv_param = cache
    return conv_backward_fast(dout, conv_forward_fast(x, w, b, conv_param)[1])


def _dilate(dout, s):
    """dout with s - 1 zeros between neighbouring entries along the last two axes."""
    n, f, ho, wo = dout.shape
    out = np.zeros((n, f, s * (ho - 1) + 1, s * (wo - 1) + 1))
    out[:, :, ::s, ::s] = dout
    return out


def conv_backward_flip(dout, cache):
    """(dx, dw, db) by the identities: dx = full correlation of the dilated dout with rotated kernels,
    dw = correlation of the padded input with the dilated dout, db = sum of dout."""
    x, w, b, conv_param = cache
    s, p = conv_param["stride"], conv_param["pad"]
    (c, h, wd), (hh, ww) = x.shape[1:], w.shape[2:]
    dd = _dilate(dout, s)
    unit = {"stride": 1, "pad": 0}
    full = np.pad(dd, ((0, 0), (0, 0), (hh - 1, hh - 1), (ww - 1, ww - 1)))
    dxp = conv_forward_fast(full, w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3), np.zeros(c), unit)[0]
    # rows and columns the last window never reached (H + 2 pad - HH not a multiple of stride) get 0
    dxp = np.pad(dxp, ((0, 0), (0, 0), (0, h + 2 * p - dxp.shape[2]), (0, wd + 2 * p - dxp.shape[3])))
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dw = np.empty(w.shape)
    for i in range(hh):  # kernel offsets, not output positions: dd would make those the kernel
        for j in range(ww):
            window = xp[:, :, i:i + dd.shape[2], j:j + dd.shape[3]]
            dw[:, :, i, j] = np.tensordot(dd, window, axes=([0, 2, 3], [0, 2, 3]))
    return dxp[:, :, p:p + h, p:p + wd], dw, dout.sum(axis=(0, 2, 3))
