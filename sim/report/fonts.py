"""Fonts and figure style: a CJK font for Chinese figures, print sizes for all.

Chinese labels need a font with CJK glyphs; matplotlib's default (DejaVu Sans) has
none and would draw empty boxes. :func:`cjk_font` looks, in matplotlib's font manager,
for the families listed in ``CJK_FAMILIES`` (Simplified Chinese faces first), then for
any family whose name says CJK, and accepts the first that has a glyph for every
character the Chinese labels use. matplotlib caches its font list; when the cache
predates the font's installation, the system's font files are scanned and CJK ones are
added before giving up. With no such font, :class:`MissingFontError` says how to
install one; a report is never drawn with missing glyphs.

In a Chinese figure the CJK font comes first and DejaVu Sans after it, so matplotlib's
per-glyph fallback draws Latin letters, digits and symbols (μ, σ, −) from either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import matplotlib
from matplotlib import font_manager

from sim.report.labels import all_strings

CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
    "Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "Noto Serif SC",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Sarasa Gothic SC",
    "Noto Sans CJK TC", "Noto Sans CJK JP",
)
CJK_FILE_NAMES = re.compile(r"cjk|wqy|wenquan|sourcehan|source-han|notosanssc|notoserifsc|sarasa", re.IGNORECASE)
INSTALL_HINT = "sudo apt-get install fonts-noto-cjk"
LATIN_FALLBACK = "DejaVu Sans"
DPI = 300
"""PNG resolution: print quality."""


class MissingFontError(Exception):
    """No installed font can draw the Chinese labels."""

    def __init__(self) -> None:
        super().__init__(
            "Chinese figures need a CJK font and none is installed (looked for Noto Sans/Serif CJK, Source Han, "
            f"WenQuanYi via matplotlib's font manager); install one with: {INSTALL_HINT}")


def _cjk_characters() -> set[str]:
    return {c for text in all_strings("zh") for c in text if ord(c) >= 0x2E80}


def _covers(family: str, characters: set[str]) -> bool:
    """Whether the face matplotlib picks for ``family`` has a glyph for every character."""
    try:
        path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return False
    font = font_manager.get_font(path)
    return all(font.get_char_index(ord(c)) for c in characters)


def _candidates() -> list[str]:
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    named = [family for family in CJK_FAMILIES if family in known]
    return named + sorted(name for name in known if "CJK" in name and name not in named)


def _add_uncached_system_fonts() -> None:
    """Add the system's CJK font files that matplotlib's cached font list lacks."""
    cached = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in cached and CJK_FILE_NAMES.search(path):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The family name of an installed font that draws every Chinese label."""
    characters = _cjk_characters()
    for attempt in range(2):
        for family in _candidates():
            if _covers(family, characters):
                return family
        if attempt == 0:
            _add_uncached_system_fonts()
    raise MissingFontError()


def rc_params(lang: str) -> dict[str, Any]:
    """matplotlib settings of a report figure in ``lang``: print sizes and fonts.

    PDF embeds TrueType subsets (``pdf.fonttype`` 42), which journals accept and which
    keep the text searchable; SVG draws text as paths, so it shows the same
    everywhere."""
    families = [cjk_font(), LATIN_FALLBACK] if lang == "zh" else [LATIN_FALLBACK]
    return {
        "font.family": families,
        "font.size": 8,
        "axes.titlesize": 8.5,
        "axes.labelsize": 8,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "legend.fontsize": 7,
        "figure.titlesize": 9.5,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.linewidth": 0.4,
        "grid.alpha": 0.4,
        "lines.linewidth": 1.2,
        "savefig.dpi": DPI,
        "pdf.fonttype": 42,
        "svg.fonttype": "path",
    }


@contextmanager
def figure_style(lang: str) -> Iterator[None]:
    """Draw and save figures in the report style of ``lang``.

    Both creating and saving a figure must happen inside: tick labels and legends
    take their font when they are drawn."""
    with matplotlib.rc_context(rc_params(lang)):
        yield
