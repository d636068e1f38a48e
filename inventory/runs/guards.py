"""Guards of the bench routes: only a bench token may use them, and it speaks for its one site."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from inventory.actors import Actor
from inventory.choices import TokenScope
from inventory.i18n import N_
from inventory.runs.bench_tokens import BenchCredential, bench_credential

BENCH_ONLY = N_("Only a site's bench token may use this address.")


def require_bench_token(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Refuse everyone but a bench-scope token: no session, no personal token."""
    actor = connection.scope.get("user")
    if not isinstance(actor, Actor) or actor.token_scope is not TokenScope.BENCH:
        raise PermissionDeniedException(BENCH_ONLY)


async def provide_bench_site(request: Request[Any, Any, Any]) -> BenchCredential:
    """The site the request's bench token is bound to."""
    credential = await bench_credential(request.headers.get("authorization"))
    if credential is None:
        raise PermissionDeniedException(
            N_("This bench token is not bound to a site. Make a new one for the site.")
        )
    return credential
