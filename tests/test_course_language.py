"""The course package's messages in Korean: the catalogues, how the language is chosen, and graded feedback."""
import json
import os
import subprocess
import sys
import threading

import nbformat
import numpy as np
import pytest
from babel.messages.pofile import read_po

from autograder import message_catalogues
from autograder.mistakes import catalogue
from autograder.notebooks import REPO, fill, notebook_path, read_notebook, solution_code
from autograder.pipeline import Course, copy_course
from autograder.results import GRADED
from course import i18n
from course.gradcheck import GradientError, assert_close, check_backward, diagnose
from helpers import failure_messages, function_scores

HANGUL = range(0xAC00, 0xD7A4)


def korean(text):
    return any(ord(ch) in HANGUL for ch in text)


def translation(domain, english):
    with open(i18n.catalogue_path(domain), "rb") as f:
        return read_po(f)[english].string


@pytest.fixture
def ko():
    with i18n.speaking("ko"):
        yield


def test_every_message_of_the_checks_is_translated():
    """Check that the checks' catalogue has a current Korean entry, with the same {fields}, for every message."""
    assert [p for p in message_catalogues.problems() if p.startswith("checks.po")] == []


def test_diagnoses_speak_korean_inside_speaking_and_english_outside(ko):
    """Check that a diagnosis is the catalogue's Korean in a Korean block, and the English msgid outside it."""
    a = np.arange(1.0, 10.0).reshape(3, 3)
    assert diagnose(-a, a) == translation("checks", "it has the wrong sign.")
    assert "180도 회전" in diagnose(a[::-1, ::-1], a)
    with pytest.raises(GradientError, match="상대 오차 .*: 허용 오차 1e-07보다 크다; 상수배 2만큼"):
        assert_close("dx", 2 * a, a, 1e-7)
    with i18n.speaking("en"):
        assert diagnose(-a, a) == "it has the wrong sign."
        assert diagnose(a.T, a) == "it is transposed."


def test_a_changed_input_is_reported_in_korean(ko):
    """Check that check_backward's own messages (an input changed in place) are translated too."""
    def forward(x):
        return x * 2, x

    def backward(dout, cache):
        cache *= 0  # the mistake: works on the input itself
        return dout * 2

    with pytest.raises(GradientError, match="^dx: 입력이 제자리에서 바뀌었다"):
        check_backward(forward, backward, [np.ones(3)], ["dx"])


def test_one_thread_speaking_korean_leaves_the_others_english():
    """Check that speaking() is one thread's, so the grader can judge a Korean and an English notebook at once."""
    said, inside, leave = [], threading.Event(), threading.Event()

    def judge_korean():
        with i18n.speaking("ko"):
            inside.set()
            leave.wait(10)

    t = threading.Thread(target=judge_korean)
    t.start()
    inside.wait(10)
    said.append(diagnose(-np.ones(2), np.ones(2)))
    leave.set()
    t.join()
    assert said == ["it has the wrong sign."]


def _language_in_a_fresh_python(env, code="print(language())"):
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_LANGUAGE", "JPY_SESSION_NAME")} | env
    out = subprocess.run([sys.executable, "-c", f"from course.i18n import language, use_language\n{code}"],
                         cwd=REPO, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_the_language_comes_from_the_notebook_the_environment_or_a_call(tmp_path):
    """Check the order: English by default, then the notebook's metadata (JupyterLab's JPY_SESSION_NAME), then
    COURSE_LANGUAGE, then use_language()."""
    nb = tmp_path / "01.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {"course_language": "ko"}, "nbformat": 4,
                              "nbformat_minor": 5}))
    assert _language_in_a_fresh_python({}) == "en"
    assert _language_in_a_fresh_python({"JPY_SESSION_NAME": str(nb)}) == "ko"
    assert _language_in_a_fresh_python({"JPY_SESSION_NAME": str(tmp_path / "gone.ipynb")}) == "en"
    assert _language_in_a_fresh_python({"COURSE_LANGUAGE": "ko"}) == "ko"
    assert _language_in_a_fresh_python({"COURSE_LANGUAGE": "xx"}) == "en"
    assert _language_in_a_fresh_python({"COURSE_LANGUAGE": "ko"}, "use_language('en'); print(language())") == "en"
    with pytest.raises(ValueError, match="not 'fr'"):
        i18n.use_language("fr")


