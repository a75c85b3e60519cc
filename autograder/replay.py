"""Judging a function that calls other graded functions when one of those is wrong.

A composite (circuit_forward_backward, neuron_forward_backward, perceptron_train, ...) runs on
the student's own gates, so a wrong gate makes its output wrong too. The sandbox logs each call
it made to another graded function: the arguments and what came back. Here the source
notebook's own solution of the composite runs with each of those calls answered from that log.
If it ends where the student's composite ended, the composite is right, given its gates. If the
solution asks for a call the student's function never made, nothing can be told.
"""
import numpy as np

from .plaindata import Raised, Unsupported, fresh
from .sandbox_runner import call_probe


class _Unanswered(LookupError):
    """The solution made a call that the student's function did not make."""


def replay(solutions, functions, probe, log):
    """(value, error) of the solution on probe (plain), its other graded calls answered from log; None if it
    made a call that is not in the log."""
    namespace = {}
    exec(compile("import numpy as np\n" + solutions, "<source solutions>", "exec"), namespace)
    unused = list(log)

    def answering(name):
        def answer(*args, **kwargs):
            for k, (called, logged_args, logged_kwargs, result) in enumerate(unused):
                if called == name and _alike((logged_args, logged_kwargs), (args, kwargs)):
                    del unused[k]
                    if isinstance(result, Raised):  # the student's function raised here: so does its answer
                        kind, _, message = result.error.partition(": ")
                        raise type(kind, (Exception,), {})(message)
                    return fresh(result)
            raise _Unanswered(name)
        return answer

    for name in functions:
        if name != probe["function"]:
            namespace[name] = answering(name)
    outcome = call_probe(namespace, probe)
    if outcome["error"] and outcome["error"].startswith(_Unanswered.__name__):
        return None
    return outcome["value"], outcome["error"]


def _alike(a, b):
    """Whether two call arguments are the same values (to rounding), whatever containers hold them."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(map(_alike, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_alike(a[k], b[k]) for k in a)
    if isinstance(a, Unsupported) or isinstance(b, Unsupported):
        return type(a) is type(b) and a.type_name == b.type_name
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return a == b
    try:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return x.shape == y.shape and bool(np.allclose(x, y, rtol=1e-9, atol=1e-12))
    except (TypeError, ValueError):
        return a == b
