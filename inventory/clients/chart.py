"""The before/after chart of a client's self-ratings as server-rendered SVG with a text alternative.

The SVG is an image with a title and a description that says every value in words; pages show the
same numbers as a table next to it. The two series differ by pattern as well as colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

from inventory.clients.assessment import RATING_MAX, RatingRow
from labels.fonts import register_fonts

WIDTH = 680
LABEL_WIDTH = 250
VALUE_WIDTH = 36
BAR_HEIGHT = 14
BAR_GAP = 3
ROW_GAP = 12
TOP = 44
AXIS_ROOM = 24
BEFORE_COLOUR = "#5f5f5f"  # 6.4:1 against white
AFTER_COLOUR = "#00528a"  # 7.8:1 against white
TEXT_COLOUR = "#1a1a1a"
LABEL_SIZE = 12
LINE_HEIGHT = 15
# Browsers draw with their own sans-serif where DejaVu Sans is missing: leave room for a wider one.
WIDTH_MARGIN = 1.15


@dataclass(frozen=True)
class ChartText:
    """The chart's words in the reader's language."""

    title: str
    before: str
    after: str
    not_rated: str
    summary: str  # with {task}, {before}, {after} for one sentence per task


def text_width(text: str, size: float) -> float:
    """How wide a text is drawn, in SVG units, with room for a browser's own sans-serif."""
    regular, _ = register_fonts()
    return float(stringWidth(text, regular, size)) * WIDTH_MARGIN


def wrap_label(label: str, width: float, size: float = LABEL_SIZE) -> list[str]:
    """A task's name in lines no wider than `width` (a word longer than that keeps a line of its own)."""
    lines: list[str] = []
    for word in label.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _value_text(value: int | None, text: ChartText) -> str:
    return text.not_rated if value is None else str(value)


def describe(rows: Sequence[RatingRow], text: ChartText) -> str:
    """Every value of the chart as sentences: the text alternative."""
    return " ".join(
        text.summary.format(
            task=row.label, before=_value_text(row.before, text), after=_value_text(row.after, text)
        )
        for row in rows
    )


def _bar(x: float, y: float, value: int | None, fill: str, scale: float, text: ChartText) -> str:
    if value is None:
        return (
            f'<text x="{x + 4:.1f}" y="{y + BAR_HEIGHT - 3:.1f}" fill="{TEXT_COLOUR}" font-size="11">'
            f"{escape(text.not_rated)}</text>"
        )
    width = value * scale
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{fill}"/>'
        f'<text x="{x + width + 4:.1f}" y="{y + BAR_HEIGHT - 3:.1f}" fill="{TEXT_COLOUR}" font-size="11">'
        f"{value}</text>"
    )


def ratings_svg(rows: Sequence[RatingRow], text: ChartText, element_id: str = "ratings-chart") -> str:
    """The chart as an SVG element (safe to embed: every text in it is escaped)."""
    plot_x = LABEL_WIDTH + 8
    plot_width = WIDTH - plot_x - VALUE_WIDTH - 40
    scale = plot_width / RATING_MAX
    bars = 2 * BAR_HEIGHT + BAR_GAP
    labels = [wrap_label(row.label, LABEL_WIDTH - 4) for row in rows]
    height = TOP + sum(max(bars, len(lines) * LINE_HEIGHT) + ROW_GAP for lines in labels) + AXIS_ROOM
    hatch = f"{element_id}-before"
    after_x = plot_x + max(170, 20 + text_width(text.before, 12) + 20)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(element_id)}" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{element_id}-title {element_id}-desc" font-family="DejaVu Sans, sans-serif">',
        f'<title id="{element_id}-title">{escape(text.title)}</title>',
        f'<desc id="{element_id}-desc">{escape(describe(rows, text))}</desc>',
        "<defs>",
        f'<pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">',
        f'<rect width="6" height="6" fill="{BEFORE_COLOUR}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/>',
        "</pattern>",
        "</defs>",
        # Legend
        f'<rect x="{plot_x}" y="8" width="14" height="14" fill="url(#{hatch})"/>',
        f'<text x="{plot_x + 20}" y="20" fill="{TEXT_COLOUR}" font-size="12">{escape(text.before)}</text>',
        f'<rect x="{after_x}" y="8" width="14" height="14" fill="{AFTER_COLOUR}"/>',
        f'<text x="{after_x + 20}" y="20" fill="{TEXT_COLOUR}" font-size="12">{escape(text.after)}</text>',
    ]
    y = TOP
    for row, lines in zip(rows, labels, strict=True):
        label_top = y + max(0, bars - len(lines) * LINE_HEIGHT) / 2  # centred beside its two bars
        spans = "".join(
            f'<tspan x="{LABEL_WIDTH}" y="{label_top + (number + 1) * LINE_HEIGHT - 3:.1f}">{escape(line)}</tspan>'
            for number, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="end" fill="{TEXT_COLOUR}" font-size="{LABEL_SIZE}">{spans}</text>')
        parts.append(_bar(plot_x, y, row.before, f"url(#{hatch})", scale, text))
        parts.append(_bar(plot_x, y + BAR_HEIGHT + BAR_GAP, row.after, AFTER_COLOUR, scale, text))
        y += max(bars, len(lines) * LINE_HEIGHT) + ROW_GAP
    axis_y = y
    parts.append(
        f'<line x1="{plot_x}" y1="{axis_y}" x2="{plot_x + plot_width:.1f}" y2="{axis_y}" stroke="{TEXT_COLOUR}"/>'
    )
    for tick in range(RATING_MAX + 1):
        x = plot_x + tick * scale
        parts.append(
            f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle" fill="{TEXT_COLOUR}" '
            f'font-size="11">{tick}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