def test_the_catalogue_update_finds_new_changed_and_gone_messages(tmp_path):
    """Check that `messages` adds a new message untranslated, drops a gone one, and `check` says what is missing."""
    (tmp_path / "course").mkdir()
    module = tmp_path / "course" / "talk.py"
    module.write_text('from .i18n import messages\n_ = messages("talk")\nA = _("hello {name}")\nB = _("bye")\n')
    [paths] = message_catalogues.domains(tmp_path).values()
    assert message_catalogues.update("talk", paths, tmp_path) == (["hello {name}", "bye"], [])
    assert len(message_catalogues.problems(tmp_path)) == 2
    po = tmp_path / "course" / "locale" / "ko" / "LC_MESSAGES" / "talk.po"
    po.write_text(po.read_text().replace('msgid "bye"\nmsgstr ""', 'msgid "bye"\nmsgstr "안녕"')
                  .replace('msgid "hello {name}"\nmsgstr ""', 'msgid "hello {name}"\nmsgstr "안녕 {이름}"'))
    assert message_catalogues.problems(tmp_path) == [
        "talk.po: the Korean's {fields} differ from the English's: 'hello {name}'"]
    module.write_text('from .i18n import messages\n_ = messages("talk")\nB = _("bye")\n')
    assert message_catalogues.update("talk", paths, tmp_path) == ([], ["hello {name}"])
    assert message_catalogues.problems(tmp_path) == []
    assert 'msgstr "안녕"' in po.read_text()


# What the diagnoses say in Korean. Both mistakes' `says` words are in their test cells' hints, which stay English
# for now (locked cells; translating them at run time is the next step), so the Korean checked is the diagnosis.
SAYS_KO = {"corr2d_backward-kernel-not-flipped": "값이 틀렸다",
           "conv_backward_flip-kernel-not-flipped": "성분 252개 중 252개"}


@pytest.fixture(scope="module")
def graded_in_both_editions(tmp_path_factory):
    """Two mistakes of 05, each submitted in the English and in the Korean edition, graded in sandboxes."""
    aid = "05_conv_backprop"
    root = copy_course(tmp_path_factory.mktemp("languages"))
    course = Course(root)
    course.release()
    code = solution_code(read_notebook(notebook_path(root, "source", aid)))
    mistakes = {m.id: m for m in catalogue(aid) if m.id in SAYS_KO}
    assert set(mistakes) == set(SAYS_KO)
    for edition, folder in (("en", "release"), ("ko", "release_ko")):
        released = read_notebook(notebook_path(REPO, folder, aid))
        for m in mistakes.values():
            path = notebook_path(root / "submitted" / f"{m.id}-{edition}", "", aid)
            path.parent.mkdir(parents=True)
            nbformat.write(fill(released, {**code, m.function: m.code(code)}), path)
    return root, mistakes, course.autograde(assignments=[aid])


@pytest.mark.slow
@pytest.mark.parametrize("mid", sorted(SAYS_KO))
def test_a_korean_submission_is_told_its_mistake_in_korean_for_the_same_points(graded_in_both_editions, mid):
    """Check that a mistake in the Korean edition loses the same points, with the grader's words in Korean."""
    root, mistakes, results = graded_in_both_editions
    m, aid = mistakes[mid], "05_conv_backprop"
    assert {r.status for r in results} == {GRADED}
    assert function_scores(root, aid, f"{mid}-ko") == function_scores(root, aid, f"{mid}-en")
    english = failure_messages(root, aid, f"{mid}-en", m.function)
    said = failure_messages(root, aid, f"{mid}-ko", m.function)
    assert any(m.says in s for s in english), english
    assert any(SAYS_KO[mid] in s for s in said) and not any("relative error" in s for s in said), said
