"""Judging a run: each graded function's outputs against its probes, and the points every test cell earns.

Each function gets the fraction of its checks that passed; every test cell of that function earns
that fraction of its points. A case that went through another graded function that is wrong is
judged by replaying the source solution on its calls (autograder.replay), or not at all.
"""
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import plaindata
from .notebooks import function_of, grade_id, notebook_path, points, read_notebook, solution_code
from .probes import compare, expected, expected_forward, judge, mismatch, plain, probes
from .replay import replay
from .sandbox_runner import CRASHED, NOT_RUN, OK, PROBE_FUNCTIONS, RAN, TIMEOUT


@dataclass
class GradingKit:
    """What grading one assignment needs, prepared once per run: its notebooks, probes and expected outputs."""
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
    extra_seconds: dict = field(default_factory=dict)  # function -> what its probes need beyond the function budget
    course_files: dict = field(default_factory=dict)  # the notebook's data files (relative path -> the course's copy)


@dataclass
class Outcome:
    """One submission's judged run."""
    scores: dict = field(default_factory=dict)
    checks: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    seconds: float = 0.0
    times: dict = field(default_factory=dict)  # the run's times, then judging's and recording's


def prepare(aid, root, workdir):
    """The GradingKit of one assignment: probes, their expected outputs, the notebooks and their points."""
    source = read_notebook(notebook_path(root, "source", aid))
    release = read_notebook(notebook_path(root, "release", aid))
    found, solutions = probes(aid), solution_code(source)
    folder = Path(workdir) / aid
    folder.mkdir(parents=True)
    plaindata.save(folder / "probes", [plain(p) for p in found])
    extra = {f: sum(p.seconds for p in found if p.function == f) for f in solutions}
    return GradingKit(aid, source, release, list(solutions), found, [expected(p) for p in found],
                      [expected_forward(p) for p in found], points(source), "\n".join(solutions.values()), folder,
                      {f: s for f, s in extra.items() if s}, _course_files(notebook_path(root, "source", aid).parent,
                                                                         folder / "course"))


def _course_files(source_dir, into):
    """Copy the files that come with the notebook (its data) into `into`: relative path -> the copy.

    Copied once per run, so a submission is graded with the data as the run began, never with its own.
    """
    found = {}
    for path in sorted(source_dir.rglob("*")):
        rel = path.relative_to(source_dir)
        if path.is_file() and path.suffix != ".ipynb" and not any(part.startswith(".") for part in rel.parts):
            found[str(rel)] = into / rel
            found[str(rel)].parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, found[str(rel)])
    return found


def judge_function(kit, function, status, values, wrong=frozenset()):
    """(fraction of checks passed, messages, the other graded functions its checks went through) for one function.

    A case where its own forward failed, or where it went through a function in wrong and the
    source solution replayed on its calls (autograder.replay) cannot tell, is not judged.
    """
    mine = [(p, e, fe) for p, e, fe in zip(kit.probes, kit.expected, kit.forward_expected)
            if p.function == function]
    if status.get("status") != RAN or values is None or len(values) != len(mine):
        return 0.0, [f"{function}: not checked: {_why_not(function, status)}."], set()
    passed, judged, messages, excused, through, broken_rule = 0, 0, [], [], set(), False
    for (probe, want, fwant), got in zip(mine, values):
        blame, problem = _forward_problem(probe, fwant, got), _problem(probe, want, got)
        blame = blame and f"{probe.forward[0]} {blame}"
        reached = set(got.get("called") or ()) - {function}
        through |= reached | ({probe.forward[0]} if blame else set())
        blame = blame or _undefined(got, kit.functions, function)
        if problem and not blame and reached & wrong:
            problem, blame = _given_its_calls(kit, probe, got, sorted(reached & wrong))
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


def _given_its_calls(kit, probe, got, wrong):
    """(problem, blame) for a case that went through wrong functions: judged against the replayed solution."""
    blame = f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} wrong"
    if not got.get("log_complete"):
        return "it made too many calls to replay", blame
    replayed = replay(kit.solutions, kit.functions, plain(probe, PROBE_FUNCTIONS), got.get("log") or [])
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


_UNDEFINED = re.compile(r"NameError: name '(\w+)' is not defined")


def _undefined(got, functions, function):
    """'f is not defined' when a case failed because another graded function f does not exist (its cell failed)."""
    missing = _UNDEFINED.match(got.get("error") or "")
    name = missing and missing.group(1)
    return f"{name} is not defined (its cell failed)" if name in functions and name != function else None


