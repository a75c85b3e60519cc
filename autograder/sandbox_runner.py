"""Runs one submission inside the sandbox: its cells, then every graded function on the probes.

Standalone (the autograder package is not visible in the sandbox). `python sandbox_runner.py
JOB OUT` is the supervisor: it never runs student code. It starts a cell process that asks for
one cell at a time over a pipe, so no later cell (and no hidden test) is in its memory before it
runs. A cell that kills the process or runs past its time is recorded, skipped, and the cells are
run again without it. After the cells, every graded function is called on its probes in a forked
process of its own, under a memory limit and a time limit, and its outputs are written as plain
data. Nothing here judges anything: the grader outside reads the outputs and does that.
"""
import contextlib
import json
import os
import resource
import select
import signal
import socket
import subprocess
import sys
import time
import warnings

import numpy as np

from course.gradcheck import strict_floats  # imported before any student code can replace np.errstate

try:
    from . import plaindata
except ImportError:  # run as a script inside the sandbox, with plaindata.py beside it
    import plaindata

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT_LIMIT = 4000
WATCHED = ["numpy.allclose", "numpy.isclose", "numpy.array_equal", "numpy.testing.assert_allclose",
           "numpy.linalg.norm", "numpy.random.default_rng", "builtins.print", "builtins.isinstance",
           "course.gradcheck.assert_close", "course.gradcheck.rel_error", "course.gradcheck.check_backward",
           "course.gradcheck.check_gradient", "course.gradcheck.check_directional", "course.gradcheck.diagnose"]


def _send(fd, message):
    os.write(fd, (json.dumps(message) + "\n").encode())


