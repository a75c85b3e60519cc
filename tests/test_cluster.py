"""Check grading on Dask (autograder.cluster) with a real LocalCluster of two worker processes on 127.0.0.1: the grades
equal the local pool's, a worker killed mid-run loses nothing, a worker that cannot grade is named and gets no work,
a run that fails for good still gets its row; the CLI's --cluster; the Slurm job script and the Kubernetes spec."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from distributed import get_task_stream
from nbgrader.api import Gradebook

from autograder import cluster
from autograder.__main__ import main
from autograder.grader import NoSandbox, grade_class
from autograder.notebooks import REPO
from autograder.pipeline import Course, copy_course
from autograder.results import GRADED
from autograder.sandbox import Limits, bubblewrap
from helpers import small_class

AIDS = ["03_sigmoid_gates", "01_perceptron_xor"]
needs_bwrap = pytest.mark.skipif(not bubblewrap(), reason="grading on a cluster needs bubblewrap (apt bubblewrap)")


def grades(graded):
    """student -> what grading decided: gradable, scores per test cell, flags and notes."""
    rows = {}
    for g in graded:
        assert g.student not in rows, f"{g.student} came back twice"
        rows[g.student] = (g.gradable, g.outcome and g.outcome.scores, g.outcome and sorted(g.outcome.flags),
                           list(g.notes))
    return rows


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two worker processes, every socket on 127.0.0.1, as --cluster local:2 starts it."""
    with cluster.connected("local:2") as client:
        yield client


@pytest.fixture(scope="module")
def classes(tmp_path_factory):
    """aid -> (course root, roster, the local pool's grades of that class)."""
    base, found = tmp_path_factory.mktemp("classes"), {}
    for aid in AIDS:
        root, roster = small_class(base, aid)
        found[aid] = root, roster, grades(grade_class(root, aid, roster, Limits(), workers=2))
    return found


@pytest.mark.slow
@needs_bwrap
@pytest.mark.parametrize("aid", AIDS)
def test_the_cluster_grades_as_the_local_pool_does(client, classes, aid):
    """Check that the scores of every test cell, the flags and the notes of each student are the local pool's."""
    root, roster, local = classes[aid]
    assert grades(grade_class(root, aid, roster, Limits(), cluster=client)) == local
    assert sum(g[0] for g in local.values()) == len(roster) - 1  # all but the broken one were graded
    full = max(sum(g[1].values()) for g in local.values() if g[0])
    assert any(g[0] and sum(g[1].values()) < full for g in local.values())  # and the mistakes cost points


@pytest.mark.slow
@needs_bwrap
def test_a_worker_killed_mid_run_loses_nothing(client, classes, tmp_path):
    """Check that with a worker killed while it runs a submission, every student comes back once, graded as the
    local pool grades them (the submissions sleep first, so that both workers are running one when one dies)."""
    aid = AIDS[0]
    root, roster = small_class(tmp_path, aid, students=2, before="import time\ntime.sleep(2)")
    pids, came_back = client.run(os.getpid), []
    grading = threading.Thread(target=lambda: came_back.extend(grade_class(root, aid, roster, Limits(),
                                                                           cluster=client)))
    with get_task_stream(client) as stream:
        grading.start()
        victim, deadline = None, time.monotonic() + 60
        while victim is None and time.monotonic() < deadline:
            victim = next((w for w, keys in client.processing().items() if keys and w in pids), None)
            time.sleep(0.1)
        assert victim, "no run got under way"
        time.sleep(1.0)  # inside its run: its sandbox starting, or its two seconds of sleep
        os.kill(pids[victim], signal.SIGKILL)
        grading.join(timeout=120)
    ran = [t["worker"] for t in stream.data if str(t["key"]).startswith("grade-")]
    assert len(ran) == 2 and victim not in ran  # the victim's run was run again by the other worker
    assert not grading.is_alive()
    assert victim not in client.scheduler_info()["workers"]
    local = classes[aid][2]
    assert grades(came_back) == {s: local[s] for s in roster}


