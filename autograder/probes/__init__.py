"""The grader's own checks of each graded function: inputs to call it on and how to judge the output.

A Probe is plain data that goes into the sandbox; the student's function is called there and
its output comes back as plain data. Judging happens here, in a process the student's code never
ran in: against the reference solution and, for backward functions, against a numerical gradient
of the reference forward pass. Each assignment's probes sit in probes/<topic>.py, found from
autograder.assignments; the machinery they share is in probes/core.py.
"""
from importlib import import_module

import numpy as np

from ..assignments import REGISTRY
from .core import Probe, call, compare, entrywise, expected, expected_forward, judge, mismatch, plain, returns_cache

__all__ = ["Probe", "call", "compare", "entrywise", "expected", "expected_forward", "judge", "mismatch", "plain",
           "probes", "returns_cache"]
BUILDERS = {a.id: import_module(f"{__name__}.{a.topic}").probes for a in REGISTRY}


def probes(aid, seed=2026):
    """The probes of one assignment, the same for every student of one grading run."""
    return BUILDERS[aid](np.random.default_rng(seed))
