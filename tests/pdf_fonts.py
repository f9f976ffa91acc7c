"""The fonts a PDF embeds, read without a PDF library (tests only).

matplotlib writes font programs as ``/FontFile2`` (TrueType), ``/FontFile3`` (CFF)
or ``/FontFile`` (Type 1) streams of direct length, usually Flate-compressed. What a
``/FontFile2`` stream holds is told by its first bytes: ``00 01 00 00`` or ``true``
for TrueType outlines, ``OTTO`` for an OpenType font with CFF outlines — which poppler
reports as "CID Type 0C" whatever the descriptor says.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

TRUETYPE_MAGIC = (b"\x00\x01\x00\x00", b"true")


def embedded_fonts(path: Path) -> list[tuple[str, bytes]]:
    """(descriptor key, first four bytes of the font program) of every embedded font."""
    raw = path.read_bytes()
    found = []
    for match in re.finditer(rb"/(FontFile[23]?)\s+(\d+)\s+0\s+R", raw):
        key, number = match.group(1).decode(), match.group(2)
        header = re.search(rb"(?:^|[\r\n])" + number + rb"\s+0\s+obj\s*<<(.*?)>>\s*stream\r?\n", raw, re.S)
        assert header, f"{path.name}: font object {number.decode()} not found"
        length = int(re.search(rb"/Length\s+(\d+)(?!\s+0\s+R)", header.group(1)).group(1))
        data = raw[header.end() : header.end() + length]
        if b"FlateDecode" in header.group(1):
            data = zlib.decompress(data)
        found.append((key, data[:4]))
    return found


def non_truetype_fonts(path: Path) -> list[tuple[str, bytes]]:
    """The embedded fonts that are not TrueType (empty when all are)."""
    return [(key, magic) for key, magic in embedded_fonts(path) if key != "FontFile2" or magic not in TRUETYPE_MAGIC]
