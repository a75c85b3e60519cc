"""Check that grading a class again grades only what is missing or changed since: a run cut short (Ctrl-C, a
machine lost) is finished by the next, a changed submission, assignment or limit is graded again, and everything
else keeps its grade exactly (scores, notes, flags, late penalty, the autograded notebook).

What was graded is told by the progress lines each run prints, one per submission the grader returned, and by
the autograded notebooks' files (recording writes each anew), not by asking the code under test.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, replace

import pytest
from nbgrader.api import Gradebook

from autograder import recording, sandbox
from autograder.notebooks import fill, nbgrader_cells, notebook_path, read_notebook, solution_code
from autograder.pipeline import Course, copy_course
from autograder.results import GRADED, NOT_GRADED, Result
from autograder.submission import folder
from helpers import configure

AID = "02_computational_graphs"
DUE = "2026-01-01 00:00:00 UTC"
GRADABLE = {"ada", "bo", "cy", "dee"}  # and hal, on the roster, who submitted nothing
PROGRESS = re.compile(rf"^{AID} \[[#.]+\] \d+/\d+ (\S+): ", re.M)


def a_class(base):
    """(course, the solutions): AID released, a due date, and ada (correct), bo (two functions done), cy (the
    release notebook), dee (correct, a day and a half late) and hal (nothing submitted), all on the roster."""
    root = copy_course(base / "course")
    configure(root, f"c.Deadlines.due_dates = {{{AID!r}: {DUE!r}}}")
    course = Course(root)
    course.release([AID])
    course.enrol(sorted(GRADABLE | {"hal"}))
    code = solution_code(read_notebook(notebook_path(root, "source", AID)))
    for student, done in {"ada": code, "bo": dict(list(code.items())[:2]), "cy": {}, "dee": code}.items():
        submit(root, student, done)
    (folder(root, "dee", AID) / "timestamp.txt").write_text("2026-01-02 12:00:00.000000 UTC")
    return course, code


def submit(root, student, code):
    path = notebook_path(root / "submitted" / student, "", AID)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fill(read_notebook(notebook_path(root, "release", AID)), code)))


def graded_in(output):
    """The students a run's progress lines name: every submission the grader returned, gradable or not."""
    found = PROGRESS.findall(output)
    assert len(found) == len(set(found)), found
    return set(found)


def marked(root):
    return {p.parent.name for p in (root / "autograded").glob(f"*/.{AID}.grading.json")}


def written(root):
    """student -> (inode, mtime) of the autograded notebook: recording writes a new file each time it grades."""
    found = {}
    for path in (root / "autograded").glob(f"*/{AID}/{AID}.ipynb"):
        stat = path.stat()
        found[path.parent.parent.name] = (stat.st_ino, stat.st_mtime_ns)
    return found


def report(root):
    return {r.student: r for r in recording.load_report(root / "reports", AID)}


