"""Every label stock decodes at the label printer's own resolution (203 and 300 dpi), rasterised and
thresholded to 1 bit as a thermal printer prints, and again with one pixel of print gain and of loss."""

from __future__ import annotations

from functools import cache

import pytest
import zxingcpp
from PIL import Image, ImageChops

from labels import AssetLabel, render_asset_labels
from labels.stocks import STOCKS
from tests.labels.pdf_reading import render_pages

TAG = "JNS-000042-7"
URL = "http://127.0.0.1:8000/devices/JNS-000042-7"
SPEC = "Lenovo ThinkPad T480 · i5-8250U · 8 GB · 256 GB SSD · A"


def one_bit(page: Image.Image) -> Image.Image:
    """The page as a printer's dots: black or white, nothing between."""
    return page.point(lambda value: 0 if value < 128 else 255).convert("1").convert("L")


def gain(dots: Image.Image) -> Image.Image:
    """One pixel of print gain: every dark area one dot wider and taller (ink or heat spreading)."""
    return ImageChops.darker(
        ImageChops.darker(dots, ImageChops.offset(dots, 1, 0)), ImageChops.offset(dots, 0, 1)
    )


def loss(dots: Image.Image) -> Image.Image:
    """One pixel of print loss: every dark area one dot narrower and shorter."""
    return ImageChops.lighter(
        ImageChops.lighter(dots, ImageChops.offset(dots, 1, 0)), ImageChops.offset(dots, 0, 1)
    )


@cache
def printed(stock_id: str, dpi: int) -> Image.Image:
    """The first label of a stock laid out for, and rasterised at, a printer of this resolution."""
    pdf = render_asset_labels([AssetLabel(TAG, URL, "Joensuu", SPEC)], STOCKS[stock_id], 0, printer_dpi=dpi)
    return one_bit(render_pages(pdf, dpi)[0])


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("print_error", [None, gain, loss], ids=["exact", "gain", "loss"])
def test_every_stock_decodes_at_the_printers_resolution(stock_id: str, dpi: int, print_error: object) -> None:
    dots = printed(stock_id, dpi)
    if print_error is not None:
        dots = print_error(dots)  # type: ignore[operator]
    found = {str(result.format): result.text for result in zxingcpp.read_barcodes(dots)}
    assert found.get("Code 128") == TAG, found
    assert found.get("QR Code") == URL, found


def test_a_printers_resolution_changes_the_grid_not_the_stock() -> None:
    at_203 = render_asset_labels([AssetLabel(TAG, URL)], STOCKS["dymo-54x25"], printer_dpi=203)
    at_300 = render_asset_labels([AssetLabel(TAG, URL)], STOCKS["dymo-54x25"])
    assert at_203 != at_300
    assert render_asset_labels([AssetLabel(TAG, URL)], STOCKS["dymo-54x25"], printer_dpi=300) == at_300
