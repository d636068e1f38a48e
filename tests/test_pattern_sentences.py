"""Every pattern the API refuses by has a sentence, and it replaces msgspec's own words for that pattern."""

from __future__ import annotations

from typing import Annotated

import msgspec
import pytest

from inventory.exception_handlers import readable
from inventory.i18n import gettext
from inventory.schema_types import PATTERN_SENTENCES

# A value each pattern refuses.
REFUSED = {
    "NUL": "a\x00b",
    "blank": " \u00a0\t",
    "spaces": "two words",
    "email": "maija at example.org",
    "phone": "040-ILTA",
    "site": "J1",
    "username": "maija virtanen",
}


def _message(pattern: str, value: str) -> str:
    field = Annotated[str, msgspec.Meta(pattern=pattern)]
    with pytest.raises(msgspec.ValidationError) as refused:
        msgspec.convert(value, field)
    return str(refused.value)


@pytest.mark.parametrize("pattern", list(PATTERN_SENTENCES))
def test_msgspecs_refusal_of_a_pattern_reads_as_its_sentence(pattern: str) -> None:
    refusals = [_message(pattern, value) for value in REFUSED.values() if not _matches(pattern, value)]
    assert refusals, f"no sample value is refused by {pattern!r}"
    for message in refusals:
        assert readable(message) == gettext(PATTERN_SENTENCES[pattern], "fi"), message


def test_a_pattern_without_a_sentence_keeps_msgspecs_words() -> None:
    message = _message(r"^[a-z]+$", "ABC")
    assert readable(message) == message


def _matches(pattern: str, value: str) -> bool:
    try:
        msgspec.convert(value, Annotated[str, msgspec.Meta(pattern=pattern)])
    except msgspec.ValidationError:
        return False
    return True
