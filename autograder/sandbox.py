"""One submission's run in a bubblewrap sandbox: what it may see, its limits, and its clean-up.

The sandbox sees the system's programs and libraries, this Python and its packages, the `course`
package, the runner, and the copy of one submission's folder; not the course root (source/,
the gradebook, other students), not the instructor's home. It has no network, a fresh HOME and
/tmp, limits on memory (per process), processes (a pids cgroup where one can be made, else
RLIMIT_NPROC) and total wall time, and nothing it starts outlives it (its own PID namespace).
"""
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import course

from .zygote import STARTING_FAILED

RUNNER = Path(__file__).with_name("sandbox_runner.py")
PLAINDATA = Path(__file__).with_name("plaindata.py")
ZYGOTE = Path(__file__).with_name("zygote.py")
LOST = "lost"  # a warm run whose process vanished before it said how it ended (its warm process was killed)
INSIDE_HOME, INSIDE_GRADER = "/home/student", "/grader"
_ETC = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group", "nsswitch.conf", "fonts",
        "alternatives", "mime.types", "matplotlibrc"]


@dataclass
class Limits:
    """What one submission may use: the cells share cells_seconds, each function's checks have their own time.

    A function's checks get function_seconds, plus what its probes say they need beyond that
    (Probe.seconds: train_cnn's training runs), so a slow exercise does not make every hang wait longer.
    """
    cells_seconds: float = 120.0
    cell_seconds: float = 30.0
    function_seconds: float = 20.0
    memory_bytes: int = 3 << 30
    function_memory_bytes: int = 2 << 30
    processes: int = 64
    file_bytes: int = 64 << 20

    def wall(self, functions, extra_seconds=0.0):
        """The longest a whole run may take: its cells' time, one more cell, and every function's checks
        (extra_seconds: what the probes need beyond function_seconds, all functions together)."""
        return self.cells_seconds + self.cell_seconds + functions * (self.function_seconds + 1) + extra_seconds + 20


def bubblewrap():
    """Path of bwrap, or None where there is none or it cannot make namespaces here."""
    path = shutil.which("bwrap")
    if not path:
        return None
    probe = subprocess.run([path, "--unshare-all", "--ro-bind", "/", "/", "true"], capture_output=True)
    return path if probe.returncode == 0 else None


def _system_mounts():
    args = []
    for top in ("bin", "lib", "lib32", "lib64", "sbin"):
        p = Path("/") / top
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), str(p)]
        elif p.is_dir():
            args += ["--ro-bind", str(p), str(p)]
    args += ["--ro-bind", "/usr", "/usr"]
    for name in _ETC:
        if (Path("/etc") / name).exists():
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    return args


def _python_mounts():
    """This interpreter, its packages and the course package, each at its own path, read-only."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), Path(course.__file__).parent.resolve()}
    paths = sorted(p for p in paths if not str(p).startswith("/usr/"))
    args = []
    for p in paths:
        args += ["--ro-bind", str(p), str(p)]
    return args


def inside_environment():
    """The environment of a run inside its sandbox."""
    return environment(f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", INSIDE_HOME, "/tmp",
                       f"{INSIDE_GRADER}/state")


def command(bwrap, job_dir, out_dir, work_dir, home_dir, tmp_dir, state_dir, workdir_name):
    """The bwrap command line that runs the runner on one job."""
    return sandboxed(bwrap, job_dir, out_dir, work_dir, home_dir, tmp_dir, state_dir, workdir_name) + [
        sys.executable, "-E", "-s", f"{INSIDE_GRADER}/sandbox_runner.py", f"{INSIDE_GRADER}/job/job.json",
        f"{INSIDE_GRADER}/out"]


def hold_command(bwrap, **dirs):
    """The same sandbox holding only `sleep` (its pid 2), which a warm process joins (autograder/zygote.py).

    It says "up" once its command runs, so every mount is in place before anyone joins.
    """
    return sandboxed(bwrap, **dirs) + ["/bin/sh", "-c", "echo up; exec sleep infinity"]


def sandboxed(bwrap, job_dir, out_dir, work_dir, home_dir, tmp_dir, state_dir, workdir_name):
    """The bwrap arguments of one run's sandbox, up to the command it runs."""
    inside_work = f"{INSIDE_HOME}/{workdir_name}"
    # /tmp and HOME first: Python or the course may live below either (a clone in /tmp, say),
    # and a later mount would hide them. No capability inside, even when the grader runs as root.
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv", "--cap-drop", "ALL",
            "--bind", str(tmp_dir), "/tmp", "--bind", str(home_dir), INSIDE_HOME,
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/run", "--tmpfs", "/var",
            *_system_mounts(), *_python_mounts(),
            "--bind", str(work_dir), inside_work,
            "--ro-bind", str(RUNNER), f"{INSIDE_GRADER}/sandbox_runner.py",
            "--ro-bind", str(PLAINDATA), f"{INSIDE_GRADER}/plaindata.py",
            "--ro-bind", str(job_dir), f"{INSIDE_GRADER}/job",
            "--bind", str(out_dir), f"{INSIDE_GRADER}/out", "--bind", str(state_dir), f"{INSIDE_GRADER}/state",
            "--chdir", inside_work]
    for key, value in inside_environment().items():
        args += ["--setenv", key, value]
    return args


