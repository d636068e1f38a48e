"""Code 128 encoding: python-barcode's patterns, its leading-"99" bug handled, bad data refused."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from labels.code128 import QUIET_ZONE_MODULES, bar_runs, code128_pattern


def _decode(pattern: str) -> str:
    """Paint the pattern 3 pixels per module with quiet zones and decode it with zxing-cpp."""
    quiet = "0" * QUIET_ZONE_MODULES
    row = bytes(0 if module == "1" else 255 for module in quiet + pattern + quiet for _ in range(3))
    image = Image.frombytes("L", (len(row), 1), row).resize((len(row), 60))
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.barcode_formats_from_str("Code128"))
    assert len(results) == 1
    return str(results[0].text)


@pytest.mark.parametrize(
    "data", ["JNS-000042-7", "TOHMA-999999-9", "9912345678", "99", "990-A", "1A", "0000"]
)
def test_the_pattern_decodes_back_to_the_data(data: str) -> None:
    assert _decode(code128_pattern(data)) == data


def test_a_leading_99_is_kept_as_data() -> None:
    # python-barcode 0.16.1 alone encodes "9912345678" as "12345678".
    assert len(code128_pattern("9912345678")) == len(code128_pattern("0012345678"))


def test_bars_are_runs_of_dark_modules() -> None:
    assert bar_runs("1101001110") == [(0, 2), (3, 1), (6, 3)]
    pattern = code128_pattern("JNS-000042-7")
    assert sum(width for _, width in bar_runs(pattern)) == pattern.count("1")
    assert pattern.startswith("11")
    assert pattern.endswith("1100011101011")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "empty"),
        ("JNS-ÄÖ-1", "printable ASCII"),
        ("JNS\t1", "printable ASCII"),
        (" JNS-1", "starts or ends with a space"),
        ("X" * 49, "too long"),
    ],
)
def test_data_a_scanner_could_not_give_back_is_refused(data: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        code128_pattern(data)
