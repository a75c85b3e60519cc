"""The instructor's pipeline around nbgrader: release, validate, autograde, feedback, export.

Every student gets a result row, whatever is wrong with their submission: a missing, renamed,
empty or malformed notebook is found before anything runs; the others are graded in sandboxes
(autograder.grader), and a crash or a hang costs only the function it happened in.
"""
import csv
import json
import logging
import shutil
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.validator import Validator
from sqlalchemy.exc import SAWarning
from traitlets.config.loader import PyFileConfigLoader

from .notebooks import NotebookError, existing_assignments, nbgrader_cells, notebook_path, read_notebook

GRADED, NOT_GRADED = "graded", "not graded"


@dataclass
class Result:
    """One student's outcome on one assignment, as the grade table and the export show it."""
    student: str
    assignment: str
    status: str
    score: float = 0.0
    max_score: float = 0.0
    notes: list = field(default_factory=list)
    flags: list = field(default_factory=list)


def _say(message):
    print(message, flush=True)


def copy_course(root, repo=None):
    """Make a fresh course root at root from the repository's source notebooks and nbgrader config."""
    from .notebooks import REPO
    repo, root = Path(repo or REPO), Path(root)
    shutil.copytree(repo / "source", root / "source")
    shutil.copy(repo / "nbgrader_config.py", root)
    return root


class Course:
    """A course root (nbgrader_config.py, source/, release/, submitted/, gradebook.db)."""

    def __init__(self, root):
        self.root = Path(root).resolve()
        if not (self.root / "nbgrader_config.py").exists():
            raise SystemExit(f"{self.root} is not a course root: it has no nbgrader_config.py")
        self.config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        self.config.CourseDirectory.root = str(self.root)
        self.coursedir = CourseDirectory(config=self.config)
        self.api = NbGraderAPI(coursedir=self.coursedir, config=self.config)
        # nbgrader logs every converted notebook; the pipeline prints its own progress instead.
        self.api.log.setLevel(logging.ERROR)
        self.db_url = f"sqlite:///{self.root / 'gradebook.db'}"
        self.reports = self.root / "reports"

    def assignments(self, only=None):
        ids = existing_assignments(self.root)
        unknown = sorted(set(only or []) - set(ids))
        if unknown:
            raise SystemExit(f"no source notebook for: {', '.join(unknown)} (have: {', '.join(ids)})")
        return [a for a in ids if not only or a in only]

    def release(self, assignments=None):
        """Regenerate release/ from source/ and register the assignments in the gradebook."""
        for aid in self.assignments(assignments):
            outcome = self.api.generate_assignment(aid, force=True)
            if not outcome["success"]:
                raise SystemExit(f"release of {aid} failed:\n{outcome.get('error') or outcome.get('log')}")
            _say(f"released {aid} -> {notebook_path(self.root, 'release', aid).relative_to(self.root)}")

    def validate(self, assignments=None):
        """Check that every source notebook passes all its tests; return the failing ids."""
        failing = []
        validator = Validator(config=self.config)
        for aid in self.assignments(assignments):
            found = validator.validate(str(notebook_path(self.root, "source", aid)))
            problems = {k: v for k, v in found.items() if v}
            _say(f"{aid}: {'all tests pass' if not problems else 'FAILS ' + json.dumps(problems)[:2000]}")
            if problems:
                failing.append(aid)
        return failing

    def enrol(self, students):
        """Add students to the gradebook's roster, so they get a row even without a submission."""
        with Gradebook(self.db_url) as gb:
            for student in students:
                gb.update_or_create_student(student)

    def students(self):
        """Every student the course knows: the gradebook's roster and every submission folder."""
        with Gradebook(self.db_url) as gb:
            known = {s.id for s in gb.students}
        submitted = self.root / "submitted"
        if submitted.exists():
            known |= {p.name for p in submitted.iterdir() if p.is_dir()}
        return sorted(known)

    def _preflight(self, student, aid, release_nb):
        """Return (gradable, notes) for a submission, in words an instructor can act on."""
        folder = self.root / "submitted" / student / aid
        if not folder.exists():
            return False, ["no submission"]
        expected = folder / f"{aid}.ipynb"
        if not expected.exists():
            others = sorted(p.name for p in folder.glob("*.ipynb"))
            why = f"notebook {expected.name} is missing"
            return False, [why + (f"; found {', '.join(others)} instead (renamed?)" if others else "")]
        try:
            nb = read_notebook(expected)
        except NotebookError as err:
            return False, [str(err)]
        notes = []
        tests = nbgrader_cells(nb, "grade")
        for gid, cell in nbgrader_cells(release_nb, "grade").items():
            if gid not in tests:
                notes.append(f"test cell {gid} was deleted; graded with the original")
            elif tests[gid].source != cell.source:
                notes.append(f"test cell {gid} was edited; graded with the original")
        missing = sorted(set(nbgrader_cells(release_nb, "solution")) - set(nbgrader_cells(nb, "solution")))
        if missing:
            notes.append(f"answer cell(s) deleted: {', '.join(missing)}")
        return True, notes

    def _ensure_released(self, aid):
        with Gradebook(self.db_url) as gb:
            try:
                gb.find_assignment(aid)
                return
            except MissingEntry:
                pass
        self.release([aid])

    def autograde(self, assignments=None, students=None, unsafe=False, workers=None, limits=None):
        """Grade every student's submission of each assignment in sandboxes, in parallel; return all Results."""
        from . import grader, sandbox
        results = []
        for aid in self.assignments(assignments):
            self._ensure_released(aid)
            with Gradebook(self.db_url) as gb:
                max_score = float(gb.find_assignment(aid).max_score)
            roster, rows = students or self.students(), []
            progress = grader.Progress(len(roster), aid)
            for student, gradable, notes, outcome, nb in grader.grade_class(
                    self, aid, roster, limits or sandbox.Limits(), unsafe, workers):
                result = Result(student, aid, NOT_GRADED, 0.0, max_score, notes)
                if gradable:
                    result.status, result.flags = GRADED, outcome.flags
                    result.score = self._store(student, aid, outcome, nb)
                else:
                    with Gradebook(self.db_url) as gb:
                        gb.update_or_create_student(student)
                    self._forget(student, aid)
                rows.append(result)
                progress.step(result)
            rows.sort(key=lambda r: roster.index(r.student))
            self._save(aid, rows)
            progress.close(rows)
            results += rows
        return results

    def _store(self, student, aid, outcome, nb):
        """Write the autograded notebook and the grades; return the total score from the gradebook."""
        from .grader import record_grades
        folder = self.root / "autograded" / student / aid
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{aid}.ipynb")
        stamp = self.root / "submitted" / student / aid / "timestamp.txt"
        if stamp.exists():
            shutil.copy(stamp, folder / "timestamp.txt")
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=SAWarning)
            return record_grades(self.db_url, aid, student, outcome, aid)

    def _forget(self, student, aid):
        """Drop an earlier grade of a submission that can no longer be graded, so no stale score stays."""
        with Gradebook(self.db_url) as gb:
            try:
                gb.remove_submission(aid, student)
            except MissingEntry:
                pass

    def _save(self, aid, results):
        self.reports.mkdir(exist_ok=True)
        path = self.reports / f"{aid}.json"
        path.write_text(json.dumps([asdict(r) for r in results], indent=1))
        (self.reports / f"{aid}-integrity.txt").write_text("\n".join(integrity(results)) + "\n")

    def load_results(self, assignments=None):
        results = []
        for aid in self.assignments(assignments):
            path = self.reports / f"{aid}.json"
            if path.exists():
                results += [Result(**r) for r in json.loads(path.read_text())]
        return results

    def feedback(self, assignments=None):
        """Write feedback HTML for every graded submission; return the paths written."""
        written = []
        for r in self.load_results(assignments):
            if r.status != GRADED:
                continue
            outcome = self.api.generate_feedback(r.assignment, r.student, force=True)
            html = self.root / "feedback" / r.student / r.assignment / f"{r.assignment}.html"
            if outcome["success"] and html.exists():
                written.append(html)
                _say(f"feedback {r.assignment} {r.student}: {html.relative_to(self.root)}")
            else:
                _say(f"feedback {r.assignment} {r.student}: FAILED {outcome.get('error', '')[:300]}")
        return written

    def export(self, path, assignments=None):
        """Write one CSV row per student and assignment, graded or not, with the reason."""
        results = self.load_results(assignments)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["assignment", "student", "status", "score", "max_score", "notes", "flags"])
            for r in results:
                writer.writerow([r.assignment, r.student, r.status, f"{r.score:g}", f"{r.max_score:g}",
                                 "; ".join(r.notes), "; ".join(r.flags)])
        _say(f"exported {len(results)} rows to {path}")
        return path


