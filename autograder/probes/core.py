"""What a probe is, how to build one, and how its output is judged: the machinery every topic's probes share."""
from dataclasses import dataclass

import numpy as np

from course.gradcheck import GradientError, assert_close, five_point_gradient

from .. import reference
from ..plaindata import Named, Unsupported, fresh
from ..sandbox_runner import PROBE_FUNCTIONS, call_probe


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
    scaling: tuple = None  # ((fargs, upstream), ...) at growing sizes: Python lines run, counted (upstream () for
    # a forward, which is counted itself)
    decisive: bool = False  # the function is worth nothing when this probe fails (the exercise's rule)
    want: object = None  # the expected output, computed here (numerical gradients) instead of by the reference
    data: tuple = None  # what the judge needs beside the output and the sandbox never sees (a test split)
    repeat: bool = False  # called twice on fresh copies of args; the output is the pair of results
    seconds: float = 0.0  # time this probe may take beyond its function's own budget (a training run)
    kwargs: dict = None  # keyword arguments after args (a seed, the other parameters left at the defaults)


def arr(rng, *shape):
    return rng.standard_normal(shape)


def transposed(rng, *shape):
    """Random values of shape as a transposed view (Fortran order): x.reshape(-1) copies it."""
    return rng.standard_normal(shape[::-1]).T


def stepped(rng, *shape):
    """Random values of shape as a view sliced with a step: neither C- nor Fortran-contiguous."""
    return rng.standard_normal(shape[:-1] + (2 * shape[-1],))[..., ::2]


def backward(function, forward, fargs, upstream, label, numeric=False, tol=1e-7):
    return Probe(function, tuple(upstream), label, forward=(forward, tuple(fargs)),
                 grad_of=(forward, tuple(fargs)) if numeric else None, tol=1e-6 if numeric else tol)


def plain(probe, functions=None):
    """The probe as the sandbox gets it: a dict of plain data (callables by name, or resolved with functions)."""
    resolve = (lambda args: tuple(functions[a.name] if isinstance(a, Named) else a for a in args)) if functions \
        else tuple
    forward = (probe.forward[0], resolve(probe.forward[1])) if probe.forward else None
    scaling = [(resolve(fargs), resolve(upstream)) for fargs, upstream in probe.scaling] if probe.scaling else None
    return {"function": probe.function, "args": resolve(probe.args), "forward": forward, "calls": list(probe.calls),
            "scaling": scaling, "quiet": probe.quiet, "repeat": probe.repeat, "kwargs": dict(probe.kwargs or {})}


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
    if probe.scaling or probe.check in JUDGED_ALONE:
        return None  # judged by how the counts grow, or on its own terms, not against a value
    if probe.want is not None:
        return probe.want
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
    if probe.check in JUDGED_ALONE:
        return JUDGED_ALONE[probe.check](probe, got)
    if probe.check == "sgd":
        return _sgd(probe, got, want)
    if probe.check == "steps":
        return _steps(probe, got, want)
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
    return function.endswith("_forward") or function.startswith("conv_forward_")


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
    try:  # the course's own comparison and words, as the notebook's test cells give them
        assert_close(name, g, np.asarray(want, dtype=float), tol)
    except GradientError as err:
        return str(err)
    return None


def _labels(got, want):
    g, w = np.asarray(got), np.asarray(want)
    if g.shape != w.shape:
        return f"the labels have shape {g.shape}; expected {w.shape}."
    if g.dtype.kind not in "iu":
        which = "0 and 1" if w.size and w.max() <= 1 else "class labels"
        return f"the labels are of type {g.dtype}; they should be an int array of {which}."
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
    return tuple(forward_args), (arr(rng, *upstream_shape),)


def conv_extents(fargs):
    """What a loop in a convolution could run over: (images, channels, filters, output rows, output columns)."""
    x, w, _, param = fargs[:4]
    (n, c, h, wd), (f, _, hh, ww) = x.shape, w.shape
    s, p = param["stride"], param["pad"]
    return n, c, f, 1 + (h + 2 * p - hh) // s, 1 + (wd + 2 * p - ww) // s


_EXTENTS = ("images", "channels", "filters", "output rows", "output columns")


def _no_loop(probe, got):
    """None if the Python lines run stay the same as images, channels, filters, output rows or columns grow."""
    if not isinstance(got, list) or len(got) != len(probe.scaling):
        return "its Python work could not be counted."
    base = conv_extents(probe.scaling[0][0])
    for count, (fargs, _) in zip(got[1:], probe.scaling[1:]):
        grown = {name: a - b for name, a, b in zip(_EXTENTS, conv_extents(fargs), base) if a > b}
        extra = min(grown.values())
        # A loop over any of them (or over both rows and columns) runs at least two lines per extra
        # iteration: its `for` and its body. Loops over kernel offsets run as often at every size.
        if count - got[0] < extra:
            continue
        if set(grown) <= {"output rows", "output columns"}:
            return (f"it runs {count - got[0]} more Python lines when the output has {extra} more rows or "
                    f"columns: it loops over output positions (or calls something that does); "
                    f"use whole-array operations over the positions.")
        more = [f"{n} more {name}" for name, n in grown.items()]
        more = ", ".join(more[:-1]) + f" and {more[-1]}" if len(more) > 1 else more[0]
        return (f"it runs {count - got[0]} more Python lines when there are {more}: it loops over images, "
                f"channels, filters or output positions (or calls something that does); only the kernel offsets "
                f"may be looped over, HH x WW times per im2col or col2im.")
    return None


