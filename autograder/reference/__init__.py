"""The reference NumPy solutions of every graded function: one module per topic, and one flat namespace.

The flat namespace (reference.add_forward, ...) is what the notebooks have: every graded function
by name. Each topic's module is found from autograder.assignments.
"""
from importlib import import_module
from inspect import isfunction

from ..assignments import REGISTRY

BY_ASSIGNMENT = {a.id: import_module(f"{__name__}.{a.topic}") for a in REGISTRY}


def graded(module):
    """Map name -> function for the graded functions a reference module defines (its own public functions)."""
    return {name: f for name, f in vars(module).items()
            if isfunction(f) and not name.startswith("_") and f.__module__ == module.__name__}


for _module in BY_ASSIGNMENT.values():
    globals().update(graded(_module))
