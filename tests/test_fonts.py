"""Check that figures draw Hangul (the Korean edition's titles and labels), not missing-glyph boxes, and that the
Hangul fallback leaves English figures pixel for pixel as they were."""
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text

from course.fonts import HANGUL_FAMILY, hangul_font_available, use_hangul_fallback
from course.glyphs import QuickText

KOREAN = "역전파"
MISSING = "\ue000" * len(KOREAN)  # private use: no font has it, so every renderer draws its missing-glyph box

pytestmark = pytest.mark.skipif(not hangul_font_available(), reason=f"{HANGUL_FAMILY} is not installed "
                                "(Debian's fonts-noto-cjk; .ci/run installs it)")


def render(text, kind=Text, families=None, fontsize=20):
    """Grey levels (h, w) of one text drawn alone in a small figure, with font.family = families."""
    with matplotlib.rc_context({"font.family": families or matplotlib.rcParams["font.family"]}), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph 57344 missing from font(s)": the point of MISSING
        fig = plt.figure(figsize=(2.0, 0.8), dpi=100)
        fig.add_artist(kind(0.5, 0.5, text, ha="center", va="center", fontsize=fontsize, transform=fig.transFigure))
        fig.canvas.draw()
        image = np.asarray(fig.canvas.buffer_rgba())[:, :, :3].mean(axis=2)
        plt.close(fig)
    return image


def fallback():
    use_hangul_fallback()
    return list(matplotlib.rcParams["font.family"])


def test_the_course_appends_the_hangul_family_once_after_the_usual_font():
    """Check that importing a drawing module of the course puts the Hangul family last in font.family, once."""
    import course.plots  # noqa: F401  (the import is what sets it)
    families = fallback()
    assert families[-1] == HANGUL_FAMILY and families.count(HANGUL_FAMILY) == 1
    assert families[0] == "sans-serif"
    use_hangul_fallback()
    assert list(matplotlib.rcParams["font.family"]) == families


@pytest.mark.parametrize("kind", [Text, QuickText], ids=["Text", "QuickText"])
def test_korean_is_drawn_not_boxes(kind):
    """Check that a Korean label is neither blank nor missing-glyph boxes, with Text and with QuickText.

    Without a Hangul font matplotlib draws each syllable as its last-resort box (one picture per Unicode block,
    the same for every syllable), and U+E000 as another box: the label must differ from both, and from blank,
    and its syllables from one another.
    """
    families = fallback()
    korean = render(KOREAN, kind, families)
    boxes = render(KOREAN, kind, ["sans-serif"])  # what a figure without the fallback draws
    for other, what in [(boxes, "missing-glyph boxes"), (render(MISSING, kind, families), "U+E000 boxes"),
                        (render("", kind, families), "blank")]:
        assert np.abs(korean - other).mean() > 2, f"the Korean label {KOREAN!r} is drawn as {what}"
    assert (korean < 128).sum() > 100, "the Korean label drew (almost) nothing"
    syllables = [render(char, kind, families) for char in KOREAN]
    assert all(np.abs(a - b).mean() > 1 for i, a in enumerate(syllables) for b in syllables[i + 1:]), \
        "two syllables are drawn alike: boxes, not glyphs"


def test_without_the_fallback_korean_would_be_boxes():
    """Check that the test can fail: with DejaVu Sans alone every syllable is the same box."""
    first, *others = [render(char, families=["sans-serif"]) for char in KOREAN]
    assert all(np.array_equal(first, other) for other in others)


def test_quick_text_draws_korean_as_text_does():
    """Check that QuickText leaves Korean to Text (its cached font lacks Hangul): the same pixels."""
    families = fallback()
    assert np.array_equal(render("기울기 = 0.25", QuickText, families), render("기울기 = 0.25", Text, families))


@pytest.mark.parametrize("text", ["backpropagation: the decision line after each epoch", "σ'(x) = 0.25 · w0",
                                  "$\\partial f / \\partial x$"])
def test_english_figures_are_unchanged_by_the_fallback(text):
    """Check that an English text draws the same pixels with and without the Hangul fallback."""
    assert np.array_equal(render(text, families=["sans-serif"]), render(text, families=fallback()))
