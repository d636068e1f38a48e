"""The embedded DejaVu Sans fonts, registered with reportlab once per process."""

from __future__ import annotations

import struct
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


@cache
def register_fonts() -> tuple[str, str]:
    """Register the regular and bold fonts (embedded as subsets in every PDF) and return their names."""
    for name, file_name in _FILES.items():
        path = FONT_DIR / file_name
        if not path.is_file():
            raise FileNotFoundError(f"The font file {path} is missing from the labels package.")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # Paragraph markup (<b>) finds the bold face through the family mapping.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD


@cache
def glyph_extent(name: str) -> tuple[float, float]:
    """How far the font's glyphs reach above and below the baseline, in ems (hhea ascender and
    descender; reportlab's own ascent is the typographic one, which accented capitals exceed).
    """
    data = (FONT_DIR / _FILES[name]).read_bytes()
    tables: dict[bytes, int] = {}
    (count,) = struct.unpack_from(">H", data, 4)
    for index in range(count):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        tables[tag] = offset
    (units_per_em,) = struct.unpack_from(">H", data, tables[b"head"] + 18)
    ascender, descender = struct.unpack_from(">hh", data, tables[b"hhea"] + 4)
    return ascender / units_per_em, -descender / units_per_em
