"""A device's record can be corrected only while the device is in the workshop: the one check and its refusal."""

from __future__ import annotations

from inventory.errors import Conflict
from inventory.lifecycle import FINAL_STATES, RECORD_CLOSED, State


def require_open_record(state: State | str) -> None:
    """Refuse (409) a change to the record of a device that was handed over or scrapped."""
    if State(state) in FINAL_STATES:
        raise Conflict(RECORD_CLOSED)
