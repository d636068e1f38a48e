"""The look of documents: paragraph styles in DejaVu Sans, rule colours, and plain text as markup."""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle

from labels.fonts import register_fonts
from labels.hyphenation import hyphenator

RULE_GREY = colors.Color(0.6, 0.6, 0.6)
HEADER_GREY = colors.Color(0.92, 0.92, 0.92)
# Documents for a reader who needs large text: every size and line height this much larger.
LARGE_TEXT_SCALE = 1.4


@cache
def paragraph_styles(language: str = "en", scale: float = 1.0) -> dict[str, ParagraphStyle]:
    """The paragraph styles by name (title, subtitle, heading, body, label, cell, caption); table cells
    hyphenate words in ``language`` where a narrow column must break one (never mid-word without a hyphen).
    ``scale`` enlarges every size (LARGE_TEXT_SCALE for a reader who needs large text)."""
    styles = _styles(language)
    if scale == 1.0:
        return styles
    return {
        name: ParagraphStyle(
            name,
            parent=style,
            fontSize=style.fontSize * scale,
            leading=style.leading * scale,
            spaceBefore=style.spaceBefore * scale,
            spaceAfter=style.spaceAfter * scale,
        )
        for name, style in styles.items()
    }


@cache
def _styles(language: str) -> dict[str, ParagraphStyle]:
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5, spaceAfter=4)
    hyphenating = {"hyphenationLang": hyphenator(language), "hyphenationMinWordLength": 5}
    return {
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=17, leading=21, spaceAfter=3),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=10, leading=13),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=bold, fontSize=11.5, leading=14, spaceBefore=9, spaceAfter=4
        ),
        "body": body,
        "label": ParagraphStyle(
            "label", parent=body, fontName=bold, fontSize=8, leading=10.5, spaceAfter=0, **hyphenating
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10.5, spaceAfter=0, **hyphenating),
        "caption": ParagraphStyle("caption", parent=body, fontSize=7, leading=9, alignment=TA_CENTER),
        "caption_left": ParagraphStyle("caption_left", parent=body, fontSize=7.5, leading=9.5, spaceBefore=2),
    }


def markup(text: str, empty: str = "") -> str:
    """Paragraph markup for plain text: escaped, line breaks kept, ``empty`` if there is no text."""
    return escape(text).replace("\n", "<br/>") if text.strip() else empty
