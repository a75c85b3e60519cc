"""A fast convolution layer: im2col and col2im by a loop over the kernel offsets, then one matmul.

x: (N, C, H, W), w: (F, C, HH, WW), b: (F,), conv_param = {'stride', 'pad'} (zero padding);
out: (N, F, H_out, W_out) with H_out = 1 + (H + 2 pad - HH) // stride.
The loop runs HH * WW times, each step copying one strided slice for every output position at
once; measured on 2 cores this is as fast as PyTorch's CPU float64 convolution.
"""
import numpy as np


def _geometry(x_shape, w_shape, conv_param):
    s, p = conv_param["stride"], conv_param["pad"]
    (_, _, h, w), (_, _, hh, ww) = x_shape, w_shape
    return s, p, 1 + (h + 2 * p - hh) // s, 1 + (w + 2 * p - ww) // s


def _im2col(x, p, hh, ww, s, ho, wo):
    """cols (C, HH, WW, N, H_out, W_out): cols[c, i, j, n] is what kernel entry (c, i, j) meets."""
    n, c, h, w = x.shape
    # padded once, channels first, so that every slice below is read from contiguous rows
    xt = np.zeros((c, n, h + 2 * p, w + 2 * p))
    xt[:, :, p:p + h, p:p + w] = x.transpose(1, 0, 2, 3)
    cols = np.empty((c, hh, ww, n, ho, wo))
    for i in range(hh):
        for j in range(ww):
            cols[:, i, j] = xt[:, :, i:i + s * (ho - 1) + 1:s, j:j + s * (wo - 1) + 1:s]
    return cols


def _col2im(dcols, xp_shape, s):
    """dxp (N, C, Hp, Wp): the sum of every column entry back at the input position it came from."""
    c, hh, ww, n, ho, wo = dcols.shape
    dxt = np.zeros((xp_shape[1], xp_shape[0]) + xp_shape[2:])
    for i in range(hh):
        for j in range(ww):
            # one offset touches each input position at most once, so += on the slice is exact
            dxt[:, :, i:i + s * (ho - 1) + 1:s, j:j + s * (wo - 1) + 1:s] += dcols[:, i, j]
    return dxt.transpose(1, 0, 2, 3)


def conv_forward_fast(x, w, b, conv_param):
    """out (N, F, H_out, W_out); cache = (x, w, b, conv_param, cols)."""
    s, p, ho, wo = _geometry(x.shape, w.shape, conv_param)
    cols = _im2col(x, p, w.shape[2], w.shape[3], s, ho, wo)
    out = w.reshape(w.shape[0], -1) @ cols.reshape(-1, x.shape[0] * ho * wo)
    out = out.reshape(w.shape[0], x.shape[0], ho, wo).transpose(1, 0, 2, 3) + b[None, :, None, None]
    return out, (x, w, b, conv_param, cols)


def conv_backward_fast(dout, cache):
    """(dx, dw, db) with the shapes of x, w, b, from the cached columns."""
    x, w, b, conv_param, cols = cache
    s, p, ho, wo = _geometry(x.shape, w.shape, conv_param)
    f = w.shape[0]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(f, -1)
    dw = (dout_rows @ cols.reshape(-1, dout_rows.shape[1]).T).reshape(w.shape)
    dcols = (w.reshape(f, -1).T @ dout_rows).reshape(cols.shape)
    h, wd = x.shape[2:]
    dxp = _col2im(dcols, (x.shape[0], x.shape[1], h + 2 * p, wd + 2 * p), s)
    return dxp[:, :, p:p + h, p:p + wd], dw, dout.sum(axis=(0, 2, 3))
