"""JupyterLab for the course: `python -m course.lab` (what `make lab` runs) opens release/.

`python -m course.lab --edition=ko` (`make lab EDITION=ko`) opens the Korean edition, release_ko/, with
JupyterLab itself in Korean (the language pack jupyterlab-language-pack-ko-KR), its settings kept in
build/lab-ko/ so the English edition's stay as they are.

It serves the course root, so nbgrader's formgrader finds the course, and sends kernel messages
to the browser without Nagle's delay, so a slider's explorer answers in tens of milliseconds.
"""
import json
import os
import sys
from pathlib import Path

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class PromptKernelConnection(ZMQChannelsWebsocketConnection):
    """A kernel's websocket that sends every message at once (TCP_NODELAY).

    Tornado leaves Nagle's algorithm on. A widget update is several small messages (busy, the new
    values, idle); all but the first then wait for the browser's delayed ACK, 40 ms on Linux.
    """

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()


# edition -> (the folder it opens, JupyterLab's locale or None for its default, English)
EDITIONS = {"en": ("release", None), "ko": ("release_ko", "ko_KR")}
LOCALE_SETTING = Path("@jupyterlab", "translation-extension", "plugin.jupyterlab-settings")


def command(*options, edition="en"):
    """The command line that starts JupyterLab at the current folder; options replace ours of the same name."""
    if edition not in EDITIONS:
        raise SystemExit(f"no edition {edition!r}: choose one of {', '.join(EDITIONS)}")
    folder, locale = EDITIONS[edition]
    ours = ["--ServerApp.root_dir=.", f"--LabApp.default_url=/lab/tree/{folder}",
            "--ServerApp.kernel_websocket_connection_class=course.lab.PromptKernelConnection"]
    if locale:
        ours.append(f"--LabApp.user_settings_dir={localized_settings(edition, locale)}")
    if os.geteuid() == 0:  # containers run as root; Jupyter refuses that unless told
        ours.append("--allow-root")
    given = {option.split("=")[0] for option in options}  # Jupyter refuses an option given twice
    return [sys.executable, "-m", "jupyterlab", *(o for o in ours if o.split("=")[0] not in given), *options]


def localized_settings(edition, locale):
    """build/lab-<edition>/: JupyterLab's user settings for an edition, its language set once (a student's
    later changes there are kept)."""
    folder = Path("build", f"lab-{edition}", "user-settings").resolve()
    path = folder / LOCALE_SETTING
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"locale": locale}))
    return folder


if __name__ == "__main__":
    given = [a for a in sys.argv[1:] if not a.startswith("--edition=")]
    chosen = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--edition=")]
    line = command(*given, edition=(chosen or ["en"])[-1])
    os.execv(line[0], line)
