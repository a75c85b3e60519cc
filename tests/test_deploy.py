"""Check the files for a real class (python -m autograder.deploy) on The Littlest JupyterHub and on Zero to JupyterHub.

No hub or cluster runs here. A deployment's Jupyter config folders are rebuilt under a temporary folder at
the levels Jupyter reads them: the user's ~/.jupyter, the environment's etc/jupyter (a copy of this one,
with nbgrader's own jupyter_server_config.d/nbgrader.json, which enables every nbgrader extension), and the
system's /usr/local/etc/jupyter and /etc/jupyter. A sitecustomize points jupyter_core's environment and
system paths there (as JupyterLab's own tests patch them), and JUPYTER_PREFER_ENV_PATH=0 puts the user's
folder first, as on both targets, where no user owns the environment. Servers and nbgrader then run on
those folders unchanged, as the Unix user running the tests.
"""
import getpass
import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import tomllib
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from jupyterhub.spawner import LocalProcessSpawner
from traitlets.config import Config

from autograder import deploy
from autograder.local_servers import free_port, wait_until_up
from autograder.notebooks import REPO
from autograder.pipeline import Course, copy_course

AID = "02_computational_graphs"
INSTRUCTOR, STUDENT = "teacher", "ada"
COURSE_REPO = "https://example.org/backprop-by-hand.git"
IMAGE = "registry.example.org/backprop-by-hand:2026.1"
VENV_CONFIG = Path(sys.prefix) / "etc" / "jupyter"
INSTRUCTOR_PLUGINS = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list"}
SITECUSTOMIZE = '''"""The deployment's config folders for jupyter_core (tests/test_deploy.py)."""
import os

if os.environ.get("BBH_TEST_ENV_CONFIG"):
    from jupyter_core import paths

    paths.ENV_CONFIG_PATH[:] = [os.environ["BBH_TEST_ENV_CONFIG"]]
    paths.SYSTEM_CONFIG_PATH[:] = os.environ["BBH_TEST_SYSTEM_CONFIG"].split(os.pathsep)
'''


def render(target, out):
    """The target's files, rendered with one instructor."""
    args = [target, "--instructor", INSTRUCTOR, "--course-repo", COURSE_REPO, "--out", str(out)]
    deploy.main(args + (["--image", IMAGE] if target == "z2jh" else []))
    return out


def z2jh_config(out):
    return yaml.safe_load((out / "config.yaml").read_text())


def tljh_hub_environment(out):
    """The environment TLJH's hub gives every server, with the rendered jupyterhub_config.d file loaded."""
    c = Config()
    exec(compile((out / deploy.TLJH_HUB_CONFIG).read_text(), "jupyterhub_config.d", "exec"),
         {"c": c, "get_config": lambda: c})
    return LocalProcessSpawner(config=c).environment


class KubeSpawner(LocalProcessSpawner):
    """Reads a config's KubeSpawner section as the real one does (kubespawner is not installed here)."""


def z2jh_hook(config):
    """The pre-spawn hook that config.yaml's hub.extraConfig sets, as a spawner of JupyterHub's gets it."""
    c = Config()
    for name, code in config["hub"]["extraConfig"].items():
        exec(compile(code, f"hub.extraConfig.{name}", "exec"), {"c": c})
    return KubeSpawner(config=c).pre_spawn_hook


def spawned(hook, name, user_id, dicts=False):
    """What hook makes of a fresh spawner for hub user name (volumes as lists, or as newer KubeSpawners' dicts)."""
    empty = {} if dicts else []
    spawner = SimpleNamespace(user=SimpleNamespace(name=name, id=user_id), uid=1000, gid=None, volumes=empty,
                              volume_mounts=empty, init_containers=[], lifecycle_hooks={}, environment={})
    hook(spawner)
    return spawner


def extra_files(config):
    """config.yaml's singleuser.extraFiles as the pod sees them: mount path -> text."""
    files = {}
    for key, entry in config["singleuser"]["extraFiles"].items():
        assert set(entry) & {"data", "stringData"} and not {"data", "stringData"} <= set(entry), key
        files[entry["mountPath"]] = entry.get("stringData") or json.dumps(entry["data"], indent=2)
    return files


def mapped(text, old, new):
    """text with the one occurrence of the path old (on the target machine) replaced by new (here)."""
    assert text.count(old) == 1, (old, text)
    return text.replace(old, str(new))


