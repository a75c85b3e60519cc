"""Grading a class in sandboxes: run each submission, judge its outputs here, record the grades.

For each submission: the notebook with its test cells restored (hidden tests included) runs in a
sandbox (autograder.sandbox), which returns the in-notebook outcomes and the graded functions'
outputs on the probes as plain data. The outputs are judged here (autograder.probes) and give
each function a fraction of checks passed; every test cell of that function earns that fraction
of its points. The grades go into nbgrader's gradebook, the autograded notebook into
autograded/, so the formgrader, `nbgrader export` and feedback keep working.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from . import plaindata, sandbox
from .notebooks import function_of, grade_id, nbgrader_cells, notebook_path, points, read_notebook, solution_code
from .probes import compare, expected, expected_forward, judge, mismatch, plain, probes
from .replay import replay
from .sandbox_runner import PROBE_FUNCTIONS

UNSAFE_HELP = ("no working sandbox (bubblewrap, Debian package `bubblewrap`) on this machine: student code "
               "would run with your rights and see the gradebook and the hidden tests. Install bubblewrap, "
               "or pass --unsafe to grade without a sandbox anyway.")


class NoSandbox(SystemExit):
    """Raised when grading would run student code unconfined and the instructor did not allow it."""


@dataclass
class Assignment:
    """What grading one assignment needs, prepared once per run."""
    aid: str
    source: object
    release: object
    functions: list
    probes: list
    expected: list
    forward_expected: list
    points: dict
    solutions: str  # the source notebook's solutions, replayed for functions that call a wrong one
    folder: Path


@dataclass
class Outcome:
    """One submission's judged run."""
    scores: dict = field(default_factory=dict)
    checks: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    seconds: float = 0.0


def prepare(aid, root, workdir):
    """Probes, their expected outputs and the notebook structure of one assignment."""
    source = read_notebook(notebook_path(root, "source", aid))
    release = read_notebook(notebook_path(root, "release", aid))
    found, solutions = probes(aid), solution_code(source)
    folder = Path(workdir) / aid
    folder.mkdir(parents=True)
    plaindata.save(folder / "probes", [plain(p) for p in found])
    return Assignment(aid, source, release, list(solutions), found, [expected(p) for p in found],
                      [expected_forward(p) for p in found], points(source), "\n".join(solutions.values()), folder)


def notebook_to_run(submitted, source):
    """The submission with every test cell as in source/ (hidden tests included), missing ones put back."""
    nb = nbformat.from_dict(json.loads(json.dumps(submitted)))
    originals = nbgrader_cells(source, "grade")
    present = nbgrader_cells(nb, "grade")
    for gid, cell in present.items():
        if gid in originals:
            cell.source = originals[gid].source
    order = [grade_id(c) for c in source.cells]
    for gid, cell in originals.items():
        if gid in present:
            continue
        before = [g for g in order[:order.index(gid)] if g]
        ids = [grade_id(c) for c in nb.cells]
        at = max((ids.index(g) + 1 for g in before if g in ids), default=len(nb.cells))
        nb.cells.insert(at, nbformat.from_dict(json.loads(json.dumps(cell))))
    seen = set()
    for cell in nb.cells:
        if not cell.get("id") or cell["id"] in seen:  # restored cells may lack an id or repeat one
            cell["id"] = uuid.uuid4().hex[:12]
        seen.add(cell["id"])
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.nbformat_minor = max(nb.nbformat_minor, 5)
    return nb