def plain_command(job_dir, out_dir, work_dir, home_dir, tmp_dir, state_dir, workdir_name):
    """Without a sandbox (the instructor said --unsafe): the same runner, as a plain process."""
    return [sys.executable, "-s", str(RUNNER), str(job_dir / "job.json"), str(out_dir)], \
        environment(os.environ.get("PATH", ""), home_dir, tmp_dir, state_dir)


def environment(path, home, tmp, state):
    """The whole environment of a run: nothing of the instructor's, one BLAS thread (runs go in parallel)."""
    return {"PATH": path, "HOME": str(home), "TMPDIR": str(tmp), "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": f"{state}/mpl", "IPYTHONDIR": f"{state}/ipython", "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1",
            "NBGRADER_EXECUTION": "autograde"}


class _PidsCgroup:
    """A cgroup (v1 or v2) capping the number of processes, where this user may make one."""

    def __init__(self, limit):
        self.path = None
        for root, controller in (("/sys/fs/cgroup/pids", "pids.max"), ("/sys/fs/cgroup", "pids.max")):
            parent = Path(root)
            if root == "/sys/fs/cgroup" and "pids" not in _read(parent / "cgroup.subtree_control"):
                continue
            try:
                path = parent / f"backprop-grader-{uuid.uuid4().hex[:12]}"
                path.mkdir()
                (path / controller).write_text(str(limit))
                self.path = path
                return
            except OSError:
                continue

    def remove(self):
        if self.path:
            for _ in range(50):
                try:
                    self.path.rmdir()
                    return
                except OSError:  # its last processes are still being reaped
                    time.sleep(0.02)


def _read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _limited(argv, limits):
    """(argv under the limits, its cgroup, the RLIMIT_NPROC to set where there is no cgroup or 0)."""
    cgroup = _PidsCgroup(limits.processes)
    processes = 0 if cgroup.path or os.geteuid() == 0 else _processes_of(os.getuid()) + limits.processes
    return [sys.executable, "-I", "-S", str(ZYGOTE), "--limited", str(cgroup.path or ""), str(limits.file_bytes),
            str(processes), shutil.which(argv[0]) or argv[0], *argv[1:]], cgroup, processes


