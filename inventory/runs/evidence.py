"""Evidence a person brings to the bench: destroyed disks, the hardware checklist, offline wipe-station logs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.engine.base import Engine

from inventory.accounts.tables import User
from inventory.actors import Actor
from inventory.choices import ConditionGrade, ErasureCategory, ErasureTechnique
from inventory.clock import now
from inventory.database import write_transaction
from inventory.devices.erasures import ErasedDisk, ErasureRecord
from inventory.devices.events import record_event
from inventory.devices.tables import Device, Disk, Erasure
from inventory.devices.transitions import TransitionRequest, transition
from inventory.errors import Conflict, Forbidden, InvalidInput, NotFound
from inventory.lifecycle import Action, State
from inventory.permissions import N_, Permission
from inventory.runs.choices import ACTIVE_RUN_STATES, CHECK_ITEMS, ESSENTIAL_ITEMS, CheckResult
from inventory.runs.sampling import maybe_pick
from inventory.runs.tables import HardwareCheck, HardwareScan, RunTarget
from inventory.settings import Settings
from provisioning.nwipe_log import KnownDisk, NwipeLogRefusedError, import_nwipe_log

DESTROYED_ACTION = "disk_destroyed"
CHECKED_ACTION = "hardware_checked"
DESTROYABLE = frozenset({State.RECEIVED, State.WIPE_FAILED})
GOOD_BATTERY = 80.0
WORN_BATTERY = 50.0


async def _device(asset_tag: str) -> dict[str, Any]:
    device = (
        await Device.select(Device.id, Device.state, Device.cycle, Device.asset_tag)
        .where(Device.asset_tag == asset_tag)
        .first()
    )
    if device is None:
        raise NotFound(N_("There is no device with the tag {tag}."), {"tag": asset_tag})
    return dict(device)


async def _not_in_a_run(device_id: int) -> None:
    if await RunTarget.exists().where(
        (RunTarget.device == device_id) & RunTarget.run.state.is_in(list(ACTIVE_RUN_STATES))
    ):
        raise Conflict(N_("This device is in a run that has not ended. Wait for it to end first."))


async def record_destroyed_disk(
    engine: Engine[Any],
    asset_tag: str,
    disk_id: int,
    witness_username: str,
    note: str,
    actor: Actor,
) -> None:
    """Record a disk that could not be erased as physically destroyed, with another person as witness."""
    if not actor.may(Permission.DEVICE_WORK) or actor.user_id is None:
        raise Forbidden(N_("Only a person at the bench can record a destroyed disk."))
    async with write_transaction(engine):
        device = await _device(asset_tag)
        if State(device["state"]) not in DESTROYABLE:
            raise Conflict(
                N_(
                    "A disk can be recorded as destroyed only before the device is wiped (received, or wipe failed)."
                )
            )
        await _not_in_a_run(device["id"])
        disk = (
            await Disk.select(Disk.id, Disk.serial, Disk.destroyed_at)
            .where((Disk.id == disk_id) & (Disk.device == device["id"]))
            .first()
        )
        if disk is None:
            raise NotFound(N_("This device has no such disk."))
        if disk["destroyed_at"] is not None:
            raise Conflict(N_("This disk is already recorded as destroyed."))
        witness = (
            await User.select(User.id, User.display_name, User.username)
            .where(
                (User.username == witness_username.strip()) & (User.is_active == True)  # noqa: E712
            )
            .first()
        )
        if witness is None:
            raise InvalidInput("witness", N_("The witness must be a person with an account here."))
        if witness["id"] == actor.user_id:
            raise InvalidInput(
                "witness", N_("The witness must be another person than the one who destroyed the disk.")
            )
        moment = now()
        await Disk.update(
            {
                Disk.destroyed_at: moment,
                Disk.destroyed_by: actor.user_id,
                Disk.destruction_witness: f"{witness['display_name']} ({witness['username']})"[:200],
            }
        ).where(Disk.id == disk_id)
        state = State(device["state"])
        await record_event(
            device["id"],
            DESTROYED_ACTION,
            state,
            state,
            actor,
            reason=note.strip()[:1000],
            details={"disk_id": disk_id, "serial": disk["serial"], "witness_user_id": witness["id"]},
        )


@dataclass(frozen=True)
class Checklist:
    """The hardware checklist a person confirms: each item ok, faulty or absent."""

    items: dict[str, CheckResult]
    notes: str = ""


def grade(checklist: Checklist, battery_health: float | None) -> ConditionGrade:
    """A: everything works and the battery holds ≥ 80 %. B: one non-essential fault or a battery
    at 50–80 %. C: an essential part (keyboard, screen, Wi-Fi, USB) faulty, several faults, or a
    battery below 50 %."""
    faults = {name for name, result in checklist.items.items() if result is CheckResult.FAULTY}
    if (
        faults & ESSENTIAL_ITEMS
        or len(faults) > 1
        or (battery_health is not None and battery_health < WORN_BATTERY)
    ):
        return ConditionGrade.C
    if faults or (battery_health is not None and battery_health < GOOD_BATTERY):
        return ConditionGrade.B
    return ConditionGrade.A


async def latest_battery_health(device_id: int) -> float | None:
    """The weakest battery's health in the device's latest scan, or None without a battery."""
    scan = (
        await HardwareScan.select(HardwareScan.facts)
        .where(HardwareScan.device == device_id)
        .order_by(HardwareScan.id, ascending=False)
        .output(load_json=True)
        .first()
    )
    values = [
        float(b["health_percent"])
        for b in ((scan or {}).get("facts") or {}).get("batteries", [])
        if isinstance(b.get("health_percent"), int | float)
    ]
    return min(values) if values else None


async def record_hardware_check(
    engine: Engine[Any], asset_tag: str, checklist: Checklist, actor: Actor
) -> ConditionGrade:
    """Record the checklist with the scanned battery health and set the device's condition grade."""
    if not actor.may(Permission.DEVICE_WORK):
        raise Forbidden(N_("Your role does not allow this step."))
    missing = sorted(set(CHECK_ITEMS) - set(checklist.items))
    if missing:
        raise InvalidInput(
            "items", N_("Check every item of the list: {items} missing."), {"items": ", ".join(missing)}
        )
    unknown = sorted(set(checklist.items) - set(CHECK_ITEMS))
    if unknown:
        raise InvalidInput("items", N_("The checklist has no item {items}."), {"items": ", ".join(unknown)})
    async with write_transaction(engine):
        device = await _device(asset_tag)
        if State(device["state"]) in (State.HANDED_OVER, State.SCRAPPED):
            raise Conflict(N_("This device has left the workshop; its record can no longer be changed."))
        battery = await latest_battery_health(device["id"])
        result = grade(checklist, battery)
        await HardwareCheck.insert(
            HardwareCheck(
                device=device["id"],
                cycle=device["cycle"],
                items={name: value.value for name, value in checklist.items.items()},
                battery_health=battery,
                grade=result.value,
                notes=checklist.notes.strip()[:4000],
                checked_by=actor.user_id,
                checked_by_label=actor.label,
                checked_at=now(),
            )
        )
        await Device.update({Device.condition_grade: result.value}).where(Device.id == device["id"])
        state = State(device["state"])
        await record_event(
            device["id"],
            CHECKED_ACTION,
            state,
            state,
            actor,
            details={
                "grade": result.value,
                "battery_health": battery,
                "faulty": sorted(n for n, r in checklist.items.items() if r is CheckResult.FAULTY),
            },
        )
    return result


