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

Journals' preflight checks (and poppler's ``pdffonts``) want fonts embedded as
TrueType. The CJK fonts Debian and Ubuntu ship (Noto Sans CJK, Source Han) have
PostScript (CFF) outlines, which matplotlib embeds as they are, so the PDF would hold
a "CID Type 0C" font even with ``pdf.fonttype`` 42. :func:`truetype_family` therefore
draws Chinese figures with a TrueType copy of the CJK font: a subset holding the
characters the figures can show (every label, ASCII — scenario names and parameter
paths are ASCII — and a few symbols), its cubic outlines converted to quadratic ones
with fontTools (a matplotlib dependency), cached in matplotlib's cache folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection, TTFont, newTable
from matplotlib import font_manager

from sim.report.labels import LANGUAGES, all_strings

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "Noto Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Sarasa Gothic SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
)
CJK_FILE_NAMES = re.compile(r"cjk|wqy|wenquan|sourcehan|source-han|notosanssc|notoserifsc|sarasa", re.IGNORECASE)
INSTALL_HINT = "sudo apt-get install fonts-noto-cjk"
LATIN_FALLBACK = "DejaVu Sans"
DPI = 300
"""PNG resolution: print quality."""
TRUETYPE_SUFFIX = " TrueType"
"""Appended to the family name of a CJK font's TrueType copy."""
EXTRA_CHARACTERS = "−–—‘’“”…·×±≤≥°μσ万"
"""Characters figures draw besides the labels: symbols, and 万 of Chinese money axes."""
CURVE_TOLERANCE = 1.0
"""Largest distance, in font units (1/1000 em and finer), between a cubic outline and its quadratic copy."""


class MissingFontError(Exception):
    """No installed font can draw the Chinese labels."""

    def __init__(self) -> None:
        super().__init__(
            "Chinese figures need a CJK font and none is installed (looked for Noto Sans/Serif CJK, Source Han, "
            f"WenQuanYi via matplotlib's font manager); install one with: {INSTALL_HINT}"
        )


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


def _figure_characters() -> str:
    """Every character a figure can show: the labels of both languages, ASCII, symbols."""
    labels = {c for lang in LANGUAGES for text in all_strings(lang) for c in text}
    return "".join(sorted(labels | {chr(c) for c in range(0x20, 0x7F)} | set(EXTRA_CHARACTERS)))


def _face(path: str, family: str) -> TTFont:
    """The face of ``family`` in a font file (a collection holds several)."""
    if path.lower().endswith((".ttc", ".otc")):
        faces = TTCollection(path).fonts
        return next((f for f in faces if family in (f["name"].getDebugName(16), f["name"].getDebugName(1))), faces[0])
    return TTFont(path)


def _to_quadratic(font: TTFont) -> None:
    """Replace the CFF outlines of ``font`` by TrueType (glyf) outlines, in place."""
    glyph_set = font.getGlyphSet()
    order = font.getGlyphOrder()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, CURVE_TOLERANCE, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    metrics = font["hmtx"]
    for name, glyph in glyphs.items():
        if hasattr(glyph, "xMin"):
            metrics[name] = (metrics[name][0], glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for key in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, key, 0)
    maxp.maxZones = 1
    font["post"].formatType = 3.0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _rename(font: TTFont, family: str) -> None:
    """Give the copy a family name of its own, so that matplotlib picks it and not the
    CFF original of the same name."""
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            names.removeNames(nameID=record.nameID)
    postscript = re.sub(r"[^A-Za-z0-9-]", "", family)
    for name_id, text in ((1, family), (2, "Regular"), (3, postscript), (4, family), (6, postscript)):
        names.setName(text, name_id, 3, 1, 0x409)
        names.setName(text, name_id, 1, 0, 0)


@lru_cache(maxsize=4)
def truetype_family(family: str) -> str:
    """A family that draws what ``family`` draws in the report's figures, with TrueType
    outlines: ``family`` itself if it has them, else its cached TrueType copy."""
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    face = _face(path, family)
    if "glyf" in face:
        return family
    characters = _figure_characters()
    copy_family = family + TRUETYPE_SUFFIX
    stat = os.stat(path)
    source = f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{family}|{CURVE_TOLERANCE}|{characters}"
    key = hashlib.sha256(source.encode()).hexdigest()[:16]
    target = Path(matplotlib.get_cachedir()) / "mutualaid-fonts" / f"{re.sub(r'[^A-Za-z0-9]', '', family)}-{key}.ttf"
    if not target.is_file():
        options = Options()
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in characters])
        subsetter.subset(face)
        _to_quadratic(face)
        _rename(face, copy_family)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        face.save(temporary)
        os.replace(temporary, target)
    if copy_family not in {entry.name for entry in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(target))
    return copy_family


def rc_params(lang: str) -> dict[str, Any]:
    """matplotlib settings of a report figure in ``lang``: print sizes and fonts.

    PDF and PostScript embed TrueType subsets (``pdf.fonttype``, ``ps.fonttype`` 42),
    which journals accept and which keep the text searchable; Chinese is drawn with a
    TrueType face (:func:`truetype_family`), and the original CJK font comes last only
    for a character outside its copy. SVG draws text as paths, so it shows the same
    everywhere."""
    if lang == "zh":
        family = cjk_font()
        families = list(dict.fromkeys([truetype_family(family), LATIN_FALLBACK, family]))
    else:
        families = [LATIN_FALLBACK]
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
        "ps.fonttype": 42,
        "svg.fonttype": "path",
    }


@contextmanager
def figure_style(lang: str) -> Iterator[None]:
    """Draw and save figures in the report style of ``lang``.

    Both creating and saving a figure must happen inside: tick labels and legends
    take their font when they are drawn."""
    params: Any = rc_params(lang)  # matplotlib types rc keys as a Literal of every setting
    with matplotlib.rc_context(params):
        yield
