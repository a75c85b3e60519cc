"""Warm runs (forks of one warm process, each joining its own sandbox) against cold ones and against each other."""
import os
import re
import signal
from pathlib import Path

import nbformat
import pytest

from autograder import grader, samples, sandbox
from autograder.notebooks import fill, notebook_path, read_notebook, solution_code
from autograder.pipeline import Course, copy_course

AID = "02_computational_graphs"
LIMITS = sandbox.Limits(cells_seconds=60, cell_seconds=8, function_seconds=8)
PLACES = ["/tmp", "/home/student", "/dev/shm", "/run", "/var", "/grader/state", "/grader/out", "."]
# Run by one student in its first cell: leaves a file wherever it can write and a process that outlives it.
PLANT = f"""
import os, subprocess
for place in {PLACES!r}:
    try:
        open(os.path.join(place, "planted-by-a-student"), "w").write("x")
    except OSError:
        pass
subprocess.Popen(["sleep", "300"], start_new_session=True)
"""
# Run by the next student first: prints what it finds of others, and what it may do.
LOOK = f"""
import gc, os, sys
found = [os.path.join(p, n) for p in {PLACES!r} if os.path.isdir(p) for n in os.listdir(p) if n.startswith("planted")]
print("PLANTED", found)
print("LINK", open("notes.txt").read() if os.path.exists("notes.txt") else "")
def parent(pid):
    return int(open(f"/proc/{{pid}}/stat").read().rsplit(")", 1)[1].split()[1])
mine, pid = {{1}}, os.getpid()  # 1: the sandbox's own init (bubblewrap)
while pid > 0:
    mine.add(pid)
    pid = parent(pid)
others = [open(f"/proc/{{e}}/cmdline", "rb").read().replace(b"\\0", b" ").decode(errors="replace")
          for e in os.listdir("/proc") if e.isdigit() and int(e) not in mine]
print("PROCESSES", [c for c in others if c != "sleep infinity "])
print("CAPS", [line.split()[1] for line in open("/proc/self/status") if line.startswith(("CapEff", "CapBnd"))])
print("MODULES", sorted(m for m in sys.modules if m.startswith(("autograder", "pytest", "nbgrader"))))
print("WARM", "matplotlib.pyplot" in sys.modules)
marker = "BEGIN " + "HIDDEN"
print("HIDDEN", sum(1 for o in gc.get_objects() if isinstance(o, str) and marker in o))
try:
    os.setns(os.open("/proc/1/ns/mnt", os.O_RDONLY), 0) if hasattr(os, "setns") else None
    import ctypes
    print("UNSHARE", ctypes.CDLL(None).unshare(0x00020000))
except OSError as err:
    print("SETNS", err.errno)
"""

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sandbox.bubblewrap(), reason="needs bubblewrap (.ci/run installs it)")]


def _first_cell_runs(release, code, extra):
    """The solutions filled in, with extra run at the top of the first code cell."""
    nb = fill(release, code)
    first = next(c for c in nb.cells if c.cell_type == "code")
    first.source = extra + "\n" + first.source
    return nb


@pytest.fixture(scope="module")
def classes(tmp_path_factory):
    """The sample class and two probing students, graded warm (in order, one run at a time) and cold."""
    root = copy_course(tmp_path_factory.mktemp("warm"))
    Course(root).release([AID])
    roster = list(samples.build(root, AID))
    release = read_notebook(notebook_path(root, "release", AID))
    code = solution_code(read_notebook(notebook_path(root, "source", AID)))
    for student, extra in (("plant", PLANT), ("look", LOOK)):
        path = notebook_path(root / "submitted" / student, "", AID)
        path.parent.mkdir(parents=True)
        nbformat.write(_first_cell_runs(release, code, extra), path)
    (root / "instructor-secret.txt").write_text("SECRET")
    (root / "submitted" / "look" / AID / "notes.txt").symlink_to(root / "instructor-secret.txt")
    order = ["plant", "look", *roster]
    graded = {w: {g.student: g for g in grader.grade_class(root, AID, order, LIMITS, workers=1, warm=w)}
              for w in (True, False)}
    graded["killed"] = {}
    for g in grader.grade_class(root, AID, order, LIMITS, workers=1):
        if not graded["killed"]:
            pids = _zygotes()
            assert pids, "no warm process to kill"
            for pid in pids:  # the warm process dies after the first run: the rest start cold
                os.kill(pid, signal.SIGKILL)
        graded["killed"][g.student] = g
    return graded


def _zygotes():
    """This process's warm processes (sandbox.Zygote), by PID."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            if "zygote.py" in (entry / "cmdline").read_text() and int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.append(int(entry.name))
        except (OSError, ValueError):
            pass
    return found


def _printed(graded, student):
    first = next(c for c in graded[student].notebook.cells if c.cell_type == "code")
    text = "".join(o.get("text", "") for o in first.outputs if o.get("name") == "stdout")
    return dict(re.findall(r"^([A-Z]+) (.*)$", text, re.M))


@pytest.mark.parametrize("warm", [True, "killed"], ids=["warm", "warm-process-killed"])
def test_warm_and_cold_runs_give_the_same_grades(classes, warm):
    """Check that every submission, the probing and broken ones included, gets the same grade warm and cold,
    and when the warm process is killed mid-class."""
    warm, cold = classes[warm], classes[False]
    assert set(warm) == set(cold)
    for student in cold:
        assert warm[student].gradable == cold[student].gradable, student
        if cold[student].gradable:
            assert warm[student].outcome.scores == cold[student].outcome.scores, student
            assert warm[student].outcome.flags == cold[student].outcome.flags, student
            assert warm[student].outcome.checks == cold[student].outcome.checks, student


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_a_run_sees_nothing_of_the_one_before_it(classes, warm):
    """Check that a run finds no file or process the previous student left, and no process but its own
    supervisor and sandbox (the sandbox's pid 1 and, warm, its holder), no grader module, no hidden test."""
    seen = _printed(classes[warm], "look")
    assert seen["PLANTED"] == "[]", seen
    assert "SECRET" not in seen["LINK"], "a link in the submission brought the instructor's file in"
    assert seen["PROCESSES"] == "[]", seen
    assert seen["MODULES"] == "[]", seen
    assert seen["HIDDEN"] == "0", seen


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_a_run_holds_no_capability(classes, warm):
    """Check that student code has no capability (even when the grader runs as root) and cannot leave its namespaces."""
    seen = _printed(classes[warm], "look")
    assert seen["CAPS"] == "['0000000000000000', '0000000000000000']", seen
    assert seen.get("UNSHARE", "-1") == "-1" or "SETNS" in seen, seen


def test_warm_runs_are_forks_of_the_warm_process(classes):
    """Check that warm runs start with the course's imports done and cold ones without (no silent fallback)."""
    assert _printed(classes[True], "look")["WARM"] == "True"
    assert _printed(classes[False], "look")["WARM"] == "False"
