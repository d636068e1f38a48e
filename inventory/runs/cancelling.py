"""Cancelling a run: a waiting one ends at once, a running one when Ansible has stopped."""

from __future__ import annotations

from typing import Any, Protocol

from piccolo.engine.base import Engine

from inventory.clock import now
from inventory.errors import Conflict, NotFound
from inventory.i18n import N_
from inventory.runs.choices import RunState
from inventory.runs.outcomes import RUN_FAILURES, apply_outcomes
from inventory.runs.run_lifecycle import REFUSALS, RunStep
from inventory.runs.run_states import move_run
from inventory.runs.tables import Run
from inventory.settings import Settings


class Canceller(Protocol):
    """What cancelling needs from the process's run supervisor."""

    def cancel(self, run_id: int) -> bool:
        """Stop a local run of this process; True if it runs here."""


async def cancel_run(engine: Engine[Any], run_id: int, settings: Settings, runs: Canceller) -> None:
    """Cancel a run; its devices go to wipe_failed or provisioning_failed with the reason."""
    run = await Run.select(Run.state).where(Run.id == run_id).first()
    if run is None:
        raise NotFound(N_("There is no such run."))
    if RunState(run["state"]).finished:
        raise Conflict(REFUSALS[RunStep.CANCEL])
    ended = await move_run(
        run_id, RunStep.CANCEL, {Run.finished_at: now(), Run.explanation: RUN_FAILURES[RunState.CANCELED]}
    )
    if ended:
        await apply_outcomes(engine, run_id, settings)
        return
    # Running: the process (or bench worker) running it stops Ansible and the run ends as canceled.
    await Run.update({Run.cancel_requested_at: now()}).where(Run.id == run_id)
    runs.cancel(run_id)
