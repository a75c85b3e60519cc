"""Check grading through real nbgrader: the demo's sample submissions and the catalogue of mistakes."""
import csv
import html as html_module
import re
import time

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import samples
from autograder.mistakes import catalogue
from autograder.notebooks import (
    SOLUTION,
    fill,
    nbgrader_cells,
    notebook_path,
    read_notebook,
    solution_code,
)
from autograder.pipeline import Course, copy_course
from autograder.results import GRADED, NOT_GRADED
from conftest import ASSIGNMENTS
from helpers import failure_messages, function_scores, hidden_lines, marked_lines

pytestmark = pytest.mark.slow  # the demo pipeline and every mistake through real nbgrader


def by_student(results, aid):
    return {r.student: r for r in results if r.assignment == aid}


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_samples_get_the_grades_they_deserve(demo_course, aid):
    """Check each sample student's status, score and notes after the sandboxed autograde."""
    root, results = demo_course
    rows = by_student(results, aid)
    full = rows["ada"].max_score
    assert full > 0 and rows["ada"].status == GRADED and rows["ada"].score == full and not rows["ada"].notes
    brook = rows["brook"]
    assert brook.status == GRADED and 0 < brook.score < full
    scores = function_scores(root, aid, "brook")
    for function in samples.expected_losses(aid):
        assert scores[function][0] < scores[function][1], f"brook keeps all points on {function}"
    eve = rows["eve"]
    assert eve.status == GRADED and eve.score == full
    assert any("was deleted" in n for n in eve.notes) and any("was edited" in n for n in eve.notes)
    assert rows["gus"].status == GRADED and rows["gus"].score == 0
    for student, words in [("cal", "malformed JSON"), ("dee", "(renamed?)"), ("hal", "no submission")]:
        assert rows[student].status == NOT_GRADED and rows[student].score == 0, student
        assert any(words in n for n in rows[student].notes), (student, rows[student].notes)
    # fay's first answer cell kills the process: that function is lost, the others are graded.
    fay, first = rows["fay"], next(iter(nbgrader_cells(read_notebook(notebook_path(root, "release", aid)), "solution")))
    assert fay.status == GRADED and fay.score < full and any("died here" in n for n in fay.notes), fay
    assert function_scores(root, aid, "fay")[first][0] == 0


def test_export_has_a_row_for_every_student_with_the_reason(demo_course):
    """Check that the CSV export lists every student of every assignment, graded or not."""
    root, results = demo_course
    with open(root / "exports" / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(results) == 8 * len(ASSIGNMENTS)
    for row in rows:
        assert row["status"] in (GRADED, NOT_GRADED)
        assert row["status"] == GRADED or row["notes"], row


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_feedback_shows_results_but_no_hidden_tests(demo_course, aid):
    """Check that every graded student's feedback exists and quotes no hidden test line or traceback."""
    root, results = demo_course
    hidden = hidden_lines(aid) - marked_lines(aid, SOLUTION)  # a student's own code may say the same
    for student, row in by_student(results, aid).items():
        html = root / "feedback" / student / aid / f"{aid}.html"
        assert html.exists() == (row.status == GRADED), student
        if html.exists():
            text = html_module.unescape(re.sub(r"<[^>]+>", "", html.read_text()))
            shown = [line for line in hidden if line in text]
            assert not shown and "BEGIN HIDDEN TESTS" not in text, (student, shown[:3])
            assert "Traceback (most recent call last)" not in text and "---->" not in text


def test_rerun_after_a_submission_breaks_leaves_no_stale_grade(demo_course):
    """Check that a student whose notebook became unreadable loses the earlier grade, not keeps it."""
    root, results = demo_course
    aid = ASSIGNMENTS[0]
    course = Course(root)
    course.autograde([aid], ["ada"])
    notebook_path(root / "submitted" / "ada", "", aid).write_text("{not json")
    (result,) = course.autograde([aid], ["ada"])
    assert result.status == NOT_GRADED and "malformed JSON" in result.notes[0]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert all(s.student_id != "ada" for s in gb.find_assignment(aid).submissions)
    # a rerun of one student keeps the others' last results, so the export still lists the whole class
    assert {r.student for r in course.load_results([aid])} == {r.student for r in results if r.assignment == aid}


def test_a_backward_whose_forward_never_got_defined_blames_the_forward(demo_course):
    """Check that fay's add_backward, whose add_forward cell killed the kernel, says add_forward is missing."""
    root, _ = demo_course
    messages = failure_messages(root, "02_computational_graphs", "fay", "add_backward")
    assert any("add_forward raised NameError: add_forward is not defined" in m for m in messages), messages
    messages = failure_messages(root, "02_computational_graphs", "fay", "circuit_forward_backward")
    assert any("add_forward is not defined (its cell failed)" in m for m in messages), messages


@pytest.fixture(scope="module")
def graded_mistakes(tmp_path_factory):
    """Every catalogued mistake as one student's otherwise correct submission, graded in sandboxes."""
    root = copy_course(tmp_path_factory.mktemp("mistakes"))
    course = Course(root)
    course.release()
    for aid in ASSIGNMENTS:
        release = read_notebook(notebook_path(root, "release", aid))
        code = solution_code(read_notebook(notebook_path(root, "source", aid)))
        for m in catalogue(aid):
            path = notebook_path(root / "submitted" / m.id, "", aid)
            path.parent.mkdir(parents=True)
            nbformat.write(fill(release, {**code, m.function: m.code(code)}), path)
    start = time.perf_counter()
    results = course.autograde()
    print(f"\nautograded {len(results)} mistake submissions in {time.perf_counter() - start:.1f} s")
    return root, results


@pytest.mark.parametrize("mistake", [m for a in ASSIGNMENTS for m in catalogue(a)], ids=lambda m: m.id)
def test_each_typical_mistake_loses_points_and_is_named(graded_mistakes, mistake):
    """Check that the mistake costs points on its own function and a failure message says what is wrong."""
    root, results = graded_mistakes
    row = by_student(results, mistake.assignment)[mistake.id]
    assert row.status == GRADED, row.notes
    got, best = function_scores(root, mistake.assignment, mistake.id)[mistake.function]
    assert got < best, f"{mistake.id} keeps all {best:g} points"
    messages = failure_messages(root, mistake.assignment, mistake.id, mistake.function)
    assert any(mistake.says in m for m in messages), messages


@pytest.mark.parametrize("mistake", [m for a in ASSIGNMENTS for m in catalogue(a)], ids=lambda m: m.id)
def test_a_typical_mistake_costs_no_other_function_anything(graded_mistakes, mistake):
    """Check that every correct function beside the mistake keeps all its points, callers and backward included."""
    root, _ = graded_mistakes
    for function, (got, best) in function_scores(root, mistake.assignment, mistake.id).items():
        if function != mistake.function:
            assert got == best, f"{function} lost {best - got:g} points for {mistake.id}"


@pytest.mark.parametrize("mistake", [m for a in ASSIGNMENTS for m in catalogue(a)], ids=lambda m: m.id)
def test_the_probes_catch_what_the_hidden_tests_catch(graded_mistakes, mistake):
    """Check that no mistake fails the notebook's own (hidden) tests while passing the grader's probes."""
    root, results = graded_mistakes
    flags = by_student(results, mistake.assignment)[mistake.id].flags
    weaker = f"{mistake.function}: the notebook's own tests fail but the grader's checks pass"
    assert weaker not in flags, flags
