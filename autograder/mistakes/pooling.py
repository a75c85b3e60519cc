"""Typical mistakes in 04_pooling_backprop (source caches: avg (x.shape, pool_param), max (x, pool_param))."""
# ruff: noqa: F811  each mistake redefines the graded function it replaces
import numpy as np

from . import mistake

A = "04_pooling_backprop"


@mistake(A, "assign-not-add", "+=")
def avg_pool_backward(dout, cache):
    x_shape, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros(x_shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * s:i * s + ph, j * s:j * s + pw] = dout[:, :, i, j, None, None] / (ph * pw)
    return dx


@mistake(A, "missing-one-over-m", "constant factor")
def avg_pool_backward(dout, cache):
    x_shape, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros(x_shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * s:i * s + ph, j * s:j * s + pw] += dout[:, :, i, j, None, None]
    return dx


@mistake(A, "stride-ignored", "stride")
def avg_pool_backward(dout, cache):
    x_shape, pool_param = cache
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    dx = np.zeros(x_shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * ph:i * ph + ph, j * pw:j * pw + pw] += dout[:, :, i, j, None, None] / (ph * pw)
    return dx


@mistake(A, "square-window-divisor", "pool_height x pool_width")
def avg_pool_forward(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out, W_out = 1 + (H - ph) // s, 1 + (W - pw) // s
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * s:i * s + ph, j * s:j * s + pw].sum(axis=(2, 3)) / (ph * ph)
    return out, (x.shape, pool_param)


@mistake(A, "to-every-element", "maximum")
def max_pool_backward(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * s:i * s + ph, j * s:j * s + pw] += dout[:, :, i, j, None, None]
    return dx


@mistake(A, "split-ties", "not split")
def max_pool_backward(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * s:i * s + ph, j * s:j * s + pw]
            is_max = window == window.max(axis=(2, 3), keepdims=True)
            share = is_max / is_max.sum(axis=(2, 3), keepdims=True)
            dx[:, :, i * s:i * s + ph, j * s:j * s + pw] += share * dout[:, :, i, j, None, None]
    return dx


@mistake(A, "last-tie", "first maximum")
def max_pool_backward(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C = x.shape[:2]
    n, c = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * s:i * s + ph, j * s:j * s + pw].reshape(N, C, ph * pw)
            last = ph * pw - 1 - window[:, :, ::-1].argmax(axis=2)
            r, q = np.unravel_index(last, (ph, pw))
            dx[n, c, i * s + r, j * s + q] += dout[:, :, i, j]
    return dx


@mistake(A, "argmax-flattened-input", "maximum")
def max_pool_backward(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * s:i * s + ph, j * s:j * s + pw]
            n, c, r, q = np.unravel_index(np.argmax(window), window.shape)
            dx[n, c, i * s + r, j * s + q] += dout[n, c, i, j]
    return dx


@mistake(A, "unravel-swapped", "maximum")
def max_pool_backward(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C = x.shape[:2]
    n, c = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * s:i * s + ph, j * s:j * s + pw].reshape(N, C, ph * pw)
            r, q = np.unravel_index(window.argmax(axis=2), (pw, ph))
            dx[n, c, i * s + r, j * s + q] += dout[:, :, i, j]
    return dx


@mistake(A, "assign-not-add", "+=")
def max_pool_backward(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C = x.shape[:2]
    n, c = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * s:i * s + ph, j * s:j * s + pw].reshape(N, C, ph * pw)
            r, q = np.unravel_index(window.argmax(axis=2), (ph, pw))
            dx[n, c, i * s + r, j * s + q] = dout[:, :, i, j]
    return dx


@mistake(A, "stride-ignored", "stride")
def max_pool_backward(dout, cache):
    x, pool_param = cache
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    N, C = x.shape[:2]
    n, c = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i:i + ph, j:j + pw].reshape(N, C, ph * pw)
            r, q = np.unravel_index(window.argmax(axis=2), (ph, pw))
            dx[n, c, i + r, j + q] += dout[:, :, i, j]
    return dx


@mistake(A, "kron-all-axes", "last two axes")
def kron_upsample(d, pool_height, pool_width):
    return np.kron(d, np.ones((pool_height, pool_width) * (d.ndim // 2)))
