"""Asset tags: the check character catches every single typo and every swap of neighbours."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.devices.asset_tags import check_character, format_tag, likely_intended, parse_tag

site_codes = st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=5)
numbers = st.integers(min_value=1, max_value=999_999)


def _body(tag: str) -> str:
    return tag.replace("-", "")


def _is_valid(text: str) -> bool:
    parsed = parse_tag(text)
    return parsed is not None and parsed.check is not None and parsed.check_matches


def test_format_matches_the_design() -> None:
    tag = format_tag("JNS", 42)
    assert tag.startswith("JNS-000042-")
    assert len(tag) == len("JNS-000042-7")


@given(site_codes, numbers)
def test_every_single_character_substitution_is_caught(site: str, number: int) -> None:
    tag = format_tag(site, number)
    for index, char in enumerate(tag):
        if char == "-":
            continue
        pool = string.ascii_uppercase if index < len(site) else string.digits + string.ascii_uppercase + "*"
        for other in pool:
            if other != char:
                mistyped = tag[:index] + other + tag[index + 1 :]
                assert not _is_valid(mistyped), mistyped


@given(site_codes, numbers)
def test_every_swap_of_neighbouring_characters_is_caught(site: str, number: int) -> None:
    body = _body(tag := format_tag(site, number))
    for index in range(len(body) - 1):
        swapped = body[:index] + body[index + 1] + body[index] + body[index + 2 :]
        if swapped == body:
            continue
        rebuilt = f"{swapped[: len(site)]}-{swapped[len(site) : -1]}-{swapped[-1]}"
        assert not _is_valid(rebuilt), (tag, rebuilt)


@pytest.mark.parametrize(
    "typed", ["jns-000042-{c}", "  JNS-000042-{c}\n", "JNS-000042", "jns-42", "JNS 000042", "JNS000042"]
)
def test_what_people_and_scanners_type_is_understood(typed: str) -> None:
    check = check_character("JNS", 42)
    parsed = parse_tag(typed.format(c=check.lower() if typed.startswith("jns") else check))
    assert parsed is not None
    assert parsed.canonical == format_tag("JNS", 42)
    assert parsed.check_matches


@pytest.mark.parametrize(
    "text", ["", "PF1K8Z3A", "J-000001-1", "JNS-0000000-1", "JNS-000000-0", "TOOLONG-000001-1"]
)
def test_text_that_is_not_a_tag(text: str) -> None:
    assert parse_tag(text) is None


def test_a_mistyped_tag_suggests_the_intended_one() -> None:
    intended = format_tag("JNS", 42)
    mistyped = intended.replace("000042", "000043")
    parsed = parse_tag(mistyped)
    assert parsed is not None
    assert not parsed.check_matches
    assert intended in likely_intended(parsed)


@pytest.mark.parametrize(("site", "number"), [("jns", 1), ("J", 1), ("JNS", 0), ("JNS", 1_000_000)])
def test_bad_parts_are_refused(site: str, number: int) -> None:
    with pytest.raises(ValueError, match=r"site code|number"):
        format_tag(site, number)