def run_submission(assignment, nb, submission_dir, limits, bwrap, scratch, mpl_cache):
    """Run nb in a sandbox; return (run record or None, [outputs per probe] by function, problems)."""
    box = Path(tempfile.mkdtemp(dir=scratch))
    dirs = {name: box / name for name in ("job", "out", "work", "home", "tmp", "state")}
    shutil.copytree(submission_dir, dirs["work"], ignore=shutil.ignore_patterns("*.ipynb"))
    for name in ("job", "out", "home", "tmp", "state"):
        dirs[name].mkdir(exist_ok=True)
    shutil.copytree(mpl_cache, dirs["state"] / "mpl")
    for ext in ("json", "npz"):
        shutil.copy(assignment.folder / f"probes.{ext}", dirs["job"] / f"probes.{ext}")
    code = [c for c in nb.cells if c.cell_type == "code"]
    inside = lambda d: f"{sandbox.INSIDE_GRADER}/{d}" if bwrap else str(dirs[d])  # noqa: E731
    job = {"cells": [{"source": c.source, "kind": _kind(c, assignment)} for c in code],
           "functions": assignment.functions, "probes": f"{inside('job')}/probes", "out": inside("out"),
           "cell_timeout": limits.cell_seconds, "cells_timeout": limits.cells_seconds,
           "function_timeout": limits.function_seconds, "memory_bytes": limits.memory_bytes,
           "function_memory_bytes": limits.function_memory_bytes}
    (dirs["job"] / "job.json").write_text(json.dumps(job))
    names = dict(job_dir=dirs["job"], out_dir=dirs["out"], work_dir=dirs["work"], home_dir=dirs["home"],
                 tmp_dir=dirs["tmp"], state_dir=dirs["state"], workdir_name=assignment.aid)
    argv, env = (sandbox.command(bwrap, **names), {}) if bwrap else sandbox.plain_command(**names)
    wall = limits.wall(len(assignment.functions))
    code_, seconds = sandbox.run(argv, env, limits, wall, box / "sandbox.log", cwd=None if bwrap else dirs["work"])
    problems = [] if code_ is not None else [f"the whole run stopped at the {wall:g} s limit"]
    record = None
    try:
        record = json.loads((dirs["out"] / "run.json").read_text())
    except (OSError, ValueError):
        log = (box / "sandbox.log").read_text(errors="replace")[-600:]
        problems.append("the sandbox wrote no results" + (f": {log.strip()}" if log.strip() else ""))
    values = {}
    for f in assignment.functions:
        try:
            values[f] = plaindata.load(dirs["out"] / f"values-{f}")
        except (OSError, ValueError, KeyError):
            pass
    strays = _strays(dirs)
    shutil.rmtree(box, ignore_errors=True)
    return record, values, problems, strays, seconds


def _kind(cell, assignment):
    """solution, test or other: what the sandbox may skip once the cells' time is up."""
    gid = grade_id(cell)
    return "solution" if gid in assignment.functions else "test" if gid in assignment.points else "other"


def _strays(dirs):
    """Files the run left outside its working folder (its HOME and /tmp), for the integrity report."""
    found = []
    for name, shown in (("home", "~"), ("tmp", "/tmp")):
        for p in sorted(dirs[name].rglob("*")):
            if p.is_file():
                found.append(f"wrote outside the working folder: {shown}/{p.relative_to(dirs[name])}")
    return found[:20]


def judge_function(assignment, function, status, values, wrong=frozenset()):
    """(fraction of checks passed, messages, the other graded functions its checks went through) for one function.

    A case where its own forward failed, or where it went through a function in wrong and the
    source solution replayed on its calls (autograder.replay) cannot tell, is not judged.
    """
    mine = [(p, e, fe) for p, e, fe in zip(assignment.probes, assignment.expected, assignment.forward_expected)
            if p.function == function]
    if status.get("status") != "ran" or values is None or len(values) != len(mine):
        return 0.0, [f"{function}: not checked: {_why_not(function, status)}."], set()
    passed, judged, messages, excused, through, broken_rule = 0, 0, [], [], set(), False
    for (probe, want, fwant), got in zip(mine, values):
        blame, problem = _forward_problem(probe, fwant, got), _problem(probe, want, got)
        blame = blame and f"{probe.forward[0]} {blame}"
        reached = set(got.get("called") or ()) - {function}
        through |= reached | ({probe.forward[0]} if blame else set())
        if problem and not blame and reached & wrong:
            problem, blame = _given_its_calls(assignment, probe, got, sorted(reached & wrong))
        if blame and problem:  # another function failed here: whose fault this is cannot be told
            excused.append(f"{blame} (case '{probe.label}')")
            continue
        judged += 1
        passed += problem is None
        broken_rule |= bool(problem) and probe.decisive
        if problem:
            messages.append(f"{function}, case '{probe.label}': {problem}")
    if broken_rule:
        return 0.0, messages + [f"{function}: it breaks the exercise's rule, so none of its checks count."], through
    if excused and not judged:
        return 0.0, [f"{function}: not checked: it can only be checked through your own functions, and "
                     f"{excused[0]}, as on every case; once that is right, {function} is checked."], through
    if excused:
        messages.append(f"{function}: {len(excused)} of {len(mine)} cases not judged, since {excused[0]}"
                        + (" and on others" if len(excused) > 1 else "") + ".")
    return passed / judged, messages, through


