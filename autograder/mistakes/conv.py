"""Typical mistakes in 05_conv_backprop (source cache: (x, w, b, conv_param))."""
# ruff: noqa: F811  each mistake redefines the graded function it replaces
import numpy as np

from .catalogue import mistake, mutation

A = "05_conv_backprop"


@mistake(A, "kernel-not-flipped", "rotated by 180 degrees")
def corr2d_backward(dout, x, k):
    kh, kw = k.shape
    padded = np.pad(dout, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    return corr2d(padded, k), corr2d(x, dout)


@mistake(A, "dk-swapped", "x correlated with dout")
def corr2d_backward(dout, x, k):
    kh, kw = k.shape
    padded = np.pad(dout, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    return corr2d(padded, k[::-1, ::-1]), corr2d(dout, x)


@mistake(A, "dk-transposed", "x correlated with dout")
def corr2d_backward(dout, x, k):
    kh, kw = k.shape
    padded = np.pad(dout, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    return corr2d(padded, k[::-1, ::-1]), corr2d(x, dout).T


@mistake(A, "kernel-flipped", "without flipping k", visible=(("corr2d_backward_example", "fix corr2d first"),))
def corr2d(x, k):
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i:i + kh, j:j + kw] * k[::-1, ::-1])
    return out


@mistake(A, "bias-missing", "b[f]")
def conv_forward_naive(x, w, b, conv_param):
    s, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = 1 + (H + 2 * pad - HH) // s, 1 + (W + 2 * pad - WW) // s
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, f, i, j] = np.sum(x_pad[n, :, i * s:i * s + HH, j * s:j * s + WW] * w[f])
    return out, (x, w, b, conv_param)


NAIVE, FLIP = "conv_backward_naive", "conv_backward_flip"
mutation(A, NAIVE, "assign-not-add", "+=", ("dx_pad[window] += w[f]", "dx_pad[window] = w[f]"))
mutation(A, NAIVE, "pad-minus-pad", "pad:pad + H",
         ("dx_pad[:, :, pad:pad + H, pad:pad + W]", "dx_pad[:, :, pad:-pad, pad:-pad]"),
         visible=(("conv_backward_naive_example", ("dx: it has shape (1, 1, 0, 0)", "pad:pad + H")),))
mutation(A, NAIVE, "stride-ignored", "stride",
         ("slice(i * s, i * s + HH), slice(j * s, j * s + WW)", "slice(i, i + HH), slice(j, j + WW)"),
         visible=(("conv_backward_flip_matches_naive", "fix conv_forward_naive and conv_backward_naive first"),))
mutation(A, NAIVE, "db-one-image", "sum db over the batch", ("db[f] += dout[n, f, i, j]", "db[f] = dout[n, f].sum()"))
mutation(A, NAIVE, "dw-from-dx", "dw[f] += x_window * dout",
         ("dw[f] += x_pad[window] * dout[n, f, i, j]", "dw[f] += dx_pad[window] * dout[n, f, i, j]"))
mutation(A, FLIP, "kernel-not-flipped", "rotated by 180 degrees", ("w_rot = w[:, :, ::-1, ::-1]", "w_rot = w"))
mutation(A, FLIP, "no-dilation", "dilate",
         ("d_dil[:, :, ::s, ::s] = dout", "d_dil[:, :, :dout.shape[2], :dout.shape[3]] = dout"))
mutation(A, FLIP, "dilation-by-stride", "dilate",
         ("d_dil = np.zeros((N, F, s * (dout.shape[2] - 1) + 1, s * (dout.shape[3] - 1) + 1))",
          "d_dil = np.zeros((N, F, (s + 1) * (dout.shape[2] - 1) + 1, (s + 1) * (dout.shape[3] - 1) + 1))"),
         ("d_dil[:, :, ::s, ::s] = dout", "d_dil[:, :, ::s + 1, ::s + 1] = dout"))
mutation(A, FLIP, "pad-minus-pad", "pad:pad + H",
         ("dx_pad[:, :, pad:pad + H, pad:pad + W]", "dx_pad[:, :, pad:-pad, pad:-pad]"),
         visible=("conv_backward_flip_matches_naive",))
mutation(A, FLIP, "assign-not-add", "+=",
         ("dx_pad[:, :, :Hd + HH - 1, :Wd + WW - 1] += np.einsum(",
          "dx_pad[:, :, :Hd + HH - 1, :Wd + WW - 1] = np.einsum("))


@mistake(A, "calls-the-naive-loops", "loops over output positions")
def conv_backward_flip(dout, cache):
    return conv_backward_naive(dout, cache)  # noqa: F821  the notebook defines it


@mistake(A, "corr2d-per-channel", "loops over output positions")
def conv_backward_flip(dout, cache):
    x, w, b, conv_param = cache
    s, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    d_dil = np.zeros((N, F, s * (dout.shape[2] - 1) + 1, s * (dout.shape[3] - 1) + 1))
    d_dil[:, :, ::s, ::s] = dout
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad, dw = np.zeros(x_pad.shape), np.zeros(w.shape)
    for n in range(N):
        for f in range(F):
            full = np.pad(d_dil[n, f], ((HH - 1, HH - 1), (WW - 1, WW - 1)))
            for c in range(C):
                part = corr2d(full, w[f, c, ::-1, ::-1])
                dx_pad[n, c, :part.shape[0], :part.shape[1]] += part
                dw[f, c] += corr2d(x_pad[n, c], d_dil[n, f])[:HH, :WW]
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))
mutation(A, "conv_forward_naive", "no-plus-one", "but should have shape",  # told by the shape, not the bias hint
         ("H_out, W_out = 1 + (H + 2 * pad - HH) // s, 1 + (W + 2 * pad - WW) // s",
          "H_out, W_out = (H + 2 * pad - HH) // s, (W + 2 * pad - WW) // s"),
         visible=(("conv_forward_naive_values",
                   "out: it has shape (1, 1, 1, 1), but should have shape (1, 1, 2, 2)."),))
mutation(A, "conv_forward_naive", "square-kernel", "shapes", ("j * s:j * s + WW]", "j * s:j * s + HH]"))
mutation(A, FLIP, "dx-sized-from-dout", "dx for x",
         ("dx_pad = np.zeros((N, C, Hp, Wp))", "dx_pad = np.zeros((N, C, Hd + HH - 1, Wd + WW - 1))"),
         visible=("conv_backward_flip_matches_naive",))
