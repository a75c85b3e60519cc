"""Zero to JupyterHub, hub.extraConfig: instructors get the course and their own Jupyter config, and each
student's server runs as a Unix user of its own.

python -m autograder.deploy z2jh puts it into config.yaml with the instructors and the course filled in.
"""
INSTRUCTORS = set("$instructors".split())
COURSE_REPO = "$course_repo"
IMAGE = "$image"
COURSE_ROOT = "/home/jovyan/backprop-by-hand"


def _with(items, item):
    """items with item added: a list, or a dict keyed by the item's name (KubeSpawner takes either)."""
    return {**items, item["name"]: item} if isinstance(items, dict) else [*items, item]


def backprop_by_hand(spawner):
    """Before a server starts: for an instructor the course volume and config, for a student a uid of their own.

    Every pod would otherwise run as uid 1000, the owner of everything in nbgrader's exchange: any student
    could list the inbound folder and read the others' submissions. docker-stacks' start script names the
    new uid jovyan (group root may write /etc/passwd there); the chart's fsGroup 100 opens the home to it.
    """
    if spawner.user.name not in INSTRUCTORS:
        spawner.uid = 10000 + spawner.user.id
        return
    course = {"name": "bbh-course", "persistentVolumeClaim": {"claimName": "backprop-by-hand-course"}}
    spawner.volumes = _with(spawner.volumes, course)
    # a folder of the volume, not its root (a disk's root holds lost+found, and git clones only into an empty one)
    spawner.volume_mounts = _with(spawner.volume_mounts,
                                  {"name": "bbh-course", "mountPath": COURSE_ROOT, "subPath": "backprop-by-hand"})
    spawner.init_containers = [*spawner.init_containers, {
        "name": "bbh-course-owner", "image": IMAGE, "securityContext": {"runAsUser": 0},
        "command": ["sh", "-c", "mkdir -p /course/backprop-by-hand && chown 1000:100 /course/backprop-by-hand"],
        "volumeMounts": [{"name": "bbh-course", "mountPath": "/course"}]}]
    spawner.lifecycle_hooks = {**spawner.lifecycle_hooks, "postStart": {"exec": {"command": [
        "sh", "-c", f"test -e {COURSE_ROOT}/nbgrader_config.py || git clone '{COURSE_REPO}' {COURSE_ROOT}"]}}}
    # the instructors' config first, before the students' in /etc/jupyter: all of nbgrader's extensions
    spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": "/etc/jupyter/instructor"}


c.KubeSpawner.pre_spawn_hook = backprop_by_hand  # noqa: F821  (z2jh's jupyterhub_config.py defines c)