class _Lines:
    """JSON messages read from a pipe, one per line, with a deadline."""

    def __init__(self, fd):
        self.fd, self.buffer = fd, b""

    def get(self, timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = None if end is None else max(0.0, end - time.monotonic())
            if not select.select([self.fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)


# The grading channel's status words, for a cell and for a function's checks; the grader reads these names.
OK, ERROR, NOT_RUN, TIMEOUT, CRASHED, RAN = "ok", "error", "not run", "timeout", "crashed", "ran"

# ---------------------------------------------------------------- supervisor (no student code)

def supervise(job_path, out, warm=False):
    """Run the cells within their own time, then each function's checks within its own.

    warm: this supervisor was forked from a warm process (autograder/zygote.py), so cell processes are forked
    from a template forked before the job was read, which holds no cell of it, rather than started afresh.
    """
    starter = ForkedCells() if warm else StartedCells()
    with open(job_path) as fh:
        job = json.load(fh)
    run = {"starter": starter, "records": {}, "skipped": set(), "hung": {}, "functions": {},
           "times": {"started": time.time(), "cell_process": 0.0, "cells": 0.0, "probes": 0.0}}
    cells_end = time.monotonic() + job["cells_timeout"]
    while True:
        broke = _one_pass(job, run, cells_end)
        if broke is None:
            break
        run["skipped"].add(broke)
    for f in job["functions"]:
        run["functions"].setdefault(f, {"status": NOT_RUN, "why": "the grading channel was closed first"})
    records = run["records"]
    with open(os.path.join(out, "run.json"), "w") as fh:
        json.dump({"cells": [records.get(str(i)) for i in range(len(job["cells"]))], "functions": run["functions"],
                   "integrity": records.get("integrity", []),
                   "times": {**run["times"], "ended": time.time()}}, fh)


def _runs_late(cell, record):
    """Whether a cell still runs once the cells' time is up: definitions, and what ran before."""
    return cell.get("kind") == "solution" or bool(record) and record.get("status") == OK


def _one_pass(job, run, cells_end):
    """Run the cells (but the skipped ones) in a fresh process; return the index of a cell that broke it."""
    records, cells = run["records"], job["cells"]
    down, up = os.pipe(), os.pipe()
    child = run["starter"].start(down[0], up[1], job["memory_bytes"], job["probes"])
    os.close(down[0]), os.close(up[1])
    replies, current, times, began = _Lines(up[0]), None, run["times"], time.monotonic()
    try:
        _send(down[1], {"functions": job["functions"]})
        for i, cell in enumerate(cells):
            if i in run["skipped"]:
                continue
            if time.monotonic() > cells_end and not _runs_late(cell, records.get(str(i))):
                records.setdefault(str(i), {"status": NOT_RUN, "why": f"not run: the notebook's cells had used up "
                                                                       f"their {job['cells_timeout']:g} s"})
                continue
            current = i
            _send(down[1], {"cell": i, "source": cell["source"], "guard": sorted(run["hung"])})
            try:
                reply = replies.get(timeout=job["cell_timeout"])
                records.setdefault(str(i), reply)
                _account(times, reply, began)
                began = None
            except TimeoutError:
                stuck = _ask_where(child.pid, replies)
                if isinstance(stuck, dict) and "status" in stuck:  # it finished as it was asked
                    records.setdefault(str(i), stuck)
                    continue
                why = f"ran past the {job['cell_timeout']:g} s limit for a cell"
                records[str(i)] = {"status": TIMEOUT, "why": why + (f", inside {stuck}" if stuck else ""),
                                   "stuck_in": stuck}
                if stuck:
                    run["hung"].setdefault(stuck, i)
                return i
        current = None
        _stop_strays({child.pid, *run["starter"].keep})
        budgets = {f: job["function_timeout"] + job.get("extra_seconds", {}).get(f, 0) for f in job["functions"]}
        _send(down[1], {"evaluate": job["functions"], "timeouts": budgets,
                        "memory": job["function_memory_bytes"], "out": job["out"]})
        began = time.monotonic()
        done = replies.get(timeout=sum(b + 2 for b in budgets.values()) + 10)
        times["probes"] += time.monotonic() - began
        run["functions"].update(done["functions"])
        records["integrity"] = done["integrity"]
        return None
    except (EOFError, OSError, ValueError):
        if current is None:
            records["integrity"] = records.get("integrity", []) + ["the grading channel was closed by the submission"]
            return None
        code = child.wait(timeout=5)
        why = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
        records[str(current)] = {"status": CRASHED, "why": f"the process running the notebook died here ({why})"}
        return current
    except TimeoutError:
        return None
    finally:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait()
        os.close(down[1]), os.close(up[0])


def _account(times, reply, began):
    """Add a cell's reply to the run's times: its own seconds, and the cell process's start before the first."""
    seconds = reply.get("seconds", 0.0) if isinstance(reply, dict) else 0.0
    times["cells"] += seconds
    if began is not None:
        times["cell_process"] += max(0.0, time.monotonic() - began - seconds)


def _ask_where(pid, replies):
    """The graded function a stopped cell was running (None if it cannot say), or its late reply."""
    try:
        os.kill(pid, signal.SIGUSR1)
        message = replies.get(timeout=1.0)
    except (OSError, TimeoutError, EOFError, ValueError):
        return None
    return message.get("stuck") if isinstance(message, dict) and "stuck" in message else message


class StartedCells:
    """Cell processes started afresh: a new interpreter each, which imports everything itself."""
    keep = ()

    def start(self, read_fd, write_fd, memory, probes):
        return subprocess.Popen([sys.executable, os.path.join(HERE, "sandbox_runner.py"), "--cells", str(read_fd),
                                 str(write_fd), str(memory), probes], pass_fds=(read_fd, write_fd),
                                start_new_session=True)


class ForkedCells:
    """Cell processes forked, warm, from a template that is forked before the job is read and runs nothing else.

    The template and the sandbox's holder (its pid 2, see sandbox.hold_command) survive the strays' clean-up.
    """

    def __init__(self):
        self.channel, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            self.channel.close()
            _serve_cells(theirs)
        theirs.close()
        self.keep, self.replies = (pid, 2), _Lines(self.channel.fileno())

    def start(self, read_fd, write_fd, memory, probes):
        socket.send_fds(self.channel, [json.dumps([memory, probes]).encode()], [read_fd, write_fd])
        return _Forked(self.replies.get()["pid"], self.replies)


class _Forked:
    """A forked cell process, as much of subprocess.Popen as the supervisor uses: pid and wait."""

    def __init__(self, pid, replies):
        self.pid, self.replies, self.code = pid, replies, None

    def wait(self, timeout=None):
        if self.code is None:
            try:
                self.code = self.replies.get(timeout)["exit"]
            except TimeoutError:
                raise subprocess.TimeoutExpired("cell process", timeout) from None
        return self.code


def _serve_cells(channel):
    """The template's loop: fork a cell process on the pipes each request brings, report its pid and exit code."""
    while True:
        message, fds, _, _ = socket.recv_fds(channel, 1 << 16, 2)
        if not message:
            os._exit(0)
        memory, probes = json.loads(message)
        pid = os.fork()
        if pid == 0:
            channel.close()
            os.setsid()
            run_cells(fds[0], fds[1], memory, probes)
            os._exit(0)
        for fd in fds:
            os.close(fd)
        _send(channel.fileno(), {"pid": pid})
        _send(channel.fileno(), {"exit": os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])})


