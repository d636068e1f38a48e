"""Text fitting: shrink first, then wrap, then an ellipsis; every line within its width by font metrics."""

from __future__ import annotations

import pytest

from labels.fonts import register_fonts
from labels.label_layout import Box
from labels.label_text import layout_label_text
from labels.stocks import PT_PER_MM
from labels.text_fit import ELLIPSIS, fit_text, text_width, wrap
from tests.labels.samples import LONG_MODEL

REGULAR, BOLD = register_fonts()


def test_text_that_fits_keeps_the_largest_size() -> None:
    fitted = fit_text("Joensuu", REGULAR, max_width=200, max_size=8, min_size=5)
    assert fitted.size == 8
    assert fitted.lines == ("Joensuu",)


def test_text_shrinks_before_it_wraps() -> None:
    text = "Lenovo T480 · i5-8250U · 8 GB"
    width = text_width(text, REGULAR, 6.5)
    fitted = fit_text(text, REGULAR, max_width=width, max_size=8, min_size=5)
    assert fitted.lines == (text,)
    assert 6.25 <= fitted.size <= 6.5


def test_text_too_long_at_the_smallest_size_wraps_and_ends_in_an_ellipsis() -> None:
    fitted = fit_text(LONG_MODEL, REGULAR, max_width=120, max_size=7, min_size=5, max_lines=2)
    assert fitted.size == 5
    assert len(fitted.lines) == 2
    assert fitted.lines[-1].endswith(ELLIPSIS)
    assert all(text_width(line, REGULAR, 5) <= 120 for line in fitted.lines)


def test_wrapping_keeps_separators_at_the_end_of_a_line() -> None:
    lines = wrap("Lenovo T480 · i5-8250U · 8 GB · 256 GB SSD", REGULAR, 7, 60)
    assert len(lines) > 1
    assert not any(line.startswith("·") for line in lines)


def test_a_word_wider_than_the_line_is_broken() -> None:
    lines = wrap("ABCDEFGHIJKLMNOPQRSTUVWXYZ", BOLD, 10, 50)
    assert "".join(lines) == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    assert all(text_width(line, BOLD, 10) <= 50 for line in lines)


@pytest.mark.parametrize(
    ("tag", "site", "spec"),
    [
        ("JNS-000042-7", "Joensuu", "Lenovo T480 · i5-8250U · 8 GB · 256 GB SSD"),
        ("TOHMA-000123-5", "Tohmajärven Kierrätyskahvila ja Digituki, Åkerö" * 2, LONG_MODEL),
    ],
)
def test_label_text_stays_inside_its_box(tag: str, site: str, spec: str) -> None:
    box = Box(10, 10, 35, 12)
    lines = layout_label_text(box, tag=tag, site=site, spec=spec, regular=REGULAR, bold=BOLD)
    assert lines[0].text == tag
    for line in lines:
        assert line.x >= box.x
        assert line.x + text_width(line.text, line.font, line.size) / PT_PER_MM <= box.right + 1e-6
        assert line.baseline + line.size * 0.928 / PT_PER_MM <= box.top + 1e-6
        assert line.baseline - line.size * 0.236 / PT_PER_MM >= box.y - 1e-6


def test_a_box_too_small_for_any_text_is_refused() -> None:
    with pytest.raises(ValueError, match="no room left for its text"):
        layout_label_text(Box(0, 0, 30, 3), tag="JNS-1", site="", spec="", regular=REGULAR, bold=BOLD)


def test_an_asset_tag_is_never_shortened() -> None:
    with pytest.raises(ValueError, match="too long to print in full"):
        layout_label_text(Box(0, 0, 15, 12), tag="JNS-000042-7", site="", spec="", regular=REGULAR, bold=BOLD)
