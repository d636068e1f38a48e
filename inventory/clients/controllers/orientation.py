"""The API for a client's orientation: the sessions held and the certificate once complete."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import JSONBody

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.clients import schemas
from inventory.clients.controllers.pdf import PDF, pdf_response
from inventory.clients.documents import orientation_certificate
from inventory.clients.orientation_sessions import SessionInput, add_session, change_session, remove_session
from inventory.clients.presenters import orientation_out
from inventory.clients.records import read_client
from inventory.clients.route_options import NO_STORE, PURPOSE, ClientIdPath, PurposeDependency, route_opt
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.privacy.choices import Purpose


class OrientationController(Controller):
    """A client's orientation under /api/v1/clients/{client_id}/orientation."""

    path = "/api/v1/clients"
    tags = ["clients"]
    dependencies = PURPOSE
    cache_control = NO_STORE

    @get(
        "/{client_id:int}/orientation",
        responses=API_ERRORS,
        opt=route_opt(Permission.CLIENT_READ, Purpose.ORIENTATION),
    )
    async def get_client_orientation(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> schemas.OrientationOut:
        """The orientation sessions and what is still missing against the completion criteria."""
        record = await read_client(engine, client_id, request.user, settings, purpose)
        return orientation_out(record.orientation, record.sessions)

    @post(
        "/{client_id:int}/orientation/sessions",
        responses=API_ERRORS,
        opt=route_opt(Permission.CLIENT_WRITE, Purpose.ORIENTATION),
    )
    async def add_orientation_session(
        self,
        client_id: ClientIdPath,
        data: JSONBody[schemas.SessionIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> schemas.OrientationOut:
        """Record a session held with the client."""
        await add_session(engine, client_id, _session(data), request.user, purpose)
        record = await read_client(engine, client_id, request.user, settings, purpose)
        return orientation_out(record.orientation, record.sessions)

    @patch(
        "/{client_id:int}/orientation/sessions/{session_id:int}",
        responses=API_ERRORS,
        opt=route_opt(Permission.CLIENT_WRITE, Purpose.ORIENTATION),
    )
    async def update_orientation_session(
        self,
        client_id: ClientIdPath,
        session_id: RecordIdPath,
        data: JSONBody[schemas.SessionIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> schemas.OrientationOut:
        """Correct a session."""
        await change_session(engine, client_id, session_id, _session(data), request.user, purpose)
        record = await read_client(engine, client_id, request.user, settings, purpose)
        return orientation_out(record.orientation, record.sessions)

    @delete(
        "/{client_id:int}/orientation/sessions/{session_id:int}",
        responses=API_ERRORS,
        opt=route_opt(Permission.CLIENT_WRITE, Purpose.ORIENTATION),
    )
    async def delete_orientation_session(
        self,
        client_id: ClientIdPath,
        session_id: RecordIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        purpose: PurposeDependency,
    ) -> None:
        """Remove a session recorded by mistake."""
        await remove_session(engine, client_id, session_id, request.user, purpose)

    @get(
        "/{client_id:int}/orientation/certificate.pdf",
        responses=API_ERRORS,
        media_type=PDF,
        opt=route_opt(Permission.CLIENT_READ, Purpose.DOCUMENT),
    )
    async def get_orientation_certificate(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Response[bytes]:
        """The orientation certificate in the client's language (409 until the orientation is complete)."""
        return pdf_response(await orientation_certificate(engine, client_id, request.user, settings, purpose))


def _session(data: schemas.SessionIn) -> SessionInput:
    return SessionInput(
        held_on=data.held_on, minutes=data.minutes, topics=tuple(data.topics), notes=data.notes
    )
