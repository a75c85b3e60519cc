"""The Korean edition: per-cell gettext catalogues of the English release notebooks, and what is built from them.

    python -m autograder.translations extract [--assignment A]   # update translations/ko/A.po from release/A
    python -m autograder.translations build [--assignment A]     # write release_ko/A/A.ipynb from the two
    python -m autograder.translations check                      # fail on stale entries or stale notebooks

One entry per translatable cell, the way Sphinx's gettext builder keeps one per paragraph: `msgctxt` is the
cell id, `msgid` the English text of the cell, `msgstr` its Korean text, and an automatic comment holds a hash
of the English. The English release notebook (what nbgrader generates from source/) is what is translated, so
no solution or hidden test is ever in a catalogue or in a Korean notebook.

Translated: every markdown cell, and every code cell nbgrader does not lock: its string literals and comments
only (`translatable_code_change` says which strings may change). Locked cells (the test cells) stay byte for
byte English: nbgrader's Validate button and autograde compare their checksums, so a translated test cell would
be reported as changed. Cell ids, metadata and code are the English ones, so one grader grades both editions.
"""
import argparse
import ast
import hashlib
import io
import shutil
import sys
import tokenize
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from .notebooks import REPO, copy_notebook, existing_assignments, notebook_path, read_notebook

LANGUAGE = "ko"
FOLDER = f"release_{LANGUAGE}"  # release_ko/NN_name/NN_name.ipynb: the same file name as the English one
HASH = "sha256:"  # the automatic comment's prefix: the English text's hash, 12 hex digits
FIXED_DATE = datetime(2026, 12, 1, tzinfo=timezone.utc)  # the header's dates, so extract rewrites nothing
# Where a string literal is shown to the reader: keyword arguments, and the calls and methods that display text.
SHOWN_KEYWORDS = {"title", "hint", "label", "xlabel", "ylabel", "suptitle", "description", "text", "message"}
SHOWN_CALLS = {"print", "AssertionError", "ValueError", "TypeError", "RuntimeError", "set_title", "set_xlabel",
               "set_ylabel", "suptitle", "title", "xlabel", "ylabel", "text", "annotate", "Markdown", "HTML",
               "check_gradient"}  # its first argument names the quantity in the message
SHOWN_NAMES = {"hint", "title", "message", "label"}  # hint = "..." assigns a shown text


def catalogue_path(assignment, root=REPO):
    return Path(root) / "translations" / LANGUAGE / f"{assignment}.po"


def text_hash(text):
    return HASH + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def is_locked(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("locked") or meta.get("grade"))


def has_words(source):
    """Whether a code cell holds a comment or a string literal, something a translation could change."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    return any(t.type in (tokenize.COMMENT, tokenize.STRING) for t in tokens)


def translatable(cell):
    """Whether a cell gets a catalogue entry: markdown with text, or an unlocked code cell with words."""
    if not cell.source.strip():
        return False
    if cell.cell_type == "markdown":
        return True
    return cell.cell_type == "code" and not is_locked(cell) and has_words(cell.source)


def read_catalogue(path):
    with open(path, "rb") as f:
        return read_po(f, locale=LANGUAGE)


def write_catalogue(catalog, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    write_po(out, catalog, width=1_000_000, no_location=True)  # no wrapping: the lines are the cell's
    if not path.exists() or path.read_bytes() != out.getvalue():
        path.write_bytes(out.getvalue())


def new_catalogue(assignment):
    return Catalog(locale=LANGUAGE, domain=assignment, project=f"Backprop by Hand, {assignment}",
                   creation_date=FIXED_DATE, revision_date=FIXED_DATE, language_team="Korean",
                   header_comment=f"# Korean translation of {assignment}: one entry per cell (msgctxt = cell id).\n"
                                  "# Edit msgstr; remove the fuzzy flag once a stale entry is updated.\n#",
                   fuzzy=False)


def entries(catalog):
    """Map cell id -> message of a catalogue (its header left out)."""
    return {m.context: m for m in catalog if m.id and m.context}


def _pop_obsolete(catalog, cid):
    """Take the obsolete message of cell cid out of catalog (a cell that comes back), or None."""
    key = next((k for k, m in catalog.obsolete.items() if m.context == cid), None)
    return catalog.obsolete.pop(key) if key is not None else None


def previous_english(message):
    """The English a stale (fuzzy) entry's Korean translates, kept in its "#. |" comment lines, or None."""
    lines = [c[2:] if c.startswith("| ") else c[1:] for c in message.auto_comments if c.startswith("|")]
    return "\n".join(lines) if lines else None


