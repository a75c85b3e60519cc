"""The reference NumPy solutions of every graded function: one module per topic, and one flat namespace.

The flat namespace (reference.add_forward, ...) is what the notebooks have: every graded function
by name, one implementation per name. Each topic's module is found from autograder.assignments. A
module whose assignment grades functions of an earlier one again (06 grades 03's affine layer and
04's max pooling) imports them and names them in its REGRADED: the same functions, not a second
implementation.
"""
from importlib import import_module
from inspect import isfunction

from ..assignments import REGISTRY

BY_ASSIGNMENT = {a.id: import_module(f"{__name__}.{a.topic}") for a in REGISTRY}


def graded(module):
    """Map name -> function for the graded functions of a reference module: the public functions it defines,
    and those it imports and names in REGRADED."""
    again = set(getattr(module, "REGRADED", ()))
    return {name: f for name, f in vars(module).items()
            if isfunction(f) and not name.startswith("_") and (f.__module__ == module.__name__ or name in again)}


def _flat(modules):
    """name -> function over every module's graded(); a name two modules implement differently is refused."""
    flat = {}
    for module in modules:
        for name, f in graded(module).items():
            if flat.setdefault(name, f) is not f:
                raise ImportError(f"reference: {name} has two implementations ({flat[name].__module__}, "
                                  f"{f.__module__}); name it in REGRADED of one module and import it there")
    return flat


globals().update(_flat(BY_ASSIGNMENT.values()))
