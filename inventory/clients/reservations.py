"""Reserving a ready device for a client: choosing one, renewing and cancelling, and expiry.

A reservation lasts `KIERTO_RESERVATION_DAYS` (default 14) from when it was made or last renewed.
`release_expired_reservations` is the scheduler's idempotent job: it releases through the lifecycle
every reservation whose time is up (a reserved device without a reservation row, e.g. one reserved
before this table existed, counts from when it became reserved).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from inventory.actors import Actor
from inventory.choices import ConditionGrade, DeviceKind
from inventory.clients.allocation import (
    NotExpired,
    allocation_step,
    lock_device,
    reservation_expiry,
)
from inventory.clients.choices import Accommodation, ReservationEnd
from inventory.clients.profile_fit import device_profiles, missing_accommodations
from inventory.clients.rows import ExpiringReservationRow, ReservationRow
from inventory.clients.scope import reach_client, reachable_condition, require_not_anonymised, sees_every_site
from inventory.clients.tables import Client, Reservation
from inventory.clock import now
from inventory.database import AnyEngine, write_transaction
from inventory.devices.tables import Device, Disk
from inventory.devices.transitions import TransitionRequest
from inventory.errors import Conflict, DomainError, NotFound
from inventory.i18n import N_
from inventory.lifecycle import Action, State
from inventory.permissions import Permission
from inventory.privacy.access_log import log_access, record_access
from inventory.privacy.choices import AccessAction, Purpose
from inventory.settings import Settings
from inventory.sites.reach import site_in_reach

GRADE_ORDER = {ConditionGrade.A.value: 0, ConditionGrade.B.value: 1, ConditionGrade.C.value: 2}
CANDIDATES_MAX = 200
EXPIRED_REASON = "The reservation expired."


@dataclass(frozen=True)
class DeviceWish:
    """What the counsellor looks for; None means any."""

    kind: DeviceKind | None = None
    min_ram_mb: int | None = None
    min_storage_gb: int | None = None
    worst_grade: ConditionGrade | None = None
    site_id: int | None = None
    matching_only: bool = False


@dataclass(frozen=True)
class Candidate:
    """A ready device that could be reserved for the client, and how well its profile fits them."""

    id: int
    asset_tag: str
    site_code: str
    kind: str
    make: str
    model: str
    cpu: str
    ram_mb: int | None
    storage_bytes: int | None
    condition_grade: str | None
    profile: str | None
    missing: tuple[Accommodation, ...]

    @property
    def matches(self) -> bool:
        """Whether the device's profile serves every accommodation the client needs."""
        return not self.missing


@dataclass(frozen=True)
class Candidates:
    """The client's accommodations and the devices to choose from, best fit first."""

    client_id: int
    site_id: int
    accommodations: tuple[Accommodation, ...]
    devices: tuple[Candidate, ...]


async def _storage(device_ids: list[int]) -> dict[int, int]:
    if not device_ids:
        return {}
    disks = await Disk.select(Disk.device, Disk.size_bytes).where(
        Disk.device.is_in(device_ids) & Disk.destroyed_at.is_null()
    )
    total: dict[int, int] = {}
    for disk in disks:
        total[disk["device"]] = total.get(disk["device"], 0) + int(disk["size_bytes"] or 0)
    return total


def _grade_rank(grade: str | None) -> int:
    return GRADE_ORDER.get(grade or "", len(GRADE_ORDER))


