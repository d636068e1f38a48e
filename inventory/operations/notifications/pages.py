"""The notifications page, and the unread count every page's layout shows."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.operations.notifications.client_reads import log_codes_shown
from inventory.operations.notifications.presenters import notification_out
from inventory.operations.notifications.queries import list_notifications, unread_count
from inventory.operations.notifications.services import mark_all_read, mark_read
from inventory.params import PageQuery, RecordIdPath
from inventory.permissions import Permission
from inventory.web import Page

PER_PAGE = 50
UNREAD_STATE_KEY = "unread_notifications"


async def load_unread_count(request: Request[Any, Any, Any]) -> None:
    """Before a page is rendered: put the signed-in user's unread count where the layout finds it."""
    user = request.scope.get("user")
    if (
        isinstance(user, Actor)
        and user.user_id is not None
        and request.method == "GET"
        and not request.url.path.startswith("/api/")
    ):
        request.state[UNREAD_STATE_KEY] = await unread_count(user.user_id)


class NotificationPages(Controller):
    """/notifications."""

    path = "/notifications"
    include_in_schema = False
    opt = {"permission": Permission.SELF}

    @get("/")
    async def notifications(self, request: Request[Actor, Any, Any], page: PageQuery = 1) -> Template:
        """Your notifications, newest first."""
        assert request.user.user_id is not None
        rows, total = await list_notifications(request.user.user_id, page=page, per_page=PER_PAGE)
        await log_codes_shown(rows, request.user, "notifications")
        return Page(
            "operations/notifications.html",
            context={
                "notifications": [notification_out(row) for row in rows],
                "total": total,
                "page": page,
                "per_page": PER_PAGE,
            },
        )

    @post("/{notification_id:int}/read", status_code=303)
    async def read_one(self, request: Request[Actor, Any, Any], notification_id: RecordIdPath) -> Redirect:
        """Mark one read."""
        assert request.user.user_id is not None
        await mark_read(request.user.user_id, notification_id)
        return Redirect(path="/notifications", status_code=303)

    @post("/read-all", status_code=303)
    async def read_all(self, request: Request[Actor, Any, Any]) -> Redirect:
        """Mark all read."""
        assert request.user.user_id is not None
        await mark_all_read(request.user.user_id)
        return Redirect(path="/notifications", status_code=303)
