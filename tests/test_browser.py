"""Check the course where students meet it: JupyterLab 4 in Chromium, with nbgrader's lab extension.

One JupyterLab server (on a copy of the course whose release notebooks hold the source solutions)
and one headless Chromium serve the whole module. Every release notebook runs from the Run menu
without an error or stderr output; every explorer's slider, moved with the keyboard, changes the
numbers the explorer shows to what the reference solutions give at the new position, and the
time from key press to the new picture is measured in the browser. Screenshots and the timings
go to build/browser-artefacts/. An explorer whose numbers depend on what the notebook computed
before it (06's saliency explorer: the network the notebook trained) has a line put in front of
its call, in the course copy, that saves those inputs for its check (KERNEL_INPUTS). Explorers of
an assignment not registered yet are checked once it is.
"""
import json
import re
import shutil
import statistics
import time
from functools import cache
from pathlib import Path

import nbformat
import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from autograder import reference as ref
from autograder.notebooks import REPO, nbgrader_cells, notebook_path, read_notebook
from conftest import ASSIGNMENTS
from course import widgets
from course.data import BINARY_INPUTS, GATE_LABELS
from course.gradcheck import rel_error
from course.gradcheck_widgets import STEPS, X0, _exact, _f
from explorer_cases import cnn_layers, network_scores
from lab_browser import (
    CHROMIUM,
    VIEWPORT,
    cell_output,
    chromium,
    course_with_solutions,
    drag_slider,
    error_outputs,
    execution_counts,
    lab_server,
    notebook_screenshot,
    open_notebook,
    press_and_time,
    release_path,
    run_all_cells,
)

pytestmark = pytest.mark.slow  # a JupyterLab server and headless Chromium

ARTEFACTS = REPO / "build" / "browser-artefacts"
VALIDATED = "01_perceptron_xor"  # the quickest notebook to validate twice
UNCHANGED = f"release/{VALIDATED}/unchanged.ipynb"
MEASURED = {"widget_update_ms": {}, "run_all_seconds": {}}
# explorer -> the line that saves, just before the explorer's call, the kernel's inputs its check needs
# (to the .npz path given), and where each was saved once the fixture has put the line in
KERNEL_INPUTS = {"saliency_explorer": "np.savez({path!r}, X_test=X_test, y_test=y_test, **params)"}
SAVED = {}


def save_kernel_inputs(root, folder):
    """Put KERNEL_INPUTS' lines in front of their explorers' calls in root's release notebooks (cells stay one)."""
    for name, line in KERNEL_INPUTS.items():
        aid, code = EXPLORERS[name][:2]
        if aid not in ASSIGNMENTS:
            continue
        path, SAVED[name] = notebook_path(root, "release", aid), folder / f"{name}.npz"
        notebook = read_notebook(path)
        cell = next(c for c in notebook.cells if c.cell_type == "code" and code in c.source)
        cell.source = line.format(path=str(SAVED[name])) + "\n" + cell.source
        nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """JupyterLab at the root of a course copy with solved release notebooks (and one unchanged)."""
    tmp = tmp_path_factory.mktemp("browser")
    root = course_with_solutions(tmp / "course")
    shutil.copy(notebook_path(REPO, "release", VALIDATED), root / UNCHANGED)
    save_kernel_inputs(root, tmp)
    with lab_server(root, tmp / "home") as lab:
        yield lab


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"the browser test needs Debian's chromium at {CHROMIUM} (.ci/run installs it)"
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, server, request):
    """A fresh tab; its kernels are shut down afterwards, so notebooks do not share the two cores."""
    tab = browser.new_page(viewport=VIEWPORT)
    failed = request.session.testsfailed
    yield tab
    if request.session.testsfailed > failed:  # what the browser showed when the test failed
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=ARTEFACTS / f"failed-{request.node.name}.png")
    tab.close()
    server.shutdown_kernels()