async def candidate_devices(
    engine: AnyEngine,
    client_id: int,
    wish: DeviceWish,
    actor: Actor,
    purpose: Purpose = Purpose.RESERVATION,
) -> Candidates:
    """Ready devices for the client, those whose profile fits the client's accommodations first."""
    client = await reach_client(engine, actor, client_id, purpose, permission=Permission.DEVICE_ALLOCATE)
    site_id = wish.site_id if wish.site_id is not None else client.site
    if not site_in_reach(actor, site_id):  # another site's stock is not offered (docs/sites.md)
        site_id = -1
    query = Device.select(
        Device.id,
        Device.asset_tag,
        Device.site.code.as_alias("site_code"),
        Device.kind,
        Device.make,
        Device.model,
        Device.cpu,
        Device.ram_mb,
        Device.condition_grade,
    ).where((Device.state == State.READY.value) & (Device.site == site_id))
    if wish.kind is not None:
        query = query.where(Device.kind == wish.kind.value)
    if wish.min_ram_mb is not None:
        query = query.where(Device.ram_mb >= wish.min_ram_mb)
    if wish.worst_grade is not None:
        allowed = [g for g, rank in GRADE_ORDER.items() if rank <= GRADE_ORDER[wish.worst_grade.value]]
        query = query.where(Device.condition_grade.is_in(allowed))
    rows = list(await query.order_by(Device.id).limit(CANDIDATES_MAX))
    ids = [row["id"] for row in rows]
    storage = await _storage(ids)
    profiles = await device_profiles(ids)
    needs = tuple(Accommodation(a) for a in client.accommodations or [])
    found = []
    for row in rows:
        stored = storage.get(row["id"])
        if wish.min_storage_gb is not None and (stored or 0) < wish.min_storage_gb * 10**9:
            continue
        profile = profiles.get(row["id"])
        candidate = Candidate(
            id=row["id"],
            asset_tag=row["asset_tag"],
            site_code=row["site_code"],
            kind=row["kind"],
            make=row["make"],
            model=row["model"],
            cpu=row["cpu"],
            ram_mb=row["ram_mb"],
            storage_bytes=stored,
            condition_grade=row["condition_grade"],
            profile=profile,
            missing=missing_accommodations(needs, profile),
        )
        if wish.matching_only and not candidate.matches:
            continue
        found.append(candidate)
    found.sort(key=lambda c: (not c.matches, _grade_rank(c.condition_grade), -(c.ram_mb or 0), c.asset_tag))
    await log_access(engine, actor, AccessAction.READ, [client_id], purpose)
    return Candidates(client_id, site_id, needs, tuple(found))


async def reserve_device(
    engine: AnyEngine,
    client_id: int,
    asset_tag: str,
    actor: Actor,
    settings: Settings,
    purpose: Purpose = Purpose.RESERVATION,
) -> int:
    """Reserve a ready device for the client; returns the reservation's id (one client wins a race)."""
    client = await reach_client(
        engine, actor, client_id, purpose, AccessAction.CREATE, permission=Permission.DEVICE_ALLOCATE
    )
    require_not_anonymised(client)
    result = await allocation_step(
        engine, asset_tag, Action.RESERVE, actor, settings, TransitionRequest(client_id=client_id), purpose
    )
    assert result.reservation_id is not None
    return result.reservation_id


async def clients_to_reserve_for(
    engine: AnyEngine,
    asset_tag: str,
    actor: Actor,
    purpose: Purpose = Purpose.RESERVATION,
) -> list[dict[str, Any]]:
    """The clients a ready device could be reserved for from its page: a counsellor's own clients (every
    client for coordinators) at the device's site and in the actor's reach, not erased, with no device
    reserved yet. Each client listed is written to the access log."""
    if not actor.may(Permission.DEVICE_ALLOCATE):
        return []
    device = await Device.select(Device.site, Device.state).where(Device.asset_tag == asset_tag).first()
    if device is None or device["state"] != State.READY.value or not site_in_reach(actor, device["site"]):
        return []
    query = (
        Client.select(Client.id, Client.code, Client.full_name)
        .where((Client.site == device["site"]) & Client.anonymised_at.is_null())
        .order_by(Client.full_name)
        .limit(CANDIDATES_MAX)
    )
    waiting = [
        row["client"]
        for row in await Reservation.select(Reservation.client).where(Reservation.ended_at.is_null())
    ]
    if waiting:
        query = query.where(Client.id.not_in(waiting))
    reach = reachable_condition(actor)
    if reach is not None:
        query = query.where(reach)
    if not sees_every_site(actor):  # a counsellor reserves for their own clients
        query = query.where(Client.counsellor == (actor.user_id if actor.user_id is not None else -1))
    rows = [dict(row) for row in await query]
    if rows:
        await log_access(engine, actor, AccessAction.READ, [row["id"] for row in rows], purpose)
    return rows


async def _reservation(
    engine: AnyEngine,
    reservation_id: int,
    actor: Actor,
    purpose: Purpose,
) -> dict[str, Any]:
    row = (
        await Reservation.select(
            *Reservation.all_columns(), Reservation.device.asset_tag.as_alias("asset_tag")
        )
        .where(Reservation.id == reservation_id)
        .first()
    )
    if row is None:
        raise NotFound(N_("There is no such reservation."))
    await reach_client(
        engine, actor, row["client"], purpose, AccessAction.UPDATE, permission=Permission.DEVICE_ALLOCATE
    )
    if row["ended_at"] is not None:
        raise Conflict(N_("This reservation has already ended."))
    return dict(row)


