"""Lent devices: taking one back, a new due date, and the loans past their due date."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.clients.handovers import ReturnRequest, extend_loan, overdue_loans, read_handover, return_loan
from inventory.clients.pages.client_page import client_page, error_context, page_labels
from inventory.clients.pages.forms import many, parse_date
from inventory.clients.route_options import NO_STORE, PURPOSE, PurposeDependency, route_opt
from inventory.clock import today
from inventory.database import AnyEngine
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.errors import DomainError
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.privacy.choices import Purpose
from inventory.web import Page


@dataclass
class ReturnForm:
    """A lent device coming back."""

    condition_notes: str = ""
    accessories_returned: list[str] | str = field(default_factory=list)


@dataclass
class ExtendForm:
    """A new due date."""

    due_on: str = ""


class LoanPages(Controller):
    """/handovers/{id}/return, /handovers/{id}/extend and /loans/overdue."""

    path = "/"
    include_in_schema = False
    dependencies = PURPOSE
    cache_control = NO_STORE

    async def _return_page(
        self,
        request: Request[Actor, Any, Any],
        handover_id: int,
        engine: AnyEngine,
        purpose: Purpose,
        form: ReturnForm | None = None,
        error: DomainError | None = None,
    ) -> Template:
        handover = await read_handover(engine, handover_id, request.user, purpose)
        return Page(
            "clients/return.html",
            context={
                "handover": handover,
                "form": form or ReturnForm(accessories_returned=list(handover["accessories"])),
                "today": today(),
                **error_context(error),
                **page_labels(),
            },
            status_code=error.status_code if error else 200,
        )

    @get(
        "/handovers/{handover_id:int}/return", opt=route_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_RETURN)
    )
    async def return_form(
        self,
        request: Request[Actor, Any, Any],
        handover_id: RecordIdPath,
        engine: EngineDependency,
        purpose: PurposeDependency,
    ) -> Template:
        """Check a lent device back in: its condition and accessories."""
        return await self._return_page(request, handover_id, engine, purpose)

    @post(
        "/handovers/{handover_id:int}/return",
        opt=route_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_RETURN),
        status_code=303,
    )
    async def take_back(
        self,
        request: Request[Actor, Any, Any],
        handover_id: RecordIdPath,
        data: URLEncodedBody[ReturnForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Take the device back; it goes to the bench for a new wipe."""
        try:
            handover = await read_handover(engine, handover_id, request.user, purpose)
            await return_loan(
                engine,
                handover_id,
                ReturnRequest(data.condition_notes, tuple(many(data.accessories_returned))),
                request.user,
                settings,
                purpose,
            )
        except DomainError as error:
            return await self._return_page(request, handover_id, engine, purpose, data, error)
        return Redirect(path=f"/clients/{handover['client']}?done=returned#handovers", status_code=303)

    @post(
        "/handovers/{handover_id:int}/extend",
        opt=route_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_FOLLOW_UP),
        status_code=303,
    )
    async def extend(
        self,
        request: Request[Actor, Any, Any],
        handover_id: RecordIdPath,
        data: URLEncodedBody[ExtendForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Agree on a new due date."""
        handover = await read_handover(engine, handover_id, request.user, purpose)
        try:
            await extend_loan(engine, handover_id, parse_date(data.due_on, "due_on"), request.user, purpose)
        except DomainError as error:
            return await client_page(request, engine, settings, handover["client"], purpose, error)
        return Redirect(path=f"/clients/{handover['client']}?done=extended#handovers", status_code=303)

    @get("/loans/overdue", opt=route_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_FOLLOW_UP))
    async def overdue(
        self,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        purpose: PurposeDependency,
    ) -> Template:
        """Loans past their due date."""
        loans = await overdue_loans(engine, request.user, purpose=purpose)
        return Page("clients/overdue.html", context={"loans": loans})
