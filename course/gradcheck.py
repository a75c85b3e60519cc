"""Gradient checking that says how a gradient is wrong, not only that it is.

The one error metric of the course is ``rel_error``:

    rel_error(a, b) = max|a - b| / max(max|a|, max|b|, 1e-12)

a normwise relative error. Unlike CS231n's entry-wise ``|a - b| / (|a| + |b|)`` it does not
blow up on entries that are tiny in both arrays, and it is 0 only when the arrays are equal.

Two ways to get the numbers to compare with:
- ``check_gradient`` compares every entry with a five-point-stencil numerical gradient
  (2 calls of f per entry pair; for small inputs);
- ``check_directional`` compares directional derivatives ``v . grad`` with
  ``(f(x + h v) - f(x - h v)) / 2h`` along a few random unit directions v (2 calls of f per
  direction; for large inputs and slow loops).
On failure both raise ``GradientError`` (an ``AssertionError``) whose message names the
quantity, the error, the tolerance and a diagnosis from ``diagnose``; it never shows the
expected numbers.
"""
import linecache
import sysconfig
from contextlib import contextmanager
from pathlib import Path

import numpy as np

TINY = 1e-12
_ERRSTATE, _SETERR = np.errstate, np.seterr  # as NumPy made them, taken before any notebook code runs


class GradientError(AssertionError):
    """A checked quantity is not what it should be; the message says how."""


@contextmanager
def explained(hint):
    """Report an error raised by the code inside (an IndexError in a loop, a shape clash in NumPy) as a GradientError.

    The message names the function that raised it and the line, then ends in hint, as a wrong value's would.
    """
    try:
        yield
    except (AssertionError, NotImplementedError):  # a failed check says its own words; a stub is not a bug
        raise
    except Exception as err:
        raise GradientError(_raised(err) + (f"; {hint}" if hint else ".")) from None


_LIBRARIES = tuple({str(Path(p).resolve()) for p in (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
                                                        sysconfig.get_paths()["platlib"], Path(__file__).parent)})


def _raised(err):
    """'f raised IndexError: ... (at `line`)', naming the first function of the notebook's own code the error
    came through."""
    frames = [(tb.tb_frame.f_code, tb.tb_lineno) for tb in _tracebacks(err.__traceback__)][1:]  # past the context
    own = [(code, line) for code, line in frames if not str(Path(code.co_filename).resolve()).startswith(_LIBRARIES)]
    own = [(code, line) for code, line in own if code.co_filename != frames[0][0].co_filename]  # not the test's code
    named = [code.co_name for code, _ in own if not code.co_name.startswith("<")]  # not a lambda or a comprehension
    what = f"{type(err).__name__}: {err}"
    if not named:  # raised by the test's own code, on what a function returned
        return what
    code, line = own[-1]
    text = linecache.getline(code.co_filename, line).strip()
    inner = code.co_name if code.co_name != named[0] and not code.co_name.startswith("<") else ""
    place = ", ".join(part for part in (inner and f"in {inner}", text and f"at `{text}`") if part)
    return f"{named[0]} raised {what}" + (f" ({place})" if place else "")


