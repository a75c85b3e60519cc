"""JupyterLab for the course: `python -m course.lab` (what `make lab` runs) opens release/.

It serves the course root, so nbgrader's formgrader finds the course, and sends kernel messages
to the browser without Nagle's delay, so a slider's explorer answers in tens of milliseconds.
"""
import os
import sys

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class PromptKernelConnection(ZMQChannelsWebsocketConnection):
    """A kernel's websocket that sends every message at once (TCP_NODELAY).

    Tornado leaves Nagle's algorithm on. A widget update is several small messages (busy, the new
    values, idle); all but the first then wait for the browser's delayed ACK, 40 ms on Linux.
    """

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()


def command(*options):
    """The command line that starts JupyterLab at the current folder, with options appended."""
    line = [sys.executable, "-m", "jupyterlab", "--ServerApp.root_dir=.", "--LabApp.default_url=/lab/tree/release",
            f"--ServerApp.kernel_websocket_connection_class={__name__}.{PromptKernelConnection.__name__}"]
    if os.geteuid() == 0:  # containers run as root; Jupyter refuses that unless told
        line.append("--allow-root")
    return line + list(options)


if __name__ == "__main__":
    line = command(*sys.argv[1:])
    os.execv(line[0], line)