@pytest.fixture(scope="module", autouse=True)
def report():
    """Print the measured times and keep them, with the screenshots, in build/browser-artefacts/."""
    yield
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "timings.json").write_text(json.dumps(MEASURED, indent=2))
    print(f"\nexplorer update in the browser (key press to new picture) over {5 + TIMED} moves:")
    for name, times in MEASURED["widget_update_ms"].items():
        low, _, high = statistics.quantiles(times, n=4)
        print(f"  {name:24} median {statistics.median(times):4.0f} ms   quartiles {low:3.0f}, {high:3.0f} ms   "
              f"first move {times[0]:3.0f} ms")
    print("Run All Cells: " + ", ".join(f"{a} {s:.1f} s" for a, s in MEASURED["run_all_seconds"].items()))


# ---- what each explorer must show after a move, from the reference solutions ------------------

def readout(text):
    """An explorer's 'label = value; ...' readout as a dict; numbers and (nested) sequences parsed."""
    values = {}
    for part in text.strip().split("; "):
        label, value = part.split(" = ", 1)
        try:
            values[label] = json.loads(value.replace("(", "[").replace(")", "]"))
        except json.JSONDecodeError:
            values[label] = value
    return values


def assert_shows(what, shown, expected, rtol=1e-5, atol=1e-12):
    """Assert that shown (printed to six significant digits unless rtol says fewer) is expected."""
    ok = np.shape(shown) == np.shape(expected) and np.allclose(shown, expected, rtol=rtol, atol=atol)
    assert ok, f"{what} shows {shown}, expected {np.round(expected, 7).tolist()}"


@cache
def explorer_data(name):
    """An explorer built here, for its fixed inputs (x, w, upstream d) only: the numbers come from ref."""
    functions = {"pooling_explorer": (ref.avg_pool_forward, ref.avg_pool_backward, ref.max_pool_forward,
                                      ref.max_pool_backward),
                 "flip_explorer": (ref.corr2d_backward, ref.corr2d),
                 "input_pixel_explorer": (ref.conv_forward_naive, ref.conv_backward_naive)}[name]
    return getattr(widgets, name)(*functions)


def check_perceptron(text, w2):
    w, b = np.array([1.0, w2]), -0.5  # the explorer starts at w1 = 1, b = -0.5
    scores = BINARY_INPUTS @ w + b
    assert np.abs(scores).min() > 1e-6, "test design: no point may sit on the line, where rounding decides"
    predicted = ref.perceptron_predict(BINARY_INPUTS, w, b)
    rows = [line.split("\t") for line in text.splitlines() if line[:1].isdigit()]
    assert [float(r[2]) for r in rows] == pytest.approx(scores, abs=0.0051)
    assert [int(r[4]) for r in rows] == list(predicted)
    assert f"AND: {int(np.sum(predicted == GATE_LABELS['AND']))} of 4 right" in text


def check_gradient_check(text, exponent):
    h = 10.0 ** exponent
    shown = readout(text)
    errors = [rel_error(ref.numerical_gradient(_f, X0.copy(), step), _exact(X0)) for step in STEPS]
    assert_shows("h", shown["h"], h)
    assert shown["precision"] == "float64"
    # The round-off part of the error depends on the last bits of h, which the slider's
    # JavaScript arithmetic sets: agree to three digits, not six.
    expected = rel_error(ref.numerical_gradient(_f, X0.copy(), h), _exact(X0))
    assert_shows("relative error", shown["relative error"], expected, rtol=1e-3)
    assert_shows("smallest error near h", shown["smallest error near h"], STEPS[int(np.argmin(errors))])


def check_sigmoid(text, x):
    shown = readout(text)
    sigma, cache = ref.sigmoid_forward(np.array([x]))
    assert_shows("x", shown["x"], x)
    assert_shows("σ(x)", shown["σ(x)"], sigma[0])
    assert_shows("σ'(x)", shown["σ'(x)"], ref.sigmoid_backward(np.ones(1), cache)[0])


