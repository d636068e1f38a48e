"""The one registry of device event kinds: each kind's name, what happened (in words) and who records it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from inventory.i18n import N_
from inventory.lifecycle import Action


class Activity(StrEnum):
    """Events that are not lifecycle steps: the state stays, the history gains a line."""

    INTAKE = "intake"
    EDITED = "edited"
    DISK_ADDED = "disk_added"
    DISK_CORRECTED = "disk_corrected"
    DISK_REMOVED = "disk_removed"
    DISK_DESTROYED = "disk_destroyed"
    LABEL_PRINTED = "label_printed"
    LABELLED = "labelled"
    SCANNED = "scanned"
    HARDWARE_CHECKED = "hardware_checked"
    BENCH_PAIRED = "bench_paired"
    ERASURE_SIGNED_OFF = "erasure_signed_off"
    ERASURE_WARNING_ACCEPTED = "erasure_warning_accepted"
    INITIAL_PASSWORD_SHOWN = "initial_password_shown"  # noqa: S105 - an event name, not a password
    LOAN_EXTENDED = "loan_extended"


class Recorder(StrEnum):
    """Who writes an event of a kind: a person in a role, or the bench's own automation."""

    WORKSHOP = "workshop"  # a trainee or a coordinator at the workshop
    COUNSELLOR = "counsellor"  # a counsellor (or a coordinator) working with a client
    COORDINATOR = "coordinator"  # only a coordinator (or an admin)
    BENCH = "bench"  # an Ansible run or the bench live system, started by someone at the workshop
    SYSTEM = "system"  # the scheduler or another job, with no person behind it


@dataclass(frozen=True)
class EventKind:
    """One kind of history entry: its stored name, what happened as a past-tense phrase, who records it."""

    name: str
    happened: str
    recorded_by: frozenset[Recorder]


def _kind(name: str, happened: str, *recorded_by: Recorder) -> EventKind:
    return EventKind(str(name), happened, frozenset(recorded_by))


_W, _C, _K, _B, _S = (
    Recorder.WORKSHOP,
    Recorder.COUNSELLOR,
    Recorder.COORDINATOR,
    Recorder.BENCH,
    Recorder.SYSTEM,
)

EVENT_KINDS: Mapping[str, EventKind] = {
    kind.name: kind
    for kind in (
        # Lifecycle steps: the button says what to do ("Start wipe"), the history what was done.
        _kind(Action.START_WIPE, N_("Wipe started"), _W, _B),
        _kind(Action.WIPE_PASSED, N_("Wipe passed"), _W, _B),
        _kind(Action.WIPE_FAILED, N_("Wipe failed"), _W, _B),
        _kind(Action.START_PROVISIONING, N_("Installation started"), _W, _B),
        _kind(Action.PROVISIONED, N_("Installation finished"), _W, _B),
        _kind(Action.PROVISIONING_FAILED, N_("Installation failed"), _W, _B),
        _kind(Action.RESERVE, N_("Reserved for a client"), _C),
        _kind(Action.RELEASE, N_("Reservation cancelled"), _C, _S),
        _kind(Action.HAND_OVER, N_("Handed over to the client"), _C),
        _kind(Action.LEND, N_("Lent to the client"), _C),
        _kind(Action.RETURN, N_("Returned from loan"), _C),
        _kind(Action.HOLD, N_("Placed on hold"), _W, _S),
        _kind(Action.RELEASE_HOLD, N_("Released from hold"), _W),
        _kind(Action.SCRAP, N_("Sent for recycling"), _K),
        # Activities.
        _kind(Activity.INTAKE, N_("Received"), _W, _K),
        _kind(Activity.EDITED, N_("Details corrected"), _W),
        _kind(Activity.DISK_ADDED, N_("Disk added"), _W),
        _kind(Activity.DISK_CORRECTED, N_("Disk record corrected"), _W, _B),
        _kind(Activity.DISK_REMOVED, N_("Disk removed from the record"), _W),
        _kind(Activity.DISK_DESTROYED, N_("Disk destroyed"), _W),
        _kind(Activity.LABEL_PRINTED, N_("Label printed"), _W),
        _kind(Activity.LABELLED, N_("Label attached"), _W),
        _kind(Activity.SCANNED, N_("Hardware read at the bench"), _B),
        _kind(Activity.HARDWARE_CHECKED, N_("Condition checked"), _W),
        _kind(Activity.BENCH_PAIRED, N_("Connected to the bench"), _W, _B),
        _kind(Activity.ERASURE_SIGNED_OFF, N_("Erasure signed off"), _K),
        _kind(Activity.ERASURE_WARNING_ACCEPTED, N_("Erasure warning accepted"), _K),
        _kind(Activity.INITIAL_PASSWORD_SHOWN, N_("First password shown"), _C, _W),
        _kind(Activity.LOAN_EXTENDED, N_("Loan extended"), _C),
    )
}


class UnregisteredEventKind(ValueError):
    """A programming error: an event kind that is not in `EVENT_KINDS`."""


def event_kind(name: str) -> EventKind:
    """The registered kind of this name; an unknown name is a programming error."""
    try:
        return EVENT_KINDS[str(name)]
    except KeyError:
        message = f"'{name}' is not a registered event kind: add it to inventory/event_kinds.py."
        raise UnregisteredEventKind(message) from None