def _why_not(function, status):
    why = status.get("why") or "its outputs did not come back"
    stuck = status.get("stuck_in")
    if status.get("status") == TIMEOUT:
        why += f", still inside {stuck}, which hangs" if stuck and stuck != function else " (it hangs)"
    return why


def _forward_problem(probe, fwant, got):
    """What went wrong in the student's own forward on a backward's probe, or None."""
    if not probe.forward:
        return None
    forward = got.get("forward")
    if probe.scaling:  # lines counted on the forward's cache: only a forward that raised stands in the way
        return f"raised {forward['error']}" if forward and forward.get("error") else None
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
        changed = [a for a, b in zip(probe.args, got.get("args") or ()) if not plaindata.same(a, b)]
        if any(isinstance(a, dict) for a in changed):
            return "it changed the dict passed in (a key of it, or an array in it); make a new dict and return that."
        return "it changed one of its input arrays in place; work on copies."
    if got.get("cache_changed"):
        return "it changed an array inside its cache in place; work on copies (the cache belongs to the forward)."
    return None


def judge_run(kit, nb, run):
    """Scores per test cell, messages, notes and integrity flags for one Run of nb."""
    record, values = run.record, run.values
    outcome = Outcome(notes=list(run.problems), seconds=run.seconds, times=dict(run.times))
    code = [c for c in nb.cells if c.cell_type == "code"]
    cells = (record or {}).get("cells") or [None] * len(code)
    in_notebook = {}
    for cell, rec in zip(code, cells):
        gid = grade_id(cell)
        if rec and rec.get("status") in (CRASHED, TIMEOUT):
            outcome.notes.append(f"cell {gid or code.index(cell) + 1}: {rec['why']}")
        elif rec and (rec.get("error") or "").startswith("MemoryError"):
            outcome.notes.append(f"cell {gid or code.index(cell) + 1}: ran out of memory")
        if gid in kit.points:
            in_notebook[gid] = None if _says_nothing(rec, function_of(gid, kit.functions)) else \
                bool(rec) and rec.get("status") == OK
    outcome.notes += _late_cells(code, cells)
    statuses = (record or {}).get("functions") or {}
    alone = {f: judge_function(kit, f, statuses.get(f, {}), values.get(f)) for f in kit.functions}
    wrong = frozenset(f for f, (fraction, _, _) in alone.items() if fraction < 1.0)
    fractions, through = {}, {}
    for f in kit.functions:
        # Judged again only where a case failed after going through another function that is wrong.
        again = alone[f][0] < 1.0 and alone[f][2] & (wrong - {f})
        fractions[f], outcome.checks[f], through[f] = judge_function(
            kit, f, statuses.get(f, {}), values.get(f), wrong - {f}) if again else alone[f]
        outcome.notes += _function_notes(f, statuses.get(f, {}), values.get(f))
    for gid, pts in kit.points.items():
        owner = function_of(gid, kit.functions)
        fraction = fractions[owner] if owner else float(bool(in_notebook.get(gid)))
        outcome.scores[gid] = round(pts * fraction, 2)
    for f in kit.functions:
        cells_ok = [ok for gid, ok in in_notebook.items() if function_of(gid, kit.functions) == f and ok is not None]
        # Own tests that fail while the checks pass are no alarm when a function it went through is wrong.
        blamed = any(fractions.get(g, 1.0) < 1.0 for g in through[f])
        if cells_ok and all(cells_ok) != (fractions[f] == 1.0) and (all(cells_ok) or not blamed):
            outcome.flags.append(f"{f}: the notebook's own tests {'pass' if all(cells_ok) else 'fail'} but the "
                                 f"grader's checks {'fail' if all(cells_ok) else 'pass'}")
    outcome.flags += (record or {}).get("integrity", []) + run.strays + run.replaced
    return outcome


def _says_nothing(rec, function):
    """Whether a test cell's outcome tells nothing of its function: not run, or stopped by another function."""
    if not rec or rec.get("status") == NOT_RUN:
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
            if rec and rec.get("status") == NOT_RUN]
    return [f"cells not run (the notebook's cells had used up their time): {', '.join(late)}"] if late else []


def _function_notes(function, status, values):
    """The row's notes on one function's checks: a hang, a crash or memory running out."""
    if status.get("status") in (TIMEOUT, CRASHED):
        return [f"{function}: {_why_not(function, status)}; it loses its points"]
    if any((v.get("error") or "").startswith("MemoryError") for v in values or ()):
        return [f"{function}: ran out of memory on the grader's checks (the limit is per function)"]
    return []
