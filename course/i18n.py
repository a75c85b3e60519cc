"""The course package's messages in the notebook's language, through gettext catalogues made with Babel.

    from .i18n import messages
    _ = messages("checks")          # one domain per kind of text: checks, explorers
    raise GradientError(_("{name}: it has the wrong sign.").format(name=name))

A domain's Korean catalogue is `course/locale/ko/LC_MESSAGES/<domain>.po`; `python -m autograder.translations
messages` extracts every `_("...")` of the modules that use the domain and updates the catalogue, and `check`
fails while an entry is missing, fuzzy or obsolete. The `.po` is compiled in memory on first use, so no binary
file is committed.

The language, English by default, is the first of:
- `speaking("ko")`, a block of one thread (the grader, judging a Korean submission);
- `use_language("ko")`, called in a notebook;
- the environment variable COURSE_LANGUAGE (the grader sets it from the submission's metadata);
- the `course_language` metadata of the notebook the kernel runs (JupyterLab names it in JPY_SESSION_NAME).
"""
import gettext
import io
import json
import os
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

LOCALE = Path(__file__).parent / "locale"
LANGUAGES = ("en", "ko")  # en: the msgids themselves
_chosen = []
_here = threading.local()  # speaking(): one thread's language for a while (the grader judges one notebook)


def use_language(code):
    """Speak code ("en" or "ko") from now on in this process."""
    if code not in LANGUAGES:
        raise ValueError(f"the course speaks {', '.join(LANGUAGES)}, not {code!r}")
    _chosen[:] = [code]


@contextmanager
def speaking(code):
    """Speak code in this thread inside the block (an unknown code: English), whatever the process speaks."""
    before = getattr(_here, "code", None)
    _here.code = code if code in LANGUAGES else "en"
    try:
        yield
    finally:
        _here.code = before


def language():
    """The language chosen for this thread: speaking, use_language, COURSE_LANGUAGE, the notebook's metadata, or
    "en"."""
    if getattr(_here, "code", None):
        return _here.code
    if _chosen:
        return _chosen[0]
    code = os.environ.get("COURSE_LANGUAGE") or _notebook_language(os.environ.get("JPY_SESSION_NAME", ""))
    return code if code in LANGUAGES else "en"


@lru_cache(maxsize=None)
def _notebook_language(path):
    if not path.endswith(".ipynb"):
        return ""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["metadata"].get("course_language", "")
    except (OSError, ValueError, KeyError, AttributeError):  # a notebook being saved or not a notebook: English
        return ""


def catalogue_path(domain, code="ko"):
    return LOCALE / code / "LC_MESSAGES" / f"{domain}.po"


@lru_cache(maxsize=None)
def _translations(domain, code):
    if code == "en" or not catalogue_path(domain, code).exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo  # Babel only when a translation is used
    from babel.messages.pofile import read_po
    with open(catalogue_path(domain, code), "rb") as po:
        catalog = read_po(po)
    mo = io.BytesIO()
    write_mo(mo, catalog)  # fuzzy entries are left out: their English is shown until they are updated
    mo.seek(0)
    return gettext.GNUTranslations(mo)


def messages(domain):
    """The `_` of a domain: the text in the current language (its English when it is not translated)."""
    def _(text):
        return _translations(domain, language()).gettext(text)
    _.domain = domain
    return _
