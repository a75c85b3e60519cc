"""The sandboxed grader against submissions that cheat, harm, crash, hang or are empty.

Each attack is built on a submission whose deserved grade is known (correct "ada" or
typical-mistakes "brook"), so the test can say what it must get; the attacks run between the
others in one parallel class, as in a real course.
"""
import csv
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import samples, sandbox
from autograder.notebooks import HIDDEN, inside, nbgrader_cells, notebook_path, points, read_notebook
from autograder.pipeline import Course, copy_course
from autograder.results import GRADED, NOT_GRADED

AID = "02_computational_graphs"
TARGET = "numerical_gradient"  # nothing else calls it, so an attack on it costs only its points
LIMITS = sandbox.Limits(cells_seconds=60, cell_seconds=4, function_seconds=8)
MARKER = "backprop-attack-marker"
STARTUP = Path.home() / ".ipython" / "profile_default" / "startup" / "00-backprop-attack.py"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sandbox.bubblewrap(), reason="needs bubblewrap (.ci/run installs it)")]


def _alive(marker):
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                found.append(entry.name)
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """One class of samples and attacks on 02, graded once in sandboxes; the host's state before and after."""
    assert not STARTUP.exists(), f"remove {STARTUP} left from elsewhere first"
    listener = socket.create_server(("127.0.0.1", 47321))  # what "uma" tries to reach
    listener.setblocking(False)
    root = copy_course(tmp_path_factory.mktemp("attacks"))
    course = Course(root)
    course.release([AID])
    roster = {**samples.build(root, AID), **samples.build_attacks(root, AID, TARGET)}
    course.enrol(roster)
    start = time.perf_counter()
    results = course.autograde([AID], limits=LIMITS)
    seconds = time.perf_counter() - start
    print(f"\n{len(results)} submissions (attacks included) graded in {seconds:.1f} s")
    alive_at_end = _alive(MARKER)
    time.sleep(4)  # past the attack's delay, if the background process had survived
    try:
        listener.accept()
        reached = True
    except BlockingIOError:
        reached = False
    listener.close()
    return root, {r.student: r for r in results}, seconds, alive_at_end, reached


def test_each_attack_gets_the_grade_its_real_work_deserves(attacked):
    """Check that every cheating attack scores exactly what its honest base submission scores."""
    _, rows, _, _, _ = attacked
    for student, (base, what, _) in samples.ATTACKS.items():
        assert rows[student].status == GRADED, (student, rows[student].notes)
        assert rows[student].score == rows[base].score, (student, what, rows[student].score, rows[base].score)
    assert rows["ada"].score == rows["ada"].max_score > rows["brook"].score > 0


def test_a_crash_hang_or_memory_blow_up_costs_only_its_function(attacked):
    """Check that the memory and the timeout attacks lose the attacked function's points and nothing else."""
    root, rows, _, _, _ = attacked
    release = read_notebook(notebook_path(root, "release", AID))
    lost = sum(p for gid, p in points(release).items() if gid.startswith(TARGET + "_"))
    for student in ("quinn", "rex"):
        assert rows[student].score == rows["ada"].max_score - lost, (student, rows[student].score)
    assert any("ran past" in n for n in rows["rex"].notes), rows["rex"].notes
    assert any(TARGET in n and "out of memory" in n for n in rows["quinn"].notes), rows["quinn"].notes


def test_the_whole_class_stays_within_the_time_limits(attacked):
    """Check that slow cells cannot make grading run for cells x the per-cell limit."""
    _, rows, seconds, _, _ = attacked
    assert seconds < LIMITS.cells_seconds + 30, seconds


def test_empty_and_missing_submissions_get_a_row_with_the_reason(attacked):
    """Check that an empty notebook and an empty folder each get an explicit row in the export."""
    root, rows, _, _, _ = attacked
    assert rows["sam"].status == NOT_GRADED and "not a readable notebook" in rows["sam"].notes[0]
    assert rows["tia"].status == NOT_GRADED and "is missing" in rows["tia"].notes[0]
    path = Course(root).export(root / "exports" / "grades.csv", [AID])
    with open(path, newline="") as fh:
        exported = {row["student"]: row for row in csv.DictReader(fh)}
    assert set(exported) == set(rows)
    assert exported["sam"]["notes"] and exported["tia"]["notes"] and exported["hal"]["notes"]