def table(results):
    """The grade table, one line per student and assignment."""
    rows = [("assignment", "student", "score", "status", "notes")]
    rows += [(r.assignment, r.student, f"{r.score:g}/{r.max_score:g}", r.status, "; ".join(r.notes))
             for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4] for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def histogram(results, bins=10, width=40):
    """A text histogram of the graded scores, as percentages of the maximum."""
    scores = [100 * r.score / r.max_score for r in results if r.status == GRADED and r.max_score]
    if not scores:
        return "no graded submissions"
    counts = [0] * bins
    for s in scores:
        counts[min(int(s * bins / 100), bins - 1)] += 1
    top = max(counts)
    lines = [f"{100 * i // bins:3d}-{100 * (i + 1) // bins:3d}% | {'#' * round(width * c / top):<{width}} {c}"
             for i, c in enumerate(counts)]
    ungraded = sum(r.status != GRADED for r in results)
    return "\n".join(lines + [f"not graded: {ungraded}"])


def integrity(results):
    """What looked like tampering, one line per finding."""
    return [f"{r.assignment} {r.student}: {flag}" for r in results for flag in r.flags]


def summary(results):
    """The grade table, the histogram of scores and the integrity report, for the terminal."""
    found = integrity(results)
    return "\n\n".join([table(results), "scores\n" + histogram(results),
                        "integrity report\n" + ("\n".join(found) if found else "nothing suspicious")])