def _stop_strays(keep):
    """Kill what the notebook left running (inside the sandbox's own PID namespace) before its functions are called."""
    if (os.getpid() == 1 or not os.path.exists("/proc/1/cmdline")
            or b"bwrap" not in open("/proc/1/cmdline", "rb").read()):
        return  # not in a sandbox: other processes here are not the notebook's
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (1, os.getpid(), *keep):
            try:
                os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass


# ---------------------------------------------------------------- cell process (runs student code)

def run_cells(read_fd, write_fd, memory, probes_stem):
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    channel = _Lines(read_fd)
    # The probes are inputs, no answers; loading them before any student code keeps the file
    # reads of the grader apart from the submission's.
    probes = plaindata.load(probes_stem, PROBE_FUNCTIONS)
    graded = channel.get()["functions"]
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from traitlets.config import Config
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    # A traceback would quote the cell's code, hidden tests included; the error itself is kept.
    shell.showtraceback = shell.showsyntaxerror = lambda *args, **kwargs: None
    baseline = _snapshot(shell)
    seen = _watch_events()
    signal.signal(signal.SIGUSR1, lambda signum, frame: _send(write_fd, {"stuck": innermost(frame, graded)}))
    hung = {}
    while True:
        message = channel.get()
        if "cell" in message:
            began = time.monotonic()
            with capture_output(display=False) as captured:
                result = shell.run_cell(message["source"], store_history=True)
            seconds = time.monotonic() - began
            _guard(shell.user_ns, message["guard"], hung)
            error = result.error_before_exec or result.error_in_exec
            _send(write_fd, {"status": ERROR if error else OK, "stdout": captured.stdout[-TEXT_LIMIT:],
                             "stderr": captured.stderr[-TEXT_LIMIT:],
                             "error": f"{type(error).__name__}: {error}"[:TEXT_LIMIT] if error else None,
                             "seconds": seconds})
            continue
        _reap()
        findings = _compare(shell, baseline) + sorted(seen)
        for name, (original, guard) in hung.items():
            if shell.user_ns.get(name) is guard:  # each function's checks run the function itself
                shell.user_ns[name] = original
        statuses = {f: _evaluate(shell.user_ns, f, probes, message, graded) for f in message["evaluate"]}
        _send(write_fd, {"functions": statuses, "integrity": findings})
        return


def _guard(namespace, names, hung):
    """Make the functions that hung in an earlier cell fail at once, so later cells do not wait for them."""
    for name in names:
        current = namespace.get(name)
        if callable(current) and (name not in hung or hung[name][1] is not current):
            def guard(*args, _name=name, **kwargs):
                raise TimeoutError(f"{_name} ran past the time limit in an earlier cell; it is not run again")
            hung[name] = (current, guard)
            namespace[name] = guard