def _pair(got):
    return isinstance(got, (tuple, list)) and len(got) == 2


def _sgd(probe, got, want):
    """next_w as the reference's, and a config dict that carries the new velocity (and keeps the rates it used)."""
    if not _pair(got) or not isinstance(got[1], dict):
        return "it should return (next_w, config) with config a dict."
    problem = mismatch(got[0], want[0], probe.tol, "next_w")
    if problem:
        return problem
    if "velocity" not in got[1]:
        return "the config it returns has no 'velocity': carry the new velocity in it to the next step."
    problem = mismatch(got[1]["velocity"], want[1]["velocity"], probe.tol, "config['velocity']")
    if problem:
        return problem + " It should be the new velocity, momentum * v - learning_rate * dw."
    for key in ("learning_rate", "momentum"):
        if key in got[1] and mismatch(got[1][key], want[1][key], probe.tol, key):
            return f"config[{key!r}] in the config it returns is not the {key.replace('_', ' ')} it used."
    return None


def _trained(probe, got):
    """What is wrong with (params, losses) as a training run returns them, or None; params' keys and shapes."""
    if not _pair(got) or not isinstance(got[0], dict):
        return "it should return (params, losses) with params a dict."
    params, losses = got
    if set(params) != {"W1", "b1", "W2", "b2"}:
        return "params should have the keys W1, b1, W2 and b2."
    f = np.shape(params["W1"])[0] if np.ndim(params["W1"]) == 4 else None
    shapes = {"W1": (f, 1, 3, 3), "b1": (f,), "W2": ((f or 0) * 16, 10), "b2": (10,)}
    for key, shape in shapes.items():
        if np.shape(params[key]) != shape:
            return f"params[{key!r}] has shape {np.shape(params[key])}; the network needs {shape}."
    try:
        losses = np.asarray(losses, dtype=float)
    except (TypeError, ValueError):
        return "losses should be a list of floats, one per step."
    if losses.ndim != 1 or not losses.size:
        return "losses should be a list of floats, one per step."
    return None


def _trains(probe, got):
    """A short run: params and one loss per step (a last partial batch used or dropped), the same twice."""
    if not _pair(got):
        return "its two runs could not be compared."
    first, second = got
    problem = _trained(probe, first)
    if problem:
        return problem
    n, epochs, batch = len(probe.args[1]), probe.args[3], probe.args[4]
    steps = {epochs * (n // batch), epochs * -(-n // batch)}
    if len(first[1]) not in steps:
        return (f"losses has {len(first[1])} entries; {epochs} epochs of {n} samples in batches of {batch} make "
                f"{' or '.join(map(str, sorted(steps)))} steps, one loss each.")
    if not all(_identical(a, b) for a, b in zip(_leaves(first), _leaves(second))) or len(_leaves(first)) != len(
            _leaves(second)):
        return ("called twice with the same seed it returned different params or losses: draw every random "
                "number from np.random.default_rng(seed), made once at the start.")
    return None


def _steps(probe, got, want):
    """A training run replayed step by step: one loss per batch before its step, then the params those steps give."""
    problem = _trained(probe, got)
    if problem:
        return problem
    n, epochs, batch = len(probe.args[1]), probe.args[3], probe.args[4]
    if len(got[1]) != len(want[1]):
        return (f"losses has {len(got[1])} entries; {epochs} epochs of {n} images in batches of {batch} make "
                f"{len(want[1])} steps (the last batch of an epoch is smaller, and kept): run every epoch asked for, "
                f"every batch of it, one loss each.")
    steps = ("From the given initialisation, each step should move every parameter by sgd_momentum (learning_rate, "
             "momentum 0.9), each with its own config carried to its next step.")
    losses, wanted = np.asarray(got[1], dtype=float), np.asarray(want[1], dtype=float)
    if mismatch(losses[:1], wanted[:1], probe.tol, "losses[0]"):
        return (f"{mismatch(losses[:1], wanted[:1], probe.tol, 'losses[0]')} It is the loss cnn_loss gives for the "
                f"first batch before any step, at the given initialisation (keep it, and do not average the losses).")
    problem = mismatch(losses, wanted, probe.tol, "losses")
    if problem:
        return f"{problem} The first is right, so the steps move the params wrongly. {steps}"
    problem = mismatch(got[0], want[0], probe.tol, f"params after {len(want[1])} steps")
    return f"{problem} {steps}" if problem else None


def _leaves(value):
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in _leaves(value[key])]
    if isinstance(value, (tuple, list)):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def _identical(a, b):
    try:
        return np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True)
    except (TypeError, ValueError):
        return False


def _accuracy(probe, got):
    """The trained params classify at least the asked fraction of a held-out split (probe.data) right."""
    problem = _trained(probe, got)
    if problem:
        return problem
    X, y, least = probe.data
    try:
        right = float(np.mean(reference.cnn_predict(got[0], X) == y))
    except Exception as err:  # params of the right shapes can still hold what is no number
        return f"the trained params cannot be used ({type(err).__name__}: {err})."
    if not right >= least:
        return (f"the trained network classifies {right:.1%} of the course's {len(y)} test images right; with "
                f"the defaults it should reach {least:.0%} (on the test split, which train_cnn never sees). Check "
                f"the defaults (learning rate, epochs) and that each parameter's config, velocity and all, is "
                f"carried from step to step.")
    return None


# Checks that judge an output on their own terms (no reference output to compare with).
JUDGED_ALONE = {"trains": _trains, "accuracy": _accuracy}
