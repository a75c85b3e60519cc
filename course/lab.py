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
    """The command line that starts JupyterLab at the current folder; options replace ours of the same name."""
    ours = ["--ServerApp.root_dir=.", "--LabApp.default_url=/lab/tree/release",
            "--ServerApp.kernel_websocket_connection_class=course.lab.PromptKernelConnection"]
    if os.geteuid() == 0:  # containers run as root; Jupyter refuses that unless told
        ours.append("--allow-root")
    given = {option.split("=")[0] for option in options}  # Jupyter refuses an option given twice
    return [sys.executable, "-m", "jupyterlab", *(o for o in ours if o.split("=")[0] not in given), *options]


if __name__ == "__main__":
    line = command(*sys.argv[1:])
    os.execv(line[0], line)