def _tracebacks(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


@contextmanager
def uses(names):
    """Run the checks inside on functions a test relies on; a failure there says to fix those first.

    names: the relied-on functions as the message should name them ("affine_forward and affine_backward").
    """
    try:
        yield
    except NotImplementedError:
        raise GradientError(f"this test relies on your {names}, which {'are' if ' and ' in names else 'is'} not "
                            f"written yet: write {names} first.") from None
    except Exception as err:
        why = err if isinstance(err, AssertionError) else _raised(err)
        raise GradientError(f"this test relies on your {names}, and a check of {names} fails "
                            f"({why}); fix {names} first.") from None


@contextmanager
def strict_floats():
    """Raise FloatingPointError on overflow, invalid values and division by zero, whatever the code inside asks.

    Inside, np.errstate and np.seterr do nothing, so a computation that overflows cannot hide it
    with its own np.errstate(over="ignore").
    """
    np.errstate = lambda *args, **kwargs: _Unchanged()
    np.seterr = lambda *args, **kwargs: np.geterr()
    try:
        with _ERRSTATE(over="raise", invalid="raise", divide="raise"):
            yield
    finally:
        np.errstate, np.seterr = _ERRSTATE, _SETERR


class _Unchanged:
    """What np.errstate gives inside strict_floats: a context (and decorator) that changes nothing."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, function):
        return function


def rel_error(actual, expected):
    """Return max|a - e| / max(max|a|, max|e|, 1e-12) for arrays of one shape."""
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(e), initial=0.0), TINY)
    return float(np.max(np.abs(a - e), initial=0.0) / scale)


def _close(a, b, tol):
    return rel_error(a, b) <= tol


def _fraction(c):
    """Write a scale factor the way a student would recognise it: 2, -1, 1/4, 0.37."""
    for k in range(2, 65):
        if abs(abs(c) * k - 1) < 1e-3:
            return f"{'-' if c < 0 else ''}1/{k}"
    return f"{c:.3g}" if abs(c - round(c)) > 1e-3 else f"{round(c)}"


def _entries(mask, limit=6):
    idx = [tuple(int(i) for i in ix) for ix in np.argwhere(mask)]
    shown = ", ".join(str(ix[0] if len(ix) == 1 else ix) for ix in idx[:limit])
    return shown + (f", ... ({len(idx)} in all)" if len(idx) > limit else "")


def _zeros_and_ones(a):
    return a.size > 0 and bool(np.all((a == 0) | (a == 1)))


def diagnose(actual, expected, tol=1e-6):
    """Say in words how actual differs from expected, without showing expected's values."""
    labels = np.asarray(expected).dtype.kind in "biu"  # expected 0/1 integers are a classifier's labels
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        if a.shape == e.shape[::-1]:
            return f"it has shape {a.shape}, the transpose of the expected shape {e.shape}."
        return f"it has shape {a.shape}, but should have shape {e.shape}."
    if not np.all(np.isfinite(a)):
        return "it contains NaN or inf: look for an overflow or a division by zero."
    if labels and _zeros_and_ones(e) and _zeros_and_ones(a) and np.any(a != e):  # no gradient words for labels
        wrong = a != e
        if not a.ndim:
            return "the label is wrong."
        return f"{int(wrong.sum())} of {a.size} labels are wrong: {_entries(wrong)}."
    if not np.any(a) and np.any(e):
        return "it is zero everywhere, though it should not be."  # the cause is the hint's to say: 0/1 inputs, say
    if _close(a, -e, tol):
        return "it has the wrong sign."
    c = float(np.sum(a * e) / max(np.sum(e * e), TINY))
    if abs(c - 1) < 1e-6 and _close(a, e, 1e-6):  # a factor of 1 is no factor: the digits differ
        return ("it is close, but not within the tolerance: look for float32, a value rounded on the way, or a "
                "step computed in another order.")
    if a.size > 1 and np.any(e) and _close(a, c * e, tol):  # any two numbers differ by "a factor"
        return (f"it is off by a constant factor of {_fraction(c)}: look for a missing or an "
                f"extra factor (1/m, 1/N, 2, a local gradient).")
    if e.ndim >= 2 and e.shape[-1] == e.shape[-2] > 1:
        if _close(a, np.swapaxes(e, -1, -2), tol):
            return "it is transposed."
        if _close(a, e[..., ::-1, ::-1], tol):
            return ("it is rotated by 180 degrees: is a kernel flipped where it should not be, "
                    "or not flipped where it should?")
    if e.ndim >= 1 and e.shape[-1] > 1 and _close(a, e[..., ::-1], tol):
        return "it is reversed along its last axis."
    scale = max(np.max(np.abs(e)), TINY)
    wrong = np.abs(a - e) > tol * scale
    if a.ndim == 0:
        return "it is zero, but should not be." if a == 0 else "its value is wrong."
    zero_here = wrong & (a == 0)
    if np.all(zero_here[wrong]):
        return f"it is zero in entries where it should not be: {_entries(zero_here)}."
    extra = wrong & (e == 0)
    if np.all(extra[wrong]):
        return (f"it is non-zero in entries where the gradient is zero: {_entries(extra)} "
                f"(is gradient sent where it does not flow?).")
    return f"it is wrong in {int(wrong.sum())} of {a.size} entries: {_entries(wrong)}."


def assert_close(name, actual, expected, tol, hint=""):
    """Assert rel_error(actual, expected) <= tol; otherwise raise GradientError with a diagnosis.

    Returns None, so that a test cell ending in a check shows no output (nbgrader would read a
    number there as partial credit).
    """
    __tracebackhide__ = True  # IPython's traceback skips this frame (but still shows the line that raises)
    a, e = np.asarray(actual), np.asarray(expected)
    if a.shape != e.shape:
        raise _wrong_shape(name, a.shape, e.shape, hint)
    if not np.all(np.isfinite(a.astype(float))):
        raise GradientError(f"{name}: {diagnose(a, e)}{' ' + hint if hint else ''}")
    err = rel_error(a, e)
    if err > tol:
        raise GradientError(f"{name}: relative error {err:.1e} exceeds the tolerance {tol:.0e}; "
                            f"{diagnose(a, e, tol=max(tol, 1e-6))}{' ' + hint if hint else ''}")


def assert_shape(name, actual, shape, hint=""):
    """Assert that actual has the given shape, before a test reads entries of it; otherwise raise GradientError."""
    __tracebackhide__ = True  # IPython's traceback skips this frame (but still shows the line that raises)
    if np.shape(actual) != tuple(shape):
        raise _wrong_shape(name, np.shape(actual), tuple(shape), hint)


def _wrong_shape(name, shape, expected_shape, hint=""):
    """The GradientError of a result with the wrong shape; a hint about values would point the wrong way there,
    so the hint is kept only if it speaks of shapes."""
    said = diagnose(np.zeros(shape), np.zeros(expected_shape))  # only the shapes decide what it says
    return GradientError(f"{name}: {said}{' ' + hint if 'shape' in hint else ''}")


def five_point_gradient(f, x, h=1e-3):
    """Numerical gradient of scalar f at x by the fourth-order five-point stencil.

    x: float array of any shape, left unchanged; returns an array of x's shape.
    The stencil's error is O(h^4), so the check is sharper than plain centred differences.
    """
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        values = []
        for step in (-2, -1, 1, 2):
            shifted = x.copy()
            shifted[index] += step * h
            values.append(float(f(shifted)))
        # Differences first: a function flat in x_i then gives exactly 0, not round-off noise.
        grad[index] = (8 * (values[2] - values[1]) - (values[3] - values[0])) / (12 * h)
    return grad


def check_gradient(name, analytic, f, x, tol=1e-7, hint=""):
    """Assert that analytic (x's shape) is the gradient of scalar f at x, entry by entry."""
    __tracebackhide__ = True  # IPython's traceback skips this frame (but still shows the line that raises)
    assert_close(name, analytic, five_point_gradient(f, x), tol, hint)


def check_directional(name, analytic, f, x, tol=1e-6, n_dirs=5, h=1e-5, seed=0, hint=""):
    """Assert v . analytic == (f(x + h v) - f(x - h v)) / 2h along n_dirs random unit vectors v."""
    __tracebackhide__ = True  # IPython's traceback skips this frame (but still shows the line that raises)
    x = np.asarray(x, dtype=float)
    g = np.asarray(analytic, dtype=float)
    if g.shape != x.shape:
        raise _wrong_shape(name, g.shape, x.shape)
    rng = np.random.default_rng(seed)
    dirs = [v / np.linalg.norm(v) for v in rng.standard_normal((n_dirs,) + x.shape)]
    predicted = np.array([np.sum(v * g) for v in dirs])
    measured = np.array([(f(x + h * v) - f(x - h * v)) / (2 * h) for v in dirs])
    err = rel_error(predicted, measured)
    if err <= tol:
        return
    c = float(np.sum(predicted * measured) / max(np.sum(measured ** 2), TINY))
    if not np.any(predicted):
        why = "it is zero in every direction tried."
    elif _close(predicted, c * measured, 1e-5):
        why = "it has the wrong sign." if abs(c + 1) < 1e-3 else f"it is off by a constant factor of {_fraction(c)}."
    else:
        why = "its directional derivatives disagree; check a small input entry by entry to see where."
    raise GradientError(f"{name}: relative error {err:.1e} of {n_dirs} directional derivatives "
                        f"exceeds the tolerance {tol:.0e}; {why}{' ' + hint if hint else ''}")


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def check_backward(forward, backward, inputs, names, params=(), tol=1e-7, directional=False, seed=0, hint=""):
    """Check backward against numerical gradients of L = sum(dout * forward(*inputs, *params)).

    inputs: the arrays to differentiate, in forward's argument order; names: their gradients'
    names ("dx", "dw", ...) in backward's return order; hint ends every failure message. A forward
    returning several outputs (a tuple) gets one upstream gradient each, passed to backward before the cache.
    Also asserts that neither forward nor backward changes its arguments.
    """
    __tracebackhide__ = True  # IPython's traceback skips this frame (but still shows the line that raises)
    rng = np.random.default_rng(seed)
    inputs = [np.array(v, dtype=float) for v in inputs]
    saved = [v.copy() for v in inputs]
    with explained(hint):  # an error in forward or backward, first call or numerical ones, ends in the hint too
        out, cache = forward(*inputs, *params)
        douts = tuple(rng.standard_normal(np.shape(o)) for o in _as_tuple(out))
        douts_saved = [d.copy() for d in douts]
        grads = _as_tuple(backward(*douts, cache))
        for v, s, what in [*zip(inputs, saved, names), *zip(douts, douts_saved, ["dout"] * len(douts))]:
            if not np.array_equal(v, s):
                raise GradientError(f"{what}: the {'upstream gradient' if what == 'dout' else 'input'} "
                                    f"was changed in place; work on copies.")
        if len(grads) != len(names):
            raise GradientError(f"backward returned {len(grads)} gradient(s); expected {len(names)} "
                                f"({', '.join(names)}).")

        def loss_of(i):
            def loss(v):
                args = inputs[:i] + [v] + inputs[i + 1:]
                return sum(np.sum(d * o) for d, o in zip(douts, _as_tuple(forward(*args, *params)[0])))
            return loss

        check = check_directional if directional else check_gradient
        for i, name in enumerate(names):
            check(name, grads[i], loss_of(i), inputs[i], tol=tol, hint=hint)
