"""Use cases for orientation sessions: record, correct and remove them; each one logged in the access log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from inventory.actors import Actor
from inventory.clients.identity_numbers import refuse_identity_codes
from inventory.clients.rows import SessionRow
from inventory.clients.scope import lock_client, reach_client, recheck_not_anonymised, require_not_anonymised
from inventory.clients.tables import OrientationSession
from inventory.clock import now, today
from inventory.database import AnyEngine, write_transaction
from inventory.errors import InvalidInput, NotFound
from inventory.i18n import N_
from inventory.permissions import Permission
from inventory.privacy.access_log import record_access
from inventory.privacy.choices import AccessAction, Purpose
from inventory.topics import TOPICS

MINUTES_MAX = 600
NOTES_MAX = 2000
EARLIEST = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class SessionInput:
    """A session as the counsellor records it."""

    held_on: dt.date
    minutes: int
    topics: tuple[str, ...]
    notes: str = ""


def _check(data: SessionInput) -> None:
    if data.held_on > today():
        raise InvalidInput("held_on", N_("A session cannot be recorded before it has been held."))
    if data.held_on < EARLIEST:
        raise InvalidInput("held_on", N_("Check the date of the session."))
    if not 1 <= data.minutes <= MINUTES_MAX:
        raise InvalidInput(
            "minutes", N_("A session lasts from 1 to {limit} minutes."), {"limit": MINUTES_MAX}
        )
    if not data.topics:
        raise InvalidInput("topics", N_("Choose at least one topic the session covered."))
    unknown = [topic for topic in data.topics if topic not in TOPICS]
    if unknown:
        raise InvalidInput("topics", N_("Unknown topic: {topic}."), {"topic": unknown[0]})
    if len(data.notes) > NOTES_MAX:
        raise InvalidInput("notes", N_("The notes are longer than {limit} characters."), {"limit": NOTES_MAX})
    refuse_identity_codes((("notes", data.notes),))


async def _writable(
    engine: AnyEngine,
    client_id: int,
    actor: Actor,
    purpose: Purpose,
    action: AccessAction,
) -> None:
    client = await reach_client(engine, actor, client_id, purpose, action, permission=Permission.CLIENT_WRITE)
    require_not_anonymised(client)


async def add_session(
    engine: AnyEngine,
    client_id: int,
    data: SessionInput,
    actor: Actor,
    purpose: Purpose = Purpose.ORIENTATION,
) -> int:
    """Record a session held with the client by the acting counsellor."""
    await _writable(engine, client_id, actor, purpose, AccessAction.CREATE)
    _check(data)
    async with write_transaction(engine):
        await lock_client(engine, client_id)
        await recheck_not_anonymised(client_id)
        rows = await OrientationSession.insert(
            OrientationSession(
                client=client_id,
                held_on=data.held_on,
                minutes=data.minutes,
                topics=list(dict.fromkeys(data.topics)),
                counsellor=actor.user_id,
                notes=data.notes.strip(),
                created_at=now(),
            )
        ).returning(OrientationSession.id)
        await record_access(actor, AccessAction.CREATE, [client_id], purpose)
    return int(rows[0]["id"])


async def _session_of(client_id: int, session_id: int) -> None:
    found = await OrientationSession.exists().where(
        (OrientationSession.id == session_id) & (OrientationSession.client == client_id)
    )
    if not found:
        raise NotFound(N_("There is no such orientation session."))


async def change_session(
    engine: AnyEngine,
    client_id: int,
    session_id: int,
    data: SessionInput,
    actor: Actor,
    purpose: Purpose = Purpose.ORIENTATION,
) -> None:
    """Correct a session's date, length, topics or notes."""
    await _writable(engine, client_id, actor, purpose, AccessAction.UPDATE)
    _check(data)
    async with write_transaction(engine):
        await lock_client(engine, client_id)
        await recheck_not_anonymised(client_id)
        await _session_of(client_id, session_id)
        await OrientationSession.update(
            {
                OrientationSession.held_on: data.held_on,
                OrientationSession.minutes: data.minutes,
                OrientationSession.topics: list(dict.fromkeys(data.topics)),
                OrientationSession.notes: data.notes.strip(),
            }
        ).where(OrientationSession.id == session_id)
        await record_access(actor, AccessAction.UPDATE, [client_id], purpose)


async def remove_session(
    engine: AnyEngine,
    client_id: int,
    session_id: int,
    actor: Actor,
    purpose: Purpose = Purpose.ORIENTATION,
) -> None:
    """Remove a session recorded by mistake."""
    await _writable(engine, client_id, actor, purpose, AccessAction.DELETE)
    async with write_transaction(engine):
        await lock_client(engine, client_id)
        await recheck_not_anonymised(client_id)
        await _session_of(client_id, session_id)
        await OrientationSession.delete().where(OrientationSession.id == session_id)
        await record_access(actor, AccessAction.DELETE, [client_id], purpose)


async def sessions_of(client_id: int, held_until: dt.date | None = None) -> list[SessionRow]:
    """The client's sessions, oldest first (no access logging: callers log)."""
    query = OrientationSession.select(
        OrientationSession.id,
        OrientationSession.held_on,
        OrientationSession.minutes,
        OrientationSession.topics,
        OrientationSession.notes,
        OrientationSession.counsellor,
        OrientationSession.counsellor.display_name.as_alias("counsellor_name"),
    ).where(OrientationSession.client == client_id)
    if held_until is not None:
        query = query.where(OrientationSession.held_on <= held_until)
    rows = (
        await query.order_by(OrientationSession.held_on)
        .order_by(OrientationSession.id)
        .output(load_json=True)
    )
    return cast(list[SessionRow], list(rows))
