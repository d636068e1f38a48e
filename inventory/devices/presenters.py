"""Turn device rows into API structs, leaving out what the asking role may not see."""

from __future__ import annotations

from collections.abc import Container

from inventory.actors import Actor
from inventory.choices import ConditionGrade, DeviceKind
from inventory.devices.device_clients import client_reachable, client_rows
from inventory.devices.rows import DeviceEventRow, DeviceListRow, DeviceRow, DiskRow
from inventory.devices.schemas import ClientRef, DeviceOut, DeviceSummary, DiskOut, EventOut
from inventory.devices.tables import Device
from inventory.i18n import gettext
from inventory.lifecycle import STATE_LABELS, TRANSITIONS, Action, State, available_actions
from inventory.permissions import Permission
from inventory.privacy.access_log import log_access
from inventory.privacy.choices import AccessAction, Purpose
from labels.sanitisation_terms import DiskKind

CLIENT_ACTIONS = frozenset(
    a.value for a in (Action.RESERVE, Action.RELEASE, Action.HAND_OVER, Action.LEND, Action.RETURN)
)


def _grade(value: str | None) -> ConditionGrade | None:
    return ConditionGrade(value) if value else None


def device_summary(row: DeviceListRow) -> DeviceSummary:
    """A list entry from a row of `DEVICE_LIST_COLUMNS`."""
    return DeviceSummary(
        id=row["id"],
        asset_tag=row["asset_tag"],
        site_code=row["site_code"],
        kind=DeviceKind(row["kind"]),
        make=row["make"],
        model=row["model"],
        serial=row["serial"],
        state=State(row["state"]),
        condition_grade=_grade(row["condition_grade"]),
        donation_id=row["donation"],
        state_changed_at=row["state_changed_at"],
    )


async def _client_ref(device: DeviceRow, actor: Actor) -> ClientRef | None:
    """The reserving or holding client's code for those who reach that client; showing it is a logged read."""
    client_id = device["reserved_for"] or device["holder"]
    if client_id is None or not actor.may(Permission.CLIENT_READ):
        return None
    rows = await client_rows([client_id])
    row = rows[0] if rows else None
    if row is None or not client_reachable(
        actor, row
    ):  # another site's client is not named, not even by code
        return None
    purpose = Purpose.RESERVATION if device["reserved_for"] else Purpose.HANDOVER
    await log_access(
        Device._meta.db,
        actor,
        AccessAction.READ,
        [client_id],
        purpose,
        detail=f"device {device['asset_tag']}",
    )
    return ClientRef(id=row["id"], code=row["code"])


async def device_out(device: DeviceRow, actor: Actor) -> DeviceOut:
    """The full device, with only the steps this actor may take, and client fields only if allowed."""
    state = State(device["state"])
    return DeviceOut(
        id=device["id"],
        asset_tag=device["asset_tag"],
        site_code=device["site_code"],
        kind=DeviceKind(device["kind"]),
        make=device["make"],
        model=device["model"],
        serial=device["serial"],
        cpu=device["cpu"],
        ram_mb=device["ram_mb"],
        condition_grade=_grade(device["condition_grade"]),
        notes=device["notes"],
        intake_condition=device["intake_condition"],
        state=state,
        state_label=gettext(STATE_LABELS[state]),
        cycle=device["cycle"],
        donation_id=device["donation"],
        reserved=device["reserved_for"] is not None,
        loan_due_on=device["loan_due_on"],
        state_changed_at=device["state_changed_at"],
        created_at=device["created_at"],
        disks=[disk_out(disk) for disk in device["disks"]],
        available_actions=[a for a in available_actions(state) if actor.may(TRANSITIONS[a].permission)],
        client=await _client_ref(device, actor),
    )


def disk_out(disk: DiskRow) -> DiskOut:
    """A disk, with the certificate of its erasure in the device's current round, if any."""
    return DiskOut(
        id=disk["id"],
        make=disk["make"],
        model=disk["model"],
        serial=disk["serial"],
        size_bytes=disk["size_bytes"],
        kind=DiskKind(disk["kind"]),
        destroyed_at=disk["destroyed_at"],
        erasure_certificate=disk["erasure_certificate"],
    )


def _event_client(row: DeviceEventRow) -> int | None:
    value = (row["details"] or {}).get("client_id") if row["action"] in CLIENT_ACTIONS else None
    return value if isinstance(value, int) else None


async def events_out(rows: list[DeviceEventRow], actor: Actor) -> list[EventOut]:
    """A device's history for this actor: allocation steps name only clients in the actor's reach."""
    mentioned = {client for client in map(_event_client, rows) if client is not None}
    in_reach: set[int] = set()
    if mentioned and actor.may(Permission.CLIENT_READ):
        in_reach = {row["id"] for row in await client_rows(mentioned) if client_reachable(actor, row)}
    return [event_out(row, actor, in_reach) for row in rows]


_EVENT_PURPOSES = {
    Action.RESERVE.value: Purpose.RESERVATION,
    Action.RELEASE.value: Purpose.RESERVATION,
    Action.HAND_OVER.value: Purpose.HANDOVER,
    Action.LEND.value: Purpose.HANDOVER,
    Action.RETURN.value: Purpose.LOAN_RETURN,
}


async def events_shown_to(rows: list[DeviceEventRow], actor: Actor, tag: str) -> list[EventOut]:
    """`events_out()` for an answer that shows the events' details: each client named there is a logged read."""
    events = await events_out(rows, actor)
    named: dict[Purpose, list[int]] = {}
    for event in events:
        client = event.details.get("client_id") if event.action in CLIENT_ACTIONS else None
        if isinstance(client, int):
            named.setdefault(_EVENT_PURPOSES[event.action], []).append(client)
    for purpose, clients in sorted(named.items()):
        await log_access(
            Device._meta.db, actor, AccessAction.READ, clients, purpose, detail=f"history of {tag}"
        )
    return events


def event_out(row: DeviceEventRow, actor: Actor, clients_in_reach: Container[int] = ()) -> EventOut:
    """A history entry; an allocation step's client stays out unless that client is in the actor's reach."""
    details = dict(row["details"] or {})
    reason = row["reason"]
    client = _event_client(row)
    if row["action"] in CLIENT_ACTIONS and (
        not actor.may(Permission.CLIENT_READ) or (client is not None and client not in clients_in_reach)
    ):
        # Reasons and details of allocation steps may speak of the client: trainees, and counsellors
        # of another site than the client's, see only the step.
        details, reason = {}, ""
    return EventOut(
        id=row["id"],
        action=row["action"],
        from_state=State(row["from_state"]) if row["from_state"] else None,
        to_state=State(row["to_state"]),
        actor=row["actor"],
        at=row["at"],
        reason=reason,
        details=details,
    )
