"""The reservations API: devices to choose from for a client, reserving, renewing and releasing."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody, QueryParameter

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.choices import ConditionGrade, DeviceKind
from inventory.clients import schemas
from inventory.clients.presenters import candidates_out, reservation_out
from inventory.clients.records import read_client
from inventory.clients.reservations import (
    DeviceWish,
    candidate_devices,
    release_reservation,
    renew_reservation,
    reserve_device,
)
from inventory.clients.route_options import NO_STORE, PURPOSE, ClientIdPath, PurposeDependency, route_opt
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.params import MAX_ID, RecordIdPath
from inventory.permissions import Permission
from inventory.privacy.choices import Purpose


class ClientReservationController(Controller):
    """Candidate devices and reservations under /api/v1/clients/{client_id}."""

    path = "/api/v1/clients"
    tags = ["clients"]
    dependencies = PURPOSE
    cache_control = NO_STORE
    opt = route_opt(Permission.DEVICE_ALLOCATE, Purpose.RESERVATION)

    @get(
        "/{client_id:int}/candidate-devices",
        responses=API_ERRORS,
    )
    async def list_candidate_devices(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        purpose: PurposeDependency,
        kind: Annotated[DeviceKind | None, QueryParameter(description="Only this type.")] = None,
        min_ram_mb: Annotated[int | None, QueryParameter(ge=0, le=10**8)] = None,
        min_storage_gb: Annotated[int | None, QueryParameter(ge=0, le=10**6)] = None,
        worst_grade: Annotated[
            ConditionGrade | None, QueryParameter(description="The worst condition grade accepted.")
        ] = None,
        site_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        matching_only: Annotated[
            bool, QueryParameter(description="Only devices whose profile fits the accommodations.")
        ] = False,
    ) -> schemas.CandidatesOut:
        """Ready devices to reserve for the client, those fitting the client's accommodations first."""
        found = await candidate_devices(
            engine,
            client_id,
            DeviceWish(kind, min_ram_mb, min_storage_gb, worst_grade, site_id, matching_only),
            request.user,
            purpose,
        )
        return candidates_out(found)

    @post(
        "/{client_id:int}/reservations",
        responses=API_ERRORS,
    )
    async def reserve_device(
        self,
        client_id: ClientIdPath,
        data: JSONBody[schemas.ReservationCreate],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> schemas.ReservationOut:
        """Reserve a ready device for the client until `KIERTO_RESERVATION_DAYS` from now (409 if taken)."""
        reservation_id = await reserve_device(
            engine, client_id, data.asset_tag, request.user, settings, purpose
        )
        record = await read_client(engine, client_id, request.user, settings, purpose)
        return reservation_out(next(r for r in record.reservations if r["id"] == reservation_id))


class ReservationController(Controller):
    """Reservations under /api/v1/reservations."""

    path = "/api/v1/reservations"
    tags = ["clients"]
    dependencies = PURPOSE
    cache_control = NO_STORE
    opt = route_opt(Permission.DEVICE_ALLOCATE, Purpose.RESERVATION)

    @post(
        "/{reservation_id:int}/renew",
        responses=API_ERRORS,
        status_code=200,
    )
    async def renew_reservation(
        self,
        reservation_id: RecordIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> schemas.RenewalOut:
        """Keep the reservation for another `KIERTO_RESERVATION_DAYS` from now."""
        expires_at = await renew_reservation(engine, reservation_id, request.user, settings, purpose)
        return schemas.RenewalOut(expires_at=expires_at)

    @post(
        "/{reservation_id:int}/release",
        responses=API_ERRORS,
        status_code=204,
    )
    async def release_reservation(
        self,
        reservation_id: RecordIdPath,
        data: JSONBody[schemas.ReservationRelease],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> None:
        """Cancel the reservation: the device is ready for others again."""
        await release_reservation(engine, reservation_id, request.user, settings, data.reason, purpose)
