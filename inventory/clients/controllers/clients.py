"""The clients' API: list, register, read and correct a client, export their data, erase them."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import JSONBody, QueryParameter
from msgspec import UNSET

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.clients import schemas
from inventory.clients.access_extract import access_extract
from inventory.clients.anonymisation import anonymise_client
from inventory.clients.controllers.pdf import PDF, pdf_response
from inventory.clients.documents import RenderedDocument, organisation
from inventory.clients.export import ClientExport, export_client
from inventory.clients.export_pdf import render_access_extract_pdf, render_export_pdf
from inventory.clients.presenters import client_out, client_summary
from inventory.clients.records import list_clients, read_client
from inventory.clients.route_options import NO_STORE, PURPOSE, ClientIdPath, PurposeDependency, route_opt
from inventory.clients.services import ClientChanges, NewClient, create_client, update_client
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.params import PageQuery, PerPageQuery, TextQuery
from inventory.permissions import Permission
from inventory.privacy.choices import Purpose


class ClientController(Controller):
    """Clients under /api/v1/clients."""

    path = "/api/v1/clients"
    tags = ["clients"]
    dependencies = PURPOSE
    cache_control = NO_STORE

    @get(
        "/",
        responses=API_ERRORS,
        opt=route_opt(Permission.CLIENT_READ, Purpose.CLIENT_LIST),
    )
    async def list_clients(
        self,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
        mine: Annotated[
            bool, QueryParameter(description="Only my own clients (else the whole site's).")
        ] = True,
        q: TextQuery = "",
        page: PageQuery = 1,
        per_page: PerPageQuery = 50,
    ) -> schemas.ClientPage:
        """My clients, or the site's clients, by name; each client listed is written to the access log."""
        rows, total = await list_clients(engine, request.user, settings, mine, q, page, per_page, purpose)
        return schemas.ClientPage(
            items=[client_summary(r) for r in rows], total=total, page=page, per_page=per_page
        )

    @post(
        "/",
        responses=API_ERRORS,
        opt=route_opt(Permission.CLIENT_WRITE, Purpose.CLIENT_REGISTER),
    )
    async def create_client(
        self,
        data: JSONBody[schemas.ClientCreate],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> schemas.ClientOut:
        """Register a client; the pseudonymous code is generated. Never a personal identity code."""
        client_id = await create_client(
            engine,
            NewClient(
                full_name=data.full_name,
                consent_recorded_on=data.consent_recorded_on,
                language=data.language,
                phone=data.phone,
                email=data.email,
                accommodations=tuple(data.accommodations),
                counsellor_id=data.counsellor_id,
                site_id=data.site_id,
            ),
            request.user,
            purpose,
        )
        return client_out(await read_client(engine, client_id, request.user, settings, purpose))

    @get(
        "/{client_id:int}",
        responses=API_ERRORS,
        opt=route_opt(Permission.CLIENT_READ, Purpose.CLIENT_RECORD),
    )
    async def get_client(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> schemas.ClientOut:
        """One client's whole record: details, orientation, assessments, reservations, handovers."""
        return client_out(await read_client(engine, client_id, request.user, settings, purpose))

    @patch(
        "/{client_id:int}",
        responses=API_ERRORS,
        opt=route_opt(Permission.CLIENT_WRITE, Purpose.CLIENT_RECORD),
    )
    async def update_client(
        self,
        client_id: ClientIdPath,
        data: JSONBody[schemas.ClientUpdate],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> schemas.ClientOut:
        """Correct a client's record."""
        await update_client(engine, client_id, _changes(data), request.user, purpose)
        return client_out(await read_client(engine, client_id, request.user, settings, purpose))

    @get(
        "/{client_id:int}/export",
        responses=API_ERRORS,
        opt=route_opt(Permission.CLIENT_READ, Purpose.DATA_EXPORT, recent_authentication=True),
    )
    async def export_client(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Response[ClientExport]:
        """Everything held about the client (their right of access), as JSON."""
        data = await export_client(engine, client_id, request.user, settings, purpose)
        return Response(
            content=data,
            headers={"Content-Disposition": f'attachment; filename="client-{client_id}.json"'},
        )

    @get(
        "/{client_id:int}/export.pdf",
        responses=API_ERRORS,
        media_type=PDF,
        opt=route_opt(Permission.CLIENT_READ, Purpose.DATA_EXPORT, recent_authentication=True),
    )
    async def export_client_pdf(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Response[bytes]:
        """Everything held about the client as a readable PDF in the client's language."""
        data = await export_client(engine, client_id, request.user, settings, purpose)
        language = data.client.language if data.client.anonymised_at is None else request.user.language
        content = render_export_pdf(data, language, organisation(settings))
        return pdf_response(RenderedDocument(f"client-{client_id}.pdf", content))

    @get(
        "/{client_id:int}/access-log.pdf",
        responses=API_ERRORS,
        media_type=PDF,
        opt=route_opt(Permission.REPORTS, Purpose.DATA_EXPORT, recent_authentication=True),
    )
    async def client_access_log_pdf(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Response[bytes]:
        """Who processed the client's data in the last two years, as a PDF in the client's language."""
        extract = await access_extract(engine, client_id, request.user, purpose)
        language = extract.language if extract.client_name else request.user.language
        content = render_access_extract_pdf(extract, language, organisation(settings))
        return pdf_response(RenderedDocument(f"client-{client_id}-access-log.pdf", content))

    @post(
        "/{client_id:int}/anonymise",
        responses=API_ERRORS,
        status_code=204,
        opt=route_opt(Permission.CLIENT_WRITE, Purpose.DATA_ERASURE, recent_authentication=True),
    )
    async def anonymise_client(
        self,
        client_id: ClientIdPath,
        data: JSONBody[schemas.AnonymiseIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> None:
        """Erase the client's personal data for good; the device history stays consistent."""
        await anonymise_client(engine, client_id, request.user, data.reason)


def _changes(data: schemas.ClientUpdate) -> ClientChanges:
    def given(value: Any) -> Any:
        return None if value is UNSET else value

    return ClientChanges(
        full_name=given(data.full_name),
        phone="" if data.phone is None else given(data.phone),
        email="" if data.email is None else given(data.email),
        language=given(data.language),
        accommodations=None if data.accommodations is UNSET else tuple(data.accommodations),
        consent_recorded_on=given(data.consent_recorded_on),
        counsellor_id=given(data.counsellor_id),
        site_id=given(data.site_id),
        changed=frozenset({"counsellor_id"}) if data.counsellor_id is None else frozenset(),
    )
