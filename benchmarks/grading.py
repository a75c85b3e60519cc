"""Grading a class: the sandboxed grader against `nbgrader autograde` per student and in one batch.

The same 40 submissions (8 per assignment, correct and typical-mistake ones alternating) are
graded three ways in fresh copies of the course; the figures are wall times of one run each and
their ratios. Run: .venv/bin/python -m benchmarks.grading
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.mistakes import catalogue
from autograder.notebooks import ASSIGNMENTS, fill, notebook_path, read_notebook, solution_code
from autograder.pipeline import Course, copy_course

PER_ASSIGNMENT = 8


def make_class(root):
    """A released course with PER_ASSIGNMENT submissions of every assignment; return the roster."""
    course = Course(copy_course(root))
    course.release()
    roster = [f"s{i:02d}" for i in range(PER_ASSIGNMENT)]
    for aid in ASSIGNMENTS:
        release = read_notebook(notebook_path(root, "release", aid))
        code = solution_code(read_notebook(notebook_path(root, "source", aid)))
        mistakes = catalogue(aid)
        for i, student in enumerate(roster):
            m = mistakes[i % len(mistakes)]
            chosen = code if i % 2 == 0 else {**code, m.function: m.code(code)}
            path = notebook_path(root / "submitted" / student, "", aid)
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(fill(release, chosen), path)
    course.enrol(roster)
    return roster


def timed(label, argv_list, cwd):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    start = time.perf_counter()
    for argv in argv_list:
        subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    print(f"{label:<38} {seconds:7.1f} s", flush=True)
    return seconds


def main():
    base = Path(tempfile.mkdtemp(prefix="grading-bench-"))
    try:
        nbgrader = [sys.executable, "-m", "nbgrader", "autograde", "--force"]
        roots = {}
        for name in ("per_student", "batch", "sandboxed"):
            roots[name] = base / name
            roster = make_class(roots[name])
        n = len(roster) * len(ASSIGNMENTS)
        print(f"{n} submissions, {os.cpu_count()} cores")
        per_student = timed("nbgrader autograde, one per student", [
            nbgrader + [aid, "--student", s] for aid in ASSIGNMENTS for s in roster], roots["per_student"])
        batch = timed("nbgrader autograde, one batch per assignment", [
            nbgrader + [aid] for aid in ASSIGNMENTS], roots["batch"])
        ours = timed("python -m autograder autograde (sandboxed)", [
            [sys.executable, "-m", "autograder", "autograde", "--course-dir", str(roots["sandboxed"])]],
            roots["sandboxed"])
        print(f"speed-up over per-student nbgrader: {per_student / ours:.2f}x (target >= 3)")
        print(f"speed-up over batch nbgrader:       {batch / ours:.2f}x (target >= 1)")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
