"""API routes for the signed-in user's notifications, under /api/v1/me/notifications."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.operations.notifications.client_reads import log_codes_shown
from inventory.operations.notifications.presenters import notification_out
from inventory.operations.notifications.queries import list_notifications, unread_count
from inventory.operations.notifications.schemas import MarkedRead, NotificationPage, UnreadCount
from inventory.operations.notifications.services import mark_all_read, mark_read
from inventory.params import PageQuery, PerPageQuery, RecordIdPath
from inventory.permissions import Permission


def _user_id(request: Request[Actor, Any, Any]) -> int:
    assert request.user.user_id is not None
    return request.user.user_id


class NotificationController(Controller):
    """Your notifications."""

    path = "/api/v1/me/notifications"
    tags = ["notifications"]
    opt = {"permission": Permission.SELF}

    @get("/", responses=API_ERRORS)
    async def list_my_notifications(
        self,
        request: Request[Actor, Any, Any],
        unread: Annotated[bool, QueryParameter(description="Only unread ones.")] = False,
        page: PageQuery = 1,
        per_page: PerPageQuery = 50,
    ) -> NotificationPage:
        """Your notifications, newest first, in your language."""
        user_id = _user_id(request)
        rows, total = await list_notifications(user_id, unread, page, per_page)
        await log_codes_shown(rows, request.user, "notifications")
        return NotificationPage(
            items=[notification_out(row) for row in rows],
            total=total,
            unread=await unread_count(user_id),
            page=page,
            per_page=per_page,
        )

    @get(
        "/unread-count",
        responses=API_ERRORS,
    )
    async def count_my_unread_notifications(self, request: Request[Actor, Any, Any]) -> UnreadCount:
        """How many of your notifications are unread."""
        return UnreadCount(unread=await unread_count(_user_id(request)))

    @post(
        "/{notification_id:int}/read",
        responses=API_ERRORS,
        status_code=200,
    )
    async def mark_my_notification_read(
        self, notification_id: RecordIdPath, request: Request[Actor, Any, Any]
    ) -> UnreadCount:
        """Mark one of your notifications read; answers the new unread count."""
        user_id = _user_id(request)
        await mark_read(user_id, notification_id)
        return UnreadCount(unread=await unread_count(user_id))

    @post(
        "/read-all",
        responses=API_ERRORS,
        status_code=200,
    )
    async def mark_all_my_notifications_read(self, request: Request[Actor, Any, Any]) -> MarkedRead:
        """Mark all your notifications read."""
        return MarkedRead(marked=await mark_all_read(_user_id(request)))
