"""Grading a class: the sandboxed grader against `nbgrader autograde`, where a submission's time goes, and scaling.

The same submissions (spread over the assignments, correct and typical-mistake ones alternating)
are graded in fresh copies of the course; the figures are wall times of one run each and their
ratios. Run from the root:

  .venv/bin/python -m benchmarks.grading                   # 40 submissions: ours vs nbgrader's batch
  .venv/bin/python -m benchmarks.grading --per-student     # ... and nbgrader one student at a time
  .venv/bin/python -m benchmarks.grading --breakdown       # per submission: warm and cold runs, phase by phase
  .venv/bin/python -m benchmarks.grading --assignments 1-5  # the class of 01-05 only, as before 06 existed
  .venv/bin/python -m benchmarks.grading --students 200    # a larger class; --scaling 40,200 compares sizes
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder import grader, recording, sandbox
from autograder.mistakes import catalogue
from autograder.notebooks import ASSIGNMENTS, fill, notebook_path, read_notebook, solution_code
from autograder.pipeline import Course, copy_course

PHASES = ["setup", "start", "cell_process", "cells", "probes", "exit", "outputs", "judging", "notebook", "recording"]


def spread(n, assignments=ASSIGNMENTS):
    """How many of n submissions each assignment gets: as even as it can be, the first ones one more."""
    return {aid: n // len(assignments) + (i < n % len(assignments)) for i, aid in enumerate(assignments)}


def make_class(root, n=40, assignments=ASSIGNMENTS):
    """A released course with n submissions spread over the assignments; return {aid: its roster}."""
    course = Course(copy_course(root))
    course.release()
    rosters = {}
    for aid, count in spread(n, assignments).items():
        release = read_notebook(notebook_path(root, "release", aid))
        code = solution_code(read_notebook(notebook_path(root, "source", aid)))
        mistakes = catalogue(aid)
        rosters[aid] = [f"s{i:03d}" for i in range(count)]
        for i, student in enumerate(rosters[aid]):
            m = mistakes[(i // 2) % len(mistakes)]
            chosen = code if i % 2 == 0 else {**code, m.function: m.code(code)}
            path = notebook_path(root / "submitted" / student, "", aid)
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(fill(release, chosen), path)
    course.enrol(sorted({s for roster in rosters.values() for s in roster}))
    return rosters


def timed(label, argv_list, cwd):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    start = time.perf_counter()
    for argv in argv_list:
        subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    print(f"{label:<48} {seconds:7.1f} s", flush=True)
    return seconds


def ours(root, rosters):
    return [sys.executable, "-m", "autograder", "autograde", "--course-dir", str(root),
            *[f"--assignment={aid}" for aid in rosters]]


def limit(root, rosters):
    """Seconds of the class's own cells and the grader's probes, each submission run warm, one at a time."""
    return sum(g.outcome.times["cells"] + g.outcome.times["probes"] for aid, roster in rosters.items()
               for g in grader.grade_class(root, aid, roster, sandbox.Limits(), workers=1) if g.gradable)


def compare(base, n, per_student, assignments):
    """Ours against nbgrader's batch (and per student) on the same n submissions, and the limit of both."""
    nbgrader = [sys.executable, "-m", "nbgrader", "autograde", "--force"]
    names = ["batch", "ours", "limit"] + (["per_student"] if per_student else [])
    roots = {name: base / name for name in names}
    rosters = {name: make_class(root, n, assignments) for name, root in roots.items()}["ours"]
    cores = len(os.sched_getaffinity(0))
    print(f"{n} submissions of {', '.join(rosters)}; {cores} cores")
    batch = timed("nbgrader autograde, one batch per assignment", [nbgrader + [aid] for aid in rosters],
                  roots["batch"])
    mine = timed("python -m autograder autograde (sandboxed, warm)", [ours(roots["ours"], rosters)], roots["ours"])
    print(f"speed-up over batch nbgrader:       {batch / mine:.2f}x (goal >= 6)")
    least = limit(roots["limit"], rosters)
    print(f"the class's cells and probes alone, warm: {least:.1f} s, {least / cores:.1f} s on {cores} cores: "
          f"no grader can beat nbgrader's batch by more than {batch / (least / cores):.2f}x here; "
          f"ours reaches {least / cores / mine:.0%} of that limit")
    if per_student:
        each = timed("nbgrader autograde, one per student", [
            nbgrader + [aid, "--student", s] for aid, roster in rosters.items() for s in roster], roots["per_student"])
        print(f"speed-up over per-student nbgrader: {each / mine:.2f}x")


