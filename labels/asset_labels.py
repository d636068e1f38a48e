"""Asset labels: the tag as text and Code 128, a QR code to the device's page, the site and a spec line."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from labels import code128
from labels.canvas_paint import paint_bars, paint_qr, paint_text
from labels.fonts import register_fonts
from labels.label_layout import layout_label
from labels.label_text import layout_label_text
from labels.pdf_metadata import apply_metadata
from labels.qr import qr_symbol
from labels.stocks import PT_PER_MM, LabelStock


@dataclass(frozen=True)
class AssetLabel:
    """What one asset label shows: e.g. "JNS-000042-7", its URL, "Joensuu", "Lenovo T480 · 8 GB"."""

    asset_tag: str
    url: str
    site_name: str = ""
    spec_line: str = ""

    def __post_init__(self) -> None:
        if not self.asset_tag.strip():
            raise ValueError("An asset label needs an asset tag; this one is empty.")
        if not self.url.strip():
            raise ValueError(f"The label for {self.asset_tag} needs the URL of the device's page.")


def render_asset_labels(
    labels: Sequence[AssetLabel], stock: LabelStock, start_position: int = 0, printer_dpi: int | None = None
) -> bytes:
    """Render labels to PDF bytes: one page per label on a roll; on a sheet, filling the positions
    from ``start_position`` (0 = top left, row by row) so a half-used sheet can go through again,
    then whole new sheets. Bars and QR modules are whole dots of a ``printer_dpi`` printer (the
    printer the labels go to; the stock's usual printer when None).
    """
    if printer_dpi is not None and printer_dpi != stock.printer_dpi:
        stock = dataclasses.replace(stock, printer_dpi=printer_dpi)
    if not labels:
        raise ValueError("There are no labels to print.")
    if not 0 <= start_position < stock.labels_per_page:
        raise ValueError(
            f"Start position {start_position} does not exist on {stock.name}: "
            f"positions run from 0 to {stock.labels_per_page - 1}."
        )
    regular, bold = register_fonts()
    # Encode everything first, so bad data fails before any drawing.
    encoded = [
        (label, code128.bar_runs(code128.code128_pattern(label.asset_tag)), qr_symbol(label.url))
        for label in labels
    ]
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(stock.page_width_mm * PT_PER_MM, stock.page_height_mm * PT_PER_MM),
        invariant=1,
        pageCompression=1,
        initialFontName=regular,
    )
    apply_metadata(
        canvas,
        title=f"Asset labels, {stock.name}",
        subject=", ".join(label.asset_tag for label in labels[:50]),
    )
    canvas.setFillGray(0)
    position = start_position
    for label, runs, symbol in encoded:
        if position == stock.labels_per_page:
            canvas.showPage()
            canvas.setFillGray(0)
            position = 0
        modules = runs[-1][0] + runs[-1][1]
        layout = layout_label(
            stock, position, bar_modules=modules, qr_size=symbol.size, tag=label.asset_tag, url=label.url
        )
        paint_bars(canvas, layout.barcode, runs)
        paint_qr(canvas, layout.qr, symbol)
        lines = layout_label_text(
            layout.text,
            tag=label.asset_tag,
            site=label.site_name,
            spec=label.spec_line,
            regular=regular,
            bold=bold,
        )
        paint_text(canvas, lines)
        position += 1
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
