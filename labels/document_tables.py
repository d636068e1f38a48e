"""Platypus tables for a document's label-value fields, data tables and signature lines."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Paragraph
from reportlab.platypus import Table as PdfTable

from labels.document_model import Fields, Signatures, Table
from labels.document_styles import HEADER_GREY, RULE_GREY, markup, paragraph_styles
from labels.fonts import register_fonts
from labels.stocks import PT_PER_MM
from labels.text_flowables import fits_on_one_line

SIGNATURE_HEIGHT_MM = 16.0
SIGNATURE_GAP = 24.0
# reportlab's default left and right cell padding, in points.
CELL_PADDING = 6.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _signature_image(png: bytes, max_width: float) -> Image:
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("A signature must be given as a PNG image.")
    try:
        width, height = ImageReader(io.BytesIO(png)).getSize()
    except Exception as error:
        raise ValueError("A signature image could not be read as a PNG image.") from error
    scale = min(max_width / width, SIGNATURE_HEIGHT_MM * PT_PER_MM / height)
    return Image(io.BytesIO(png), width=width * scale, height=height * scale)


def _cell(text: str, style: ParagraphStyle, width: float) -> str | Paragraph:
    """A table cell: plain text when it fits on one line (quick to lay out), else a wrapping paragraph."""
    if fits_on_one_line(text, style, width):
        return text
    return Paragraph(markup(text), style)


def _cell_fonts(
    bold_cells: tuple[tuple[int, int], tuple[int, int]], language: str = "en", scale: float = 1.0
) -> list[tuple[Any, ...]]:
    """Table style commands that set plain-text cells like the paragraph styles, bold in one range."""
    regular, bold = register_fonts()
    styles = paragraph_styles(language, scale)
    return [
        ("FONTNAME", (0, 0), (-1, -1), regular),
        ("FONTNAME", bold_cells[0], bold_cells[1], bold),
        ("FONTSIZE", (0, 0), (-1, -1), styles["cell"].fontSize),
        ("LEADING", (0, 0), (-1, -1), styles["cell"].leading),
    ]


def fields_table(block: Fields, width: float, language: str = "en", scale: float = 1.0) -> PdfTable:
    """Label and value rows, labels in bold, a thin rule under each row."""
    styles = paragraph_styles(language, scale)
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
            *_cell_fonts(((0, 0), (0, -1)), language, scale),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE_GREY),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
    )
    return table


def data_table(block: Table, width: float, language: str = "en", scale: float = 1.0) -> PdfTable:
    """A gridded table whose header row repeats on every page it runs over."""
    styles = paragraph_styles(language, scale)
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
            *_cell_fonts(((0, 0), (-1, 0)), language, scale),
            ("GRID", (0, 0), (-1, -1), 0.25, RULE_GREY),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_GREY),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
    )
    return table


def signatures_table(block: Signatures, width: float, language: str = "en", scale: float = 1.0) -> PdfTable:
    """Signature lines side by side: the signature image or room to sign above a line, then the
    signer's name, role (bold) and date, one column per signer.
    """
    styles = paragraph_styles(language, scale)
    count = max(1, len(block.signers))
    column = (width - SIGNATURE_GAP * (count - 1)) / count
    text_width = column - CELL_PADDING
    widths: list[float] = []
    rows: list[list[Any]] = [[], [], [], []]
    for index, signer in enumerate(block.signers):
        if index:
            widths.append(SIGNATURE_GAP)
            for row in rows:
                row.append("")
        widths.append(column)
        image = _signature_image(signer.signature_png, text_width) if signer.signature_png is not None else ""
        rows[0].append(image)
        rows[1].append(_cell(signer.name, styles["cell"], text_width))
        rows[2].append(_cell(signer.role, styles["label"], text_width))
        rows[3].append(_cell(signer.date_text, styles["cell"], text_width))
    table = PdfTable(rows, colWidths=widths, rowHeights=[SIGNATURE_HEIGHT_MM * PT_PER_MM, None, None, None])
    signer_columns = range(0, len(widths), 2)
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
            ("VALIGN", (0, 1), (-1, -1), "TOP"),
            *_cell_fonts(((0, 2), (-1, 2))),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (0, 1), (-1, 1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            # The line to sign on, under each signer's signature space.
            *(
                ("LINEBELOW", (column_index, 0), (column_index, 0), 0.6, colors.black)
                for column_index in signer_columns
            ),
        ]
    )
    return table