def check_neuron(text, w0):
    f, dw, dx = ref.neuron_forward_backward(np.array([w0, -3.0, -3.0]), np.array([-1.0, -2.0]))  # the lesson's start
    lines = re.findall(r"f = (\S+), dw = (\[.*?\]), dx = (\[.*?\])", text)
    assert len(lines) == 2, text  # the student's neuron_forward_backward, and the graph of gates
    for shown_f, shown_dw, shown_dx in lines:  # f to four decimals, dw and dx to three significant digits
        assert_shows("f", float(shown_f), f, rtol=0, atol=5.1e-5)
        assert_shows("dw", json.loads(shown_dw), dw, rtol=5.1e-3)
        assert_shows("dx", json.loads(shown_dx), dx, rtol=5.1e-3)


def check_pooling(text, col):
    x = explorer_data("pooling_explorer").x
    param = {"pool_height": 2, "pool_width": 2, "stride": 1}
    out, cache = ref.avg_pool_forward(x, param)
    dout = np.zeros_like(out)
    dout[0, 0, 0, col] = 1.0
    shown = readout(text)
    assert shown["window (row, col, height, width)"] == [0, col, 2, 2]
    assert_shows("out", shown["out"], out[0, 0, 0, col])
    assert_shows("dx", shown["dx"], ref.avg_pool_backward(dout, cache)[0, 0])


def check_flip(text, step):
    ex = explorer_data("flip_explorer")
    shown = readout(text)
    assert shown["step"] == step
    assert_shows("dX so far", shown["dX so far"], ref.corr2d_backward(ex.d, ex.x, ex.k)[0].ravel()[:step + 1])
    assert shown["agrees with the numerical gradient"] == [1] * (step + 1)  # the reference's entries, all checked


def check_input_pixel(text, col):
    ex = explorer_data("input_pixel_explorer")
    _, cache = ref.conv_forward_naive(ex.x, ex.w, np.zeros(1), {"stride": 1, "pad": 0})
    shown = readout(text)
    assert shown["pixel"] == [2, col]
    assert_shows("your dx there", shown["your dx there"],
                 ref.conv_backward_naive(ex.upstream((4, 4)), cache)[0][0, 0, 2, col])


def check_saliency(text, digit, choice="true"):
    saved = np.load(SAVED["saliency_explorer"])  # what the notebook trained, and its test digits
    params = {k: saved[k] for k in ("W1", "b1", "W2", "b2")}
    x, label = saved["X_test"][digit:digit + 1], int(saved["y_test"][digit])
    scores, backward = network_scores(cnn_layers(), params, x)  # the network of the reference layers
    predicted = int(np.argmax(scores))
    target = {"true": label, "predicted": predicted}.get(choice, choice)
    upstream = np.zeros((1, 10))
    upstream[0, target] = 1.0
    saliency = backward(upstream)[0][0, 0]
    peak = np.unravel_index(np.argmax(np.abs(saliency)), saliency.shape)
    shown = readout(text)
    assert [shown[k] for k in ("test digit", "label", "predicted", "class")] == [digit, label, predicted, target]
    assert_shows("its score", shown["its score"], scores[0, target])
    p = np.exp(scores[0] - scores.max())
    assert_shows("probabilities", shown["probabilities"], p / p.sum())
    assert shown["strongest pixel (row, col)"] == list(peak)
    assert_shows("its gradient", shown["its gradient"], saliency[peak])


