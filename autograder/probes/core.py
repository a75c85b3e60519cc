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
    scaling: tuple = None  # ((fargs, upstream), ...) at growing output sizes: Python lines run, counted
    decisive: bool = False  # the function is worth nothing when this probe fails (the exercise's rule)


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
    return tuple(forward_args), (arr(rng, *upstream_shape),)


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
