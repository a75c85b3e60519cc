"""Submissions from an LMS and grades back to it: Canvas's and Moodle's download zips, their gradebook CSVs.

`lms-import` puts the zip an instructor downloads ("Download Submissions" in Canvas, "Download all
submissions" in Moodle) into downloaded/<aid>/archive/ and runs nbgrader's own zip_collect on it, with a
collector that reads each LMS's file names and maps the sender to a course student id through a names
CSV (columns `lms_id,student_id`, optionally `login`). A notebook it cannot place is never dropped: it is
copied to downloaded/<aid>/unmapped/ and listed in reports/<aid>-lms-unmapped.txt. `export --format
canvas|moodle` writes the grades as each LMS's gradebook import reads them.
"""
import copy
import csv
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from nbgrader.apps.zipcollectapp import ZipCollectApp
from nbgrader.plugins import FileNameCollectorPlugin
from nbgrader.utils import capture_log, temp_attrs
from traitlets import Dict

from .results import GRADED


def key(identifier):
    """An LMS id or name as names.csv and the file names are compared: case, spaces and punctuation ignored."""
    return re.sub(r"[\W_]", "", identifier.casefold())


@dataclass
class Upload:
    """One file of an LMS download, as its name tells it."""
    path: Path
    lms_id: str  # Canvas's user id, Moodle's participant id
    name: str  # as the LMS writes it into the file name
    notebook: str  # the file's own name, without the LMS's re-upload suffix
    order: int = 0  # later uploads of the same student are higher (Canvas's attachment id)
    late: bool = False


class LmsCollector(FileNameCollectorPlugin):
    """nbgrader's file-name collector for one LMS: sender from the name, student id from names.csv."""
    names = Dict(help="key(LMS id or name) -> the course's student id").tag(config=True)
    lms, reupload = "", None  # the LMS's name; the regexp of what it appends to a file uploaded again

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.collected, self.unmapped, self.superseded, self.others = {}, [], [], []
        self._beside = {}

    def parse(self, path):
        """The Upload a file's name describes, or None where the name is not the LMS's pattern."""
        found = re.match(self.named_regexp, str(path))
        if not found:
            return None
        parts = found.groupdict()
        notebook = re.sub(self.reupload, "", parts["file_id"]) if self.reupload else parts["file_id"]
        return Upload(Path(path), parts["lms_id"], parts["name"], notebook, int(parts.get("order") or 0),
                      bool(parts.get("late")))

    def student(self, upload):
        """The course's student id for an upload's sender, or None."""
        return self.names.get(key(upload.lms_id)) or self.names.get(key(upload.name))

    def collect(self, submitted_file):
        """Tell zip_collect where a file goes, or keep it back (unmapped, superseded, not a notebook)."""
        path = Path(submitted_file)
        if path.suffix not in self.valid_ext:
            self.others.append(path)
            return None
        upload = self.parse(path)
        student = upload and self.student(upload)
        if not student:
            self.unmapped.append((path, upload))
            return None
        if path.parent not in self._beside:
            self._beside[path.parent] = [u for u in map(self.parse, sorted(path.parent.iterdir())) if u]
        later = [u for u in self._beside[path.parent] if (u.lms_id, u.notebook) == (upload.lms_id, upload.notebook)
                 and u.order > upload.order]
        if later:
            self.superseded.append((student, upload, max(later, key=lambda u: u.order)))
            return None
        self.collected.setdefault(student, []).append(upload)
        return {"student_id": student, "file_id": upload.notebook}


class CanvasCollector(LmsCollector):
    """Canvas: `<sortable name>_[LATE_]<user id>_<attachment id>_<file name>` (lib/content_zipper.rb).

    The name is lower-cased and stripped to word characters ("Lovelace, Ada" -> lovelaceada); a file
    uploaded again under a name the student used before gets `-1`, `-2` before its extension. Under
    anonymous grading (`anon_<id>`, no user id) and for names with `_` the pattern does not match: such
    files are kept back and listed, never guessed.
    """
    lms, reupload = "Canvas", r"-\d+(?=\.ipynb$)"
    named_regexp = r".*/(?P<name>[^/_]+)_(?:(?P<late>LATE)_)?(?P<lms_id>\d+)_(?P<order>\d+)_(?P<file_id>[^/]+)$"