def innermost(frame, names):
    """The innermost graded function (by name) on the stack of frame, or None."""
    while frame is not None:
        if frame.f_code.co_name in names and frame.f_code.co_filename != __file__:
            return frame.f_code.co_name
        frame = frame.f_back
    return None


def _reap(patience=0.5):
    """Collect the notebook's own child processes that the supervisor stopped, so they free their slots."""
    end = time.monotonic() + patience
    while time.monotonic() < end:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                time.sleep(0.01)
        except ChildProcessError:
            return


def _snapshot(shell):
    watched = {}
    for dotted in WATCHED:
        obj = _lookup(dotted)
        if obj is not None:
            watched[dotted] = obj
    transformers = (list(shell.input_transformers_cleanup), list(shell.input_transformers_post),
                    list(shell.ast_transformers))
    return watched, transformers


def _lookup(dotted):
    module, _, name = dotted.rpartition(".")
    try:
        __import__(module)
        return getattr(sys.modules[module], name)
    except Exception:  # a module the course does not have on this machine
        return None


def _compare(shell, baseline):
    watched, transformers = baseline
    found = [f"{name} was replaced" for name, obj in watched.items() if _lookup(name) is not obj]
    kinds = ("input transformer (cleanup)", "input transformer", "AST transformer")
    now = (shell.input_transformers_cleanup, shell.input_transformers_post, shell.ast_transformers)
    found += [f"an {kind} was added: {getattr(t, '__name__', type(t).__name__)}" for kind, before, after in
              zip(kinds, transformers, now) for t in after if t not in before]
    return found


def _watch_events():
    """Record, through an audit hook (which no later code can remove), what a grader should hear of."""
    seen, home = set(), os.getcwd()

    def hook(event, args):
        if event == "open" and args and isinstance(args[0], str) and len(args) > 1:
            path, mode = os.path.abspath(args[0]), args[1]
            writing = isinstance(mode, str) and any(c in mode for c in "wax+")
            if path.startswith("/grader") and "job" in path:
                seen.add(f"read the grading job file {path}")
            elif path.startswith("/proc") and path.endswith("environ"):
                seen.add(f"read {path}")
            elif writing and not path.startswith((home, "/dev/", "/grader/out", "/grader/state")):
                seen.add(f"wrote outside the working folder: {path}")
        elif event in ("subprocess.Popen", "os.system", "os.posix_spawn", "os.exec"):
            seen.add(f"started a program ({event})")
        elif event == "os.fork":
            seen.add("started a process (os.fork)")
        elif event == "socket.connect":
            seen.add("tried to open a network connection")
        elif event == "os.putenv" and args and "NBGRADER" in str(args[0]):
            seen.add(f"changed {args[0]}")

    sys.addaudithook(hook)

    class Environ(type(os.environ)):
        def __getitem__(self, key):
            if "NBGRADER" in str(key) and _from_submission(sys._getframe(1)):
                seen.add(f"read the grading variable {key}")
            return super().__getitem__(key)

    os.environ.__class__ = Environ
    return seen


def _from_submission(frame):
    """Whether the first caller outside the standard library is the submission, not an installed package."""
    stdlib = os.path.dirname(os.__file__)
    while frame and frame.f_code.co_filename.startswith((stdlib, "<frozen")) and \
            "site-packages" not in frame.f_code.co_filename:
        frame = frame.f_back
    name = frame.f_code.co_filename if frame else ""
    return not (name.startswith((sys.prefix, sys.base_prefix)) or "/course/" in name or name.startswith(HERE))


