"""Reproducible PDF settings: invariant mode, a creation date taken from the input, title and language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from reportlab.pdfgen.canvas import Canvas

CREATOR = "Kierto"
# Used when the input names no date (labels): the same date as reportlab's own invariant mode.
DEFAULT_CREATED = datetime(2000, 1, 1)  # noqa: DTZ001 - a fixed date written as UTC


def pdf_date(created: date | datetime) -> str:
    """The PDF date string in UTC for a creation date; a bare date means midnight, a naive time is UTC."""
    moment = created if isinstance(created, datetime) else datetime.combine(created, time())
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def _fixed_date(stamp: str) -> Callable[[int, int, int, int, int, int], str]:
    def formatter(_year: int, _month: int, _day: int, _hour: int, _minute: int, _second: int) -> str:
        return stamp

    return formatter


def apply_metadata(
    canvas: Canvas, *, title: str, subject: str = "", created: date | datetime = DEFAULT_CREATED
) -> None:
    """Write the title, subject, creator and a fixed creation date into the canvas's document info."""
    canvas.setTitle(title)
    canvas.setSubject(subject)
    canvas.setCreator(CREATOR)
    canvas.setAuthor(CREATOR)
    canvas.setDateFormatter(_fixed_date(pdf_date(created)))


def reproducible_canvas_maker(created: date | datetime) -> Callable[..., Canvas]:
    """A canvas factory for platypus whose canvases write ``created`` as the creation date."""

    def make(*args: Any, **kwargs: Any) -> Canvas:
        canvas = Canvas(*args, **kwargs)
        canvas.setDateFormatter(_fixed_date(pdf_date(created)))
        return canvas

    return make
