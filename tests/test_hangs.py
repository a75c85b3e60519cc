"""The grader against functions that never return: a hang costs that function and its callers, nothing else."""
import nbformat
import pytest

from autograder import sandbox
from autograder.notebooks import fill, function_of, nbgrader_cells, notebook_path, read_notebook, solution_code
from autograder.pipeline import Course, copy_course
from autograder.results import GRADED
from helpers import function_scores

LIMITS = sandbox.Limits(cells_seconds=40, cell_seconds=4, function_seconds=6)
LOOP = "\n    while True:  # never returns\n        pass\n"
# (assignment, the function that hangs, the functions whose checks go through it)
HANGS = {"hang-gate": ("02_computational_graphs", "mul_backward", {"circuit_forward_backward"}),
         "hang-layer": ("05_conv_backprop", "conv_backward_naive", set())}

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sandbox.bubblewrap(), reason="needs bubblewrap (.ci/run installs it)")]


def _hanging(code, function):
    """The solution of function with an endless loop before its first line."""
    lines = code.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"def {function}("))
    end = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith(":"))
    return "\n".join(lines[:end + 1]) + LOOP + "\n".join(lines[end + 1:])


@pytest.fixture(scope="module")
def hung(tmp_path_factory):
    """Each hanging submission, otherwise correct, graded in sandboxes with short limits."""
    root = copy_course(tmp_path_factory.mktemp("hangs"))
    course = Course(root)
    rows = {}
    for student, (aid, function, _) in HANGS.items():
        course.release([aid])
        code = solution_code(read_notebook(notebook_path(root, "source", aid)))
        path = notebook_path(root / "submitted" / student, "", aid)
        path.parent.mkdir(parents=True)
        nbformat.write(fill(read_notebook(notebook_path(root, "release", aid)),
                            {**code, function: _hanging(code[function], function)}), path)
        (rows[student],) = course.autograde([aid], [student], limits=LIMITS)
    return root, rows


@pytest.mark.parametrize("student", HANGS)
def test_a_hang_costs_only_the_function_and_what_goes_through_it(hung, student):
    """Check that every function that does not reach the hanging one keeps all its points."""
    root, rows = hung
    aid, function, callers = HANGS[student]
    assert rows[student].status == GRADED, rows[student].notes
    for f, (got, best) in function_scores(root, aid, student).items():
        if f == function or f in callers:
            assert got == 0, (f, got)
        else:
            assert got == best, f"{f} lost points for {function}'s hang: {got}/{best}"
    assert not rows[student].flags, rows[student].flags  # a hang is no tampering, and no function disagrees


@pytest.mark.parametrize("student", HANGS)
def test_the_row_and_the_feedback_say_which_function_hung(hung, student):
    """Check that the notes and the autograded notebook name the hanging function and the cell it stopped."""
    root, rows = hung
    aid, function, callers = HANGS[student]
    notes = rows[student].notes
    assert any(n.startswith(f"{function}:") and "hangs" in n for n in notes), notes
    assert any(n.startswith("cell ") and f"inside {function}" in n for n in notes), notes
    for caller in callers:
        assert any(n.startswith(f"{caller}:") and f"inside {function}" in n for n in notes), notes
    nb = nbformat.read(notebook_path(root / "autograded" / student, "", aid), as_version=4)
    functions = nbgrader_cells(nb, "solution")
    shown = [out.get("text", "") for gid, cell in nbgrader_cells(nb, "grade").items()
             if function_of(gid, functions) == function for out in cell.outputs]
    assert any("hangs" in text for text in shown), shown


def test_the_cells_after_a_hang_are_not_waited_for(hung):
    """Check that once a function hung in a cell, the later cells that call it fail at once."""
    root, rows = hung
    aid, function, _ = HANGS["hang-gate"]
    nb = nbformat.read(notebook_path(root / "autograded" / "hang-gate", "", aid), as_version=4)
    errors = [out.evalue for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
              if out.output_type == "error"]
    assert sum("ran past the" in e and "limit for a cell" in e for e in errors) == 1, errors
    assert any(f"{function} ran past the time limit in an earlier cell" in e for e in errors), errors
