"""The password rules: at least 12 characters, not common or leaked, not built from the person's own name."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inventory.accounts.passwords import check_password_rules, hash_password, verify_password
from inventory.errors import InvalidInput


@pytest.mark.parametrize(
    "password",
    [
        "lyhyt",
        "passwordpassword",
        "123456789012",
        "qwertyuiopas",
        "salasana2026",
        "Kesäkuu2026!",
        "aaaaaaaaaaaa",
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_password_rules(password)
    assert refused.value.field == "password"


def test_a_password_built_from_ones_own_name_is_refused() -> None:
    with pytest.raises(InvalidInput):
        check_password_rules("maijameikäläinen2026", personal=("maija", "Maija", "Meikäläinen"))


@pytest.mark.parametrize(
    "password", ["correct-horse-battery", "kuusi kettua juoksi järvelle", "Ruis-Kello-Pilvi-47"]
)
def test_long_unrelated_words_are_accepted(password: str) -> None:
    check_password_rules(password, personal=("maija",))


def test_hashes_are_argon2_and_check_only_the_right_password() -> None:
    stored = hash_password("correct-horse-battery")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct-horse-battery")
    assert not verify_password(stored, "correct-horse-batterx")
    assert not verify_password(None, "correct-horse-battery")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.lists(st.text(max_size=8), max_size=3))
def test_any_text_gets_an_answer_never_a_crash(password: str, personal: list[str]) -> None:
    # Either accepted, or refused with a reason for the password field: nothing else may escape.
    with contextlib.suppress(InvalidInput):
        check_password_rules(password, personal=personal)
