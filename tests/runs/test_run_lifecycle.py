"""The run lifecycle table: every step from every state, and the one writer that cannot race."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.clock import now
from inventory.runs.choices import RunKind, RunState
from inventory.runs.run_lifecycle import RunRefused, RunStep, decide_run_step
from inventory.runs.run_states import move_run
from inventory.runs.tables import Run
from provisioning.events import RunStatus
from tests import factories

ALLOWED = {
    (RunStep.START, RunState.QUEUED): RunState.RUNNING,
    (RunStep.CANCEL, RunState.QUEUED): RunState.CANCELED,
    (RunStep.INTERRUPT, RunState.QUEUED): RunState.INTERRUPTED,
    (RunStep.INTERRUPT, RunState.RUNNING): RunState.INTERRUPTED,
    (RunStep.FINISH, RunState.QUEUED): RunState.FAILED,
    (RunStep.FINISH, RunState.RUNNING): RunState.FAILED,
}


@pytest.mark.parametrize("step", list(RunStep))
@pytest.mark.parametrize("state", list(RunState))
def test_every_step_from_every_state(step: RunStep, state: RunState) -> None:
    if (step, state) in ALLOWED:
        assert decide_run_step(step, state, RunStatus.FAILED) is ALLOWED[step, state]
    else:
        with pytest.raises(RunRefused) as refused:
            decide_run_step(step, state, RunStatus.FAILED)
        assert refused.value.message.startswith("This run has already")


def test_a_finish_takes_ansibles_status_and_a_missing_one_is_a_broken_off_run() -> None:
    assert decide_run_step(RunStep.FINISH, RunState.RUNNING, RunStatus.SUCCESSFUL) is RunState.SUCCESSFUL
    assert decide_run_step(RunStep.FINISH, RunState.RUNNING, RunStatus.TIMEOUT) is RunState.TIMEOUT
    assert decide_run_step(RunStep.FINISH, RunState.RUNNING, None) is RunState.ERROR


async def test_the_writer_moves_a_run_once_and_never_out_of_an_end(db: Any) -> None:
    site_id = await factories.site("JNS")
    inserted = await Run.insert(
        Run(kind=RunKind.WIPE.value, site=site_id, job_ident="a1", job={}, created_at=now())
    ).returning(Run.id)
    run_id = inserted[0]["id"]

    assert await move_run(run_id, RunStep.START, {Run.started_at: now()})
    assert not await move_run(run_id, RunStep.START)  # a second claim loses
    assert not await move_run(run_id, RunStep.CANCEL)  # running: cancelling is a request, not a move
    assert await move_run(run_id, RunStep.FINISH, status=RunStatus.SUCCESSFUL)
    assert not await move_run(run_id, RunStep.INTERRUPT)
    row = await Run.select(Run.state, Run.started_at).where(Run.id == run_id).first()
    assert row is not None
    assert row["state"] == RunState.SUCCESSFUL.value
    assert row["started_at"] is not None
