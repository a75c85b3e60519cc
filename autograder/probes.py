"""The grader's own checks of each graded function: inputs to call it on and how to judge the output.

A Probe is plain data that goes into the sandbox; the student's function is called there and
its output comes back as plain data. Judging happens here, in a process the student's code never
ran in: against the reference solution and, for backward functions, against a numerical gradient
of the reference forward pass.
"""
from dataclasses import dataclass

import numpy as np

from course.gradcheck import diagnose, five_point_gradient, rel_error

from . import reference
from .plaindata import Named, Unsupported, fresh
from .sandbox_runner import PROBE_FUNCTIONS, call_probe



@dataclass
class Probe:
    """One call of a graded function, described as plain data.

    With `forward` = (name, fargs) the call is function(*args, cache), cache from name(*fargs).
    With `grad_of` = (name, fargs) the expected output is the numerical gradient of
    sum(upstream * name(*fargs)) with respect to fargs, the upstream gradients being the args.
    """
    function: str
    args: tuple
    label: str
    forward: tuple = None
    grad_of: tuple = None
    check: str = "close"
    tol: float = 1e-7
    quiet: bool = False  # the spec asks for no warning (the stable sigmoid)
    calls: tuple = ()  # graded functions it must be built from (the spec says "uses")
    scaling: tuple = None  # ((fargs, upstream), ...) at growing output sizes: Python lines run, counted
    decisive: bool = False  # the function is worth nothing when this probe fails (the exercise's rule)


def _arr(rng, *shape):
    return rng.standard_normal(shape)


def _transposed(rng, *shape):
    """Random values of shape as a transposed view (Fortran order): x.reshape(-1) copies it."""
    return rng.standard_normal(shape[::-1]).T


def _stepped(rng, *shape):
    """Random values of shape as a view sliced with a step: neither C- nor Fortran-contiguous."""
    return rng.standard_normal(shape[:-1] + (2 * shape[-1],))[..., ::2]


def _backward(function, forward, fargs, upstream, label, numeric=False, tol=1e-7):
    return Probe(function, tuple(upstream), label, forward=(forward, tuple(fargs)),
                 grad_of=(forward, tuple(fargs)) if numeric else None, tol=1e-6 if numeric else tol)


