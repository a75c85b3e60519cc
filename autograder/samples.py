"""Sample submissions for the demo and the tests: one correct, one with typical mistakes, broken ones.

Built from the course's own notebooks each time, so they always match the current release.
"""
import nbformat

from .mistakes import catalogue
from .notebooks import fill, nbgrader_cells, notebook_path, read_notebook, solution_code

KILL_KERNEL = "\nimport os\nos._exit(1)  # the kernel dies here\n"


def _mistake_code(aid, count=3):
    """The first mistake of each of the first few functions that have one."""
    chosen = {}
    for m in catalogue(aid):
        if m.function not in chosen and len(chosen) < count:
            chosen[m.function] = m
    return chosen


def expected_losses(aid):
    """The functions that the 'typical mistakes' sample gets wrong."""
    return sorted(_mistake_code(aid))


def build(root, aid):
    """Write every sample student's submission of aid under root/submitted; return the roster."""
    source = read_notebook(notebook_path(root, "source", aid))
    release = read_notebook(notebook_path(root, "release", aid))
    code = solution_code(source)

    def write(student, nb=None, text=None, name=None):
        path = notebook_path(root / "submitted" / student, "", aid)
        path = path.with_name(name) if name else path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if text is not None else nbformat.writes(nb))

    write("ada", fill(release, code))
    write("brook", fill(release, {**code, **{f: m.code(code) for f, m in _mistake_code(aid).items()}}))
    write("cal", text=nbformat.writes(fill(release, code))[:-400])
    write("dee", fill(release, code), name=f"{aid} (1).ipynb")
    edited = fill(release, code)
    tests = list(nbgrader_cells(edited, "grade").values())
    tests[0].source = "pass"
    edited.cells.remove(tests[-1])
    write("eve", edited)
    first = next(iter(nbgrader_cells(release, "solution")))
    write("fay", fill(release, {**code, first: code[first] + KILL_KERNEL}))
    write("gus", release)
    return {
        "ada": "correct",
        "brook": "typical mistakes in " + ", ".join(expected_losses(aid)),
        "cal": "malformed notebook (truncated JSON)",
        "dee": "renamed notebook",
        "eve": "correct, but deleted one test cell and emptied another",
        "fay": "its code kills the kernel",
        "gus": "submitted the release notebook unchanged",
        "hal": "on the roster, submitted nothing",
    }
