"""Grading one class on Dask workers (`--cluster local:N`) against the local pool of N runs at a time.

The same submissions of one assignment (correct and typical-mistake ones alternating) are graded by
grader.grade_class twice: in the local pool of N threads, then on a LocalCluster of N worker processes
on 127.0.0.1, whose start is timed apart. Each figure is the wall time of one run; the grades of the
two must be the same. Run from the root:

  .venv/bin/python -m benchmarks.cluster [--students 10] [--workers 2] [--assignment 03_sigmoid_gates]
"""
import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from autograder import cluster
from autograder.grader import grade_class
from autograder.sandbox import Limits
from tests.helpers import small_class


def graded(root, aid, roster, **how):
    """(seconds, {student: (scores, flags, notes)}, the runs' mean start seconds) of grading the class once."""
    began = time.perf_counter()
    rows = {g.student: g.outcome for g in grade_class(root, aid, roster, Limits(), **how)}
    seconds = time.perf_counter() - began
    starts = [o.times["start"] for o in rows.values() if "start" in o.times]
    return seconds, {s: (o.scores, o.flags, o.notes) for s, o in rows.items()}, statistics.mean(starts or [0.0])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignment", default="03_sigmoid_gates")
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="cluster-bench-"))
    try:
        root, roster = small_class(base, args.assignment, args.students, broken=False)
        print(f"{len(roster)} submissions of {args.assignment}, {os.cpu_count()} cores, {args.workers} at a time")
        local, local_grades, local_start = graded(root, args.assignment, roster, workers=args.workers)
        print(f"{'local pool (threads)':<36} {local:7.1f} s  ({local / len(roster):.2f} s per submission, "
              f"sandbox start {local_start:.2f} s)")
        began = time.perf_counter()
        with cluster.connected(f"local:{args.workers}") as client:
            up = time.perf_counter() - began
            remote, remote_grades, remote_start = graded(root, args.assignment, roster, cluster=client)
        print(f"{f'LocalCluster of {args.workers} workers':<36} {remote:7.1f} s  ({remote / len(roster):.2f} s per "
              f"submission, sandbox start {remote_start:.2f} s; the cluster's own start {up:.1f} s more)")
        print(f"cluster / local pool: {remote / local:.2f}x the time; with its start {(remote + up) / local:.2f}x")
        assert remote_grades == local_grades, "the cluster's grades differ from the local pool's"
        print("grades: the same")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
