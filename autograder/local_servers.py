"""Servers the course starts on this machine (make class, the tests' JupyterLab): loopback ports, start-up."""
import socket
import time
from contextlib import suppress


def free_port():
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_free(port):
    """Whether a server could listen on port at 127.0.0.1 now (one left in TIME_WAIT can, as servers bind)."""
    if not port:
        return False
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until_up(process, answers, name, log, timeout):
    """Wait until answers() is true; raise with the log's end if process exits or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log()[-4000:]}")
        with suppress(OSError):
            if answers():
                return
        time.sleep(0.2)
    raise TimeoutError(f"{name} did not answer within {timeout} s:\n{log()[-4000:]}")