def extract(assignment, root=REPO):
    """Update the assignment's catalogue from its English release notebook; return {new, stale, obsolete} ids.

    A new cell comes in untranslated; a cell whose English changed keeps its Korean, marked fuzzy, with
    the English it translated as the previous msgid; a translated cell gone is kept as obsolete (#~) for reuse.
    """
    nb = read_notebook(notebook_path(root, "release", assignment))
    path = catalogue_path(assignment, root)
    old = read_catalogue(path) if path.exists() else new_catalogue(assignment)
    known, catalog = entries(old), new_catalogue(assignment)
    changes = {"new": [], "stale": [], "obsolete": []}
    for cell in nb.cells:
        if not translatable(cell):
            continue
        english, before = cell.source, known.pop(cell.id, None) or _pop_obsolete(old, cell.id)
        flags, previous, string = set(), None, ""
        if before is not None:
            string, flags = before.string, set(before.flags)
            previous = previous_english(before) if before.fuzzy else None
            if before.id != english and string:
                flags.add("fuzzy")
                previous = previous or before.id
                changes["stale"].append(cell.id)
        else:
            changes["new"].append(cell.id)
        comments = before.user_comments if before is not None else ()
        hashed = [f"{cell.cell_type} {text_hash(english)}"]
        if previous is not None:  # Babel neither reads nor wraps "#| msgid": the old English goes in "#. |" lines
            hashed += ["translated from this English (now changed):"] + [f"| {line}" for line in previous.split("\n")]
        catalog[english] = Message(english, string, flags=flags, auto_comments=hashed, context=cell.id,
                                   user_comments=comments)
    for cid, message in known.items():  # an untranslated entry of a removed cell has nothing to keep
        if not message.string:
            continue
        catalog.obsolete[(message.id, cid)] = message
        changes["obsolete"].append(cid)
    for key, message in old.obsolete.items():
        catalog.obsolete[key] = message
    write_catalogue(catalog, path)
    return changes


def translated_cells(assignment, root=REPO):
    """Map cell id -> Korean text for each entry that is translated and not fuzzy (as Sphinx uses them)."""
    return {cid: m.string for cid, m in entries(read_catalogue(catalogue_path(assignment, root))).items()
            if m.string and not m.fuzzy}


def korean_notebook(assignment, root=REPO):
    """The Korean release notebook: the English one with each translated cell's source replaced."""
    nb = copy_notebook(read_notebook(notebook_path(root, "release", assignment)))
    catalog = entries(read_catalogue(catalogue_path(assignment, root)))
    for cell in nb.cells:
        message = catalog.get(cell.id)
        if message is not None and message.string and not message.fuzzy and message.id == cell.source:
            cell.source = message.string
    nb.metadata["course_language"] = LANGUAGE
    return nb


def catalogued(root=REPO):
    """The assignments that have a Korean catalogue, in course order."""
    return [a for a in existing_assignments(root) if catalogue_path(a, root).exists()]


