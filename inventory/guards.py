"""The route guard: every route declares the permission it needs in `opt["permission"]`; none means no."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from inventory.accounts.reauthentication import require_recent_authentication
from inventory.actors import Actor
from inventory.choices import TokenScope
from inventory.errors import Forbidden
from inventory.i18n import N_
from inventory.path_reach import reach_path
from inventory.permissions import Permission

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def route_permission(handler: BaseRouteHandler) -> Permission | None:
    """The permission a route declares, if any."""
    value = handler.opt.get("permission")
    return Permission(value) if value is not None else None


async def require_declared_permission(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Allow the request only if the route declares a permission and the actor holds it (fail closed).

    Routes with `opt["recent_authentication"]` also need the password given a moment ago (see
    `accounts.reauthentication`). A refused user on a client route is written to the access log.
    A device, donation, erasure, run, bench machine or stock-take named in the path must be in the
    actor's reach (`path_reach`): another site's answers 404, like one that does not exist.
    """
    permission = route_permission(handler)
    if permission is None:
        raise PermissionDeniedException(N_("This route declares no permission, so nobody may use it."))
    if permission is Permission.PUBLIC:
        return
    # Not `connection.user`: it raises where the authentication middleware did not run (it leaves
    # OPTIONS alone), and a route's permission declared on its controller reaches Litestar's own
    # OPTIONS handler too.
    actor = connection.scope.get("user")
    if not isinstance(actor, Actor):
        raise PermissionDeniedException(N_("Log in first."))
    if actor.token_scope is TokenScope.BENCH and not handler.opt.get("bench"):
        raise PermissionDeniedException(
            N_("A bench token may only be used by the bench worker and check-in.")
        )
    if actor.token_scope is TokenScope.READ and connection.scope.get("method") not in SAFE_METHODS:
        raise PermissionDeniedException(N_("This token may only read."))
    if not actor.may(permission):
        await _log_refusal(connection, handler, actor, "role")
        raise PermissionDeniedException(N_("Your role does not allow this."))
    if handler.opt.get("recent_authentication"):
        try:
            await require_recent_authentication(connection)
        except Forbidden:
            await _log_refusal(connection, handler, actor, "reauthentication")
            raise
    await reach_path(actor, connection.path_params, connection.scope.get("method") not in SAFE_METHODS)


async def _log_refusal(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler, actor: Actor, reason: str
) -> None:
    """A refused user on a route that declares a `purpose` (a client route) is written to the access log."""
    purpose = handler.opt.get("purpose")
    if purpose is None:
        return
    from inventory.clients.refusals import record_route_refusal

    await record_route_refusal(
        actor, str(purpose), str(connection.scope.get("method", "GET")), connection.path_params, reason
    )
