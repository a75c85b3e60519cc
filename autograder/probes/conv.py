"""The grader's probes of 05_conv_backprop."""

from .core import Probe, arr, backward, scaling_case, stepped, transposed


def probes(rng):
    """The probes of 05_conv_backprop, drawn from rng."""
    probes = [Probe("corr2d", (arr(rng, 3, 3), arr(rng, 2, 2)), "3x3 input, 2x2 kernel"),
              Probe("corr2d", (arr(rng, 6, 5), arr(rng, 3, 2)), "6x5 input, 3x2 kernel"),
              Probe("corr2d", (transposed(rng, 7, 4), stepped(rng, 2, 3)), "a transposed 7x4 input, 2x3 kernel"),
              Probe("corr2d_backward", (stepped(rng, 4, 4), transposed(rng, 6, 5), arr(rng, 3, 2)),
                    "a transposed 6x5 input, 3x2 kernel")]
    dout, x, k = arr(rng, 3, 2), arr(rng, 4, 4), arr(rng, 2, 3)
    probes.append(Probe("corr2d_backward", (dout, x, k), "numerical gradient, 4x4 input, 2x3 kernel",
                        grad_of=("corr2d", (x, k)), tol=1e-6))
    cases = [((2, 3, 7, 6), (4, 3, 3, 2), 1, 0, "stride 1, pad 0"),
             ((2, 2, 7, 6), (3, 2, 3, 3), 2, 1, "stride 2, pad 1"),
             ((1, 2, 5, 8), (2, 2, 2, 3), 2, 0, "stride 2, pad 0"),
             ((1, 1, 4, 4), (2, 1, 3, 3), 1, 2, "stride 1, pad 2")]
    cases.append(((2, 3, 6, 7), (2, 3, 2, 3), 2, 1, "stride 2, pad 1, a sliced x and a transposed w"))
    for xs, ws, stride, pad, label in cases:
        x, w, b = arr(rng, *xs), arr(rng, *ws), arr(rng, ws[0])
        if "sliced" in label:
            x, w = stepped(rng, *xs), transposed(rng, *ws)
        param = {"stride": stride, "pad": pad}
        hout = 1 + (xs[2] + 2 * pad - ws[2]) // stride
        wout = 1 + (xs[3] + 2 * pad - ws[3]) // stride
        dout = arr(rng, xs[0], ws[0], hout, wout)
        probes.append(Probe("conv_forward_naive", (x, w, b, param), label))
        for name in ("conv_backward_naive", "conv_backward_flip"):
            probes.append(backward(name, "conv_forward_naive", (x, w, b, param), (dout,), label))
    sizes = tuple(scaling_case((arr(rng, 2, 2, h, w), arr(rng, 2, 2, 2, 2), arr(rng, 2), {"stride": 1, "pad": 0}),
                               (2, 2, h - 1, w - 1), rng) for h, w in ((4, 4), (31, 4), (4, 31)))
    probes.append(Probe("conv_backward_flip", (), "Python lines run for 3x3, 30x3 and 3x30 outputs",
                        forward=("conv_forward_naive", ()), check="no_loop_over_outputs", scaling=sizes,
                        decisive=True))
    x, w, b = arr(rng, 1, 2, 5, 4), arr(rng, 2, 2, 3, 2), arr(rng, 2)
    for name in ("conv_backward_naive", "conv_backward_flip"):
        probes.append(backward(name, "conv_forward_naive", (x, w, b, {"stride": 2, "pad": 1}),
                                (arr(rng, 1, 2, 3, 3),), "numerical gradient, stride 2, pad 1", True))
    return probes