def _evaluate(namespace, function, probes, message, graded):
    """Call function on its probes in a forked process under limits; write its outputs; return a status."""
    out = os.path.join(message["out"], f"values-{function}")
    try:
        pid = os.fork()
    except OSError as err:
        return {"status": CRASHED, "why": f"no process could be started to run it ({err.strerror})"}
    if pid == 0:
        try:
            def where(signum, frame):
                with open(out + ".stuck", "w") as fh:
                    fh.write(innermost(frame, graded) or "")
            signal.signal(signal.SIGUSR1, where)
            resource.setrlimit(resource.RLIMIT_AS, (message["memory"], message["memory"]))
            plaindata.save(out, [call_probe(namespace, p, graded) for p in probes if p["function"] == function])
        finally:
            os._exit(0)
    end = time.monotonic() + message["timeouts"][function]
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.002)
    else:
        os.kill(pid, signal.SIGUSR1)
        time.sleep(0.3)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        try:
            with open(out + ".stuck") as fh:
                stuck = fh.read() or None
        except OSError:
            stuck = None
        return {"status": TIMEOUT, "why": f"ran past the {message['timeouts'][function]:g} s limit for a function",
                "stuck_in": stuck}
    if os.WIFSIGNALED(status):
        return {"status": CRASHED, "why": f"the process running it was killed by signal {os.WTERMSIG(status)}"}
    if not os.path.exists(out + ".json"):
        return {"status": CRASHED, "why": "it stopped the process running it before any output was written"}
    return {"status": RAN}


def call_probe(namespace, probe, graded=()):
    """One probe's outcome: the value returned or the error raised, warnings, the arguments afterwards.

    A backward is called with the cache of the student's own forward; what the forward returned,
    raised or warned is reported apart, so the grader can tell whose fault a wrong gradient is.
    Every other graded function the probe reaches gets copies of its arguments, so one that
    writes into its inputs cannot break the function under test.
    """
    args, forward = plaindata.fresh(probe["args"]), probe["forward"]
    outcome = {"value": None, "error": None, "args": args, "warnings": [], "called": [], "forward": None,
               "cache_changed": False, "log": [], "log_complete": True}
    names = [probe["function"], *(forward or ())[:1]]
    guarded = {name: namespace[name] for name in graded if name not in names and callable(namespace.get(name))}
    for name, function in guarded.items():
        namespace[name] = _on_copies(name, function, outcome)
    try:
        missing = [name for name in names if name not in namespace]
        if missing and missing[0] != probe["function"]:  # the forward is missing: its fault, not the backward's
            outcome["forward"] = {"value": None, "error": f"NameError: {missing[0]} is not defined", "warnings": [],
                                  "args": plaindata.fresh(forward[1])}
            return outcome
        if missing:
            outcome["error"] = f"NameError: {missing[0]} is not defined"
            return outcome
        if probe.get("scaling"):
            _lines_at_sizes(namespace, probe, outcome)
            return outcome
        cache = None
        # "No overflow" probes see it even where the student's own np.errstate would silence it.
        strict = strict_floats if probe.get("quiet") else contextlib.nullcontext
        if forward:
            with strict():
                outcome["forward"] = _forward(namespace[forward[0]], plaindata.fresh(forward[1]))
            if outcome["forward"]["error"]:
                return outcome
            cache = outcome["forward"].pop("cache")
            kept = plaindata.fresh(cache)
        with strict():
            outcome["value"], outcome["error"], outcome["warnings"] = _attempt(
                namespace[probe["function"]], *args, *((cache,) if forward else ()), **probe.get("kwargs", {}))
        if forward:
            outcome["cache_changed"] = not plaindata.same(kept, cache)
        if probe.get("repeat") and not outcome["error"]:  # the same call again, on fresh copies: the same result?
            again, outcome["error"], _ = _attempt(namespace[probe["function"]], *plaindata.fresh(probe["args"]),
                                                  **probe.get("kwargs", {}))
            outcome["value"] = (outcome["value"], again)
        return outcome
    finally:
        namespace.update(guarded)


