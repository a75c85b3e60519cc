"""Benchmark pooling forward + backward: the vectorised reference, the notebook's loops, PyTorch.

    .venv/bin/python -m benchmarks.pooling

Ratios are times over the reference's, from one run on this machine. PyTorch (CPU, float64) is
included when installed (`pip install torch==2.13.0`); students never need it.
"""
from functools import partial

import numpy as np

from autograder.reference import pooling as ref
from benchmarks.common import F, best, notebook_functions, torch


def numpy_pass(fns, kind, x, dout, param):
    out, cache = fns[f"{kind}_pool_forward"](x, param)
    return fns[f"{kind}_pool_backward"](dout, cache)


def torch_pass(kind, x, dout, param):
    xt = torch.from_numpy(x).requires_grad_()
    pool = F.avg_pool2d if kind == "avg" else F.max_pool2d
    out = pool(xt, (param["pool_height"], param["pool_width"]), param["stride"])
    out.backward(torch.from_numpy(dout))
    return xt.grad.numpy()


def main():
    loops = notebook_functions("04_pooling_backprop")
    rng = np.random.default_rng(0)
    shapes = [((4, 8, 16, 16), (2, 2, 2)), ((4, 8, 16, 16), (3, 3, 2)), ((32, 16, 32, 32), (2, 2, 2)),
              ((32, 16, 32, 32), (3, 3, 2))]
    print(f"{'shape':18} {'window/stride':14} {'kind':5} {'reference':>11} {'loops/ref':>10} {'torch/ref':>10}")
    for shape, (ph, pw, s) in shapes:
        param = {"pool_height": ph, "pool_width": pw, "stride": s}
        x = rng.standard_normal(shape)
        dout = rng.standard_normal(ref.avg_pool_forward(x, param)[0].shape)
        for kind in ("avg", "max"):
            base = numpy_pass(vars(ref), kind, x, dout, param)
            assert np.allclose(numpy_pass(loops, kind, x, dout, param), base)
            t_ref = best(partial(numpy_pass, vars(ref), kind, x, dout, param))
            t_loop = best(partial(numpy_pass, loops, kind, x, dout, param))
            ratio_torch = "-"
            if torch is not None:
                assert np.allclose(torch_pass(kind, x, dout, param), base)
                ratio_torch = f"{best(partial(torch_pass, kind, x, dout, param)) / t_ref:.2f}"
            print(f"{str(shape):18} {f'{ph}x{pw}/{s}':14} {kind:5} {t_ref * 1e3:9.2f}ms {t_loop / t_ref:10.2f} "
                  f"{ratio_torch:>10}")


if __name__ == "__main__":
    main()