def _given_its_calls(assignment, probe, got, wrong):
    """(problem, blame) for a case that went through wrong functions: judged against the replayed solution."""
    blame = f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} wrong"
    if not got.get("log_complete"):
        return "it made too many calls to replay", blame
    replayed = replay(assignment.solutions, assignment.functions, plain(probe, PROBE_FUNCTIONS), got.get("log") or [])
    if replayed is None:
        return "its calls differ from the solution's", blame
    value, error = replayed
    if error and not got.get("error"):  # the solution cannot go on from there; yours did
        return "the solution fails on what your functions returned", blame
    if got.get("error"):  # given what the wrong function returned, failing alike is right
        same = error and error.split(":")[0] == got["error"].split(":")[0]
        return (None if same else f"it raised {got['error']}"), None
    if probe.check == "labels":  # whether labels are ints is the called function's business here
        problem = mismatch(got["value"], value, 0.0, "the labels")
    else:
        problem = judge(probe, got["value"], value)
    return (f"{problem} (judged with what your {', '.join(wrong)} returned)" if problem else None), None


def _why_not(function, status):
    why = status.get("why") or "its outputs did not come back"
    stuck = status.get("stuck_in")
    if status.get("status") == "timeout":
        why += f", still inside {stuck}, which hangs" if stuck and stuck != function else " (it hangs)"
    return why


def _forward_problem(probe, fwant, got):
    """What went wrong in the student's own forward on a backward's probe, or None."""
    if not probe.forward or probe.scaling:
        return None
    forward = got.get("forward")
    if not forward:
        return "did not run" if not got.get("error") else None
    if forward.get("error"):
        return f"raised {forward['error']}"
    if probe.quiet and forward.get("warnings"):
        return f"gave a warning ({forward['warnings'][0]})"
    if not plaindata.same(tuple(probe.forward[1]), forward.get("args")):
        return "changed one of its input arrays in place"
    return "is wrong" if compare(probe, forward.get("value"), fwant, "out") else None


def _problem(probe, want, got):
    if got.get("error"):
        if probe.quiet and got["error"].startswith("FloatingPointError"):
            return f"it overflows ({got['error']}), even if its warnings are silenced; rewrite it so that it cannot."
        return f"it raised {got['error']}"
    problem = judge(probe, got["value"], want)
    if problem:
        return problem
    missing = [name for name in probe.calls if name not in (got.get("called") or [])]
    if missing:
        return f"it never calls {', '.join(missing)}: build it from your own functions."
    if probe.quiet and got.get("warnings"):
        return f"it gave a warning ({got['warnings'][0]}); rewrite it so that it cannot overflow."
    if not plaindata.same(tuple(probe.args), got.get("args")):
        return "it changed one of its input arrays in place; work on copies."
    if got.get("cache_changed"):
        return "it changed an array inside its cache in place; work on copies (the cache belongs to the forward)."
    return None


