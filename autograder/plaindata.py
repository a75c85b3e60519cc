"""Values as plain data (JSON plus an .npz of arrays, never pickle) across the sandbox's wall.

Standalone: the sandbox runner imports this file on its own, without the autograder package.
Tuples, lists, dicts with string keys, None, bools, numbers, strings and numeric arrays pass;
anything else (an object, a function, an object array) becomes a marker naming its type.
"""
import json

import numpy as np

FUNCTION, UNSUPPORTED, RAISED = "__function__", "__unsupported__", "__raised__"


def encode(value, arrays):
    """A JSON-ready tree for value; its arrays go into the dict arrays under fresh keys."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return {"__float__": repr(value)} if isinstance(value, float) and not np.isfinite(value) else value
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return encode(value.item(), arrays)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        key = f"a{len(arrays)}"
        arrays[key] = value
        layout = _layout(value)
        return {"__array__": key} if layout == "C" else {"__view__": [key, layout]}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [encode(v, arrays) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"__dict__": {k: encode(v, arrays) for k, v in value.items()}}
    if isinstance(value, Named):
        return {FUNCTION: value.name}
    if isinstance(value, Raised):
        return {RAISED: value.error}
    return {UNSUPPORTED: type(value).__name__}


def decode(tree, arrays, functions=None):
    """The value encode() described; functions maps names of callables to the callables."""
    if isinstance(tree, list):
        return [decode(v, arrays, functions) for v in tree]
    if not isinstance(tree, dict):
        return tree
    (kind, body), = tree.items()
    if kind == "__float__":
        return float(body)
    if kind == "__array__":
        return np.array(arrays[body])
    if kind == "__view__":
        return _laid_out(arrays[body[0]], body[1])
    if kind == "__tuple__":
        return tuple(decode(v, arrays, functions) for v in body)
    if kind == "__dict__":
        return {k: decode(v, arrays, functions) for k, v in body.items()}
    if kind == FUNCTION:
        return (functions or {}).get(body, Named(body))
    if kind == RAISED:
        return Raised(body)
    return Unsupported(body)


def _layout(a):
    """C for a C-contiguous array, F for a Fortran-ordered one (a transpose), else strided (a sliced view)."""
    return "C" if a.flags.c_contiguous else "F" if a.flags.f_contiguous else "strided"


def _laid_out(a, layout):
    """A copy of a's values in the given memory layout: the views a probe sends keep their strides."""
    if layout == "C":
        return np.array(a, order="C")
    if layout == "F":
        return np.array(a, order="F")
    base = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
    view = base[..., ::2]
    view[...] = a
    return view


def fresh(value):
    """value with every array inside its tuples, lists and dicts copied, in the same memory layout."""
    if isinstance(value, np.ndarray):
        return _laid_out(value, _layout(value))
    if isinstance(value, tuple):
        return tuple(fresh(v) for v in value)
    if isinstance(value, list):
        return [fresh(v) for v in value]
    if isinstance(value, dict):
        return {k: fresh(v) for k, v in value.items()}
    return value


def same(a, b):
    """Whether b still holds what a (a fresh() copy of it) holds: same arrays, same values."""
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return True  # anything else is compared by identity, and fresh() kept the object itself


class Named:
    """A callable argument sent by name: the far side maps the name to its own function."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<function {self.name}>"


class Raised:
    """What a logged call did instead of returning: raise an error ("ValueError: ...")."""

    def __init__(self, error):
        self.error = error

    def __repr__(self):
        return f"<raised {self.error}>"


class Unsupported:
    """A value that was no plain data (say, an object the student's function returned)."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name}>"


def save(path_stem, value):
    """Write value as path_stem.json and path_stem.npz (arrays only, loaded without pickle)."""
    arrays = {}
    tree = encode(value, arrays)
    np.savez(f"{path_stem}.npz", **arrays)
    with open(f"{path_stem}.json", "w") as fh:
        json.dump(tree, fh)


def load(path_stem, functions=None):
    """Read what save() wrote; refuses pickled arrays."""
    with open(f"{path_stem}.json") as fh:
        tree = json.load(fh)
    with np.load(f"{path_stem}.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return decode(tree, arrays, functions)
