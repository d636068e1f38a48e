"""Read-only queries about notifications: a user's list and unread count."""

from __future__ import annotations

from typing import Any

from inventory.operations.notifications.tables import Notification


async def unread_count(user_id: int) -> int:
    """How many of the user's notifications are unread."""
    return int(
        await Notification.count().where((Notification.user == user_id) & Notification.read_at.is_null())
    )


async def list_notifications(
    user_id: int, unread_only: bool = False, page: int = 1, per_page: int = 50
) -> tuple[list[dict[str, Any]], int]:
    """One page of the user's notifications, newest first, and how many there are in all."""
    condition: Any = Notification.user == user_id
    if unread_only:
        condition &= Notification.read_at.is_null()
    rows = (
        await Notification.select(
            Notification.id,
            Notification.kind,
            Notification.params,
            Notification.link,
            Notification.created_at,
            Notification.read_at,
        )
        .where(condition)
        .order_by(Notification.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .output(load_json=True)
    )
    total = await Notification.count().where(condition)
    return list(rows), int(total)
