"""Check that bad input in a real class loses nothing and hides nothing: a submission after collect, one student
twice, ids that differ only in case, a student missing from the roster and one on it who never submitted.

The class runs through nbgrader's own commands on an exchange of the test's own, as tests/test_exchange.py runs
it; the student who submits for real is the Unix user running the test.
"""
import getpass
import json
from datetime import datetime, timezone

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.utils import parse_utc

from autograder import recording
from autograder.notebooks import fill, notebook_path, read_notebook, solution_code
from autograder.pipeline import Course, copy_course
from autograder.results import GRADED, NOT_GRADED
from helpers import configure, nbgrader, released_class

pytestmark = pytest.mark.slow

AID = "02_computational_graphs"


def solutions(root):
    """The source notebook's code of every graded function of AID."""
    return solution_code(read_notebook(notebook_path(root, "source", AID)))


def submit(path, code, like=None):
    """Write AID's notebook at path: like (else the notebook already there) with code filled in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fill(read_notebook(like or path), code)))


def gradebook(root):
    return Gradebook(f"sqlite:///{root / 'gradebook.db'}")


def graded(root, *students):
    """The rows of students after grading the course's class on AID."""
    rows = {r.student: r for r in Course(root).autograde([AID])}
    assert sorted(rows) == sorted(students), rows
    return [rows[s] for s in students]


def waiting(result):
    return [n for n in result.notes if "nbgrader collect --update" in n]


def test_a_submission_after_collect_is_announced_then_collected_and_regraded_in_place(tmp_path):
    """Check that a submission in the exchange newer than the one collected, or never collected (bo's), shows in
    the rows until collect --update brings it in, and that grading then replaces the old grade everywhere: one
    row, the later time, its late penalty."""
    root, home, exchange = released_class(tmp_path, AID)
    me, code = getpass.getuser(), solutions(root)
    nbgrader(home, "fetch_assignment", AID, exchange=exchange)
    fetched = notebook_path(home, "", AID)
    submit(fetched, {"add_forward": code["add_forward"]})
    nbgrader(home, "submit", AID, exchange=exchange)
    nbgrader(root, "collect", AID, exchange=exchange)
    (first,) = Course(root).autograde([AID])
    assert first.status == GRADED and 0 < first.score < first.max_score and not waiting(first), first

    due = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")  # after the first, before the second
    configure(root, f"c.Deadlines.due_dates = {{{AID!r}: {due!r}}}")
    submit(fetched, code)
    nbgrader(home, "submit", AID, exchange=exchange)
    said = nbgrader(root, "collect", AID, exchange=exchange)
    assert "already exists, use --update" in said, said  # nbgrader keeps the old one, and says so in its log
    nbgrader(home, "submit", AID, "--student", "bo", exchange=exchange)  # bo's first, after the last collect
    bo, stale = graded(root, "bo", me)
    assert (stale.score, stale.submitted) == (first.score, first.submitted), stale
    assert waiting(stale) and first.submitted[:19] in waiting(stale)[0], stale.notes  # both times, in the row
    assert (bo.student, bo.notes[0]) == ("bo", "no submission") and "never collected" in waiting(bo)[0], bo

    said = nbgrader(root, "collect", "--update", AID, exchange=exchange)
    assert "Updating submission" in said, said
    newest = (root / "submitted" / me / AID / "timestamp.txt").read_text().strip()
    bo, regraded = graded(root, "bo", me)
    assert regraded.submitted == newest != first.submitted and not waiting(regraded), regraded
    assert (regraded.score, regraded.late_penalty) == (20.7, 2.3), regraded  # 23 points, a day begun late
    assert (bo.status, bo.score) == (GRADED, 20.7) and not waiting(bo), bo
    reported = {r.student: r for r in recording.load_report(root / "reports", AID)}
    assert sorted(reported) == ["bo", me] and (reported[me].score, reported[me].submitted) == (20.7, newest)
    with gradebook(root) as gb:
        mine = [s for s in gb.find_assignment(AID).submissions if s.student.id == me]
        assert [(s.timestamp, s.score - s.late_submission_penalty) for s in mine] == [(parse_utc(newest), 20.7)]