class Deployment:
    """One target's Jupyter config folders and homes, rebuilt under root; Unix users stay the test's own."""

    def __init__(self, root, target, rendered):
        self.root, self.target = Path(root), target
        self.env_config = self.root / "env" / "etc" / "jupyter"
        shutil.copytree(VENV_CONFIG, self.env_config)
        self.system_config = [self.root / "usr" / "local" / "etc" / "jupyter", self.root / "etc" / "jupyter"]
        for folder in self.system_config:
            folder.mkdir(parents=True)
        (self.root / "site").mkdir()
        (self.root / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE)
        self.config_path = {}  # per user, JUPYTER_CONFIG_PATH
        if target == "tljh":
            shutil.copytree(rendered / deploy.TLJH_ENV_CONFIG, self.env_config, dirs_exist_ok=True)
            self.hub_env = tljh_hub_environment(rendered)
            user = deploy.tljh_user(INSTRUCTOR)
            own = self.home(INSTRUCTOR) / ".jupyter"
            shutil.copytree(rendered / "home" / user / ".jupyter", own)
            text = (own / "nbgrader_config.py").read_text()
            (own / "nbgrader_config.py").write_text(mapped(text, f"/home/{user}", self.home(INSTRUCTOR)))
        else:
            config = z2jh_config(rendered)
            self.hub_env = config["singleuser"]["extraEnv"]
            for mount, text in extra_files(config).items():
                if mount.endswith("instructor/nbgrader_config.py"):
                    text = mapped(text, deploy.Z2JH_HOME, self.home(INSTRUCTOR))
                path = self.here(mount)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
            hook = z2jh_hook(config)
            for name, user_id in ((INSTRUCTOR, 1), (STUDENT, 2)):
                wanted = spawned(hook, name, user_id).environment.get("JUPYTER_CONFIG_PATH")
                self.config_path[name] = wanted and str(self.here(wanted))
        self.exchange = self.here(self.hub_env["BBH_EXCHANGE"])
        self.exchange.mkdir(parents=True, exist_ok=True)
        self.exchange.chmod(0o1777)

    def here(self, path):
        """Where a path of the target machine is in this folder."""
        return self.root / str(path).lstrip("/")

    def home(self, name):
        """The hub user's home (TLJH: /home/jupyter-<name>; a pod: /home/jovyan, one per user here)."""
        home = self.root / "home" / (deploy.tljh_user(name) if self.target == "tljh" else name)
        home.mkdir(parents=True, exist_ok=True)
        return home

    @property
    def course(self):
        return self.home(INSTRUCTOR) / deploy.COURSE_DIR

    def environ(self, name, **extra):
        """The environment of hub user name's server, as the hub starts it."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "BBH_", "PYTHON"))}
        env.update(HOME=str(self.home(name)), JUPYTERHUB_USER=name, JUPYTER_PREFER_ENV_PATH="0",
                   BBH_EXCHANGE=str(self.exchange), PYTHONPATH=str(self.root / "site"),
                   BBH_TEST_ENV_CONFIG=str(self.env_config),
                   BBH_TEST_SYSTEM_CONFIG=os.pathsep.join(map(str, self.system_config)),
                   PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", os.defpath)]))
        if self.config_path.get(name):
            env["JUPYTER_CONFIG_PATH"] = self.config_path[name]
        return {**env, **extra}

    def run(self, name, *args, check=True, **extra):
        """Run python with args as hub user name would in a terminal of their server (in their home)."""
        done = subprocess.run([sys.executable, *args], cwd=self.home(name), env=self.environ(name, **extra),
                              capture_output=True, text=True, timeout=300)
        assert not check or done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
        return done

    def nbgrader(self, name, *args, **kwargs):
        return self.run(name, "-m", "nbgrader", *args, **kwargs)

    def inbound(self):
        return sorted(p.name for p in (self.exchange / "backprop-by-hand" / "inbound").iterdir())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Both targets' files, rendered into a temporary folder."""
    base = tmp_path_factory.mktemp("rendered")
    return {target: render(target, base / target) for target in ("tljh", "z2jh")}


@pytest.fixture(scope="module", params=["tljh", "z2jh"])
def released(request, rendered, tmp_path_factory):
    """A deployment whose instructor cloned the course and released 02 from a terminal in their home."""
    target = request.param
    dep = Deployment(tmp_path_factory.mktemp(target), target, rendered[target])
    Course(copy_course(dep.course)).release([AID])
    dep.nbgrader(INSTRUCTOR, "release_assignment", AID)
    return dep