async def import_wipe_log(
    engine: Engine[Any], asset_tag: str, log_text: str, actor: Actor, settings: Settings
) -> str:
    """Accept an nwipe / ShredOS log as the erasure of the device's disks; returns the certificate number."""
    if not actor.may(Permission.DEVICE_WORK):
        raise Forbidden(N_("Your role does not allow this step."))
    async with write_transaction(engine):
        device = await _device(asset_tag)
        await _not_in_a_run(device["id"])
        disks = await Disk.select(Disk.id, Disk.serial, Disk.model, Disk.size_bytes).where(
            (Disk.device == device["id"]) & Disk.destroyed_at.is_null()
        )
        known = [
            KnownDisk(serial=d["serial"], model=d["model"] or None, size_bytes=d["size_bytes"])
            for d in disks
            if d["serial"]
        ]
        if not known:
            raise Conflict(
                N_(
                    "No disks with serial numbers are recorded for this device. Scan it or add its disks first."
                )
            )
        try:
            imported = import_nwipe_log(log_text, known)
        except NwipeLogRefusedError as refused:
            raise InvalidInput(
                "log", N_("The log cannot be accepted: {reason}"), {"reason": str(refused)}
            ) from refused
        if imported.missing_serials:
            raise InvalidInput(
                "log",
                N_("The log does not cover every disk of this device: {serials} missing."),
                {"serials": ", ".join(imported.missing_serials)},
            )
        by_serial = {d["serial"]: d["id"] for d in disks}
        first = imported.evidence[0]
        record = ErasureRecord(
            disks=tuple(
                ErasedDisk(
                    disk_id=by_serial[e.serial],
                    verified=e.verification_passed,
                    method=e.method[:40],
                    bytes_erased=e.bytes_erased,
                    evidence={"device": e.device, "serial": e.serial},
                )
                for e in imported.evidence
            ),
            method=first.method[:40],
            tool="nwipe",
            tool_version=first.tool_version or "",
            category=ErasureCategory.CLEAR,
            technique=ErasureTechnique.OVERWRITE,
            verification_method=first.verification_method[:200],
            verification_result=first.verification_detail[:200],
            source="nwipe",
            started_at=min((e.started_at for e in imported.evidence if e.started_at), default=None),
            finished_at=max((e.finished_at for e in imported.evidence if e.finished_at), default=None),
            evidence={"log": log_text},
        )
        if State(device["state"]) in (State.RECEIVED, State.WIPE_FAILED):
            await transition(
                engine, asset_tag, Action.START_WIPE, actor, settings, TransitionRequest(reason="nwipe")
            )
        result = await transition(
            engine, asset_tag, Action.WIPE_PASSED, actor, settings, TransitionRequest(erasure=record)
        )
        assert result.certificate_number is not None
        erasure = (
            await Erasure.select(Erasure.id)
            .where(Erasure.certificate_number == result.certificate_number)
            .first()
        )
        assert erasure is not None
        await maybe_pick(erasure["id"], settings)
        return result.certificate_number