def gradebook(root):
    """student -> (score, late penalty, time) of each submission in the gradebook."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {s.student.id: (s.score, s.late_submission_penalty, s.timestamp)
                for s in gb.find_assignment(AID).submissions}


def autograde(root, stop=None, after=0, extra=()):
    """(its output, the students marked graded when it ended) of `python -m autograder autograde` on AID, one run
    at a time. With stop, that signal goes to its process group once `after` submissions are marked: SIGINT as
    Ctrl-C sends it, SIGKILL as a machine lost ends everything."""
    log = root.parent / "autograde.log"
    with open(log, "w") as out:
        # TMPDIR: the scratch folder a killed run leaves behind is the test's
        proc = subprocess.Popen([sys.executable, "-m", "autograder", "autograde", "--course-dir", str(root),
                                 "--assignment", AID, "--workers", "1", *extra], stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, env={**os.environ, "TMPDIR": str(root.parent)})
    try:
        deadline = time.monotonic() + 300
        while stop and proc.poll() is None and len(marked(root)) < after and time.monotonic() < deadline:
            time.sleep(0.01)
        if stop:
            assert proc.poll() is None, f"the run ended before {after} were graded:\n{log.read_text()[-3000:]}"
            os.killpg(proc.pid, stop)
        proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert (proc.returncode == 0) == (stop is None), (proc.returncode, log.read_text()[-3000:])
    return log.read_text(), marked(root)


def in_process(course, capfd, **kwargs):
    """(its output, rows by student) of Course.autograde on AID."""
    capfd.readouterr()
    rows = {r.student: r for r in course.autograde([AID], **kwargs)}
    return capfd.readouterr().out, rows


@pytest.mark.slow
def test_a_run_cut_short_is_finished_by_the_next_which_grades_only_what_is_missing(tmp_path, capfd):
    """Check a run stopped by Ctrl-C after the first grade, then one killed outright after the next: the run
    after them grades exactly the submissions neither recorded (and checks hal's again), and the report and
    the gradebook end as a whole uninterrupted run (--regrade) leaves them."""
    course, _ = a_class(tmp_path)
    root = course.root
    out, first = autograde(root, signal.SIGINT, after=1)
    assert 1 <= len(first) < len(GRADABLE), out[-3000:]
    out, second = autograde(root, signal.SIGKILL, after=len(first) + 1)
    assert first < second < GRADABLE, (first, second, out[-3000:])
    assert graded_in(out) <= GRADABLE - first | {"hal"}, out  # it did not grade again what the first recorded
    before = written(root)

    out, third = autograde(root)
    assert graded_in(out) == GRADABLE - second | {"hal"}, out
    assert f"{len(second)} unchanged since the last grading, kept; {len(GRADABLE - second)} graded; " \
           "1 not graded" in out, out
    files = written(root)
    assert third == GRADABLE and all(files[s] == before[s] for s in second)
    finished, recorded = report(root), gradebook(root)
    assert sorted(finished) == sorted(GRADABLE | {"hal"}) and sorted(recorded) == sorted(GRADABLE)
    assert finished["dee"].late_penalty > 0 and finished["hal"].status == NOT_GRADED
    notebooks = {s: read_notebook(notebook_path(root / "autograded" / s, "", AID)) for s in GRADABLE}

    out, _ = autograde(root, extra=["--regrade"])
    assert graded_in(out) == GRADABLE | {"hal"}, out
    assert all(written(root)[s] != files[s] for s in GRADABLE)  # every notebook written anew
    assert report(root) == finished and gradebook(root) == recorded
    assert {s: read_notebook(notebook_path(root / "autograded" / s, "", AID)) for s in GRADABLE} == notebooks


@pytest.fixture(scope="module")
def graded_once(tmp_path_factory):
    """(course root, solutions) of the class, graded once; each test grades a copy of its own."""
    course, code = a_class(tmp_path_factory.mktemp("graded"))
    course.autograde([AID])
    return course.root, code


@pytest.fixture
def graded(graded_once, tmp_path):
    """(course, solutions, its rows, its notebooks' files) of a copy of the class graded once."""
    root, code = graded_once
    shutil.copytree(root, tmp_path / "course")
    course = Course(tmp_path / "course")
    return course, code, report(course.root), written(course.root)


@pytest.mark.slow
def test_a_changed_submission_is_graded_again_and_the_others_are_kept_exactly(graded, capfd):
    """Check that a rerun with nothing changed grades nothing (but checks hal again), that a changed notebook,
    a changed timestamp.txt or a file added to the folder has that submission graded again and nothing else,
    and that a new due date changes the late penalty without grading anything again."""
    course, code, rows, files = graded
    root = course.root
    out, again = in_process(course, capfd)
    assert graded_in(out) == {"hal"} and again == rows and written(root) == files, out
    assert f"{AID}: 4 unchanged since the last grading, kept; 0 graded; 1 not graded" in out, out

    submit(root, "bo", dict(list(code.items())[:3]))  # one more function done
    (folder(root, "cy", AID) / "timestamp.txt").write_text("2025-12-31 10:00:00.000000 UTC")
    (folder(root, "ada", AID) / "scratch.txt").write_text("a file of ada's own")
    out, again = in_process(course, capfd)
    assert graded_in(out) == {"ada", "bo", "cy", "hal"}, out
    assert "1 unchanged since the last grading, kept; 4 to grade (3 since the submission changed, " \
           "1 no submission)" in out, out
    assert again["bo"].score > rows["bo"].score and again["cy"].submitted.startswith("2025-12-31")
    assert again["dee"] == rows["dee"] and written(root)["dee"] == files["dee"]
    assert (again["ada"], again["cy"]) == (rows["ada"], replace(rows["cy"], submitted=again["cy"].submitted))

    configure(root, f"c.Deadlines.due_dates = {{{AID!r}: '2025-12-20 00:00:00 UTC'}}")  # dee now 13 days late
    out, later = in_process(Course(root), capfd)
    assert graded_in(out) == {"hal"}, out
    assert (later["dee"].score, later["dee"].late_penalty) == (0.0, rows["dee"].max_score), later["dee"]
    assert any(n.startswith("submitted 13.5 days late") for n in later["dee"].notes), later["dee"].notes
    assert (later["ada"].score, later["cy"].late_penalty) == (again["ada"].score, 0.0)
    assert gradebook(root)["dee"][:2] == (rows["dee"].max_score, rows["dee"].max_score)


@pytest.mark.slow
def test_changed_limits_or_tests_grade_everyone_again(graded, capfd):
    """Check that other limits, then an edited test cell in the source notebook, each have every submission
    graded again, and that the same limits once more grade nothing."""
    course, _, rows, files = graded
    root = course.root
    limits = replace(sandbox.Limits(), cells_seconds=100.0)
    out, again = in_process(course, capfd, limits=limits)
    assert graded_in(out) == GRADABLE | {"hal"} and "(4 since the limits changed, 1 no submission)" in out, out
    assert again == rows and all(written(root)[s] != files[s] for s in GRADABLE)
    out, _ = in_process(course, capfd, limits=limits)
    assert graded_in(out) == {"hal"}, out

    source = notebook_path(root, "source", AID)
    nb = read_notebook(source)
    test = next(iter(nbgrader_cells(nb, "grade").values()))
    test.source += "\nassert True  # one check more"
    source.write_text(json.dumps(nb))
    out, again = in_process(course, capfd, limits=limits)
    assert graded_in(out) == GRADABLE | {"hal"}, out
    assert "4 since the assignment's notebooks or data changed" in out and again == rows, out


@pytest.mark.slow
def test_what_is_gone_since_is_not_kept(graded, capfd):
    """Check that a student whose submission folder is gone gets a not-graded row (and loses the grade in the
    gradebook), however often the class is graded again; and that a submission whose mark, autograded notebook or
    gradebook entry is gone or differs (a recording cut short, an edit) is graded again."""
    course, _, rows, _ = graded
    root = course.root
    shutil.rmtree(folder(root, "cy", AID))
    (root / "autograded" / "ada" / AID / f"{AID}.ipynb").unlink()
    recording.unmark(root, "bo", AID)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        gb.remove_submission(AID, "dee")
    for graded_again in (GRADABLE | {"hal"}, {"cy", "hal"}):
        out, again = in_process(course, capfd)
        assert graded_in(out) == graded_again, out
        assert (again["cy"].status, again["cy"].score, again["cy"].notes) == (NOT_GRADED, 0.0, ["no submission"])
        assert "cy" not in gradebook(root) and "cy" not in marked(root)
    out, _ = in_process(course, capfd, students=["ada"])
    assert graded_in(out) == set(), out  # asked for, and unchanged: kept
    assert report(root) == {**rows, "cy": again["cy"]}


def fake_course(base):
    """A course root with just enough of one assignment A for fingerprints: source, release, one submission."""
    for part, name in [("source", "A.ipynb"), ("source", "data.npz"), ("release", "A.ipynb")]:
        (base / part / "A").mkdir(parents=True, exist_ok=True)
        (base / part / "A" / name).write_text(f"{part} {name}")
    (base / "submitted" / "s" / "A").mkdir(parents=True)
    (base / "submitted" / "s" / "A" / "A.ipynb").write_text("my answers")
    return base


def test_the_fingerprint_names_what_a_grade_depends_on(tmp_path):
    """Check that a change of every input of a grade changes the fingerprint, named, and that nothing else does:
    Jupyter's checkpoints in source/, bytecode caches in the grader's folders."""
    root = fake_course(tmp_path / "course")
    code = tmp_path / "code"
    (code / "__pycache__").mkdir(parents=True)
    (code / "probes.py").write_text("probes")

    def now(limits=None, sandboxed=True):
        run = recording.run_fingerprint(limits or sandbox.Limits(), sandboxed, folders=(code,))
        return recording.fingerprint(run, recording.assignment_fingerprint(root, "A"), root, "s", "A")

    first = now()
    assert json.loads(json.dumps(first)) == first  # as a mark stores it
    assert first["limits"] == asdict(sandbox.Limits()) and set(first["submission"]) == {"A.ipynb"}
    (root / "source" / "A" / ".ipynb_checkpoints").mkdir()
    (root / "source" / "A" / ".ipynb_checkpoints" / "A-checkpoint.ipynb").write_text("autosaved")
    (code / "__pycache__" / "probes.cpython-311.pyc").write_text("compiled")
    assert recording.changed(first, now()) == ""
    assert recording.changed(first, now(replace(sandbox.Limits(), memory_bytes=1 << 30))) == "the limits"
    assert recording.changed(first, now(sandboxed=False)) == "the sandbox"
    edits = [(root / "submitted" / "s" / "A" / "A.ipynb", "the submission"),
             (root / "submitted" / "s" / "A" / "timestamp.txt", "the submission"),
             (root / "source" / "A" / "A.ipynb", "the assignment's notebooks or data"),
             (root / "source" / "A" / "data.npz", "the assignment's notebooks or data"),
             (root / "release" / "A" / "A.ipynb", "the assignment's notebooks or data"),
             (code / "probes.py", "the grader's code")]
    for path, named in edits:
        before = now()
        path.write_text(path.read_text() + " changed" if path.exists() else "2026-01-01 00:00:00 UTC")
        assert recording.changed(before, now()) == named, path
    os.symlink("/etc/passwd", root / "submitted" / "s" / "A" / "link")
    assert now()["submission"]["link"] == "link to /etc/passwd"


def test_a_mark_is_read_back_only_whole_and_of_its_own_version(tmp_path):
    """Check that a mark reads back as written, and that a cut-short, garbled or older one counts as none."""
    root = tmp_path
    (root / "autograded" / "s" / "A").mkdir(parents=True)
    (root / "autograded" / "s" / "A" / "A.ipynb").write_text("{}")
    row = Result("s", "A", GRADED, 3.0, 4.0, ["a note"], ["a flag"])
    recording.mark(root, "s", "A", {"submission": {}}, row, {"test_one": 3.0})
    found = recording.marked(root, "s", "A")
    assert (found["result"], found["scores"], found["fingerprint"]) == (asdict(row), {"test_one": 3.0},
                                                                         {"submission": {}})
    path = recording.mark_path(root, "s", "A")
    assert not list(path.parent.glob("*.part")) and path.parent == root / "autograded" / "s"
    text = path.read_text()
    for broken in (text[:len(text) // 2], "", text.replace('"version": 1', '"version": 0')):
        path.write_text(broken)
        assert recording.marked(root, "s", "A") is None
