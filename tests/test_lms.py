"""Check LMS downloads into the course and grades back out: Canvas's and Moodle's zips through nbgrader's zip_collect
(their file names, the names CSV, unmapped senders kept and listed, re-uploads), and their gradebook-import CSVs.

The zips are built as each LMS names its files (Canvas: lib/content_zipper.rb; Moodle:
mod/assign/classes/downloader.php) from the release notebook, filled with the source solution where a
student got everything right.
"""
import csv
import zipfile

import nbformat
import pytest

from autograder import lms, recording
from autograder.__main__ import main
from autograder.notebooks import REPO, fill, notebook_path, read_notebook, solution_code
from autograder.pipeline import Course, copy_course
from autograder.results import GRADED, NOT_GRADED, Result
from autograder.submission import preflight

AID = "02_computational_graphs"
NOTEBOOK = f"{AID}.ipynb"
RELEASE = read_notebook(notebook_path(REPO, "release", AID))
CODE = solution_code(read_notebook(notebook_path(REPO, "source", AID)))
SOLVED = nbformat.writes(fill(RELEASE, CODE))
HALF = nbformat.writes(fill(RELEASE, {"add_forward": CODE["add_forward"]}))
NAMES = "lms_id,student_id,login\n4242,ada,ada.lovelace\n4243,bea,\nAda Lovelace,ada,\n502,bea,\n"
# Canvas: bea sent the notebook twice (Canvas calls the second one "-1"); nobody (9999) is on no list
CANVAS = {f"lovelaceada_4242_1001_{NOTEBOOK}": SOLVED,
          f"xubea_4243_1002_{NOTEBOOK}": HALF,
          f"xubea_LATE_4243_1005_{AID}-1.ipynb": SOLVED,
          f"nobody_9999_1003_{NOTEBOOK}": SOLVED,
          "lovelaceada_4242_1004_notes_text.html": "<p>a text entry</p>"}
# Moodle, in folders: ada is found by her full name, bea by her participant id; bea renamed her notebook
MOODLE = {f"Ada Lovelace_501_assignsubmission_file/{NOTEBOOK}": SOLVED,
          "Bea Xu_502_assignsubmission_file/homework.ipynb": SOLVED,
          "Ada Lovelace_501_assignsubmission_onlinetext/onlinetext.html": "<p>a text entry</p>",
          f"Cy Zed_503_assignsubmission_file/{NOTEBOOK}": HALF}

MOODLE_ADA = ("501", "Ada Lovelace", NOTEBOOK, 0, False)


