"""A trial class on a local JupyterHub: `make class` (python -m autograder class).

The class folder (build/class) holds a copy of the course, the instructor's folder; the exchange
with every assignment released; one home per student; the hub's own files. The hub and every
server answer on 127.0.0.1 only. Run again, it keeps the class as it was (submissions, grades).
"""
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path

from .local_servers import free_port, is_free, wait_until_up
from .notebooks import REPO
from .pipeline import Course, copy_course

HUB_CONFIG = REPO / "deploy" / "trial_hub" / "jupyterhub_config.py"
STUDENT_CONFIG = REPO / "deploy" / "student"
PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE_ID = "backprop-by-hand"


class TrialClass:
    """The class folder and its hub: prepare() once, then start(), restart(), stop()."""

    def __init__(self, folder, port=8000, instructor="instructor", students=("ada", "brook", "cal")):
        self.folder = Path(folder).resolve()
        self.course = self.folder / "course"
        self.exchange = self.folder / "exchange"
        self.hub_dir = self.folder / "hub"
        self.port, self.instructor, self.students = port, instructor, list(students)
        self.process = None

    # ---- the folder ---------------------------------------------------------------------------

    def prepare(self, assignments=None):
        """Make the class folder, or keep the one there: course, exchange, released assignments, settings."""
        if not PROXY.exists():
            raise SystemExit(f"configurable-http-proxy is missing ({PROXY}): run `make env` (npm ci) first")
        for sub in ("homes", "config/instructor", "hub/servers"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        # nbgrader wants the exchange writable by every student and refuses one that is not
        self.exchange.mkdir(exist_ok=True)
        self.exchange.chmod(0o1777)
        shutil.copytree(STUDENT_CONFIG, self.folder / "config" / "student", dirs_exist_ok=True)
        if not self.course.exists():
            course = Course(copy_course(self.course))
            course.release(assignments)
            for aid in course.assignments(assignments):
                self.nbgrader("release_assignment", aid)
        self._write_settings()
        return self

    def _write_settings(self):
        path = self.hub_dir / "settings.json"
        kept = json.loads(path.read_text()) if path.exists() else {}
        secret = {key: kept.get(key) or secrets.token_hex(16) for key in ("password", "token", "proxy_token")}
        # the servers reach the hub at its internal port: kept over restarts, so servers that outlive one still can
        ports = {key: kept[key] if is_free(kept.get(key)) else free_port() for key in ("hub_port", "proxy_api_port")}
        self.settings = {**secret, **ports, "folder": str(self.folder), "port": self.port, "proxy": str(PROXY),
                         "instructor": self.instructor, "students": self.students}
        path.write_text(json.dumps(self.settings, indent=1))
        path.chmod(0o600)

    def nbgrader(self, *args):
        """Run an nbgrader command as the instructor, in the course, against the class's exchange."""
        done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=self.course, capture_output=True,
                              text=True, env={**os.environ, "BBH_EXCHANGE": str(self.exchange)})
        if done.returncode:
            raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
        return done.stdout + done.stderr

    # ---- the hub --------------------------------------------------------------------------------

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=60):
        """Start the hub (and its proxy) on 127.0.0.1; return once it answers."""
        self._write_settings()
        env = {**os.environ, "BBH_CLASS": str(self.hub_dir / "settings.json")}
        env.pop("JUPYTERHUB_API_TOKEN", None)
        self.log_path = self.hub_dir / "jupyterhub.log"
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)],
                                            cwd=self.hub_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        try:
            wait_until_up(self.process, lambda: self.api("GET", "")[0] == 200, "JupyterHub", self.log, timeout)
        except TimeoutError:
            self.stop()
            raise
        return self

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop_hub(self):
        """Stop the hub and its proxy; the users' servers go on running."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def restart(self):
        """Stop the hub and start it again, as a hub restarted mid-class."""
        self.stop_hub()
        return self.start()

    def servers(self):
        """{user: pid} of the single-user servers the hub started, still running."""
        pids = {f.stem: int(f.read_text()) for f in (self.hub_dir / "servers").glob("*.pid")}
        return {user: pid for user, pid in pids.items() if _alive(pid)}

    def stop(self):
        """Stop the hub, then every user's server (and their kernels) by its process id."""
        self.stop_hub()
        for user, pid in self.servers().items():
            with suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.1)
            with suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            (self.hub_dir / "servers" / f"{user}.pid").unlink(missing_ok=True)

    # ---- the hub's REST API -----------------------------------------------------------------------

    def request(self, method, path, token=None, body=None, timeout=60):
        """(status, parsed JSON or text) of a request through the proxy, with token (default: the class's)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/{path}", data=data, method=method, headers={
            "Authorization": f"token {token or self.settings['token']}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            status, text = err.code, err.read().decode()
        with suppress(ValueError):
            return status, json.loads(text) if text else None
        return status, text

    def api(self, method, path, body=None):
        return self.request(method, f"hub/api/{path}", body=body)

    def spawn(self, user, timeout=90):
        """Start user's server (if it is not running) and return a token of theirs for it."""
        status, reply = self.api("POST", f"users/{user}/server")
        if status not in (201, 202, 400):  # 400: it runs already
            raise RuntimeError(f"spawning {user}'s server: {status} {reply}")
        deadline = time.monotonic() + timeout
        while not (self.api("GET", f"users/{user}")[1].get("servers", {}).get("", {}).get("ready")):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{user}'s server is not ready after {timeout} s:\n{self.log()[-4000:]}")
            time.sleep(0.3)
        status, reply = self.api("POST", f"users/{user}/tokens", {"note": "the trial class", "expires_in": 86400})
        if status != 201:
            raise RuntimeError(f"a token for {user}: {status} {reply}")
        return reply["token"]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process now has the id
        return False
    return True


def run(folder, port, assignments=None):
    """`make class`: prepare the class, start its hub, print how to log in, wait for Ctrl-C."""
    started = time.monotonic()
    trial = TrialClass(folder, port).prepare(assignments)
    trial.start()
    print(f"\nThe class's hub answers at {trial.url} ({time.monotonic() - started:.1f} s).\n"
          f"  instructor: {trial.instructor}  (the formgrader: Nbgrader > Formgrader; the course at {trial.course})\n"
          f"  students:   {', '.join(trial.students)}  (the Assignments tab: Nbgrader > Assignment List)\n"
          f"  password for all: {trial.settings['password']}\n"
          f"  the class folder: {trial.folder} (run again, it carries on; remove it for a fresh class)\n"
          "Ctrl-C stops the hub and every server.", flush=True)
    try:
        trial.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        trial.stop()
