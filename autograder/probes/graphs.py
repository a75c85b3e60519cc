"""The grader's probes of 02_computational_graphs."""
import numpy as np

from ..plaindata import Named
from .core import Probe, arr, backward, stepped, transposed


def probes(rng):
    """The probes of 02_computational_graphs, drawn from rng."""
    probes = []
    for shape, label in (((), "floats"), ((3, 4), "(3, 4) arrays"), ((2, 3, 4), "(2, 3, 4) views, not contiguous")):
        x, y, d, d2 = (arr(rng, *shape) for _ in range(4)) if len(shape) < 3 else \
            (transposed(rng, *shape), stepped(rng, *shape), stepped(rng, *shape), transposed(rng, *shape))
        if shape:
            y[0] = x[0]  # ties for max
        x, y, d, d2 = (float(v) if not shape else v for v in (x, y, d, d2))
        for gate in ("add", "mul", "max"):
            probes.append(Probe(f"{gate}_forward", (x, y), label))
            ties = ", ties" if gate == "max" and shape else ""  # x and y share entries; only max cares
            probes.append(backward(f"{gate}_backward", f"{gate}_forward", (x, y), (d,), label + ties))
        probes.append(Probe("copy_forward", (x,), label))
        probes.append(backward("copy_backward", "copy_forward", (x,), (d, d2), label))
    x, y, d, d2 = (arr(rng, 2, 5) + 3 * np.arange(5) for _ in range(4))  # no ties: max is differentiable
    for gate in ("add", "mul", "max"):
        probes.append(backward(f"{gate}_backward", f"{gate}_forward", (x, y), (d,), "numerical gradient", True))
    probes.append(backward("copy_backward", "copy_forward", (x,), (d, d2), "numerical gradient", True))
    probes += [Probe("circuit_forward_backward", (-2.0, 5.0, -4.0), "x=-2, y=5, z=-4"),
               Probe("circuit_forward_backward", tuple(stepped(rng, 3, 2)), "sliced arrays of 2"),
               Probe("numerical_gradient", (Named("sum_of_cubes"), arr(rng, 3, 2), 1e-2), "sum of cubes, h=1e-2"),
               Probe("numerical_gradient", (Named("sin_product"), arr(rng, 5)), "sum of sin(x) * roll(x), default h",
                     tol=1e-6),
               Probe("numerical_gradient", (Named("sum_of_cubes"), transposed(rng, 4, 3), 1e-3),
                     "a transposed (4, 3) x, h=1e-3", tol=1e-5),
               Probe("numerical_gradient", (Named("sin_product"), stepped(rng, 2, 2, 3)), "a sliced (2, 2, 3) x",
                     tol=1e-6)]
    return probes
