"""Recording grades: the gradebook, the autograded notebook with the grader's findings, and the reports of a run."""
import json
import shutil
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import parse_utc
from sqlalchemy.exc import SAWarning

from .notebooks import copy_notebook, function_of, grade_id
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
        notebook = gb.find_submission_notebook(notebook_name, aid, student)
        late = submission.total_seconds_late
        penalty = policy.late_submission_penalty(student, notebook.score, late) if policy and late > 0 else None
        penalty = penalty or 0.0
        notebook.late_submission_penalty = min(max(penalty, 0.0), notebook.score) or None  # as nbgrader's own checks
        gb.db.commit()
        total = float(gb.find_submission(aid, student).score)
        return Recorded(round(total - (notebook.late_submission_penalty or 0.0), 2),
                        notebook.late_submission_penalty or 0.0, submitted, late)


# What nbgrader's submit writes beside the notebook and its later steps read: the time (deadlines) and
# the secret that names the student's feedback in the exchange (release_feedback, fetch_feedback).
BESIDE = ("timestamp.txt", "submission_secret.txt")


def store(root, db_url, student, aid, outcome, nb, policy=None):
    """Write the autograded notebook (and the submission's timestamp) and the grades; return what was Recorded."""
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


def forget(db_url, student, aid):
    """Drop an earlier grade of a submission that can no longer be graded, so no stale score stays."""
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
