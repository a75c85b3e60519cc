"""nbgrader's own autograde, the command and the formgrader's button, run through the sandboxed grader.

nbgrader_config.py puts SandboxedExecute where nbgrader's Execute would run the student's code
with the instructor's rights and let the notebook's own test cells decide the grade. Here the
notebook runs in the sandbox and the probes decide each test cell's points, exactly as
`python -m autograder autograde` does; the cells' outputs then carry those points to nbgrader's
SaveAutoGrades, which reads them its own way: an error gives 0, a number that many points,
anything else all of them.
"""
import atexit
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from . import sandbox, submission
from .grader import judged, prepared, sandbox_or_refuse, shared_warm
from .running import run_submission

_PREPARED = {}  # (course root, assignment) -> (kit, font cache, scratch): once per process, which grades many


class SandboxedExecute(NbGraderPreprocessor):
    """Grade the notebook in the sandbox, as the course's own grader does, instead of executing it here."""

    course_root = Unicode("", help="The course root (nbgrader_config.py's folder).").tag(config=True)

    def preprocess(self, nb, resources):
        """Run nb in a sandbox, judge it, and return the autograded notebook whose outputs carry the points."""
        aid, student = resources["nbgrader"]["assignment"], resources["nbgrader"]["student"]
        root = Path(self.course_root or Path.cwd())
        bwrap = sandbox_or_refuse()  # nbgrader has no --unsafe: a submission is never run unconfined from here
        kit, fonts, scratch = _prepared(root, aid)
        to_run = submission.notebook_to_run(nb, kit.source)
        run = run_submission(kit, to_run, submission.folder(root, student, aid), sandbox.Limits(), bwrap, scratch,
                             fonts, shared_warm(bwrap)[1])  # nbgrader's batch is one process: warm after the first
        outcome, graded = judged(kit, to_run, run)
        for note in outcome.notes + outcome.flags:
            self.log.warning("%s %s: %s", aid, student, note)
        carry_points(graded, outcome.scores, kit.points)
        return graded, resources


def carry_points(nb, scores, points):
    """Make each test cell's outputs say its score in nbgrader's terms; what the cell printed stays readable.

    stderr and error outputs would cost all points under nbgrader, so they become stdout text; then
    a score of 0 gets an error output and a partial score an execute_result holding the number.
    """
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type != "code" or gid not in points:
            continue
        text = [o.text if o.output_type == "stream" else f"{o.ename}: {o.evalue}\n"
                for o in cell.outputs if o.output_type in ("stream", "error")]
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="".join(text))] if text else []
        score, best = scores.get(gid, 0.0), points[gid]
        if score <= 0:
            cell.outputs.append(nbformat.v4.new_output("error", ename="Graded", evalue=f"0 of {best:g} points",
                                                       traceback=[f"0 of {best:g} points"]))
        elif score < best:
            cell.outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": f"{score:g}"},
                                                       execution_count=cell.execution_count))


def _prepared(root, aid):
    """The GradingKit and font cache of aid, made once per process, and the scratch folder they live in."""
    key = (str(root.resolve()), aid)
    if key not in _PREPARED:
        scratch = Path(tempfile.mkdtemp(prefix="backprop-nbgrader-"))
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        _PREPARED[key] = (*prepared(aid, root, scratch), scratch)
    return _PREPARED[key]
