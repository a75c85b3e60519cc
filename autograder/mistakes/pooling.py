"""Typical mistakes in 04_pooling_backprop (source caches: avg (x.shape, pool_param), max (x, pool_param))."""
# ruff: noqa: F811  each mistake redefines the graded function it replaces
import numpy as np

from .catalogue import mistake, mutation

A = "04_pooling_backprop"


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


AVG, MAX = "avg_pool_backward", "max_pool_backward"
AVG_ADD = "dx[:, :, i * s:i * s + ph, j * s:j * s + pw] += dout[:, :, i, j, None, None] / (ph * pw)"
mutation(A, AVG, "assign-not-add", "+=", (AVG_ADD, AVG_ADD.replace("+=", "=")))
mutation(A, AVG, "missing-one-over-m", "constant factor", (AVG_ADD, AVG_ADD.replace(" / (ph * pw)", "")))
mutation(A, AVG, "stride-ignored", "stride",
         (AVG_ADD, AVG_ADD.replace("i * s:i * s + ph, j * s:j * s + pw", "i * ph:i * ph + ph, j * pw:j * pw + pw")))
mutation(A, AVG, "windows-at-i", "stride",
         (AVG_ADD, AVG_ADD.replace("i * s:i * s + ph, j * s:j * s + pw", "i:i + ph, j:j + pw")),
         visible=("avg_pool_backward_numeric",))
mutation(A, "avg_pool_forward", "square-window-divisor", "pool_height x pool_width",
         (".mean(axis=(2, 3))", ".sum(axis=(2, 3)) / (ph * ph)"))
MAX_ADD = "dx[n, c, i * s + r, j * s + q] += dout[:, :, i, j]"
mutation(A, MAX, "assign-not-add", "+=", (MAX_ADD, MAX_ADD.replace("+=", "=")))
mutation(A, MAX, "stride-ignored", "stride", (MAX_ADD, "dx[n, c, i + r, j + q] += dout[:, :, i, j]"),
         ("x[:, :, i * s:i * s + ph, j * s:j * s + pw]", "x[:, :, i:i + ph, j:j + pw]"),
         visible=("max_pool_backward_numeric",))
# loops over the input's window positions, not the output's: at stride 2 they run past dout (an IndexError)
mutation(A, MAX, "loops-over-input-positions", "raised",
         ("for i in range(dout.shape[2]):", "for i in range(x.shape[2] - ph + 1):"),
         ("for j in range(dout.shape[3]):", "for j in range(x.shape[3] - pw + 1):"),
         visible=(("max_pool_backward_numeric",
                   ("max_pool_backward raised ", "; route dout to each window's maximum")),))
mutation(A, MAX, "unravel-swapped", "maximum", ("(ph, pw))", "(pw, ph))"))
mutation(A, MAX, "last-tie", "first maximum",
         ("window.argmax(axis=2)", "ph * pw - 1 - window[:, :, ::-1].argmax(axis=2)"))
mutation(A, "kron_upsample", "kron-all-axes", "last two axes",
         ("np.ones((1,) * (d.ndim - 2) + (pool_height, pool_width))",
          "np.ones((pool_height, pool_width) * (d.ndim // 2))"))


@mistake(A, "reshape-into-windows", "no window")
def avg_pool_forward(x, pool_param):
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    N, C, H, W = x.shape
    # tiles exactly only when the windows cover x without overlap and without a remainder
    out = x.reshape(N, C, H // ph, ph, W // pw, pw).mean(axis=(3, 5))
    return out, (x.shape, pool_param)
