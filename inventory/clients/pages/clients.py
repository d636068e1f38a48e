"""The counsellor's client pages: my clients, registering and correcting a client, the client page, erasure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accounts.users import active_counsellors
from inventory.actors import Actor
from inventory.clients.anonymisation import anonymise_client
from inventory.clients.pages.client_page import client_page, error_context, notice, page_labels
from inventory.clients.pages.forms import accommodations_from, language_from, optional_int, parse_date
from inventory.clients.records import list_clients, read_client
from inventory.clients.route_options import NO_STORE, PURPOSE, ClientIdPath, PurposeDependency, route_opt
from inventory.clients.rows import ClientRow
from inventory.clients.services import ClientChanges, NewClient, create_client, update_client
from inventory.clock import today
from inventory.database import AnyEngine
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import N_
from inventory.params import PageQuery, TextQuery
from inventory.permissions import Permission
from inventory.privacy.choices import Purpose
from inventory.settings import Settings
from inventory.web import Page

PER_PAGE = 50


@dataclass
class ClientForm:
    """The client form."""

    full_name: str = ""
    phone: str = ""
    email: str = ""
    language: str = "fi"
    accommodations: list[str] | str = field(default_factory=list)
    consent_recorded_on: str = ""
    counsellor_id: str = ""


@dataclass
class EraseForm:
    """Erasing a client: the reason and the client's code typed again."""

    reason: str = ""
    confirm_code: str = ""


