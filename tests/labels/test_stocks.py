"""Label stocks: the three stocks are valid data, looked up by id, and bad geometry is refused."""

from __future__ import annotations

import dataclasses

import pytest

from labels.stocks import A4_70X37, BROTHER_62X29, DYMO_54X25, STOCKS, get_stock


def test_the_three_stocks_are_looked_up_by_id() -> None:
    assert get_stock("brother-62x29") is BROTHER_62X29
    assert get_stock("dymo-54x25") is DYMO_54X25
    assert get_stock("a4-70x37") is A4_70X37
    assert set(STOCKS) == {"brother-62x29", "dymo-54x25", "a4-70x37"}


def test_an_unknown_stock_is_refused_with_the_known_ids() -> None:
    with pytest.raises(ValueError, match=r"no label stock 'zebra-4x6'.*a4-70x37, brother-62x29, dymo-54x25"):
        get_stock("zebra-4x6")


def test_rolls_hold_one_label_per_page_and_the_sheet_24() -> None:
    assert BROTHER_62X29.is_roll
    assert DYMO_54X25.is_roll
    assert A4_70X37.labels_per_page == 24
    assert not A4_70X37.is_roll


def test_sheet_positions_run_row_by_row_from_the_top_left() -> None:
    assert A4_70X37.label_origin_mm(0) == pytest.approx((0.0, 297 - 0.5 - 37))
    assert A4_70X37.label_origin_mm(2) == pytest.approx((140.0, 297 - 0.5 - 37))
    assert A4_70X37.label_origin_mm(3) == pytest.approx((0.0, 297 - 0.5 - 74))
    assert A4_70X37.label_origin_mm(23) == pytest.approx((140.0, 0.5))
    with pytest.raises(ValueError, match="positions run from 0 to 23"):
        A4_70X37.label_origin_mm(24)


def test_labels_that_do_not_fit_on_the_page_are_refused() -> None:
    with pytest.raises(ValueError, match="do not fit on its page"):
        dataclasses.replace(A4_70X37, rows=9)


def test_a_printer_too_coarse_for_barcodes_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 150 dpi"):
        dataclasses.replace(DYMO_54X25, printer_dpi=96)


def test_padding_that_leaves_no_room_is_refused() -> None:
    with pytest.raises(ValueError, match="leaves no room"):
        dataclasses.replace(DYMO_54X25, padding_mm=13)