def breakdown(base, n):
    """Each submission graded one at a time, warm and cold: the mean seconds of every phase, and the overhead."""
    root = base / "breakdown"
    rosters = make_class(root, n)
    course = Course(root)
    times = {}
    for warm in (True, False):
        for aid, roster in rosters.items():
            for g in grader.grade_class(root, aid, roster, sandbox.Limits(), workers=1, warm=warm):
                began = time.perf_counter()
                recording.store(root, course.db_url, g.student, aid, g.outcome, g.notebook, course.late_policy)
                times[warm, aid, g.student] = {**g.outcome.times, "recording": time.perf_counter() - began}
    keys = [(aid, s) for aid, roster in rosters.items() for s in roster]
    # the limit: the submission's own cells and the grader's probes, in a warm Python (the warm run's)
    limit = {k: times[(True, *k)]["cells"] + times[(True, *k)]["probes"] for k in keys}
    print(f"{len(keys)} submissions graded one at a time; mean seconds per submission")
    print(f"{'phase':<14}{'cold':>8}{'warm':>8}")
    for phase in PHASES:
        cold, warm = (statistics.mean(times[(w, *k)].get(phase, 0.0) for k in keys) for w in (False, True))
        print(f"{phase:<14}{cold:8.3f}{warm:8.3f}")
    spent = {w: {k: times[(w, *k)]["total"] + sum(times[(w, *k)][p] for p in ("judging", "notebook", "recording"))
                 for k in keys} for w in (False, True)}
    for w, label in ((False, "cold"), (True, "warm")):
        over = [spent[w][k] - limit[k] for k in keys]
        print(f"{label}: whole {statistics.mean(spent[w].values()):.3f} s, overhead beyond cells and probes "
              f"mean {statistics.mean(over):.3f} s, median {statistics.median(over):.3f} s, max {max(over):.3f} s")
    print(f"the limit (cells and probes, warm): mean {statistics.mean(limit.values()):.3f} s")


def scaling(base, sizes):
    """Ours on classes of each size: seconds per submission should stay flat."""
    per = {}
    for n in sizes:
        root = base / f"class-{n}"
        rosters = make_class(root, n)
        per[n] = timed(f"python -m autograder autograde, {n} submissions", [ours(root, rosters)], root) / n
        print(f"  {per[n]:.3f} s per submission", flush=True)
    first = sizes[0]
    for n in sizes[1:]:
        print(f"{n} vs {first}: {per[n] / per[first]:.2f}x the time per submission (1.00 is linear)")


def chosen(numbers):
    """The assignments named by numbers like "1-5" or "1,3,6" (all when None)."""
    if not numbers:
        return ASSIGNMENTS
    wanted = set()
    for part in numbers.split(","):
        first, _, last = part.partition("-")
        wanted |= set(range(int(first), int(last or first) + 1))
    return [aid for aid in ASSIGNMENTS if int(aid[:2]) in wanted]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=40, help="submissions in the class (default 40)")
    parser.add_argument("--per-student", action="store_true", help="also nbgrader one student at a time (slow)")
    parser.add_argument("--breakdown", action="store_true", help="where a submission's time goes, warm and cold")
    parser.add_argument("--scaling", default=None, help="sizes to compare, e.g. 40,200")
    parser.add_argument("--assignments", default=None,
                        help="the assignments the class submits, by number (default all): 1-5 is the class before 06")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="grading-bench-"))
    try:
        if args.breakdown:
            breakdown(base, args.students)
        elif args.scaling:
            scaling(base, [int(n) for n in args.scaling.split(",")])
        else:
            compare(base, args.students, args.per_student, chosen(args.assignments))
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
