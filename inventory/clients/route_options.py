"""What every client route shares: its permission and declared purpose, the path parameters, no caching.

Every route declares its `purpose` in `opt`; the services write it to the access log with each read
or change of a client's data (and the route guard with each refusal).
"""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

from litestar import Request
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency, Provide
from litestar.params import PathParameter

from inventory.clients.choices import AssessmentPhase
from inventory.params import MAX_ID
from inventory.permissions import Permission
from inventory.privacy.choices import Purpose

ClientIdPath = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="The client's id.")]
PhasePath = Annotated[AssessmentPhase, PathParameter(description="start or end.")]
NO_STORE = CacheControlHeader(no_store=True)  # answers with personal data stay out of every cache


def route_purpose(request: Request[Any, Any, Any]) -> Purpose:
    """The purpose the route declares (every client route has one)."""
    return Purpose(request.route_handler.opt["purpose"])


PURPOSE = {"purpose": Provide(route_purpose, sync_to_thread=False)}
PurposeDependency: TypeAlias = NamedDependency[Purpose]
"""The purpose the route declares (`purpose`, provided by `PURPOSE` on every client controller)."""


def route_opt(
    permission: Permission, purpose: Purpose, recent_authentication: bool = False
) -> dict[str, Any]:
    """Route options: the permission, the declared purpose and whether the password must be fresh."""
    return {"permission": permission, "purpose": purpose, "recent_authentication": recent_authentication}
