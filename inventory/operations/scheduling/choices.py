"""How a job run ended and why it ran, with their words."""

from __future__ import annotations

from enum import StrEnum

from inventory.i18n import N_


class Outcome(StrEnum):
    """How a job run ended (or that it has not yet)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


OUTCOME_LABELS: dict[str, str] = {
    Outcome.QUEUED: N_("waiting to start"),
    Outcome.RUNNING: N_("running"),
    Outcome.SUCCEEDED: N_("succeeded"),
    Outcome.FAILED: N_("failed"),
    Outcome.INTERRUPTED: N_("interrupted"),
}


class RunTrigger(StrEnum):
    """Why a job ran."""

    SCHEDULE = "schedule"
    RETRY = "retry"
    CATCH_UP = "catch_up"
    MANUAL = "manual"