def judge_run(assignment, nb, record, values, problems, strays):
    """Scores per test cell, messages, notes and integrity flags for one run."""
    outcome = Outcome(notes=list(problems))
    code = [c for c in nb.cells if c.cell_type == "code"]
    cells = (record or {}).get("cells") or [None] * len(code)
    in_notebook = {}
    for cell, rec in zip(code, cells):
        gid = grade_id(cell)
        if rec and rec.get("status") in ("crashed", "timeout"):
            outcome.notes.append(f"cell {gid or code.index(cell) + 1}: {rec['why']}")
        elif rec and (rec.get("error") or "").startswith("MemoryError"):
            outcome.notes.append(f"cell {gid or code.index(cell) + 1}: ran out of memory")
        if gid in assignment.points:
            in_notebook[gid] = None if _says_nothing(rec, function_of(gid, assignment.functions)) else \
                bool(rec) and rec.get("status") == "ok"
    outcome.notes += _late_cells(code, cells)
    statuses = (record or {}).get("functions") or {}
    alone = {f: judge_function(assignment, f, statuses.get(f, {}), values.get(f)) for f in assignment.functions}
    wrong = frozenset(f for f, (fraction, _, _) in alone.items() if fraction < 1.0)
    fractions, through = {}, {}
    for f in assignment.functions:
        # Judged again only where a case failed after going through another function that is wrong.
        again = alone[f][0] < 1.0 and alone[f][2] & (wrong - {f})
        fractions[f], outcome.checks[f], through[f] = judge_function(
            assignment, f, statuses.get(f, {}), values.get(f), wrong - {f}) if again else alone[f]
        outcome.notes += _function_notes(f, statuses.get(f, {}), values.get(f))
    for gid, pts in assignment.points.items():
        owner = function_of(gid, assignment.functions)
        fraction = fractions[owner] if owner else float(bool(in_notebook.get(gid)))
        outcome.scores[gid] = round(pts * fraction, 2)
    for f in assignment.functions:
        cells_ok = [ok for gid, ok in in_notebook.items() if function_of(gid, assignment.functions) == f and ok is not None]
        # Own tests that fail while the checks pass are no alarm when a function it went through is wrong.
        blamed = any(fractions.get(g, 1.0) < 1.0 for g in through[f])
        if cells_ok and all(cells_ok) != (fractions[f] == 1.0) and (all(cells_ok) or not blamed):
            outcome.flags.append(f"{f}: the notebook's own tests {'pass' if all(cells_ok) else 'fail'} but the "
                                 f"grader's checks {'fail' if all(cells_ok) else 'pass'}")
    outcome.flags += (record or {}).get("integrity", []) + strays
    return outcome


def _says_nothing(rec, function):
    """Whether a test cell's outcome tells nothing of its function: not run, or stopped by another function."""
    if not rec or rec.get("status") == "not run":
        return True
    error = rec.get("error") or ""
    if _RELIES.match(error):  # the cell stopped at its check of another function (course.gradcheck.uses)
        return True
    hung = _HUNG.search(error)
    stuck = rec.get("stuck_in") or (hung and hung.group(1))
    return bool(stuck) and stuck != function


_HUNG = re.compile(r"TimeoutError: (\w+) ran past the time limit in an earlier cell")
_RELIES = re.compile(r"GradientError: this test relies on your ")


def _late_cells(code, cells):
    """One note naming the cells that were not run because the cells had used up their time."""
    late = [grade_id(c) or str(n) for n, (c, rec) in enumerate(zip(code, cells), 1)
            if rec and rec.get("status") == "not run"]
    return [f"cells not run (the notebook's cells had used up their time): {', '.join(late)}"] if late else []


def _function_notes(function, status, values):
    """The row's notes on one function's checks: a hang, a crash or memory running out."""
    if status.get("status") in ("timeout", "crashed"):
        return [f"{function}: {_why_not(function, status)}; it loses its points"]
    if any((v.get("error") or "").startswith("MemoryError") for v in values or ()):
        return [f"{function}: ran out of memory on the grader's checks (the limit is per function)"]
    return []


