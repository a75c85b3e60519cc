"""Check the class loop through nbgrader's exchange: release, fetch, submit twice, collect, and the time it came in.

Run with nbgrader's own commands, as the Assignments tab and the formgrader run them, on an
exchange of the test's own; the student is the Unix user running the test.
"""
import getpass
import json

import pytest

from autograder.notebooks import fill, notebook_path, read_notebook, solution_code
from autograder.pipeline import Course
from helpers import nbgrader, released_class

pytestmark = pytest.mark.slow

AID = "02_computational_graphs"


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """A course whose instructor released 02 and collected a student's second submission of it."""
    root, student, exchange = released_class(tmp_path_factory.mktemp("exchange"), AID)
    nbgrader(student, "fetch_assignment", AID, exchange=exchange)
    fetched = student / AID / f"{AID}.ipynb"
    code = solution_code(read_notebook(notebook_path(root, "source", AID)))
    fetched.write_text(json.dumps(fill(read_notebook(fetched), {"add_forward": code["add_forward"]})))
    nbgrader(student, "submit", AID, exchange=exchange)
    fetched.write_text(json.dumps(fill(read_notebook(fetched), code)))  # the later, complete one counts
    nbgrader(student, "submit", AID, exchange=exchange)
    nbgrader(root, "collect", "--update", AID, exchange=exchange)
    return root, getpass.getuser()


def test_collect_keeps_the_time_of_the_later_submission(collected):
    """Check that collect brings timestamp.txt along, and the submission collected is the later, complete one."""
    root, student = collected
    folder = root / "submitted" / student / AID
    stamp = (folder / "timestamp.txt").read_text().strip()
    assert stamp[:2] == "20" and len(stamp) >= 19, stamp
    (result,) = Course(root).autograde([AID], [student])
    assert result.score == result.max_score, result
    assert (root / "autograded" / student / AID / "timestamp.txt").read_text().strip() == stamp