def write_zip(path, files):
    """A zip holding files (name in the zip -> text), as an LMS's download."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def lms_import(root, zip_path, which, names):
    """Run `python -m autograder lms-import` on a zip; return its exit code."""
    return main(["lms-import", str(zip_path), "--lms", which, "--assignment", AID, "--names", str(names),
                 "--course-dir", str(root)])


def assert_kept_and_listed(root, name_in_zip, text):
    """The unmapped file is listed in the report, kept as it came under downloaded/, and filed under no student."""
    report = (root / "reports" / f"{AID}-lms-unmapped.txt").read_text()
    assert name_in_zip in report, report
    kept = [p for p in (root / "downloaded" / AID / "unmapped").rglob("*") if p.as_posix().endswith(name_in_zip)]
    assert len(kept) == 1 and kept[0].read_text() == text, kept
    assert {p.name for p in (root / "submitted").iterdir()} <= {"ada", "bea", "cy"}


@pytest.mark.parametrize("collector, name, expected", [
    (lms.CanvasCollector, f"lovelaceada_4242_1001_{NOTEBOOK}", ("4242", "lovelaceada", NOTEBOOK, 1001, False)),
    (lms.CanvasCollector, f"lovelaceada_LATE_4242_1007_{AID}-2.ipynb", ("4242", "lovelaceada", NOTEBOOK, 1007, True)),
    (lms.CanvasCollector, "müllerjörg_77_8_my_work_2.ipynb", ("77", "müllerjörg", "my_work_2.ipynb", 8, False)),
    (lms.CanvasCollector, f"anon_x9Yz1_1001_{NOTEBOOK}", None),  # anonymous grading: no user id to map
    (lms.MoodleCollector, f"Ada Lovelace_501_assignsubmission_file/{NOTEBOOK}", MOODLE_ADA),
    (lms.MoodleCollector, f"Ada Lovelace_501_assignsubmission_file_/{NOTEBOOK}", MOODLE_ADA),
    (lms.MoodleCollector, f"Ada Lovelace_501_assignsubmission_file_{NOTEBOOK}", MOODLE_ADA),
    (lms.MoodleCollector, f"Participant_501_assignsubmission_file/sub/{NOTEBOOK}",
     ("501", "Participant", *MOODLE_ADA[2:])),
    (lms.MoodleCollector, "Ada Lovelace_501_assignsubmission_onlinetext/onlinetext.html", None),
])
def test_each_lms_download_name_tells_the_sender_and_the_notebook(collector, name, expected):
    """Check that the Canvas and Moodle patterns read id, name, notebook (and Canvas's order and LATE) or nothing."""
    upload = collector().parse(f"/course/downloaded/{AID}/extracted/download/{name}")
    assert (upload and (upload.lms_id, upload.name, upload.notebook, upload.order, upload.late)) == expected


def test_a_names_csv_must_have_its_columns_and_one_student_per_lms_id(tmp_path):
    """Check that a names CSV without lms_id, or with one LMS id for two students, is refused with the reason."""
    (tmp_path / "a.csv").write_text("canvas_id,student_id\n4242,ada\n")
    with pytest.raises(SystemExit, match="missing lms_id"):
        lms.read_names(tmp_path / "a.csv")
    (tmp_path / "b.csv").write_text("lms_id,student_id\nAda Lovelace,ada\nada lovelace,bea\n")
    with pytest.raises(SystemExit, match="one LMS id for several students"):
        lms.read_names(tmp_path / "b.csv")


def test_the_gradebook_csvs_are_what_canvas_and_moodle_import(tmp_path, capsys):
    """Check the Canvas CSV (its header, the Points Possible row, ID and SIS Login ID) and Moodle's (Username, grade).

    Scores are after the late penalty, a submission not graded is blank, and a student missing from the
    names CSV goes out under the course's id, and the command says so.
    """
    root = copy_course(tmp_path / "course")
    recording.save_report(root / "reports", AID, [
        Result("ada", AID, GRADED, 23.0, 23.0), Result("bea", AID, GRADED, 16.1, 23.0, late_penalty=6.9),
        Result("cy", AID, NOT_GRADED, 0.0, 23.0, ["no submission"]), Result("dan", AID, GRADED, 11.5, 23.0)])
    (tmp_path / "names.csv").write_text(NAMES)
    for which in ("canvas", "moodle"):
        assert main(["export", "--format", which, "--names", str(tmp_path / "names.csv"),
                     "--course-dir", str(root)]) == 0
        assert "not in" in capsys.readouterr().out
    with open(root / "exports" / "grades-canvas.csv", newline="") as fh:
        canvas = list(csv.reader(fh))
    assert canvas[:2] == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", AID],
                          ["Points Possible", "", "", "", "", "23"]]
    assert canvas[2:] == [["ada", "4242", "", "ada.lovelace", "", "23"], ["bea", "4243", "", "bea", "", "16.1"],
                          ["cy", "", "", "cy", "", ""], ["dan", "", "", "dan", "", "11.5"]]
    with open(root / "exports" / "grades-moodle.csv", newline="") as fh:
        moodle = list(csv.DictReader(fh))
    assert [(row["Username"], row[AID]) for row in moodle] == \
        [("ada.lovelace", "23"), ("bea", "16.1"), ("cy", ""), ("dan", "11.5")]
    assert main(["export", "--course-dir", str(root)]) == 0  # the course's own export stays the default
    with open(root / "exports" / "grades.csv", newline="") as fh:
        assert next(csv.reader(fh))[:4] == ["assignment", "student", "status", "score"]


