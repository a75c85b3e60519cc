"""The instructor's pipeline around nbgrader: release, validate, autograde, feedback, export.

Every student gets a result row, whatever is wrong with their submission: a missing, renamed,
empty or malformed notebook is found before anything runs; the others are graded in sandboxes
(autograder.grader), and a crash or a hang costs only the function it happened in. A row also says
what the instructor should know about the class around it: a student missing from the roster (graded
and added), a newer submission waiting in nbgrader's exchange, an id that differs from another only in case.
A submission graded before is graded again only when something its grade depends on changed since (recording's
marks), so a run cut short is finished by the next.
"""
import csv
import json
import logging
import shutil
from collections import Counter
from difflib import get_close_matches
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.api import NbGraderAPI
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeError
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import parse_utc
from nbgrader.validator import Validator
from traitlets.config.loader import PyFileConfigLoader

from . import grader, recording, sandbox, submission
from .deadlines import Deadlines, FractionPerDay
from .notebooks import REPO, existing_assignments, notebook_path
from .results import GRADED, NOT_GRADED, Progress, Result

NEW = "not graded before"  # nor marked: never graded, not gradable then, or its recording was cut short
_QUIET = logging.getLogger("autograder.exchange")  # nbgrader's exchange logs a fatal error for a course it lacks
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


def _say(message):
    print(message, flush=True)


def tally(reasons):
    """'3 not graded before, 1 since the submission changed': how many of each, the most common first."""
    return ", ".join(f"{n} {why}" for why, n in Counter(reasons).most_common())


def done(kept, fresh):
    """'12 unchanged since the last grading, kept; 3 graded; 1 not graded': what a run did of one assignment."""
    ungraded = sum(r.status != GRADED for r in fresh)
    return "; ".join([f"{kept} unchanged since the last grading, kept"] * bool(kept)
                     + [f"{len(fresh) - ungraded} graded"] + [f"{ungraded} not graded"] * bool(ungraded))


def case_twins(student, known):
    """The other ids of known that are student's but for case (nbgrader's ids are case-sensitive)."""
    return [k for k in known if k != student and k.casefold() == student.casefold()]


