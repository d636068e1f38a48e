"""Drawing placed parts on a reportlab canvas: bars and QR modules as filled vector paths, text as text."""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.pdfgen.canvas import Canvas

from labels.label_layout import SymbolPlacement
from labels.label_text import TextLine
from labels.qr import QrSymbol
from labels.stocks import PT_PER_MM


def paint_bars(canvas: Canvas, placement: SymbolPlacement, runs: Iterable[tuple[int, int]]) -> None:
    """Fill each bar, given as (first module, width in modules), as one rectangle of one path."""
    module = placement.module_mm * PT_PER_MM
    x = placement.x * PT_PER_MM
    y = placement.y * PT_PER_MM
    height = placement.height * PT_PER_MM
    path = canvas.beginPath()
    for start, width in runs:
        path.rect(x + start * module, y, width * module, height)
    canvas.drawPath(path, stroke=0, fill=1)


def paint_qr(canvas: Canvas, placement: SymbolPlacement, symbol: QrSymbol) -> None:
    """Fill the dark modules of a QR symbol as the rectangles of one path."""
    module = placement.module_mm * PT_PER_MM
    x = placement.x * PT_PER_MM
    top = (placement.y + placement.height) * PT_PER_MM
    path = canvas.beginPath()
    for row, column, width, height in symbol.rects:
        path.rect(x + column * module, top - (row + height) * module, width * module, height * module)
    canvas.drawPath(path, stroke=0, fill=1)


def paint_text(canvas: Canvas, lines: Iterable[TextLine]) -> None:
    """Draw each line as real text, so that it can be searched and copied."""
    for line in lines:
        canvas.setFont(line.font, line.size)
        canvas.drawString(line.x * PT_PER_MM, line.baseline * PT_PER_MM, line.text)
