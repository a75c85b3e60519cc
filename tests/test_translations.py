"""Check the Korean edition: built from the English release notebooks and the per-cell catalogues, fresh, with no
stale entry, and with the English code, ids and nbgrader metadata, so that one grader grades both editions."""
import json
import shutil

import pytest
from nbgrader.validator import Validator

from autograder import translations as tr
from autograder.grader import grade_class
from autograder.mistakes import catalogue
from autograder.notebooks import REPO, fill, nbgrader_cells, notebook_path, points, read_notebook, solution_code
from autograder.sandbox import Limits
from test_notebooks import run

CATALOGUED = tr.catalogued()
COMPLETE = ["01_perceptron_xor", "02_computational_graphs", "03_sigmoid_gates", "04_pooling_backprop",
            "05_conv_backprop", "06_train_a_cnn"]  # every notebook, every cell


def editions(aid):
    return read_notebook(notebook_path(REPO, "release", aid)), read_notebook(notebook_path(REPO, tr.FOLDER, aid))


def test_every_catalogue_and_korean_notebook_is_fresh():
    """Check that each Korean notebook is what build makes now and that no catalogue entry is stale."""
    assert set(COMPLETE) <= set(CATALOGUED)
    found = [p for aid in CATALOGUED for p in tr.problems(aid)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("aid", COMPLETE)
def test_finished_notebooks_are_translated_cell_by_cell(aid):
    """Check that every markdown cell and every unlocked code cell with words of a finished notebook is Korean
    (a code cell whose strings are all code or formulas is translated by itself: msgstr = msgid)."""
    done, total = tr.progress(aid)
    assert done == total > 0, f"{aid}: {total - done} of {total} cells untranslated"
    english, korean = editions(aid)
    for en, ko in zip(english.cells, korean.cells):
        if tr.translatable(en) and not (en.cell_type == "code" and ko.source == en.source):
            assert any("\uac00" <= ch <= "\ud7a3" for ch in ko.source), en.id


@pytest.mark.parametrize("aid", CATALOGUED)
def test_korean_notebook_keeps_the_code_ids_and_nbgrader_metadata(aid):
    """Check cell by cell: the same ids, types and metadata; code equal once strings and comments are removed;
    locked (test) cells byte for byte English; the same graded cells and points."""
    english, korean = editions(aid)
    assert [c.id for c in korean.cells] == [c.id for c in english.cells]
    for en, ko in zip(english.cells, korean.cells):
        assert (ko.cell_type, ko.metadata) == (en.cell_type, en.metadata), en.id
        if ko.cell_type == "code":
            assert ko.outputs == [] and ko.execution_count is None, en.id
            assert tr.translatable_code_change(en.source, ko.source) is None, en.id
            if tr.is_locked(en):
                assert ko.source == en.source, f"{en.id} is locked: nbgrader checks its checksum"
    for kind in ("solution", "grade"):
        assert list(nbgrader_cells(korean, kind)) == list(nbgrader_cells(english, kind))
    assert points(korean) == points(english)
    assert korean.metadata["course_language"] == "ko"
    assert sorted(p.name for p in notebook_path(REPO, tr.FOLDER, aid).parent.iterdir()) == \
        sorted(p.name for p in notebook_path(REPO, "release", aid).parent.iterdir())


ENGLISH_CODE = '''X, y = logic_gate("XOR")  # the four corners
print(f"epochs run: {len(errors)}")
plot_errors(errors, title="errors per epoch", ax=axes[0])
assert len(errors) == 20, "errors: run all epochs."
hint = "one unit cannot compute XOR"
'''


@pytest.mark.parametrize("korean, accepted", [
    (ENGLISH_CODE.replace("the four corners", "네 모서리").replace("epochs run", "실행한 에포크")
     .replace("errors per epoch", "에포크별 오류 수").replace("run all epochs.", "모든 에포크를 돈다.")
     .replace("one unit cannot compute XOR", "유닛 하나로는 XOR을 계산할 수 없다"), True),
    (ENGLISH_CODE.replace('"XOR"', '"배타적 논리합"'), False),  # a string that is code: an argument
    (ENGLISH_CODE.replace("len(errors)}", "len(errors) - 1}"), False),  # an f-string's expression
    (ENGLISH_CODE.replace('print(f"epochs run: {len(errors)}")', 'print(f"epochs run: {len(errors):3d}")'),
     False),  # an f-string's format spec
    (ENGLISH_CODE.replace("== 20", "== 21"), False),  # a number
    (ENGLISH_CODE.replace("axes[0]", "axes[1]"), False),
    (ENGLISH_CODE.replace("assert len", "assert  len"), True),  # spacing is not code
    (ENGLISH_CODE.replace("hint =", "힌트 ="), False),  # not valid... a renamed variable
    (ENGLISH_CODE + "x = 1\n", False),
])
def test_the_code_check_tells_text_from_code(korean, accepted):
    """Check that translatable_code_change accepts changed comments and shown strings and rejects the rest."""
    assert (tr.translatable_code_change(ENGLISH_CODE, korean) is None) == accepted


@pytest.fixture
def course_copy(tmp_path):
    """A course root with 01's source, release, catalogue and Korean notebook."""
    aid = "01_perceptron_xor"
    for folder in ("source", "release", tr.FOLDER):
        shutil.copytree(REPO / folder / aid, tmp_path / folder / aid)
    tr.catalogue_path(aid, tmp_path).parent.mkdir(parents=True)
    shutil.copyfile(tr.catalogue_path(aid), tr.catalogue_path(aid, tmp_path))
    return tmp_path, aid


def edit_release(root, aid, change):
    path = notebook_path(root, "release", aid)
    nb = json.loads(path.read_text())
    change(nb["cells"])
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def test_a_changed_english_cell_makes_its_translation_stale_until_updated(course_copy):
    """Check the whole loop on a copy: an English cell changes; check names it; extract marks it fuzzy and keeps
    the English it translated; build falls back to English there; the updated translation makes check pass."""
    root, aid = course_copy
    assert tr.problems(aid, root) == [] and tr.main(["check", "--root", str(root)]) == 0

    def change(cells):
        cell = next(c for c in cells if c["id"] == "cell-13")
        cell["source"] = "".join(cell["source"]).replace("The shaded", "The lightly shaded")
    edit_release(root, aid, change)
    found = tr.problems(aid, root)
    assert any("cell-13" in p and "changed" in p for p in found), found
    assert tr.main(["check", "--root", str(root)]) == 1

    changes = tr.extract(aid, root)
    assert changes == {"new": [], "stale": ["cell-13"], "obsolete": []}
    message = tr.entries(tr.read_catalogue(tr.catalogue_path(aid, root)))["cell-13"]
    assert message.fuzzy and "The shaded" in tr.previous_english(message) and "lightly" in message.id and message.string
    assert any("cell-13" in p and "stale" in p for p in tr.problems(aid, root))
    tr.build(aid, root)
    built = read_notebook(notebook_path(root, tr.FOLDER, aid))
    assert "lightly" in next(c for c in built.cells if c.id == "cell-13").source  # English until translated
    assert any("cell-13" in p for p in tr.problems(aid, root))  # still stale, though the notebook is fresh

    catalog = tr.read_catalogue(tr.catalogue_path(aid, root))  # the translator updates the entry
    entry = tr.entries(catalog)["cell-13"]
    entry.string = entry.string.replace("색칠된 쪽이", "옅게 색칠된 쪽이")
    entry.flags.discard("fuzzy")
    tr.write_catalogue(catalog, tr.catalogue_path(aid, root))
    assert [p for p in tr.problems(aid, root) if "cell-13" in p] == []
    tr.build(aid, root)
    assert tr.problems(aid, root) == []
    assert tr.extract(aid, root) == {"new": [], "stale": [], "obsolete": []}  # extract again changes nothing


def test_new_and_removed_cells_come_in_untranslated_and_go_obsolete(course_copy):
    """Check that a new English cell gets an empty entry and a removed one is kept as obsolete, then comes back."""
    root, aid = course_copy
    removed = {}

    def change(cells):
        removed.update(cells.pop(next(i for i, c in enumerate(cells) if c["id"] == "cell-22")))
        cells.insert(1, {"cell_type": "markdown", "id": "cell-new", "metadata": {}, "source": "A new paragraph."})
    edit_release(root, aid, change)
    assert tr.extract(aid, root) == {"new": ["cell-new"], "stale": [], "obsolete": ["cell-22"]}
    catalog = tr.read_catalogue(tr.catalogue_path(aid, root))
    assert tr.entries(catalog)["cell-new"].string == ""
    assert [m.context for m in catalog.obsolete.values()] == ["cell-22"]
    assert tr.progress(aid, root) == (20, 21)

    def restore(cells):
        cells.pop(1)
        cells.insert(22, removed)
    edit_release(root, aid, restore)
    assert tr.extract(aid, root) == {"new": [], "stale": [], "obsolete": []}
    assert tr.progress(aid, root) == (21, 21)


def test_a_hand_edited_msgid_is_found(course_copy):
    """Check that an entry whose msgid no longer matches its hash (edited by hand) is reported."""
    root, aid = course_copy
    path = tr.catalogue_path(aid, root)
    path.write_text(path.read_text().replace("## 4. Watching it learn", "## 4. Watching it lern", 1))
    found = tr.problems(aid, root)
    assert any("cell-13" in p for p in found), found


def _solved(aid, tmp_path, folder):
    """A folder of tmp_path holding folder's notebook of aid with the source's solutions filled in, and its data."""
    where = tmp_path / folder / aid
    shutil.copytree(notebook_path(REPO, folder, aid).parent, where)
    nb = fill(read_notebook(notebook_path(REPO, folder, aid)), solution_code(read_notebook(notebook_path(REPO,
                                                                                                      "source", aid))))
    path = where / f"{aid}.ipynb"
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return path


@pytest.mark.slow  # a kernel per notebook
@pytest.mark.parametrize("aid", COMPLETE)
def test_korean_notebook_runs_clean_solved_and_fails_every_test_as_shipped(aid, tmp_path):
    """Check that the Korean notebook with the solutions runs without an error or stderr (a missing glyph would
    warn there), passes nbgrader's Validate (the locked cells' checksums included), and fails every test as shipped."""
    path = _solved(aid, tmp_path, tr.FOLDER)
    nb = run(read_notebook(path), path.parent)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{cell.id}: {out.ename}: {out.evalue}"
            assert out.get("name") != "stderr", f"{cell.id} wrote to stderr: {out.text[:300]}"
    found = Validator().validate(str(path))
    assert not any(found.values()), found
    shipped = notebook_path(REPO, tr.FOLDER, aid)
    tests = nbgrader_cells(run(read_notebook(shipped), shipped.parent), "grade")
    passing = [gid for gid, cell in tests.items() if not any(o.output_type == "error" for o in cell.outputs)]
    assert tests and not passing, f"tests that pass on the stubs: {passing}"


@pytest.mark.slow  # grades in sandboxes
@pytest.mark.parametrize("aid", COMPLETE)
def test_a_korean_submission_gets_the_english_grade(aid, tmp_path):
    """Check that the grader gives the same scores, cell by cell, to the same code submitted in either edition:
    a correct submission and one with each function's first catalogued mistake."""
    root = tmp_path / "course"
    for folder in ("source", "release"):
        shutil.copytree(REPO / folder / aid, root / folder / aid)
    code = solution_code(read_notebook(notebook_path(root, "source", aid)))
    first = {}
    for m in catalogue(aid):
        first.setdefault(m.function, m)
    variants = {"right": code} | {f"wrong-{f}": {**code, f: m.code(code)} for f, m in first.items()}
    for folder, edition in (("release", "en"), (tr.FOLDER, "ko")):
        release = read_notebook(notebook_path(REPO, folder, aid))
        for name, solution in variants.items():
            path = notebook_path(root / "submitted" / f"{edition}-{name}", "", aid)
            path.parent.mkdir(parents=True)
            path.write_text(json.dumps(fill(release, solution), indent=1, ensure_ascii=False) + "\n")
    roster = sorted(p.name for p in (root / "submitted").iterdir())
    rows = {g.student: g for g in grade_class(root, aid, roster, Limits())}
    for name in variants:
        en, ko = rows[f"en-{name}"], rows[f"ko-{name}"]
        assert en.gradable and ko.gradable, (en.notes, ko.notes)
        assert ko.outcome.scores == en.outcome.scores, name
        assert sorted(ko.outcome.flags) == sorted(en.outcome.flags), name
    assert rows["en-right"].outcome.scores != rows[f"en-wrong-{next(iter(first))}"].outcome.scores


SHOWN_IN_F_STRING = '''title = (f"{'every' if len(shown) == len(wrong) else 'the first 48'} "
         f"digit{'s' if n > 1 else ''}: {len(shown):3d}")
plot(t, title=f"test digit {y[0]} after {names['relu']}")
'''


@pytest.mark.parametrize("korean, accepted", [
    (SHOWN_IN_F_STRING.replace("'every'", "'모든'").replace("'the first 48'", "'처음 48개의'")
     .replace("'s' if", "'' if").replace('f"digit{', 'f"숫자{').replace("test digit", "테스트 숫자"), True),
    (SHOWN_IN_F_STRING.replace("n > 1", "n > 2"), False),  # an expression inside
    (SHOWN_IN_F_STRING.replace(":3d", ":4d"), False),  # a format spec
    (SHOWN_IN_F_STRING.replace("names['relu']", "names['렐루']"), False),  # a key inside
])
def test_shown_strings_inside_an_f_string_may_change_and_its_code_not(korean, accepted):
    """Check that the conditional words of a shown f-string may be translated, its expressions and keys not."""
    assert (tr.translatable_code_change(SHOWN_IN_F_STRING, korean) is None) == accepted
