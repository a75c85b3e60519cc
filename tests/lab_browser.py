"""JupyterLab in headless Chromium, for the browser test and the README screenshots.

A course copy whose release notebooks hold the source solutions, a JupyterLab server on a free
loopback port that reads and writes nothing outside a temporary folder, and the few steps a
student takes in it: open a notebook, run all cells, move a slider.
"""
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

import nbformat

from autograder.local_servers import free_port, wait_until_up
from autograder.notebooks import REPO, existing_assignments, fill, notebook_path, read_notebook, solution_code
from autograder.pipeline import copy_course

CHROMIUM = "/usr/bin/chromium"  # Debian's package: Playwright cannot download its own browser here
VIEWPORT = {"width": 1280, "height": 900}
# JupyterLab settings for the isolated server: every cell stays in the DOM (JupyterLab 4 otherwise
# renders only cells near the viewport), and no news or update check reaches for the network.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def release_path(aid):
    """A release notebook's path relative to the course root, as JupyterLab names it."""
    return notebook_path(Path(), "release", aid).as_posix()


def course_with_solutions(root, code=None):
    """Copy the course to root, every release notebook's solution cells filled with the source solutions.

    code: optional {assignment: {grade_id: source}} put in place of those solutions (a mistake, say).
    """
    root = copy_course(root)
    for aid in existing_assignments(REPO):
        solutions = solution_code(read_notebook(notebook_path(root, "source", aid)))
        path = notebook_path(root, "release", aid)
        # the release folder as students get it, data files (06's digits.npz) included
        shutil.copytree(notebook_path(REPO, "release", aid).parent, path.parent)
        release = read_notebook(notebook_path(REPO, "release", aid))
        nbformat.write(fill(release, {**solutions, **(code or {}).get(aid, {})}), path)
    return root


