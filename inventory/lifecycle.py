"""The device lifecycle as a pure state machine: states, transitions, guards and refusal reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from inventory.i18n import N_
from inventory.permissions import Permission


class State(StrEnum):
    """Where a device is in its life, from intake to its final owner or the recycler."""

    RECEIVED = "received"
    WIPING = "wiping"
    WIPED = "wiped"
    WIPE_FAILED = "wipe_failed"
    PROVISIONING = "provisioning"
    PROVISIONING_FAILED = "provisioning_failed"
    READY = "ready"
    RESERVED = "reserved"
    HANDED_OVER = "handed_over"
    ON_LOAN = "on_loan"
    ON_HOLD = "on_hold"
    SCRAPPED = "scrapped"


STATE_LABELS: dict[State, str] = {
    State.RECEIVED: N_("received"),
    State.WIPING: N_("being wiped"),
    State.WIPED: N_("wiped"),
    State.WIPE_FAILED: N_("wipe failed"),
    State.PROVISIONING: N_("being installed"),
    State.PROVISIONING_FAILED: N_("installation failed"),
    State.READY: N_("ready"),
    State.RESERVED: N_("reserved"),
    State.HANDED_OVER: N_("handed over"),
    State.ON_LOAN: N_("on loan"),
    State.ON_HOLD: N_("on hold"),
    State.SCRAPPED: N_("scrapped"),
}

FINAL_STATES = frozenset({State.HANDED_OVER, State.SCRAPPED})
# Devices no longer in the workshop: given, lent (until returned) or gone to the recycler.
OUT_OF_WORKSHOP = frozenset({*FINAL_STATES, State.ON_LOAN})
IN_WORKSHOP = frozenset(set(State) - OUT_OF_WORKSHOP)
# A handed-over or scrapped device's record is evidence: corrections, pairings and checks are refused.
RECORD_CLOSED = N_("This device has left the workshop; its record can no longer be changed.")


class Action(StrEnum):
    """The name of each transition, as used in the API path and the event log."""

    START_WIPE = "start_wipe"
    WIPE_PASSED = "wipe_passed"
    WIPE_FAILED = "wipe_failed"
    START_PROVISIONING = "start_provisioning"
    PROVISIONED = "provisioned"
    PROVISIONING_FAILED = "provisioning_failed"
    RESERVE = "reserve"
    RELEASE = "release"
    HAND_OVER = "hand_over"
    LEND = "lend"
    RETURN = "return"
    HOLD = "hold"
    RELEASE_HOLD = "release_hold"
    SCRAP = "scrap"


@dataclass(frozen=True)
class Transition:
    """One edge of the lifecycle: where it may start, where it leads and who may take it.

    `target` None means "back to the state before the hold".
    """

    action: Action
    sources: frozenset[State]
    target: State | None
    permission: Permission
    label: str
    required_fields: tuple[str, ...] = ()


_HOLDABLE = frozenset(set(State) - FINAL_STATES - {State.ON_HOLD})

TRANSITIONS: Mapping[Action, Transition] = {
    t.action: t
    for t in (
        Transition(
            Action.START_WIPE,
            frozenset({State.RECEIVED, State.WIPE_FAILED}),
            State.WIPING,
            Permission.DEVICE_WORK,
            N_("Start wipe"),
        ),
        Transition(
            Action.WIPE_PASSED,
            frozenset({State.WIPING}),
            State.WIPED,
            Permission.DEVICE_WORK,
            N_("Mark wipe passed"),
            ("erasure",),
        ),
        Transition(
            Action.WIPE_FAILED,
            frozenset({State.WIPING}),
            State.WIPE_FAILED,
            Permission.DEVICE_WORK,
            N_("Mark wipe failed"),
            ("reason",),
        ),
        Transition(
            Action.START_PROVISIONING,
            frozenset({State.WIPED, State.PROVISIONING_FAILED}),
            State.PROVISIONING,
            Permission.DEVICE_WORK,
            N_("Start installation"),
        ),
        Transition(
            Action.PROVISIONED,
            frozenset({State.PROVISIONING}),
            State.READY,
            Permission.DEVICE_WORK,
            N_("Mark installed"),
        ),
        Transition(
            Action.PROVISIONING_FAILED,
            frozenset({State.PROVISIONING}),
            State.PROVISIONING_FAILED,
            Permission.DEVICE_WORK,
            N_("Mark installation failed"),
            ("reason",),
        ),
        Transition(
            Action.RESERVE,
            frozenset({State.READY}),
            State.RESERVED,
            Permission.DEVICE_ALLOCATE,
            N_("Reserve"),
            ("client_id",),
        ),
        Transition(
            Action.RELEASE,
            frozenset({State.RESERVED}),
            State.READY,
            Permission.DEVICE_ALLOCATE,
            N_("Cancel reservation"),
        ),
        Transition(
            Action.HAND_OVER,
            frozenset({State.RESERVED}),
            State.HANDED_OVER,
            Permission.DEVICE_ALLOCATE,
            N_("Hand over"),
            ("client_id",),
        ),
        Transition(
            Action.LEND,
            frozenset({State.RESERVED}),
            State.ON_LOAN,
            Permission.DEVICE_ALLOCATE,
            N_("Lend"),
            ("client_id", "due_on"),
        ),
        Transition(
            Action.RETURN,
            frozenset({State.ON_LOAN}),
            State.RECEIVED,
            Permission.DEVICE_ALLOCATE,
            N_("Return from loan"),
        ),
        Transition(
            Action.HOLD,
            _HOLDABLE,
            State.ON_HOLD,
            Permission.DEVICE_WORK,
            N_("Put on hold"),
            ("reason",),
        ),
        Transition(
            Action.RELEASE_HOLD,
            frozenset({State.ON_HOLD}),
            None,
            Permission.DEVICE_WORK,
            N_("Release hold"),
        ),
        Transition(
            Action.SCRAP,
            frozenset({State.RECEIVED, State.WIPE_FAILED, State.PROVISIONING_FAILED, State.ON_HOLD}),
            State.SCRAPPED,
            Permission.DEVICE_SCRAP,
            N_("Scrap"),
            ("recycler_reference",),
        ),
    )
}

# Transitions that end a piece of bench work; started runs are finished with these.
WORK_OUTCOMES: Mapping[State, tuple[Action, Action]] = {
    State.WIPING: (Action.WIPE_PASSED, Action.WIPE_FAILED),
    State.PROVISIONING: (Action.PROVISIONED, Action.PROVISIONING_FAILED),
}


@dataclass(frozen=True)
class DeviceFacts:
    """What the guards need to know about a device, loaded by the service before deciding."""

    state: State
    state_before_hold: State | None = None
    disk_ids: frozenset[int] = frozenset()
    destroyed_disk_ids: frozenset[int] = frozenset()
    erased_disk_ids: frozenset[int] = frozenset()
    reserved_for: int | None = None


# Steps that concern a client: only the client area's allocation service takes them (with a checked
# client in the Intent); the plain transition refuses them.
ALLOCATION_ACTIONS = frozenset({Action.RESERVE, Action.RELEASE, Action.HAND_OVER, Action.LEND, Action.RETURN})


@dataclass(frozen=True)
class Intent:
    """What the caller asks for with the transition, beyond its name."""

    client_id: int | None = None
    orientation_complete: bool = False
    override_reason: str | None = None
    may_override: bool = False
    erasure_disk_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Refusal:
    """Why a transition was refused: a stable code, an English message id and its parameters."""

    code: str
    message: str
    values: Mapping[str, str] = field(default_factory=dict)  # shown as they are
    labels: Mapping[str, str] = field(default_factory=dict)  # message ids, translated when shown
    states: Mapping[str, tuple[State, ...]] = field(default_factory=dict)  # state names, translated


class TransitionRefused(Exception):
    """A guard said no; `refusal` says why in words a trainee understands."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal


