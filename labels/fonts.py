"""The embedded DejaVu Sans fonts, registered with reportlab once per process."""

from __future__ import annotations

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
