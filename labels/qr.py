"""QR code encoding with segno: the dark modules of a symbol as horizontal runs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import segno

# ISO/IEC 18004 asks for four light modules around the symbol.
QUIET_ZONE_MODULES = 4
MAX_DATA_LENGTH = 1000


@dataclass(frozen=True)
class QrSymbol:
    """A QR symbol: its side in modules and its dark modules as rectangles.

    Each rectangle is (top row, first column, width, height) in modules; row 0 is the top row of the
    symbol. Runs of dark modules that repeat in the rows below are merged into one rectangle. The
    quiet zone is not included.
    """

    data: str
    size: int
    rects: tuple[tuple[int, int, int, int], ...]


def _row_runs(row: bytearray) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = -1
    for column, dark in enumerate(row):
        if dark and start < 0:
            start = column
        elif not dark and start >= 0:
            runs.append((start, column - start))
            start = -1
    if start >= 0:
        runs.append((start, len(row) - start))
    return runs


def _rectangles(matrix: tuple[bytearray, ...]) -> tuple[tuple[int, int, int, int], ...]:
    """Merge each row's dark runs with identical runs directly below them."""
    done: list[tuple[int, int, int, int]] = []
    growing: dict[tuple[int, int], int] = {}  # (column, width) -> top row
    for row_index, row in enumerate(matrix):
        runs = set(_row_runs(row))
        for run in [run for run in growing if run not in runs]:
            top = growing.pop(run)
            done.append((top, run[0], run[1], row_index - top))
        for run in runs:
            growing.setdefault(run, row_index)
    done.extend((top, run[0], run[1], len(matrix) - top) for run, top in growing.items())
    return tuple(sorted(done))


@lru_cache(maxsize=512)
def qr_symbol(data: str) -> QrSymbol:
    """Encode ``data`` (a URL) with error correction level M or better and return its modules."""
    if not data or data != data.strip():
        raise ValueError("A QR code needs a URL without spaces around it; this one is empty or padded.")
    if len(data) > MAX_DATA_LENGTH:
        raise ValueError(
            f"{data[:40]!r}… is too long to put in a QR code (at most {MAX_DATA_LENGTH} characters)."
        )
    symbol = segno.make_qr(data, error="m", boost_error=True)
    return QrSymbol(data=data, size=len(symbol.matrix), rects=_rectangles(symbol.matrix))