@pytest.mark.slow
@needs_bwrap
def test_a_run_that_fails_for_good_gets_a_row_saying_why(client, classes, monkeypatch):
    """Check that a student whose run fails on the cluster after its retries is not dropped: the row says why."""
    def full_disk(*args):  # the task, failing on every worker as a full disk would make it (sent by value)
        raise OSError(28, "No space left on device")
    aid = AIDS[1]
    root, roster, _ = classes[aid]
    monkeypatch.setattr(cluster, "grade", full_disk)
    rows = grades(grade_class(root, aid, roster, Limits(), cluster=client))
    assert sorted(rows) == roster
    for student, (gradable, _, _, notes) in rows.items():
        assert not gradable
        assert student == "broken" or "its run failed on the cluster (OSError: [Errno 28] No space left" in notes[-1]


@pytest.mark.slow
@needs_bwrap
def test_a_worker_that_cannot_grade_is_named_with_why_and_gets_no_work(client, classes, capsys):
    """Check that a worker without bubblewrap on its PATH is reported as such and runs none of the submissions,
    while the others grade the class as the local pool does."""
    aid = AIDS[1]
    root, roster, local = classes[aid]
    scheduler = client.scheduler.address
    env = {**os.environ, "PATH": os.path.dirname(sys.executable)}  # this Python, no bwrap
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", scheduler, "--host", "127.0.0.1",
                               "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", "no-bubblewrap"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client.wait_for_workers(3, timeout=60)
        (bad,) = [a for a, w in client.scheduler_info()["workers"].items() if w["name"] == "no-bubblewrap"]
        with get_task_stream(client) as stream:
            rows = grades(grade_class(root, aid, roster, Limits(), cluster=client))
        said = capsys.readouterr().out
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert f"worker {bad} cannot grade, so it gets no work: bubblewrap (bwrap" in said
    assert "not installed or not on its PATH" in said and "2 of 3 workers grade" in said
    ran = {t["worker"] for t in stream.data if str(t["key"]).startswith("grade-")}
    assert ran and bad not in ran
    assert rows == local


def test_a_task_refuses_where_it_cannot_sandbox_or_the_environment_differs(monkeypatch, tmp_path):
    """Check that the task itself, on a worker without a working bubblewrap or with another course, raises
    CannotGrade saying why, before anything runs."""
    here = cluster.environment()
    assignment = cluster.Assignment("t", AIDS[0], [], {}, {}, {}, {}, Limits(), here)
    other = {**here, "python": "3.10.0", "files": {**here["files"], "course/gradcheck.py": "0" * 64}}
    with pytest.raises(cluster.CannotGrade, match=r"Python \S+ \(the instructor's: 3\.10\.0\).*course/gradcheck.py"):
        cluster.grade(cluster.Assignment("t", AIDS[0], [], {}, {}, {}, {}, Limits(), other), "{}", {})
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on it
    with pytest.raises(cluster.CannotGrade, match="bubblewrap .* is not installed or not on its PATH"):
        cluster.grade(assignment, "{}", {})
    assert "bubblewrap" in cluster.worker_problems(here)[0]


def test_a_submission_folder_travels_as_its_files_without_its_notebooks_or_links_out(tmp_path):
    """Check what of a submission folder goes with its task: its files and subfolders, not its notebooks nor what
    a symbolic link outside it points to."""
    folder, secret = tmp_path / "s", tmp_path / "secret.txt"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "x.npz").write_bytes(b"\x00\x01")
    (folder / "notes.txt").write_text("mine")
    (folder / "A.ipynb").write_text("{}")
    secret.write_text("the instructor's")
    (folder / "link.txt").symlink_to(secret)
    (folder / "inside.txt").symlink_to(folder / "notes.txt")
    files = cluster.packed_folder(folder)
    assert files == {"data/x.npz": b"\x00\x01", "notes.txt": b"mine", "inside.txt": b"mine"}
    cluster.unpacked_folder({**files, "../escape.txt": b"no"}, tmp_path / "there")
    assert (tmp_path / "there" / "data" / "x.npz").read_bytes() == b"\x00\x01"
    assert not (tmp_path / "escape.txt").exists()


