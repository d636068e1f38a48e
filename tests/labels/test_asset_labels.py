"""Asset labels rendered at printer resolution and read back with zxing-cpp, on every stock."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageDraw
from pypdf import PdfReader

from labels.asset_labels import AssetLabel, render_asset_labels
from labels.code128 import bar_runs, code128_pattern
from labels.label_layout import Box, LabelLayout, layout_label
from labels.qr import qr_symbol
from labels.stocks import A4_70X37, BROTHER_62X29, DYMO_54X25, STOCKS, LabelStock
from tests.labels.pdf_reading import all_text, fonts, image_count, mm_to_px, page_texts, render_pages
from tests.labels.samples import LONG_MODEL, asset_label

PRINTER_DPI = 300
LABELS = (
    asset_label("JNS-000042-7"),
    # The longest site codes (five letters) with a long site name and a very long model line.
    asset_label("TOHMA-000123-5", site="Tohmajärven Kierrätyskahvila, Åkerö", spec=LONG_MODEL),
    asset_label(
        "KITEE-999999-9", spec="Lenovo ThinkPad X1 Carbon Gen 9 20XW00GKMX · Core i7 · 16 GB · 512 GB"
    ),
    asset_label("99-000001-1", site="Ylämylly"),
)


def _box_px(box: Box, stock: LabelStock, dpi: int, grow_px: int = 0) -> tuple[int, int, int, int]:
    """A box in page mm as a pixel rectangle (left, top, right, bottom) of the rendered page."""
    return (
        mm_to_px(box.x, dpi) - grow_px,
        mm_to_px(stock.page_height_mm - box.top, dpi) - grow_px,
        mm_to_px(box.right, dpi) + grow_px,
        mm_to_px(stock.page_height_mm - box.y, dpi) + grow_px,
    )


def _layout(label: AssetLabel, stock: LabelStock, position: int) -> LabelLayout:
    runs = bar_runs(code128_pattern(label.asset_tag))
    return layout_label(
        stock,
        position,
        bar_modules=runs[-1][0] + runs[-1][1],
        qr_size=qr_symbol(label.url).size,
        tag=label.asset_tag,
        url=label.url,
    )


def _label_box(stock: LabelStock, position: int) -> Box:
    x, y = stock.label_origin_mm(position)
    return Box(x, y, stock.label_width_mm, stock.label_height_mm)


def _printable_box(stock: LabelStock, position: int) -> Box:
    box = _label_box(stock, position)
    pad = stock.padding_mm
    return Box(box.x + pad, box.y + pad, box.width - 2 * pad, box.height - 2 * pad)


def _label_images(pdf: bytes, stock: LabelStock, count: int, start: int = 0) -> list[Image.Image]:
    """Each label's own rectangle cut from the rendered pages, in print order."""
    pages = render_pages(pdf, PRINTER_DPI)
    images = []
    for index in range(start, start + count):
        page, position = divmod(index, stock.labels_per_page)
        images.append(pages[page].crop(_box_px(_label_box(stock, position), stock, PRINTER_DPI)))
    return images


def _decoded(image: Image.Image) -> dict[str, str]:
    return {str(result.format): str(result.text) for result in zxingcpp.read_barcodes(image)}


def _has_ink(image: Image.Image) -> bool:
    return ImageChops.invert(image).getbbox() is not None


@pytest.mark.parametrize("stock", STOCKS.values(), ids=list(STOCKS))
def test_the_barcode_gives_back_the_tag_and_the_qr_code_the_url(stock: LabelStock) -> None:
    pdf = render_asset_labels(LABELS, stock)
    images = _label_images(pdf, stock, len(LABELS))
    for label, image in zip(LABELS, images, strict=True):
        assert _decoded(image) == {"Code 128": label.asset_tag, "QR Code": label.url}


@pytest.mark.parametrize("stock", STOCKS.values(), ids=list(STOCKS))
def test_nothing_is_drawn_outside_the_printable_area_of_a_label(stock: LabelStock) -> None:
    pages = render_pages(render_asset_labels(LABELS * 7, stock), PRINTER_DPI)
    for page_number, page in enumerate(pages):
        erased = page.copy()
        draw = ImageDraw.Draw(erased)
        used = len(LABELS) * 7 - page_number * stock.labels_per_page
        for position in range(min(stock.labels_per_page, used)):
            # One pixel of slack for anti-aliased edges that end exactly on the boundary.
            draw.rectangle(_box_px(_printable_box(stock, position), stock, PRINTER_DPI, grow_px=1), fill=255)
        assert not _has_ink(erased), f"ink outside the printable area on page {page_number + 1}"


