"""Accessibility feedback: received from anyone on the public page, read and marked handled by admins."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from inventory.accessibility.tables import AccessibilityFeedback
from inventory.actors import Actor
from inventory.clock import now
from inventory.database import AnyEngine, write_transaction
from inventory.errors import Conflict, Forbidden, InvalidInput, NotFound
from inventory.i18n import N_
from inventory.permissions import Permission

MESSAGE_MAX = 4000
PAGE_MAX = 200
CONTACT_MAX = 254
PER_SENDER_PER_HOUR = 5


@dataclass(frozen=True)
class Feedback:
    """Feedback as sent."""

    message: str
    page: str = ""
    contact: str = ""
    language: str = "fi"


def sender_key(secret: str, address: str) -> str:
    """A keyed hash of the sender's address: enough to slow down floods, useless for finding anyone."""
    return hmac.new(secret.encode(), f"feedback:{address}".encode(), hashlib.sha256).hexdigest()


def _clean(text: str, name: str, limit: int) -> str:
    cleaned = text.replace("\x00", "").strip()
    if len(cleaned) > limit:
        raise InvalidInput(name, N_("At most {maximum} characters."), {"maximum": limit})
    return cleaned


async def send_feedback(engine: AnyEngine, feedback: Feedback, key: str) -> int:
    """Store feedback for the administrators; a sender may send a few an hour."""
    message = _clean(feedback.message, "message", MESSAGE_MAX)
    if not message:
        raise InvalidInput("message", N_("Write what the problem is."))
    page = _clean(feedback.page, "page", PAGE_MAX)
    contact = _clean(feedback.contact, "contact", CONTACT_MAX)
    async with write_transaction(engine):
        recent = await AccessibilityFeedback.count().where(
            (AccessibilityFeedback.sender_key == key)
            & (AccessibilityFeedback.received_at > now() - dt.timedelta(hours=1))
        )
        if recent >= PER_SENDER_PER_HOUR:
            raise Conflict(N_("Thank you: we have received several messages from you. Try again in an hour."))
        rows = await AccessibilityFeedback.insert(
            AccessibilityFeedback(
                message=message,
                page=page,
                contact=contact,
                language=feedback.language[:2],
                sender_key=key,
                received_at=now(),
            )
        ).returning(AccessibilityFeedback.id)
    return int(rows[0]["id"])


async def list_feedback(limit: int = 200) -> list[dict[str, Any]]:
    """Feedback, open first, newest first."""
    rows = (
        await AccessibilityFeedback.select(
            AccessibilityFeedback.id,
            AccessibilityFeedback.message,
            AccessibilityFeedback.page,
            AccessibilityFeedback.contact,
            AccessibilityFeedback.language,
            AccessibilityFeedback.received_at,
            AccessibilityFeedback.handled_at,
            AccessibilityFeedback.handled_by.display_name.as_alias("handled_by_name"),
        )
        .order_by(AccessibilityFeedback.id, ascending=False)
        .limit(limit)
    )
    return sorted(rows, key=lambda row: row["handled_at"] is not None)


async def mark_handled(engine: AnyEngine, actor: Actor, feedback_id: int) -> None:
    """Record that an administrator has dealt with the feedback."""
    if not actor.may(Permission.ADMINISTER):
        raise Forbidden(N_("Your role does not allow this."))
    async with write_transaction(engine):
        updated = (
            await AccessibilityFeedback.update(
                {AccessibilityFeedback.handled_at: now(), AccessibilityFeedback.handled_by: actor.user_id}
            )
            .where((AccessibilityFeedback.id == feedback_id) & AccessibilityFeedback.handled_at.is_null())
            .returning(AccessibilityFeedback.id)
        )
        if not updated and not await AccessibilityFeedback.exists().where(
            AccessibilityFeedback.id == feedback_id
        ):
            raise NotFound(N_("There is no such feedback."))
