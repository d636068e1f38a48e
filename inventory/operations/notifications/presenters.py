"""Notification rows rendered for the reader, in the current request's language."""

from __future__ import annotations

from typing import Any

from inventory.i18n import current_language
from inventory.operations.notifications.kinds import render
from inventory.operations.notifications.schemas import NotificationOut


def notification_out(row: dict[str, Any]) -> NotificationOut:
    """A notification row as the reader sees it."""
    rendered = render(row["kind"], row["params"], current_language.get())
    return NotificationOut(
        id=row["id"],
        kind=row["kind"],
        subject=rendered.subject,
        text=rendered.text,
        link=row["link"],
        created_at=row["created_at"],
        read_at=row["read_at"],
    )
