"""What a finished run means for each device: scan facts recorded, erasures certified, lifecycle steps taken."""

from __future__ import annotations

from typing import Any, cast

from piccolo.engine.base import Engine

from inventory.actors import Actor
from inventory.choices import ErasureTechnique
from inventory.clock import now
from inventory.database import write_transaction
from inventory.devices.erasures import ErasedDisk, ErasureRecord
from inventory.devices.events import record_event
from inventory.devices.intake import normalise_serial
from inventory.devices.tables import Device, Disk, Erasure
from inventory.devices.transitions import TransitionRequest, transition
from inventory.errors import DomainError
from inventory.event_kinds import Activity
from inventory.i18n import N_
from inventory.lifecycle import Action, State
from inventory.runs.choices import RunKind, RunState, TargetState
from inventory.runs.recording import stored_events
from inventory.runs.rows import FinishedRun, OpenTarget
from inventory.runs.sampling import maybe_pick
from inventory.runs.tables import HardwareScan, Run, RunTarget
from inventory.settings import Settings
from labels.sanitisation_terms import DiskKind, ErasureCategory
from provisioning.events import Event, HostRecap, TaskOutcome, TaskResult
from provisioning.evidence import WipeEvidence
from provisioning.results import HardwareScan as ScannedHardware
from provisioning.results import scan_results, wipe_results

RUNNER = Actor.system("runs")
SCANNED_ACTION = Activity.SCANNED
RUN_FAILURES = {
    RunState.CANCELED: N_("The run was canceled."),
    RunState.TIMEOUT: N_("The run took too long and was stopped."),
    RunState.ERROR: N_("The run broke off before it ended."),
    RunState.INTERRUPTED: N_(
        "The run was interrupted (the server restarted or the bench worker went silent). Start it again."
    ),
    RunState.FAILED: N_("The run failed."),
}
NO_SCAN = N_("The scan reported no hardware for this machine.")
SERIAL_MISMATCH = N_(
    "The machine on the bench reports the serial {found}, but the device record says {recorded}. "
    "Check that the right machine is connected, or correct the record, and scan again."
)
WIPE_INCOMPLETE = N_("Not every disk was erased and verified.")
DISK_KINDS = {"hdd": DiskKind.HDD, "ssd": DiskKind.SSD, "nvme": DiskKind.NVME}


def _failure(run_state: RunState, target: OpenTarget) -> str:
    if target["message"]:
        return str(target["message"])
    return RUN_FAILURES.get(run_state, RUN_FAILURES[RunState.FAILED])


def _first_failure(events: list[Event], host: str) -> str | None:
    for event in events:
        if (
            isinstance(event, TaskResult)
            and event.host == host
            and event.outcome in (TaskOutcome.FAILED, TaskOutcome.UNREACHABLE)
            and not event.ignored
        ):
            return event.message
    return None


async def _finish_target(
    target_id: int, state: TargetState, message: str = "", result: dict[str, Any] | None = None
) -> bool:
    """Mark one device of a run finished, once; False if it already was."""
    updated = (
        await RunTarget.update(
            {
                RunTarget.state: state.value,
                RunTarget.message: message,
                RunTarget.result: result or {},
                RunTarget.finished_at: now(),
                RunTarget.updated_at: now(),
                RunTarget.percent: 100,
                RunTarget.current_task: "",
            }
        )
        .where(
            (RunTarget.id == target_id)
            & RunTarget.state.is_in([TargetState.PENDING.value, TargetState.RUNNING.value])
        )
        .returning(RunTarget.id)
    )
    return bool(updated)


def _usable_disk(disk: Any) -> bool:
    # The live USB stick the bench boots from, and anything the running system uses, is no disk of the device.
    return not (disk.in_use or disk.removable or (disk.transport or "") == "usb") and bool(disk.serial)


