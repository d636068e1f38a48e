"""Evidence a person brings to the bench: the hardware checklist and offline wipe-station logs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.engine.base import Engine

from inventory.actors import Actor
from inventory.choices import ConditionGrade
from inventory.clock import now
from inventory.database import write_transaction
from inventory.devices.events import record_event
from inventory.devices.open_record import require_open_record
from inventory.devices.reach import no_such_device, reach_device
from inventory.devices.tables import Device
from inventory.errors import Forbidden, InvalidInput
from inventory.event_kinds import Activity
from inventory.i18n import N_, gettext
from inventory.lifecycle import State
from inventory.permissions import Permission
from inventory.runs.choices import CHECK_ITEMS, ESSENTIAL_ITEMS, CheckResult
from inventory.runs.queries import latest_scan_facts
from inventory.runs.tables import HardwareCheck

CHECKED_ACTION = Activity.HARDWARE_CHECKED
GOOD_BATTERY = 80.0
WORN_BATTERY = 50.0


async def _device(asset_tag: str) -> dict[str, Any]:
    device = (
        await Device.select(Device.id, Device.state, Device.cycle, Device.asset_tag)
        .where(Device.asset_tag == asset_tag)
        .first()
    )
    if device is None:
        raise no_such_device(asset_tag)
    return dict(device)


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
    facts = await latest_scan_facts(device_id)
    values = [
        float(b["health_percent"])
        for b in facts.get("batteries", [])
        if isinstance(b.get("health_percent"), int | float)
    ]
    return min(values) if values else None


async def latest_hardware_check(device_id: int) -> dict[str, Any] | None:
    """The device's most recent hardware check (items, battery, grade, who and when), or None."""
    row = (
        await HardwareCheck.select(
            HardwareCheck.cycle,
            HardwareCheck.items,
            HardwareCheck.battery_health,
            HardwareCheck.grade,
            HardwareCheck.notes,
            HardwareCheck.checked_by_label,
            HardwareCheck.checked_at,
        )
        .where(HardwareCheck.device == device_id)
        .order_by(HardwareCheck.id, ascending=False)
        .output(load_json=True)
        .first()
    )
    return dict(row) if row else None


async def record_hardware_check(
    engine: Engine[Any], asset_tag: str, checklist: Checklist, actor: Actor
) -> ConditionGrade:
    """Record the checklist with the scanned battery health and set the device's condition grade."""
    await reach_device(actor, asset_tag)
    if not actor.may(Permission.DEVICE_WORK):
        raise Forbidden(N_("Your role does not allow this step."))
    missing = sorted(set(CHECK_ITEMS) - set(checklist.items))
    if missing:
        raise InvalidInput(
            "items",
            N_("Check every item of the list: {items} missing."),
            {"items": ", ".join(gettext(CHECK_ITEMS[name]) for name in missing)},
        )
    unknown = sorted(set(checklist.items) - set(CHECK_ITEMS))
    if unknown:
        raise InvalidInput("items", N_("The checklist has no item {items}."), {"items": ", ".join(unknown)})
    async with write_transaction(engine):
        device = await _device(asset_tag)
        require_open_record(device["state"])
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
