"""Running a submission: its notebook and the grader's probes in a sandbox, and what comes back as plain data."""
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import plaindata, sandbox
from .notebooks import grade_id
from .zygote import STARTING_FAILED


@dataclass
class Run:
    """What one sandboxed run gave back."""
    record: dict = None  # the cells' outcomes, the functions' statuses, integrity findings (None: nothing came back)
    values: dict = field(default_factory=dict)  # function -> its outputs on its probes
    problems: list = field(default_factory=list)  # what went wrong with the run as a whole
    strays: list = field(default_factory=list)  # files written outside the working folder
    replaced: list = field(default_factory=list)  # the course's data files the submission brought changed
    seconds: float = 0.0
    times: dict = field(default_factory=dict)  # where the run's time went (benchmarks/grading.py --breakdown)


def run_submission(kit, nb, submission_dir, limits, bwrap, scratch, mpl_cache, zygote=None):
    """Run nb in a sandbox, its submission's other files beside it; return what came back as a Run.

    With a zygote (sandbox.Zygote) the sandbox is joined by a warm fork of it rather than started cold.
    """
    began = time.perf_counter()
    box = Path(tempfile.mkdtemp(dir=scratch))
    dirs, replaced, names = _fill(box, kit, nb, submission_dir, limits, bwrap, mpl_cache)
    wall = limits.wall(len(kit.functions), sum(kit.extra_seconds.values()))
    setup, launched = time.perf_counter() - began, time.time()
    code_ = STARTING_FAILED
    if bwrap and zygote and zygote.alive():
        inside = {"cwd": f"{sandbox.INSIDE_HOME}/{kit.aid}", "job": f"{sandbox.INSIDE_GRADER}/job/job.json",
                  "out": f"{sandbox.INSIDE_GRADER}/out", "env": sandbox.inside_environment()}
        try:
            code_, seconds = sandbox.run_warm(zygote, sandbox.hold_command(bwrap, **names), limits, wall,
                                              box / "sandbox.log", inside)
        except OSError:  # the warm process is gone
            pass
        if code_ in (STARTING_FAILED, sandbox.LOST):  # then cold, in a fresh box: nothing of the attempt stays
            shutil.rmtree(box)
            box.mkdir()
            dirs, replaced, names = _fill(box, kit, nb, submission_dir, limits, bwrap, mpl_cache)
            launched = time.time()
    if code_ in (STARTING_FAILED, sandbox.LOST):
        argv, env = (sandbox.command(bwrap, **names), {}) if bwrap else sandbox.plain_command(**names)
        code_, seconds = sandbox.run(argv, env, limits, wall, box / "sandbox.log",
                                     cwd=None if bwrap else dirs["work"])
    problems = [] if code_ is not None else [f"the whole run stopped at the {wall:g} s limit"]
    record = None
    try:
        record = json.loads((dirs["out"] / "run.json").read_text())
    except (OSError, ValueError):
        log = (box / "sandbox.log").read_text(errors="replace")[-600:]
        problems.append("the sandbox wrote no results" + (f": {log.strip()}" if log.strip() else ""))
    values = {}
    for f in kit.functions:
        try:
            values[f] = plaindata.load(dirs["out"] / f"values-{f}")
        except (OSError, ValueError, KeyError):
            pass
    strays = _strays(dirs)
    shutil.rmtree(box, ignore_errors=True)
    return Run(record, values, problems, strays, replaced, seconds,
               _times(record, setup, launched, seconds, time.perf_counter() - began))


def _fill(box, kit, nb, submission_dir, limits, bwrap, mpl_cache):
    """Put a run's folders in box: the submission's files with the course's data, the job, a font cache.

    Returns (the folders by name, the course data files the submission had changed, sandbox's names for them).
    """
    dirs = {name: box / name for name in ("job", "out", "work", "home", "tmp", "state")}
    # links stay links: one to the instructor's files must not bring their contents into the sandbox
    shutil.copytree(submission_dir, dirs["work"], symlinks=True, ignore=shutil.ignore_patterns("*.ipynb"))
    replaced = _course_data(kit.course_files, dirs["work"])
    for name in ("job", "out", "home", "tmp", "state"):
        dirs[name].mkdir(exist_ok=True)
    shutil.copytree(mpl_cache, dirs["state"] / "mpl")
    for ext in ("json", "npz"):
        shutil.copy(kit.folder / f"probes.{ext}", dirs["job"] / f"probes.{ext}")
    code = [c for c in nb.cells if c.cell_type == "code"]
    inside = lambda d: f"{sandbox.INSIDE_GRADER}/{d}" if bwrap else str(dirs[d])  # noqa: E731
    job = {"cells": [{"source": c.source, "kind": _kind(c, kit)} for c in code],
           "functions": kit.functions, "probes": f"{inside('job')}/probes", "out": inside("out"),
           "cell_timeout": limits.cell_seconds, "cells_timeout": limits.cells_seconds,
           "function_timeout": limits.function_seconds, "extra_seconds": kit.extra_seconds,
           "memory_bytes": limits.memory_bytes,
           "function_memory_bytes": limits.function_memory_bytes}
    (dirs["job"] / "job.json").write_text(json.dumps(job))
    names = dict(job_dir=dirs["job"], out_dir=dirs["out"], work_dir=dirs["work"], home_dir=dirs["home"],
                 tmp_dir=dirs["tmp"], state_dir=dirs["state"], workdir_name=kit.aid)
    return dirs, replaced, names


def _times(record, setup, launched, seconds, total):
    """Where a run's time went, in seconds: the runner's own account placed between the grader's clocks."""
    inside = (record or {}).get("times") or {}
    times = {"setup": setup, "sandbox": seconds, "total": total}
    if inside:
        times["start"] = inside["started"] - launched  # bubblewrap, the interpreter, the runner's imports
        times.update({k: inside[k] for k in ("cell_process", "cells", "probes")})
        times["exit"] = launched + seconds - inside["ended"]
    times["outputs"] = total - setup - seconds
    return times


def _course_data(course_files, work):
    """Put the course's own copy of every data file that comes with the notebook into work; say which ones the
    submission had changed (they are not used: the notebook and the grader see the course's data only)."""
    found = []
    for rel, ours in course_files.items():
        theirs = work / rel
        if theirs.is_symlink() or theirs.exists():
            if theirs.is_symlink() or not theirs.is_file() or theirs.read_bytes() != ours.read_bytes():
                found.append(f"{rel} in the submission is not the course's copy: graded with the course's")
            if theirs.is_dir() and not theirs.is_symlink():
                shutil.rmtree(theirs)
            else:
                theirs.unlink()
        theirs.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ours, theirs)
    return found


def _kind(cell, kit):
    """solution, test or other: what the sandbox may skip once the cells' time is up."""
    gid = grade_id(cell)
    return "solution" if gid in kit.functions else "test" if gid in kit.points else "other"


def _strays(dirs):
    """Files the run left outside its working folder (its HOME and /tmp), for the integrity report."""
    found = []
    for name, shown in (("home", "~"), ("tmp", "/tmp")):
        for p in sorted(dirs[name].rglob("*")):
            if p.is_file():
                found.append(f"wrote outside the working folder: {shown}/{p.relative_to(dirs[name])}")
    return found[:20]


def matplotlib_cache(scratch):
    """A font cache built once, copied into every sandbox so matplotlib does not rebuild it each time."""
    path = Path(scratch) / "mpl"
    path.mkdir()
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], check=True,
                   env={"MPLCONFIGDIR": str(path), "PATH": "/usr/bin:/bin", "HOME": str(scratch)})
    return path
