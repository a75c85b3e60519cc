"""Recording grades: the gradebook, the autograded notebook with the grader's findings, and the reports of a run.

Each graded submission also gets a mark (autograded/<student>/.<aid>.grading.json), written once its grade is
wholly recorded: the fingerprint of everything that grade depends on, and the row. A later run keeps a grade whose
fingerprint still holds and whose records are as the mark says, so a run cut short is finished by the next one.
"""
import hashlib
import json
import os
import platform
import shutil
import warnings
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import parse_utc
from sqlalchemy.exc import SAWarning

import course

from .notebooks import copy_notebook, function_of, grade_id, notebook_path
from .results import Result, integrity
from .sandbox_runner import NOT_RUN
from .submission import folder as submitted_folder
from .submission import timestamp as submitted_at


def autograded_notebook(nb, record, outcome, kit):
    """The run notebook with its text outputs, and under each test cell the grader's findings."""
    nb = copy_notebook(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for n, (cell, rec) in enumerate(zip(code, (record or {}).get("cells") or [None] * len(code)), 1):
        cell.execution_count = n
        rec = rec or {"status": NOT_RUN, "why": "it did not run"}
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
        owner = function_of(gid, kit.functions) if gid in kit.points else None
        if owner:
            found = outcome.checks[owner]
            text = f"Grader's checks of {owner}:" + (" all passed.\n" if not found else
                                                      "".join(f"\n- {m}" for m in found) + "\n")
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text))
    return nb


@dataclass
class Recorded:
    """What the gradebook holds of one graded submission after recording it."""
    score: float  # after the late penalty
    late_penalty: float = 0.0
    submitted: str = ""  # the submission's timestamp as nbgrader wrote it, or ""
    seconds_late: float = 0.0


def record_grades(db_url, aid, student, outcome, notebook_name, submitted="", policy=None):
    """Put the scores, the submission's time and its late penalty (policy's) into nbgrader's gradebook."""
    with Gradebook(db_url) as gb:
        gb.update_or_create_student(student)
        try:
            submission = gb.find_submission(aid, student)
        except MissingEntry:
            submission = gb.add_submission(aid, student)
        submission.timestamp = parse_utc(submitted) if submitted else None
        for gid, score in outcome.scores.items():
            grade = gb.find_grade(gid, notebook_name, aid, student)
            grade.auto_score = score
            grade.needs_manual_grade = False
        gb.db.commit()
        return _charge_late(gb, aid, student, notebook_name, submitted, policy)


def _charge_late(gb, aid, student, notebook_name, submitted, policy):
    """Set the late penalty policy charges the submission, by the gradebook's due date and extension; its Recorded."""
    notebook = gb.find_submission_notebook(notebook_name, aid, student)
    late = gb.find_submission(aid, student).total_seconds_late
    penalty = policy.late_submission_penalty(student, notebook.score, late) if policy and late > 0 else None
    penalty = min(max(penalty or 0.0, 0.0), notebook.score) or None  # as nbgrader's own checks
    if notebook.late_submission_penalty != penalty:
        notebook.late_submission_penalty = penalty
        gb.db.commit()
    total = float(gb.find_submission(aid, student).score)
    return Recorded(round(total - (penalty or 0.0), 2), penalty or 0.0, submitted, late)


# What nbgrader's submit writes beside the notebook and its later steps read: the time (deadlines) and
# the secret that names the student's feedback in the exchange (release_feedback, fetch_feedback).
BESIDE = ("timestamp.txt", "submission_secret.txt")


def store(root, db_url, student, aid, outcome, nb, policy=None):
    """Write the autograded notebook (and the submission's timestamp) and the grades; return what was Recorded.

    The submission's mark goes first, so a store cut short leaves none: mark() writes it anew once all is recorded.
    """
    unmark(root, student, aid)
    folder = Path(root) / "autograded" / student / aid
    folder.mkdir(parents=True, exist_ok=True)
    for written in (f"{aid}.ipynb", *BESIDE):  # nbgrader autograde leaves them read-only
        (folder / written).unlink(missing_ok=True)
    nbformat.write(nb, folder / f"{aid}.ipynb")
    submitted = submitted_at(root, student, aid)
    for name in BESIDE:
        if (submitted_folder(root, student, aid) / name).exists():
            shutil.copy(submitted_folder(root, student, aid) / name, folder / name)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=SAWarning)
        return record_grades(db_url, aid, student, outcome, aid, submitted, policy)


def forget(root, db_url, student, aid):
    """Drop an earlier grade of a submission that can no longer be graded, so no stale score stays (nor its mark)."""
    unmark(root, student, aid)
    with Gradebook(db_url) as gb:
        gb.update_or_create_student(student)
        try:
            gb.remove_submission(aid, student)
        except MissingEntry:
            pass


def save_report(reports, aid, results):
    """Write one assignment's Results (reports/<aid>.json) and its integrity findings."""
    reports = Path(reports)
    reports.mkdir(exist_ok=True)
    (reports / f"{aid}.json").write_text(json.dumps([asdict(r) for r in results], indent=1))
    (reports / f"{aid}-integrity.txt").write_text("\n".join(integrity(results) or ["nothing suspicious"]) + "\n")


def load_report(reports, aid):
    """The Results save_report wrote for aid, or [] if it has not been graded."""
    path = Path(reports) / f"{aid}.json"
    return [Result(**r) for r in json.loads(path.read_text())] if path.exists() else []


