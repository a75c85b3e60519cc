"""The catalogue of typical mistakes: wrong implementations that students really write.

A mistake is either a complete graded function registered with ``@mistake``, or a ``mutation``:
the source notebook's own solution with a few exact edits (an ``=`` for a ``+=``, a dropped
flip). The suite puts it in place of the solution, grades the notebook with nbgrader, and proves
that the function loses points and that a failure message contains ``says`` (what is likely
wrong). A mistake with ``visible`` test cells must already fail those, with ``says``, in the student's
notebook as released. Mistakes use the source notebook's cache layout, since they run beside its
other solutions.
"""
from importlib import import_module

from ..assignments import REGISTRY
from .catalogue import CATALOGUE, Mistake, catalogue, mistake, mutation

__all__ = ["CATALOGUE", "Mistake", "catalogue", "mistake", "mutation"]
for _assignment in REGISTRY:  # each topic's module registers its mistakes as it is imported
    import_module(f"{__name__}.{_assignment.topic}")