# ---- the rendered files -------------------------------------------------------------------------------

def test_readme_commands_render_and_name_real_files(tmp_path):
    """Check that the README's deploy commands run as written, and that every deploy/ file it names exists."""
    section = readme_section()
    commands = re.findall(r"^(?:\.venv/bin/)?python -m autograder\.deploy (.+?)$", section, re.M)
    assert {c.split()[0] for c in commands} == {"tljh", "z2jh"}, commands
    for i, command in enumerate(commands):
        words = [w for w in re.sub(r"\s+\\\s*", " ", command).split() if w != "\\"]
        assert deploy.main(words + ["--out", str(tmp_path / str(i))]) == 0
    named = set(re.findall(r"`(deploy/[\w./-]+)`", section))
    assert named and all((REPO / path).exists() for path in named), named


def readme_section():
    text = (REPO / "README.md").read_text()
    start = text.index("## Deploying for a class")
    return text[start:text.index("\n## ", start + 1)]


def test_tljh_files_are_the_sides_config_where_tljh_reads_it(rendered):
    """Check that the TLJH tree holds the students' files in the user environment and the instructor's in their home."""
    out, user = rendered["tljh"], deploy.tljh_user(INSTRUCTOR)
    for name in deploy.CONFIG_FILES:
        env_name = deploy.TLJH_STUDENT_SERVER if name == "jupyter_server_config.json" else name
        assert (out / deploy.TLJH_ENV_CONFIG / env_name).read_text() == (deploy.STUDENT / name).read_text()
        mine = (out / "home" / user / ".jupyter" / name).read_text()
        theirs = (deploy.INSTRUCTOR / name).read_text()
        assert mine == theirs.replace("$course_root", f"/home/{user}/backprop-by-hand")
    # nbgrader's own nbgrader.json sits in the same folder: the students' file must be read after it
    assert sorted([deploy.TLJH_STUDENT_SERVER, "jupyter_server_config.d/nbgrader.json"])[-1] == \
        deploy.TLJH_STUDENT_SERVER
    assert tljh_hub_environment(out) == {"BBH_EXCHANGE": deploy.EXCHANGE}
    with pytest.raises(SystemExit, match="one instructor"):
        deploy.tljh(out / "two", ["teacher", "tom"], COURSE_REPO)
    with pytest.raises(SystemExit, match="rename"):
        deploy.tljh_user("Teacher")


def test_z2jh_values_have_the_keys_the_chart_reads(rendered):
    """Check that config.yaml parses and sets the chart's keys: image, exchange volume and env, extraFiles, hook."""
    config = z2jh_config(rendered["z2jh"])
    assert set(config) == {"singleuser", "hub"}
    single = config["singleuser"]
    assert f"{single['image']['name']}:{single['image']['tag']}" == IMAGE and isinstance(single["image"]["tag"], str)
    assert single["extraEnv"] == {"BBH_EXCHANGE": deploy.EXCHANGE}
    volumes = {v["name"]: v for v in single["storage"]["extraVolumes"]}
    assert [(m["name"], m["mountPath"]) for m in single["storage"]["extraVolumeMounts"]] == \
        [("bbh-exchange", deploy.EXCHANGE)]
    (init,) = single["initContainers"]
    assert init["command"] == ["chmod", "1777", deploy.EXCHANGE] and init["securityContext"] == {"runAsUser": 0}
    assert {m["name"] for m in init["volumeMounts"]} <= set(volumes)
    claims = {d["metadata"]["name"]: d for d in yaml.safe_load_all((rendered["z2jh"] / "volumes.yaml").read_text())}
    assert all(c["kind"] == "PersistentVolumeClaim" and c["spec"]["accessModes"] == ["ReadWriteMany"]
               for c in claims.values())
    assert volumes["bbh-exchange"]["persistentVolumeClaim"]["claimName"] in claims
    files = extra_files(config)
    assert set(files) == {f"/etc/jupyter/{p}{n}" for p in ("", "instructor/") for n in deploy.CONFIG_FILES}
    for mount, text in files.items():
        side = deploy.INSTRUCTOR if "/instructor/" in mount else deploy.STUDENT
        name = mount.rpartition("/jupyter/")[2].removeprefix("instructor/")
        theirs = (side / name).read_text().replace("$course_root", "/home/jovyan/backprop-by-hand")
        if name.endswith(".json"):
            assert json.loads(text) == json.loads(theirs), mount
        else:
            assert text == theirs, mount
            compile(text, mount, "exec")
    hook = spawned(z2jh_hook(config), INSTRUCTOR, 1)
    assert hook.volumes[0]["persistentVolumeClaim"]["claimName"] in claims