def test_nothing_outside_the_sandbox_changed_and_nothing_outlived_it(attacked):
    """Check that no startup file reached the host, no attack process survived and the gradebook is intact."""
    root, rows, _, alive_at_end, reached = attacked
    assert not reached, "a submission reached a server on this machine"
    assert not STARTUP.exists()
    assert not alive_at_end and not _alive(MARKER)
    assert not list(root.rglob("00-backprop-attack.py"))
    assert (root / "gradebook.db").read_bytes()[:16] == b"SQLite format 3\x00"
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student, row in rows.items():
            if row.status == GRADED:
                assert gb.find_submission(AID, student).score == row.score, student


def test_the_integrity_report_names_what_each_attack_did(attacked):
    """Check that patched functions, transformers, grading-variable reads and stray writes are reported."""
    root, rows, _, _, _ = attacked
    expected = {"ivy": "numpy.allclose was replaced", "jon": "input transformer",
                "kim": "wrote outside the working folder", "lee": "started a program",
                "ned": "read the grading variable NBGRADER_EXECUTION",
                "uma": "tried to open a network connection", "vic": "started a process (os.fork)"}
    for student, words in expected.items():
        assert any(words in flag for flag in rows[student].flags), (student, rows[student].flags)
    for student in ("ivy", "jon", "ned"):
        assert any("own tests pass but the grader's checks fail" in f for f in rows[student].flags), student
    assert not rows["ada"].flags and not rows["ora"].flags
    report = (root / "reports" / f"{AID}-integrity.txt").read_text()
    assert "ivy" in report and "ada" not in report


def test_feedback_agrees_with_the_gradebook_and_shows_no_expected_values(attacked):
    """Check that each feedback file gives the gradebook's score and no hidden test code."""
    root, rows, _, _, _ = attacked
    course = Course(root)
    course.feedback([AID])
    source = read_notebook(notebook_path(root, "source", AID))
    hidden = {line.strip() for c in nbgrader_cells(source, "grade").values()
              for line in inside(c.source, HIDDEN).splitlines() if len(line.strip()) > 12}
    for student in ("ada", "brook", "ivy", "quinn"):
        html = (root / "feedback" / student / AID / f"{AID}.html").read_text()
        assert f"{rows[student].score:g}" in re.sub(r"<[^>]+>", " ", html), student
        assert not [line for line in hidden if line in html], student
        assert "Grader's checks" in html


def test_nbgrader_export_reads_the_same_grades(attacked):
    """Check that `nbgrader export` (which the formgrader's data also comes from) gives the grader's scores."""
    root, rows, _, _, _ = attacked
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", "nbgrader-export.csv"], cwd=root, env=env,
                   check=True, capture_output=True)
    with open(root / "nbgrader-export.csv", newline="") as fh:
        exported = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(fh) if r["assignment"] == AID}
    for student, row in rows.items():
        assert exported.get(student, 0.0) == row.score, student


def test_grading_refuses_without_a_sandbox_unless_told_unsafe(tmp_path):
    """Check that with no bubblewrap on PATH the command says so and stops, and --unsafe grades anyway."""
    root = copy_course(tmp_path / "course")
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    run = lambda *extra: subprocess.run([sys.executable, "-m", "autograder", "autograde", "--course-dir", str(root),  # noqa: E731
                                         "--assignment", AID, *extra], env=env, capture_output=True, text=True)
    refused = run()
    assert refused.returncode != 0 and "--unsafe" in refused.stderr and "bubblewrap" in refused.stderr
    assert not (root / "release" / AID).exists() or not any((root / "release" / AID).iterdir()), \
        "the refused run changed the course"
    Course(root).release([AID])
    samples.build(root, AID)
    unsafe = run("--unsafe", "--student", "ada")
    assert unsafe.returncode == 0, unsafe.stderr[-2000:]
    assert re.search(r"ada\s+(\d+)/\1\s+graded", unsafe.stdout), unsafe.stdout[-2000:]
