"""nbgrader for a student on a JupyterHub: the course's exchange, and the hub user as the student."""
import os

c = get_config()  # noqa: F821  (nbgrader provides get_config)

c.CourseDirectory.course_id = "backprop-by-hand"
# The exchange every student and the instructor share; on a hub, a folder all can reach.
c.Exchange.root = os.environ.get("BBH_EXCHANGE", "/srv/nbgrader/exchange")
# nbgrader files a submission under the Unix user (the hub user only when that is `jovyan`): under a
# spawner that runs every student as one Unix user, all would land under one name.
if os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
