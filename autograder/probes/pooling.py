"""The grader's probes of 04_pooling_backprop."""
import numpy as np

from .core import Probe, arr, backward, stepped, transposed


def probes(rng):
    """The probes of 04_pooling_backprop, drawn from rng."""
    probes = []
    cases = [((2, 3, 8, 6), (2, 2, 2), "2x2 windows, stride 2"), ((1, 2, 7, 6), (3, 2, 2), "3x2 windows, stride 2"),
             ((2, 1, 5, 7), (3, 3, 1), "3x3 windows, stride 1 (overlapping)"),
             ((2, 2, 7, 9), (2, 2, 2), "2x2 windows, stride 2, last row and column in no window, a sliced view"),
             ((1, 3, 8, 7), (3, 3, 2), "3x3 windows, stride 2 (overlapping), last row in no window")]
    for shape, (ph, pw, s), label in cases:
        param = {"pool_height": ph, "pool_width": pw, "stride": s}
        x = stepped(rng, *shape) if "view" in label else arr(rng, *shape)
        ties = rng.integers(0, 3, shape).astype(float)
        dout = arr(rng, shape[0], shape[1], 1 + (shape[2] - ph) // s, 1 + (shape[3] - pw) // s)
        for kind in ("avg", "max"):
            probes.append(Probe(f"{kind}_pool_forward", (x, param), label))
            probes.append(backward(f"{kind}_pool_backward", f"{kind}_pool_forward", (x, param), (dout,), label))
        probes.append(backward("max_pool_backward", "max_pool_forward", (ties, param), (dout,), label + ", ties"))
    x = np.arange(2 * 6 * 5, dtype=float).reshape(1, 2, 6, 5)
    rng.shuffle(x.reshape(-1))  # distinct values: max pooling is differentiable there
    param = {"pool_height": 2, "pool_width": 3, "stride": 1}
    for kind in ("avg", "max"):
        probes.append(backward(f"{kind}_pool_backward", f"{kind}_pool_forward", (x / 7, param),
                                (arr(rng, 1, 2, 5, 3),), "numerical gradient, 2x3 windows, stride 1", True))
    probes += [Probe("kron_upsample", (arr(rng, 2, 3, 2, 4), 2, 3), "2x3 blocks"),
               Probe("kron_upsample", (arr(rng, 1, 1, 3, 3), 1, 2), "1x2 blocks"),
               Probe("kron_upsample", (transposed(rng, 3, 4), 3, 2), "a transposed (3, 4) array, 3x2 blocks"),
               Probe("kron_upsample", (stepped(rng, 2, 1, 2, 3, 2), 2, 2), "a sliced 5-D array, 2x2 blocks")]
    return probes
