"""Reserving a device for a client: the devices to choose from, reserving, renewing and cancelling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.choices import ConditionGrade, DeviceKind
from inventory.clients.pages.client_page import client_page, error_context, page_labels
from inventory.clients.reservations import (
    DeviceWish,
    candidate_devices,
    release_reservation,
    renew_reservation,
    reserve_device,
)
from inventory.clients.route_options import NO_STORE, PURPOSE, ClientIdPath, PurposeDependency, route_opt
from inventory.database import AnyEngine
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.errors import DomainError
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.privacy.choices import Purpose
from inventory.web import Page


@dataclass
class ReserveForm:
    """The device chosen for the client."""

    asset_tag: str = ""


@dataclass
class ReasonForm:
    """An optional reason."""

    reason: str = ""


class ReservationPages(Controller):
    """/clients/{id}/reserve and the reservation's renewal and release."""

    path = "/"
    include_in_schema = False
    dependencies = PURPOSE
    cache_control = NO_STORE
    opt = route_opt(Permission.DEVICE_ALLOCATE, Purpose.RESERVATION)

    async def _reserve_page(
        self,
        request: Request[Actor, Any, Any],
        client_id: int,
        engine: AnyEngine,
        purpose: Purpose,
        filters: dict[str, str],
        error: DomainError | None = None,
    ) -> Template:
        kind, min_ram_gb = filters.get("kind", ""), filters.get("min_ram_gb", "")
        grade, matching_only = filters.get("grade", ""), filters.get("matching_only", "") == "on"
        wish = DeviceWish(
            kind=DeviceKind(kind) if kind in {k.value for k in DeviceKind} else None,
            min_ram_mb=int(min_ram_gb) * 1024 if min_ram_gb.isdigit() else None,
            worst_grade=ConditionGrade(grade) if grade in {g.value for g in ConditionGrade} else None,
            matching_only=matching_only,
        )
        found = await candidate_devices(engine, client_id, wish, request.user, purpose)
        return Page(
            "clients/reserve.html",
            context={
                "client_id": client_id,
                "found": found,
                "kind": kind,
                "min_ram_gb": min_ram_gb,
                "grade": grade,
                "matching_only": matching_only,
                "grades": [g.value for g in ConditionGrade],
                **error_context(error),
                **page_labels(),
            },
            status_code=error.status_code if error else 200,
        )

    @get("/clients/{client_id:int}/reserve")
    async def reserve_form(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        engine: EngineDependency,
        purpose: PurposeDependency,
        kind: Annotated[str, QueryParameter(max_length=16)] = "",
        min_ram_gb: Annotated[str, QueryParameter(max_length=6)] = "",
        grade: Annotated[str, QueryParameter(max_length=1)] = "",
        matching_only: Annotated[str, QueryParameter(max_length=3)] = "",
    ) -> Template:
        """Ready devices for the client: filter by type, memory and condition; fitting ones first."""
        filters = {"kind": kind, "min_ram_gb": min_ram_gb, "grade": grade, "matching_only": matching_only}
        return await self._reserve_page(request, client_id, engine, purpose, filters)

    @post(
        "/clients/{client_id:int}/reserve",
        status_code=303,
    )
    async def reserve(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        data: URLEncodedBody[ReserveForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Reserve the chosen device (if someone was quicker, the list says so)."""
        try:
            await reserve_device(
                engine, client_id, data.asset_tag.strip()[:40], request.user, settings, purpose
            )
        except DomainError as error:
            return await self._reserve_page(request, client_id, engine, purpose, {}, error)
        return Redirect(path=f"/clients/{client_id}?done=reserved#reservation", status_code=303)

    @post(
        "/clients/{client_id:int}/reservations/{reservation_id:int}/renew",
        status_code=303,
    )
    async def renew(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        reservation_id: RecordIdPath,
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Keep the reservation for another period."""
        try:
            await renew_reservation(engine, reservation_id, request.user, settings, purpose)
        except DomainError as error:
            return await client_page(request, engine, settings, client_id, purpose, error)
        return Redirect(path=f"/clients/{client_id}?done=renewed#reservation", status_code=303)

    @post(
        "/clients/{client_id:int}/reservations/{reservation_id:int}/release",
        status_code=303,
    )
    async def release(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        reservation_id: RecordIdPath,
        data: URLEncodedBody[ReasonForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Cancel the reservation."""
        try:
            await release_reservation(
                engine, reservation_id, request.user, settings, data.reason.strip()[:1000], purpose
            )
        except DomainError as error:
            return await client_page(request, engine, settings, client_id, purpose, error)
        return Redirect(path=f"/clients/{client_id}?done=released#reservation", status_code=303)