class MoodleCollector(LmsCollector):
    """Moodle: `<Full Name>_<participant id>_assignsubmission_file_<file name>` (mod/assign/classes/downloader.php).

    With "Download submissions in folders" (the default since Moodle 3.1) the prefix is a folder instead,
    `<Full Name>_<participant id>_assignsubmission_file/<file name>` (with a trailing `_` before 4.1).
    Underscores in the full name become spaces; under blind marking it is "Participant".
    """
    lms = "Moodle"
    named_regexp = r".*/(?P<name>[^/_]+)_(?P<lms_id>\d+)_assignsubmission_file(?:_|_?/(?:[^/]+/)*)(?P<file_id>[^/]+)$"


COLLECTORS = {"canvas": CanvasCollector, "moodle": MoodleCollector}


def read_names(path):
    """The rows of a names CSV (lms_id, student_id, optional login), checked; [] without a path."""
    if not path:
        return []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    missing = {"lms_id", "student_id"} - set(reader.fieldnames or [])
    if missing:
        raise SystemExit(f"{path}: needs the columns lms_id,student_id (and optionally login); "
                         f"missing {', '.join(sorted(missing))}")
    clashes = {}
    for row in rows:
        clashes.setdefault(key(row["lms_id"]), set()).add(row["student_id"].strip())
    clashes = {k: s for k, s in clashes.items() if len(s) > 1}
    if clashes:
        raise SystemExit(f"{path}: one LMS id for several students: {clashes}")
    return [{k: (v or "").strip() for k, v in row.items()} for row in rows]


@dataclass
class Imported:
    """What an LMS import did: notebooks collected per student, and everything it kept back."""
    collected: dict  # student -> [Upload]
    unmapped: list  # "<file, under extracted/>: why", for each notebook kept back
    superseded: list  # (student, Upload, the later Upload that counts)
    others: list  # files that are not notebooks
    report: Path
    kept: Path


def import_zip(course, zip_path, lms, aid, names_csv=None):
    """Collect an LMS download zip into submitted/ with nbgrader's zip_collect; print and return what happened."""
    course.assignments([aid])
    rows = read_names(names_csv)
    course.enrol(sorted({r["student_id"] for r in rows}))  # the roster: everyone gets a row, submitted or not
    downloaded = course.root / "downloaded" / aid
    archive, kept = downloaded / "archive", downloaded / "unmapped"
    # zip_collect takes every file in archive/; a download holds the whole class, so earlier ones move aside
    for old in sorted(archive.glob("*")) if archive.exists() else []:
        (downloaded / "earlier").mkdir(parents=True, exist_ok=True)
        shutil.move(old, downloaded / "earlier" / old.name)
    archive.mkdir(parents=True, exist_ok=True)
    shutil.copy(zip_path, archive)
    shutil.rmtree(kept, ignore_errors=True)
    collector = COLLECTORS[lms]
    config = copy.deepcopy(course.config)
    config[collector.__name__]["names"] = {key(r["lms_id"]): r["student_id"] for r in rows}
    with temp_attrs(course.coursedir, assignment_id=aid):
        app = ZipCollectApp(coursedir=course.coursedir, parent=course.api, config=config)
        app.log_level = logging.ERROR  # it logs every file; the summary below says what matters
        app.force, app.collector_plugin = True, collector  # a new download replaces each student's last one
        outcome = capture_log(app)
    if not outcome["success"]:
        raise SystemExit(f"nbgrader zip_collect failed:\n{outcome.get('error') or outcome.get('log')}")
    found, unmapped = app.collector_plugin_inst, []
    for path, upload in found.unmapped:
        where = path.relative_to(downloaded / app.extracted_directory)
        (kept / where).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, kept / where)
        unmapped.append(f"{where}: " + (f"{upload.name} (LMS id {upload.lms_id}) is not in the names CSV" if upload
                                        else f"its name is not in {collector.lms}'s download pattern"))
    done = Imported(found.collected, unmapped, found.superseded, found.others,
                    course.reports / f"{aid}-lms-unmapped.txt", kept)
    done.report.parent.mkdir(parents=True, exist_ok=True)
    done.report.write_text("\n".join(unmapped or ["every notebook was mapped"]) + "\n")
    print("\n".join(describe(done, course.root, collector.lms, aid, names_csv)), flush=True)
    return done


