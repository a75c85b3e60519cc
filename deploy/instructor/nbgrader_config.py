"""nbgrader for an instructor on a hub: the course in the instructor's folder, and every student's work.

python -m autograder.deploy writes it, with the course root filled in, where the instructor's Jupyter
reads it before the students' config (TLJH: ~/.jupyter; Zero to JupyterHub: JUPYTER_CONFIG_PATH).
"""
import os

c = get_config()  # noqa: F821  (nbgrader provides get_config)

c.CourseDirectory.root = "$course_root"
# The course's own config: sandboxed autograding, deadlines, what travels with a submission. The
# formgrader reads only the config folders and its server's root (the home, not the course), so without
# this its Autograde button would run nbgrader's own executor, unsandboxed.
load_subconfig(os.path.join(c.CourseDirectory.root, "nbgrader_config.py"))  # noqa: F821
# The students' config, which the instructor's Jupyter reads too, makes the hub user the student: for
# the instructor's commands (collect, autograde, feedback) that would be the instructor alone.
c.CourseDirectory.student_id = "*"
# Submissions are named after hub users but owned by Unix users of other names (TLJH's jupyter-<name>,
# a pod's uid): nbgrader's check of the two would call every submission a cheating attempt.
c.ExchangeCollect.check_owner = False
