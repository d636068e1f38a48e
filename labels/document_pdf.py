"""Laying out and drawing a document on A4 with reportlab's platypus: header with QR, blocks, footer."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Spacer,
)
from reportlab.platypus import Table as PdfTable

from labels.canvas_paint import paint_qr
from labels.document_model import Block, Document, Fields, Heading, Table, Text
from labels.document_styles import RULE_GREY, paragraph_styles
from labels.document_tables import CELL_PADDING, data_table, fields_table, signatures_table
from labels.fonts import register_fonts
from labels.label_layout import SymbolPlacement
from labels.pdf_metadata import CREATOR, reproducible_canvas_maker
from labels.qr import QUIET_ZONE_MODULES, qr_symbol
from labels.stocks import PT_PER_MM
from labels.text_fit import largest_size
from labels.text_flowables import text_flowable

MARGIN_MM = 20.0
FOOTER_MM = 16.0
QR_SIDE_MM = 28.0
HEADING_ROOM_MM = 35.0


class QrFlowable(Flowable):  # type: ignore[misc]
    """A QR code with its quiet zone, drawn as vector rectangles, ``side_mm`` wide and tall."""

    def __init__(self, data: str, side_mm: float) -> None:
        super().__init__()
        self.symbol = qr_symbol(data)
        self.side_mm = side_mm

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        side = self.side_mm * PT_PER_MM
        return side, side

    def draw(self) -> None:
        module = self.side_mm / (self.symbol.size + 2 * QUIET_ZONE_MODULES)
        quiet = QUIET_ZONE_MODULES * module
        symbol_side = self.symbol.size * module
        placement = SymbolPlacement(quiet, quiet, module, symbol_side, symbol_side, quiet)
        self.canv.setFillGray(0)
        paint_qr(self.canv, placement, self.symbol)


def _header(document: Document, width: float) -> PdfTable:
    styles = paragraph_styles(document.language, document.text_scale)
    qr_width = (QR_SIDE_MM + 4) * PT_PER_MM
    # Cell padding: reportlab's default on the QR column's left and the title column's right.
    title_width = width - qr_width - CELL_PADDING
    title = [
        text_flowable(document.title, styles["title"], title_width),
        text_flowable(document.subtitle, styles["subtitle"], title_width),
        *(
            [text_flowable(document.issuer_line, styles["caption_left"], title_width)]
            if document.issuer_line
            else []
        ),
    ]
    qr = [
        QrFlowable(document.mark.verification_url, QR_SIDE_MM),
        text_flowable(document.qr_caption, styles["caption"], qr_width - CELL_PADDING),
    ]
    table = PdfTable([[title, qr]], colWidths=[width - qr_width, qr_width])
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONTNAME", (0, 0), (-1, -1), register_fonts()[0]),
            ("LEFTPADDING", (0, 0), (0, 0), 0),
            ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
        ]
    )
    return table


def _flowables(block: Block, width: float, language: str, scale: float = 1.0) -> list[Flowable]:
    styles = paragraph_styles(language, scale)
    if isinstance(block, Heading):
        # A heading never ends a page: start a new one unless a few lines fit below it.
        return [
            CondPageBreak(HEADING_ROOM_MM * PT_PER_MM),
            text_flowable(block.text, styles["heading"], width),
        ]
    if isinstance(block, Text):
        return [text_flowable(block.text, styles["body"], width)]
    if isinstance(block, Fields):
        return [fields_table(block, width, language, scale), Spacer(1, 5 * scale)]
    if isinstance(block, Table):
        return [data_table(block, width, language, scale), Spacer(1, 5 * scale)]
    return [Spacer(1, 14 * scale), signatures_table(block, width, language, scale)]


def _footer(document: Document) -> Callable[[Canvas, Any], None]:
    regular, _ = register_fonts()
    width = A4[0] - 2 * MARGIN_MM * PT_PER_MM

    def draw(canvas: Canvas, _template: Any) -> None:
        canvas.saveState()
        x = MARGIN_MM * PT_PER_MM
        y = FOOTER_MM * PT_PER_MM
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.25)
        canvas.line(x, y + 9, x + width, y + 9)
        for offset, text in ((0, document.mark_line), (-10, document.verify_line)):
            # Numbers, codes and URLs are shrunk to fit, never cut.
            canvas.setFont(regular, largest_size(text, regular, max_width=width - 60, max_size=7.5))
            canvas.drawString(x, y + offset, text)
        canvas.restoreState()

    return draw


def _numbered_canvas_maker(document: Document) -> Callable[..., Canvas]:
    """A canvas that holds its pages back until the end, then numbers each "N / M" in the footer."""
    regular, _ = register_fonts()
    make = reproducible_canvas_maker(document.created)
    right = A4[0] - MARGIN_MM * PT_PER_MM

    def numbered(*args: Any, **kwargs: Any) -> Canvas:
        canvas = make(*args, **kwargs)
        pages: list[dict[str, Any]] = []
        save = canvas.save

        def show_page() -> None:
            pages.append(dict(canvas.__dict__))
            canvas._startPage()

        def save_numbered() -> None:
            for number, state in enumerate(pages, start=1):
                canvas.__dict__.update(state)
                canvas.setFont(regular, 7.5)
                caption = document.page_caption.format(page=number, pages=len(pages))
                canvas.drawRightString(right, FOOTER_MM * PT_PER_MM, caption)
                Canvas.showPage(canvas)
            save()

        canvas.showPage = show_page
        canvas.save = save_numbered
        return canvas

    return numbered


def render_document(document: Document) -> bytes:
    """Lay the document out on A4 pages and return the PDF bytes (the same input gives the same bytes)."""
    register_fonts()
    buffer = io.BytesIO()
    margin = MARGIN_MM * PT_PER_MM
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin * 0.8,
        bottomMargin=(FOOTER_MM + 12) * PT_PER_MM,
        title=document.title,
        subject=f"{document.title} {document.mark.number}",
        author=CREATOR,
        creator=CREATOR,
        invariant=1,
        pageCompression=1,
        lang=document.language,
        displayDocTitle=True,
        initialFontName=register_fonts()[0],
    )
    frame = Frame(
        template.leftMargin,
        template.bottomMargin,
        template.width,
        template.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_footer(document))])
    story: list[Flowable] = [_header(document, template.width), Spacer(1, 6)]
    for block in document.blocks:
        story.extend(_flowables(block, template.width, document.language, document.text_scale))
    template.build(story, canvasmaker=_numbered_canvas_maker(document))
    return buffer.getvalue()
