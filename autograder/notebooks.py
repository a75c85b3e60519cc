"""Reading course notebooks and building submissions from code, for the pipeline and the tests."""
import json
from pathlib import Path

import nbformat

from .assignments import IDS

ASSIGNMENTS = list(IDS)
REPO = Path(__file__).resolve().parent.parent
SOLUTION, HIDDEN = "SOLUTION", "HIDDEN TESTS"  # nbgrader's markers: ### BEGIN SOLUTION ... ### END SOLUTION


class NotebookError(Exception):
    """A notebook that cannot be read or is not a course notebook; the message says why in plain words."""


def notebook_path(root, folder, assignment):
    """Path of an assignment's notebook in source/, release/ or a submission folder."""
    return Path(root) / folder / assignment / f"{assignment}.ipynb"


def existing_assignments(root=REPO):
    """The assignment ids that have a source notebook, in course order."""
    return [a for a in ASSIGNMENTS if notebook_path(root, "source", a).exists()]


def read_notebook(path):
    """Read and validate a notebook, or raise NotebookError saying what is wrong with it."""
    path = Path(path)
    if not path.exists():
        raise NotebookError(f"{path.name} is missing")
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise NotebookError(f"{path.name} is not a readable notebook (malformed JSON: {err})") from None
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # nbformat raises several kinds for files that are JSON but no notebook
        raise NotebookError(f"{path.name} is not a readable notebook ({type(err).__name__}: {err})") from None
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as err:
        raise NotebookError(f"{path.name} is not a valid notebook ({err.message})") from None
    return nb


def grade_id(cell):
    """A cell's nbgrader grade_id, or None for a cell nbgrader does not track."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def nbgrader_cells(nb, kind):
    """Map grade_id -> cell for solution cells (kind='solution') or test cells (kind='grade')."""
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get(kind) and not (kind == "grade" and meta.get("solution")):
            cells[grade_id(cell)] = cell
    return cells


def regions(source, marker):
    """A cell's source as [(inside, text)]: the runs of lines outside and inside the marker regions.

    A region runs from `### BEGIN marker` to `### END marker`. The marker lines themselves belong
    to no run; every other line keeps its line ending.
    """
    runs, inside = [[False, ""]], False
    for line in source.splitlines(keepends=True):
        word = line.strip()
        if word == f"### {'END' if inside else 'BEGIN'} {marker}":
            inside = not inside
            runs.append([inside, ""])
        else:
            runs[-1][1] += line
    return [(inside, text) for inside, text in runs if text or inside]


def outside(source, marker, note=None):
    """source without its marker regions: each one dropped, or replaced by the line note."""
    return "".join(text if not inside else (note + "\n" if note is not None else "")
                   for inside, text in regions(source, marker))


def inside(source, marker):
    """The text of source's marker regions, one after another."""
    return "".join(text for inside, text in regions(source, marker) if inside)


def unmarked(source, marker):
    """source with the marker lines taken out and everything else kept."""
    return "".join(text for _, text in regions(source, marker))


def solution_code(nb):
    """Map graded function -> its complete solution source (markers removed) from a source notebook."""
    return {gid: unmarked(cell.source, SOLUTION) for gid, cell in nbgrader_cells(nb, "solution").items()}


def copy_notebook(nb):
    """A deep copy of a notebook (or one of its cells), as nbformat nodes."""
    return nbformat.from_dict(json.loads(json.dumps(nb)))


def fill(nb, code):
    """Return a copy of nb whose solution cells named in code (grade_id -> source) hold that code."""
    nb = copy_notebook(nb)
    for gid, cell in nbgrader_cells(nb, "solution").items():
        if gid in code:
            cell.source = code[gid]
    return nb


def points(nb):
    """Map test cell grade_id -> points."""
    return {gid: float(c.metadata.nbgrader["points"]) for gid, c in nbgrader_cells(nb, "grade").items()}


def function_of(test_id, functions):
    """The graded function a test cell's grade_id belongs to (its longest matching prefix)."""
    owners = [f for f in functions if test_id.startswith(f + "_")]
    return max(owners, key=len) if owners else None