@pytest.mark.parametrize("dicts", [False, True], ids=["lists", "dicts"])
def test_z2jh_hook_gives_instructors_the_course_and_students_a_uid_each(rendered, dicts):
    """Check that the hook mounts the course and puts the instructors' config first for instructors only,
    and runs each student as a uid of their own, never jovyan's."""
    hook = z2jh_hook(z2jh_config(rendered["z2jh"]))
    teacher = spawned(hook, INSTRUCTOR, 1, dicts)
    mounts = list(teacher.volume_mounts.values()) if dicts else teacher.volume_mounts
    assert [(m["mountPath"], m["subPath"]) for m in mounts] == [("/home/jovyan/backprop-by-hand", "backprop-by-hand")]
    assert teacher.environment == {"JUPYTER_CONFIG_PATH": "/etc/jupyter/instructor"} and teacher.uid == 1000
    assert COURSE_REPO in teacher.lifecycle_hooks["postStart"]["exec"]["command"][-1]
    assert teacher.init_containers[0]["volumeMounts"][0]["name"] == mounts[0]["name"]
    ada, brook = spawned(hook, STUDENT, 2, dicts), spawned(hook, "brook", 3, dicts)
    assert not ada.volumes and not ada.environment and not ada.init_containers
    assert (ada.uid, ada.gid, brook.uid) == (10002, None, 10003)  # group root: docker-stacks names the uid jovyan


@pytest.mark.slow
def test_scripts_parse_and_install_the_course_packages(rendered):
    """Check that setup.sh parses, that settings.sh gives it pyproject's pins but jupyterhub, and the Dockerfile too,
    and that neither ships autograder/ or source/ to students."""
    out = rendered["tljh"]
    assert subprocess.run(["bash", "-n", str(out / "setup.sh")]).returncode == 0
    listed = subprocess.run(["bash", "-c", 'source settings.sh && printf "%s\\n" "${BBH_REQUIREMENTS[@]}"'],
                            cwd=out, capture_output=True, text=True, check=True).stdout.split()
    pins = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert listed == [p for p in pins if not p.startswith("jupyterhub")] and len(listed) == len(pins) - 1
    dockerfile = (rendered["z2jh"] / "Dockerfile").read_text()
    (pip,) = [line for line in dockerfile.splitlines() if line.startswith("RUN pip install")]
    assert pip.split()[4:] == [f"'{p}'" for p in listed]
    copies = [line.split()[1:] for line in dockerfile.splitlines() if line.startswith("COPY")]
    assert [[w for w in words[:-1] if not w.startswith("--")] for words in copies] == [["course/"]], copies
    assert "$" not in dockerfile and "$" not in (rendered["z2jh"] / "config.yaml").read_text()


# ---- each side's extensions, in a running server ------------------------------------------------------