async def apply_scan(device_id: int, scan: ScannedHardware, run_id: int | None, actor: Actor) -> str | None:
    """Record a scan for a device (inside the caller's transaction); returns a refusal message or None."""
    device = await Device.select().where(Device.id == device_id).first()
    assert device is not None
    await HardwareScan.insert(
        HardwareScan(device=device_id, run=run_id, scanned_at=now(), facts=dict(scan.raw))
    )
    found_serial = normalise_serial(scan.serial)
    if device["serial"] and found_serial and device["serial"] != found_serial:
        return SERIAL_MISMATCH.format(found=found_serial, recorded=device["serial"])
    changes: dict[Any, Any] = {}
    if found_serial and not device["serial"]:
        changes[Device.serial] = found_serial
    if scan.vendor and not device["make"]:
        changes[Device.make] = scan.vendor[:100]
    if scan.model and not device["model"]:
        changes[Device.model] = scan.model[:100]
    if scan.cpu_model:
        changes[Device.cpu] = scan.cpu_model[:100]
    if scan.memory_bytes:
        changes[Device.ram_mb] = scan.memory_bytes // (1024 * 1024)
    if changes:
        await Device.update(changes).where(Device.id == device_id)
    known = {row["serial"] for row in await Disk.select(Disk.serial).where(Disk.device == device_id)}
    added = []
    for disk in scan.disks:
        serial = normalise_serial(disk.serial)
        if not _usable_disk(disk) or serial in known:
            continue
        known.add(serial)
        model = (disk.model or "")[:100]
        await Disk.insert(
            Disk(
                device=device_id,
                model=model,
                serial=serial,
                size_bytes=disk.size_bytes,
                kind=DISK_KINDS.get(disk.kind, DiskKind.OTHER).value,
                created_at=now(),
            )
        )
        added.append(serial)
    batteries = [b.health_percent for b in scan.batteries if b.health_percent is not None]
    state = State(device["state"])
    await record_event(
        device_id,
        SCANNED_ACTION,
        state,
        state,
        actor,
        details={
            "disks_added": added,
            "changed": sorted(column._meta.name for column in changes),
            "battery_health": min(batteries) if batteries else None,
        },
    )
    return None


def _erasure_record(evidence: list[WipeEvidence], disk_ids: dict[str, int], ident: str) -> ErasureRecord:
    categories = {e.nist_category for e in evidence}
    techniques = {e.technique.replace(" ", "_") for e in evidence}
    technique = techniques.pop() if len(techniques) == 1 else ErasureTechnique.OVERWRITE.value
    started = [e.started_at for e in evidence if e.started_at]
    finished = [e.finished_at for e in evidence if e.finished_at]
    return ErasureRecord(
        disks=tuple(
            ErasedDisk(
                disk_id=disk_ids[normalise_serial(e.serial) or ""],
                verified=e.verification_passed,
                method=e.method[:200],
                bytes_erased=e.bytes_erased,
                evidence=dict(e.raw),
            )
            for e in evidence
        ),
        method=", ".join(sorted({e.method for e in evidence}))[:200],
        tool=", ".join(sorted({f"{e.tool} {e.tool_version or ''}".strip() for e in evidence}))[:100],
        tool_version=", ".join(sorted({e.tool_version or "" for e in evidence} - {""}))[:100],
        # A mix of categories is certified as the weaker one.
        category=ErasureCategory.PURGE if categories == {"purge"} else ErasureCategory.CLEAR,
        technique=ErasureTechnique(technique)
        if technique in {t.value for t in ErasureTechnique}
        else ErasureTechnique.OVERWRITE,
        verification_method="; ".join(sorted({e.verification_method for e in evidence}))[:200],
        verification_result="; ".join(e.verification_detail for e in evidence if e.verification_detail)[:200],
        source="ansible",
        started_at=min(started) if started else None,
        finished_at=max(finished) if finished else None,
        evidence={"run": ident, "disks": [dict(e.raw) for e in evidence]},
    )


async def _wipe_outcome(
    engine: Engine[Any],
    run: FinishedRun,
    target: OpenTarget,
    events: list[Event],
    settings: Settings,
) -> None:
    host = target["host"]
    report = wipe_results(events).get(host)
    wanted = set(run["job"].get("disk_ids", {}).get(host, []))
    serials = {
        row["serial"]: row["id"]
        for row in await Disk.select(Disk.id, Disk.serial).where(Disk.id.is_in(list(wanted) or [0]))
    }
    erased = [e for e in (report.erased if report else []) if normalise_serial(e.serial) in serials]
    covered = {serials[normalise_serial(e.serial) or ""] for e in erased if e.verification_passed}
    run_state = RunState(run["state"])
    if run_state is RunState.SUCCESSFUL and report is not None and report.passed and covered >= wanted:
        async with write_transaction(engine):
            if not await _finish_target(target["id"], TargetState.PASSED):
                return
            result = await transition(
                engine,
                host,
                Action.WIPE_PASSED,
                RUNNER,
                settings,
                TransitionRequest(
                    erasure=_erasure_record(erased, serials, run["job_ident"]),
                    details={"run": run["job_ident"]},
                ),
            )
            erasure = (
                await Erasure.select(Erasure.id)
                .where(Erasure.certificate_number == result.certificate_number)
                .first()
            )
            assert erasure is not None
            await Erasure.update({Erasure.operator: run["started_by"]}).where(Erasure.id == erasure["id"])
            picked = await maybe_pick(erasure["id"], settings)
            await RunTarget.update(
                {
                    RunTarget.result: {
                        "certificate_number": result.certificate_number,
                        "reverification": picked,
                    }
                }
            ).where(RunTarget.id == target["id"])
        return
    failures = [f.message for f in (report.failed if report else [])]
    message = (
        failures[0]
        if failures
        else (
            _first_failure(events, host)
            or (_failure(run_state, target) if run_state is not RunState.SUCCESSFUL else WIPE_INCOMPLETE)
        )
    )
    await _fail(engine, target, Action.WIPE_FAILED, message, settings, run)


