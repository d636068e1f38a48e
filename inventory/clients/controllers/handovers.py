"""The handovers API: giving or lending a device, its agreement and signing, returns and overdue loans."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import JSONBody, MultipartBody

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.clients import schemas
from inventory.clients.controllers.pdf import PDF, pdf_response
from inventory.clients.documents import handover_document
from inventory.clients.handovers import (
    HandoverRequest,
    ReturnRequest,
    extend_loan,
    hand_over,
    overdue_loans,
    read_handover,
    record_paper_signing,
    record_signatures,
    return_loan,
)
from inventory.clients.presenters import handover_out, overdue_out
from inventory.clients.route_options import NO_STORE, PURPOSE, ClientIdPath, PurposeDependency, route_opt
from inventory.clients.signatures import MAX_BYTES
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.privacy.choices import Purpose


class ClientHandoverController(Controller):
    """Handing over under /api/v1/clients/{client_id}/handovers."""

    path = "/api/v1/clients"
    tags = ["clients"]
    dependencies = PURPOSE
    cache_control = NO_STORE

    @post(
        "/{client_id:int}/handovers",
        responses=API_ERRORS,
        opt=route_opt(Permission.DEVICE_ALLOCATE, Purpose.HANDOVER),
    )
    async def hand_over_device(
        self,
        client_id: ClientIdPath,
        data: JSONBody[schemas.HandoverCreate],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> schemas.HandoverOut:
        """Give or lend the device reserved for the client; the agreement then prints from the handover."""
        handover_id = await hand_over(
            engine,
            client_id,
            HandoverRequest(
                asset_tag=data.asset_tag,
                kind=data.kind,
                due_on=data.due_on,
                accessories=tuple(data.accessories),
                override_reason=data.override_reason,
            ),
            request.user,
            settings,
            purpose,
        )
        return handover_out(await read_handover(engine, handover_id, request.user, purpose))


class HandoverController(Controller):
    """Handovers and loans under /api/v1/handovers."""

    path = "/api/v1/handovers"
    tags = ["clients"]
    dependencies = PURPOSE
    cache_control = NO_STORE

    @get(
        "/{handover_id:int}",
        responses=API_ERRORS,
        opt=route_opt(Permission.DEVICE_ALLOCATE, Purpose.HANDOVER),
    )
    async def get_handover(
        self,
        handover_id: RecordIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        purpose: PurposeDependency,
    ) -> schemas.HandoverOut:
        """One handover or loan, with its signing and return."""
        return handover_out(await read_handover(engine, handover_id, request.user, purpose))

    @get(
        "/{handover_id:int}/document.pdf",
        responses=API_ERRORS,
        media_type=PDF,
        opt=route_opt(Permission.CLIENT_READ, Purpose.DOCUMENT),
    )
    async def get_handover_document(
        self,
        handover_id: RecordIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Response[bytes]:
        """The handover certificate or loan agreement in the client's language, with signatures if signed."""
        return pdf_response(await handover_document(engine, handover_id, request.user, settings, purpose))

    @post(
        "/{handover_id:int}/signatures",
        responses=API_ERRORS,
        status_code=204,
        opt=route_opt(Permission.DEVICE_ALLOCATE, Purpose.HANDOVER),
    )
    async def sign_handover(
        self,
        handover_id: RecordIdPath,
        data: MultipartBody[schemas.SignatureUpload],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        purpose: PurposeDependency,
    ) -> None:
        """The client's and the counsellor's signatures drawn on screen (PNG); they go into the PDF."""
        client_png = await _read_png(data.client_signature)
        counsellor_png = await _read_png(data.counsellor_signature)
        await record_signatures(engine, handover_id, client_png, counsellor_png, request.user, purpose)

    @post(
        "/{handover_id:int}/signed-on-paper",
        responses=API_ERRORS,
        status_code=204,
        opt=route_opt(Permission.DEVICE_ALLOCATE, Purpose.HANDOVER),
    )
    async def record_paper_signing(
        self,
        handover_id: RecordIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        purpose: PurposeDependency,
    ) -> None:
        """Record that the printed agreement was signed on paper."""
        await record_paper_signing(engine, handover_id, request.user, purpose)

    @post(
        "/{handover_id:int}/return",
        responses=API_ERRORS,
        status_code=204,
        opt=route_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_RETURN),
    )
    async def return_loan(
        self,
        handover_id: RecordIdPath,
        data: JSONBody[schemas.ReturnIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> None:
        """Take the lent device back; it goes to `received` for a new wipe."""
        await return_loan(
            engine,
            handover_id,
            ReturnRequest(data.condition_notes, tuple(data.accessories_returned)),
            request.user,
            settings,
            purpose,
        )

    @post(
        "/{handover_id:int}/extend",
        responses=API_ERRORS,
        status_code=204,
        opt=route_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_FOLLOW_UP),
    )
    async def extend_loan(
        self,
        handover_id: RecordIdPath,
        data: JSONBody[schemas.LoanExtension],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        purpose: PurposeDependency,
    ) -> None:
        """Agree on a new due date for the loan."""
        await extend_loan(engine, handover_id, data.due_on, request.user, purpose)


class LoanController(Controller):
    """Loans under /api/v1/loans."""

    path = "/api/v1/loans"
    tags = ["clients"]
    dependencies = PURPOSE
    cache_control = NO_STORE

    @get(
        "/overdue",
        responses=API_ERRORS,
        opt=route_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_FOLLOW_UP),
    )
    async def list_overdue_loans(
        self,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        purpose: PurposeDependency,
    ) -> list[schemas.OverdueLoanOut]:
        """Loans past their due date that have not come back, the longest overdue first."""
        return [overdue_out(row) for row in await overdue_loans(engine, request.user, purpose=purpose)]


async def _read_png(upload: UploadFile) -> bytes:
    data: bytes = await upload.read(MAX_BYTES + 1)
    await upload.close()
    return data