def autograded_notebook(nb, record, outcome, assignment):
    """The run notebook with its text outputs, and under each test cell the grader's findings."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    code = [c for c in nb.cells if c.cell_type == "code"]
    for n, (cell, rec) in enumerate(zip(code, (record or {}).get("cells") or [None] * len(code)), 1):
        cell.execution_count = n
        rec = rec or {"status": "not run", "why": "it did not run"}
        for stream in ("stdout", "stderr"):
            if rec.get(stream):
                cell.outputs.append(nbformat.v4.new_output("stream", name=stream, text=rec[stream]))
        if rec.get("error"):
            ename, _, evalue = rec["error"].partition(": ")
            cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[rec["error"]]))
        elif rec.get("why"):
            cell.outputs.append(nbformat.v4.new_output("error", ename=rec["status"], evalue=rec["why"],
                                                       traceback=[rec["why"]]))
        gid = grade_id(cell)
        owner = function_of(gid, assignment.functions) if gid in assignment.points else None
        if owner:
            found = outcome.checks[owner]
            text = f"Grader's checks of {owner}: " + ("all passed.\n" if not found else
                                                       "\n".join(f"- {m}" for m in found) + "\n")
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text))
    return nb


def record_grades(db_url, aid, student, outcome, notebook_name):
    """Put the scores into nbgrader's gradebook, creating the submission if needed; return the total."""
    with Gradebook(db_url) as gb:
        gb.update_or_create_student(student)
        try:
            gb.find_submission(aid, student)
        except MissingEntry:
            gb.add_submission(aid, student)
        for gid, score in outcome.scores.items():
            grade = gb.find_grade(gid, notebook_name, aid, student)
            grade.auto_score = score
            grade.needs_manual_grade = False
        gb.db.commit()
        return float(gb.find_submission(aid, student).score)


def matplotlib_cache(scratch):
    """A font cache built once, copied into every sandbox so matplotlib does not rebuild it each time."""
    path = Path(scratch) / "mpl"
    path.mkdir()
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], check=True,
                   env={"MPLCONFIGDIR": str(path), "PATH": "/usr/bin:/bin", "HOME": str(scratch)})
    return path


def grade_class(course, aid, roster, limits, unsafe=False, workers=None, report=print):
    """Grade every student of roster on aid; yield (student, gradable, notes, outcome, nb) as each finishes."""
    bwrap = sandbox.bubblewrap()
    if not bwrap and not unsafe:
        raise NoSandbox(UNSAFE_HELP)
    scratch = Path(tempfile.mkdtemp(prefix="backprop-grading-"))
    try:
        assignment = prepare(aid, course.root, scratch)
        mpl = matplotlib_cache(scratch)
        jobs = {}
        with ThreadPoolExecutor(max_workers=workers or len(os.sched_getaffinity(0))) as pool:
            for student in roster:
                gradable, notes = course._preflight(student, aid, assignment.release)
                if not gradable:
                    yield student, False, notes, None, None
                    continue
                folder = course.root / "submitted" / student / aid
                nb = notebook_to_run(read_notebook(folder / f"{aid}.ipynb"), assignment.source)
                future = pool.submit(run_submission, assignment, nb, folder, limits, bwrap, scratch, mpl)
                jobs[future] = (student, notes, nb)
            for future in as_completed(jobs):
                student, notes, nb = jobs[future]
                record, values, problems, strays, seconds = future.result()
                outcome = judge_run(assignment, nb, record, values, problems, strays)
                outcome.seconds = seconds
                outcome.notes = notes + outcome.notes
                yield student, True, outcome.notes, outcome, autograded_notebook(nb, record, outcome, assignment)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class Progress:
    """A progress bar on a terminal (one line per student elsewhere), for grading a class."""

    def __init__(self, total, aid, out=sys.stdout, width=30):
        self.total, self.aid, self.out, self.width, self.done = total, aid, out, width, 0
        self.start = time.perf_counter()
        self.tty = out.isatty()

    def step(self, result):
        self.done += 1
        filled = self.width * self.done // max(self.total, 1)
        line = (f"{self.aid} [{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
                f"{result.student}: {result.score:g}/{result.max_score:g}"
                + ("" if result.status == "graded" else f" ({result.status})"))
        self.out.write(("\r" + line.ljust(100)) if self.tty else line + "\n")
        self.out.flush()

    def close(self, rows):
        if self.tty:
            self.out.write("\n")
        self.out.write(f"{self.aid}: {len(rows)} students in {time.perf_counter() - self.start:.1f} s\n")
