"""API schemas for notifications."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct


class NotificationOut(Struct):
    """A notification in the reader's language."""

    id: int
    kind: str
    subject: str
    text: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Struct):
    """One page of notifications, newest first, and the unread count."""

    items: list[NotificationOut]
    total: int
    unread: int
    page: int
    per_page: int


class UnreadCount(Struct):
    """How many notifications are unread."""

    unread: int


class MarkedRead(Struct):
    """How many notifications were marked read."""

    marked: int
