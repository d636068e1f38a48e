"""Handing over or lending on the counsellor's pages: signing first, then the record.

The handover form only shows the agreement to sign, naming the device and the client. Nothing is
recorded until both have signed on screen, or the printed agreement was signed on paper and that was
confirmed. A missing signature is named, and the pad that was signed keeps its signature.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.clients.choices import Accessory, HandoverKind
from inventory.clients.handovers import (
    HandoverRequest,
    Signing,
    hand_over_signed,
    preview_hand_over,
    read_handover,
    record_paper_signing,
    record_signatures,
)
from inventory.clients.pages.client_page import error_context, notice, page_labels
from inventory.clients.pages.forms import many, parse_date
from inventory.clients.records import ClientRecord, read_client
from inventory.clients.route_options import NO_STORE, PURPOSE, ClientIdPath, PurposeDependency, route_opt
from inventory.clients.signatures import clean_signature, png_from_data_url
from inventory.clock import today
from inventory.database import AnyEngine
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.devices.queries import get_device
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import N_, gettext
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.privacy.choices import Purpose
from inventory.web import Page

SIGNATURE_PADS = {
    "client_signature": N_("The client's signature"),
    "counsellor_signature": N_("The counsellor's signature"),
}


@dataclass
class HandoverForm:
    """A handover or a loan."""

    asset_tag: str = ""
    kind: str = "gift"
    due_on: str = ""
    accessories: list[str] | str = field(default_factory=list)
    other_accessories: str = ""
    override_reason: str = ""


@dataclass
class SignForm:
    """The two signatures as data URLs from the signing canvases."""

    client_signature: str = ""
    counsellor_signature: str = ""


@dataclass
class HandoverSigningForm(HandoverForm):
    """The handover carried on the signing page, with the two signatures."""

    client_signature: str = ""
    counsellor_signature: str = ""


@dataclass
class ConfirmForm(HandoverForm):
    """The handover carried to the confirmation that the printed agreement was signed."""

    confirmed: str = ""


@dataclass(frozen=True)
class DrawnSignatures:
    """Each pad's signature checked: the PNGs, the drawings to keep on their pads, and what is wrong."""

    pngs: dict[str, bytes]
    kept: dict[str, str]
    errors: dict[str, str]


def drawn_signatures(form: SignForm | HandoverSigningForm) -> DrawnSignatures:
    """Check both pads; each missing or unreadable signature is named, a good one is kept for the pad."""
    pngs: dict[str, bytes] = {}
    kept: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, label in SIGNATURE_PADS.items():
        text = str(getattr(form, name))
        try:
            pngs[name] = clean_signature(png_from_data_url(text, name), name)
            kept[name] = text
        except InvalidInput as refused:
            errors[name] = f"{gettext(label)}: {refused.text()}"
    return DrawnSignatures(pngs, kept, errors)


def _request(form: HandoverForm) -> HandoverRequest:
    try:
        kind = HandoverKind(form.kind)
    except ValueError as error:
        raise InvalidInput("kind", N_("Choose a gift or a loan.")) from error
    other = [part.strip() for part in form.other_accessories.split(",") if part.strip()]
    return HandoverRequest(
        asset_tag=form.asset_tag.strip()[:40],
        kind=kind,
        due_on=parse_date(form.due_on, "due_on") if kind is HandoverKind.LOAN else None,
        accessories=(*many(form.accessories), *other),
        override_reason=form.override_reason.strip() or None,
    )