# explorer -> (assignment, code that shows it, slider, [(key, slider position after it)], check)
EXPLORERS = {
    "perceptron_explorer": ("01_perceptron_xor", "perceptron_explorer(perceptron_predict)", "w2",
                            [("ArrowLeft", 0.9), ("ArrowLeft", 0.8), ("ArrowLeft", 0.7), ("Home", -3.0),
                             ("ArrowRight", -2.9)], check_perceptron),
    "gradient_check_explorer": ("02_computational_graphs", "gradient_check_explorer(numerical_gradient)", "h",
                                [("ArrowRight", -4.75), ("ArrowRight", -4.5), ("ArrowRight", -4.25),
                                 ("ArrowLeft", -4.5), ("End", -1.0)], check_gradient_check),
    "sigmoid_explorer": ("03_sigmoid_gates", "sigmoid_explorer(sigmoid_forward", "x",
                         [("ArrowRight", 1.1), ("ArrowRight", 1.2), ("ArrowRight", 1.3), ("End", 10.0),
                          ("ArrowLeft", 9.9)], check_sigmoid),
    "neuron_explorer": ("03_sigmoid_gates", "neuron_explorer(neuron_by_gates", "w0",
                        [("ArrowRight", 2.1), ("ArrowRight", 2.2), ("ArrowLeft", 2.1), ("Home", -4.0),
                         ("ArrowRight", -3.9)], check_neuron),
    "pooling_explorer": ("04_pooling_backprop", "pooling_explorer(avg_pool_forward", "out col",
                         [("ArrowRight", 1), ("ArrowRight", 2), ("ArrowRight", 3), ("ArrowLeft", 2), ("End", 4)],
                         check_pooling),
    "flip_explorer": ("05_conv_backprop", "flip_explorer(corr2d_backward, corr2d)", "step",
                      [("ArrowRight", 1), ("ArrowRight", 2), ("ArrowRight", 3), ("ArrowRight", 4), ("End", 8)],
                      check_flip),
    "input_pixel_explorer": ("05_conv_backprop", "input_pixel_explorer(conv_forward_naive", "pixel col",
                             [("ArrowRight", 3), ("ArrowRight", 4), ("Home", 0), ("ArrowRight", 1),
                              ("ArrowRight", 2)], check_input_pixel),
    "saliency_explorer": ("06_train_a_cnn", "saliency_explorer(params", "test digit",
                          [("ArrowRight", 1), ("ArrowRight", 2), ("ArrowRight", 3), ("ArrowLeft", 2), ("End", 299)],
                          check_saliency),
}
# explorer -> [(button, the value it gives)]: buttons clicked after the slider's moves, checked with check(text,
# position, value)
CLICKS = {"saliency_explorer": [("predicted", "predicted"), ("7", 7), ("true label", "true")]}


TIMED = 10  # presses after the checked moves, back and forth, for a steadier median update time