@dataclass(frozen=True)
class Decision:
    """The outcome of a permitted transition."""

    action: Action
    source: State
    target: State
    overridden: bool = False


def _wrong_state(transition: Transition, state: State) -> Refusal:
    if state in FINAL_STATES:
        return Refusal(
            "final_state",
            N_("This device is {state}; its story here has ended, so nothing more can be done to it."),
            states={"state": (state,)},
        )
    return Refusal(
        "wrong_state",
        N_('This device is {state}. "{action}" is only possible when the device is: {allowed}.'),
        labels={"action": transition.label},
        states={"state": (state,), "allowed": tuple(s for s in State if s in transition.sources)},
    )


def _uncovered_disks(facts: DeviceFacts, extra: frozenset[int] = frozenset()) -> Refusal | None:
    if not facts.disk_ids:
        return Refusal(
            "no_disks",
            N_("No disks are recorded for this device. Scan the device or add its disks first."),
        )
    uncovered = facts.disk_ids - facts.destroyed_disk_ids - facts.erased_disk_ids - extra
    if uncovered:
        return Refusal(
            "disks_not_erased",
            N_("Not every disk has been erased: {count} disk(s) still need a passed wipe."),
            values={"count": str(len(uncovered))},
        )
    return None


def _allocation_guard(facts: DeviceFacts, intent: Intent) -> tuple[Refusal | None, bool]:
    if facts.reserved_for is None or intent.client_id != facts.reserved_for:
        return (
            Refusal(
                "reserved_for_other",
                N_("This device is reserved for another client. Reserve it for this client first."),
            ),
            False,
        )
    if intent.orientation_complete:
        return None, False
    if intent.override_reason and intent.override_reason.strip():
        if not intent.may_override:
            return (
                Refusal(
                    "override_not_allowed",
                    N_("Only a coordinator can hand over a device before the orientation is complete."),
                ),
                False,
            )
        return None, True
    return (
        Refusal(
            "orientation_incomplete",
            N_(
                "The client has not completed the digital orientation yet. Complete it first, "
                "or ask a coordinator to override with a written reason."
            ),
        ),
        False,
    )


def decide(action: Action, facts: DeviceFacts, intent: Intent | None = None) -> Decision:
    """Decide whether `action` may happen to a device; return the outcome or raise TransitionRefused."""
    intent = intent or Intent()
    transition = TRANSITIONS[action]
    if facts.state not in transition.sources:
        raise TransitionRefused(_wrong_state(transition, facts.state))

    refusal: Refusal | None = None
    overridden = False
    if action is Action.WIPE_PASSED:
        refusal = _uncovered_disks(facts, intent.erasure_disk_ids)
    elif action is Action.START_PROVISIONING:
        refusal = _uncovered_disks(facts)
    elif action in (Action.HAND_OVER, Action.LEND):
        refusal, overridden = _allocation_guard(facts, intent)
    elif action is Action.RELEASE_HOLD and facts.state_before_hold is None:
        refusal = Refusal(
            "hold_origin_unknown",
            N_("It is not recorded where this device was before the hold. Ask a coordinator."),
        )
    if refusal is not None:
        raise TransitionRefused(refusal)

    target = transition.target if transition.target is not None else facts.state_before_hold
    assert target is not None  # release_hold without an origin was refused above
    return Decision(action=action, source=facts.state, target=target, overridden=overridden)


def available_actions(state: State) -> list[Action]:
    """The transitions whose source state matches, in the order of the lifecycle."""
    return [t.action for t in TRANSITIONS.values() if state in t.sources]
