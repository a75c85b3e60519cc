"""Helpers the test modules share: the values inside results, comparing results, sample calls of graded functions,
the scores and messages of an autograded course, a class run through nbgrader's exchange, a small class to grade."""
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
from nbgrader.api import Gradebook

from autograder import probes
from autograder import reference as ref
from autograder.mistakes import catalogue
from autograder.notebooks import (
    HIDDEN,
    REPO,
    SOLUTION,
    fill,
    function_of,
    inside,
    nbgrader_cells,
    notebook_path,
    outside,
    read_notebook,
    solution_code,
)
from autograder.pipeline import Course, copy_course
from autograder.plaindata import Named
from autograder.sandbox_runner import PROBE_FUNCTIONS
from course.gradcheck import rel_error


def leaves(value):
    """The values inside value's tuples, lists and dicts; a layer's parameter dict stays whole."""
    if isinstance(value, (tuple, list)):
        return [leaf for v in value for leaf in leaves(v)]
    if isinstance(value, dict) and not {"stride", "pool_height"} & set(value):
        return [leaf for v in value.values() for leaf in leaves(v)]
    return [value]


def difference(ours, theirs, tol=1e-12, where="the result", dtypes=True):
    """How ours differs from theirs (structure, dict keys, shapes, integer or float if dtypes, values), or None."""
    if isinstance(theirs, (tuple, list)):
        if not isinstance(ours, (tuple, list)) or len(ours) != len(theirs):
            return f"{where}: {type(ours).__name__} of {np.size(ours) if ours is not None else 0}, expected " \
                   f"{type(theirs).__name__} of {len(theirs)}"
        return next((d for i, (o, t) in enumerate(zip(ours, theirs))
                     if (d := difference(o, t, tol, f"{where}[{i}]", dtypes))), None)
    if isinstance(theirs, dict):
        if not isinstance(ours, dict) or ours.keys() != theirs.keys():
            return f"{where}: keys {sorted(ours) if isinstance(ours, dict) else ours!r}, expected {sorted(theirs)}"
        return next((d for k in theirs if (d := difference(ours[k], theirs[k], tol, f"{where}[{k!r}]", dtypes))), None)
    if theirs is None or ours is None:
        return None if ours is theirs else f"{where}: {ours!r}, expected {theirs!r}"
    if isinstance(ours, (tuple, list, dict)):
        return f"{where}: a {type(ours).__name__}, expected an array or a number"
    o, t = np.asarray(ours), np.asarray(theirs)
    if o.dtype.kind not in "biuf" or t.dtype.kind not in "biuf":
        return f"{where}: {o.dtype} values, expected {t.dtype}"
    if o.shape != t.shape:
        return f"{where}: shape {o.shape}, expected {t.shape}"
    if dtypes and (o.dtype.kind in "biu") != (t.dtype.kind in "biu"):
        return f"{where}: dtype {o.dtype}, expected {t.dtype}"
    error = rel_error(o, t)
    return None if error <= tol else f"{where}: relative error {error:.1e} > {tol:.0e}"


def sample_calls(aid):
    """(function name, args) of every probe of aid that is one plain call; a backward's cache from the reference."""
    for p in probes.probes(aid):
        if p.scaling:  # not a call: Python lines counted at several sizes
            continue
        args = tuple(PROBE_FUNCTIONS[a.name] if isinstance(a, Named) else a for a in p.args)
        if p.forward:
            args += (getattr(ref, p.forward[0])(*p.forward[1])[1],)
        yield p.function, args


def marked_lines(aid, marker):
    """The code lines inside aid's marker regions (SOLUTION or HIDDEN), stripped, without comments and short ones."""
    nb = read_notebook(notebook_path(REPO, "source", aid))
    return {line.strip() for c in nb.cells for line in inside(c.source, marker).splitlines()
            if len(line.strip()) >= 12 and not line.strip().startswith("#")}