class HandoverPages(Controller):
    """/clients/{id}/handover and /handovers/{id}/sign: the agreement signed, then recorded."""

    path = "/"
    include_in_schema = False
    dependencies = PURPOSE
    cache_control = NO_STORE
    opt = route_opt(Permission.DEVICE_ALLOCATE, Purpose.HANDOVER)

    async def _handover_page(
        self,
        request: Request[Actor, Any, Any],
        record: ClientRecord,
        form: HandoverForm,
        error: DomainError | None = None,
    ) -> Template:
        return Page(
            "clients/handover.html",
            context={
                "record": record,
                "client": record.client,
                "form": form,
                "reservation": record.open_reservation,
                "may_override": request.user.may(Permission.GUARD_OVERRIDE),
                "default_due": (today() + dt.timedelta(days=90)).isoformat(),
                **error_context(error),
                **page_labels(),
            },
            status_code=error.status_code if error else 200,
        )

    async def _signing_page(
        self,
        record: ClientRecord,
        form: HandoverForm,
        wanted: HandoverRequest,
        drawn: DrawnSignatures | None = None,
        confirm_paper: bool = False,
    ) -> Template:
        """The agreement to sign, naming the device and the client; nothing is recorded yet."""
        return Page(
            "clients/handover_sign.html",
            context={
                "client": record.client,
                "device": await get_device(wanted.asset_tag),
                "form": form,
                "wanted": wanted,
                "sign_errors": drawn.errors if drawn else {},
                "kept": drawn.kept if drawn else {},
                "confirm_paper": confirm_paper,
                "SIGNATURE_PADS": SIGNATURE_PADS,
                **page_labels(),
            },
            status_code=422 if drawn and drawn.errors else 200,
        )

    @get("/clients/{client_id:int}/handover")
    async def handover_form(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Template:
        """Give or lend the reserved device: accessories, due date and, for coordinators, an override."""
        record = await read_client(engine, client_id, request.user, settings, purpose)
        reservation = record.open_reservation
        return await self._handover_page(
            request,
            record,
            HandoverForm(
                asset_tag=reservation["asset_tag"] if reservation else "",
                accessories=[Accessory.CHARGER.value],
            ),
        )

    @post(
        "/clients/{client_id:int}/handover",
        status_code=200,
    )
    async def handover(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        data: URLEncodedBody[HandoverForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Template:
        """Check the handover and show the agreement to sign; nothing is recorded yet."""
        record = await read_client(engine, client_id, request.user, settings, purpose)
        try:
            wanted = _request(data)
            await preview_hand_over(engine, client_id, wanted, request.user, settings, purpose)
        except DomainError as error:
            return await self._handover_page(request, record, data, error)
        return await self._signing_page(record, data, wanted)

    @post(
        "/clients/{client_id:int}/handover/signed",
        status_code=303,
    )
    async def signed(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        data: URLEncodedBody[HandoverSigningForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Both signed on screen: record the gift or loan with the signatures."""
        record = await read_client(engine, client_id, request.user, settings, purpose)
        try:
            wanted = _request(data)
            drawn = drawn_signatures(data)
            if drawn.errors:
                return await self._signing_page(record, data, wanted, drawn)
            signing = Signing(drawn.pngs["client_signature"], drawn.pngs["counsellor_signature"])
            handover_id = await hand_over_signed(
                engine, client_id, wanted, signing, request.user, settings, purpose
            )
        except DomainError as error:
            return await self._handover_page(request, record, data, error)
        return Redirect(path=f"/handovers/{handover_id}/sign?done=signed", status_code=303)

    @post(
        "/clients/{client_id:int}/handover/paper",
        status_code=303,
    )
    async def signed_on_paper(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        data: URLEncodedBody[ConfirmForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """The printed agreement was signed: once confirmed, record the gift or loan as signed on paper."""
        record = await read_client(engine, client_id, request.user, settings, purpose)
        try:
            wanted = _request(data)
            if data.confirmed != "yes":
                await preview_hand_over(engine, client_id, wanted, request.user, settings, purpose)
                return await self._signing_page(record, data, wanted, confirm_paper=True)
            handover_id = await hand_over_signed(
                engine, client_id, wanted, Signing(on_paper=True), request.user, settings, purpose
            )
        except DomainError as error:
            return await self._handover_page(request, record, data, error)
        return Redirect(path=f"/handovers/{handover_id}/sign?done=paper", status_code=303)

    async def _sign_page(
        self,
        request: Request[Actor, Any, Any],
        handover_id: int,
        engine: AnyEngine,
        purpose: Purpose,
        error: DomainError | None = None,
        drawn: DrawnSignatures | None = None,
        confirm_paper: bool = False,
    ) -> Template:
        handover = await read_handover(engine, handover_id, request.user, purpose)
        return Page(
            "clients/sign.html",
            context={
                "handover": handover,
                "device": await get_device(handover["asset_tag"]),
                "notice": None if error or drawn else notice(request),
                "sign_errors": drawn.errors if drawn else {},
                "kept": drawn.kept if drawn else {},
                "confirm_paper": confirm_paper,
                "SIGNATURE_PADS": SIGNATURE_PADS,
                **error_context(error),
                **page_labels(),
            },
            status_code=error.status_code if error else 422 if drawn else 200,
        )

    @get("/handovers/{handover_id:int}/sign")
    async def sign_form(
        self,
        request: Request[Actor, Any, Any],
        handover_id: RecordIdPath,
        engine: EngineDependency,
        purpose: PurposeDependency,
    ) -> Template:
        """A recorded agreement: its signatures, or signing it now if it was recorded unsigned (API)."""
        return await self._sign_page(request, handover_id, engine, purpose)

    @post(
        "/handovers/{handover_id:int}/sign",
        status_code=303,
    )
    async def sign(
        self,
        request: Request[Actor, Any, Any],
        handover_id: RecordIdPath,
        data: URLEncodedBody[SignForm],
        engine: EngineDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Save both signatures; a missing one is named and the other stays on its pad."""
        drawn = drawn_signatures(data)
        if drawn.errors:
            return await self._sign_page(request, handover_id, engine, purpose, drawn=drawn)
        try:
            await record_signatures(
                engine,
                handover_id,
                drawn.pngs["client_signature"],
                drawn.pngs["counsellor_signature"],
                request.user,
                purpose,
            )
        except DomainError as error:
            return await self._sign_page(request, handover_id, engine, purpose, error)
        return Redirect(path=f"/handovers/{handover_id}/sign?done=signed", status_code=303)

    @post(
        "/handovers/{handover_id:int}/paper",
        status_code=303,
    )
    async def paper(
        self,
        request: Request[Actor, Any, Any],
        handover_id: RecordIdPath,
        data: URLEncodedBody[ConfirmForm],
        engine: EngineDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Record that the printed copy was signed on paper, once confirmed."""
        if data.confirmed != "yes":
            return await self._sign_page(request, handover_id, engine, purpose, confirm_paper=True)
        try:
            await record_paper_signing(engine, handover_id, request.user, purpose)
        except DomainError as error:
            return await self._sign_page(request, handover_id, engine, purpose, error)
        return Redirect(path=f"/handovers/{handover_id}/sign?done=paper", status_code=303)
