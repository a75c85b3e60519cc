"""Hangul in figures: a CJK font as matplotlib's fallback, behind the course's usual font.

matplotlib draws each character from the first family in `font.family` that has it, so appending a Hangul
family leaves every English figure as it was (DejaVu Sans has all its characters) and draws Korean titles,
labels and tick texts from Noto Sans CJK KR (Debian's `fonts-noto-cjk`, which `.ci/run` installs) instead of
missing-glyph boxes. Without that font nothing changes, and no warning is logged.
"""
from pathlib import Path

import matplotlib
from matplotlib import font_manager

HANGUL_FAMILY = "Noto Sans CJK KR"
# Debian's fonts-noto-cjk; matplotlib's font cache may predate the package, so the files are added by path
FONT_FILES = [Path("/usr/share/fonts/opentype/noto") / name
              for name in ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc")]


def hangul_font_available():
    """Whether matplotlib knows the Hangul family, after adding Debian's files if its cache predates them."""
    if not any(f.name == HANGUL_FAMILY for f in font_manager.fontManager.ttflist):
        for path in FONT_FILES:
            if path.exists():
                font_manager.fontManager.addfont(str(path))
    return any(f.name == HANGUL_FAMILY for f in font_manager.fontManager.ttflist)


def use_hangul_fallback():
    """Append the Hangul family to `font.family` (once); return whether Hangul can now be drawn."""
    if not hangul_font_available():
        return False
    families = list(matplotlib.rcParams["font.family"])
    if HANGUL_FAMILY not in families:
        matplotlib.rcParams["font.family"] = families + [HANGUL_FAMILY]
    return True