def public_lines(aid):
    """Lines of the source notebook outside every solution and hidden region: students see them anyway."""
    return {line.strip() for cell in read_notebook(notebook_path(REPO, "source", aid)).cells
            for line in outside(outside(cell.source, SOLUTION), HIDDEN).splitlines()}


def hidden_lines(aid):
    """The hidden test code of aid that appears nowhere in its visible part."""
    return marked_lines(aid, HIDDEN) - public_lines(aid)


def secret_lines(aid):
    """Lines that must never reach a student: solution code and hidden test code of aid."""
    return (marked_lines(aid, SOLUTION) - public_lines(aid)) | hidden_lines(aid)


def function_scores(root, aid, student):
    """Map graded function -> (score, max_score) summed over its test cells, from the gradebook."""
    nb = read_notebook(notebook_path(root, "release", aid))
    functions = nbgrader_cells(nb, "solution")
    scores = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for gid in nbgrader_cells(nb, "grade"):
            grade = gb.find_grade(gid, aid, aid, student)
            got, best = scores.get(function_of(gid, functions), (0.0, 0.0))
            scores[function_of(gid, functions)] = (got + grade.score, best + grade.max_score)
    return scores


def failure_messages(root, aid, student, function):
    """What the test cells of one function say in an autograded notebook: their errors, the grader's findings."""
    nb = nbformat.read(notebook_path(root / "autograded" / student, "", aid), as_version=4)
    functions = nbgrader_cells(nb, "solution")
    return [f"{out.ename}: {out.evalue}" if out.output_type == "error" else out.text
            for gid, cell in nbgrader_cells(nb, "grade").items() if function_of(gid, functions) == function
            for out in cell.outputs if out.output_type == "error" or out.get("text", "").startswith("Grader's")]


def configure(root, line):
    """Add one line to the course's nbgrader_config.py."""
    with open(Path(root) / "nbgrader_config.py", "a") as fh:
        fh.write(f"\n{line}\n")


def nbgrader(cwd, *args, exchange):
    """Run one nbgrader command in cwd against a test's exchange; return its output."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--course", "backprop-by-hand",
                           f"--Exchange.root={exchange}"], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr


def released_class(base, aid):
    """(course root, a student's folder, the exchange) under base, once the instructor released aid into it.

    The course's config names the exchange too, so the course's own commands see what students submitted.
    """
    root, student, exchange = copy_course(base / "course"), base / "student", base / "exchange"
    student.mkdir()
    exchange.mkdir()
    exchange.chmod(0o777)
    configure(root, f"c.Exchange.root = {str(exchange)!r}")
    Course(root).release([aid])
    nbgrader(root, "release_assignment", aid, exchange=exchange)
    return root, student, exchange


def small_class(base, aid, students=4, before="", broken=True):
    """(a course root under base with aid's source and release, its roster): correct and catalogued-mistake
    submissions in turn, and one that cannot be graded (malformed JSON) if broken; before: a cell put first in every
    gradable notebook. Enough for grader.grade_class (no gradebook, no nbgrader run)."""
    root = base / aid
    for folder in ("source", "release"):
        shutil.copytree(REPO / folder / aid, root / folder / aid)
    release = read_notebook(notebook_path(root, "release", aid))
    code, mistakes = solution_code(read_notebook(notebook_path(root, "source", aid))), catalogue(aid)
    for i in range(students):
        m = mistakes[(i // 2) % len(mistakes)]
        nb = fill(release, code if i % 2 == 0 else {**code, m.function: m.code(code)})
        if before:
            nb.cells.insert(0, nbformat.v4.new_code_cell(before))
        path = notebook_path(root / "submitted" / f"s{i}", "", aid)
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
    if broken:
        path = notebook_path(root / "submitted" / "broken", "", aid)
        path.parent.mkdir(parents=True)
        path.write_text("{not json")
    return root, sorted(p.name for p in (root / "submitted").iterdir())