@pytest.fixture(scope="module")
def canvas_course(tmp_path_factory):
    """A released course into which a Canvas download was imported; (root, the import's exit code, its output)."""
    base = tmp_path_factory.mktemp("canvas")
    root = copy_course(base / "course")
    Course(root).release([AID])
    (base / "names.csv").write_text(NAMES)
    return root, lms_import(root, write_zip(base / "course-a2 submissions.zip", CANVAS), "canvas", base / "names.csv")


@pytest.mark.slow
def test_a_canvas_zip_is_collected_and_the_later_upload_counts_in_full(canvas_course, capsys):
    """Check that Canvas's files reach submitted/<student>/<aid>/<aid>.ipynb, bea's re-upload over her first, graded."""
    root, _ = canvas_course
    folder = root / "submitted"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.ipynb")) == \
        [f"ada/{AID}/{NOTEBOOK}", f"bea/{AID}/{NOTEBOOK}"]
    assert (folder / "bea" / AID / NOTEBOOK).read_text() == SOLVED  # the "-1", not the half-done first one
    rows = {r.student: r for r in Course(root).autograde([AID], ["bea"])}
    assert rows["bea"].status == GRADED and rows["bea"].score == rows["bea"].max_score == 23, rows["bea"]
    main(["export", "--format", "canvas", "--names", str(root.parent / "names.csv"), "--course-dir", str(root)])
    with open(root / "exports" / "grades-canvas.csv", newline="") as fh:
        assert ["bea", "4243", "", "bea", "", "23"] in list(csv.reader(fh))
    capsys.readouterr()


@pytest.mark.slow
def test_an_unmapped_canvas_sender_is_listed_kept_and_fails_the_command(canvas_course, capsys):
    """Check that nobody (9999) is listed and kept, the command exits 1, and the check fails were the file dropped."""
    root, code = canvas_course
    assert code == 1
    name = f"nobody_9999_1003_{NOTEBOOK}"
    assert_kept_and_listed(root, name, SOLVED)
    report = (root / "reports" / f"{AID}-lms-unmapped.txt").read_text()
    assert "nobody (LMS id 9999) is not in the names CSV" in report
    kept = next((root / "downloaded" / AID / "unmapped").rglob(name))
    kept.rename(kept.with_suffix(".gone"))
    try:
        with pytest.raises(AssertionError):
            assert_kept_and_listed(root, name, SOLVED)
    finally:
        kept.with_suffix(".gone").rename(kept)
    assert "notes_text.html" not in report  # not a notebook: not collected, but no sender to find either


@pytest.mark.slow
def test_a_moodle_zip_maps_full_names_and_participant_ids_and_keeps_renamed_notebooks(tmp_path, capsys):
    """Check a Moodle download in folders, then a newer flat one: names, a renamed notebook, unmapped Cy, no loss."""
    root = copy_course(tmp_path / "course")
    names = tmp_path / "names.csv"
    names.write_text(NAMES)
    assert lms_import(root, write_zip(tmp_path / "a2-1.zip", MOODLE), "moodle", names) == 1
    out = capsys.readouterr().out
    assert (root / "submitted" / "ada" / AID / NOTEBOOK).read_text() == SOLVED
    assert (root / "submitted" / "bea" / AID / "homework.ipynb").read_text() == SOLVED
    assert "bea: sent homework.ipynb, not" in out and "not notebooks, not collected: onlinetext.html" in out
    assert "found homework.ipynb instead" in preflight(root, "bea", AID, RELEASE).notes[0]
    assert_kept_and_listed(root, f"Cy Zed_503_assignsubmission_file/{NOTEBOOK}", HALF)
    assert "Cy Zed (LMS id 503) is not in the names CSV" in out and "run lms-import again" in out
    names.write_text(NAMES + "Cy Zed,cy,\n")
    flat = {name.replace("_file/", "_file_"): text for name, text in MOODLE.items()}
    assert lms_import(root, write_zip(tmp_path / "a2-2.zip", flat), "moodle", names) == 0
    assert (root / "submitted" / "cy" / AID / NOTEBOOK).read_text() == HALF
    assert (root / "reports" / f"{AID}-lms-unmapped.txt").read_text() == "every notebook was mapped\n"
    assert [p.name for p in (root / "downloaded" / AID / "earlier").iterdir()] == ["a2-1.zip"]
