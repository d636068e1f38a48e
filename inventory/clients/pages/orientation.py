"""The orientation sessions on the client page: recording one, removing one recorded by mistake."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Controller, Request, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.clients.orientation_sessions import SessionInput, add_session, remove_session
from inventory.clients.pages.client_page import client_page
from inventory.clients.pages.forms import many, optional_int, parse_date
from inventory.clients.route_options import NO_STORE, PURPOSE, ClientIdPath, PurposeDependency, route_opt
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import N_
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.privacy.choices import Purpose


@dataclass
class SessionForm:
    """A new orientation session."""

    held_on: str = ""
    minutes: str = ""
    topics: list[str] | str = field(default_factory=list)
    notes: str = ""


class OrientationPages(Controller):
    """/clients/{id}/sessions: the orientation sessions."""

    path = "/"
    include_in_schema = False
    dependencies = PURPOSE
    cache_control = NO_STORE
    opt = route_opt(Permission.CLIENT_WRITE, Purpose.ORIENTATION)

    @post(
        "/clients/{client_id:int}/sessions",
        status_code=303,
    )
    async def add_session(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        data: URLEncodedBody[SessionForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Record an orientation session."""
        try:
            minutes = optional_int(data.minutes, "minutes")
            if minutes is None:
                raise InvalidInput("minutes", N_("How many minutes did the session last?"))
            await add_session(
                engine,
                client_id,
                SessionInput(
                    held_on=parse_date(data.held_on, "held_on"),
                    minutes=minutes,
                    topics=tuple(many(data.topics)),
                    notes=data.notes,
                ),
                request.user,
                purpose,
            )
        except DomainError as error:
            return await client_page(request, engine, settings, client_id, purpose, error)
        return Redirect(path=f"/clients/{client_id}?done=session#orientation", status_code=303)

    @post(
        "/clients/{client_id:int}/sessions/{session_id:int}/delete",
        status_code=303,
    )
    async def delete_session(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        session_id: RecordIdPath,
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Remove a session recorded by mistake."""
        try:
            await remove_session(engine, client_id, session_id, request.user, purpose)
        except DomainError as error:
            return await client_page(request, engine, settings, client_id, purpose, error)
        return Redirect(path=f"/clients/{client_id}?done=session_removed#orientation", status_code=303)
