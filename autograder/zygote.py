"""A warm process that starts each sandboxed run by forking into that run's own bubblewrap sandbox.

Standalone: `python -E -s -P zygote.py FD` is started once per grading process, in a clean environment,
imports what the notebooks import (numpy, matplotlib, IPython, the course package), and never
runs student code or reads a job. For each run the grader starts a bubblewrap sandbox as before,
holding only `sleep`, and sends its pid here; a fork of this process joins all that sandbox's
namespaces (user, mount, PID, network, IPC, UTS, cgroup), its cgroup and limits, drops every
capability and becomes the run's supervisor (sandbox_runner.supervise). So each submission is
confined by its own sandbox exactly as a freshly started one is, but starts warm.
"""
import ctypes
import json
import os
import signal
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# What the course's notebooks import: paid once here, not once per submission.
WARM = ["numpy", "matplotlib", "matplotlib.pyplot", "IPython.core.interactiveshell", "IPython.utils.capture",
        "traitlets.config", "ipywidgets", "course", "course.gradcheck", "course.data", "course.plots", "course.graph",
        "course.widgets", "course.cnn_plots", "course.cnn_checks"]
NAMESPACES = ["user", "cgroup", "ipc", "uts", "net", "pid", "mnt"]  # the user namespace first: it gives the rights
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 1, 24, 38, 47, 4
_libc = ctypes.CDLL(None, use_errno=True)
STARTING_FAILED = 70  # the exit code of a run that never got into its sandbox: no student code ran


def _load(name):
    """Load a module from its file beside this one (the runner and plaindata, as inside the sandbox)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def serve(fd):
    """Warm up, then fork one run per request until the grader closes the channel."""
    _load("plaindata")
    runner = _load("sandbox_runner")
    import importlib
    for name in WARM:
        importlib.import_module(name)
    channel = socket.socket(fileno=fd)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the runs' first processes are reaped by the kernel
    channel.sendall(b"warm\n")
    while True:
        message, fds, _, _ = socket.recv_fds(channel, 1 << 20, 2)
        if not message:
            return
        if os.fork() == 0:
            channel.close()
            _run(json.loads(message), *fds, runner)
        for f in fds:
            os.close(f)


def _run(request, status_fd, log_fd, runner):
    """In the fork: enter the run's sandbox, then supervise it in a child there; write its exit code, exit."""
    code = STARTING_FAILED
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.dup2(log_fd, 1), os.dup2(log_fd, 2)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.closerange(3, status_fd), os.closerange(status_fd + 1, 1 << 16)
        limit(request["cgroup"], request["file_bytes"], request["processes"])
        _enter(request["pid"])
        os.chdir(request["cwd"])
        pid = os.fork()
        if pid == 0:
            _supervise(request, runner)
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except BaseException as err:  # said in the run's log, which the grader shows when no results came back
        os.write(2, f"could not start the run in its sandbox: {type(err).__name__}: {err}\n".encode())
    finally:
        os.write(status_fd, f"{code}\n".encode())
        os._exit(0)


def limit(cgroup, file_bytes, processes):
    """Put this process in a run's cgroup (a cap on processes, "" for none) and under its resource limits.

    Every run gets them here: a warm one in its fork, a cold one from `zygote.py --limited` before it becomes
    bubblewrap (a process of its own does what a preexec_fn would: a fork with a preexec_fn deadlocks with
    OpenBLAS while the grader's main thread multiplies matrices, judging one submission as others start).
    """
    import resource
    if cgroup:
        with open(os.path.join(cgroup, "cgroup.procs"), "w") as fh:
            fh.write(str(os.getpid()))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def _enter(pid):
    """Join every namespace of the sandbox whose first process is pid (its mount namespace sets root and cwd)."""
    fds = {name: os.open(f"/proc/{pid}/ns/{name}", os.O_RDONLY) for name in NAMESPACES}
    for name in NAMESPACES:
        if os.stat(f"/proc/self/ns/{name}").st_ino == os.fstat(fds[name]).st_ino:
            continue  # the same namespace (the grader runs as root: bwrap keeps root's user namespace)
        if _libc.setns(fds[name], 0) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"cannot join the sandbox's {name} namespace: {os.strerror(err)}")
    for fd in fds.values():
        os.close(fd)


def _supervise(request, runner):
    """The run's supervisor, inside its PID namespace: no capability, no new privileges, its own environment."""
    try:
        os.setsid()
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        _drop_capabilities()
        if request.get("check"):  # the grader's trial run: joined and confined, nothing to supervise
            os._exit(0)
        os.environ.clear()
        os.environ.update(request["env"])
        import tempfile
        tempfile.tempdir = None  # read again from TMPDIR
        import matplotlib
        for name, fmt in (("get_configdir", "CONFIGDIR=%s"), ("get_cachedir", "CACHEDIR=%s")):
            # remembered from the warm-up's MPLCONFIGDIR: forget it, so the run's own is used
            setattr(matplotlib, name, matplotlib._logged_cached(fmt, getattr(matplotlib, name).__wrapped__))
        runner.supervise(request["job"], request["out"], warm=True)
    except BaseException as err:
        os.write(2, f"the run's supervisor failed: {type(err).__name__}: {err}\n".encode())
        os._exit(71)
    os._exit(0)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _drop_capabilities():
    """Drop every capability (joining a user namespace grants them all in it) and forbid gaining new ones."""
    for cap in range(64):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # beyond the last capability this fails harmlessly
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "cannot set no_new_privs")
    data = (_CapData * 2)()
    if _libc.capset(ctypes.byref(_CapHeader(0x20080522, 0)), data) != 0:
        raise OSError(ctypes.get_errno(), "cannot drop the capabilities")
    with open("/proc/self/status") as fh:
        held = [line.split()[1] for line in fh if line.startswith(("CapEff", "CapPrm", "CapBnd"))]
    if any(int(value, 16) for value in held):
        raise PermissionError(f"capabilities remain after dropping them: {held}")


if __name__ == "__main__":
    if sys.argv[1] == "--limited":  # zygote.py --limited CGROUP FILE_BYTES PROCESSES COMMAND...
        limit(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        os.execv(sys.argv[5], sys.argv[5:])
    serve(int(sys.argv[1]))
