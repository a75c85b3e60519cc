"""Grading on a Dask cluster: each submission travels to a worker as data, and its Run comes back as data.

`python -m autograder autograde --cluster local:N` starts N worker processes on this machine (every socket
on 127.0.0.1, no fixed port); `--cluster tcp://HOST:PORT` uses the workers of a running Dask scheduler
(Slurm through dask-jobqueue, Kubernetes through dask-kubernetes: `python -m autograder.cluster slurm|kubernetes`
renders their job script or pod spec). No filesystem is shared: what every run of an assignment needs
(its probes, the course's data files, which functions are graded, the limits) is sent to each worker
once (scattered), and each task carries one submission (the notebook to run, as JSON, and its folder's
other files). The worker writes them into a folder of its own, runs the submission in its own bubblewrap
sandbox (autograder.running, exactly as on this machine) and returns the Run. Judging, the gradebook,
the reports and autograded/ stay on the instructor's machine (autograder.grader).

Before any work is sent, every worker checks that it can grade: bubblewrap works there, and its Python,
the packages the runs import and the sources of the course package and of the grader's worker side are
the instructor's. A worker that cannot is named with why, and gets no work. A task checks again on its
worker and refuses rather than run a submission unsandboxed; nothing here can run one unsandboxed.
A worker that dies mid-run loses nothing: Dask runs its task again on another worker that can grade;
a run that fails for good (a task error after its retries, workers dying under it again and again, no
worker that can grade left) comes back as the reason it was not graded, so no student is ever dropped.
"""
import argparse
import atexit
import contextlib
import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

import course

from . import running, sandbox

PACKAGES = ("numpy", "nbgrader", "ipython", "matplotlib")  # what the runs import, and nbgrader's notebook format
# The grader's modules that run on a worker (the task, the run, the sandbox and what runs inside it).
WORKER_SIDE = ("cluster", "notebooks", "plaindata", "running", "sandbox", "sandbox_runner", "zygote")
HERE = Path(__file__).resolve().parent
RETRIES = 1  # a task that raised runs once more (perhaps elsewhere); a dead worker's task is rerun by Dask itself
RESENDS = 2  # runs sent again when every worker that could grade them went away
POLL = 2.0  # seconds between looks at the cluster's workers while runs are under way
_LOCAL, _ADDRESS = re.compile(r"local:(\d+)"), re.compile(r"(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]]+):(\d+)")


class ClusterError(SystemExit):
    """The cluster cannot grade: unreachable, no worker that can grade, or asked to grade unsandboxed."""


class CannotGrade(RuntimeError):
    """Raised by a task on a worker that cannot grade (no working bubblewrap, another environment)."""


def parse_spec(text):
    """A --cluster value checked: 'local:N' (N >= 1) or a scheduler's address tcp://HOST:PORT (or tls://)."""
    local, address = _LOCAL.fullmatch(text), _ADDRESS.fullmatch(text)
    if (local and int(local[1]) >= 1) or (address and 0 < int(address[3]) < 65536):
        return text
    raise argparse.ArgumentTypeError(f"{text!r} is neither local:N (N Dask worker processes on this machine) nor "
                                     "the address of a Dask scheduler, tcp://HOST:PORT")


