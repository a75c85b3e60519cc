"""Check deadlines: due dates from the config, the late penalty policy, and that every path charges it alike."""
import csv
import subprocess
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.deadlines import DAY, FractionPerDay
from autograder.notebooks import fill, notebook_path, read_notebook, solution_code
from autograder.pipeline import Course, copy_course

AID = "02_computational_graphs"
DUE = "2026-12-14 23:59:00 UTC"
# student -> when the submission came in, as nbgrader's submit writes it (None: no timestamp.txt)
ARRIVALS = {"ada": "2026-12-14 20:00:00.000000 UTC", "bea": "2026-12-17 11:59:00.000000 UTC",
            "cy": "2026-12-23 00:00:00.000000 UTC", "dan": None}


def test_the_penalty_is_a_fraction_per_day_begun_and_everything_after_a_week():
    """Check the policy: nothing on time, 10% per day begun, the whole score after seven days."""
    policy = FractionPerDay()
    assert policy.late_submission_penalty("s", 20.0, 0) is None
    assert policy.late_submission_penalty("s", 20.0, 60) == 2.0  # one minute late begins a day
    assert policy.late_submission_penalty("s", 20.0, 2.5 * DAY) == 6.0
    assert policy.late_submission_penalty("s", 20.0, 7 * DAY) == 14.0
    assert policy.late_submission_penalty("s", 20.0, 7 * DAY + 1) == 20.0
    assert policy.describe(2.5 * DAY, 6.0).startswith("submitted 2.5 days late: -6 points")


def a_late_class(root):
    """A course with a due date for AID and four correct submissions that came in at ARRIVALS."""
    root = copy_course(root)
    with open(root / "nbgrader_config.py", "a") as fh:
        fh.write(f"\nc.Deadlines.due_dates = {{{AID!r}: {DUE!r}}}\n")
    Course(root).release([AID])
    release = read_notebook(notebook_path(root, "release", AID))
    solved = fill(release, solution_code(read_notebook(notebook_path(root, "source", AID))))
    for student, arrived in ARRIVALS.items():
        path = notebook_path(root / "submitted" / student, "", AID)
        path.parent.mkdir(parents=True)
        path.write_text(nbformat.writes(solved))
        if arrived:
            (path.parent / "timestamp.txt").write_text(arrived)
    return root


def penalties(root):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {s: gb.find_submission(AID, s).late_submission_penalty for s in ARRIVALS}


@pytest.mark.slow
def test_late_submissions_lose_their_due_in_the_table_the_export_and_through_nbgrader(tmp_path):
    """Check scores, notes and the export of the course's grader, and that nbgrader autograde charges the same."""
    ours = a_late_class(tmp_path / "ours")
    course = Course(ours)
    rows = {r.student: r for r in course.autograde([AID])}
    assert {s: (rows[s].score, rows[s].late_penalty) for s in ARRIVALS} == \
        {"ada": (23.0, 0.0), "bea": (16.1, 6.9), "cy": (0.0, 23.0), "dan": (23.0, 0.0)}
    assert any(n.startswith("submitted 2.5 days late: -6.9 points") for n in rows["bea"].notes), rows["bea"].notes
    assert rows["ada"].submitted == ARRIVALS["ada"] and rows["dan"].submitted == ""
    with open(course.export(ours / "grades.csv", [AID]), newline="") as fh:
        exported = {row["student"]: row for row in csv.DictReader(fh)}
    assert (exported["bea"]["score"], exported["bea"]["late_penalty"]) == ("16.1", "6.9")
    assert exported["bea"]["submitted"] == ARRIVALS["bea"]
    theirs = a_late_class(tmp_path / "theirs")
    for student in ARRIVALS:
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", AID, "--student", student, "--force"],
                       cwd=theirs, check=True, capture_output=True)
    assert penalties(theirs) == penalties(ours) == {"ada": 0.0, "bea": 6.9, "cy": 23.0, "dan": 0.0}
