"""Turn run rows into API structs."""

from __future__ import annotations

from inventory.i18n import gettext
from inventory.runs.choices import Executor, RunKind, RunState, TargetState
from inventory.runs.queries import waiting_reason
from inventory.runs.rows import DeviceProgressRow, RunTargetRow, RunWithTargets
from inventory.runs.schemas import DeviceProgressOut, RunOut, RunTargetOut
from inventory.settings import Settings


def own_words(text: str) -> str:
    """A stored message in the user's language when it is one of Kierto's own; Ansible's stay as they came."""
    return gettext(text) if text else ""


def target_out(target: RunTargetRow) -> RunTargetOut:
    """One device of a run; Kierto's own messages in the user's language, Ansible's as they came."""
    return RunTargetOut(
        asset_tag=target["host"],
        state=TargetState(target["state"]),
        percent=int(target["percent"]),
        current_task=target["current_task"],
        message=own_words(target["message"]),
        result=dict(target["result"] or {}),
        finished_at=target["finished_at"],
    )


async def run_out(run: RunWithTargets, settings: Settings) -> RunOut:
    """A run with its devices and, when it waits, why."""
    reason = await waiting_reason(run, settings)
    return RunOut(
        id=run["id"],
        kind=RunKind(run["kind"]),
        site_code=run["site_code"],
        state=RunState(run["state"]),
        executor=Executor(run["executor"]),
        job_ident=run["job_ident"],
        profile=run["profile_slug"],
        worker=run["worker_name"],
        started_by=run["started_by_label"],
        created_at=run["created_at"],
        started_at=run["started_at"],
        finished_at=run["finished_at"],
        explanation=own_words(run["explanation"]),
        targets=[target_out(t) for t in run["targets"]],
        waiting_reason=gettext(reason) if reason else None,
    )


def progress_out(row: DeviceProgressRow) -> DeviceProgressOut:
    """A device's part in its latest run."""
    return DeviceProgressOut(
        run_id=row["run"],
        kind=RunKind(row["kind"]),
        run_state=RunState(row["run_state"]),
        state=TargetState(row["state"]),
        percent=int(row["percent"]),
        current_task=row["current_task"],
        message=own_words(row["message"]),
    )
