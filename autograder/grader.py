"""Grading a class: each submission checked, run in a sandbox, judged here, one after another or in parallel.

The layers, each in a module of its own and importing only those below it:
  submission (what a submission is) -> running (the sandbox) -> judging (the probes) -> recording
  (the gradebook, autograded/, reports), with the result types in results. This module strings
  the first three together for a class; autograder.pipeline records what it yields.
"""
import atexit
import contextlib
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import sandbox, submission
from .cluster import Remote, connected
from .judging import Outcome, judge_run, prepare
from .recording import autograded_notebook
from .running import matplotlib_cache, run_submission

UNSAFE_HELP = ("no working sandbox (bubblewrap, Debian package `bubblewrap`) on this machine: student code "
               "would run with your rights and see the gradebook and the hidden tests. Install bubblewrap, "
               "or pass --unsafe to grade without a sandbox anyway.")
CLUSTER_UNSAFE = ("--unsafe cannot go with --cluster: it is for grading on this machine only. On a cluster every "
                  "submission runs in bubblewrap on its worker, and a worker without one gets no work.")


class NoSandbox(SystemExit):
    """Raised when grading would run student code unconfined and the instructor did not allow it."""


@dataclass
class Graded:
    """One student's submission of one assignment, graded or found ungradable."""
    student: str
    gradable: bool
    notes: list = field(default_factory=list)
    outcome: Outcome = None  # the judged run, when gradable
    notebook: object = None  # the autograded notebook, with the grader's findings, when gradable


def sandbox_or_refuse(unsafe=False):
    """The bubblewrap that confines submissions; without one, NoSandbox unless the instructor said unsafe."""
    bwrap = sandbox.bubblewrap()
    if not bwrap and not unsafe:
        raise NoSandbox(UNSAFE_HELP)
    return bwrap


def prepared(aid, root, scratch):
    """(GradingKit, font cache) for grading aid, made in scratch: once per run, not per submission."""
    return prepare(aid, root, scratch), matplotlib_cache(scratch)


_WARM = {}  # bwrap -> (font cache, Zygote): one warm process serves every assignment this process grades
_WARM_LOCK = threading.Lock()


def shared_warm(bwrap):
    """(font cache, the warm process) kept for this process's gradings, made at the first; (None, None) if none."""
    with _WARM_LOCK:
        mpl, zygote = _WARM.get(bwrap, (None, None))
        if zygote is None or not zygote.alive():
            if zygote:
                zygote.close()
            scratch = Path(tempfile.mkdtemp(prefix="backprop-warm-"))
            atexit.register(shutil.rmtree, scratch, True)
            mpl = matplotlib_cache(scratch)
            zygote = sandbox.warm_start(bwrap, scratch, mpl)
            if zygote:
                atexit.register(zygote.close)
            _WARM[bwrap] = mpl, zygote
        return mpl, zygote


def judged(kit, nb, run, notes=()):
    """(Outcome, autograded notebook) of one Run of nb, with the submission's own notes first."""
    began = time.perf_counter()
    outcome = judge_run(kit, nb, run)
    outcome.notes = list(notes) + outcome.notes
    outcome.times["judging"] = time.perf_counter() - began
    notebook = autograded_notebook(nb, run.record, outcome, kit)
    outcome.times["notebook"] = time.perf_counter() - began - outcome.times["judging"]
    return outcome, notebook


class _Pool:
    """The runs on this machine, in a pool of threads: submit() and completed() as autograder.cluster.Remote's."""

    def __init__(self, kit, limits, bwrap, scratch, mpl, zygote=None, workers=None):
        self.args, self.jobs = (limits, bwrap, scratch, mpl, zygote), {}
        self.kit, self.pool = kit, ThreadPoolExecutor(max_workers=workers or len(os.sched_getaffinity(0)))

    def submit(self, nb, folder, name=""):
        self.jobs[self.pool.submit(run_submission, self.kit, nb, folder, *self.args)] = len(self.jobs)
        return len(self.jobs) - 1

    def completed(self):
        for future in as_completed(self.jobs):
            yield self.jobs[future], future.result(), None

    def close(self):
        self.pool.shutdown(cancel_futures=True)


def grade_class(root, aid, roster, limits, unsafe=False, workers=None, warm=True, cluster=None):
    """Grade every student of roster on aid in sandboxes; yield a Graded for each as it finishes.

    warm: start each run as a fork of one warm process (sandbox.Zygote), each in its own sandbox as before.
    cluster: run the submissions on Dask instead (autograder.cluster: a distributed.Client, 'local:N' or
    'tcp://HOST:PORT'), each in a sandbox on a worker that can grade; they are judged here all the same.
    """
    if cluster is not None and unsafe:
        raise NoSandbox(CLUSTER_UNSAFE)
    bwrap = sandbox_or_refuse(unsafe) if cluster is None else None
    scratch = Path(tempfile.mkdtemp(prefix="backprop-grading-"))
    try:
        with contextlib.ExitStack() as stack:
            kit = prepare(aid, root, scratch)
            if cluster is None:
                mpl, zygote = shared_warm(bwrap) if warm and bwrap else (matplotlib_cache(scratch), None)
                runs = _Pool(kit, limits, bwrap, scratch, mpl, zygote, workers)
            else:
                runs = Remote(stack.enter_context(connected(cluster)), kit, limits)
            stack.callback(runs.close)
            jobs = {}
            for student in roster:
                checked = submission.preflight(root, student, aid, kit.release)
                if not checked.gradable:
                    yield Graded(student, False, checked.notes)
                    continue
                nb = submission.notebook_to_run(checked.notebook, kit.source)
                jobs[runs.submit(nb, submission.folder(root, student, aid), student)] = (student, checked.notes, nb)
            for number, run, why in runs.completed():
                student, notes, nb = jobs[number]
                if run is None:  # lost for good on the cluster: a row that says why
                    yield Graded(student, False, list(notes) + [why])
                    continue
                outcome, autograded = judged(kit, nb, run, notes)
                yield Graded(student, True, outcome.notes, outcome, autograded)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
