"""The device lifecycle of DESIGN.md, every state × every transition, and each guard by name."""

from __future__ import annotations

import itertools
import re

import pytest

from inventory.errors import format_refusal
from inventory.lifecycle import (
    FINAL_STATES,
    TRANSITIONS,
    Action,
    DeviceFacts,
    Intent,
    State,
    TransitionRefused,
    available_actions,
    decide,
)
from inventory.permissions import Permission, Role, role_may

S = State
A = Action

# Written from the diagram in DESIGN.md, independently of the module under test.
EXPECTED: dict[tuple[State, Action], State] = {
    (S.RECEIVED, A.START_WIPE): S.WIPING,
    (S.WIPE_FAILED, A.START_WIPE): S.WIPING,
    (S.WIPING, A.WIPE_PASSED): S.WIPED,
    (S.WIPING, A.WIPE_FAILED): S.WIPE_FAILED,
    (S.WIPED, A.START_PROVISIONING): S.PROVISIONING,
    (S.PROVISIONING_FAILED, A.START_PROVISIONING): S.PROVISIONING,
    (S.PROVISIONING, A.PROVISIONED): S.READY,
    (S.PROVISIONING, A.PROVISIONING_FAILED): S.PROVISIONING_FAILED,
    (S.READY, A.RESERVE): S.RESERVED,
    (S.RESERVED, A.RELEASE): S.READY,
    (S.RESERVED, A.HAND_OVER): S.HANDED_OVER,
    (S.RESERVED, A.LEND): S.ON_LOAN,
    (S.ON_LOAN, A.RETURN): S.RECEIVED,
    **{(s, A.HOLD): S.ON_HOLD for s in State if s not in (S.HANDED_OVER, S.SCRAPPED, S.ON_HOLD)},
    **{(s, A.SCRAP): S.SCRAPPED for s in (S.RECEIVED, S.WIPE_FAILED, S.PROVISIONING_FAILED, S.ON_HOLD)},
}
HOLD_ORIGIN = S.WIPED
CLIENT = 7

# Facts under which every guard passes, so that only the state decides.
PERMISSIVE_FACTS = {
    "disk_ids": frozenset({1, 2}),
    "erased_disk_ids": frozenset({1, 2}),
    "reserved_for": CLIENT,
}
PERMISSIVE_INTENT = Intent(client_id=CLIENT, orientation_complete=True, erasure_disk_ids=frozenset({1, 2}))


def _facts(state: State, **changes: object) -> DeviceFacts:
    values: dict[str, object] = {
        "state": state,
        "state_before_hold": HOLD_ORIGIN if state is S.ON_HOLD else None,
    }
    values.update(PERMISSIVE_FACTS)
    values.update(changes)
    return DeviceFacts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("state", "action"), list(itertools.product(State, Action)))
def test_every_state_and_transition(state: State, action: Action) -> None:
    facts = _facts(state)
    if action is A.RELEASE_HOLD:
        expected = HOLD_ORIGIN if state is S.ON_HOLD else None
    else:
        expected = EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(TransitionRefused) as refused:
            decide(action, facts, PERMISSIVE_INTENT)
        assert refused.value.refusal.code in {"wrong_state", "final_state"}
    else:
        assert decide(action, facts, PERMISSIVE_INTENT).target is expected


def test_final_states_allow_nothing() -> None:
    for state, action in itertools.product(FINAL_STATES, Action):
        with pytest.raises(TransitionRefused) as refused:
            decide(action, _facts(state), PERMISSIVE_INTENT)
        assert refused.value.refusal.code == "final_state"


def test_available_actions_match_the_table() -> None:
    for state in State:
        expected = {a for (s, a) in EXPECTED if s is state} | (
            {A.RELEASE_HOLD} if state is S.ON_HOLD else set()
        )
        assert set(available_actions(state)) == expected


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize(("state", "action"), list(itertools.product(State, Action)))
def test_refusals_are_sentences_in_each_language(language: str, state: State, action: Action) -> None:
    if (state, action) in EXPECTED or (state is S.ON_HOLD and action is A.RELEASE_HOLD):
        return
    with pytest.raises(TransitionRefused) as refused:
        decide(action, _facts(state), PERMISSIVE_INTENT)
    text = format_refusal(refused.value.refusal, language)
    assert not re.search(r"[{}]", text), text
    assert text.endswith("."), text
    if language != "en":
        assert text != format_refusal(refused.value.refusal, "en"), f"untranslated: {text}"


def test_wipe_passed_needs_recorded_disks() -> None:
    with pytest.raises(TransitionRefused) as refused:
        decide(A.WIPE_PASSED, _facts(S.WIPING, disk_ids=frozenset(), erased_disk_ids=frozenset()), Intent())
    assert refused.value.refusal.code == "no_disks"