# What a grade depends on, and the mark that says a submission was graded from it.
MARK_VERSION = 1
GRADER_CODE = (Path(__file__).resolve().parent, Path(course.__file__).resolve().parent)
PACKAGES = ("numpy", "matplotlib", "ipython")  # what the cells and the probes run on
CHANGED = {  # a fingerprint's parts, in the order a changed one is named, and its name
    "assignment": "the assignment's notebooks or data", "grader": "the grader's code",
    "environment": "the Python packages", "limits": "the limits", "sandboxed": "the sandbox",
    "submission": "the submission",
}


def _sha(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digests(folder, hidden=True):
    """Map relative path -> sha256 of each file below folder (of a link: where it points); {} for no folder.
    Without hidden, files and folders whose names start with a dot are left out (.ipynb_checkpoints)."""
    folder, found = Path(folder), {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        rel = path.relative_to(folder)
        if not hidden and any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_symlink():
            found[str(rel)] = "link to " + os.readlink(path)
        elif path.is_file():
            try:
                found[str(rel)] = _sha(path)
            except OSError as err:  # never equal to a digest: grading says what is wrong with it
                found[str(rel)] = f"unreadable: {err.strerror}"
    return found


def code_digest(folders=GRADER_CODE):
    """One sha256 of the grader's sources (autograder/ and course/, bytecode caches left out)."""
    digest = hashlib.sha256()
    for folder in folders:
        for rel, sha in digests(folder, hidden=False).items():
            if "__pycache__" not in Path(rel).parts:
                digest.update(f"{Path(folder).name}/{rel} {sha}\n".encode())
    return digest.hexdigest()


def _version(package):
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def run_fingerprint(limits, sandboxed, folders=GRADER_CODE):
    """What every grade of a run depends on besides its assignment and submission: the grader's code, Python and
    the packages the cells run on, the limits (a sandbox.Limits), and whether runs are sandboxed."""
    return {"grader": code_digest(folders),
            "environment": {"python": platform.python_version(), **{p: _version(p) for p in PACKAGES}},
            "limits": asdict(limits), "sandboxed": bool(sandboxed)}


def assignment_fingerprint(root, aid):
    """What every grade of aid depends on: the bytes of its source folder (notebook, hidden tests, data) and of
    its release notebook (the one submissions are checked against)."""
    release = notebook_path(root, "release", aid)
    return {"source": digests(Path(root) / "source" / aid, hidden=False),
            "release": _sha(release) if release.exists() else None}


def fingerprint(run, assignment, root, student, aid):
    """The whole fingerprint of a student's submission of aid, as it is now: every file of its folder
    (timestamp.txt included), with the run's and the assignment's."""
    return {"submission": digests(submitted_folder(root, student, aid)), "assignment": assignment, **run}


def changed(old, new):
    """What differs between two fingerprints, named (the first part that does), or "" when they are equal."""
    return next((CHANGED[k] for k in CHANGED if old.get(k) != new.get(k)),
                "the fingerprint" if old != new else "")


def mark_path(root, student, aid):
    """Where a submission's mark is: beside its autograded folder, so nbgrader's feedback never copies it."""
    return Path(root) / "autograded" / student / f".{aid}.grading.json"


def mark(root, student, aid, fingerprinted, result, scores):
    """Note that the submission was graded from fingerprinted and recorded as result (the row, with the grader's notes
    only) and scores (test cell -> auto score), with the autograded notebook's sha256. Written last, in one step."""
    path = mark_path(root, student, aid)
    notebook = Path(root) / "autograded" / student / aid / f"{aid}.ipynb"
    text = json.dumps({"version": MARK_VERSION, "fingerprint": fingerprinted, "notebook": _sha(notebook),
                       "scores": scores, "result": asdict(result)}, indent=1)
    part = path.with_name(path.name + ".part")
    part.write_text(text)
    os.replace(part, path)


def unmark(root, student, aid):
    mark_path(root, student, aid).unlink(missing_ok=True)


def marked(root, student, aid):
    """What mark() wrote of the submission, or None (none, unreadable, or of another version)."""
    try:
        found = json.loads(mark_path(root, student, aid).read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and found.get("version") == MARK_VERSION else None


def kept(root, db_url, aid, marks, policy=None):
    """Of marks (student -> its mark), those whose autograded notebook and gradebook entries (time, auto scores) are
    as marked: student -> Recorded, with the late penalty charged anew (due date, extension or policy may differ)."""
    found = {}
    if not marks:
        return found
    with warnings.catch_warnings(), Gradebook(db_url) as gb:
        warnings.filterwarnings("ignore", category=SAWarning)
        for student, m in marks.items():
            notebook = Path(root) / "autograded" / student / aid / f"{aid}.ipynb"
            if not notebook.is_file() or _sha(notebook) != m["notebook"]:
                continue
            try:
                submission = gb.find_submission(aid, student)
                grades = {g.name: g.auto_score for g in gb.find_submission_notebook(aid, aid, student).grades}
            except MissingEntry:
                continue
            submitted = m["result"]["submitted"]
            if submission.timestamp != (parse_utc(submitted) if submitted else None) or \
                    any(grades.get(gid) != score for gid, score in m["scores"].items()):
                continue
            found[student] = _charge_late(gb, aid, student, aid, submitted, policy)
    return found