def back_and_forth(last_key):
    """TIMED keys that leave a slider where last_key left it: the first goes back where it came from."""
    back, forth = ("ArrowRight", "ArrowLeft") if last_key in ("Home", "ArrowLeft") else ("ArrowLeft", "ArrowRight")
    return [back, forth] * (TIMED // 2)


# explorer -> the fraction of its slider's track a mouse drag ends at (the gradient check's readout
# rounds h, so its drag could not be checked exactly)
DRAGS = {"perceptron_explorer": 0.8, "sigmoid_explorer": 0.8, "neuron_explorer": 0.3, "pooling_explorer": 0.4,
         "flip_explorer": 0.6, "input_pixel_explorer": 0.2, "saliency_explorer": 0.3}


def shows_soon(numbers, check, position, *more, timeout=20):
    """Wait until the explorer's numbers pass check at position (a drag's or click's last value); raise if never."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check(numbers.inner_text(), position, *more)
        except (AssertionError, KeyError, ValueError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_every_notebook_uses_the_explorers_checked_here():
    """Check that EXPLORERS names each explorer call in the release notebooks, so none goes unchecked."""
    calls = {name for aid in ASSIGNMENTS for cell in read_notebook(notebook_path(REPO, "release", aid)).cells
             for name in EXPLORERS if cell.cell_type == "code" and f"{name}(" in cell.source}
    assert calls == {name for name, (aid, *_) in EXPLORERS.items() if aid in ASSIGNMENTS}  # once registered, all
    assert {n for n in vars(widgets) if n.endswith("_explorer")} == set(EXPLORERS)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_notebook_runs_in_jupyterlab_and_its_explorers_show_the_right_numbers(aid, page, server):
    """Check Run All Cells: every cell runs, no error or stderr output; then each explorer's slider."""
    open_notebook(page, server, release_path(aid), workspace=aid)
    MEASURED["run_all_seconds"][aid] = run_all_cells(page)
    # Tracebacks and stderr streams (warnings too) both count: nbgrader gives 0 points to a test cell
    # that writes to stderr. ipykernel's own warnings go to the server's log, not into the notebook.
    errors = error_outputs(page)
    assert not errors, f"{aid}: error output in the browser:\n" + "\n---\n".join(errors)[:3000]
    code_cells = sum(c.cell_type == "code" for c in read_notebook(notebook_path(REPO, "release", aid)).cells)
    counts = execution_counts(page)
    assert len(counts) == code_cells and all(c[1:-2].isdigit() for c in counts), counts

    for name, (where, code, label, moves, check) in EXPLORERS.items():
        if where != aid:
            continue
        output = cell_output(page, code)
        numbers = output.locator(".widget-html")
        assert numbers.count() == 1, f"{name}: expected one text widget with its numbers"
        times = []
        for key, position in moves:
            times.append(press_and_time(output, label, key))
            try:
                check(numbers.inner_text(), position)
            except AssertionError as err:
                raise AssertionError(f"{name} after {key} to {label} = {position}: {err}") from None
        times += [press_and_time(output, label, key) for key in back_and_forth(key)]
        check(numbers.inner_text(), position)
        if name in DRAGS:
            position = json.loads(drag_slider(output, label, DRAGS[name]))  # an int for an IntSlider
            try:
                shows_soon(numbers, check, position)
            except AssertionError as err:
                raise AssertionError(f"{name} after a drag of {label} to {position}: {err}") from None
        for button, value in CLICKS.get(name, ()):
            output.get_by_role("button", name=button, exact=True).click()
            try:
                shows_soon(numbers, check, position, value)
            except AssertionError as err:
                raise AssertionError(f"{name} after a click on {button!r}: {err}") from None
        MEASURED["widget_update_ms"][name] = times  # printed by report(), with the other explorers'
        # a generous bound: a stuck or pathologically slow explorer fails, a busy machine does not
        assert statistics.median(times) < 2000, f"{name} takes {statistics.median(times):.0f} ms per update"

    notebook_screenshot(page, ARTEFACTS / f"{aid}.png")


def test_formgrader_lists_the_course_assignments(page, server):
    """Check that nbgrader's formgrader answers and lists every assignment of the course."""
    status, body = server.request("GET", "formgrader")
    assert status == 200 and "nbgrader formgrade" in body
    page.goto(server.url("formgrader"))
    table = page.locator("#main-table")
    try:
        for aid in ASSIGNMENTS:
            table.get_by_text(aid, exact=True).wait_for(timeout=30_000)
    except PlaywrightTimeout:
        raise AssertionError(f"the formgrader lists no {aid}; the server's log ends:\n{server.log()[-3000:]}") from None
    assert table.locator("tr").count() == len(ASSIGNMENTS)
    page.screenshot(path=ARTEFACTS / "formgrader.png")


def _validate(page, server, path):
    """Open path, click the toolbar's Validate button, return the result dialog's (body classes, text)."""
    open_notebook(page, server, path, workspace=f"validate-{Path(path).stem}")
    page.locator(".jp-NotebookPanel-toolbar .validate-button").click()
    body = page.locator(".jp-Dialog #validation-message")
    body.wait_for(timeout=120_000)
    result = body.get_attribute("class"), body.inner_text()
    page.locator(".jp-Dialog").screenshot(path=ARTEFACTS / f"validate-{Path(path).stem}.png")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    return result


def test_validate_button_passes_a_solved_notebook_and_fails_an_unchanged_one(page, server):
    """Check that nbgrader's Validate button reports success on solutions and the failing tests of stubs."""
    classes, text = _validate(page, server, release_path(VALIDATED))
    assert "validation-success" in classes and "Success! Your notebook passes all the tests." in text, text
    classes, text = _validate(page, server, UNCHANGED)
    assert "validation-failed" in classes and "NotImplementedError" in text, text
    first_test = next(iter(nbgrader_cells(read_notebook(notebook_path(REPO, "release", VALIDATED)), "grade").values()))
    assert first_test.source.splitlines()[0] in text  # the dialog names the failing test cell