def describe(done, root, lms, aid, names_csv):
    """The lines lms-import prints: who was collected, what counts, what was kept back and what to do."""
    lines = [f"{lms} download -> downloaded/{aid}/archive/; {len(done.collected)} student(s) collected into "
             f"submitted/: {', '.join(sorted(done.collected)) or 'none'}"]
    for student, uploads in sorted(done.collected.items()):
        sent = sorted(u.notebook for u in uploads)
        if f"{aid}.ipynb" not in sent:
            lines.append(f"  {student}: sent {', '.join(sent)}, not {aid}.ipynb; autograde reports it not graded "
                         f"until it is renamed in submitted/{student}/{aid}/")
        if any(u.late for u in uploads):
            lines.append(f"  {student}: {lms} marks it LATE; the download holds no submission time, so no late "
                         "penalty is charged here")
    lines += [f"  {student}: {upload.path.name} was uploaded again as {later.path.name}; the later one counts"
              for student, upload, later in done.superseded]
    if done.others:
        lines.append(f"  not notebooks, not collected: {', '.join(sorted(p.name for p in done.others))}")
    if done.unmapped:
        lines.append(f"NOT COLLECTED: {len(done.unmapped)} notebook(s) whose sender is not in "
                     f"{names_csv or 'a names CSV (--names)'}; kept in {done.kept.relative_to(root)}/, listed in "
                     f"{done.report.relative_to(root)}:")
        lines += [f"  {line}" for line in done.unmapped]
        lines.append("add each to the names CSV (lms_id,student_id) and run lms-import again")
    return lines


def export_gradebook(course, lms, path, names_csv=None, assignments=None):
    """Write the grades as Canvas's or Moodle's gradebook import reads them; return the path.

    One row per student, one column per assignment: the score after any late penalty, blank where the
    submission was not graded. Canvas finds a student by ID (a numeric lms_id of names.csv), else by SIS
    Login ID; Moodle by the column the instructor maps, Username here. Both carry names.csv's login, or
    else the course's student id.
    """
    results = course.load_results(assignments)
    aids = [a for a in course.assignments(assignments) if any(r.assignment == a for r in results)]
    rows, graded = read_names(names_csv), {}
    for r in results:
        graded.setdefault(r.student, {})[r.assignment] = f"{round(r.score, 2):g}" if r.status == GRADED else ""
    canvas = lms == "canvas"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        who = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] if canvas else ["Username"]
        out.writerow([*who, *aids])
        if canvas:
            out.writerow(["Points Possible", *[""] * 4,
                          *(f"{next(r.max_score for r in results if r.assignment == a):g}" for a in aids)])
        for student, cells in sorted(graded.items()):
            mine = [row for row in rows if row["student_id"] == student]
            login = next((row["login"] for row in mine if row.get("login")), student)
            scores = [cells.get(a, "") for a in aids]
            canvas_id = next((row["lms_id"] for row in mine if row["lms_id"].isdigit()), "")
            out.writerow([*([student, canvas_id, "", login, ""] if canvas else [login]), *scores])
    unnamed = sorted(set(graded) - {row["student_id"] for row in rows}) if rows else []
    print(f"exported {len(graded)} students x {len(aids)} assignments for {COLLECTORS[lms].lms} to {path}"
          + (f"; not in {names_csv}, so their course id is their login: {', '.join(unnamed)}" if unnamed else ""))
    return path