def copy_course(root, repo=None):
    """Make a fresh course root at root from the repository's source notebooks and nbgrader config."""
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
        self.deadlines, self.late_policy = Deadlines(config=self.config), FractionPerDay(config=self.config)

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
            self._register_due_date(aid)
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

    def enrolled(self):
        """The ids on the gradebook's roster."""
        with Gradebook(self.db_url) as gb:
            return {s.id for s in gb.students}

    def students(self):
        """Every student the course knows: the gradebook's roster and every submission folder."""
        known = self.enrolled()
        submitted = self.root / "submitted"
        if submitted.exists():
            known |= {p.name for p in submitted.iterdir() if p.is_dir()}
        return sorted(known)

    def in_exchange(self, aid):
        """Map student -> the time of the submission of aid that `nbgrader collect` takes from the exchange (the
        latest by the time in its name, or the latest before the due date under --before-duedate)."""
        coursedir = CourseDirectory(config=self.config, assignment_id=aid)
        collect = ExchangeCollect(coursedir=coursedir, authenticator=Authenticator(config=self.config),
                                  config=self.config, log=_QUIET)
        try:
            collect.init_src()
        except (ExchangeError, ValueError):  # no exchange for the course here (submissions copied in, an LMS's)
            return {}
        return {r["username"]: r["timestamp"] for r in collect.src_records}

    def _roster(self, aid, students, known):
        """Whom to grade on aid: each student asked for once, else everyone known; refuse ids nobody knows."""
        if not students:
            return known
        asked = list(dict.fromkeys(students))
        unknown = [s for s in asked if s not in known]
        refused = []
        for s in unknown:  # graded, each would add a `no submission` row to every export, and an id to the roster
            close = case_twins(s, known) or get_close_matches(s, known)
            refused.append(f"{s}: not on the roster, and no submission of {aid} (collected or in the exchange)"
                           + (f"; did you mean {', '.join(close)}?" if close else ""))
        if refused:
            raise SystemExit("\n".join(refused))
        return asked

    def _class_notes(self, aid, student, known, enrolled, waiting):
        """What a student's row says of the class around the submission: off the roster, a newer submission
        waiting in the exchange, an id that differs from another only in case."""
        notes = []
        if enrolled and student not in enrolled:
            notes.append("not on the roster: added to it")
        stamp = submission.timestamp(self.root, student, aid)
        collected, arrived = parse_utc(stamp) if stamp else None, waiting.get(student)
        if arrived and (collected is None or arrived > collected):
            than = f"newer than the one collected (of {collected:%Y-%m-%d %H:%M:%S} UTC)" if collected else \
                "never collected"
            notes.append(f"a submission of {arrived:%Y-%m-%d %H:%M:%S} UTC waits in the exchange, {than}: "
                         f"`nbgrader collect --update {aid}`, then grade again")
        twins = case_twins(student, known)
        if twins:
            notes.append(f"id differs only in case from {', '.join(twins)}: if they are one student, move the "
                         f"submission to one id and `nbgrader db student remove` the other")
        return notes

    def _register_due_date(self, aid):
        """Put aid's due date from the config into the gradebook, where nbgrader's own tools read it too."""
        with Gradebook(self.db_url) as gb:
            gb.update_or_create_assignment(aid, duedate=self.deadlines.due(aid))

    def _ensure_released(self, aid):
        with Gradebook(self.db_url) as gb:
            try:
                gb.find_assignment(aid)
                return
            except MissingEntry:
                pass
        self.release([aid])

    def autograde(self, assignments=None, students=None, unsafe=False, workers=None, limits=None, regrade=False,
                  cluster=None):
        """Grade every student's submission of each assignment in sandboxes, in parallel; return all Results.

        A submission graded before keeps its grade (scores, notes, flags, autograded notebook) unless it, its
        assignment, the grader's code, the Python packages or the limits changed since, or regrade: so a run cut
        short (Ctrl-C, a machine lost) is finished by the next. Its late penalty is charged anew either way.
        """
        results = []
        limits = limits or sandbox.Limits()
        # refused before anything, even when every grade would be kept: no sandbox is said at once
        bwrap = sandbox.bubblewrap() if cluster else grader.sandbox_or_refuse(unsafe)
        run = recording.run_fingerprint(limits, bwrap)
        for aid in self.assignments(assignments):
            self._ensure_released(aid)
            self._register_due_date(aid)  # the config may have changed since the release
            with Gradebook(self.db_url) as gb:
                max_score = float(gb.find_assignment(aid).max_score)
            waiting, enrolled = self.in_exchange(aid), self.enrolled()
            known = sorted(set(self.students()) | set(waiting))
            roster = self._roster(aid, students, known)
            assignment = recording.assignment_fingerprint(self.root, aid)
            fingerprints = {s: recording.fingerprint(run, assignment, self.root, s, aid) for s in roster
                            if submission.folder(self.root, s, aid).is_dir()}
            kept, why = self._unchanged(aid, roster, fingerprints, regrade)
            todo = [s for s in roster if s not in kept]
            if kept or set(why.values()) - {NEW, "no submission"}:
                _say(f"{aid}: {len(kept)} unchanged since the last grading, kept; {len(todo)} to grade"
                     + (f" ({tally(why.values())})" if why else ""))
            rows = []
            for student, (found, recorded) in kept.items():
                result = found["result"]
                rows.append(self._noted(self._graded(aid, student, max_score, result["notes"], result["flags"],
                                                     recorded), recorded, known, enrolled, waiting))
            progress = Progress(len(todo), aid)
            for graded in (grader.grade_class(self.root, aid, todo, limits, unsafe, workers, cluster=cluster)
                          if todo else []):
                result, recorded = Result(graded.student, aid, NOT_GRADED, 0.0, max_score, list(graded.notes)), None
                if graded.gradable:
                    recorded = recording.store(self.root, self.db_url, graded.student, aid, graded.outcome,
                                               graded.notebook, self.late_policy)
                    result = self._graded(aid, graded.student, max_score, graded.notes, graded.outcome.flags, recorded)
                    if graded.student in fingerprints:  # last: a run cut short before this grades it again
                        recording.mark(self.root, graded.student, aid, fingerprints[graded.student], result,
                                       graded.outcome.scores)
                else:
                    recording.forget(self.root, self.db_url, graded.student, aid)
                rows.append(self._noted(result, recorded, known, enrolled, waiting))
                progress.step(result)
            fresh = rows[len(kept):]
            if todo:
                progress.close(fresh)
            _say(f"{aid}: {done(len(kept), fresh)}")
            order = {s: i for i, s in enumerate(roster)}
            rows.sort(key=lambda r: order[r.student])
            # a rerun of some students keeps everyone else's last result, so the export still has them all
            others = [r for r in recording.load_report(self.reports, aid) if r.student not in order] if students else []
            recording.save_report(self.reports, aid, sorted(others + rows, key=lambda r: r.student) if others else rows)
            results += rows
        return results

    def _unchanged(self, aid, roster, fingerprints, regrade):
        """(student -> (mark, Recorded) of each submission whose last grade still holds; student -> why each other
        one is graded). A grade holds while its fingerprint does and the gradebook and autograded/ are as marked."""
        marks, why = {}, {}
        for student in roster:
            found = None if regrade or student not in fingerprints else recording.marked(self.root, student, aid)
            differs = found and recording.changed(found["fingerprint"], fingerprints[student])
            if found and not differs:
                marks[student] = found
            else:
                why[student] = ("no submission" if student not in fingerprints else "regrade asked" if regrade else
                                f"since {differs} changed" if differs else NEW)
        recorded = recording.kept(self.root, self.db_url, aid, marks, self.late_policy)
        why.update({s: "whose gradebook entry or autograded notebook changed" for s in marks if s not in recorded})
        return {s: (marks[s], recorded[s]) for s in roster if s in recorded}, why

    @staticmethod
    def _graded(aid, student, max_score, notes, flags, recorded):
        """The row of a graded submission, as recorded, with the grader's notes."""
        return Result(student, aid, GRADED, recorded.score, max_score, list(notes), list(flags), recorded.submitted,
                      recorded.late_penalty)

    def _noted(self, result, recorded, known, enrolled, waiting):
        """result with what each run says anew: how late it came, and the class around it."""
        if recorded and recorded.seconds_late > 0:
            result.notes.append(self.late_policy.describe(recorded.seconds_late, recorded.late_penalty))
        result.notes += self._class_notes(result.assignment, result.student, known, enrolled, waiting)
        return result

    def load_results(self, assignments=None):
        """The Results of the last grading of each assignment, from reports/."""
        return [r for aid in self.assignments(assignments) for r in recording.load_report(self.reports, aid)]

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
            writer.writerow(["assignment", "student", "status", "score", "max_score", "late_penalty", "submitted",
                             "notes", "flags"])
            for r in results:
                writer.writerow([r.assignment, r.student, r.status, f"{r.score:g}", f"{r.max_score:g}",
                                 f"{r.late_penalty:g}", r.submitted, "; ".join(r.notes), "; ".join(r.flags)])
        _say(f"exported {len(results)} rows to {path}")
        return path

