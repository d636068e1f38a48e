"""Bar charts drawn on the server as SVG geometry; the page always shows the same numbers as a table too."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 240
MARGIN_LEFT = 36
MARGIN_BOTTOM = 36
MARGIN_TOP = 12
GROUP_GAP = 0.25  # share of each group's width left empty


@dataclass(frozen=True)
class Bar:
    """One bar: where it is drawn, its series (1-based, for the colour) and its value."""

    x: float
    y: float
    width: float
    height: float
    series: int
    value: int


@dataclass(frozen=True)
class Tick:
    """A value on the vertical axis and its height."""

    y: float
    value: int


@dataclass(frozen=True)
class Group:
    """One category (a month) with its label's position."""

    label: str
    label_x: float


@dataclass(frozen=True)
class BarChart:
    """A grouped bar chart, ready for the template to draw."""

    width: int
    height: int
    baseline: float
    left: float
    bars: tuple[Bar, ...]
    groups: tuple[Group, ...]
    ticks: tuple[Tick, ...]


def _nice_top(largest: int) -> int:
    if largest <= 4:
        return 4
    magnitude = 10 ** int(math.log10(largest))
    for step in (1, 2, 2.5, 5, 10):
        top = int(math.ceil(largest / (step * magnitude)) * step * magnitude)
        if top >= largest and top / (step * magnitude) <= 5:
            return top
    return largest


def grouped_bars(labels: Sequence[str], series: Sequence[Sequence[int]]) -> BarChart:
    """Bars for each label (category), one per series, scaled to a rounded maximum with ticks."""
    if any(len(values) != len(labels) for values in series):
        raise ValueError("Every series needs one value per label.")
    top = _nice_top(max((v for values in series for v in values), default=0))
    plot_width = WIDTH - MARGIN_LEFT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    baseline = HEIGHT - MARGIN_BOTTOM
    group_width = plot_width / max(len(labels), 1)
    bar_width = group_width * (1 - GROUP_GAP) / max(len(series), 1)
    bars = []
    groups = []
    for index, label in enumerate(labels):
        left = MARGIN_LEFT + index * group_width + group_width * GROUP_GAP / 2
        for number, values in enumerate(series):
            height = plot_height * values[index] / top
            bars.append(
                Bar(
                    x=round(left + number * bar_width, 1),
                    y=round(baseline - height, 1),
                    width=round(bar_width, 1),
                    height=round(height, 1),
                    series=number + 1,
                    value=values[index],
                )
            )
        groups.append(Group(label, round(MARGIN_LEFT + (index + 0.5) * group_width, 1)))
    ticks = tuple(
        Tick(round(baseline - plot_height * share, 1), round(top * share))
        for share in (0, 0.25, 0.5, 0.75, 1)
    )
    return BarChart(WIDTH, HEIGHT, baseline, MARGIN_LEFT, tuple(bars), tuple(groups), ticks)
