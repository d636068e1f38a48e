"""The one writer of a run's state: a conditional update that applies the run lifecycle's table."""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import Where, WhereRaw

from inventory.runs.run_lifecycle import RunStep, run_step_target, source_values
from inventory.runs.tables import Run
from provisioning.events import RunStatus


async def move_run(
    run_id: int,
    step: RunStep,
    values: dict[Any, Any] | None = None,
    *,
    status: RunStatus | None = None,
    also: Where | WhereRaw | Any | None = None,
) -> bool:
    """Take `step` on the run if its stored state allows it, writing `values` with the new state.

    True if this call moved the run; False if the run was elsewhere by then (another process, a
    worker or a person got there first). `also` narrows the update further (e.g. the same owner).
    """
    condition = (Run.id == run_id) & Run.state.is_in(source_values(step))
    if also is not None:
        condition = condition & also
    updated = (
        await Run.update({Run.state: run_step_target(step, status).value, **(values or {})})
        .where(condition)
        .returning(Run.id)
    )
    return bool(updated)