def _probes_01(rng):
    X = rng.integers(-2, 3, (12, 3)).astype(float)
    w = rng.integers(-2, 3, 3).astype(float)
    sep = _transposed(rng, 15, 2)
    return [
        Probe("perceptron_predict", (X, w, 1.0), "integer inputs, some scores exactly 0", check="labels"),
        Probe("perceptron_predict", (_arr(rng, 20, 4), _arr(rng, 4), -0.3), "20 random points in 4-D", check="labels"),
        Probe("perceptron_predict", (_transposed(rng, 9, 3), _stepped(rng, 3), 0.2), "a transposed X, a sliced w",
              check="labels"),
        Probe("perceptron_train", (X, (X @ w + 1 > 0).astype(int), 0.5, 60), "separable data, lr 0.5"),
        Probe("perceptron_train", (sep, rng.integers(0, 2, 15), 0.3, 7), "non-separable data, 7 epochs"),
        Probe("perceptron_train", (np.array([[0., 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 0, 0, 1])),
              "AND with the defaults"),
        Probe("xor_predict", (np.array([[0., 0], [0, 1], [1, 0], [1, 1]]),), "the XOR truth table", check="labels",
              calls=("perceptron_predict",)),
        Probe("xor_predict", (rng.integers(0, 2, (2, 17)).astype(float).T,), "17 binary inputs in random order",
              check="labels"),
    ]


def _probes_02(rng):
    probes = []
    for shape, label in (((), "floats"), ((3, 4), "(3, 4) arrays"), ((2, 3, 4), "(2, 3, 4) views, not contiguous")):
        x, y, d, d2 = (_arr(rng, *shape) for _ in range(4)) if len(shape) < 3 else \
            (_transposed(rng, *shape), _stepped(rng, *shape), _stepped(rng, *shape), _transposed(rng, *shape))
        if shape:
            y[0] = x[0]  # ties for max
        x, y, d, d2 = (float(v) if not shape else v for v in (x, y, d, d2))
        for gate in ("add", "mul", "max"):
            probes.append(Probe(f"{gate}_forward", (x, y), label))
            probes.append(_backward(f"{gate}_backward", f"{gate}_forward", (x, y), (d,), label + ", ties" * bool(shape)))
        probes.append(Probe("copy_forward", (x,), label))
        probes.append(_backward("copy_backward", "copy_forward", (x,), (d, d2), label))
    x, y, d, d2 = (_arr(rng, 2, 5) + 3 * np.arange(5) for _ in range(4))  # no ties: max is differentiable
    for gate in ("add", "mul", "max"):
        probes.append(_backward(f"{gate}_backward", f"{gate}_forward", (x, y), (d,), "numerical gradient", True))
    probes.append(_backward("copy_backward", "copy_forward", (x,), (d, d2), "numerical gradient", True))
    probes += [Probe("circuit_forward_backward", (-2.0, 5.0, -4.0), "x=-2, y=5, z=-4"),
               Probe("circuit_forward_backward", tuple(_stepped(rng, 3, 2)), "sliced arrays of 2"),
               Probe("numerical_gradient", (Named("sum_of_cubes"), _arr(rng, 3, 2), 1e-2), "sum of cubes, h=1e-2"),
               Probe("numerical_gradient", (Named("sin_product"), _arr(rng, 5)), "sum of sin(x) * roll(x), default h",
                     tol=1e-6),
               Probe("numerical_gradient", (Named("sum_of_cubes"), _transposed(rng, 4, 3), 1e-3),
                     "a transposed (4, 3) x, h=1e-3", tol=1e-5),
               Probe("numerical_gradient", (Named("sin_product"), _stepped(rng, 2, 2, 3)), "a sliced (2, 2, 3) x",
                     tol=1e-6)]
    return probes


def _probes_03(rng):
    x = rng.uniform(-6, 6, (4, 5))
    x[0] = [-1e4, 1e4, -700, -300, 800]  # the far tails, where a naive sigmoid overflows
    x[1, :3] = [-35, -50, 35]  # where a clipped input or 1 - tanh would lose the value's digits
    tails = _transposed(rng, 3, 4)
    tails[0] = [-35, -60, -300, -700]  # sigma' is sigma itself there, as small as sigma
    xs, w, b = _arr(rng, 6, 3), _arr(rng, 3, 4), _arr(rng, 4)
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    params = {"W1": _arr(rng, 2, 5), "b1": _arr(rng, 5), "W2": _arr(rng, 5, 1), "b2": _arr(rng, 1)}
    xor = {"W1": np.array([[20.0, -20.0], [20.0, -20.0]]), "b1": np.array([-10.0, 30.0]),
           "W2": np.array([[20.0], [20.0]]), "b2": np.array([-30.0])}
    return [
        Probe("sigmoid_forward", (x,), "(4, 5) with entries from -1e4 to 1e4", quiet=True, check="entrywise"),
        Probe("sigmoid_forward", (_stepped(rng, 2, 3, 2),), "a sliced (2, 3, 2) view", check="entrywise"),
        Probe("sigmoid_forward", (-0.7,), "a float"),
        Probe("sigmoid_backward", (_arr(rng, 4, 5),), "(4, 5) with far tails", forward=("sigmoid_forward", (x,)),
              quiet=True),
        Probe("sigmoid_backward", (_stepped(rng, 3, 4),), "a transposed x with the far negative tail",
              forward=("sigmoid_forward", (tails,)), check="entrywise"),
        _backward("sigmoid_backward", "sigmoid_forward", (_arr(rng, 3, 2),), (_arr(rng, 3, 2),),
                  "numerical gradient", True),
        Probe("neuron_forward_backward", (np.array([2.0, -3.0, -3.0]), np.array([-1.0, -2.0])), "w=[2,-3,-3], x=[-1,-2]"),
        Probe("neuron_forward_backward", (_stepped(rng, 3), _stepped(rng, 2)), "random w and x, sliced"),
        Probe("staged_forward_backward", (3.0, -4.0), "x=3, y=-4"),
        Probe("staged_forward_backward", (rng.uniform(-3, 3, 5), rng.uniform(-3, 3, 5)), "arrays of 5"),
        Probe("staged_forward_backward", (_stepped(rng, 2, 3), _transposed(rng, 2, 3)), "(2, 3) views"),
        Probe("affine_forward", (xs, w, b), "x (6, 3), w (3, 4)"),
        Probe("affine_forward", (_transposed(rng, 5, 2), _stepped(rng, 2, 3), b[:3]), "a transposed x (5, 2)"),
        _backward("affine_backward", "affine_forward", (xs, w, b), (_arr(rng, 6, 4),), "x (6, 3), w (3, 4)"),
        _backward("affine_backward", "affine_forward", (_transposed(rng, 5, 2), _stepped(rng, 2, 3), b[:3]),
                  (_stepped(rng, 5, 3),), "a transposed x (5, 2)"),
        _backward("affine_backward", "affine_forward", (_arr(rng, 2, 5), _arr(rng, 5, 3), _arr(rng, 3)),
                  (_arr(rng, 2, 3),), "numerical gradient, x (2, 5), w (5, 3)", True),
        Probe("train_xor_mlp", (X, y, 3, 0.5, 1, 0), "one epoch, H=3, lr=0.5",
              calls=("affine_forward", "affine_backward", "sigmoid_forward", "sigmoid_backward")),
        Probe("train_xor_mlp", (_transposed(rng, 6, 2), rng.integers(0, 2, 6), 5, 0.3, 4, 7), "four epochs, H=5, seed 7",
              tol=1e-6),
        Probe("train_xor_mlp", (X, y), "XOR with the defaults", check="learns_xor"),
        Probe("train_xor_mlp", (X, y, 8, 1.0, 2000, 32), "XOR with seed 32", check="learns_xor"),
        Probe("mlp_predict", (params, _arr(rng, 9, 2)), "9 points, H=5", check="labels"),
        Probe("mlp_predict", (xor, X), "weights that compute XOR", check="labels"),
        Probe("mlp_predict", ({"W1": _arr(rng, 3, 4), "b1": _arr(rng, 4), "W2": _arr(rng, 4, 1), "b2": np.array([-0.4])},
                              _transposed(rng, 12, 3)), "12 points in 3-D, H=4, a transposed X", check="labels"),
    ]


def _probes_04(rng):
    probes = []
    cases = [((2, 3, 8, 6), (2, 2, 2), "2x2 windows, stride 2"), ((1, 2, 7, 6), (3, 2, 2), "3x2 windows, stride 2"),
             ((2, 1, 5, 7), (3, 3, 1), "3x3 windows, stride 1 (overlapping)"),
             ((2, 2, 7, 9), (2, 2, 2), "2x2 windows, stride 2, last row and column in no window, a sliced view"),
             ((1, 3, 8, 7), (3, 3, 2), "3x3 windows, stride 2 (overlapping), last row in no window")]
    for shape, (ph, pw, s), label in cases:
        param = {"pool_height": ph, "pool_width": pw, "stride": s}
        x = _stepped(rng, *shape) if "view" in label else _arr(rng, *shape)
        ties = rng.integers(0, 3, shape).astype(float)
        dout = _arr(rng, shape[0], shape[1], 1 + (shape[2] - ph) // s, 1 + (shape[3] - pw) // s)
        for kind in ("avg", "max"):
            probes.append(Probe(f"{kind}_pool_forward", (x, param), label))
            probes.append(_backward(f"{kind}_pool_backward", f"{kind}_pool_forward", (x, param), (dout,), label))
        probes.append(_backward("max_pool_backward", "max_pool_forward", (ties, param), (dout,), label + ", ties"))
    x = np.arange(2 * 6 * 5, dtype=float).reshape(1, 2, 6, 5)
    rng.shuffle(x.reshape(-1))  # distinct values: max pooling is differentiable there
    param = {"pool_height": 2, "pool_width": 3, "stride": 1}
    for kind in ("avg", "max"):
        probes.append(_backward(f"{kind}_pool_backward", f"{kind}_pool_forward", (x / 7, param),
                                (_arr(rng, 1, 2, 5, 3),), "numerical gradient, 2x3 windows, stride 1", True))
    probes += [Probe("kron_upsample", (_arr(rng, 2, 3, 2, 4), 2, 3), "2x3 blocks"),
               Probe("kron_upsample", (_arr(rng, 1, 1, 3, 3), 1, 2), "1x2 blocks"),
               Probe("kron_upsample", (_transposed(rng, 3, 4), 3, 2), "a transposed (3, 4) array, 3x2 blocks"),
               Probe("kron_upsample", (_stepped(rng, 2, 1, 2, 3, 2), 2, 2), "a sliced 5-D array, 2x2 blocks")]
    return probes


def _probes_05(rng):
    probes = [Probe("corr2d", (_arr(rng, 3, 3), _arr(rng, 2, 2)), "3x3 input, 2x2 kernel"),
              Probe("corr2d", (_arr(rng, 6, 5), _arr(rng, 3, 2)), "6x5 input, 3x2 kernel"),
              Probe("corr2d", (_transposed(rng, 7, 4), _stepped(rng, 2, 3)), "a transposed 7x4 input, 2x3 kernel"),
              Probe("corr2d_backward", (_stepped(rng, 4, 4), _transposed(rng, 6, 5), _arr(rng, 3, 2)),
                    "a transposed 6x5 input, 3x2 kernel")]
    dout, x, k = _arr(rng, 3, 2), _arr(rng, 4, 4), _arr(rng, 2, 3)
    probes.append(Probe("corr2d_backward", (dout, x, k), "numerical gradient, 4x4 input, 2x3 kernel",
                        grad_of=("corr2d", (x, k)), tol=1e-6))
    cases = [((2, 3, 7, 6), (4, 3, 3, 2), 1, 0, "stride 1, pad 0"), ((2, 2, 7, 6), (3, 2, 3, 3), 2, 1, "stride 2, pad 1"),
             ((1, 2, 5, 8), (2, 2, 2, 3), 2, 0, "stride 2, pad 0"), ((1, 1, 4, 4), (2, 1, 3, 3), 1, 2, "stride 1, pad 2")]
    cases.append(((2, 3, 6, 7), (2, 3, 2, 3), 2, 1, "stride 2, pad 1, a sliced x and a transposed w"))
    for xs, ws, stride, pad, label in cases:
        x, w, b = _arr(rng, *xs), _arr(rng, *ws), _arr(rng, ws[0])
        if "sliced" in label:
            x, w = _stepped(rng, *xs), _transposed(rng, *ws)
        param = {"stride": stride, "pad": pad}
        hout = 1 + (xs[2] + 2 * pad - ws[2]) // stride
        wout = 1 + (xs[3] + 2 * pad - ws[3]) // stride
        dout = _arr(rng, xs[0], ws[0], hout, wout)
        probes.append(Probe("conv_forward_naive", (x, w, b, param), label))
        for name in ("conv_backward_naive", "conv_backward_flip"):
            probes.append(_backward(name, "conv_forward_naive", (x, w, b, param), (dout,), label))
    sizes = tuple(scaling_case((_arr(rng, 2, 2, h, w), _arr(rng, 2, 2, 2, 2), _arr(rng, 2), {"stride": 1, "pad": 0}),
                               (2, 2, h - 1, w - 1), rng) for h, w in ((4, 4), (31, 4), (4, 31)))
    probes.append(Probe("conv_backward_flip", (), "Python lines run for 3x3, 30x3 and 3x30 outputs",
                        forward=("conv_forward_naive", ()), check="no_loop_over_outputs", scaling=sizes,
                        decisive=True))
    x, w, b = _arr(rng, 1, 2, 5, 4), _arr(rng, 2, 2, 3, 2), _arr(rng, 2)
    for name in ("conv_backward_naive", "conv_backward_flip"):
        probes.append(_backward(name, "conv_forward_naive", (x, w, b, {"stride": 2, "pad": 1}),
                                (_arr(rng, 1, 2, 3, 3),), "numerical gradient, stride 2, pad 1", True))
    return probes


_BUILDERS = {"01_perceptron_xor": _probes_01, "02_computational_graphs": _probes_02, "03_sigmoid_gates": _probes_03,
             "04_pooling_backprop": _probes_04, "05_conv_backprop": _probes_05}


def probes(aid, seed=2026):
    """The probes of one assignment, the same for every student of one grading run."""
    return _BUILDERS[aid](np.random.default_rng(seed))


def plain(probe, functions=None):
    """The probe as the sandbox gets it: a dict of plain data (callables by name, or resolved with functions)."""
    resolve = (lambda args: tuple(functions[a.name] if isinstance(a, Named) else a for a in args)) if functions \
        else tuple
    forward = (probe.forward[0], resolve(probe.forward[1])) if probe.forward else None
    scaling = [(resolve(fargs), resolve(upstream)) for fargs, upstream in probe.scaling] if probe.scaling else None
    return {"function": probe.function, "args": resolve(probe.args), "forward": forward, "calls": list(probe.calls),
            "scaling": scaling, "quiet": probe.quiet}


def call(namespace, probe):
    """Run one probe against the functions in namespace, as the sandbox does; raise what it raised."""
    outcome = call_probe(namespace, plain(probe, PROBE_FUNCTIONS))
    if outcome["forward"] and outcome["forward"]["error"]:
        raise RuntimeError(f"{probe.forward[0]} ({probe.label}): {outcome['forward']['error']}")
    if outcome["error"]:
        raise RuntimeError(f"{probe.function} ({probe.label}): {outcome['error']}")
    return outcome["value"]


def expected(probe):
    """What the probe's call should return: the reference's output, or a numerical gradient."""
    if probe.scaling:
        return None  # judged by how the counts grow, not against a value
    if probe.grad_of is None:
        return call(vars(reference), probe)
    fname, fargs = probe.grad_of
    forward = getattr(reference, fname)
    upstream = probe.args

    def loss(i, v):
        out = forward(*fargs[:i], v, *fargs[i + 1:])
        outs = out[0] if returns_cache(fname) else out
        return sum(np.sum(d * o) for d, o in zip(upstream, outs if isinstance(outs, tuple) else (outs,)))

    arrays = [i for i, a in enumerate(fargs) if isinstance(a, (np.ndarray, float))]
    grads = tuple(five_point_gradient(lambda v, i=i: loss(i, v), fargs[i], h=1e-4) for i in arrays)
    return grads[0] if len(grads) == 1 else grads


def expected_forward(probe):
    """The reference forward's output (without its cache) on a backward probe's forward arguments, or None."""
    if not probe.forward or probe.scaling:
        return None
    return getattr(reference, probe.forward[0])(*fresh(probe.forward[1]))[0]


def judge(probe, got, want):
    """None if got is right for the probe, else a plain message that shows no expected values."""
    if isinstance(got, Unsupported):
        return f"it returned a {got.type_name}, which is not an array, a number or a tuple of them."
    if probe.check == "labels":
        return _labels(got, want)
    if probe.check == "learns_xor":
        return _learns_xor(probe, got)
    if probe.check == "no_loop_over_outputs":
        return _no_loop(probe, got)
    if returns_cache(probe.function):  # the cache is the student's own business
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return "it should return a pair (out, cache)."
        return compare(probe, got[0], want[0], "out")
    return compare(probe, got, want, "the output")


def compare(probe, got, want, name):
    """What is wrong with the array(s) got as the probe judges them (entry by entry where it says so), or None."""
    return (entrywise if probe.check == "entrywise" else mismatch)(got, want, probe.tol, name)


def entrywise(got, want, tol, name):
    """mismatch(), and each entry within tol of its own size: values spanning many magnitudes hide small ones."""
    problem = mismatch(got, want, tol, name)
    if problem:
        return problem
    g, w = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    wrong = int(np.sum(np.abs(g - w) > tol * np.abs(w) + 1e-300))
    if wrong:
        return (f"{name}: {wrong} of {w.size} entries are off by more than {tol:.0e} of their own size (the largest "
                f"entries hide this in the overall error); compute the small values in the tails, do not clip "
                f"the input or round them away.")
    return None


def returns_cache(function):
    """Whether a graded function returns (out, cache), CS231n style."""
    return function.endswith("_forward") or function == "conv_forward_naive"


def mismatch(got, want, tol, name):
    """None if got equals want within tol (rel_error), else what is wrong with got, shown without values."""
    if isinstance(want, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            n = len(got) if isinstance(got, (tuple, list)) else 1
            return f"{name} should be a tuple of {len(want)} values; it has {n}."
        for i, (g, w) in enumerate(zip(got, want)):
            problem = mismatch(g, w, tol, f"{name}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            return f"{name} should be a dict with keys {', '.join(sorted(want))}."
        for key in want:
            problem = mismatch(got[key], want[key], tol, f"{name}[{key!r}]")
            if problem:
                return problem
        return None
    if isinstance(want, list):
        want = np.asarray(want, dtype=float)
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"{name} is not numeric."
    w = np.asarray(want, dtype=float)
    if g.shape != w.shape or not np.all(np.isfinite(g)):
        return f"{name}: {diagnose(g, w)}"
    err = rel_error(g, w)
    if err > tol:
        return f"{name}: relative error {err:.1e} exceeds {tol:.0e}; {diagnose(g, w, tol=max(tol, 1e-6))}"
    return None


def _labels(got, want):
    g, w = np.asarray(got), np.asarray(want)
    if g.shape != w.shape:
        return f"the labels have shape {g.shape}; expected {w.shape}."
    if g.dtype.kind not in "iu":
        return f"the labels are of type {g.dtype}; they should be an int array of 0 and 1."
    wrong = int(np.sum(g != w))
    return f"{wrong} of {w.size} labels are wrong." if wrong else None


def _learns_xor(probe, got):
    if not (isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(got[0], dict)):
        return "it should return (params, losses) with params a dict."
    params, losses = got
    losses = np.asarray(losses, dtype=float).ravel()
    epochs = probe.args[4] if len(probe.args) > 4 else 2000
    if losses.shape != (epochs,):
        return f"losses has {losses.size} entries; expected one per epoch ({epochs})."
    if not np.all(np.isfinite(losses)) or not losses[-1] < 0.1 * losses[0]:
        return "the loss did not fall to a tenth of its first value."
    X, y = probe.args[:2]
    try:
        wrong = int(np.sum(reference.mlp_predict(params, X) != y))
    except Exception as err:  # params of the wrong shapes or names
        return f"the trained params cannot be used ({type(err).__name__}: {err})."
    return f"the trained network gets {wrong} of the {len(y)} XOR points wrong." if wrong else None


def scaling_case(forward_args, upstream_shape, rng):
    """One size of a structural probe: the forward's arguments and an upstream gradient of the output's shape."""
    return tuple(forward_args), (_arr(rng, *upstream_shape),)


def _no_loop(probe, got):
    """None if the Python lines run stay the same as the output grows in rows or in columns."""
    if not isinstance(got, list) or len(got) != len(probe.scaling):
        return "its Python work could not be counted."
    base = probe.scaling[0][1][0].shape[2:]
    for count, (_, (upstream,)) in zip(got[1:], probe.scaling[1:]):
        extra = max(a - b for a, b in zip(upstream.shape[2:], base))
        # A loop over rows (or columns, or both) of the output runs at least two lines per extra
        # row: its `for` and its body. Loops over kernel offsets, images or channels run as often.
        if count - got[0] >= extra:
            return (f"it runs {count - got[0]} more Python lines when the output has {extra} more rows or "
                    f"columns: it loops over output positions (or calls something that does); "
                    f"use whole-array operations over the positions.")
    return None