def _isolated_env(home):
    """os.environ without the caller's Jupyter, IPython, matplotlib and XDG places, all moved under home."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "IPYTHON", "MPL", "XDG_", "NBGRADER", "PYTHONSTARTUP"))}
    places = {"HOME": home, "JUPYTER_CONFIG_DIR": home / "config", "JUPYTER_DATA_DIR": home / "data",
              "JUPYTER_RUNTIME_DIR": home / "runtime", "IPYTHONDIR": home / "ipython", "MPLCONFIGDIR": home / "mpl"}
    for path in places.values():
        path.mkdir(parents=True, exist_ok=True)
    # as `make lab` starts it: with the environment's bin folder not on PATH (not activated)
    bindir = os.path.dirname(sys.executable)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if os.path.abspath(p) != bindir)
    # debugpy's note about frozen modules would land in the server log of every kernel start
    return {**env, **{k: str(v) for k, v in places.items()}, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def _processes_in(folder):
    """Ids of live processes whose working directory lies inside folder (the server's kernels, say)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            with suppress(OSError):
                if Path(os.readlink(entry / "cwd")).is_relative_to(folder):
                    found.append(int(entry.name))
    return found


class LabServer:
    """`python -m jupyterlab` at a course root on 127.0.0.1 with a random token, its config under home.

    The server's working directory is the course root, so nbgrader's extensions read the course's
    nbgrader_config.py. stop() shuts it down with its kernels and raises if a process is left.
    """

    def __init__(self, root, home, options=()):
        self.root, self.home = Path(root).resolve(), Path(home)
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.log_path = self.home / "server.log"
        env = _isolated_env(self.home)
        for plugin, settings in LAB_SETTINGS.items():
            path = Path(env["JUPYTER_CONFIG_DIR"]) / "lab" / "user-settings" / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings))
        # started as `make lab` starts it (python -m course.lab), on a loopback port with a token
        command = [sys.executable, "-m", "course.lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}", "--LabApp.news_url=",
                   "--LabApp.extension_manager=readonly",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", *options]
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self._wait_until_up()

    def url(self, path=""):
        """Full URL of path on the server, with the token that logs the browser in."""
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def request(self, method, path):
        """(status, body) of an authenticated request to the server's REST API."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def shutdown_kernels(self):
        """End every notebook session and its kernel (as closing the notebook's tab would not)."""
        for session in json.loads(self.request("GET", "api/sessions")[1]):
            self.request("DELETE", f"api/sessions/{session['id']}")

    def log(self):
        return self.log_path.read_text(errors="replace")

    def _wait_until_up(self, timeout=60):
        try:
            wait_until_up(self.process, lambda: self.request("GET", "api/status")[0] == 200, "JupyterLab", self.log,
                          timeout)
        except TimeoutError:
            self.stop()
            raise

    def stop(self):
        """Shut the server and its kernels down; kill and report any process still working in the course."""
        if self.process.poll() is None:
            with suppress(OSError):
                self.request("POST", "api/shutdown")
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        deadline = time.monotonic() + 5
        while (left := _processes_in(self.root)) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in left:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if left:
            raise RuntimeError(f"processes {left} outlived the JupyterLab server; killed them")


@contextmanager
def lab_server(root, home, options=()):
    """A LabServer (options: more command-line options) for the duration of the block."""
    server = LabServer(root, home, options)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def chromium():
    """A headless Chromium browser driven by Playwright's sync API."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield browser
        finally:
            browser.close()


# ---- what a student does in JupyterLab, as Playwright steps on a page --------------------------

# Installed before a key press: resolves with the milliseconds from the keydown to the moment the
# explorer shows both new numbers (its one HTML widget) and a new, decoded picture.
_TIME_NEXT_UPDATE = """root => {
    const numbers = () => root.querySelector('.widget-html').innerText;
    // the picture is an Image widget whose PNG (its blob URL) is replaced on every update
    const picture = () => root.querySelector('img.widget-image, .widget-image img, .widget-output img');
    const source = () => (picture() || {}).src;
    const before = [numbers(), source()];
    let pressed = null;
    document.addEventListener('keydown', () => { pressed = performance.now(); }, {capture: true, once: true});
    window.__explorerUpdate = new Promise((resolve, reject) => {
        const observer = new MutationObserver(() => {
            const img = picture();
            if (pressed === null || !img || img.src === before[1] || numbers() === before[0]) return;
            observer.disconnect();
            clearTimeout(timer);
            const done = () => resolve(performance.now() - pressed);
            img.decode().then(done, done);
        });
        const timer = setTimeout(() => { observer.disconnect(); reject(new Error('no update within 20 s')); }, 20000);
        observer.observe(root, {subtree: true, childList: true, characterData: true, attributes: true,
                                attributeFilter: ['src']});
    });
}"""

ERROR_OUTPUT = '[data-mime-type="application/vnd.jupyter.stderr"]'  # JupyterLab renders errors as stderr too

_RUN_FINISHED = """errorOutput => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
        .map(e => e.innerText.trim());
    const errors = document.querySelectorAll('.jp-Notebook ' + errorOutput).length;
    return prompts.length > 0 && !prompts.includes('[*]:')
        && (errors > 0 || prompts.every(p => /^\\[\\d+\\]:$/.test(p)));
}"""


# The status bar's kernel item, once a kernel has started and answered. (The toolbar's execution
# indicator says idle before any kernel exists, and cells run then are lost.)
_KERNEL_IDLE = """() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
    .some(e => / [|] Idle$/.test(e.innerText) && !e.innerText.startsWith('No Kernel'))"""


def open_notebook(page, server, path, workspace):
    """Open the notebook at path (relative to the server root) in a fresh workspace; wait for its kernel."""
    page.goto(server.url(f"lab/workspaces/{workspace}/tree/{path}"))
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    # fold the file browser away: the notebook, and so its screenshots, get its width
    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
    page.wait_for_function(_KERNEL_IDLE, timeout=60_000, polling=100)


def run_all_cells(page, timeout=180):
    """Run > Run All Cells from the menu; wait until every cell ran or one failed; return the seconds."""
    start = time.perf_counter()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(_RUN_FINISHED, arg=ERROR_OUTPUT, timeout=timeout * 1000, polling=100)
    page.wait_for_function(_KERNEL_IDLE, polling=100)
    return time.perf_counter() - start


def execution_counts(page):
    """The code cells' prompts as shown: '[3]:' once run, '[ ]:' or '[*]:' otherwise."""
    return [t.strip() for t in page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").all_inner_texts()]


def error_outputs(page):
    """Texts of all stderr and error outputs, widget Output areas included."""
    return page.locator(f".jp-Notebook {ERROR_OUTPUT}").all_inner_texts()


def code_cell(page, code):
    """The code cell whose source contains code."""
    return page.locator(".jp-Notebook .jp-CodeCell").filter(has=page.locator(".jp-InputArea", has_text=code))


def cell_output(page, code):
    """The output area of the code cell whose source contains code."""
    return code_cell(page, code).locator(".jp-Cell-outputArea")


def slider_handle(output, label):
    """The noUiSlider handle of the ipywidgets slider described by label, inside output."""
    slider = output.locator(".widget-slider").filter(
        has=output.page.locator("label.widget-label", has_text=re.compile(f"^{re.escape(label)}$")))
    return slider.locator(".noUi-handle")


def drag_slider(output, label, fraction, steps=12):
    """Drag a slider's handle with the mouse to a fraction of its track, in steps; return its readout then.

    With continuous updates every step sends a value; the picture must end at the last one.
    """
    slider = slider_handle(output, label).locator("xpath=ancestor::div[contains(@class, 'widget-slider')]")
    track, handle = slider.locator(".noUi-base").bounding_box(), slider.locator(".noUi-handle").bounding_box()
    mouse, y = output.page.mouse, handle["y"] + handle["height"] / 2
    mouse.move(handle["x"] + handle["width"] / 2, y)
    mouse.down()
    mouse.move(track["x"] + fraction * track["width"], y, steps=steps)
    mouse.up()
    # the readout writes a minus sign, not a hyphen
    return slider.locator(".widget-readout").inner_text().replace("\u2212", "-")


def press_and_time(output, label, key):
    """Press key on a slider of the explorer in output; return milliseconds until it shows the update."""
    output.evaluate(_TIME_NEXT_UPDATE)
    slider_handle(output, label).press(key)
    return output.page.evaluate("() => window.__explorerUpdate")


_NOTEBOOK_OVERFLOW = """() => {
    const outer = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
    const cells = outer.querySelectorAll('.jp-Cell');
    outer.scrollTop = 0;
    const last = cells[cells.length - 1].getBoundingClientRect();
    return Math.ceil(last.bottom - outer.getBoundingClientRect().bottom) + 16;
}"""


def notebook_screenshot(page, path):
    """Save the whole notebook, not only the visible part: the viewport grows until the last cell shows."""
    size = page.viewport_size
    # JupyterLab pads the end of a notebook by a share of its height, so grow the page by what the
    # cells need, not by the scroll height; a long notebook can need a second, smaller step.
    height = size["height"]
    for _ in range(5):
        grow = page.evaluate(_NOTEBOOK_OVERFLOW)
        if grow <= 16:
            break
        height += grow
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(200)
    page.wait_for_function(f"() => ({_NOTEBOOK_OVERFLOW})() <= 16")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path)
    page.set_viewport_size(size)
