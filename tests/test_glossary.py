"""Check that the Korean notebooks follow translations/ko/GLOSSARY.md: each term translated by its Korean term,
the English in parentheses on first use, no English term left in the prose, no rejected word."""
import re
import sys

import pytest

from autograder import translations as tr
from autograder.notebooks import REPO

GLOSSARY = REPO / "translations" / tr.LANGUAGE / "GLOSSARY.md"


def glossary():
    """[(English variants, Korean, rejected words)] from the glossary's table."""
    rows = []
    for line in GLOSSARY.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("English", "") and not set(cells[0]) <= {"-"}:
            rows.append(([v.strip() for v in cells[0].split(" / ")], cells[1],
                         [w.strip() for w in cells[2].split(",") if w.strip()]))
    return rows


TERMS = glossary()


def english_pattern(variants):
    """Whole English words: a Hangul particle right after one ("weight를") does not hide it, as \\w would."""
    return re.compile(r"(?<![A-Za-z0-9_-])(" + "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
                      + r")(?![A-Za-z0-9_-])", re.IGNORECASE)


def flat(text):
    return re.sub(r"\s+", " ", text)


def without_code(text):
    """Markdown prose without code spans and math."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    return re.sub(r"\$[^$]*\$", " ", text)


def kept_in_english(korean, english):
    """korean without the emphasised spans it keeps verbatim from english (titles of cited works)."""
    for span in set(re.findall(r"\*+[^*]+\*+", english)):
        korean = korean.replace(span, " ")
    return korean


def longer_terms(variants):
    """The variants of other terms that contain one of these (local gradient contains gradient)."""
    return [v for other, _, _ in TERMS if other != variants for v in other
            if any(english_pattern([mine]).search(v) for mine in variants)]


def english_uses(variants, text):
    """Whether text uses the term itself, not only inside a longer term."""
    longer = longer_terms(variants)
    if longer:
        text = english_pattern(longer).sub(" ", text)
    return bool(english_pattern(variants).search(text))


def translated_markdown(aid):
    """[(cell id, English, Korean)] of an assignment's translated markdown cells, in notebook order."""
    catalog = tr.entries(tr.read_catalogue(tr.catalogue_path(aid)))
    return [(cid, m.id, m.string) for cid, m in catalog.items()
            if m.string and not m.fuzzy and any(c.startswith("markdown") for c in m.auto_comments)]


def test_the_glossary_has_the_issues_terms():
    """Check that the glossary holds the terms the edition must keep consistent, each with one Korean term."""
    korean = {k for _, k, _ in TERMS}
    assert {"역전파", "순전파", "기울기", "합성곱", "풀링", "가중치", "편향", "활성화 함수", "손실 함수", "수치 미분",
            "퍼셉트론", "연쇄 법칙", "계산 그래프", "국소 기울기", "상류 기울기"} <= korean
    assert len(korean) == len(TERMS)


@pytest.mark.parametrize("aid", tr.catalogued())
def test_each_english_term_is_translated_by_its_korean_term(aid):
    """Check cell by cell: where the English uses a glossary term, the Korean uses that term's Korean."""
    missing = []
    for cid, english, korean in translated_markdown(aid):
        english = kept_in_english(without_code(flat(english)), flat(korean))
        for variants, term, _ in TERMS:
            if english_uses(variants, english) and term not in flat(korean):
                missing.append(f"{cid}: {variants[0]} without {term}")
    assert not missing, missing


@pytest.mark.parametrize("aid", tr.catalogued())
def test_english_terms_appear_only_in_parentheses_and_rejected_words_never(aid):
    """Check that the Korean prose has no English glossary term outside parentheses, and no rejected word."""
    found = []
    for cid, english, korean in translated_markdown(aid):
        text = kept_in_english(without_code(flat(korean)), flat(english))
        while re.search(r"\([^()]*\)", text):
            text = re.sub(r"\([^()]*\)", " ", text)
        for variants, term, rejected in TERMS:
            if english_pattern(variants).search(text):
                found.append(f"{cid}: {english_pattern(variants).search(text)[0]!r} outside parentheses")
            found += [f"{cid}: {word!r} instead of {term}" for word in rejected if word in flat(korean)]
    assert not found, found


@pytest.mark.parametrize("aid", tr.catalogued())
def test_first_use_of_each_term_gives_the_english_in_parentheses(aid):
    """Check that each term's first use in the notebook's prose (headings aside) is followed by (English)."""
    prose = " ".join(" ".join(line for line in korean.splitlines() if not line.lstrip().startswith("#"))
                     for _, _, korean in translated_markdown(aid))
    prose = flat(without_code(prose))
    wrong = []
    for variants, term, _ in TERMS:
        at = prose.find(term)
        if at < 0:
            continue
        after = re.match(r"[*_]*\s?\(([^()]*)\)", prose[at + len(term):])
        if not after or not english_pattern(variants).search(after[1]):
            wrong.append(f"{term}: first used as {prose[max(at - 10, 0):at + len(term) + 25]!r}")
    assert not wrong, wrong


def test_the_checks_can_fail():
    """Check that the checks find a term left untranslated, an English term in the prose and a late parenthesis."""
    english, korean = "The weights and the bias.", "가중치와 바이어스."
    assert english_uses(["bias", "biases"], english) and "편향" not in korean
    assert english_uses(["gradient", "gradients"], "the local gradient and the gradient")
    assert not english_uses(["gradient", "gradients"], "the local gradient")
    assert english_pattern(["weight", "weights"]).search("가중치와 weights")
    assert english_pattern(["weight", "weights"]).search("모든 weight를")
    assert re.match(r"[*_]*\s?\(([^()]*)\)", "를 쓴다 (weight)") is None


ONLY_IN_PARENTHESES = test_english_terms_appear_only_in_parentheses_and_rejected_words_never


@pytest.mark.parametrize("corrupt, check", [
    (lambda k: k.replace("기울기(gradient)", "기울기"), test_first_use_of_each_term_gives_the_english_in_parentheses),
    (lambda k: k.replace("가중치(weight)", "weight"), ONLY_IN_PARENTHESES),
    (lambda k: k.replace("기울기", "그래디언트"), ONLY_IN_PARENTHESES),
    (lambda k: k.replace("편향", "치우침"), test_each_english_term_is_translated_by_its_korean_term),
], ids=["no-parenthesis", "english-left", "rejected-word", "other-term"])
def test_the_notebook_checks_fail_on_a_corrupted_translation(corrupt, check, monkeypatch):
    """Check that each notebook check fails on 03's translation with one kind of mistake put in."""
    rows = [(cid, english, corrupt(korean)) for cid, english, korean in translated_markdown("03_sigmoid_gates")]
    monkeypatch.setattr(sys.modules[__name__], "translated_markdown", lambda aid: rows)
    with pytest.raises(AssertionError):
        check("03_sigmoid_gates")
