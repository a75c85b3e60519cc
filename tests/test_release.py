"""Check release/ (and the Korean release_ko/) against source/: fresh, without outputs, leaking no answer or
hidden test."""
import ast
import inspect
import json

import numpy as np
import pytest

import course
from autograder import probes, translations
from autograder import reference as ref
from autograder.notebooks import REPO, nbgrader_cells, notebook_path, read_notebook
from autograder.pipeline import Course, copy_course
from conftest import ASSIGNMENTS
from helpers import difference, sample_calls, secret_lines

COURSE_FILES = sorted((REPO / "course").rglob("*.py"))
GRADED = sorted(n for m in ref.BY_ASSIGNMENT.values() for n in ref.graded(m))


def reference_lines():
    """Distinctive lines of the reference module's function bodies."""
    lines = set()
    for module in ref.BY_ASSIGNMENT.values():
        for line in inspect.getsource(module).splitlines():
            text = line.strip()
            if len(text) >= 12 and line.startswith("    ") and not text.startswith(('"""', "#")):
                lines.add(text)
    return lines


def student_visible_text():
    """(where, text) of everything a student sees: both editions' release notebooks and course/*.py."""
    for aid in ASSIGNMENTS:
        for i, cell in enumerate(read_notebook(notebook_path(REPO, "release", aid)).cells):
            yield f"release/{aid} cell {i}", cell.source
    for aid in translations.catalogued():  # the Korean edition (release_ko/), built from release/
        for i, cell in enumerate(read_notebook(notebook_path(REPO, translations.FOLDER, aid)).cells):
            yield f"{translations.FOLDER}/{aid} cell {i}", cell.source
    for path in COURSE_FILES:
        yield str(path.relative_to(REPO)), path.read_text()


@pytest.mark.slow  # runs nbgrader generate_assignment
@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_is_what_nbgrader_generates_today(aid, tmp_path):
    """Check that the committed release notebook equals a fresh nbgrader generate_assignment."""
    root = copy_course(tmp_path)
    Course(root).release([aid])
    fresh = json.loads(notebook_path(root, "release", aid).read_text())
    committed = json.loads(notebook_path(REPO, "release", aid).read_text())
    assert committed == fresh, "release/ is stale: run `make release` and commit the result"


@pytest.mark.parametrize("folder", ["source", "release", translations.FOLDER])
def test_notebooks_are_committed_without_outputs(folder):
    """Check that no committed notebook carries outputs or execution counts."""
    for path in sorted((REPO / folder).glob("*/*.ipynb")):
        for cell in read_notebook(path).cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{path.name} has outputs"


def test_source_folders_hold_only_notebooks_and_small_data():
    """Check that nothing but notebooks and small data files sit in source/NN_name/."""
    for path in (REPO / "source").rglob("*"):
        if path.is_file():
            assert path.suffix in {".ipynb", ".npz", ".csv"} and path.stat().st_size < 2_000_000, path


def test_release_keeps_every_graded_cell_and_stubs_every_solution():
    """Check that each solution cell of release/ is a stub and each test cell keeps its grade_id and points."""
    for aid in ASSIGNMENTS:
        source = read_notebook(notebook_path(REPO, "source", aid))
        release = read_notebook(notebook_path(REPO, "release", aid))
        for kind in ("solution", "grade"):
            assert list(nbgrader_cells(release, kind)) == list(nbgrader_cells(source, kind))
        for gid, cell in nbgrader_cells(release, "solution").items():
            assert "raise NotImplementedError()" in cell.source and f"def {gid}(" in cell.source


def test_no_solution_hidden_test_or_reference_code_reaches_students():
    """Check that no solution, hidden-test or reference line appears in release/ or course/."""
    secrets = set().union(*(secret_lines(a) for a in ASSIGNMENTS)) | reference_lines()
    assert len(secrets) > 20
    for where, text in student_visible_text():
        lines = {line.strip() for line in text.splitlines()}
        leaked = sorted(secrets & lines)
        assert not leaked, f"{where} shows: {leaked[:5]}"
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text, where


def test_course_package_defines_no_graded_function():
    """Check that course/ neither defines nor assigns any graded function's name."""
    for path in COURSE_FILES:
        names = {node.name for node in ast.walk(ast.parse(path.read_text()))
                 if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
        names |= {t.id for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Assign)
                  for t in node.targets if isinstance(t, ast.Name)}
        assert not names & set(GRADED), f"{path.name} defines {names & set(GRADED)}"


def _course_callables():
    import importlib
    import pkgutil
    for info in pkgutil.iter_modules(course.__path__):
        module = importlib.import_module(f"course.{info.name}")
        for name, obj in list(vars(module).items()):  # a function that warns adds __warningregistry__
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                yield f"course.{info.name}.{name}", obj


def test_no_course_function_computes_a_graded_answer():
    """Check that no function in course/, called as the grader calls a graded function, gives its answers.

    A function answers an exercise when it passes every one of the grader's calls of it: a numerical
    gradient of another method (the course's five-point stencil) agrees on some, not on all.
    """
    assert not answering(_course_callables())


def test_the_answer_check_finds_a_planted_answer():
    """Check that a course-like function that adds its two inputs is found to answer add_forward."""
    def adds(x, y):
        return x + y, None
    assert answering([("course.somewhere.adds", adds)]) == [("course.somewhere.adds", "add_forward")]


def answering(functions):
    """[(where, graded function)] for each of functions ((where, fn) pairs) that gives a graded function's answers."""
    calls = {}
    for aid in ASSIGNMENTS:
        for name, args in sample_calls(aid):
            calls.setdefault(name, []).append(args)
    return [(where, name) for where, fn in functions for name, cases in calls.items()
            if all(_answers(fn, name, args) for args in cases)]


def _answers(fn, name, args):
    """Whether fn(*args) is the reference's answer of name (its out alone counts too, for a forward)."""
    expected = getattr(ref, name)(*_copy(args))
    try:
        with np.errstate(all="ignore"):
            got = fn(*_copy(args))
    except Exception:
        return False
    answers = [expected, expected[0]] if probes.returns_cache(name) else [expected]
    return any(_same(got, answer) for answer in answers)


def _copy(args):
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _same(a, b):
    return difference(a, b, tol=1e-9, dtypes=False) is None
