"""Code 128 encoding with python-barcode: the module pattern and its bars, in modules."""

from __future__ import annotations

from barcode.codex import Code128
from barcode.errors import IllegalCharacterError

# Code 128 asks for a quiet zone of at least ten modules on either side of the symbol.
QUIET_ZONE_MODULES = 10
MAX_DATA_LENGTH = 48

# Code numbers: "start in charset C", and "switch to A" / "switch to B" with the start code each becomes.
_START_C = 105
_START_FOR_SWITCH = {101: 103, 100: 104}


class _Code128(Code128):  # type: ignore[misc]
    """python-barcode's Code 128 without its leading "99" bug.

    python-barcode 0.16.1 starts in charset C and folds "start C, switch to A/B" into one start
    code, but it also takes the data pair "99" (code number 99, which is the switch *to C* in
    charsets A and B) for such a switch and drops it. Folding only a real switch to A or B keeps
    the data, as the upstream fix does.
    """

    def _try_to_optimize(self, encoded: list[int]) -> list[int]:
        if len(encoded) > 1 and encoded[0] == _START_C and encoded[1] in _START_FOR_SWITCH:
            encoded[:2] = [_START_FOR_SWITCH[encoded[1]]]
        return encoded


def _checked(data: str) -> str:
    if not data:
        raise ValueError("A barcode needs some text to encode; this one is empty.")
    if len(data) > MAX_DATA_LENGTH:
        raise ValueError(
            f"{data[:20]!r}… is too long for a label barcode (at most {MAX_DATA_LENGTH} characters)."
        )
    if not data.isascii() or not data.isprintable():
        raise ValueError(f"{data!r} cannot go in a Code 128 barcode: use printable ASCII characters only.")
    if data != data.strip():
        raise ValueError(f"{data!r} starts or ends with a space, which a scanner would not show.")
    return data


def code128_pattern(data: str) -> str:
    """Return the modules of ``data`` as a string of "1" (bar) and "0" (space), quiet zones excluded."""
    try:
        pattern: str = _Code128(_checked(data)).build()[0]
    except IllegalCharacterError as error:
        raise ValueError(f"{data!r} cannot go in a Code 128 barcode: {error}.") from error
    return pattern


def bar_runs(pattern: str) -> list[tuple[int, int]]:
    """Return the bars of a module pattern as (first module, width in modules) pairs."""
    runs: list[tuple[int, int]] = []
    start = -1
    for index, module in enumerate(pattern):
        if module == "1" and start < 0:
            start = index
        elif module != "1" and start >= 0:
            runs.append((start, index - start))
            start = -1
    if start >= 0:
        runs.append((start, len(pattern) - start))
    return runs