@contextlib.contextmanager
def connected(cluster, timeout=10.0):
    """A distributed.Client for cluster: a Client as it is; 'local:N' a LocalCluster of N worker processes
    started here, on 127.0.0.1 (stopped afterwards); 'tcp://HOST:PORT' the scheduler there."""
    from distributed import Client, LocalCluster
    if isinstance(cluster, Client):
        yield cluster
        return
    try:
        spec = parse_spec(str(cluster))
    except argparse.ArgumentTypeError as err:
        raise ClusterError(f"--cluster: {err}") from None
    if spec.startswith("local:"):
        with LocalCluster(n_workers=int(spec.split(":")[1]), threads_per_worker=1, processes=True,
                          host="127.0.0.1", scheduler_port=0, dashboard_address=None, worker_dashboard_address=None,
                          silence_logs=logging.ERROR) as local, Client(local, set_as_default=False) as client:
            yield client
        return
    try:
        client = Client(spec, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise ClusterError(f"cannot reach the Dask scheduler at {spec}: {err}") from None
    with client:
        yield client


# ---- what grading depends on, on a machine


def environment():
    """What grading depends on here: Python, the packages the runs import, and a hash of every source file of
    the course package and of the grader's worker side."""
    files = {}
    package = Path(course.__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[f"course/{path.relative_to(package)}"] = _digest(path)
    for name in WORKER_SIDE:
        if (HERE / f"{name}.py").exists():
            files[f"autograder/{name}.py"] = _digest(HERE / f"{name}.py")
    return {"python": platform.python_version(), "packages": {p: _version(p) for p in PACKAGES}, "files": files}


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def differences(there, here):
    """How environment() there differs from here (the instructor's), in words; [] when they match."""
    found = [] if there["python"] == here["python"] else [f"Python {there['python']} (the instructor's: "
                                                          f"{here['python']})"]
    found += [f"{p} {there['packages'].get(p, 'not installed')} (the instructor's: {v})"
              for p, v in here["packages"].items() if there["packages"].get(p, "not installed") != v]
    changed = sorted(f for f in set(here["files"]) | set(there["files"])
                     if here["files"].get(f) != there["files"].get(f))
    if changed:
        found.append(f"{len(changed)} source file(s) differ from the instructor's (another version of the course?): "
                     f"{', '.join(changed[:5])}{', ...' if len(changed) > 5 else ''}")
    return found


def bubblewrap():
    """(the path of a bwrap that works here, None) or (None, why bubblewrap does not work here)."""
    path = sandbox.bubblewrap()
    if path:
        return path, None
    path = shutil.which("bwrap")
    if not path:
        return None, "bubblewrap (bwrap, Debian package `bubblewrap`) is not installed or not on its PATH"
    probe = subprocess.run([path, "--unshare-all", "--ro-bind", "/", "/", "true"], capture_output=True, text=True)
    return None, (f"bubblewrap ({path}) cannot make its namespaces there (are unprivileged user namespaces off?): "
                  f"{probe.stderr.strip()[:200] or f'exit code {probe.returncode}'}")


def worker_problems(expected, dask_worker=None):
    """On a worker (client.run gives dask_worker): why it cannot grade for an instructor whose environment() is
    expected ([] when it can). One that can makes its font cache and warm process now, all workers at once."""
    bwrap, problem = bubblewrap()
    state = _worker(dask_worker)
    problems = [problem] * bool(problem) + differences(state["environment"], expected)
    if not problems:
        _ready(state, bwrap)
    return problems


# ---- what travels


@dataclass
class Assignment:
    """What every run of one assignment needs on a worker, as data: scattered once to each worker."""
    token: str  # names this grading run's copy on a worker
    aid: str
    functions: list
    points: dict  # test cell grade_id -> points (which cells are tests)
    extra_seconds: dict
    probes: dict  # "json" and "npz" -> the bytes of probes.json and probes.npz
    course_files: dict  # relative path -> the bytes of the course's copy of a data file
    limits: sandbox.Limits
    environment: dict  # the instructor's environment(), which the worker's must match


def packed(kit, limits, expected=None):
    """The Assignment of a GradingKit (autograder.judging.prepare) for grading under limits."""
    return Assignment(uuid.uuid4().hex, kit.aid, list(kit.functions), dict(kit.points), dict(kit.extra_seconds),
                      {ext: (kit.folder / f"probes.{ext}").read_bytes() for ext in ("json", "npz")},
                      {rel: Path(path).read_bytes() for rel, path in kit.course_files.items()}, limits,
                      expected or environment())


def packed_folder(folder):
    """A submission folder's files but its notebooks (which the run does not copy), relative path -> bytes.

    A symbolic link travels as the file it points to only when that is inside the folder.
    """
    folder, files = Path(folder).resolve(), {}
    for top, dirs, names in os.walk(folder, followlinks=True):
        dirs[:] = [d for d in dirs if Path(top, d).resolve().is_relative_to(folder)]
        for name in names:
            path = Path(top, name)
            if not name.endswith(".ipynb") and path.resolve().is_relative_to(folder) and path.is_file():
                files[str(path.relative_to(folder))] = path.read_bytes()
    return files


def unpacked_folder(files, folder):
    """Write packed_folder's files into folder."""
    for rel, data in files.items():
        path = folder / rel
        if path.resolve().is_relative_to(folder.resolve()):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


# ---- on a worker


@dataclass
class WorkerKit:
    """What running.run_submission reads of a GradingKit, rebuilt on a worker from an Assignment."""
    aid: str
    functions: list
    points: dict
    extra_seconds: dict
    folder: Path
    course_files: dict = field(default_factory=dict)


_STATE, _LOCK = {}, threading.Lock()


def _worker(dask_worker=None):
    """This worker process's own grading state, made on first use: a scratch folder, the font cache, the
    environment, the assignments unpacked, and the warm process runs fork from where there is one."""
    with _LOCK:
        if not _STATE:  # in the Dask worker's own folder, which Dask removes with it, even after a crash
            dask_worker = dask_worker or _dask_worker()
            scratch = Path(tempfile.mkdtemp(prefix="backprop-worker-",
                                            dir=dask_worker.local_directory if dask_worker else None))
            atexit.register(shutil.rmtree, scratch, True)
            _STATE.update(scratch=scratch, environment=environment(), kits={}, mpl=None, zygote=None)
        return _STATE


def _ready(state, bwrap):
    """(the font cache, the warm process runs fork from or None), made once, when a worker first grades."""
    with _LOCK:
        if state["mpl"] is None:
            state["mpl"] = running.matplotlib_cache(state["scratch"])
            state["zygote"] = sandbox.warm_start(bwrap, state["scratch"], state["mpl"], say=lambda text: None)
            if state["zygote"]:
                atexit.register(state["zygote"].close)
        return state["mpl"], state["zygote"]


def _kit(assignment, state):
    """The WorkerKit of assignment, its files written once into this worker's scratch folder."""
    with _LOCK:
        kits = state["kits"]
        if assignment.token not in kits:
            for old in list(kits)[:-3]:  # a long-lived worker keeps the last few assignments only
                shutil.rmtree(kits.pop(old).folder, ignore_errors=True)
            folder = state["scratch"] / assignment.token / assignment.aid
            folder.mkdir(parents=True)
            for ext, data in assignment.probes.items():
                (folder / f"probes.{ext}").write_bytes(data)
            course_files = {}
            for rel, data in assignment.course_files.items():
                course_files[rel] = folder / "course" / rel
                course_files[rel].parent.mkdir(parents=True, exist_ok=True)
                course_files[rel].write_bytes(data)
            kits[assignment.token] = WorkerKit(assignment.aid, assignment.functions, assignment.points,
                                               assignment.extra_seconds, folder, course_files)
        return kits[assignment.token]


def _dask_worker():
    """The Dask worker this runs in, or None (outside one)."""
    try:
        from distributed import get_worker
        return get_worker()
    except (ImportError, ValueError):
        return None


def _name():
    worker = _dask_worker()
    return worker.address if worker else f"{socket.gethostname()} (pid {os.getpid()})"


def grade(assignment, notebook, files):
    """The task, on a worker: run one submission (its notebook as JSON, its folder's other files) of assignment
    in a bubblewrap sandbox there; return the Run. Refuses (CannotGrade) where it cannot sandbox it."""
    state = _worker()
    bwrap, problem = bubblewrap()
    problems = [problem] * bool(problem) + differences(state["environment"], assignment.environment)
    if problems:
        raise CannotGrade(f"worker {_name()} cannot grade: {'; '.join(problems)}")
    mpl, zygote = _ready(state, bwrap)
    kit = _kit(assignment, state)
    folder = Path(tempfile.mkdtemp(dir=state["scratch"], prefix="submission-"))
    try:
        unpacked_folder(files, folder)
        nb = nbformat.reads(notebook, as_version=4)
        warm = (zygote,) if zygote else ()
        return running.run_submission(kit, nb, folder, assignment.limits, bwrap, state["scratch"], mpl, *warm)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---- on the instructor's machine


def capable_workers(client, expected, say, workers=None):
    """({address: why not} of the workers (all, or those named) that cannot grade, [addresses of those that can]);
    each one that cannot is said, with why."""
    found = client.run(worker_problems, expected, workers=workers, on_error="return")
    refused, able = {}, []
    for address, problems in sorted(found.items()):
        if isinstance(problems, BaseException):
            problems = [f"its check failed: {type(problems).__name__}: {problems}"]
        if problems:
            refused[address] = "; ".join(problems)
            say(f"cluster: worker {address} cannot grade, so it gets no work: {refused[address]}")
        else:
            able.append(address)
    return refused, able


@dataclass
class _Job:
    number: int
    name: str
    notebook: str
    files: dict
    future: object = None
    sent: int = 0


class Remote:
    """The runs of one assignment's submissions on a Dask cluster's workers that can grade.

    submit() sends one; completed() yields (its number, the Run or None, why not) for each as it finishes,
    every submission exactly once.
    """

    def __init__(self, client, kit, limits, say=None, wait=60.0):
        self.client, self.wait, self.jobs, self.finished = client, wait, [], queue.Queue()
        self.say = say or (lambda message: print(message, flush=True))
        self.assignment = packed(kit, limits)
        try:
            client.wait_for_workers(1, timeout=wait)
        except TimeoutError:
            raise ClusterError(f"no Dask worker joined the scheduler {client.scheduler.address} within {wait:g} s") \
                from None
        refused, self.capable = capable_workers(client, self.assignment.environment, self.say)
        self.checked = set(refused) | set(self.capable)
        if not self.capable:
            raise ClusterError("no worker of the cluster can grade:\n" + "\n".join(
                f"  {address}: {why}" for address, why in refused.items()))
        if refused:
            self.say(f"cluster: {len(self.capable)} of {len(self.checked)} workers grade")
        self.payload = self._scatter()

    def _scatter(self):
        return self.client.scatter(self.assignment, workers=self.capable, broadcast=True, hash=False)

    def submit(self, nb, folder, name=""):
        """Send the run of notebook nb, with folder's other files beside it; return its number."""
        job = _Job(len(self.jobs), name, nbformat.writes(nb), packed_folder(folder))
        self.jobs.append(job)
        self._send(job)
        return job.number

    def _send(self, job):
        job.sent += 1
        job.future = self.client.submit(grade, self.payload, job.notebook, job.files, pure=False, retries=RETRIES,
                                        workers=list(self.capable), allow_other_workers=False,
                                        key=f"grade-{self.assignment.aid}-{job.name}-{uuid.uuid4().hex[:8]}")
        job.future.add_done_callback(self.finished.put)  # finished, failed or cancelled

    def completed(self):
        """(number, Run, None) or (number, None, why it was not graded) of every run sent, as each finishes."""
        waiting, alone_since = {job.future.key: job for job in self.jobs}, None
        while waiting:
            try:
                done = [self.finished.get(timeout=POLL)]
            except queue.Empty:
                done = []
            for future in done:
                job = waiting.get(future.key)
                if job is None or job.future is not future:  # a run sent again since
                    continue
                del waiting[future.key]
                run, why = self._result(job)
                if run is None and why is None:  # lost with the cluster's copy of the assignment: sent again
                    waiting[job.future.key] = job
                else:
                    yield job.number, run, why
            if done or not waiting:
                continue
            alive = set(self.client.scheduler_info()["workers"])
            if alive & set(self.capable):
                alone_since = None
                continue
            self.capable = self._enlist(alive)
            if self.capable:  # every worker that could grade went away, others came: the runs go to those
                self.payload = self._scatter()
                resent = {}
                for job in waiting.values():
                    if job.sent > RESENDS:
                        yield job.number, None, f"its run was lost {job.sent} times with its workers"
                    else:
                        self.client.cancel(job.future)
                        self._send(job)
                        resent[job.future.key] = job
                waiting, alone_since = resent, None
            else:
                alone_since = alone_since or time.monotonic()
                if time.monotonic() - alone_since > self.wait:
                    for job in waiting.values():
                        yield job.number, None, (f"no worker that can grade was left on the cluster "
                                                 f"for {self.wait:g} s")
                    return

    def _enlist(self, alive):
        """The live workers that can grade: those known to, and those not checked before that pass the check."""
        new = sorted(alive - self.checked)
        refused, able = capable_workers(self.client, self.assignment.environment, self.say, new) if new else ({}, [])
        self.checked |= set(refused) | set(able)
        return [a for a in self.capable if a in alive] + able

    def _result(self, job):
        """(Run, None) of a finished job, (None, why) of one that failed for good, (None, None) once sent again."""
        from distributed.scheduler import KilledWorker
        if job.future.status == "finished":
            try:
                return job.future.result(), None
            except Exception as err:  # its result was lost on the way back
                return None, f"its result was lost on the cluster ({type(err).__name__}: {err})"
        if job.future.status == "error":
            err = job.future.exception()
            if isinstance(err, KilledWorker):
                return None, (f"the workers running it died {err.allowed_failures + 1} times, the last "
                              f"{getattr(err.last_worker, 'address', err.last_worker)}")
            if isinstance(err, CannotGrade):
                return None, str(err)
            return None, f"its run failed on the cluster ({type(err).__name__}: {err})"
        if job.sent > RESENDS:
            return None, f"the cluster lost its run {job.sent} times"
        self.payload = self._scatter()
        self._send(job)
        return None, None

    def close(self):
        """Let go of what is left on the cluster: unfinished runs and the assignment's copies."""
        with contextlib.suppress(Exception):
            self.client.cancel([j.future for j in self.jobs if j.future is not None] + [self.payload])


# ---- where universities run clusters: the worker jobs of Slurm (dask-jobqueue) and Kubernetes (dask-kubernetes)


def slurm_script(scheduler, jobs=1, cores=2, memory="8GB", walltime="02:00:00", queue=None, account=None,
                 python=None, prologue=()):
    """The sbatch script of `jobs` Slurm jobs (an array), each `cores` Dask worker processes of one thread that
    join the scheduler at `scheduler`, rendered by dask-jobqueue (the `slurm` extra) as its SLURMCluster does."""
    try:
        from dask_jobqueue.slurm import SLURMJob
    except ImportError:
        raise ClusterError("rendering a Slurm job needs dask-jobqueue: pip install -e '.[slurm]'") from None
    job = SLURMJob(scheduler=scheduler, name="backprop-grader-${SLURM_JOB_ID}", job_name="backprop-grader",
                   cores=cores, processes=cores, memory=memory, walltime=walltime, queue=queue, account=account,
                   python=python or sys.executable, job_script_prologue=list(prologue),
                   job_extra_directives=[f"--array=1-{jobs}"] if jobs > 1 else [])
    return job.job_script()


def kubernetes_spec(name="backprop-grader", image="backprop-by-hand:latest", replicas=2, cores=2, memory="8Gi"):
    """The DaskCluster resource of the Dask Kubernetes operator: a scheduler and `replicas` worker pods of `cores`
    one-thread worker processes each, allowed what bubblewrap needs (a user namespace, /proc unmasked)."""
    try:
        from dask_kubernetes.operator import make_cluster_spec
    except ImportError:  # the `kubernetes` extra is not installed: the same resource, built here
        make_cluster_spec = cluster_spec
    resources = {"requests": {"cpu": str(cores), "memory": memory}, "limits": {"cpu": str(cores), "memory": memory}}
    spec = make_cluster_spec(name=name, image=image, n_workers=replicas, resources=resources,
                             worker_command=f"python -m distributed.cli.dask_worker --nworkers {cores} --nthreads 1")
    spec["spec"]["scheduler"]["spec"]["containers"][0]["args"] = [
        "python", "-m", "distributed.cli.dask_scheduler", "--host", "0.0.0.0"]
    pod = spec["spec"]["worker"]["spec"]
    pod["hostUsers"] = False  # the pod's own user namespace, inside which bubblewrap makes the sandbox's
    pod["containers"][0]["securityContext"] = {"procMount": "Unmasked", "seccompProfile": {"type": "Unconfined"},
                                               "appArmorProfile": {"type": "Unconfined"}}
    return spec


def cluster_spec(name, image, n_workers, resources, worker_command):
    """dask_kubernetes.operator.make_cluster_spec's DaskCluster resource (dask-kubernetes 2026.3), for where the
    `kubernetes` extra is not installed; tests/test_cluster.py compares the two where it is."""
    def container(role, args, ports):
        return {"name": role, "image": image, "args": args, "env": None, "resources": resources,
                "ports": [{"name": port, "containerPort": number, "protocol": "TCP"} for port, number in ports]}
    scheduler = container("scheduler", ["dask-scheduler", "--host", "0.0.0.0"],
                          [("tcp-comm", 8786), ("http-dashboard", 8787)])
    scheduler["readinessProbe"] = {"httpGet": {"port": "http-dashboard", "path": "/health"}, "initialDelaySeconds": 0,
                                   "periodSeconds": 1, "timeoutSeconds": 300}
    scheduler["livenessProbe"] = {"httpGet": {"port": "http-dashboard", "path": "/health"}, "initialDelaySeconds": 15,
                                  "periodSeconds": 20}
    worker = container("worker", worker_command.split(" ") + ["--name", "$(DASK_WORKER_NAME)", "--dashboard",
                                                              "--dashboard-address", "8788"],
                       [("http-dashboard", 8788)])
    service = {"type": "ClusterIP", "selector": {"dask.org/cluster-name": name, "dask.org/component": "scheduler"},
               "ports": [{"name": port, "protocol": "TCP", "port": number, "targetPort": port}
                         for port, number in (("tcp-comm", 8786), ("http-dashboard", 8787))]}
    return {"apiVersion": "kubernetes.dask.org/v1", "kind": "DaskCluster", "metadata": {"name": name},
            "spec": {"idleTimeout": 0, "worker": {"replicas": n_workers, "spec": {"containers": [worker]}},
                     "scheduler": {"spec": {"containers": [scheduler]}, "service": service}}}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.cluster", description=(
        "Render the worker jobs of a grading cluster: a Slurm job script (dask-jobqueue) or a Kubernetes "
        "DaskCluster resource (dask-kubernetes); then `python -m autograder autograde --cluster tcp://HOST:PORT`."))
    sub = parser.add_subparsers(dest="kind", required=True)
    slurm = sub.add_parser("slurm", help="an sbatch script of worker jobs that join a running Dask scheduler")
    slurm.add_argument("--scheduler", required=True, type=parse_spec, help="the scheduler's address, tcp://HOST:PORT")
    slurm.add_argument("--jobs", type=int, default=1, help="Slurm jobs (an array), each --cores workers (default 1)")
    slurm.add_argument("--cores", type=int, default=2, help="cores per job: one worker process each (default 2)")
    slurm.add_argument("--memory", default="8GB", help="memory per job (default 8GB)")
    slurm.add_argument("--walltime", default="02:00:00", help="time limit per job (default 02:00:00)")
    slurm.add_argument("--queue", default=None, help="the partition (sbatch -p)")
    slurm.add_argument("--account", default=None, help="the account (sbatch -A)")
    slurm.add_argument("--python", default=None, help="the course environment's Python on the nodes "
                                                      "(default: this one, on a shared filesystem)")
    slurm.add_argument("--prologue", action="append", default=[], help="a shell line before the workers start")
    kube = sub.add_parser("kubernetes", help="a DaskCluster resource (JSON, for kubectl apply -f)")
    kube.add_argument("--name", default="backprop-grader", help="the cluster's name (default backprop-grader)")
    kube.add_argument("--image", required=True, help="an image with this course's environment and bubblewrap")
    kube.add_argument("--replicas", type=int, default=2, help="worker pods (default 2)")
    kube.add_argument("--cores", type=int, default=2, help="cores per pod: one worker process each (default 2)")
    kube.add_argument("--memory", default="8Gi", help="memory per pod (default 8Gi)")
    args = parser.parse_args(argv)
    if args.kind == "slurm":
        print(slurm_script(args.scheduler, args.jobs, args.cores, args.memory, args.walltime, args.queue,
                           args.account, args.python, args.prologue))
    else:
        print(json.dumps(kubernetes_spec(args.name, args.image, args.replicas, args.cores, args.memory), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