@pytest.mark.parametrize("stock", STOCKS.values(), ids=list(STOCKS))
def test_bars_and_modules_are_vectors_on_whole_printer_dots(stock: LabelStock) -> None:
    position = 0 if stock.is_roll else 1
    pdf = render_asset_labels([LABELS[1]], stock, position)
    assert image_count(pdf) == 0
    dot = 25.4 / stock.printer_dpi
    layout = _layout(LABELS[1], stock, position)
    for symbol in (layout.barcode, layout.qr):
        assert symbol.module_mm / dot == pytest.approx(round(symbol.module_mm / dot))
        assert symbol.module_mm >= 0.25
        assert symbol.x / dot == pytest.approx(round(symbol.x / dot))
    # Every bar's left edge and width in the content stream fall on the printer's dot grid.
    dot_pt = 72 / stock.printer_dpi
    stream = PdfReader(io.BytesIO(pdf)).pages[-1].get_contents()
    assert stream is not None
    content = stream.get_data().decode("latin-1")
    bar_height_pt = round(layout.barcode.height * 72 / 25.4, 2)
    bars = [
        (float(x), float(width))
        for x, _y, width, height in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re", content)
        if abs(float(height) - bar_height_pt) < 0.01
    ]
    assert len(bars) == len(bar_runs(code128_pattern(LABELS[1].asset_tag)))
    for x, width in bars:
        assert x / dot_pt == pytest.approx(round(x / dot_pt), abs=0.02)
        assert width / dot_pt == pytest.approx(round(width / dot_pt), abs=0.02)


def test_the_bars_are_at_least_15_percent_of_the_symbol_width_tall() -> None:
    for stock in STOCKS.values():
        barcode = _layout(LABELS[1], stock, 0).barcode
        assert barcode.height >= 0.15 * barcode.width - 25.4 / stock.printer_dpi
        assert barcode.quiet_zone_mm >= 10 * barcode.module_mm


def test_the_text_is_real_text_in_an_embedded_font() -> None:
    pdf = render_asset_labels(LABELS[:2], DYMO_54X25)
    first, second = page_texts(pdf)
    assert "JNS-000042-7" in first
    assert "Joensuu" in first
    assert "TOHMA-000123-5" in second
    assert "Tohmajärven" in second
    assert "…" in all_text(pdf), "the very long model line ends in an ellipsis"
    assert fonts(pdf)
    assert all(fonts(pdf).values()), fonts(pdf)
    assert {name.split("+")[-1] for name in fonts(pdf)} == {"DejaVuSans", "DejaVuSans-Bold"}


def test_the_same_labels_give_the_same_bytes() -> None:
    for stock in STOCKS.values():
        assert render_asset_labels(LABELS, stock, 0) == render_asset_labels(LABELS, stock, 0)


def test_a_half_used_sheet_is_filled_from_the_start_position() -> None:
    pdf = render_asset_labels(LABELS[:3], A4_70X37, start_position=5)
    pages = render_pages(pdf, PRINTER_DPI)
    assert len(pages) == 1
    for position in range(5):
        blank = pages[0].crop(_box_px(_label_box(A4_70X37, position), A4_70X37, PRINTER_DPI))
        assert not _has_ink(blank), f"position {position} was printed on"
    images = _label_images(pdf, A4_70X37, 3, start=5)
    assert [_decoded(image)["Code 128"] for image in images] == [label.asset_tag for label in LABELS[:3]]
    for position in range(8, 24):
        assert not _has_ink(pages[0].crop(_box_px(_label_box(A4_70X37, position), A4_70X37, PRINTER_DPI)))


def test_labels_past_the_end_of_the_sheet_go_on_a_new_sheet() -> None:
    labels = [asset_label(f"JNS-{number:06d}-1") for number in range(1, 6)]
    pdf = render_asset_labels(labels, A4_70X37, start_position=22)
    assert len(render_pages(pdf, 72)) == 2
    images = _label_images(pdf, A4_70X37, 5, start=22)
    assert [_decoded(image)["Code 128"] for image in images] == [label.asset_tag for label in labels]


def test_a_roll_prints_one_label_per_page() -> None:
    pdf = render_asset_labels(LABELS, BROTHER_62X29)
    pages = render_pages(pdf, 72)
    assert len(pages) == len(LABELS)
    width, height = pages[0].size
    assert abs(width - 62 / 25.4 * 72) <= 1
    assert abs(height - 29 / 25.4 * 72) <= 1


@pytest.mark.parametrize("start", [-1, 24])
def test_a_start_position_off_the_sheet_is_refused(start: int) -> None:
    with pytest.raises(ValueError, match="positions run from 0 to 23"):
        render_asset_labels(LABELS, A4_70X37, start_position=start)


def test_a_start_position_on_a_roll_is_refused() -> None:
    with pytest.raises(ValueError, match="positions run from 0 to 0"):
        render_asset_labels(LABELS, DYMO_54X25, start_position=1)


@pytest.mark.parametrize(
    ("tag", "url", "message"),
    [
        ("", "https://kierto.example.fi/d/x", "needs an asset tag; this one is empty"),
        ("   ", "https://kierto.example.fi/d/x", "needs an asset tag; this one is empty"),
        ("JNS-000042-7", "", "needs the URL"),
    ],
)
def test_a_label_without_tag_or_url_is_refused(tag: str, url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AssetLabel(asset_tag=tag, url=url)


def test_no_labels_is_refused() -> None:
    with pytest.raises(ValueError, match="no labels to print"):
        render_asset_labels([], DYMO_54X25)


def test_a_tag_too_long_for_the_label_is_refused() -> None:
    label = asset_label("JOENSUU-KIERRATYSKESKUS-000000042-7")
    with pytest.raises(ValueError, match="too wide for Dymo 54 × 25 mm roll"):
        render_asset_labels([label], DYMO_54X25)


def test_a_tag_a_scanner_could_not_give_back_is_refused() -> None:
    with pytest.raises(ValueError, match="printable ASCII"):
        render_asset_labels([asset_label("JNS-ÄÄ-1")], DYMO_54X25)
