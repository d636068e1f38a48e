"""Erasure evidence for one disk, whether it came from a Kierto wipe run or an imported nwipe log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class WipeEvidence:
    """What was done to one disk and how it was verified; `raw` is the source record as it came."""

    device: str
    serial: str
    model: str | None
    size_bytes: int | None
    method: str
    nist_category: str
    technique: str
    tool: str
    tool_version: str | None
    started_at: datetime | None
    finished_at: datetime | None
    bytes_erased: int | None
    verification_method: str
    verification_passed: bool
    verification_detail: str
    raw: Mapping[str, Any]
    # Method detail where the tool reports it (nwipe does; the Ansible wipe reports what it knows).
    interface: str = ""
    bytes_total: int | None = None
    pattern: str = ""
    rounds: int | None = None
    blanked: bool | None = None
    prng: str = ""
    errors: Mapping[str, int] | None = None
    hidden_sectors: str | None = None  # none, detected or unknown (HPA/DCO), None when not checked
    duration_seconds: int | None = None
    paired_by_hand: bool = False  # the drive's serial was unreadable; a person said which disk it is
    serial_readable: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class WipeFailure:
    """A disk that was refused or could not be erased, with the reason in plain words."""

    device: str
    message: str
    refused: bool
    raw: Mapping[str, Any]