def _lines_at_sizes(namespace, probe, outcome):
    """Into outcome: the Python lines the function ran, one count per size (structure by counting, not timing),
    or the error it raised.

    A backward is counted on its own forward's cache (a forward that fails is reported as the forward's, as
    elsewhere); a probe without a forward counts the function on fargs.
    """
    counts = []
    for fargs, upstream in probe["scaling"]:
        args = plaindata.fresh(fargs)
        if probe["forward"]:
            forward = _forward(namespace[probe["forward"][0]], args)
            if forward["error"]:
                forward.pop("cache")
                outcome["forward"] = forward
                return
            args = (*plaindata.fresh(upstream), forward["cache"])
        count, error = _count_lines(namespace[probe["function"]], *args)
        if error:
            outcome["error"] = error
            return
        counts.append(count)
    outcome["value"] = counts


def _count_lines(function, *args):
    """(line events while function(*args) runs, error); the grader's own helpers are not counted."""
    ours = {__file__, plaindata.__file__}
    state = {"lines": 0, "on": False, "tampered": False}

    def local(frame, event, arg):
        state["lines"] += event == "line"
        return local

    def tracer(frame, event, arg):
        return None if frame.f_code.co_filename in ours else local

    def audit(event, args):
        if state["on"] and event in ("sys.settrace", "sys.setprofile"):
            state["tampered"] = True

    sys.addaudithook(audit)  # a hook cannot be removed; this one stays idle once the count is taken
    previous = sys.gettrace()
    sys.settrace(tracer)
    state["on"] = True
    try:
        error = _attempt(function, *args)[1]
    finally:
        state["on"] = False
        replaced = sys.gettrace() is not tracer
        sys.settrace(previous)
    if state["tampered"] or replaced:
        return None, "it changed the trace function while its Python work was being counted"
    return state["lines"], error


def _forward(function, fargs):
    """What a forward did on fargs: its output (not its cache), error, warnings, its arguments afterwards."""
    result, error, warned = _attempt(function, *fargs)
    if not error and not (isinstance(result, (tuple, list)) and len(result) == 2):
        error = "it should return a pair (out, cache)"
    # A copy of out: a backward that writes into its cache may share out's memory.
    return {"value": plaindata.fresh(result[0]) if not error else None, "cache": result[1] if not error else None,
            "error": error, "warnings": warned, "args": plaindata.fresh(fargs)}


def _attempt(function, *args, **kwargs):
    """(value, error, warnings): errors and warnings as text; the student's error is a result, not the runner's."""
    value, error = None, None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = function(*args, **kwargs)
        except MemoryError:
            error = "MemoryError: it ran out of memory"
        except BaseException as err:
            error = f"{type(err).__name__}: {err}"[:500]
    return value, error, [f"{w.category.__name__}: {w.message}"[:300] for w in caught[:5]]


LOG_LIMIT = 1000  # calls of other graded functions kept per probe, for the grader to replay


def _on_copies(name, function, outcome):
    """function, called with copies of its arguments; its name and (up to LOG_LIMIT) its calls go to outcome."""
    def wrapped(*args, **kwargs):
        if name not in outcome["called"]:
            outcome["called"].append(name)
        try:
            result = function(*plaindata.fresh(args), **plaindata.fresh(kwargs))
        except Exception as err:  # logged too: a caller that lets it through is replayed up to it
            _log(outcome, name, args, kwargs, plaindata.Raised(f"{type(err).__name__}: {err}"))
            raise
        _log(outcome, name, args, kwargs, result)
        return result
    return wrapped


def _log(outcome, name, args, kwargs, result):
    if not outcome["log_complete"]:
        return
    if len(outcome["log"]) < LOG_LIMIT:
        outcome["log"].append((name, plaindata.fresh(args), plaindata.fresh(kwargs), plaindata.fresh(result)))
    else:  # a log cut short cannot be replayed: not worth sending back
        outcome["log"], outcome["log_complete"] = [], False


# Callables a probe may pass by name (numerical_gradient takes one); the grader uses the same ones.
PROBE_FUNCTIONS = {"sum_of_cubes": lambda v: float(np.sum(v ** 3)),
                   "sin_product": lambda v: float(np.sum(np.sin(v) * np.roll(v, 1)))}


if __name__ == "__main__":
    if sys.argv[1] == "--cells":
        run_cells(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        supervise(sys.argv[1], sys.argv[2])
