"""Check that each assignment is one unit: one line in the registry, and every part in its place."""
import re

import pytest

from autograder import probes
from autograder import reference as ref
from autograder.assignments import IDS, REGISTRY
from autograder.mistakes import catalogue
from autograder.notebooks import REPO, notebook_path, read_notebook, solution_code


@pytest.mark.parametrize("assignment", REGISTRY, ids=lambda a: a.id)
def test_each_registered_assignment_has_all_its_parts(assignment):
    """Check its notebooks, and a reference, probes and mistakes module, each covering every graded function."""
    aid, topic = assignment.id, assignment.topic
    for folder in ("source", "release"):
        assert notebook_path(REPO, folder, aid).exists(), f"{aid} has no {folder} notebook"
    for part in ("reference", "probes", "mistakes"):
        assert (REPO / "autograder" / part / f"{topic}.py").exists(), f"{aid} has no autograder/{part}/{topic}.py"
    solutions = solution_code(read_notebook(notebook_path(REPO, "source", aid)))
    functions = set(solutions)
    assert set(ref.graded(ref.BY_ASSIGNMENT[aid])) == functions, "the reference solves every graded function"
    assert {p.function for p in probes.probes(aid)} == functions, "the probes try every graded function"
    mistakes = catalogue(aid)
    assert {m.function for m in mistakes} <= functions
    assert {f for f in functions if "backward" in f or f == "numerical_gradient"} <= {m.function for m in mistakes}
    assert len({m.id for m in mistakes}) == len(mistakes), "mistakes are distinct"
    assert all(re.fullmatch(r"[a-z0-9_-]+", m.id) for m in mistakes), "ids name student folders"
    for m in mistakes:
        assert m.code(solutions) != solutions[m.function], f"{m.id} changes nothing"


def test_every_notebook_folder_is_a_registered_assignment_in_course_order():
    """Check that source/ and release/ hold exactly the registered assignments, numbered in order, topics unique."""
    for folder in ("source", "release"):
        assert sorted(p.name for p in (REPO / folder).iterdir()) == sorted(IDS)
    assert [int(aid[:2]) for aid in IDS] == list(range(1, len(IDS) + 1))
    assert len({a.topic for a in REGISTRY}) == len(REGISTRY)
