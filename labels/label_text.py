"""The text lines of an asset label (tag, site, spec line), fitted into the label's text box."""

from __future__ import annotations

import math
from dataclasses import dataclass

from labels.fonts import glyph_extent
from labels.label_layout import Box
from labels.stocks import PT_PER_MM
from labels.text_fit import FittedText, fit_text

TAG_SIZES = (14.0, 6.0)
SITE_SIZES = (7.5, 5.5)
SPEC_SIZES = (7.0, 5.0)
# The tag takes at most this share of the text box's height; the rest is for site and spec line.
TAG_HEIGHT_SHARE = 0.45
LINE_GAP_PT = 1.0


@dataclass(frozen=True)
class TextLine:
    """One line of text: left end of its baseline in mm on the page, font, size in points."""

    x: float
    baseline: float
    font: str
    size: float
    text: str


def _line_height_pt(font: str, size: float) -> float:
    ascent, descent = glyph_extent(font)
    return (ascent + descent) * size


def _ascent_pt(font: str, size: float) -> float:
    return glyph_extent(font)[0] * size


def layout_label_text(
    box: Box, *, tag: str, site: str, spec: str, regular: str, bold: str
) -> tuple[TextLine, ...]:
    """Fit the tag (bold, as large as fits), the site and the spec line (shrunk, wrapped, shortened)
    into ``box``, from its top down; nothing is placed outside the box.
    """
    width = box.width * PT_PER_MM
    height = box.height * PT_PER_MM
    unit_height = _line_height_pt(bold, 1.0)
    tag_max = min(TAG_SIZES[0], TAG_HEIGHT_SHARE * height / unit_height)
    if tag_max < TAG_SIZES[1] or width <= 0:
        raise ValueError("The label has no room left for its text: choose a larger label stock.")
    tag_text = fit_text(tag, bold, max_width=width, max_size=tag_max, min_size=TAG_SIZES[1])
    if tag_text.lines != (" ".join(tag.split()),):
        # People type the tag by hand when the scanner fails: it is never shortened.
        raise ValueError(f"The asset tag {tag!r} is too long to print in full on this label.")
    blocks: list[tuple[str, FittedText]] = [(bold, tag_text)]
    used = _line_height_pt(bold, blocks[0][1].size) * len(blocks[0][1].lines)
    for text, (max_size, min_size), wanted_lines in ((site, SITE_SIZES, 1), (spec, SPEC_SIZES, 3)):
        room = height - used - LINE_GAP_PT
        lines_possible = min(wanted_lines, math.floor(room / _line_height_pt(regular, min_size)))
        if not text.strip() or lines_possible < 1:
            continue
        fitted = fit_text(
            text, regular, max_width=width, max_size=max_size, min_size=min_size, max_lines=lines_possible
        )
        if _line_height_pt(regular, fitted.size) * len(fitted.lines) > room:
            fitted = fit_text(
                text, regular, max_width=width, max_size=min_size, min_size=min_size, max_lines=lines_possible
            )
        blocks.append((regular, fitted))
        used += LINE_GAP_PT + _line_height_pt(regular, fitted.size) * len(fitted.lines)

    lines: list[TextLine] = []
    top = box.top * PT_PER_MM
    for index, (font, fitted) in enumerate(blocks):
        if index:
            top -= LINE_GAP_PT
        line_height = _line_height_pt(font, fitted.size)
        for text in fitted.lines:
            baseline = top - _ascent_pt(font, fitted.size)
            lines.append(TextLine(box.x, baseline / PT_PER_MM, font, fitted.size, text))
            top -= line_height
    return tuple(lines)
