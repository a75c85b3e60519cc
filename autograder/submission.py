"""What a submission is: whether it can be graded (in words an instructor can act on), and the notebook to run."""
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .notebooks import NotebookError, copy_notebook, grade_id, nbgrader_cells, read_notebook


@dataclass
class Preflight:
    """Whether a submission can be graded, and what the instructor should know about it."""
    gradable: bool
    notes: list = field(default_factory=list)
    notebook: object = None  # the submitted notebook, read, when gradable


def folder(root, student, aid):
    """Where nbgrader keeps a student's submission of an assignment."""
    return Path(root) / "submitted" / student / aid


def timestamp(root, student, aid):
    """When the submission came in, as nbgrader's submit wrote it into timestamp.txt (collect keeps it), or ""."""
    stamp = folder(root, student, aid) / "timestamp.txt"
    return stamp.read_text().strip() if stamp.exists() else ""


def preflight(root, student, aid, release_nb):
    """Read a submission and say whether it can be graded: missing, renamed, malformed, edited or deleted cells."""
    where = folder(root, student, aid)
    if not where.exists():
        return Preflight(False, ["no submission"])
    expected = where / f"{aid}.ipynb"
    if not expected.exists():
        others = sorted(p.name for p in where.glob("*.ipynb"))
        why = f"notebook {expected.name} is missing"
        return Preflight(False, [why + (f"; found {', '.join(others)} instead (renamed?)" if others else "")])
    try:
        nb = read_notebook(expected)
    except NotebookError as err:
        return Preflight(False, [str(err)])
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
    return Preflight(True, notes, nb)


def notebook_to_run(submitted, source):
    """The submission with every test cell as in source/ (hidden tests included), missing ones put back."""
    nb = copy_notebook(submitted)
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
        nb.cells.insert(at, copy_notebook(cell))
    seen = set()
    for cell in nb.cells:
        if not cell.get("id") or cell["id"] in seen:  # restored cells may lack an id or repeat one
            cell["id"] = uuid.uuid4().hex[:12]
        seen.add(cell["id"])
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.nbformat_minor = max(nb.nbformat_minor, 5)
    return nb
