"""Reference solutions of 04_pooling_backprop, vectorised over every axis.

x: (N, C, H, W); pool_param = {'pool_height', 'pool_width', 'stride'}; no padding;
out: (N, C, H_out, W_out) with H_out = 1 + (H - pool_height) // stride. Windows may overlap.
Every pass loops only over the pool_height * pool_width offsets inside a window, each step
touching every window at once through a strided slice.
"""
import numpy as np


def _geometry(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    ho, wo = 1 + (x.shape[2] - ph) // s, 1 + (x.shape[3] - pw) // s
    return ph, pw, s, ho, wo


def _offsets(x, pool_param):
    """Yield (i, j, view): for each offset (i, j) inside a window, that entry of every window.

    view: (N, C, H_out, W_out), a strided slice of x.
    """
    ph, pw, s, ho, wo = _geometry(x, pool_param)
    for i in range(ph):
        for j in range(pw):
            yield i, j, x[:, :, i:i + s * (ho - 1) + 1:s, j:j + s * (wo - 1) + 1:s]


def _scatter(dout, per_offset, x_shape, pool_param):
    """dx (x_shape) that adds per_offset(i, j) * dout into every window's entry (i, j)."""
    ph, pw, s, ho, wo = _geometry(np.empty(x_shape, dtype=bool), pool_param)
    dx = np.zeros(x_shape)
    for i in range(ph):
        for j in range(pw):
            # one offset hits each input at most once, so += on the strided slice is exact
            dx[:, :, i:i + s * (ho - 1) + 1:s, j:j + s * (wo - 1) + 1:s] += per_offset(i, j) * dout
    return dx


def avg_pool_forward(x, pool_param):
    """out (N, C, H_out, W_out): each window's mean; cache = (x.shape, pool_param)."""
    m = pool_param["pool_height"] * pool_param["pool_width"]
    return sum(view for _, _, view in _offsets(x, pool_param)) / m, (x.shape, pool_param)


def avg_pool_backward(dout, cache):
    """dx (N, C, H, W): every element of a window gets dout / m, summed over overlapping windows."""
    x_shape, pool_param = cache
    m = pool_param["pool_height"] * pool_param["pool_width"]
    return _scatter(dout, lambda i, j: 1.0 / m, x_shape, pool_param)


def _first_max(x, pool_param):
    """(out, where): each window's maximum and the row-major index in the window of its first occurrence."""
    out = where = None
    for i, j, view in _offsets(x, pool_param):
        if out is None:
            out, where = view.copy(), np.zeros(view.shape, dtype=np.intp)
            continue
        better = view > out  # strictly greater: an equal value later in the window does not win
        np.copyto(out, view, where=better)
        np.copyto(where, i * pool_param["pool_width"] + j, where=better)
    return out, where


def max_pool_forward(x, pool_param):
    """out (N, C, H_out, W_out): each window's maximum; cache = (x, pool_param)."""
    return _first_max(x, pool_param)[0], (x, pool_param)


def max_pool_backward(dout, cache):
    """dx (N, C, H, W): dout routed to each window's first maximum in row-major order."""
    x, pool_param = cache
    where = _first_max(x, pool_param)[1]
    pw = pool_param["pool_width"]
    return _scatter(dout, lambda i, j: where == i * pw + j, x.shape, pool_param)


def kron_upsample(d, pool_height, pool_width):
    """up (..., H * pool_height, W * pool_width): each entry of the last two axes as a block."""
    return np.repeat(np.repeat(d, pool_height, axis=-2), pool_width, axis=-1)
