"""Asset tags whose check character is `*` print and read back on every stock, URL escaped in the QR."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import zxingcpp

from inventory.devices.asset_tags import check_character, format_tag
from labels.asset_labels import AssetLabel, render_asset_labels
from labels.stocks import STOCKS, LabelStock
from tests.labels.pdf_reading import mm_to_px, render_pages


def _star_tags() -> list[str]:
    """The first tags of a few site codes, long and short, whose check character is `*`."""
    found = []
    for site in ("AB", "JNS", "TOHMA"):
        number = next(n for n in range(1, 10_000) if check_character(site, n) == "*")
        found.append(format_tag(site, number))
    return found


@pytest.mark.parametrize("stock", STOCKS.values(), ids=list(STOCKS))
def test_a_star_tag_reads_back_from_the_barcode_and_the_escaped_url_from_the_qr(stock: LabelStock) -> None:
    tags = _star_tags()
    assert all(tag.endswith("-*") for tag in tags)
    labels = [
        AssetLabel(tag, f"https://kierto.example.fi/devices/{quote(tag, safe='')}", "Joensuu", "Lenovo T480")
        for tag in tags
    ]
    pages = render_pages(render_asset_labels(labels, stock), 300)
    for index, label in enumerate(labels):
        page, position = divmod(index, stock.labels_per_page)
        x, y = stock.label_origin_mm(position)
        box = (
            mm_to_px(x, 300),
            mm_to_px(stock.page_height_mm - y - stock.label_height_mm, 300),
            mm_to_px(x + stock.label_width_mm, 300),
            mm_to_px(stock.page_height_mm - y, 300),
        )
        decoded = {str(r.format): r.text for r in zxingcpp.read_barcodes(pages[page].crop(box))}
        assert decoded == {"Code 128": label.asset_tag, "QR Code": label.url}
        assert decoded["QR Code"].endswith("-%2A")
