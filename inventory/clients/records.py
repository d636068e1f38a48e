"""Reading client records: the client list and one client's whole record, each read written to the access log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from inventory.accounts.tables import User
from inventory.actors import Actor
from inventory.clients.assessment import RatingRow, assessments_of, rating_rows
from inventory.clients.choices import AssessmentPhase
from inventory.clients.handovers import handovers_of
from inventory.clients.orientation import OrientationStatus, missing_parts, orientation_status
from inventory.clients.orientation_sessions import sessions_of
from inventory.clients.reservations import reservations_of
from inventory.clients.rows import (
    AssessmentRow,
    ClientDevice,
    ClientListRow,
    ClientRow,
    HandoverRow,
    ReservationRow,
    SessionRow,
)
from inventory.clients.scope import reach_client, reachable_condition, refuse
from inventory.clients.tables import Client, OrientationSession
from inventory.database import AnyEngine, contains_text
from inventory.devices.tables import Device
from inventory.errors import Forbidden
from inventory.i18n import N_
from inventory.lifecycle import State
from inventory.permissions import Permission
from inventory.privacy.access_log import log_access
from inventory.privacy.choices import AccessAction, Purpose
from inventory.settings import Settings
from inventory.sites.tables import Site


@dataclass(frozen=True)
class ClientRecord:
    """Everything the client page and the API's client answer show."""

    client: ClientRow
    site_code: str
    site_name: str
    counsellor_name: str | None
    orientation: OrientationStatus
    missing: list[str]
    sessions: list[SessionRow]
    assessments: dict[AssessmentPhase, AssessmentRow]
    ratings: list[RatingRow]
    reservations: list[ReservationRow]
    handovers: list[HandoverRow]

    @property
    def open_reservation(self) -> ReservationRow | None:
        """The reservation that has not ended, if any."""
        return next((r for r in self.reservations if r["ended_at"] is None), None)


async def site_and_counsellor(client: ClientRow) -> tuple[dict[str, str], str | None]:
    """The client's site (code, name) and their counsellor's name, or None without a counsellor."""
    site = await Site.select(Site.code, Site.name).where(Site.id == client.site).first()
    assert site is not None
    counsellor = None
    if client.counsellor is not None:
        row = await User.select(User.display_name).where(User.id == client.counsellor).first()
        counsellor = row["display_name"] if row else None
    return dict(site), counsellor


async def read_client(
    engine: AnyEngine,
    client_id: int,
    actor: Actor,
    settings: Settings,
    purpose: Purpose = Purpose.CLIENT_RECORD,
) -> ClientRecord:
    """One client's record with orientation, assessments, reservations and handovers."""
    client = await reach_client(engine, actor, client_id, purpose)
    site, counsellor = await site_and_counsellor(client)
    status = await orientation_status(client_id, settings)
    assessments = await assessments_of(client_id)
    record = ClientRecord(
        client=client,
        site_code=site["code"],
        site_name=site["name"],
        counsellor_name=counsellor,
        orientation=status,
        missing=missing_parts(status),
        sessions=await sessions_of(client_id),
        assessments=assessments,
        ratings=rating_rows(assessments, settings),
        reservations=await reservations_of(client_id),
        handovers=await handovers_of(client_id),
    )
    await log_access(engine, actor, AccessAction.READ, [client_id], purpose)
    return record


def _free_text(text: str) -> str:
    return "".join(ch for ch in text.strip() if ch not in "%_\\")[:100]


async def list_clients(
    engine: AnyEngine,
    actor: Actor,
    settings: Settings,
    mine: bool = True,
    text: str = "",
    page: int = 1,
    per_page: int = 50,
    purpose: Purpose = Purpose.CLIENT_LIST,
) -> tuple[list[ClientListRow], int]:
    """One page of the actor's own clients (or the reachable sites' clients), and how many match.

    Erased clients are left out. Every client shown is written to the access log.
    """
    if not actor.may(Permission.CLIENT_READ):
        await refuse(engine, actor, None, purpose, AccessAction.READ, "role")
        raise Forbidden(N_("Your role does not allow this."))
    conditions: list[Any] = [Client.anonymised_at.is_null()]
    site_condition = reachable_condition(actor)
    if site_condition is not None:
        conditions.append(site_condition)
    if mine:
        conditions.append(Client.counsellor == (actor.user_id if actor.user_id is not None else -1))
    cleaned = _free_text(text)
    if cleaned:
        conditions.append(contains_text(Client.code, cleaned) | contains_text(Client.full_name, cleaned))
    query = Client.select(
        Client.id,
        Client.code,
        Client.full_name,
        Client.language,
        Client.accommodations,
        Client.site.code.as_alias("site_code"),
        Client.counsellor,
        Client.counsellor.display_name.as_alias("counsellor_name"),
        Client.created_at,
    )
    count = Client.count()
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    found = list(
        await query.order_by(Client.full_name)
        .order_by(Client.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .output(load_json=True)
    )
    total = int(await count)
    ids = [row["id"] for row in found]
    complete = await _orientation_complete(ids, settings)
    devices = await _devices_of(ids)
    rows = [
        cast(
            ClientListRow,
            {**row, "orientation_complete": complete.get(row["id"], False), "device": devices.get(row["id"])},
        )
        for row in found
    ]
    await log_access(engine, actor, AccessAction.READ, ids, purpose)
    return rows, total


async def _orientation_complete(client_ids: list[int], settings: Settings) -> dict[int, bool]:
    if not client_ids:
        return {}
    sessions = (
        await OrientationSession.select(
            OrientationSession.client, OrientationSession.minutes, OrientationSession.topics
        )
        .where(OrientationSession.client.is_in(client_ids))
        .output(load_json=True)
    )
    totals: dict[int, tuple[int, int, set[str]]] = {}
    for s in sessions:
        count, minutes, topics = totals.get(s["client"], (0, 0, set()))
        totals[s["client"]] = (count + 1, minutes + int(s["minutes"]), topics | set(s["topics"] or []))
    return {
        client_id: count >= settings.orientation_min_sessions
        and minutes >= settings.orientation_min_minutes
        and set(settings.orientation_required_topics) <= topics
        for client_id, (count, minutes, topics) in totals.items()
    }


async def _devices_of(client_ids: list[int]) -> dict[int, ClientDevice]:
    """The device each client has reserved or holds now (the latest, if several)."""
    if not client_ids:
        return {}
    rows = await Device.select(Device.asset_tag, Device.state, Device.reserved_for, Device.holder).where(
        Device.reserved_for.is_in(client_ids)
        | (
            Device.holder.is_in(client_ids)
            & Device.state.is_in([State.ON_LOAN.value, State.HANDED_OVER.value])
        )
    )
    found: dict[int, ClientDevice] = {}
    for row in rows:
        found[row["reserved_for"] or row["holder"]] = ClientDevice(
            asset_tag=row["asset_tag"], state=row["state"]
        )
    return found
