"""The course package's message catalogues: what `_("...")` the modules of a domain say, and their Korean.

`python -m autograder.translations messages` updates `course/locale/ko/LC_MESSAGES/<domain>.po` from the
sources (new messages get an empty msgstr, changed ones are kept as fuzzy with their old Korean, gone ones
are dropped); `check` reports what is untranslated, fuzzy or obsolete.
"""
import re
from datetime import datetime, timezone

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from course.i18n import LOCALE, catalogue_path

from .notebooks import REPO

FIXED_DATE = datetime(2026, 12, 1, tzinfo=timezone.utc)  # the header's dates, so an update rewrites nothing
_DOMAIN = re.compile(r"""\bmessages\(["'](\w+)["']\)""")
KEYWORDS = {"_": None}


def domains(root=REPO):
    """{domain: [module paths]} of the course package, from each module's `_ = messages("domain")`."""
    found = {}
    for path in sorted((root / "course").glob("*.py")):
        for domain in set(_DOMAIN.findall(path.read_text(encoding="utf-8"))):
            found.setdefault(domain, []).append(path)
    return found


def extracted(paths, root=REPO):
    """{msgid: [(file, line)]} of every `_("...")` in paths."""
    found = {}
    for path in paths:
        for line, text, _comments, _context in extract_from_file("python", path, keywords=KEYWORDS):
            found.setdefault(text, []).append((str(path.relative_to(root)), line))
    return found


def read(domain, root=REPO):
    path = root / catalogue_path(domain).relative_to(LOCALE.parent.parent)
    if not path.exists():
        return Catalog(locale="ko", domain=domain)
    with open(path, "rb") as f:
        return read_po(f, locale="ko", domain=domain)


def update(domain, paths, root=REPO):
    """Rewrite a domain's catalogue from its sources; return (new, dropped) msgids."""
    old = read(domain, root)
    source = extracted(paths, root)
    catalog = Catalog(locale="ko", domain=domain, project="Backprop by Hand", version="1",
                      creation_date=FIXED_DATE, revision_date=FIXED_DATE, header_comment=(
        f"# Korean messages of the course package, domain {domain!r} (course/i18n.py).\n"
        "# Updated by: python -m autograder.translations messages"))
    for text, places in source.items():
        kept = old.get(text)
        catalog.add(text, kept.string if kept else "", locations=places,
                    flags=kept.flags if kept else ())
    path = root / catalogue_path(domain).relative_to(LOCALE.parent.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        write_po(f, catalog, width=120, omit_header=False, sort_output=False)
    return ([t for t in source if t not in old], [m.id for m in old if m.id and m.id not in source])


def problems(root=REPO):
    """What keeps the course's Korean messages from being complete: one line per message."""
    found = []
    for domain, paths in domains(root).items():
        source, catalog = extracted(paths, root), read(domain, root)
        for text in source:
            entry = catalog.get(text)
            if entry is None or not entry.string:
                found.append(f"{domain}.po: not translated: {text!r}")
            elif entry.fuzzy:
                found.append(f"{domain}.po: fuzzy (the English changed): {text!r}")
            elif set(re.findall(r"{\w*}", text)) != set(re.findall(r"{\w*}", entry.string)):
                found.append(f"{domain}.po: the Korean's {{fields}} differ from the English's: {text!r}")
        found += [f"{domain}.po: obsolete: {m.id!r}" for m in catalog if m.id and m.id not in source]
    return found