def test_of_several_submissions_collect_takes_the_latest_by_its_time_not_by_name_or_age(tmp_path):
    """Check that collect, and the grader's look at the exchange, take the latest submission by the time in its
    name, where neither the folders' names in order nor their ages say so (a class on another time zone)."""
    root = copy_course(tmp_path / "course")
    exchange = tmp_path / "exchange"
    inbound = exchange / "backprop-by-hand" / "inbound"
    inbound.mkdir(parents=True)
    configure(root, f"c.Exchange.root = {str(exchange)!r}")
    source = read_notebook(notebook_path(root, "source", AID))
    # as nbgrader's submit names them; written newest first, so the oldest folder is the latest submission
    stamps = {"latest": "2026-12-14 09:30:00.000000 EST", "middle": "2026-12-14 13:00:00.000000 UTC",
              "first": "2026-12-14 12:00:00.000000 UTC"}  # 14:30, 13:00 and 12:00 UTC
    for which, stamp in stamps.items():
        folder = inbound / f"bo+{AID}+{stamp}+{which[::-1]}"
        folder.mkdir()
        source.metadata["which"] = which
        nbformat.write(source, folder / f"{AID}.ipynb")
        (folder / "timestamp.txt").write_text(stamp)
    assert max(p.name for p in inbound.iterdir()).endswith("+elddim")
    assert Course(root).in_exchange(AID) == {"bo": parse_utc(stamps["latest"])}
    nbgrader(root, "collect", AID, exchange=exchange)
    collected = root / "submitted" / "bo" / AID
    assert (collected / "timestamp.txt").read_text() == stamps["latest"]
    assert read_notebook(collected / f"{AID}.ipynb").metadata["which"] == "latest"


@pytest.fixture(scope="module")
def rostered(tmp_path_factory):
    """(course, rows) of one grading of a class with a roster: ada, hal (who never submitted) and Cy, whose
    submission came in as cy; and new, whose came in though the roster does not have them."""
    root = copy_course(tmp_path_factory.mktemp("roster") / "course")
    course = Course(root)
    course.release([AID])
    course.enrol(["ada", "hal", "Cy", "ada"])  # a roster that names ada twice
    for student in ("ada", "new", "cy"):
        submit(notebook_path(root / "submitted" / student, "", AID), solutions(root),
               like=notebook_path(root, "release", AID))
    return course, {r.student: r for r in course.autograde([AID])}


def test_a_student_missing_from_the_roster_is_graded_added_and_the_row_says_so(rostered):
    """Check that a submission from a student the roster lacks is graded in full, and the student added, with a
    note in the row and the report."""
    course, rows = rostered
    assert (rows["new"].status, rows["new"].score) == (GRADED, rows["new"].max_score), rows["new"]
    assert any("not on the roster" in n for n in rows["new"].notes), rows["new"].notes
    assert not any("roster" in n for n in rows["ada"].notes), rows["ada"].notes
    reported = {r.student: r for r in recording.load_report(course.reports, AID)}
    assert reported["new"].notes == rows["new"].notes
    with gradebook(course.root) as gb:
        assert {s.id for s in gb.students} == {"ada", "hal", "Cy", "cy", "new"}


def test_a_roster_student_without_a_submission_keeps_a_row(rostered):
    """Check that hal, on the roster and never submitted, has a row: not graded, no submission."""
    _, rows = rostered
    assert (rows["hal"].status, rows["hal"].notes) == (NOT_GRADED, ["no submission"]), rows["hal"]


def test_ids_that_differ_only_in_case_are_two_students_whose_rows_name_each_other(rostered):
    """Check that Cy (on the roster) and cy (who submitted) each keep their own row, and each row names the other,
    so that the instructor sees a graded cy beside a Cy with no submission."""
    _, rows = rostered
    assert (rows["Cy"].status, rows["cy"].status) == (NOT_GRADED, GRADED)
    assert any("differs only in case from cy" in n for n in rows["Cy"].notes), rows["Cy"].notes
    assert any("differs only in case from Cy" in n for n in rows["cy"].notes), rows["cy"].notes


def test_one_student_named_twice_is_graded_once_and_has_one_row(rostered):
    """Check that `--student ada --student ada` grades ada once: one row in the results, the report and the
    gradebook, and everyone else's rows kept."""
    course, rows = rostered
    (again,) = course.autograde([AID], ["ada", "ada"])
    assert (again.student, again.score) == ("ada", rows["ada"].score)
    assert sorted(r.student for r in recording.load_report(course.reports, AID)) == sorted(rows)
    with gradebook(course.root) as gb:
        assert [s.student.id for s in gb.find_assignment(AID).submissions].count("ada") == 1


def test_a_student_unknown_to_the_course_is_refused_by_name_and_not_added(rostered):
    """Check that --student with an id neither on the roster nor in submitted/ stops with a message naming it
    (and the likely one meant), instead of a `no submission` row and a new student on the roster."""
    course, _ = rostered
    with pytest.raises(SystemExit, match=r"nwe: not on the roster.*did you mean new\?"):
        course.autograde([AID], ["nwe"])
    with gradebook(course.root) as gb:
        assert "nwe" not in {s.id for s in gb.students}


def test_nbgrader_autograde_also_grades_and_adds_a_student_missing_from_the_roster(rostered):
    """Check that nbgrader's own autograde agrees: it grades a submission from a student the roster lacks (as
    the course's grader does) and adds the student, with the same score."""
    course, rows = rostered
    submit(notebook_path(course.root / "submitted" / "neo", "", AID), solutions(course.root),
           like=notebook_path(course.root, "release", AID))
    nbgrader(course.root, "autograde", AID, "--student", "neo", exchange=course.root / "build" / "exchange")
    with gradebook(course.root) as gb:
        assert gb.find_submission(AID, "neo").score == rows["new"].score
