"""Benchmark convolution forward + backward: the notebook's loops and flip form, im2col, PyTorch.

    .venv/bin/python -m benchmarks.conv

Times are the best of several runs; ratios are over PyTorch CPU float64 (2 threads) when it is
installed (`pip install torch==2.13.0`), else over the im2col reference. The naive loops are
timed on one image of the batch and scaled by N, since a full batch takes minutes.
"""
import numpy as np

from autograder.reference.im2col import conv_backward_fast, conv_forward_fast
from benchmarks.common import F, best, notebook_functions, torch


def passes(nb, x, w, b, param, dout):
    """One case's forward + backward passes, each a function of no arguments: im2col, the notebook's flip
    form, its naive loops on the first image only, and PyTorch (None when it is not installed)."""
    def fast():
        return conv_backward_fast(dout, conv_forward_fast(x, w, b, param)[1])

    def flip():
        return nb["conv_backward_flip"](dout, nb["conv_forward_naive"](x, w, b, param)[1])

    def naive_one():
        return nb["conv_backward_naive"](dout[:1], nb["conv_forward_naive"](x[:1], w, b, param)[1])

    def th():
        xt, wt, bt = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
        F.conv2d(xt, wt, bt, stride=param["stride"], padding=param["pad"]).backward(torch.from_numpy(dout))
        return xt.grad, wt.grad, bt.grad

    return fast, flip, naive_one, (th if torch is not None else None)


def main():
    nb = notebook_functions("05_conv_backprop")
    rng = np.random.default_rng(0)
    cases = [("course-sized", (4, 3, 16, 16), (8, 3, 3), 1, 1), ("target", (32, 16, 32, 32), (32, 3, 3), 1, 1),
             ("strided", (32, 16, 32, 32), (32, 3, 3), 2, 1)]
    base = "torch" if torch is not None else "im2col"
    print(f"{'case':13} {'x':18} {'w':15} {'s/p':4} {'im2col':>9} {'naive':>9} {'flip':>9} {'im2col':>9}   "
          f"ratios over {base}")
    for name, shape, (f, hh, ww), s, p in cases:
        x, w, b = rng.standard_normal(shape), rng.standard_normal((f, shape[1], hh, ww)), rng.standard_normal(f)
        param = {"stride": s, "pad": p}
        out, cache = conv_forward_fast(x, w, b, param)
        dout = rng.standard_normal(out.shape)
        fast, flip, naive_one, th = passes(nb, x, w, b, param, dout)
        expected = fast()
        for got, want in zip(flip(), expected):
            assert np.allclose(got, want)
        t_fast, t_flip = best(fast), best(flip)
        t_naive = best(naive_one, budget=0.1, repeat=1) * shape[0]
        t_base = t_fast
        if th is not None:
            for got, want in zip(th(), expected):
                assert np.allclose(got.numpy(), want)
            t_base = best(th)
        print(f"{name:13} {str(shape):18} {str(w.shape):15} {s}/{p}  {t_fast * 1e3:7.1f}ms "
              f"{t_naive / t_base:9.1f} {t_flip / t_base:9.2f} {t_fast / t_base:9.2f}")


if __name__ == "__main__":
    main()
