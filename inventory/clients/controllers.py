"""API routes for clients, their orientation and assessments, reservations, handovers and loans.

Every route declares its `purpose` in `opt`; the services write it to the access log with each read
or change of a client's data (and the route guard with each refusal).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.datastructures import CacheControlHeader, UploadFile
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, MultipartBody, PathParameter, QueryParameter
from msgspec import UNSET
from piccolo.engine.base import Engine

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.choices import ConditionGrade, DeviceKind
from inventory.clients import schemas
from inventory.clients.access_extract import access_extract
from inventory.clients.anonymisation import anonymise_client
from inventory.clients.assessment import AssessmentInput, TaskAnswer, save_assessment
from inventory.clients.choices import AssessmentPhase, Purpose
from inventory.clients.documents import (
    RenderedDocument,
    handover_document,
    organisation,
    orientation_certificate,
)
from inventory.clients.export import ClientExport, export_client
from inventory.clients.export_pdf import render_access_extract_pdf, render_export_pdf
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
from inventory.clients.orientation_sessions import SessionInput, add_session, change_session, remove_session
from inventory.clients.presenters import (
    candidates_out,
    client_out,
    client_summary,
    handover_out,
    orientation_out,
    overdue_out,
    reservation_out,
)
from inventory.clients.records import list_clients, read_client
from inventory.clients.reservations import (
    DeviceWish,
    candidate_devices,
    release_reservation,
    renew_reservation,
    reserve_device,
)
from inventory.clients.services import ClientChanges, NewClient, create_client, update_client
from inventory.clients.signatures import MAX_BYTES
from inventory.params import MAX_ID, PageQuery, PerPageQuery, RecordIdPath, TextQuery
from inventory.permissions import Permission
from inventory.settings import Settings

PDF = "application/pdf"
PhasePath = Annotated[AssessmentPhase, PathParameter(description="start or end.")]
ClientIdPath = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="The client's id.")]


def route_purpose(request: Request[Any, Any, Any]) -> Purpose:
    """The purpose the route declares (every client route has one)."""
    return Purpose(request.route_handler.opt["purpose"])


PURPOSE = {"purpose": Provide(route_purpose, sync_to_thread=False)}
NO_STORE = CacheControlHeader(no_store=True)  # answers with personal data stay out of every cache


def _opt(permission: Permission, purpose: Purpose, recent_authentication: bool = False) -> dict[str, Any]:
    """Route options: the permission, the declared purpose and whether the password must be fresh."""
    return {"permission": permission, "purpose": purpose, "recent_authentication": recent_authentication}


def pdf_response(document: RenderedDocument) -> Response[bytes]:
    """A PDF with personal data, shown inline (the controllers add `Cache-Control: no-store`)."""
    return Response(
        content=document.content,
        media_type=PDF,
        headers={"Content-Disposition": f'inline; filename="{document.filename}"'},
    )


class ClientController(Controller):
    """Clients under /api/v1/clients."""

    path = "/api/v1/clients"
    tags = ["clients"]
    dependencies = PURPOSE
    cache_control = NO_STORE

    @get(
        "/",
        operation_id="listClients",
        responses=API_ERRORS,
        opt=_opt(Permission.CLIENT_READ, Purpose.CLIENT_LIST),
    )
    async def list_clients(
        self,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
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
        operation_id="createClient",
        responses=API_ERRORS,
        opt=_opt(Permission.CLIENT_WRITE, Purpose.CLIENT_REGISTER),
    )
    async def create_client(
        self,
        data: JSONBody[schemas.ClientCreate],
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
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
        operation_id="getClient",
        responses=API_ERRORS,
        opt=_opt(Permission.CLIENT_READ, Purpose.CLIENT_RECORD),
    )
    async def get_client(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> schemas.ClientOut:
        """One client's whole record: details, orientation, assessments, reservations, handovers."""
        return client_out(await read_client(engine, client_id, request.user, settings, purpose))

    @patch(
        "/{client_id:int}",
        operation_id="updateClient",
        responses=API_ERRORS,
        opt=_opt(Permission.CLIENT_WRITE, Purpose.CLIENT_RECORD),
    )
    async def update_client(
        self,
        client_id: ClientIdPath,
        data: JSONBody[schemas.ClientUpdate],
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> schemas.ClientOut:
        """Correct a client's record."""
        await update_client(engine, client_id, _changes(data), request.user, purpose)
        return client_out(await read_client(engine, client_id, request.user, settings, purpose))

    @get(
        "/{client_id:int}/export",
        operation_id="exportClient",
        responses=API_ERRORS,
        opt=_opt(Permission.CLIENT_READ, Purpose.DATA_EXPORT, recent_authentication=True),
    )
    async def export(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Response[ClientExport]:
        """Everything held about the client (their right of access), as JSON."""
        data = await export_client(engine, client_id, request.user, settings, purpose)
        return Response(
            content=data,
            headers={"Content-Disposition": f'attachment; filename="client-{client_id}.json"'},
        )

    @get(
        "/{client_id:int}/export.pdf",
        operation_id="exportClientPdf",
        responses=API_ERRORS,
        media_type=PDF,
        opt=_opt(Permission.CLIENT_READ, Purpose.DATA_EXPORT, recent_authentication=True),
    )
    async def export_pdf(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Response[bytes]:
        """Everything held about the client as a readable PDF in the client's language."""
        data = await export_client(engine, client_id, request.user, settings, purpose)
        language = data.client.language if data.client.anonymised_at is None else request.user.language
        content = render_export_pdf(data, language, organisation(settings))
        return pdf_response(RenderedDocument(f"client-{client_id}.pdf", content))

    @get(
        "/{client_id:int}/access-log.pdf",
        operation_id="clientAccessLogPdf",
        responses=API_ERRORS,
        media_type=PDF,
        opt=_opt(Permission.REPORTS, Purpose.DATA_EXPORT, recent_authentication=True),
    )
    async def access_log_pdf(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Response[bytes]:
        """Who processed the client's data in the last two years, as a PDF in the client's language."""
        extract = await access_extract(engine, client_id, request.user, purpose)
        language = extract.language if extract.client_name else request.user.language
        content = render_access_extract_pdf(extract, language, organisation(settings))
        return pdf_response(RenderedDocument(f"client-{client_id}-access-log.pdf", content))

    @post(
        "/{client_id:int}/anonymise",
        operation_id="anonymiseClient",
        responses=API_ERRORS,
        status_code=204,
        opt=_opt(Permission.CLIENT_WRITE, Purpose.DATA_ERASURE, recent_authentication=True),
    )
    async def anonymise(
        self,
        client_id: ClientIdPath,
        data: JSONBody[schemas.AnonymiseIn],
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
    ) -> None:
        """Erase the client's personal data for good; the device history stays consistent."""
        await anonymise_client(engine, client_id, request.user, data.reason)

    @get(
        "/{client_id:int}/orientation",
        operation_id="getClientOrientation",
        responses=API_ERRORS,
        opt=_opt(Permission.CLIENT_READ, Purpose.ORIENTATION),
    )
    async def orientation(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> schemas.OrientationOut:
        """The orientation sessions and what is still missing against the completion criteria."""
        record = await read_client(engine, client_id, request.user, settings, purpose)
        return orientation_out(record.orientation, record.sessions)

    @post(
        "/{client_id:int}/orientation/sessions",
        operation_id="addOrientationSession",
        responses=API_ERRORS,
        opt=_opt(Permission.CLIENT_WRITE, Purpose.ORIENTATION),
    )
    async def add_session(
        self,
        client_id: ClientIdPath,
        data: JSONBody[schemas.SessionIn],
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> schemas.OrientationOut:
        """Record a session held with the client."""
        await add_session(engine, client_id, _session(data), request.user, purpose)
        record = await read_client(engine, client_id, request.user, settings, purpose)
        return orientation_out(record.orientation, record.sessions)

    @patch(
        "/{client_id:int}/orientation/sessions/{session_id:int}",
        operation_id="updateOrientationSession",
        responses=API_ERRORS,
        opt=_opt(Permission.CLIENT_WRITE, Purpose.ORIENTATION),
    )
    async def change_session(
        self,
        client_id: ClientIdPath,
        session_id: RecordIdPath,
        data: JSONBody[schemas.SessionIn],
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> schemas.OrientationOut:
        """Correct a session."""
        await change_session(engine, client_id, session_id, _session(data), request.user, purpose)
        record = await read_client(engine, client_id, request.user, settings, purpose)
        return orientation_out(record.orientation, record.sessions)

    @delete(
        "/{client_id:int}/orientation/sessions/{session_id:int}",
        operation_id="deleteOrientationSession",
        responses=API_ERRORS,
        opt=_opt(Permission.CLIENT_WRITE, Purpose.ORIENTATION),
    )
    async def remove_session(
        self,
        client_id: ClientIdPath,
        session_id: RecordIdPath,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        purpose: NamedDependency[Purpose],
    ) -> None:
        """Remove a session recorded by mistake."""
        await remove_session(engine, client_id, session_id, request.user, purpose)

    @get(
        "/{client_id:int}/orientation/certificate.pdf",
        operation_id="getOrientationCertificate",
        responses=API_ERRORS,
        media_type=PDF,
        opt=_opt(Permission.CLIENT_READ, Purpose.DOCUMENT),
    )
    async def certificate(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Response[bytes]:
        """The orientation certificate in the client's language (409 until the orientation is complete)."""
        return pdf_response(await orientation_certificate(engine, client_id, request.user, settings, purpose))

    @put(
        "/{client_id:int}/assessments/{phase:str}",
        operation_id="saveAssessment",
        responses=API_ERRORS,
        opt=_opt(Permission.CLIENT_WRITE, Purpose.ASSESSMENT),
    )
    async def save_assessment(
        self,
        client_id: ClientIdPath,
        phase: PhasePath,
        data: JSONBody[schemas.AssessmentIn],
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> schemas.ClientOut:
        """Record the skills assessment at the start or at the end (replaces that phase's answers)."""
        await save_assessment(
            engine,
            client_id,
            phase,
            AssessmentInput(
                assessed_on=data.assessed_on,
                notes=data.notes,
                answers=tuple(
                    TaskAnswer(
                        task=a.task, self_rating=a.self_rating, observation=a.observation, comment=a.comment
                    )
                    for a in data.answers
                ),
            ),
            request.user,
            settings,
            purpose,
        )
        return client_out(await read_client(engine, client_id, request.user, settings, purpose))

    @get(
        "/{client_id:int}/candidate-devices",
        operation_id="listCandidateDevices",
        responses=API_ERRORS,
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.RESERVATION),
    )
    async def candidates(
        self,
        client_id: ClientIdPath,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        purpose: NamedDependency[Purpose],
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
        operation_id="reserveDevice",
        responses=API_ERRORS,
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.RESERVATION),
    )
    async def reserve(
        self,
        client_id: ClientIdPath,
        data: JSONBody[schemas.ReservationCreate],
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> schemas.ReservationOut:
        """Reserve a ready device for the client until `KIERTO_RESERVATION_DAYS` from now (409 if taken)."""
        reservation_id = await reserve_device(
            engine, client_id, data.asset_tag, request.user, settings, purpose
        )
        record = await read_client(engine, client_id, request.user, settings, purpose)
        return reservation_out(next(r for r in record.reservations if r["id"] == reservation_id))

    @post(
        "/{client_id:int}/handovers",
        operation_id="handOverDevice",
        responses=API_ERRORS,
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.HANDOVER),
    )
    async def hand_over(
        self,
        client_id: ClientIdPath,
        data: JSONBody[schemas.HandoverCreate],
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
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


def _session(data: schemas.SessionIn) -> SessionInput:
    return SessionInput(
        held_on=data.held_on, minutes=data.minutes, topics=tuple(data.topics), notes=data.notes
    )


class ReservationController(Controller):
    """Reservations under /api/v1/reservations."""

    path = "/api/v1/reservations"
    tags = ["clients"]
    dependencies = PURPOSE
    cache_control = NO_STORE

    @post(
        "/{reservation_id:int}/renew",
        operation_id="renewReservation",
        responses=API_ERRORS,
        status_code=200,
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.RESERVATION),
    )
    async def renew(
        self,
        reservation_id: RecordIdPath,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> schemas.RenewalOut:
        """Keep the reservation for another `KIERTO_RESERVATION_DAYS` from now."""
        expires_at = await renew_reservation(engine, reservation_id, request.user, settings, purpose)
        return schemas.RenewalOut(expires_at=expires_at)

    @post(
        "/{reservation_id:int}/release",
        operation_id="releaseReservation",
        responses=API_ERRORS,
        status_code=204,
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.RESERVATION),
    )
    async def release(
        self,
        reservation_id: RecordIdPath,
        data: JSONBody[schemas.ReservationRelease],
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> None:
        """Cancel the reservation: the device is ready for others again."""
        await release_reservation(engine, reservation_id, request.user, settings, data.reason, purpose)


class HandoverController(Controller):
    """Handovers and loans under /api/v1/handovers."""

    path = "/api/v1/handovers"
    tags = ["clients"]
    dependencies = PURPOSE
    cache_control = NO_STORE

    @get(
        "/{handover_id:int}",
        operation_id="getHandover",
        responses=API_ERRORS,
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.HANDOVER),
    )
    async def get_handover(
        self,
        handover_id: RecordIdPath,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        purpose: NamedDependency[Purpose],
    ) -> schemas.HandoverOut:
        """One handover or loan, with its signing and return."""
        return handover_out(await read_handover(engine, handover_id, request.user, purpose))

    @get(
        "/{handover_id:int}/document.pdf",
        operation_id="getHandoverDocument",
        responses=API_ERRORS,
        media_type=PDF,
        opt=_opt(Permission.CLIENT_READ, Purpose.DOCUMENT),
    )
    async def document(
        self,
        handover_id: RecordIdPath,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Response[bytes]:
        """The handover certificate or loan agreement in the client's language, with signatures if signed."""
        return pdf_response(await handover_document(engine, handover_id, request.user, settings, purpose))

    @post(
        "/{handover_id:int}/signatures",
        operation_id="signHandover",
        responses=API_ERRORS,
        status_code=204,
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.HANDOVER),
    )
    async def sign(
        self,
        handover_id: RecordIdPath,
        data: MultipartBody[schemas.SignatureUpload],
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        purpose: NamedDependency[Purpose],
    ) -> None:
        """The client's and the counsellor's signatures drawn on screen (PNG); they go into the PDF."""
        client_png = await _read_png(data.client_signature)
        counsellor_png = await _read_png(data.counsellor_signature)
        await record_signatures(engine, handover_id, client_png, counsellor_png, request.user, purpose)

    @post(
        "/{handover_id:int}/signed-on-paper",
        operation_id="recordPaperSigning",
        responses=API_ERRORS,
        status_code=204,
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.HANDOVER),
    )
    async def signed_on_paper(
        self,
        handover_id: RecordIdPath,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        purpose: NamedDependency[Purpose],
    ) -> None:
        """Record that the printed agreement was signed on paper."""
        await record_paper_signing(engine, handover_id, request.user, purpose)

    @post(
        "/{handover_id:int}/return",
        operation_id="returnLoan",
        responses=API_ERRORS,
        status_code=204,
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_RETURN),
    )
    async def return_loan(
        self,
        handover_id: RecordIdPath,
        data: JSONBody[schemas.ReturnIn],
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
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
        operation_id="extendLoan",
        responses=API_ERRORS,
        status_code=204,
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_FOLLOW_UP),
    )
    async def extend(
        self,
        handover_id: RecordIdPath,
        data: JSONBody[schemas.LoanExtension],
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        purpose: NamedDependency[Purpose],
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
        operation_id="listOverdueLoans",
        responses=API_ERRORS,
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_FOLLOW_UP),
    )
    async def overdue(
        self,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        purpose: NamedDependency[Purpose],
    ) -> list[schemas.OverdueLoanOut]:
        """Loans past their due date that have not come back, the longest overdue first."""
        return [overdue_out(row) for row in await overdue_loans(engine, request.user, purpose=purpose)]


async def _read_png(upload: UploadFile) -> bytes:
    data: bytes = await upload.read(MAX_BYTES + 1)
    await upload.close()
    return data
