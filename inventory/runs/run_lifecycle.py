"""The run's lifecycle as one pure table: which step moves a run from which states to which, and why not."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from inventory.i18n import N_
from inventory.runs.choices import RunState
from provisioning.events import RunStatus


class RunStep(StrEnum):
    """What happens to a run as a whole."""

    START = "start"  # Ansible began (this process), or a bench worker claimed it
    FINISH = "finish"  # Ansible ended and said how
    CANCEL = "cancel"  # a person stopped it before it began
    INTERRUPT = "interrupt"  # its server process or bench worker is gone


WAITING = frozenset({RunState.QUEUED})
ACTIVE = frozenset({RunState.QUEUED, RunState.RUNNING})

SOURCES: Mapping[RunStep, frozenset[RunState]] = {
    RunStep.START: WAITING,
    RunStep.FINISH: ACTIVE,
    RunStep.CANCEL: WAITING,
    RunStep.INTERRUPT: ACTIVE,
}

# How Ansible's own ending maps onto the run's state; anything else is a run that broke off.
FINISHED_AS: Mapping[RunStatus, RunState] = {
    RunStatus.SUCCESSFUL: RunState.SUCCESSFUL,
    RunStatus.FAILED: RunState.FAILED,
    RunStatus.CANCELED: RunState.CANCELED,
    RunStatus.TIMEOUT: RunState.TIMEOUT,
    RunStatus.ERROR: RunState.ERROR,
}

_TARGETS: Mapping[RunStep, RunState] = {
    RunStep.START: RunState.RUNNING,
    RunStep.CANCEL: RunState.CANCELED,
    RunStep.INTERRUPT: RunState.INTERRUPTED,
}

REFUSALS: Mapping[RunStep, str] = {
    RunStep.START: N_("This run has already started or ended."),
    RunStep.FINISH: N_("This run has already ended."),
    RunStep.CANCEL: N_("This run has already ended."),
    RunStep.INTERRUPT: N_("This run has already ended."),
}


@dataclass(frozen=True, slots=True)
class RunRefused(Exception):
    """A step the run's state does not allow; `message` is for people (translate it where shown)."""

    step: RunStep
    state: RunState
    message: str


def run_step_target(step: RunStep, status: RunStatus | None = None) -> RunState:
    """The state a step leads to; FINISH needs Ansible's status (none: the run broke off)."""
    if step is RunStep.FINISH:
        return FINISHED_AS.get(status, RunState.ERROR) if status is not None else RunState.ERROR
    return _TARGETS[step]


def decide_run_step(step: RunStep, state: RunState, status: RunStatus | None = None) -> RunState:
    """The run's next state, or RunRefused when the step does not apply to a run in `state`."""
    if state not in SOURCES[step]:
        raise RunRefused(step, state, REFUSALS[step])
    return run_step_target(step, status)


def source_values(step: RunStep) -> list[str]:
    """The stored states a step may start from (for a conditional update that cannot race)."""
    return sorted(state.value for state in SOURCES[step])
