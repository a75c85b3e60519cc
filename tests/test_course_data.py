"""Check that the data files that come with a notebook are always the course's when it is graded.

A submission brings its whole folder (nbgrader submits it all); its copy of a file that comes with the
notebook (06's digits.npz) is replaced by the course's before anything runs, and a copy that differs is
flagged in the integrity report. The probes carry the course's data anyway, and judge train_cnn on a
test split that never enters the sandbox.
"""
import shutil

import nbformat
import numpy as np
import pytest

from autograder.notebooks import REPO, fill, notebook_path, read_notebook, solution_code
from autograder.pipeline import Course, copy_course
from autograder.running import _course_data
from conftest import ASSIGNMENTS
from helpers import function_scores

WITH_DATA = [a for a in ASSIGNMENTS
             if any(p.suffix != ".ipynb" for p in notebook_path(REPO, "source", a).parent.iterdir())]


def test_a_changed_or_linked_data_file_is_replaced_and_named_a_missing_one_put_back(tmp_path):
    """Check _course_data: a differing or symlinked copy is flagged and replaced, the same or no copy is not flagged."""
    ours = tmp_path / "course" / "digits.npz"
    ours.parent.mkdir()
    ours.write_bytes(b"the course's digits")
    for name, prepare, flagged in [("same", lambda p: p.write_bytes(ours.read_bytes()), False),
                                   ("missing", lambda p: None, False),
                                   ("changed", lambda p: p.write_bytes(b"easier digits"), True),
                                   ("linked", lambda p: p.symlink_to(tmp_path / "elsewhere"), True),
                                   ("a folder", lambda p: p.mkdir(), True)]:
        work = tmp_path / name
        work.mkdir()
        prepare(work / "digits.npz")
        found = _course_data({"digits.npz": ours}, work)
        assert bool(found) == flagged, (name, found)
        assert not (work / "digits.npz").is_symlink() and (work / "digits.npz").read_bytes() == ours.read_bytes()
        if flagged:
            assert found == ["digits.npz in the submission is not the course's copy: graded with the course's"]


@pytest.fixture(scope="module")
def tampered_class(tmp_path_factory):
    """A course where ada submits the solutions with the course's data, and ben the same with tampered data."""
    root = copy_course(tmp_path_factory.mktemp("data"))
    course = Course(root)
    course.release(WITH_DATA)
    for aid in WITH_DATA:
        release = read_notebook(notebook_path(root, "release", aid))
        code = solution_code(read_notebook(notebook_path(root, "source", aid)))
        for student in ("ada", "ben"):
            folder = notebook_path(root / "submitted" / student, "", aid).parent
            shutil.copytree(notebook_path(root, "release", aid).parent, folder)
            nbformat.write(fill(release, code), notebook_path(root / "submitted" / student, "", aid))
        for data in notebook_path(root / "submitted" / "ben", "", aid).parent.glob("*.npz"):
            with np.load(data) as stored:
                arrays = {k: stored[k] for k in stored.files}
            for k, a in arrays.items():  # every label 0 and every image the first: no test split left to trust
                arrays[k] = np.zeros_like(a) if a.ndim == 1 else np.broadcast_to(a[:1], a.shape).copy()
            np.savez(data, **arrays)
    return root, course.autograde(WITH_DATA)


@pytest.mark.slow
@pytest.mark.parametrize("aid", WITH_DATA)
def test_tampered_data_in_a_submission_changes_no_grade_and_is_flagged(tampered_class, aid):
    """Check that ben, with tampered data, gets ada's scores for every function, and only ben is flagged."""
    root, results = tampered_class
    rows = {r.student: r for r in results if r.assignment == aid}
    assert rows["ada"].score == rows["ada"].max_score and not rows["ada"].flags, rows["ada"]
    assert function_scores(root, aid, "ben") == function_scores(root, aid, "ada")
    assert rows["ben"].score == rows["ada"].score and rows["ben"].notes == rows["ada"].notes
    assert [f for f in rows["ben"].flags if "course's copy" in f] and all(
        "course's copy" in f for f in rows["ben"].flags), rows["ben"].flags
    assert (root / "reports" / f"{aid}-integrity.txt").read_text().count("not the course's copy") >= 1