def run(argv, env, limits, seconds, log_path, cwd=None):
    """Run argv under the limits for at most seconds; return (exit code, or None when it hit that; seconds)."""
    limited, cgroup, _ = _limited(argv, limits)
    start = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(limited, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            _kill_group(proc)
    cgroup.remove()
    return code, time.perf_counter() - start


class Zygote:
    """The warm process (autograder/zygote.py) that runs fork from: one per grading run, started clean."""

    def __init__(self, scratch, mpl_cache, seconds=60.0):
        home = Path(scratch) / "zygote"
        for name in ("home", "tmp", "state"):
            (home / name).mkdir(parents=True, exist_ok=True)
        shutil.copytree(mpl_cache, home / "state" / "mpl")
        self.channel, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = environment(f"{Path(sys.executable).parent}:/usr/bin:/bin", home / "home", home / "tmp", home / "state")
        self.proc = subprocess.Popen([sys.executable, "-E", "-s", "-P", str(ZYGOTE), str(theirs.fileno())], env=env,
                                     cwd=home, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=open(home / "zygote.log", "wb"),
                                     start_new_session=True)
        theirs.close()
        self.lock, self.log = threading.Lock(), home / "zygote.log"
        self.channel.settimeout(seconds)
        try:
            warm = self.channel.recv(16) == b"warm\n"
        except OSError:
            warm = False
        self.channel.settimeout(None)
        if not warm:
            self.close()
            raise RuntimeError(f"the warm process did not start: {self.log.read_text(errors='replace')[-600:]}")

    def alive(self):
        return self.proc.poll() is None

    def check(self, bwrap, scratch):
        """Raise RuntimeError unless a fork of it can join a sandbox here and drop every capability there."""
        box = Path(scratch) / "zygote-check"
        dirs = {f"{name}_dir": box / name for name in ("job", "out", "work", "home", "tmp", "state")}
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        code, _ = run_warm(self, hold_command(bwrap, workdir_name="check", **dirs), Limits(), 30.0, box / "log",
                           {"check": True, "cwd": INSIDE_HOME, "job": "", "out": "", "env": {}})
        if code != 0:
            raise RuntimeError(f"a warm run could not join its sandbox: {_read(box / 'log')[-600:].strip()}")

    def start(self, request, status_fd, log_fd):
        """Ask for one run: a fork that joins the sandbox request names; it writes its exit code to status_fd."""
        with self.lock:
            socket.send_fds(self.channel, [json.dumps(request).encode()], [status_fd, log_fd])

    def close(self):
        self.channel.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc)


def warm_start(bwrap, scratch, mpl_cache, say=print):
    """The warm process sandboxed runs fork from, checked; or None, said (runs then start cold: slower, as safe)."""
    if not bwrap:
        return None
    zygote = None
    try:
        zygote = Zygote(scratch, mpl_cache)
        zygote.check(bwrap, scratch)
        return zygote
    except (OSError, RuntimeError) as err:
        if zygote:
            zygote.close()
        say(f"grading: runs start cold ({err})")
        return None


def run_warm(zygote, argv, limits, seconds, log_path, request):
    """Run a job in the sandbox argv holds (hold_command), by a fork of zygote; return as run() does."""
    limited, cgroup, processes = _limited(argv, limits)
    try:
        return _run_warm(zygote, limited, seconds, log_path, {**request, "cgroup": str(cgroup.path or ""),
                                                              "file_bytes": limits.file_bytes, "processes": processes})
    finally:
        cgroup.remove()


def _run_warm(zygote, limited, seconds, log_path, request):
    start, code = time.perf_counter(), None
    status_r, status_w = os.pipe()
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(limited, env={}, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
                                start_new_session=True)
        try:
            if _line(proc.stdout.fileno(), 30.0) == "up":
                zygote.start({**request, "pid": _first_child(proc.pid)}, status_w, log.fileno())
                os.close(status_w)
                status_w = None
                left = seconds - (time.perf_counter() - start)
                reply = _line(status_r, max(left, 0.0))
                code = None if reply is None else int(reply) if reply else LOST
            else:
                log.write(b"the sandbox did not start\n")
                code = STARTING_FAILED
        finally:
            _kill_group(proc)
            proc.stdout.close()
            for fd in (status_r, status_w):
                if fd is not None:
                    os.close(fd)
    return code, time.perf_counter() - start


def _line(fd, seconds):
    """One line read from fd within seconds, stripped; None at the deadline, "" at its end before a line."""
    end, data = time.monotonic() + seconds, b""
    while not data.endswith(b"\n"):
        if not select.select([fd], [], [], max(0.0, end - time.monotonic()))[0]:
            return None
        chunk = os.read(fd, 256)
        if not chunk:
            return ""
        data += chunk
    return data.decode().strip()


def _first_child(pid):
    """The first process inside the sandbox bwrap (pid) made: its pid 1, whose namespaces the run joins."""
    for _ in range(500):
        children = _read(f"/proc/{pid}/task/{pid}/children").split()
        if children:
            return int(children[0])
        time.sleep(0.01)
    raise RuntimeError("the sandbox has no process")


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _processes_of(uid):
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count
