"""Check a whole class on the trial JupyterHub (`make class`): Assignments tab to feedback, and what students see.

The hub, its proxy (configurable-http-proxy from npm) and every server run on 127.0.0.1, in a
class folder of the test's own. Ada works in Chromium: she fetches in the Assignments tab, submits
twice there, and opens her feedback in JupyterLab. Brook does the same through the REST calls that
tab makes. The hub is restarted between their two submissions. The instructor collects and
releases feedback with the formgrader's buttons' calls, grades with `python -m autograder
autograde`, and sees the grades in the formgrader.
"""
import html
import subprocess
import sys
import time
import urllib.parse

import pytest

from autograder.local_servers import free_port
from autograder.notebooks import fill, notebook_path, read_notebook, solution_code
from autograder.trial_class import COURSE_ID, TrialClass
from helpers import hidden_lines
from lab_browser import chromium

pytestmark = pytest.mark.slow

AID = "02_computational_graphs"
NOTEBOOK = f"{AID}/{AID}.ipynb"
VIEWPORT = {"width": 1280, "height": 900}


def solutions(trial):
    """{graded function: its source solution}, every graded function of the assignment."""
    return solution_code(read_notebook(notebook_path(trial.course, "source", AID)))


def edit(trial, user, token, functions):
    """Save the user's fetched notebook with these functions solved and the others stubs, as JupyterLab saves."""
    status, model = trial.request("GET", f"user/{user}/api/contents/{NOTEBOOK}", token)
    assert status == 200 and model["type"] == "notebook", model
    stubs = read_notebook(notebook_path(trial.course, "release", AID))
    code = solutions(trial)
    nb = fill(stubs, {gid: code[gid] for gid in functions})
    status, reply = trial.request("PUT", f"user/{user}/api/contents/{NOTEBOOK}", token,
                                  {"type": "notebook", "format": "json", "content": nb})
    assert status == 200, reply


def assignment_action(trial, user, token, action):
    """One of the Assignments tab's buttons (fetch, submit, fetch_feedback) as its REST call."""
    query = urllib.parse.urlencode({"course_id": COURSE_ID, "assignment_id": AID})
    status, reply = trial.request("POST", f"user/{user}/assignments/{action}?{query}", token, body={})
    assert status == 200 and reply["success"], reply
    return reply


def listed(trial, user, token):
    """What the Assignments tab lists for user: [(status, student or None, timestamp)], a row per submission."""
    status, reply = trial.request("GET", f"user/{user}/assignments?course_id={COURSE_ID}", token)
    assert status == 200 and reply["success"], reply
    return [(a["status"], s.get("student_id"), s.get("timestamp")) for a in reply["value"]
            for s in a.get("submissions", [a])]


def formgrader(trial, token, method, path):
    status, reply = trial.request(method, f"user/{trial.instructor}/formgrader/api/{path}", token,
                                  body={} if method == "POST" else None, timeout=300)
    assert status == 200 and (method == "GET" or reply["success"]), reply
    return reply


