"""Fitting text into a width with reportlab font metrics: shrink, then wrap, then shorten with "…"."""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

ELLIPSIS = "…"
# Separators that end a line rather than start one ("Lenovo T480 ·" / "i5-8250U").
SEPARATORS = frozenset({"·", "|", "/", "-", "–", "—", ","})
# Font sizes are chosen in quarter points, so the same text always gets the same size.
SIZE_STEP = 0.25


@dataclass(frozen=True)
class FittedText:
    """Text set in one font size, as the lines to draw; each line fits the width it was fitted to."""

    size: float
    lines: tuple[str, ...]


def text_width(text: str, font: str, size: float) -> float:
    """The advance width of ``text`` in points."""
    return float(stringWidth(text, font, size))


def largest_size(text: str, font: str, *, max_width: float, max_size: float) -> float:
    """The largest size up to ``max_size`` (in quarter points) at which ``text`` fits on one line."""
    unit_width = text_width(text, font, 1.0)
    if unit_width <= 0:
        return max_size
    return min(max_size, math.floor(max_width / unit_width / SIZE_STEP) * SIZE_STEP)


def ellipsize(text: str, font: str, size: float, max_width: float) -> str:
    """Return ``text`` unchanged if it fits, else its longest fitting beginning followed by an ellipsis."""
    if text_width(text, font, size) <= max_width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(text[:middle].rstrip() + ELLIPSIS, font, size) <= max_width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS if low else ELLIPSIS


def _break_word(word: str, font: str, size: float, max_width: float) -> list[str]:
    pieces: list[str] = []
    while word:
        cut = len(word)
        while cut > 1 and text_width(word[:cut], font, size) > max_width:
            cut -= 1
        pieces.append(word[:cut])
        word = word[cut:]
    return pieces


def _words(text: str) -> list[str]:
    words: list[str] = []
    for word in text.split():
        if word in SEPARATORS and words:
            words[-1] = f"{words[-1]} {word}"
        else:
            words.append(word)
    return words


def wrap(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Break ``text`` into lines at spaces, keeping separators such as "·" at the end of a line
    (and inside words only when a word alone is too wide).
    """
    lines: list[str] = []
    current = ""
    for word in _words(text):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font, size) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = _break_word(word, font, size, max_width)
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current:
        lines.append(current)
    return lines


def fit_text(
    text: str, font: str, *, max_width: float, max_size: float, min_size: float, max_lines: int = 1
) -> FittedText:
    """Fit ``text`` into ``max_width`` points: the largest size down to ``min_size`` that keeps one line,
    else at ``min_size`` wrapped into at most ``max_lines`` lines, the last one shortened with an ellipsis.
    """
    text = " ".join(text.split())
    if not text:
        return FittedText(size=max_size, lines=())
    size = largest_size(text, font, max_width=max_width, max_size=max_size)
    if size >= min_size:
        return FittedText(size=size, lines=(text,))
    lines = wrap(text, font, min_size, max_width)
    if len(lines) > max_lines:
        kept = lines[: max_lines - 1] if max_lines > 1 else []
        rest = " ".join(lines[len(kept) :])
        lines = [*kept, ellipsize(rest, font, min_size, max_width)]
    return FittedText(size=min_size, lines=tuple(lines))