def test_a_bad_cluster_is_a_clear_message(capsys):
    """Check that a malformed --cluster, --unsafe with --cluster and a scheduler nobody listens at are each said in
    a line, not a traceback."""
    for bad in ("local:0", "local", "127.0.0.1:8786", "tcp://127.0.0.1", "http://host:8786"):
        with pytest.raises(SystemExit) as stop:
            main(["autograde", "--cluster", bad])
        assert stop.value.code == 2
        assert f"argument --cluster: {bad!r} is neither local:N" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["autograde", "--cluster", "local:2", "--unsafe"])
    assert "--unsafe cannot go with --cluster" in capsys.readouterr().err
    with pytest.raises(NoSandbox, match="--unsafe cannot go with --cluster"):
        next(grade_class(REPO, AIDS[0], [], Limits(), unsafe=True, cluster="local:1"))
    with socket.socket() as s:  # a port of 127.0.0.1 that nothing listens at
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(cluster.ClusterError, match=f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"):
        with cluster.connected(f"tcp://127.0.0.1:{port}", timeout=1):
            pass


@pytest.mark.slow
@needs_bwrap
def test_the_command_line_grades_a_class_on_a_local_cluster(tmp_path, classes):
    """Check `python -m autograder autograde --cluster local:2` end to end: gradebook rows with the local pool's
    scores, and the table printed."""
    aid = AIDS[1]
    root = copy_course(tmp_path / "course")
    shutil.copytree(classes[aid][0] / "submitted", root / "submitted")
    done = subprocess.run([sys.executable, "-m", "autograder", "autograde", "--course-dir", str(root),
                           "--assignment", aid, "--cluster", "local:2"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    local = classes[aid][2]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student, (gradable, scores, _, _) in local.items():
            if gradable:
                got = gb.find_submission(aid, student).score
                assert got == pytest.approx(sum(scores.values())), student
    rows = {r.student: r for r in Course(root).load_results([aid])}
    assert sorted(rows) == classes[aid][1] and rows["s0"].status == GRADED
    assert "s0" in done.stdout and "broken" in done.stdout


def test_the_slurm_job_script_renders(capsys):
    """Check the sbatch script of the grading workers, rendered by dask-jobqueue: an array of jobs, one worker
    process per core of one thread each, this Python, joining the scheduler given; and that bash can read it."""
    assert cluster.main(["slurm", "--scheduler", "tcp://login1:8786", "--jobs", "4", "--cores", "2", "--memory",
                         "8GB", "--queue", "short", "--prologue", "module load bubblewrap"]) == 0
    script = capsys.readouterr().out
    for line in ("#SBATCH -J backprop-grader", "#SBATCH --array=1-4", "#SBATCH --cpus-per-task=2", "#SBATCH -p short",
                 "#SBATCH -t 02:00:00", "module load bubblewrap",
                 f"{sys.executable} -m distributed.cli.dask_worker tcp://login1:8786",
                 "--name backprop-grader-${SLURM_JOB_ID}", "--nthreads 1", "--nworkers 2"):
        assert line in script, line
    assert script.startswith("#!/usr/bin/env bash")
    assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0


def test_the_kubernetes_spec_renders(capsys):
    """Check the DaskCluster resource of the grading workers: replicas of one-thread worker processes, per pod its
    own user namespace and what bubblewrap needs there."""
    assert cluster.main(["kubernetes", "--image", "registry.example/backprop:1", "--replicas", "3"]) == 0
    spec = json.loads(capsys.readouterr().out)
    assert spec["kind"] == "DaskCluster" and spec["apiVersion"] == "kubernetes.dask.org/v1"
    worker = spec["spec"]["worker"]
    (container,) = worker["spec"]["containers"]
    assert worker["replicas"] == 3 and container["image"] == "registry.example/backprop:1"
    assert container["args"][:6] == ["python", "-m", "distributed.cli.dask_worker", "--nworkers", "2", "--nthreads"]
    assert worker["spec"]["hostUsers"] is False and container["securityContext"]["procMount"] == "Unmasked"
    assert container["resources"]["limits"] == {"cpu": "2", "memory": "8Gi"}
    scheduler = spec["spec"]["scheduler"]["spec"]["containers"][0]
    assert scheduler["args"][:3] == ["python", "-m", "distributed.cli.dask_scheduler"]


def test_the_kubernetes_spec_without_the_extra_is_dask_kubernetes_own():
    """Check that the DaskCluster built here, where the `kubernetes` extra is not installed, is the one
    dask-kubernetes makes (run where it is installed: pip install -e '.[kubernetes]')."""
    operator = pytest.importorskip("dask_kubernetes.operator", reason="the `kubernetes` extra is not installed")
    args = dict(name="g", image="i:1", n_workers=3, resources={"limits": {"cpu": "2"}}, worker_command="a -b c")
    assert cluster.cluster_spec(**args) == operator.make_cluster_spec(**args)
