"""Time `make class`: from the command to a hub that answers, fresh and carried on, and to a student's server.

    .venv/bin/python -m benchmarks.class_hub

Runs `python -m autograder class` (what `make class` runs) on a free port in a temporary folder:
once on a new class (course copied, every assignment released into the exchange), then again on
the same folder, which carries the class on. Each run ends with Ctrl-C (SIGINT), as a user ends it.
"""
import json
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

from autograder.local_servers import free_port, wait_until_up
from autograder.trial_class import TrialClass


def answers(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/hub/api/", timeout=5) as reply:
        return reply.status == 200


def one_run(folder, port):
    """Seconds until the hub answers, and until a student's server is ready; then Ctrl-C."""
    log = folder.parent / "class.log"
    start = time.monotonic()
    with open(log, "a") as out:
        process = subprocess.Popen([sys.executable, "-m", "autograder", "class", "--course-dir", str(folder),
                                    "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(process, lambda: answers(port), "make class", log.read_text, 600)
        up = time.monotonic() - start
        trial = TrialClass(folder, port)
        trial.settings = json.loads((folder / "hub" / "settings.json").read_text())
        spawn = time.monotonic()
        trial.spawn("ada")
        return up, time.monotonic() - spawn
    finally:
        process.send_signal(signal.SIGINT)
        with suppress(subprocess.TimeoutExpired):
            process.wait(60)
        if process.poll() is None:
            process.kill()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        fresh = one_run(folder, free_port())
        again = one_run(folder, free_port())
        left = TrialClass(folder).servers()
    for what, (up, server) in (("a new class", fresh), ("carried on", again)):
        print(f"make class, {what + ':':13} the hub answers after {up:5.1f} s; a student's server {server:.1f} s later")
    print(f"servers left after Ctrl-C: {left or 'none'}")


if __name__ == "__main__":
    main()
