"""nbgrader configuration: this folder is the course root."""
import os
import sys

_ROOT = os.path.dirname(os.path.abspath(__file__))
# The feedback preprocessor lives in the staff package beside this file.
sys.path.insert(0, _ROOT)
# nbgrader runs `alembic` by name when it creates a gradebook (the formgrader's first page, say):
# without the environment's bin folder on PATH, as under `make lab`, that fails.
_BIN = os.path.dirname(sys.executable)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

c = get_config()  # noqa: F821  (nbgrader provides get_config)

c.CourseDirectory.root = _ROOT
c.CourseDirectory.course_id = "backprop-by-hand"
# Only notebooks and small data files travel from source/ to release/ and into submissions, and
# the time a submission came in (submit writes timestamp.txt; collect must keep it, for deadlines), and
# the secret submit writes beside it, without which release_feedback cannot name the student's feedback.
c.CourseDirectory.include = ["*.ipynb", "*.npz", "*.csv", "timestamp.txt", "submission_secret.txt"]

# One machine serves the course (make lab): the exchange behind the Assignments tab and
# release/collect lives in build/, not in /usr/local/share, which a user cannot write. On a hub
# (make class, deploy/), BBH_EXCHANGE names the folder the students' config names too.
c.Exchange.root = os.environ.get("BBH_EXCHANGE") or os.path.join(_ROOT, "build", "exchange")
os.makedirs(c.Exchange.root, exist_ok=True)

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.Execute.timeout = 60
# `nbgrader autograde` and the formgrader's Autograde button grade as `make grade` does: the
# notebook runs in the sandbox and the grader's probes decide the points (autograder/nbgrader_autograde.py),
# instead of nbgrader's Execute running the student's code here and its own test cells deciding.
c.SandboxedExecute.course_root = _ROOT
# Deadlines (autograder/deadlines.py): each assignment's due date, as nbgrader writes times, e.g.
#   c.Deadlines.due_dates = {"01_perceptron_xor": "2026-12-14 23:59:00 UTC"}
# `make release` puts them into the gradebook. A late submission loses fraction_per_day of its score
# for each day begun, and all of it after zero_after_days; every path that grades charges it alike.
c.Deadlines.due_dates = {}
c.AssignLatePenalties.plugin_class = "autograder.deadlines.FractionPerDay"
c.FractionPerDay.fraction_per_day = 0.1
c.FractionPerDay.zero_after_days = 7
c.Autograde.autograde_preprocessors = [
    "autograder.nbgrader_autograde.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# A submission from a student the roster lacks is graded and the student added, on every path (the
# course's grader notes it in the row): refusing it would lose the work.
c.Autograde.create_student = True
# A student who deleted a test cell is still graded on it: nbgrader puts the cell back.
c.OverwriteCells.add_missing_cells = True

# Feedback shows the student's notebook with the hidden tests removed and tracebacks cut down
# to the error message, so neither hidden test code nor expected values reach students.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
