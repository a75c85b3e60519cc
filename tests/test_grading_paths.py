"""Check that every way of grading runs the submission in the sandbox and gives the same grades.

`make grade` (python -m autograder autograde), `nbgrader autograde` and the formgrader's Autograde
button (its REST call, on the `make lab` server) all grade one class of 02: an honest submission,
the typical-mistakes one, and two that attack the notebook's own checks (they replace np.allclose
and the course's checks, or switch them off when NBGRADER_EXECUTION is set) and deserve what the
typical-mistakes one gets.
"""
import subprocess
import sys

import pytest
from nbgrader.api import Gradebook

from autograder import samples
from autograder.pipeline import Course, copy_course
from lab_browser import lab_server

pytestmark = pytest.mark.slow

AID = "02_computational_graphs"
STUDENTS = ["ada", "brook", "ivy", "ned"]  # honest, typical mistakes, two attacks on the checks (brook's code)


def a_class(root):
    """A released course holding the sample submissions of AID; return its root."""
    root = copy_course(root)
    Course(root).release([AID])
    samples.build(root, AID)
    samples.build_attacks(root, AID, "mul_backward")
    return root


def scores(root):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {s: gb.find_submission(AID, s).score for s in STUDENTS}


def by_make_grade(root):
    students = [arg for s in STUDENTS for arg in ("--student", s)]
    subprocess.run([sys.executable, "-m", "autograder", "autograde", "--assignment", AID, *students,
                    "--course-dir", str(root)], check=True, capture_output=True)


def by_nbgrader_autograde(root):
    for student in STUDENTS:
        done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", AID, "--student", student, "--force"],
                              cwd=root, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]


def by_formgrader_button(root):
    with lab_server(root, root.parent / "home") as server:
        for student in STUDENTS:
            status, body = server.request("POST", f"formgrader/api/submission/{AID}/{student}/autograde")
            assert status == 200 and '"success": true' in body, (status, body[-3000:])


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The gradebook's scores of the class graded each way, in a course of its own."""
    ways = {"make grade": by_make_grade, "nbgrader autograde": by_nbgrader_autograde,
            "the formgrader's Autograde button": by_formgrader_button}
    found = {}
    for name, grade in ways.items():
        root = a_class(tmp_path_factory.mktemp(name.split()[0].strip("'")) / "course")
        grade(root)
        found[name] = scores(root)
    return found


def test_every_path_gives_the_honest_submission_full_marks_and_the_attacks_their_due(graded):
    """Check that each path gives ada all 23 points, and ivy and ned exactly brook's score, below it."""
    for name, got in graded.items():
        assert got["ada"] == 23.0, (name, got)
        assert got["brook"] < 23.0 and got["ivy"] == got["ned"] == got["brook"], (name, got)


def test_every_path_gives_the_same_grades(graded):
    """Check that the three paths agree student by student."""
    first, *others = graded.values()
    for name, got in graded.items():
        assert got == first, (name, got, first)
