"""Time what students and instructors wait for: the visible tests, and autograding per notebook.

    .venv/bin/python -m benchmarks.notebook_times [--students 5]

Prints, for each assignment, the wall time of all visible test cells in a student notebook
filled with the reference solutions, and the autograde time per submission through the real
nbgrader (process start included once, as an instructor meets it).
"""
import argparse
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.notebooks import (
    REPO,
    existing_assignments,
    fill,
    nbgrader_cells,
    notebook_path,
    read_notebook,
    solution_code,
)
from autograder.pipeline import Course, copy_course


def _seconds(cell):
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    return (datetime.fromisoformat(end[:-1]) - datetime.fromisoformat(start[:-1])).total_seconds()


def visible_tests(aid):
    """Seconds spent in the visible test cells of a filled-in student notebook."""
    code = solution_code(read_notebook(notebook_path(REPO, "source", aid)))
    nb = fill(read_notebook(notebook_path(REPO, "release", aid)), code)
    NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=True,
                   resources={"metadata": {"path": str(notebook_path(REPO, "release", aid).parent)}}).execute()
    tests = nbgrader_cells(nb, "grade").values()
    return sum(_seconds(c) for c in tests), sum(_seconds(c) for c in nb.cells if c.cell_type == "code")


def autograde(aid, students):
    """Seconds per submission for `students` correct submissions graded in one pipeline run."""
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_course(Path(tmp) / "course")
        course = Course(root)
        course.release([aid])
        code = solution_code(read_notebook(notebook_path(root, "source", aid)))
        nb = fill(read_notebook(notebook_path(root, "release", aid)), code)
        for k in range(students):
            path = notebook_path(root / "submitted" / f"s{k:02d}", "", aid)
            path.parent.mkdir(parents=True)
            nbformat.write(nb, path)
        start = time.perf_counter()
        course.autograde([aid])
        return (time.perf_counter() - start) / students


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for aid in existing_assignments():
        tests, whole = visible_tests(aid)
        rows.append((aid, tests, whole, autograde(aid, args.students)))
    print(f"\n{'assignment':26} {'visible tests':>14} {'whole notebook':>15} {'autograde/notebook':>19}")
    for aid, tests, whole, per in rows:
        print(f"{aid:26} {tests:13.2f}s {whole:14.2f}s {per:18.2f}s")


if __name__ == "__main__":
    main()
