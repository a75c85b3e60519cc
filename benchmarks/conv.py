"""Benchmark convolution forward + backward: the fast reference conv against the notebook's loops, its
flip form and PyTorch, as ratios measured in one run.

    .venv/bin/python -m benchmarks.conv

The fast conv is conv_forward_fast + conv_backward_fast of autograder/reference/cnn.py (06's
reference: im2col and col2im by a loop over the kernel offsets, then one matmul). Each ratio is a
time over the fast conv's: how many times faster it is than 05's naive loops, its flip form, and
PyTorch's CPU float64 convolution (2 threads, when installed: `pip install torch==2.13.0`; a ratio
under 1 means PyTorch is faster). Times are the best of several runs; the naive loops are timed on
one image of the batch and scaled by N, since a full batch takes minutes. On a machine that other
work keeps busy, OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 gives steadier ratios: a second thread
that waits for a core makes small convolutions many times slower.
"""
import numpy as np

from autograder.reference.cnn import conv_backward_fast, conv_forward_fast
from benchmarks.common import F, best, notebook_functions, torch

# name, x, (F, HH, WW), stride, pad
CASES = [("notebook 06", (64, 1, 8, 8), (8, 3, 3), 1, 1), ("course-sized", (4, 3, 16, 16), (8, 3, 3), 1, 1),
         ("CIFAR-like", (64, 3, 32, 32), (32, 3, 3), 1, 1), ("target", (32, 16, 32, 32), (32, 3, 3), 1, 1),
         ("strided", (32, 16, 32, 32), (32, 3, 3), 2, 1)]


def passes(nb, x, w, b, param, dout):
    """One case's forward + backward passes, each a function of no arguments: the fast reference, the notebook's
    flip form, its naive loops on the first image only, and PyTorch (None when it is not installed)."""
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
    threads = f"{torch.__version__}, {torch.get_num_threads()} threads" if torch else "not installed"
    print(f"fast conv: autograder.reference.cnn's (from {conv_forward_fast.__module__}); PyTorch {threads}")
    print(f"{'case':13} {'x':18} {'w':15} {'s/p':4} {'fast':>9}   speed-up of the fast conv over: "
          f"{'naive loops':>11} {'flip form':>9} {'PyTorch':>8}")
    for name, shape, (f, hh, ww), s, p in CASES:
        x, w, b = rng.standard_normal(shape), rng.standard_normal((f, shape[1], hh, ww)), rng.standard_normal(f)
        param = {"stride": s, "pad": p}
        out, _ = conv_forward_fast(x, w, b, param)
        dout = rng.standard_normal(out.shape)
        fast, flip, naive_one, th = passes(nb, x, w, b, param, dout)
        expected = fast()
        for got, want in zip(flip(), expected):
            assert np.allclose(got, want)
        for got, want in zip(naive_one(), conv_backward_fast(dout[:1], conv_forward_fast(x[:1], w, b, param)[1])):
            assert np.allclose(got, want)
        t_fast, t_flip = best(fast), best(flip)
        t_naive = best(naive_one, budget=0.1, repeat=1) * shape[0]
        t_torch = None
        if th is not None:
            for got, want in zip(th(), expected):
                assert np.allclose(got.numpy(), want)
            t_torch = best(th)
        over_torch = f"{t_torch / t_fast:7.2f}×" if t_torch is not None else f"{'-':>8}"
        print(f"{name:13} {str(shape):18} {str(w.shape):15} {s}/{p}  {t_fast * 1e3:7.2f}ms {'':33}"
              f"{t_naive / t_fast:10.0f}× {t_flip / t_fast:8.1f}× {over_torch}")


if __name__ == "__main__":
    main()
