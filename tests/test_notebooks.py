"""Check that source notebooks pass all their tests and that release notebooks fail them as shipped."""
import pytest
from nbclient import NotebookClient
from nbgrader.validator import Validator

from autograder.mistakes import catalogue
from autograder.notebooks import REPO, fill, function_of, nbgrader_cells, notebook_path, read_notebook, solution_code
from conftest import ASSIGNMENTS

pytestmark = pytest.mark.slow  # every notebook, and every visible mistake, in a kernel


def run(nb, cwd):
    """Execute nb in a fresh kernel, errors allowed, and return it with outputs."""
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_source_notebook_validates_with_every_test_passing(aid):
    """Check with nbgrader's own validator that the instructor notebook passes all tests."""
    found = Validator().validate(str(notebook_path(REPO, "source", aid)))
    assert not any(found.values()), found


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_source_notebook_runs_without_errors_or_stderr(aid):
    """Check that every cell of the instructor notebook runs clean: nbgrader zeroes a cell with stderr."""
    path = notebook_path(REPO, "source", aid)
    nb = run(read_notebook(path), path.parent)
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"cell {i}: {out.ename}: {out.evalue}"
            assert out.get("name") != "stderr", f"cell {i} wrote to stderr: {out.text[:300]}"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_notebook_fails_every_test_as_shipped(aid):
    """Check that with the stubs in place every test cell of the student notebook fails."""
    path = notebook_path(REPO, "release", aid)
    nb = run(read_notebook(path), path.parent)
    tests = nbgrader_cells(nb, "grade")
    passing = [gid for gid, cell in tests.items() if not any(o.output_type == "error" for o in cell.outputs)]
    assert tests and not passing, f"tests that pass on the stubs: {passing}"


def test_every_test_cell_opens_with_a_check_that_docstring():
    """Check that each test cell opens with a "Check ..." docstring and is named <function>_<check>."""
    for aid in ASSIGNMENTS:
        nb = read_notebook(notebook_path(REPO, "source", aid))
        functions = nbgrader_cells(nb, "solution")
        for gid, cell in nbgrader_cells(nb, "grade").items():
            assert cell.source.startswith('"""Check '), f"{aid} {gid}"
            assert function_of(gid, functions), f"{gid} names no graded function"


@pytest.mark.parametrize("mistake", [m for a in ASSIGNMENTS for m in catalogue(a) if m.visible], ids=lambda m: m.id)
def test_the_visible_tests_reject_the_mistake_and_say_what_it_is(mistake):
    """Check that the released notebook, right but for this one mistake, fails the named visible tests with their
    words."""
    aid = mistake.assignment
    path = notebook_path(REPO, "release", aid)
    code = solution_code(read_notebook(notebook_path(REPO, "source", aid)))
    nb = run(fill(read_notebook(path), {**code, mistake.function: mistake.code(code)}), path.parent)
    tests = nbgrader_cells(nb, "grade")
    for gid, words in mistake.rejections():
        errors = [f"{out.ename}: {out.evalue}" for out in tests[gid].outputs if out.output_type == "error"]
        assert any(all(w in e for w in words) for e in errors), (gid, words, errors)
