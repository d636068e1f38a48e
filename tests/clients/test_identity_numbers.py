"""No personal identity code (henkilötunnus) gets into Kierto through any free-text field."""

from __future__ import annotations

import pytest

from inventory.clients.identity_numbers import (
    check_character,
    looks_like_identity_code,
    refuse_identity_codes,
)
from inventory.errors import InvalidInput


def _code(day_month_year: str, sign: str, individual: str) -> str:
    return f"{day_month_year}{sign}{individual}{check_character(day_month_year + individual)}"


def test_the_published_example_is_recognised() -> None:
    assert check_character("131052308") == "T"
    assert looks_like_identity_code("131052-308T")


@pytest.mark.parametrize("sign", ["+", "-", "Y", "X", "W", "V", "U", "A", "B", "C", "D", "E", "F"])
def test_every_century_sign_is_recognised(sign: str) -> None:
    assert looks_like_identity_code(_code("010203", sign, "123"))


@pytest.mark.parametrize(
    "text",
    [
        "Hetu 131052-308T, soita",
        "131052-308t",  # lower case
        "131052-308A",  # a wrong check character is still an identity code
        "(290200A123B)",  # 29 February 2000 is a real date
        "131052 -308T",
    ],
)
def test_identity_codes_in_running_text_are_found(text: str) -> None:
    assert looks_like_identity_code(text)


@pytest.mark.parametrize(
    "text",
    [
        "040 123 4567",
        "+358 40 123 4567",
        "010-123 4567",
        "2026-11-24",
        "JNS-000042-7",
        "PF1A2B3C",
        "321152-308T",  # no 32nd day
        "290200-123B",  # 29 February 1900 did not exist
        "131052-308G",  # G is never a check character
        "1131052-308T",  # seven digits: something else
        "131052-308TX",
        "Sarjanumero S4000123-0001",
    ],
)
def test_other_numbers_pass(text: str) -> None:
    assert not looks_like_identity_code(text)


def test_the_refusal_names_the_field_and_says_what_to_do_instead() -> None:
    with pytest.raises(InvalidInput) as refused:
        refuse_identity_codes([("full_name", "Maija Meikäläinen"), ("notes", "hetu 131052-308T")])
    assert refused.value.field == "notes"
    assert "client code" in refused.value.text("en")
    assert "henkilötunnus" in refused.value.text("fi")
    refuse_identity_codes([("notes", None), ("phone", "040 123 4567")])