def test_wipe_passed_must_cover_every_disk() -> None:
    facts = _facts(S.WIPING, disk_ids=frozenset({1, 2}), erased_disk_ids=frozenset())
    with pytest.raises(TransitionRefused) as refused:
        decide(A.WIPE_PASSED, facts, Intent(erasure_disk_ids=frozenset({1})))
    assert refused.value.refusal.code == "disks_not_erased"
    assert refused.value.refusal.values["count"] == "1"
    assert decide(A.WIPE_PASSED, facts, Intent(erasure_disk_ids=frozenset({1, 2}))).target is S.WIPED


def test_destroyed_disks_need_no_erasure() -> None:
    facts = _facts(
        S.WIPING, disk_ids=frozenset({1, 2}), destroyed_disk_ids=frozenset({2}), erased_disk_ids=frozenset()
    )
    assert decide(A.WIPE_PASSED, facts, Intent(erasure_disk_ids=frozenset({1}))).target is S.WIPED


def test_no_provisioning_without_an_erasure_of_every_disk() -> None:
    # A disk found after the wipe (e.g. by a scan) blocks provisioning until it is erased too.
    facts = _facts(S.WIPED, disk_ids=frozenset({1, 2, 3}), erased_disk_ids=frozenset({1, 2}))
    with pytest.raises(TransitionRefused) as refused:
        decide(A.START_PROVISIONING, facts)
    assert refused.value.refusal.code == "disks_not_erased"


@pytest.mark.parametrize("action", [A.HAND_OVER, A.LEND])
def test_handover_only_to_the_client_it_is_reserved_for(action: Action) -> None:
    with pytest.raises(TransitionRefused) as refused:
        decide(action, _facts(S.RESERVED), Intent(client_id=CLIENT + 1, orientation_complete=True))
    assert refused.value.refusal.code == "reserved_for_other"


@pytest.mark.parametrize("action", [A.HAND_OVER, A.LEND])
def test_handover_needs_completed_orientation(action: Action) -> None:
    with pytest.raises(TransitionRefused) as refused:
        decide(action, _facts(S.RESERVED), Intent(client_id=CLIENT, orientation_complete=False))
    assert refused.value.refusal.code == "orientation_incomplete"


@pytest.mark.parametrize("action", [A.HAND_OVER, A.LEND])
def test_coordinator_may_override_orientation_with_a_reason(action: Action) -> None:
    decision = decide(
        action,
        _facts(S.RESERVED),
        Intent(
            client_id=CLIENT,
            orientation_complete=False,
            override_reason="Orientation done elsewhere",
            may_override=True,
        ),
    )
    assert decision.overridden


@pytest.mark.parametrize("reason", ["Orientation done elsewhere", "   "])
def test_override_without_the_right_or_without_words_is_refused(reason: str) -> None:
    with pytest.raises(TransitionRefused) as refused:
        decide(
            A.HAND_OVER,
            _facts(S.RESERVED),
            Intent(client_id=CLIENT, orientation_complete=False, override_reason=reason, may_override=False),
        )
    expected = "override_not_allowed" if reason.strip() else "orientation_incomplete"
    assert refused.value.refusal.code == expected


def test_release_hold_returns_to_the_previous_state() -> None:
    for origin in (S.RECEIVED, S.WIPING, S.READY, S.ON_LOAN):
        assert decide(A.RELEASE_HOLD, _facts(S.ON_HOLD, state_before_hold=origin)).target is origin


def test_release_hold_without_an_origin_is_refused() -> None:
    with pytest.raises(TransitionRefused) as refused:
        decide(A.RELEASE_HOLD, _facts(S.ON_HOLD, state_before_hold=None))
    assert refused.value.refusal.code == "hold_origin_unknown"


def test_a_returned_loan_goes_back_to_received_for_a_new_wipe() -> None:
    assert decide(A.RETURN, _facts(S.ON_LOAN)).target is S.RECEIVED


# Who may take which step, from the roles table of DESIGN.md.
ROLE_STEPS: dict[Role, set[Action]] = {
    Role.TRAINEE: {
        A.START_WIPE, A.WIPE_PASSED, A.WIPE_FAILED, A.START_PROVISIONING, A.PROVISIONED,
        A.PROVISIONING_FAILED, A.HOLD, A.RELEASE_HOLD,
    },
    Role.COUNSELLOR: {A.RESERVE, A.RELEASE, A.HAND_OVER, A.LEND, A.RETURN},
    Role.COORDINATOR: set(Action),
    Role.ADMIN: set(Action),
}  # fmt: skip


@pytest.mark.parametrize(("role", "action"), list(itertools.product(Role, Action)))
def test_each_role_takes_only_its_own_steps(role: Role, action: Action) -> None:
    assert role_may(role, TRANSITIONS[action].permission) == (action in ROLE_STEPS[role])


def test_only_coordinators_and_admins_override() -> None:
    assert {r for r in Role if role_may(r, Permission.GUARD_OVERRIDE)} == {Role.COORDINATOR, Role.ADMIN}
