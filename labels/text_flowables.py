"""Text flowables for documents: a line that fits is drawn directly, longer text wraps as a Paragraph."""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from labels.document_styles import markup
from labels.text_fit import text_width


class OneLine(Flowable):  # type: ignore[misc]
    """One line of plain text set as a Paragraph in ``style`` would set it, without the markup parser
    and line breaker (most headings, titles and captions: they dominate the time to lay out a page).
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.style.leading

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab's name)
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:  # noqa: N802 (reportlab's name)
        return float(self.style.spaceAfter)

    def draw(self) -> None:
        style = self.style
        self.canv.setFont(style.fontName, style.fontSize)
        self.canv.setFillColor(style.textColor)
        # Where Paragraph puts the baseline of its first line.
        baseline = style.leading - style.fontSize
        if style.alignment == TA_CENTER:
            self.canv.drawCentredString(self.width / 2, baseline, self.text)
        else:
            self.canv.drawString(0, baseline, self.text)


def fits_on_one_line(text: str, style: ParagraphStyle, width: float) -> bool:
    """Whether ``text`` is one line in ``style`` no wider than ``width`` points (no wrapping needed)."""
    return "\n" not in text and text_width(text, style.fontName, style.fontSize) <= width


def text_flowable(text: str, style: ParagraphStyle, width: float) -> Flowable:
    """``text`` in ``style`` within ``width`` points: one directly drawn line if it fits, else a Paragraph."""
    if text.strip() and fits_on_one_line(text, style, width):
        return OneLine(text, style)
    return Paragraph(markup(text), style)