def build(assignment, root=REPO):
    """Write release_ko/A/A.ipynb and copy the English release folder's data files beside it."""
    target = notebook_path(root, FOLDER, assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(korean_notebook(assignment, root)) + "\n"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    for data in notebook_path(root, "release", assignment).parent.iterdir():
        if data.is_file() and data.suffix != ".ipynb":
            shutil.copyfile(data, target.parent / data.name)
    return target


def problems(assignment, root=REPO):
    """What is wrong with an assignment's Korean edition today: stale, unknown or hand-edited entries, a stale
    notebook. Untranslated entries are not problems (see `progress`)."""
    found = []
    nb = read_notebook(notebook_path(root, "release", assignment))
    english = {c.id: c.source for c in nb.cells if translatable(c)}
    catalog = read_catalogue(catalogue_path(assignment, root))
    for cid, message in entries(catalog).items():
        if cid not in english:
            found.append(f"{assignment}.po: cell {cid} is no longer in the English notebook (run extract)")
        elif message.id != english[cid]:
            found.append(f"{assignment}.po: cell {cid}'s English changed since it was translated (run extract, "
                         "then update its msgstr)")
        elif message.fuzzy:
            found.append(f"{assignment}.po: cell {cid} is stale (fuzzy): update its msgstr to the new English "
                         "and remove the fuzzy flag")
        elif not any(c.endswith(text_hash(message.id)) for c in message.auto_comments):
            found.append(f"{assignment}.po: cell {cid}'s hash does not match its msgid (run extract)")
    found += [f"{assignment}.po: cell {cid} has no entry (run extract)" for cid in english
              if cid not in entries(catalog)]
    path = notebook_path(root, FOLDER, assignment)
    fresh = nbformat.writes(korean_notebook(assignment, root)) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != fresh:
        found.append(f"{path.relative_to(root)} is not what build makes now (run build and commit it)")
    return found


def progress(assignment, root=REPO):
    """(translated, entries) of an assignment's catalogue."""
    catalog = entries(read_catalogue(catalogue_path(assignment, root)))
    return sum(bool(m.string) and not m.fuzzy for m in catalog.values()), len(catalog)


# ---- what a translation of a code cell may change -------------------------------------------------------------

def _parents(tree):
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


def _call_name(call):
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def shown(node, parents):
    """Whether a string literal (Constant or JoinedStr) is text for the reader: a docstring, a message, a title."""
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Expr) and isinstance(parents.get(parent), (ast.Module, ast.FunctionDef,
                                                                           ast.ClassDef)):
            body = parents[parent].body
            return body[0] is parent  # a docstring
        if isinstance(parent, ast.Assert):
            return child is parent.msg
        if isinstance(parent, ast.keyword):
            return parent.arg in SHOWN_KEYWORDS
        if isinstance(parent, ast.Call):
            return child is not parent.func and _call_name(parent) in SHOWN_CALLS
        if isinstance(parent, ast.Assign):
            return any(isinstance(t, ast.Name) and t.id in SHOWN_NAMES for t in parent.targets)
        if not isinstance(parent, (ast.BinOp, ast.JoinedStr, ast.FormattedValue, ast.IfExp, ast.Tuple)):
            return False
        child, parent = parent, parents.get(parent)
    return False


class _Blank(ast.NodeTransformer):
    """Replace every shown string by one placeholder; f-strings keep their expressions and format specs."""

    def __init__(self, parents):
        self.parents = parents

    def visit_Constant(self, node):
        if isinstance(node.value, str) and shown(node, self.parents):
            return ast.Constant("<text>")
        return node

    def visit_JoinedStr(self, node):
        if shown(node, self.parents):
            values = [v for v in node.values if isinstance(v, ast.FormattedValue)]
            # an expression's own shown strings may change ({'every' if ... else 'the first 48'}), nothing else
            return ast.JoinedStr([ast.Constant("<text>")] + [ast.FormattedValue(self.visit(v.value), v.conversion,
                                                                                  v.format_spec) for v in values])
        return self.generic_visit(node)


def code_skeleton(source):
    """The code of a cell with its shown strings blanked and its comments gone, as an AST dump; and its tokens
    without strings, comments and line continuations (the cell's layout of statements)."""
    tree = ast.parse(source)
    blanked = _Blank(_parents(tree)).visit(tree)
    tokens = [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.STRING)]
    return ast.dump(blanked), tokens


def translatable_code_change(english, korean):
    """None when korean differs from english only in comments and shown strings, else what else differs."""
    try:
        ours = code_skeleton(korean)
    except SyntaxError as err:
        return f"the translation is not valid Python ({err})"
    theirs = code_skeleton(english)
    if ours[1] != theirs[1]:
        return "the translation changes the code's tokens, not only strings and comments"
    if ours[0] != theirs[0]:
        return "the translation changes a string that is code (an argument, a key, a name), not text for the reader"
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.translations", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["extract", "build", "check"])
    parser.add_argument("--assignment", action="append", help="an assignment id (repeat); default: every one "
                        "with a catalogue (extract: give it to start a new catalogue)")
    parser.add_argument("--root", type=Path, default=REPO, help="the course root (default: this repository)")
    args = parser.parse_args(argv)
    assignments = args.assignment or catalogued(args.root)
    if args.command == "extract":
        for aid in assignments:
            changes = extract(aid, args.root)
            done, total = progress(aid, args.root)
            said = "; ".join(f"{k}: {', '.join(v)}" for k, v in changes.items() if v) or "no English cell changed"
            print(f"{aid}: {done}/{total} cells translated; {said}")
    elif args.command == "build":
        for aid in assignments:
            print(build(aid, args.root).relative_to(args.root))
    else:
        found = [p for aid in assignments for p in problems(aid, args.root)]
        for aid in assignments:
            done, total = progress(aid, args.root)
            print(f"{aid}: {done}/{total} cells translated")
        print("\n".join(found) or "the Korean edition is up to date")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
