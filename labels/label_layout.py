"""Where the barcode, the QR code and the text go on one label, in millimetres on the page."""

from __future__ import annotations

import math
from dataclasses import dataclass

from labels import code128, qr
from labels.stocks import LabelStock

# Narrowest Code 128 module (X dimension) we print: 0.25 mm reads reliably from thermal labels.
MIN_BAR_MODULE_MM = 0.25
MAX_BAR_MODULE_MM = 0.40
# QR modules: 0.25 mm still reads with a phone at arm's length; larger is easier.
MIN_QR_MODULE_MM = 0.25
MAX_QR_MODULE_MM = 0.60
# Bars are at least 15 % of the symbol's width tall (ISO/IEC 15417), and about a third of the label.
BAR_HEIGHT_SHARE = 0.35
MAX_BAR_HEIGHT_SHARE = 0.45
MIN_BAR_HEIGHT_TO_WIDTH = 0.15
# The QR code takes at most this share of the label's printable width, to leave room for text.
MAX_QR_WIDTH_SHARE = 0.45
GAP_MM = 1.0
# Some glyphs reach a little past their advance width (the hook of a "J"): keep text this far inside.
TEXT_INSET_MM = 0.4


@dataclass(frozen=True)
class Box:
    """A rectangle in millimetres from the page's bottom-left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        """The x of the right edge."""
        return self.x + self.width

    @property
    def top(self) -> float:
        """The y of the top edge."""
        return self.y + self.height


@dataclass(frozen=True)
class SymbolPlacement:
    """A barcode or QR symbol: bottom-left corner of its first module, module size, and its extent."""

    x: float
    y: float
    module_mm: float
    width: float
    height: float
    quiet_zone_mm: float


@dataclass(frozen=True)
class LabelLayout:
    """The geometry of one label: its box, the printable area, and the places of its parts."""

    label: Box
    printable: Box
    barcode: SymbolPlacement
    qr: SymbolPlacement
    text: Box


def snap_to_dots(value_mm: float, dot_mm: float) -> float:
    """Round a position to the printer's dot grid, so whole-dot modules land on whole dots."""
    return round(value_mm / dot_mm) * dot_mm


def snap_inside(value_mm: float, low_mm: float, high_mm: float, dot_mm: float) -> float:
    """Snap a position to the dot grid, moving it by one dot if rounding took it out of [low, high]."""
    snapped = snap_to_dots(value_mm, dot_mm)
    if snapped < low_mm - 1e-9:
        snapped += dot_mm
    elif snapped > high_mm + 1e-9:
        snapped -= dot_mm
    return snapped


def _dot_counts(min_mm: float, max_mm: float, dot_mm: float) -> range:
    """Whole numbers of dots for a module, largest first, between the two sizes."""
    fewest = max(1, math.ceil(min_mm / dot_mm - 1e-9))
    most = max(fewest, math.floor(max_mm / dot_mm + 1e-9))
    return range(most, fewest - 1, -1)


def _barcode(stock: LabelStock, label: Box, printable: Box, module_count: int, data: str) -> SymbolPlacement:
    dot = stock.dot_mm
    for dots in _dot_counts(MIN_BAR_MODULE_MM, MAX_BAR_MODULE_MM, dot):
        module = dots * dot
        width = module_count * module
        quiet = code128.QUIET_ZONE_MODULES * module
        if width <= printable.width and width + 2 * quiet <= label.width:
            height = min(
                max(BAR_HEIGHT_SHARE * printable.height, MIN_BAR_HEIGHT_TO_WIDTH * width),
                MAX_BAR_HEIGHT_SHARE * printable.height,
            )
            x = snap_inside(label.x + (label.width - width) / 2, printable.x, printable.right - width, dot)
            y = snap_inside(printable.y, printable.y, printable.top, dot)
            height = math.floor(height / dot) * dot
            return SymbolPlacement(
                x=x, y=y, module_mm=module, width=width, height=height, quiet_zone_mm=quiet
            )
    raise ValueError(
        f"The barcode for {data!r} is too wide for {stock.name}: "
        f"with bars of at least {MIN_BAR_MODULE_MM} mm it needs a shorter asset tag."
    )


def _qr(stock: LabelStock, printable: Box, bars_top: float, size: int, data: str) -> SymbolPlacement:
    dot = stock.dot_mm
    for dots in _dot_counts(MIN_QR_MODULE_MM, MAX_QR_MODULE_MM, dot):
        module = dots * dot
        side = size * module
        quiet = qr.QUIET_ZONE_MODULES * module
        # The symbol sits in the top-right corner of the printable area: its quiet zone reaches into
        # the blank padding there, and must keep clear of the bars below and the text on the left.
        x = snap_inside(printable.right - side, printable.x, printable.right - side, dot)
        top = snap_inside(printable.top, printable.y + side, printable.top, dot)
        fits_padding = quiet <= stock.padding_mm + 1e-9
        fits_height = top - side - quiet >= bars_top - 1e-9
        fits_width = side + quiet <= MAX_QR_WIDTH_SHARE * printable.width
        if fits_padding and fits_height and fits_width:
            return SymbolPlacement(
                x=x, y=top - side, module_mm=module, width=side, height=side, quiet_zone_mm=quiet
            )
    raise ValueError(
        f"The QR code for {data!r} does not fit on {stock.name} with modules of at least "
        f"{MIN_QR_MODULE_MM} mm: use a shorter URL."
    )


def layout_label(
    stock: LabelStock, position: int, *, bar_modules: int, qr_size: int, tag: str, url: str
) -> LabelLayout:
    """Place a label's parts: bars along the bottom, the QR code top right, text top left."""
    x, y = stock.label_origin_mm(position)
    label = Box(x, y, stock.label_width_mm, stock.label_height_mm)
    pad = stock.padding_mm
    printable = Box(x + pad, y + pad, label.width - 2 * pad, label.height - 2 * pad)
    barcode = _barcode(stock, label, printable, bar_modules, tag)
    bars_top = barcode.y + barcode.height
    qr_placement = _qr(stock, printable, bars_top, qr_size, url)
    text_bottom = bars_top + GAP_MM
    text = Box(
        printable.x + TEXT_INSET_MM,
        text_bottom,
        qr_placement.x - qr_placement.quiet_zone_mm - printable.x - 2 * TEXT_INSET_MM,
        printable.top - text_bottom,
    )
    return LabelLayout(label=label, printable=printable, barcode=barcode, qr=qr_placement, text=text)