async def _fail(
    engine: Engine[Any],
    target: OpenTarget,
    action: Action | None,
    message: str,
    settings: Settings,
    run: FinishedRun,
) -> None:
    state = TargetState.INTERRUPTED if run["state"] == RunState.INTERRUPTED.value else TargetState.FAILED
    async with write_transaction(engine):
        if not await _finish_target(target["id"], state, message):
            return
        if action is None:
            return
        try:
            await transition(
                engine,
                target["host"],
                action,
                RUNNER,
                settings,
                TransitionRequest(reason=message[:1000], details={"run": run["job_ident"]}),
            )
        except DomainError as refused:
            # Someone moved the device on by hand meanwhile: the run's failure is still recorded on the run.
            await RunTarget.update({RunTarget.result: {"not_applied": refused.text("en")}}).where(
                RunTarget.id == target["id"]
            )


async def apply_outcomes(engine: Engine[Any], run_id: int, settings: Settings) -> None:
    """Take each device of a finished run to its next step, once; safe to call again after a crash."""
    run = (
        await Run.select(Run.id, Run.kind, Run.state, Run.profile, Run.job_ident, Run.job, Run.started_by)
        .where(Run.id == run_id)
        .output(load_json=True)
        .first()
    )
    if run is None or not RunState(run["state"]).finished:
        return
    targets = await RunTarget.select(RunTarget.id, RunTarget.device, RunTarget.host, RunTarget.message).where(
        (RunTarget.run == run_id)
        & RunTarget.state.is_in([TargetState.PENDING.value, TargetState.RUNNING.value])
    )
    if targets:
        events = await stored_events(run_id)
        outcome = {
            RunKind.WIPE: _wipe_outcome,
            RunKind.PROVISION: _provision_outcome,
            RunKind.SCAN: _scan_outcome,
        }[RunKind(run["kind"])]
        for target in targets:
            await outcome(engine, cast(FinishedRun, run), cast(OpenTarget, target), events, settings)
    await Run.update({Run.outcomes_applied_at: now()}).where(
        (Run.id == run_id) & Run.outcomes_applied_at.is_null()
    )


async def _provision_outcome(
    engine: Engine[Any],
    run: FinishedRun,
    target: OpenTarget,
    events: list[Event],
    settings: Settings,
) -> None:
    host = target["host"]
    recaps = [e for e in events if isinstance(e, HostRecap) and e.host == host]
    run_state = RunState(run["state"])
    if run_state is RunState.SUCCESSFUL and recaps and recaps[-1].failed == 0 and recaps[-1].unreachable == 0:
        async with write_transaction(engine):
            if not await _finish_target(target["id"], TargetState.PASSED):
                return
            await transition(
                engine,
                host,
                Action.PROVISIONED,
                RUNNER,
                settings,
                TransitionRequest(details={"run": run["job_ident"], "profile": run["profile"]}),
            )
        return
    message = _failed_step(events, host) or _failure(run_state, target)
    await _fail(engine, target, Action.PROVISIONING_FAILED, message, settings, run)


def _failed_step(events: list[Event], host: str) -> str | None:
    """The first failed step of an installation, by its name, with what it said."""
    for event in events:
        if (
            isinstance(event, TaskResult)
            and event.host == host
            and event.outcome in (TaskOutcome.FAILED, TaskOutcome.UNREACHABLE)
            and not event.ignored
        ):
            return f'The step "{event.task}" failed: {event.message}'
    return None


async def _scan_outcome(
    engine: Engine[Any],
    run: FinishedRun,
    target: OpenTarget,
    events: list[Event],
    settings: Settings,
) -> None:
    host = target["host"]
    scan = scan_results(events).get(host)
    if scan is None:
        message = _first_failure(events, host) or (
            _failure(RunState(run["state"]), target) if run["state"] != RunState.SUCCESSFUL.value else NO_SCAN
        )
        await _fail(engine, target, None, message, settings, run)
        return
    async with write_transaction(engine):
        if not await _finish_target(target["id"], TargetState.PASSED):
            return
        refusal = await apply_scan(target["device"], scan, run["id"], RUNNER)
        if refusal:
            await RunTarget.update(
                {RunTarget.state: TargetState.FAILED.value, RunTarget.message: refusal}
            ).where(RunTarget.id == target["id"])