async def renew_reservation(
    engine: AnyEngine,
    reservation_id: int,
    actor: Actor,
    settings: Settings,
    purpose: Purpose = Purpose.RESERVATION,
) -> dt.datetime:
    """Keep the reservation for another `KIERTO_RESERVATION_DAYS` from now; returns the new end."""
    row = await _reservation(engine, reservation_id, actor, purpose)
    expires_at = reservation_expiry(settings, now())
    async with write_transaction(engine):
        # The device's lock, as every allocation step takes it: the expiry job checks the end under it,
        # so a renewal and a release at the same moment cannot both win.
        await lock_device(engine, row["asset_tag"])
        updated = (
            await Reservation.update(
                {Reservation.expires_at: expires_at, Reservation.renewals: Reservation.renewals + 1}
            )
            .where((Reservation.id == reservation_id) & Reservation.ended_at.is_null())
            .returning(Reservation.id)
        )
        if not updated:
            raise Conflict(N_("This reservation has already ended."))
        await record_access(actor, AccessAction.UPDATE, [row["client"]], purpose, detail="renew")
    return expires_at


async def release_reservation(
    engine: AnyEngine,
    reservation_id: int,
    actor: Actor,
    settings: Settings,
    reason: str = "",
    purpose: Purpose = Purpose.RESERVATION,
) -> None:
    """Cancel a reservation: the device goes back to ready for others."""
    row = await _reservation(engine, reservation_id, actor, purpose)
    await allocation_step(
        engine, row["asset_tag"], Action.RELEASE, actor, settings, TransitionRequest(reason=reason), purpose
    )


async def release_expired_reservations(
    engine: AnyEngine,
    settings: Settings,
    actor: Actor,
) -> int:
    """Release every reservation whose time is up, through the lifecycle; returns how many (idempotent).

    Each device is released in its own transaction after checking, under its lock, that the reservation
    is still open and still expired, so a renewal or a handover at the same moment wins cleanly.
    """
    moment = now()
    reserved = await Device.select(Device.id, Device.asset_tag, Device.state_changed_at).where(
        Device.state == State.RESERVED.value
    )
    if not reserved:
        return 0
    open_rows = await Reservation.select(Reservation.device, Reservation.expires_at).where(
        Reservation.device.is_in([d["id"] for d in reserved]) & Reservation.ended_at.is_null()
    )
    expiry = {row["device"]: row["expires_at"] for row in open_rows}
    released = 0
    for device in reserved:
        ends = expiry.get(device["id"]) or reservation_expiry(settings, device["state_changed_at"])
        if ends > moment:
            continue
        try:
            await allocation_step(
                engine,
                device["asset_tag"],
                Action.RELEASE,
                actor,
                settings,
                TransitionRequest(reason=EXPIRED_REASON),
                Purpose.RESERVATION,
                ending=ReservationEnd.EXPIRED,
                expired_only=True,
            )
        except (NotExpired, DomainError):
            continue  # renewed, handed over or released meanwhile
        released += 1
    return released


async def reservations_of(client_id: int) -> list[ReservationRow]:
    """The client's reservations, newest first (no access logging: callers log)."""
    rows = (
        await Reservation.select(
            Reservation.id,
            Reservation.device.asset_tag.as_alias("asset_tag"),
            Reservation.reserved_at,
            Reservation.expires_at,
            Reservation.renewals,
            Reservation.ended_at,
            Reservation.outcome,
        )
        .where(Reservation.client == client_id)
        .order_by(Reservation.id, ascending=False)
    )
    return cast(list[ReservationRow], list(rows))


async def expiring_reservations(until: dt.datetime) -> list[ExpiringReservationRow]:
    """Open reservations that end before `until`, soonest first, for reminders (client codes, no names).

    No access logging: a job that shows these to a person writes the access log for what it shows.
    """
    rows = (
        await Reservation.select(
            Reservation.id,
            Reservation.device.asset_tag.as_alias("asset_tag"),
            Reservation.client,
            Reservation.client._.code.as_alias("client_code"),
            Reservation.client._.counsellor.as_alias("counsellor_id"),
            Reservation.client._.counsellor._.is_active.as_alias("counsellor_active"),
            Reservation.device.site.as_alias("site"),
            Reservation.expires_at,
        )
        .where(Reservation.ended_at.is_null() & (Reservation.expires_at < until))
        .order_by(Reservation.expires_at)
    )
    return cast(list[ExpiringReservationRow], list(rows))
