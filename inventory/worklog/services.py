"""Logging one's hours and taking back an entry logged by mistake."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from piccolo.query.functions.aggregate import Sum

from inventory.actors import Actor
from inventory.clock import now, today
from inventory.database import AnyEngine, write_transaction
from inventory.errors import Forbidden, InvalidInput, NotFound
from inventory.i18n import N_
from inventory.worklog.tables import WorkLog

MINUTES_PER_DAY = 24 * 60
OLDEST_DAYS = 366
NOTE_MAX = 500


@dataclass(frozen=True)
class WorkEntry:
    """Hours worked on a day, as typed into the form."""

    day: dt.date | None
    hours: str
    note: str = ""


def parse_hours(text: str) -> int:
    """Hours as a person types them ("3", "2,5", "1.25") in whole minutes; refuses nonsense."""
    cleaned = text.strip().replace(",", ".")
    try:
        hours = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput("hours", N_("Give the hours as a number, for example 3 or 2,5.")) from None
    if not hours.is_finite():
        raise InvalidInput("hours", N_("Give the hours as a number, for example 3 or 2,5."))
    minutes = int((hours * 60).to_integral_value())
    if not 0 < minutes <= MINUTES_PER_DAY:
        raise InvalidInput("hours", N_("The hours must be more than 0 and at most 24."))
    return minutes


async def log_work(engine: AnyEngine, actor: Actor, entry: WorkEntry) -> int:
    """Record time the actor worked on a day; a day holds at most 24 hours in all."""
    if actor.user_id is None:
        raise Forbidden(N_("Only a person can log working hours."))
    if entry.day is None:
        raise InvalidInput("day", N_("Give the date."))
    if entry.day > today():
        raise InvalidInput("day", N_("The date cannot be in the future."))
    if entry.day < today() - dt.timedelta(days=OLDEST_DAYS):
        raise InvalidInput("day", N_("Hours can be logged for the past year only."))
    minutes = parse_hours(entry.hours)
    note = entry.note.replace("\x00", "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput("note", N_("The note can be at most {maximum} characters."), {"maximum": NOTE_MAX})
    async with write_transaction(engine):
        logged = await WorkLog.select(Sum(WorkLog.minutes).as_alias("total")).where(
            (WorkLog.user == actor.user_id) & (WorkLog.day == entry.day)
        )
        already = int(logged[0]["total"] or 0) if logged else 0
        if already + minutes > MINUTES_PER_DAY:
            raise InvalidInput("hours", N_("A day has only 24 hours; this day already has entries."))
        rows = await WorkLog.insert(
            WorkLog(user=actor.user_id, day=entry.day, minutes=minutes, note=note, created_at=now())
        ).returning(WorkLog.id)
    return int(rows[0]["id"])


async def remove_work(engine: AnyEngine, actor: Actor, entry_id: int) -> None:
    """Take back one of one's own entries (another person's entries stay out of reach)."""
    async with write_transaction(engine):
        deleted = (
            await WorkLog.delete()
            .where((WorkLog.id == entry_id) & (WorkLog.user == actor.user_id))
            .returning(WorkLog.id)
        )
    if not deleted:
        raise NotFound(N_("There is no such entry in your work log."))