@contextmanager
def lab_server(dep, name):
    """JupyterLab started as the hub starts hub user name's server; yields get(path) -> (status, body)."""
    port, token = free_port(), secrets.token_hex(16)
    log = dep.root / f"lab-{name}.log"
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={dep.home(name)}"]
    with open(log, "w") as out:
        server = subprocess.Popen(cmd + (["--allow-root"] if os.geteuid() == 0 else []), cwd=dep.home(name),
                                  env=dep.environ(name), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def get(path):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"token {token}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    try:
        wait_until_up(server, lambda: get("/api/status")[0] == 200, "JupyterLab", log.read_text, 90)
        yield get
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def page_config(get):
    """The page config JupyterLab's front end starts with (the /lab page's jupyter-config-data)."""
    status, html = get("/lab")
    assert status == 200, html[-2000:]
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def disabled_in_listing(dep, name):
    """The nbgrader plugins `jupyter labextension list` calls disabled for hub user name."""
    done = dep.run(name, "-m", "jupyter", "labextension", "list")
    disabled = (done.stdout + done.stderr).partition("Disabled extensions:")[2]
    return set(re.findall(r"@jupyter/nbgrader:[\w-]+", disabled))


@pytest.mark.slow
@pytest.mark.parametrize("name", [STUDENT, INSTRUCTOR])
def test_each_side_gets_its_extensions_in_a_running_server(released, name):
    """Check, in a real JupyterLab on the deployment's config folders, that students lack the formgrader, course list
    and Create Assignment (server routes and lab plugins) and keep Assignments, which lists the release, and Validate;
    and that the instructor has them all, also once JupyterLab has locked the students' disabled plugins."""
    instructor = name == INSTRUCTOR
    # `jupyter labextension list` copies disabledExtensions into lockedExtensions where it can write the
    # environment's config (TLJH's, as an admin would run it); the instructor's override must survive that.
    assert disabled_in_listing(released, STUDENT) == INSTRUCTOR_PLUGINS
    with lab_server(released, name) as get:
        disabled = set(page_config(get)["disabledExtensions"])
        routes = {route: get(route)[0] for route in ("/formgrader", "/formgraders", "/assignments/validate")}
        status, listing = get("/assignments?course_id=backprop-by-hand")
    assert (disabled & INSTRUCTOR_PLUGINS) == (set() if instructor else INSTRUCTOR_PLUGINS)
    absent = 404
    assert (routes["/formgrader"] != absent, routes["/formgraders"] != absent) == (instructor, instructor), routes
    assert routes["/assignments/validate"] != absent, routes  # registered (it takes POST)
    assert status == 200 and json.loads(listing)["success"], listing
    assert [a["assignment_id"] for a in json.loads(listing)["value"]] == [AID], listing
    assert disabled_in_listing(released, name) == (set() if instructor else INSTRUCTOR_PLUGINS)


# ---- student_id from the hub user, through nbgrader's exchange ----------------------------------------

@pytest.mark.slow
def test_the_hub_user_is_the_student_and_the_instructor_collects_every_student(released):
    """Check that a student's submit, as the Unix user running the tests, is filed under the hub user ada, and that
    the instructor's collect, from their home, gathers it (the students' config makes the instructor a student too,
    which theirs undoes); and that the formgrader's view of the config grades in the sandbox."""
    dep = released
    dep.nbgrader(STUDENT, "fetch_assignment", AID)
    dep.nbgrader(STUDENT, "submit", AID)
    assert [n.split("+")[0] for n in dep.inbound()] == [STUDENT], dep.inbound()
    assert getpass.getuser() != STUDENT
    dep.nbgrader(INSTRUCTOR, "collect", AID)
    assert (dep.course / "submitted" / STUDENT / AID / f"{AID}.ipynb").exists()
    # the config as the formgrader reads it: the config folders and its server's root, the home
    seen = json.loads(dep.run(INSTRUCTOR, "-c", FORMGRADER_VIEW).stdout)
    assert seen == {"root": str(dep.course), "student_id": "*", "exchange": str(dep.exchange),
                    "executor": "autograder.nbgrader_autograde.SandboxedExecute"}


FORMGRADER_VIEW = """import json
from nbgrader.apps import NbGrader
app = NbGrader()
app.load_config_file()
c = app.config
executor = c.Autograde.get("autograde_preprocessors", [None])[0]
print(json.dumps({"root": c.CourseDirectory.get("root"), "student_id": c.CourseDirectory.get("student_id"),
                  "exchange": c.Exchange.get("root"), "executor": executor}))
"""


@pytest.mark.slow
def test_without_the_student_id_line_a_submission_goes_under_the_unix_user(released, tmp_path):
    """Check that the students' student_id line is what names the submission: without it nbgrader takes the
    Unix user running the server (TLJH's jupyter-<name>; here the tests' user), not the hub user."""
    dep = released
    config = dep.here("/etc/jupyter/nbgrader_config.py") if dep.target == "z2jh" else \
        dep.env_config / "nbgrader_config.py"
    original = config.read_text()
    lines = original.splitlines(keepends=True)
    cut = [i for i, line in enumerate(lines) if "JUPYTERHUB_USER" in line]
    assert cut == [len(lines) - 2, len(lines) - 1], cut  # the if and its one line, at the end
    home = dep.home("cal")
    try:
        config.write_text("".join(lines[:-2]))
        dep.nbgrader("cal", "fetch_assignment", AID)
        before = set(dep.inbound())
        dep.nbgrader("cal", "submit", AID)
    finally:
        config.write_text(original)
        shutil.rmtree(home)
    (new,) = set(dep.inbound()) - before
    assert new.split("+")[0] == getpass.getuser() != "cal", new


# ---- TLJH: Unix users of their own ----------------------------------------------------------------------

def can_make_users():
    return os.geteuid() == 0 and all(shutil.which(c) for c in ("useradd", "userdel", "runuser", "unshare"))


def hidden_by():
    """(folder, its child) where this Python lies behind a folder other users cannot enter (root's home), or None."""
    for path in (Path(os.path.realpath(sys.executable)), Path(sys.prefix).resolve()):
        for child, parent in zip((path, *path.parents), path.parents):
            if not parent.stat().st_mode & 0o001:
                return parent, child
    return None


@pytest.mark.slow
@pytest.mark.skipif(not can_make_users(), reason="needs root, useradd, runuser and unshare")
def test_tljh_students_cannot_list_inbound_or_read_each_others_homes(rendered):
    """Check with real Unix users, made as TLJH makes them (a home only they can read), that two students submit
    under their hub names, that neither can list the exchange's inbound folder or read the other's home, and that
    the instructor, its owner, can list it and collect both."""
    root = Path(tempfile.mkdtemp(prefix="bbh-deploy-"))
    root.chmod(0o755)
    tag = secrets.token_hex(3)
    names = {n: f"bbh{tag}{n}" for n in (INSTRUCTOR, STUDENT, "brook")}
    # Where this Python sits in a folder others cannot enter, each user's command runs in a mount namespace of its
    # own in which that folder is an empty one they can enter, holding just the Python's folder.
    hidden = hidden_by()
    reach = []
    if hidden:
        parent, child = hidden
        handle = root / "python-handle"
        handle.mkdir()
        reach = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                 f"mount --bind '{child}' '{handle}' && mount -t tmpfs -o mode=755 tmpfs '{parent}' && "
                 f"mkdir -p '{child}' && mount --bind '{handle}' '{child}' && exec \"$@\"", "sh"]
    made = []
    try:
        dep = Deployment(root, "tljh", rendered["tljh"])
        for path in (root, *root.rglob("*")):
            if path.is_dir():
                path.chmod(path.stat().st_mode | 0o755 if path != dep.exchange else 0o1777)
        for name, unix in names.items():
            subprocess.run(["useradd", "--no-create-home", "--home-dir", str(dep.home(name)), unix], check=True)
            made.append(unix)
            for path in (dep.home(name), *dep.home(name).rglob("*")):
                shutil.chown(path, unix, unix)
            dep.home(name).chmod(0o750)  # TLJH: chmod o-rwx on the new home

        def as_user(name, *args, check=True):
            env = [f"{k}={v}" for k, v in dep.environ(name).items()]
            done = subprocess.run([*reach, "runuser", "-u", names[name], "--", "env", *env, sys.executable, *args],
                                  cwd=dep.home(name), capture_output=True, text=True, timeout=300)
            assert not check or done.returncode == 0, (name, args, done.stdout[-2000:], done.stderr[-3000:])
            return done

        as_user(INSTRUCTOR, "-c", "from autograder.pipeline import Course, copy_course; from pathlib import Path; "
                f"Course(copy_course(Path.home() / 'backprop-by-hand')).release(['{AID}'])")
        as_user(INSTRUCTOR, "-m", "nbgrader", "release_assignment", AID)
        for student in (STUDENT, "brook"):
            as_user(student, "-m", "nbgrader", "fetch_assignment", AID)
            as_user(student, "-m", "nbgrader", "submit", AID)
        inbound = dep.exchange / "backprop-by-hand" / "inbound"
        owners = {p.name.split("+")[0]: pwd.getpwuid(p.stat().st_uid).pw_name for p in inbound.iterdir()}
        assert owners == {STUDENT: names[STUDENT], "brook": names["brook"]}, owners
        ada_work = dep.home(STUDENT) / AID / f"{AID}.ipynb"
        peek = "import os, sys; os.listdir(sys.argv[1])"
        for target in (inbound, dep.home(STUDENT)):
            refused = as_user("brook", "-c", peek, str(target), check=False)
            assert refused.returncode and "PermissionError" in refused.stderr, (target, refused.stderr)
        refused = as_user("brook", "-c", "open(__import__('sys').argv[1]).read()", str(ada_work), check=False)
        assert refused.returncode and "PermissionError" in refused.stderr, refused.stderr
        as_user(INSTRUCTOR, "-c", peek, str(inbound))
        as_user(INSTRUCTOR, "-m", "nbgrader", "collect", AID)
        assert sorted(p.name for p in (dep.course / "submitted").iterdir()) == ["ada", "brook"]
    finally:
        for unix in made:
            subprocess.run(["userdel", unix], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
