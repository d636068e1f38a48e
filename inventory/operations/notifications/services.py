"""Use cases for notifications: sending one to users (in-app, queued for e-mail) and marking them read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from inventory.accounts.tables import User
from inventory.clock import now
from inventory.errors import NotFound
from inventory.i18n import N_
from inventory.operations.notifications.kinds import KINDS
from inventory.operations.notifications.tables import EmailStatus, Notification
from inventory.operations.settings import OperationsSettings
from inventory.permissions import Role

LINK_MAX = 200


async def notify(
    user_ids: Iterable[int],
    kind: str,
    params: Mapping[str, Any],
    operations: OperationsSettings,
    link: str = "",
    dedup_key: str | None = None,
) -> int:
    """Send a notification to active users (in the caller's transaction, if any); returns how many were new.

    With `dedup_key`, a user gets the notice once however often a job runs: the key is unique per user.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    users = await User.select(User.id, User.email).where(User.id.is_in(ids) & (User.is_active == True))  # noqa: E712
    created = 0
    moment = now()
    for user in users:
        wants_email = operations.smtp_configured and bool(user["email"])
        query = Notification.insert(
            Notification(
                user=user["id"],
                kind=kind,
                params=dict(params),
                link=link[:LINK_MAX],
                dedup_key=f"{dedup_key}:{user['id']}"[:200] if dedup_key else None,
                created_at=moment,
                email_status=(EmailStatus.PENDING if wants_email else EmailStatus.NOT_SENT).value,
            )
        )
        if dedup_key:
            query = query.on_conflict(target=Notification.dedup_key, action="DO NOTHING")
        created += len(await query.returning(Notification.id))
    return created


async def active_users(role: Role, site_id: int | None = None) -> list[int]:
    """Ids of the active users of a role (at a site, when given)."""
    condition = (User.role == role.value) & (User.is_active == True)  # noqa: E712
    if site_id is not None:
        condition &= User.site == site_id
    return [int(row["id"]) for row in await User.select(User.id).where(condition).order_by(User.id)]


async def coordinators_of(site_id: int) -> list[int]:
    """Who hears about a site's devices: its coordinators, or the administrators if it has none."""
    return await active_users(Role.COORDINATOR, site_id) or await active_users(Role.ADMIN)


async def counsellor_or_coordinators(
    counsellor_id: int | None, counsellor_active: bool | None, site_id: int
) -> list[int]:
    """Who hears about a client's device: the client's counsellor, or the site's coordinators if none."""
    if counsellor_id is not None and counsellor_active:
        return [int(counsellor_id)]
    return await coordinators_of(site_id)


async def mark_read(user_id: int, notification_id: int) -> None:
    """Mark one of the user's own notifications read."""
    rows = (
        await Notification.update({Notification.read_at: now()})
        .where(
            (Notification.id == notification_id)
            & (Notification.user == user_id)
            & Notification.read_at.is_null()
        )
        .returning(Notification.id)
    )
    if not rows and not await Notification.exists().where(
        (Notification.id == notification_id) & (Notification.user == user_id)
    ):
        raise NotFound(N_("There is no such notification."))


async def mark_all_read(user_id: int) -> int:
    """Mark all of the user's notifications read; returns how many were unread."""
    rows = (
        await Notification.update({Notification.read_at: now()})
        .where((Notification.user == user_id) & Notification.read_at.is_null())
        .returning(Notification.id)
    )
    return len(rows)