def log_in(browser, trial, user):
    """A browser page logged in to the hub as user, at their JupyterLab."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(f"{trial.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", trial.settings["password"])
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=90_000)
    page.locator(".jp-LabShell").wait_for()
    return page


def nbgrader_menu(page):
    """The items of the Nbgrader menu, as the user sees them."""
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    items = [t for t in page.locator(".lm-Menu-content .lm-Menu-itemLabel").all_inner_texts() if t.strip()]
    page.keyboard.press("Escape")
    return items


def assignments_tab(page):
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    page.get_by_role("menuitem", name="Assignment List", exact=True).click()
    page.locator("#released_assignments_list").wait_for()
    return page


def button_in(page, section, name):
    return page.locator(f"#{section} .list_item", has_text=AID).get_by_role("button", name=name, exact=True)


def submit_in_browser(page, count):
    """Press Submit in the Assignments tab; wait until `count` submissions are listed."""
    button_in(page, "fetched_assignments_list", "Submit").click()
    page.locator("#submitted_assignments_list .list_item").nth(count - 1).wait_for(timeout=60_000)


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
    """The whole loop on a fresh trial class; return what each step showed, and its times."""
    seen, times = {}, {}
    start = time.monotonic()
    trial = TrialClass(tmp_path_factory.mktemp("class") / "class", free_port(), students=("ada", "brook"))
    trial.prepare([AID])
    trial.start()
    times["prepare and start the hub"] = time.monotonic() - start
    try:
        tokens = {user: trial.spawn(user) for user in (trial.instructor, "ada", "brook")}
        seen["servers"] = trial.servers()
        with chromium() as browser:
            ada = assignments_tab(log_in(browser, trial, "ada"))
            seen["ada menu"] = nbgrader_menu(ada)
            button_in(ada, "released_assignments_list", "Fetch").click()
            button_in(ada, "fetched_assignments_list", "Submit").wait_for(timeout=60_000)
            assignment_action(trial, "brook", tokens["brook"], "fetch")

            edit(trial, "ada", tokens["ada"], ["add_forward"])
            submit_in_browser(ada, 1)
            everything = list(solutions(trial))
            edit(trial, "brook", tokens["brook"], everything)
            assignment_action(trial, "brook", tokens["brook"], "submit")

            before = trial.servers()
            restart = time.monotonic()
            trial.restart()
            times["hub restart"] = time.monotonic() - restart
            seen["servers kept"] = (before, trial.servers())

            edit(trial, "ada", tokens["ada"], everything)  # the later, complete one counts
            ada.reload()
            assignments_tab(ada)
            submit_in_browser(ada, 2)
            time.sleep(1.1)  # nbgrader's timestamps tell submissions apart by the second
            edit(trial, "brook", tokens["brook"], ["add_forward"])  # the later, partial one counts
            assignment_action(trial, "brook", tokens["brook"], "submit")
            seen["brook lists"] = listed(trial, "brook", tokens["brook"])
            seen["ada lists"] = listed(trial, "ada", tokens["ada"])

            step = time.monotonic()
            formgrader(trial, tokens[trial.instructor], "POST", f"assignment/{AID}/collect")
            times["collect"] = time.monotonic() - step
            step = time.monotonic()
            graded = subprocess.run([sys.executable, "-m", "autograder", "autograde", "--course-dir", str(trial.course),
                                     "--assignment", AID], capture_output=True, text=True)
            times["autograde (2 students)"] = time.monotonic() - step
            assert graded.returncode == 0, graded.stderr[-3000:]
            seen["formgrader"] = {s["student"]: s for s in formgrader(
                trial, tokens[trial.instructor], "GET", f"submissions/{AID}")}

            instructor = log_in(browser, trial, trial.instructor)
            seen["instructor menu"] = nbgrader_menu(instructor)
            instructor.goto(f"{trial.url}/user/{trial.instructor}/formgrader/manage_submissions/{AID}")
            scores = instructor.locator("td.score")
            scores.nth(1).wait_for()
            seen["formgrader page"] = dict(zip(instructor.locator("td.student-id").all_inner_texts(),
                                               scores.all_inner_texts()))

            feedback = subprocess.run([sys.executable, "-m", "autograder", "feedback", "--course-dir",
                                       str(trial.course), "--assignment", AID], capture_output=True, text=True)
            assert feedback.returncode == 0, feedback.stderr[-3000:]
            formgrader(trial, tokens[trial.instructor], "POST", f"assignment/{AID}/release_feedback")

            ada.reload()
            assignments_tab(ada)
            latest = ada.locator("#submitted_assignments_list > .list_item", has_text=AID)
            latest.get_by_role("button", name="Fetch Feedback").click()
            latest.get_by_text("(view feedback)").click()
            ada.locator(".jp-DirListing-item", has_text=f"{AID}.html").dblclick()
            frame = ada.frame_locator(".jp-HTMLViewer iframe")
            frame.locator("body").wait_for()
            ada.screenshot(path=str(tmp_path_factory.getbasetemp() / "ada-feedback.png"))
            seen["ada feedback"] = frame.locator("body").inner_text()
            assignment_action(trial, "brook", tokens["brook"], "fetch_feedback")
            seen["tokens"] = tokens
        times["the whole loop"] = time.monotonic() - start
        yield trial, seen, times
    finally:
        trial.stop()
        print("\n".join(f"{what}: {seconds:.1f} s" for what, seconds in times.items()))


def test_the_later_submission_counts_and_the_formgrader_shows_it(class_run):
    """Check that each student's later submission is the one graded, and the formgrader shows its score."""
    _, seen, _ = class_run
    scores = {student: row["score"] for student, row in seen["formgrader"].items()}
    assert scores["ada"] == 23 and 0 < scores["brook"] < 23, scores
    shown = {student: text.split("/")[0].strip() for student, text in seen["formgrader page"].items()}
    assert shown == {student: f"{score:g}" for student, score in scores.items()}, seen["formgrader page"]


def test_students_have_the_assignments_tab_and_none_of_the_instructors_menus(class_run):
    """Check that a student's Nbgrader menu has the Assignments tab only; the instructor's has the formgrader."""
    trial, seen, _ = class_run
    assert seen["ada menu"] == ["Assignment List"], seen["ada menu"]
    assert "Formgrader" in seen["instructor menu"], seen["instructor menu"]
    token = seen["tokens"]["brook"]
    assert trial.request("GET", "user/brook/formgrader", token)[0] == 404
    assert trial.request("GET", "user/brook/formgrader/api/submissions/" + AID, token)[0] == 404


def test_students_see_neither_each_other_nor_the_exchange(class_run):
    """Check that brook lists only his own submissions and reaches neither ada's server nor the exchange."""
    trial, seen, _ = class_run
    submitted = [entry for entry in seen["brook lists"] if entry[0] == "submitted"]
    assert len(submitted) == 2 and {student for _, student, _ in submitted} == {"brook"}, seen["brook lists"]
    token = seen["tokens"]["brook"]
    assert trial.request("GET", "user/ada/api/contents", token)[0] == 403
    assert trial.request("GET", f"user/{trial.instructor}/api/contents", token)[0] == 403
    top = trial.request("GET", "user/brook/api/contents", token)[1]
    assert {item["name"] for item in top["content"]} <= {AID, "feedback"}, top
    # brook's home is homes/brook in the class folder, beside ada's; the exchange and the course lie further up
    for outside in ("../ada", "../../exchange/backprop-by-hand/inbound", "../../course/source"):
        status, reply = trial.request("GET", f"user/brook/api/contents/{urllib.parse.quote(outside, safe='')}", token)
        assert status == 404 and "outside root" in reply["message"], (outside, status, reply)


def test_the_hub_restarted_mid_class_loses_nothing(class_run):
    """Check that a restart of the hub kept every server running and both later submissions were taken."""
    _, seen, _ = class_run
    before, after = seen["servers kept"]
    assert before == after and set(before) == {"instructor", "ada", "brook"}, seen["servers kept"]
    assert len([e for e in seen["ada lists"] if e[0] == "submitted"]) == 2, seen["ada lists"]


def test_ada_reads_her_feedback_in_jupyterlab(class_run):
    """Check that the feedback ada fetched opens in JupyterLab with her score and no hidden test."""
    trial, seen, _ = class_run
    text = html.unescape(seen["ada feedback"])
    assert AID in text and "23" in text, text[:2000]
    shown = [line for line in hidden_lines(AID) if line in text]
    assert not shown, shown
