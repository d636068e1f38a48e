"""Laying out and drawing a document on A4 with reportlab's platypus: header with QR, blocks, footer."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as PdfTable

from labels.canvas_paint import PT_PER_MM, paint_qr
from labels.document_model import Block, Document, Fields, Heading, Signatures, Signer, Table, Text
from labels.fonts import register_fonts
from labels.label_layout import SymbolPlacement
from labels.pdf_metadata import CREATOR, reproducible_canvas_maker
from labels.qr import QUIET_ZONE_MODULES, qr_symbol
from labels.text_fit import largest_size, text_width

MARGIN_MM = 20.0
FOOTER_MM = 16.0
QR_SIDE_MM = 28.0
SIGNATURE_HEIGHT_MM = 16.0
HEADING_ROOM_MM = 35.0
# reportlab's default left and right cell padding, in points.
CELL_PADDING = 6.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RULE_GREY = colors.Color(0.6, 0.6, 0.6)
HEADER_GREY = colors.Color(0.92, 0.92, 0.92)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5, spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=17, leading=21, spaceAfter=3),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=10, leading=13),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=bold, fontSize=11.5, leading=14, spaceBefore=9, spaceAfter=4
        ),
        "body": body,
        "label": ParagraphStyle("label", parent=body, fontName=bold, fontSize=8, leading=10.5, spaceAfter=0),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10.5, spaceAfter=0),
        "caption": ParagraphStyle("caption", parent=body, fontSize=7, leading=9, alignment=TA_CENTER),
    }


def _markup(text: str, empty: str = "") -> str:
    """Paragraph markup for plain text: escaped, line breaks kept, ``empty`` if there is no text."""
    return escape(text).replace("\n", "<br/>") if text.strip() else empty


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


def _signature_image(png: bytes, max_width: float) -> Image:
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("A signature must be given as a PNG image.")
    try:
        width, height = ImageReader(io.BytesIO(png)).getSize()
    except Exception as error:
        raise ValueError("A signature image could not be read as a PNG image.") from error
    scale = min(max_width / width, SIGNATURE_HEIGHT_MM * PT_PER_MM / height)
    return Image(io.BytesIO(png), width=width * scale, height=height * scale)


def _header(document: Document, width: float) -> PdfTable:
    styles = _styles()
    title = [
        Paragraph(_markup(document.title), styles["title"]),
        Paragraph(_markup(document.subtitle), styles["subtitle"]),
    ]
    qr = [
        QrFlowable(document.mark.verification_url, QR_SIDE_MM),
        Paragraph(_markup(document.qr_caption), styles["caption"]),
    ]
    qr_width = (QR_SIDE_MM + 4) * PT_PER_MM
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


def _cell(text: str, style: ParagraphStyle, width: float) -> str | Paragraph:
    """A table cell: plain text when it fits on one line (quick to lay out), else a wrapping paragraph."""
    if "\n" not in text and text_width(text, style.fontName, style.fontSize) <= width:
        return text
    return Paragraph(_markup(text), style)


def _cell_fonts(bold_cells: tuple[tuple[int, int], tuple[int, int]]) -> list[tuple[Any, ...]]:
    """Table style commands that set plain-text cells like the paragraph styles, bold in one range."""
    regular, bold = register_fonts()
    styles = _styles()
    return [
        ("FONTNAME", (0, 0), (-1, -1), regular),
        ("FONTNAME", bold_cells[0], bold_cells[1], bold),
        ("FONTSIZE", (0, 0), (-1, -1), styles["cell"].fontSize),
        ("LEADING", (0, 0), (-1, -1), styles["cell"].leading),
    ]


def _fields(block: Fields, width: float) -> PdfTable:
    styles = _styles()
    label_width, value_width = 0.34 * width, 0.66 * width
    rows = [
        [
            _cell(label, styles["label"], label_width - CELL_PADDING),
            _cell(value if value.strip() else "–", styles["cell"], value_width - 2 * CELL_PADDING),
        ]
        for label, value in block.rows
    ]
    table = PdfTable(rows, colWidths=[label_width, value_width])
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            *_cell_fonts(((0, 0), (0, -1))),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE_GREY),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
    )
    return table


def _table(block: Table, width: float) -> PdfTable:
    styles = _styles()
    total = sum(block.widths)
    widths = [share / total * width for share in block.widths]
    header = [
        _cell(column, styles["label"], column_width - 2 * CELL_PADDING)
        for column, column_width in zip(block.columns, widths, strict=True)
    ]
    body = [
        [
            _cell(cell, styles["cell"], column_width - 2 * CELL_PADDING)
            for cell, column_width in zip(row, widths, strict=True)
        ]
        for row in block.rows
    ]
    table = PdfTable([header, *body], colWidths=widths, repeatRows=1)
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            *_cell_fonts(((0, 0), (-1, 0))),
            ("GRID", (0, 0), (-1, -1), 0.25, RULE_GREY),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_GREY),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
    )
    return table


def _signer_cell(signer: Signer, width: float) -> list[Flowable]:
    styles = _styles()
    mark: Flowable = (
        _signature_image(signer.signature_png, width - 12)
        if signer.signature_png is not None
        else Spacer(width - 12, SIGNATURE_HEIGHT_MM * PT_PER_MM)
    )
    lines = [
        mark,
        HRFlowable(width="100%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=3),
        Paragraph(_markup(signer.name), styles["cell"]),
        Paragraph(_markup(signer.role), styles["label"]),
    ]
    if signer.date_text:
        lines.append(Paragraph(_markup(signer.date_text), styles["cell"]))
    return lines


def _signatures(block: Signatures, width: float) -> PdfTable:
    column = width / max(1, len(block.signers))
    cells = [_signer_cell(signer, column) for signer in block.signers]
    table = PdfTable([cells], colWidths=[column] * len(cells))
    # The line to sign on runs under the signature space of every signer.
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("FONTNAME", (0, 0), (-1, -1), register_fonts()[0]),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 12),
        ]
    )
    return table


def _flowables(block: Block, width: float) -> list[Flowable]:
    styles = _styles()
    if isinstance(block, Heading):
        # A heading never ends a page: start a new one unless a few lines fit below it.
        return [CondPageBreak(HEADING_ROOM_MM * PT_PER_MM), Paragraph(_markup(block.text), styles["heading"])]
    if isinstance(block, Text):
        return [Paragraph(_markup(block.text), styles["body"])]
    if isinstance(block, Fields):
        return [_fields(block, width), Spacer(1, 5)]
    if isinstance(block, Table):
        return [_table(block, width), Spacer(1, 5)]
    return [Spacer(1, 14), _signatures(block, width)]


def _footer(document: Document) -> Callable[[Canvas, Any], None]:
    regular, _ = register_fonts()
    width = A4[0] - 2 * MARGIN_MM * PT_PER_MM

    def draw(canvas: Canvas, template: Any) -> None:
        canvas.saveState()
        x = MARGIN_MM * PT_PER_MM
        y = FOOTER_MM * PT_PER_MM
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.25)
        canvas.line(x, y + 9, x + width, y + 9)
        page = document.page_caption.format(page=template.page)
        canvas.setFont(regular, 7.5)
        canvas.drawRightString(x + width, y, page)
        for offset, text in ((0, document.mark_line), (-10, document.verify_line)):
            # Numbers, codes and URLs are shrunk to fit, never cut.
            canvas.setFont(regular, largest_size(text, regular, max_width=width - 60, max_size=7.5))
            canvas.drawString(x, y + offset, text)
        canvas.restoreState()

    return draw


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
        story.extend(_flowables(block, template.width))
    template.build(story, canvasmaker=reproducible_canvas_maker(document.created))
    return buffer.getvalue()
