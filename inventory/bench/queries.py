"""The bench's work queue: every device still in the workshop's hands, sorted into the step it waits for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from piccolo.query.functions.aggregate import Count

from inventory.devices.queries import DEVICE_LIST_COLUMNS
from inventory.devices.tables import Device, DeviceEvent, Disk
from inventory.event_kinds import Activity
from inventory.i18n import N_
from inventory.lifecycle import State

LABELLED_ACTION = Activity.LABELLED
# History entries that mean "the asset label is on the machine"; an area that prints labels and
# records the print may add its own action here.
LABEL_ACTIONS = frozenset({LABELLED_ACTION})
MAX_PER_STEP = 200


class QueueStep(StrEnum):
    """What a device on the bench waits for."""

    TO_LABEL = "to_label"
    TO_SCAN = "to_scan"
    TO_WIPE = "to_wipe"
    WIPING = "wiping"
    TO_PROVISION = "to_provision"
    PROVISIONING = "provisioning"
    FAILED = "failed"


QUEUE_LABELS: Mapping[QueueStep, str] = {
    QueueStep.TO_LABEL: N_("To label"),
    QueueStep.TO_SCAN: N_("To scan"),
    QueueStep.TO_WIPE: N_("To wipe"),
    QueueStep.WIPING: N_("Wiping"),
    QueueStep.TO_PROVISION: N_("To install"),
    QueueStep.PROVISIONING: N_("Installing"),
    QueueStep.FAILED: N_("Failed"),
}

QUEUE_HINTS: Mapping[QueueStep, str] = {
    QueueStep.TO_LABEL: N_("Print the asset label, stick it on the machine, then mark it attached."),
    QueueStep.TO_SCAN: N_("No disks are recorded yet: run the hardware scan or add the disks by hand."),
    QueueStep.TO_WIPE: N_("Ready to be wiped."),
    QueueStep.WIPING: N_("A wipe has started; record its result when it ends."),
    QueueStep.TO_PROVISION: N_("Wiped: ready for the installation."),
    QueueStep.PROVISIONING: N_("An installation has started; record its result when it ends."),
    QueueStep.FAILED: N_("A wipe or an installation failed: open the device to see why and retry."),
}

BENCH_STATES = (
    State.RECEIVED,
    State.WIPING,
    State.WIPED,
    State.PROVISIONING,
    State.WIPE_FAILED,
    State.PROVISIONING_FAILED,
)

_BY_STATE = {
    State.WIPING: QueueStep.WIPING,
    State.WIPED: QueueStep.TO_PROVISION,
    State.PROVISIONING: QueueStep.PROVISIONING,
    State.WIPE_FAILED: QueueStep.FAILED,
    State.PROVISIONING_FAILED: QueueStep.FAILED,
}


def queue_step(state: State, labelled: bool, disk_count: int) -> QueueStep | None:
    """The step a device waits for, or None when it is not bench work (ready, reserved, gone …)."""
    if state is State.RECEIVED:
        if not labelled:
            return QueueStep.TO_LABEL
        return QueueStep.TO_SCAN if disk_count == 0 else QueueStep.TO_WIPE
    return _BY_STATE.get(state)


@dataclass(frozen=True)
class QueueEntry:
    """One device in the queue."""

    asset_tag: str
    kind: str
    make: str
    model: str
    serial: str | None
    site_code: str
    state: State
    disk_count: int
    since: Any


@dataclass(frozen=True)
class QueueSection:
    """One step of the queue: its devices (at most MAX_PER_STEP) and how many wait in all."""

    step: QueueStep
    entries: tuple[QueueEntry, ...]
    total: int


async def labelled_device_ids(device_ids: list[int]) -> set[int]:
    """Which of these devices have had their asset label attached."""
    if not device_ids:
        return set()
    rows = await DeviceEvent.select(DeviceEvent.device).where(
        DeviceEvent.device.is_in(device_ids) & DeviceEvent.action.is_in(sorted(LABEL_ACTIONS))
    )
    return {row["device"] for row in rows}


async def disk_counts(device_ids: list[int]) -> dict[int, int]:
    """How many disks are recorded for each device."""
    if not device_ids:
        return {}
    rows = (
        await Disk.select(Disk.device, Count(Disk.id).as_alias("n"))
        .where(Disk.device.is_in(device_ids))
        .group_by(Disk.device)
    )
    return {row["device"]: int(row["n"]) for row in rows}


async def bench_queue(site_id: int | None = None) -> list[QueueSection]:
    """The queue by step, oldest waiting first, for one site or every site."""
    query = Device.select(*DEVICE_LIST_COLUMNS).where(
        Device.state.is_in([state.value for state in BENCH_STATES])
    )
    if site_id is not None:
        query = query.where(Device.site == site_id)
    rows: list[dict[str, Any]] = await query.order_by(Device.state_changed_at).order_by(Device.id)
    ids = [row["id"] for row in rows]
    labelled = await labelled_device_ids(ids)
    disks = await disk_counts(ids)
    by_step: dict[QueueStep, list[QueueEntry]] = {step: [] for step in QueueStep}
    for row in rows:
        state = State(row["state"])
        step = queue_step(state, row["id"] in labelled, disks.get(row["id"], 0))
        if step is None:
            continue
        by_step[step].append(
            QueueEntry(
                asset_tag=row["asset_tag"],
                kind=row["kind"],
                make=row["make"],
                model=row["model"],
                serial=row["serial"],
                site_code=row["site_code"],
                state=state,
                disk_count=disks.get(row["id"], 0),
                since=row["state_changed_at"],
            )
        )
    return [
        QueueSection(step=step, entries=tuple(entries[:MAX_PER_STEP]), total=len(entries))
        for step, entries in by_step.items()
    ]
