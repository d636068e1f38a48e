"""Read-only queries about devices: lists with filters, one device with its disks, its history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.columns.combination import And, Where
from piccolo.query.base import Query

from inventory.choices import DeviceKind
from inventory.database import contains_text
from inventory.devices.tables import Device, DeviceEvent, Disk, Erasure, ErasureDisk
from inventory.errors import NotFound
from inventory.lifecycle import State
from inventory.permissions import N_

DEVICE_LIST_COLUMNS = (
    Device.id,
    Device.asset_tag,
    Device.site.code.as_alias("site_code"),
    Device.kind,
    Device.make,
    Device.model,
    Device.serial,
    Device.state,
    Device.condition_grade,
    Device.donation,
    Device.state_changed_at,
)


@dataclass(frozen=True)
class DeviceFilter:
    """Which devices to list."""

    states: Sequence[State] = ()
    site_id: int | None = None
    donation_id: int | None = None
    kind: DeviceKind | None = None
    text: str = ""


def _free_text(text: str) -> str:
    # LIKE wildcards typed by a person are taken literally by removing them.
    return "".join(ch for ch in text.strip() if ch not in "%_\\")[:100]


def _conditions(device_filter: DeviceFilter) -> list[Where | And | Any]:
    conditions: list[Any] = []
    if device_filter.states:
        conditions.append(Device.state.is_in([s.value for s in device_filter.states]))
    if device_filter.site_id is not None:
        conditions.append(Device.site == device_filter.site_id)
    if device_filter.donation_id is not None:
        conditions.append(Device.donation == device_filter.donation_id)
    if device_filter.kind is not None:
        conditions.append(Device.kind == device_filter.kind.value)
    text = _free_text(device_filter.text)
    if text:
        conditions.append(
            contains_text(Device.asset_tag, text)
            | contains_text(Device.make, text)
            | contains_text(Device.model, text)
            | contains_text(Device.serial, text)
        )
    return conditions


def _apply(query: Query[Any, Any], conditions: list[Any]) -> Query[Any, Any]:
    for condition in conditions:
        query = query.where(condition)  # type: ignore[attr-defined]
    return query


async def list_devices(
    device_filter: DeviceFilter, page: int = 1, per_page: int = 50
) -> tuple[list[dict[str, Any]], int]:
    """One page of devices matching the filter, newest tag first, and how many match in all."""
    conditions = _conditions(device_filter)
    rows = await _apply(
        Device.select(*DEVICE_LIST_COLUMNS)
        .order_by(Device.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page),
        conditions,
    )
    total = await _apply(Device.count(), conditions)
    return list(rows), int(total)


async def get_device(asset_tag: str) -> dict[str, Any]:
    """One device with its site code and disks (each disk says whether it is erased in this cycle)."""
    device = (
        await Device.select(*Device.all_columns(), Device.site.code.as_alias("site_code"))
        .where(Device.asset_tag == asset_tag)
        .first()
    )
    if device is None:
        raise NotFound(N_("There is no device with the tag {tag}."), {"tag": asset_tag})
    disks = await Disk.select().where(Disk.device == device["id"]).order_by(Disk.id)
    erased = await ErasureDisk.select(ErasureDisk.disk, ErasureDisk.erasure.certificate_number).where(
        (ErasureDisk.erasure.device == device["id"])
        & (ErasureDisk.erasure.cycle == device["cycle"])
        & (ErasureDisk.erasure.passed == True)  # noqa: E712 - Piccolo builds SQL from this comparison
        & (ErasureDisk.verified == True)  # noqa: E712
    )
    certificate_by_disk = {row["disk"]: row["erasure.certificate_number"] for row in erased}
    device["disks"] = [{**disk, "erasure_certificate": certificate_by_disk.get(disk["id"])} for disk in disks]
    return dict(device)


async def device_events(device_id: int) -> list[dict[str, Any]]:
    """A device's whole history, oldest first."""
    return list(
        await DeviceEvent.select(
            DeviceEvent.id,
            DeviceEvent.action,
            DeviceEvent.from_state,
            DeviceEvent.to_state,
            DeviceEvent.actor,
            DeviceEvent.at,
            DeviceEvent.reason,
            DeviceEvent.details,
        )
        .where(DeviceEvent.device == device_id)
        .order_by(DeviceEvent.id)
        .output(load_json=True)
    )


async def device_erasures(device_id: int) -> list[dict[str, Any]]:
    """Every erasure of a device, newest first."""
    return list(
        await Erasure.select(
            Erasure.id,
            Erasure.certificate_number,
            Erasure.cycle,
            Erasure.passed,
            Erasure.method,
            Erasure.tool,
            Erasure.source,
            Erasure.finished_at,
        )
        .where(Erasure.device == device_id)
        .order_by(Erasure.id, ascending=False)
    )
