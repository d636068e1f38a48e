"""Erasing a client (the right to erasure) and the retention purge, keeping the device history consistent.

Anonymising keeps the client's row, so every device event, reservation and handover that points to it
stays valid, but removes what identifies the person: name, phone, e-mail, accommodations, counsellor,
free-text notes and comments, and the drawn signatures. The pseudonymous code is replaced too, since
paper agreements link the old code to the name. Dates, minutes, topics and self-ratings stay, without
the person, for the service's statistics. The access log keeps its rows (they hold no names).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from piccolo.query.functions.aggregate import Max

from inventory.actors import Actor
from inventory.clients.codes import ALPHABET
from inventory.clients.identity_numbers import refuse_identity_codes
from inventory.clients.scope import lock_client, reach_client
from inventory.clients.tables import (
    Assessment,
    AssessmentItem,
    Client,
    Handover,
    OrientationSession,
    Reservation,
)
from inventory.clock import HELSINKI, now
from inventory.database import AnyEngine, write_transaction
from inventory.devices.tables import Device
from inventory.errors import Conflict, InvalidInput
from inventory.i18n import N_, Language
from inventory.lifecycle import State
from inventory.permissions import Permission
from inventory.privacy.access_log import record_access
from inventory.privacy.choices import AccessAction, Purpose
from inventory.settings import Settings

REASON_MAX = 200
ERASED_PREFIX = "X"


def _erased_code() -> str:
    return f"{ERASED_PREFIX}-" + "".join(secrets.choice(ALPHABET) for _ in range(10))


async def _devices_in_hand(client_id: int) -> list[str]:
    rows = await Device.select(Device.asset_tag).where(
        (Device.reserved_for == client_id)
        | ((Device.holder == client_id) & (Device.state == State.ON_LOAN.value))
    )
    return [row["asset_tag"] for row in rows]


async def _anonymise(
    engine: AnyEngine,
    client_id: int,
    actor: Actor,
    reason: str,
    purpose: Purpose,
) -> bool:
    """Anonymise one client in one transaction; False if already anonymised."""
    async with write_transaction(engine):
        await lock_client(engine, client_id)
        row = await Client.select(Client.anonymised_at).where(Client.id == client_id).first()
        if row is None or row["anonymised_at"] is not None:
            return False
        in_hand = await _devices_in_hand(client_id)
        if in_hand:
            raise Conflict(
                N_(
                    "The client still has a reserved or lent device ({tags}). "
                    "Cancel the reservation or take the loan back first."
                ),
                {"tags": ", ".join(in_hand)},
            )
        for _ in range(8):
            code = _erased_code()
            if not await Client.exists().where(Client.code == code):
                break
        await Client.update(
            {
                Client.code: code,
                Client.full_name: "",
                Client.phone: None,
                Client.email: None,
                Client.accommodations: [],
                Client.counsellor: None,
                Client.language: Language.FI.value,
                Client.anonymised_at: now(),
            }
        ).where(Client.id == client_id)
        await OrientationSession.update({OrientationSession.notes: ""}).where(
            OrientationSession.client == client_id
        )
        assessment_ids = [
            r["id"] for r in await Assessment.select(Assessment.id).where(Assessment.client == client_id)
        ]
        await Assessment.update({Assessment.notes: ""}).where(Assessment.client == client_id)
        if assessment_ids:
            await AssessmentItem.update({AssessmentItem.comment: ""}).where(
                AssessmentItem.assessment.is_in(assessment_ids)
            )
        await Handover.update({Handover.client_signature: None, Handover.counsellor_signature: None}).where(
            Handover.client == client_id
        )
        await record_access(actor, AccessAction.ANONYMISE, [client_id], purpose, detail=reason)
    return True


async def anonymise_client(
    engine: AnyEngine,
    client_id: int,
    actor: Actor,
    reason: str,
) -> None:
    """Erase the client's personal data for good (their request, or the end of retention); idempotent.

    Refused while a device is reserved for the client or lent to them.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("reason", N_("Write down why the client's data is erased."))
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            "reason", N_("The reason is longer than {limit} characters."), {"limit": REASON_MAX}
        )
    refuse_identity_codes((("reason", reason),))
    purpose = Purpose.RETENTION if actor.is_system else Purpose.DATA_ERASURE
    await reach_client(
        engine, actor, client_id, purpose, AccessAction.ANONYMISE, permission=Permission.CLIENT_WRITE
    )
    await _anonymise(engine, client_id, actor, reason, purpose)


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (the month's last day if shorter)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def _as_moment(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(23, 59, 59), tzinfo=HELSINKI)
    if isinstance(value, str):
        return _as_moment(
            dt.datetime.fromisoformat(value) if "T" in value or " " in value else dt.date.fromisoformat(value)
        )
    return None


async def last_activity() -> dict[int, dt.datetime]:
    """For every client not yet anonymised, when anything last happened with them."""
    clients = await Client.select(Client.id, Client.created_at).where(Client.anonymised_at.is_null())
    latest: dict[int, dt.datetime] = {row["id"]: row["created_at"] for row in clients}

    def bump(client_id: int, value: Any) -> None:
        moment = _as_moment(value)
        if client_id in latest and moment is not None and moment > latest[client_id]:
            latest[client_id] = moment

    sources: list[tuple[Any, Any, Any]] = [
        (OrientationSession, OrientationSession.client, OrientationSession.held_on),
        (Assessment, Assessment.client, Assessment.updated_at),
        (Reservation, Reservation.client, Reservation.reserved_at),
        (Reservation, Reservation.client, Reservation.ended_at),
        (Handover, Handover.client, Handover.handed_over_on),
        (Handover, Handover.client, Handover.returned_on),
    ]
    for table, client_column, column in sources:
        rows = await table.select(client_column.as_alias("client"), Max(column).as_alias("latest")).group_by(
            client_column
        )
        for row in rows:
            bump(row["client"], row["latest"])
    return latest


async def purge_expired_clients(
    engine: AnyEngine,
    settings: Settings,
    actor: Actor,
) -> int:
    """Anonymise every client whose last handover, loan or other activity ended more than
    `KIERTO_RETENTION_MONTHS` ago and who holds no reserved or lent device; returns how many (idempotent).
    """
    cutoff = months_before(now(), settings.retention_months)
    reason = f"Retention period of {settings.retention_months} months ended."
    purged = 0
    for client_id, latest in sorted((await last_activity()).items()):
        if latest >= cutoff or await _devices_in_hand(client_id):
            continue
        try:
            if await _anonymise(engine, client_id, actor, reason, Purpose.RETENTION):
                purged += 1
        except Conflict:
            continue  # a device was reserved or lent at this very moment: next run
    return purged