class ClientPages(Controller):
    """/clients: the list, the client form, the client page and erasure."""

    path = "/"
    include_in_schema = False
    dependencies = PURPOSE
    cache_control = NO_STORE

    @get("/clients", opt=route_opt(Permission.CLIENT_READ, Purpose.CLIENT_LIST))
    async def client_list(
        self,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
        view: Annotated[str, QueryParameter(max_length=10)] = "mine",
        q: TextQuery = "",
        page: PageQuery = 1,
    ) -> Template:
        """My clients, or the whole site's, with their orientation and device."""
        mine = view != "site"
        rows, total = await list_clients(engine, request.user, settings, mine, q, page, PER_PAGE, purpose)
        return Page(
            "clients/list.html",
            context={
                "clients": rows,
                "total": total,
                "view": "mine" if mine else "site",
                "q": q,
                "page": page,
                "per_page": PER_PAGE,
                "notice": notice(request),
            },
        )

    async def _form(
        self,
        request: Request[Actor, Any, Any],
        form: ClientForm,
        client: ClientRow | None,
        error: DomainError | None = None,
    ) -> Template:
        site_id = client.site if client else request.user.site_id
        return Page(
            "clients/form.html",
            context={
                "form": form,
                "client": client,
                "counsellors": await active_counsellors(site_id),
                "today": today(),
                **error_context(error),
                **page_labels(),
            },
            status_code=error.status_code if error else 200,
        )

    @get("/clients/new", opt=route_opt(Permission.CLIENT_WRITE, Purpose.CLIENT_REGISTER))
    async def new_client_form(self, request: Request[Actor, Any, Any]) -> Template:
        """The form for a new client."""
        return await self._form(
            request,
            ClientForm(
                consent_recorded_on=today().isoformat(),
                counsellor_id=str(request.user.user_id or ""),
                language=request.user.language,
            ),
            None,
        )

    @post("/clients/new", opt=route_opt(Permission.CLIENT_WRITE, Purpose.CLIENT_REGISTER), status_code=303)
    async def create(
        self,
        request: Request[Actor, Any, Any],
        data: URLEncodedBody[ClientForm],
        engine: EngineDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Record the client and open their page."""
        try:
            if not data.consent_recorded_on.strip():
                raise InvalidInput(
                    "consent_recorded_on", N_("Record the date the client gave their consent.")
                )
            client_id = await create_client(
                engine,
                NewClient(
                    full_name=data.full_name,
                    consent_recorded_on=parse_date(data.consent_recorded_on, "consent_recorded_on"),
                    language=language_from(data.language),
                    phone=data.phone,
                    email=data.email,
                    accommodations=accommodations_from(data.accommodations),
                    counsellor_id=optional_int(data.counsellor_id, "counsellor_id"),
                ),
                request.user,
                purpose,
            )
        except DomainError as error:
            return await self._form(request, data, None, error)
        return Redirect(path=f"/clients/{client_id}?done=created", status_code=303)

    @get("/clients/{client_id:int}", opt=route_opt(Permission.CLIENT_READ, Purpose.CLIENT_RECORD))
    async def detail(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Template:
        """The client page: details, orientation, assessment, reservation, handovers, documents."""
        return await client_page(request, engine, settings, client_id, purpose)

    @get("/clients/{client_id:int}/edit", opt=route_opt(Permission.CLIENT_WRITE, Purpose.CLIENT_RECORD))
    async def edit_form(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Template:
        """The client's details to correct."""
        client = (await read_client(engine, client_id, request.user, settings, purpose)).client
        form = ClientForm(
            full_name=client.full_name,
            phone=client.phone or "",
            email=client.email or "",
            language=client.language,
            accommodations=list(client.accommodations or []),
            consent_recorded_on=client.consent_recorded_on.isoformat(),
            counsellor_id=str(client.counsellor or ""),
        )
        return await self._form(request, form, client)

    @post(
        "/clients/{client_id:int}/edit",
        opt=route_opt(Permission.CLIENT_WRITE, Purpose.CLIENT_RECORD),
        status_code=303,
    )
    async def edit(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        data: URLEncodedBody[ClientForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Save the corrections."""
        try:
            counsellor = optional_int(data.counsellor_id, "counsellor_id")
            await update_client(
                engine,
                client_id,
                ClientChanges(
                    full_name=data.full_name,
                    phone=data.phone,
                    email=data.email,
                    language=language_from(data.language),
                    accommodations=accommodations_from(data.accommodations),
                    consent_recorded_on=parse_date(data.consent_recorded_on, "consent_recorded_on"),
                    counsellor_id=counsellor,
                    changed=frozenset({"counsellor_id"}),
                ),
                request.user,
                purpose,
            )
        except DomainError as error:
            client = (await read_client(engine, client_id, request.user, settings, purpose)).client
            return await self._form(request, data, client, error)
        return Redirect(path=f"/clients/{client_id}?done=saved", status_code=303)

    async def _erase_page(
        self,
        request: Request[Actor, Any, Any],
        client_id: int,
        engine: AnyEngine,
        settings: Settings,
        purpose: Purpose,
        error: DomainError | None = None,
    ) -> Template:
        record = await read_client(engine, client_id, request.user, settings, purpose)
        return Page(
            "clients/erase.html",
            context={
                "record": record,
                "client": record.client,
                **error_context(error),
            },
            status_code=error.status_code if error else 200,
        )

    @get(
        "/clients/{client_id:int}/erase",
        opt=route_opt(Permission.CLIENT_WRITE, Purpose.DATA_ERASURE, recent_authentication=True),
    )
    async def erase_form(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Template:
        """Confirm erasing the client's personal data."""
        return await self._erase_page(request, client_id, engine, settings, purpose)

    @post(
        "/clients/{client_id:int}/erase",
        opt=route_opt(Permission.CLIENT_WRITE, Purpose.DATA_ERASURE, recent_authentication=True),
        status_code=303,
    )
    async def erase(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        data: URLEncodedBody[EraseForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Erase, once the client's code has been typed again."""
        try:
            record = await read_client(engine, client_id, request.user, settings, purpose)
            if "".join(data.confirm_code.split()).upper() != record.client.code:
                raise InvalidInput("confirm_code", N_("Type the client's code exactly as shown to confirm."))
            await anonymise_client(engine, client_id, request.user, data.reason)
        except DomainError as error:
            return await self._erase_page(request, client_id, engine, settings, purpose, error)
        return Redirect(path=f"/clients/{client_id}?done=erased", status_code=303)
