"""Check that the visible tests, which students see fail first, try the shapes and settings the contract allows."""
import re

import numpy as np
import pytest

from autograder.notebooks import (
    HIDDEN,
    REPO,
    function_of,
    nbgrader_cells,
    notebook_path,
    outside,
    read_notebook,
    solution_code,
)
from conftest import ASSIGNMENTS
from helpers import leaves

LAYERS = re.compile(r"(avg|max)_pool_(forward|backward)|conv_(forward|backward)_\w+")
FIXED_SHAPES = {"neuron_forward_backward"}  # the contract fixes w (3,) and x (2,)


def solved(aid):
    """(source notebook, its solutions, a namespace with the setup cell's imports and every solution defined)."""
    nb = read_notebook(notebook_path(REPO, "source", aid))
    code = solution_code(nb)
    namespace = {}
    exec(compile(next(c.source for c in nb.cells if c.cell_type == "code"), "imports", "exec"), namespace)
    for function, source in code.items():
        exec(compile(source, function, "exec"), namespace)
    return nb, code, namespace


def visible_arguments(aid):
    """Map graded function -> every argument its visible test cells pass to any graded function."""
    nb, code, namespace = solved(aid)
    seen = {function: [] for function in code}
    for gid, cell in nbgrader_cells(nb, "grade").items():
        owner, real = function_of(gid, code), {f: namespace[f] for f in code}

        def spy(function, owner=owner, real=real):  # bound now, as B023 asks; the cell runs in this iteration
            def recorded(*args, **kwargs):
                seen[owner] += leaves([*args, *kwargs.values()])
                return real[function](*args, **kwargs)
            return recorded
        namespace.update({f: spy(f) for f in code})
        try:
            exec(compile(outside(cell.source, HIDDEN), gid, "exec"), namespace)
        finally:
            namespace.update(real)
    return seen


def missing(function, arguments):
    """What the contract lets vary that no visible test of function tries."""
    arrays = [a for a in arguments if isinstance(a, np.ndarray)]
    params = [a for a in arguments if isinstance(a, dict)]
    gaps = []
    if function not in FIXED_SHAPES and not any(a.ndim >= 2 and a.shape[-1] != a.shape[-2] for a in arrays):
        gaps.append("a non-square array")
    if LAYERS.fullmatch(function):
        if not any(a.ndim == 4 and a.shape[0] > 1 and a.shape[1] > 1 and a.shape[2] != a.shape[3] for a in arrays):
            gaps.append("N > 1 and C > 1 with H != W")
        if not any(p.get("stride") == 2 for p in params):
            gaps.append("stride 2")
        if function.startswith("conv") and not any(p.get("pad", 0) > 0 for p in params):
            gaps.append("padding > 0")
        if function.startswith("conv") and not any(a.ndim == 4 and a.shape[0] > 1 and a.shape[2] != a.shape[3]
                                                   for a in arrays[1:]):
            gaps.append("F > 1 with a non-square kernel")
        if "pool" in function and not any(p.get("pool_height") != p.get("pool_width") for p in params):
            gaps.append("a non-square window")
    return gaps


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_every_graded_function_is_tried_visibly_on_what_the_contract_allows(aid, monkeypatch):
    """Check that each function's visible tests have N, C > 1, stride 2, padding and non-square shapes where they
    apply."""
    monkeypatch.chdir(notebook_path(REPO, "source", aid).parent)  # cells read their data files there, as in a kernel
    gaps = {f: g for f, args in visible_arguments(aid).items() if (g := missing(f, args))}
    assert not gaps, gaps


def test_the_coverage_check_finds_what_is_missing():
    """Check that missing() reports a visible test of a layer that only tries one square image at stride 1."""
    square = [np.zeros((1, 1, 4, 4)), {"pool_height": 2, "pool_width": 2, "stride": 1}]
    assert missing("max_pool_backward", square) == ["a non-square array", "N > 1 and C > 1 with H != W", "stride 2",
                                                    "a non-square window"]
    conv = [np.zeros((2, 3, 5, 6)), np.zeros((2, 3, 2, 3)), {"stride": 2, "pad": 0}]
    assert missing("conv_backward_flip", conv) == ["padding > 0"]
    assert missing("add_forward", [np.zeros(2), 1.0]) == ["a non-square array"]


def planted(function):
    """A stand-in for function that raises an IndexError, defined in a cell of its own as a student's would be."""
    source = f"def {function}(*args, **kwargs):\n    raise IndexError('planted in {function}')\n"
    namespace = {}
    exec(compile(source, f"<{function}'s cell>", "exec"), namespace)
    return namespace[function]


def planted_errors(aid):
    """(test cell, function it calls, what the cell raised) with that function raising an IndexError, in turn."""
    nb, code, namespace = solved(aid)
    for gid, cell in nbgrader_cells(nb, "grade").items():
        for function in code:
            before = dict(namespace)
            namespace[function] = planted(function)  # in the one namespace, as in the notebook: its callers get it too
            try:
                exec(compile(outside(cell.source, HIDDEN), gid, "exec"), namespace)
            except Exception as err:  # noqa: BLE001  what the student would see
                yield gid, function, err
            finally:  # a cell that never calls function raises nothing
                namespace.clear()
                namespace.update(before)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_an_error_inside_a_function_comes_out_with_its_name_and_the_hint(aid, monkeypatch):
    """Check that an error raised inside any function a visible test calls is a failed check naming it, with a hint."""
    monkeypatch.chdir(notebook_path(REPO, "source", aid).parent)  # cells read their data files there, as in a kernel
    bare = []
    for gid, function, err in planted_errors(aid):
        said = f"{type(err).__name__}: {err}"
        if not (isinstance(err, AssertionError)
                and re.search(rf"{function} raised IndexError: planted in {function}[^;]*; \S.{{10,}}", str(err))):
            bare.append(f"{gid} with {function} raising: {said}")
    assert not bare, "\n".join(bare)
