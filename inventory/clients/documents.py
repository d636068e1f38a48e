"""The client's documents as PDFs in the client's language: the handover certificate or loan agreement,
and the orientation certificate. Each print is written to the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import labels
from inventory.accounts.tables import User
from inventory.actors import Actor
from inventory.clients.choices import ACCESSORY_LABELS, Accessory, Accommodation
from inventory.clients.handovers import load_handover
from inventory.clients.orientation import missing_parts, orientation_status
from inventory.clients.orientation_sessions import sessions_of
from inventory.clients.rows import ClientRow
from inventory.clients.scope import reach_client
from inventory.clients.tables import Handover
from inventory.clock import HELSINKI, today
from inventory.database import AnyEngine, write_transaction
from inventory.devices.tables import Device
from inventory.documents.issuing import issue
from inventory.documents.summary import build_summary
from inventory.documents.tables import IssuedDocument
from inventory.errors import Conflict
from inventory.i18n import N_, gettext
from inventory.permissions import Permission
from inventory.privacy.access_log import log_access, record_access
from inventory.privacy.choices import AccessAction, Purpose
from inventory.settings import Settings
from inventory.topics import TOPICS

ERASED = N_("This client's personal data has been erased, so the document can no longer be printed.")
SUPPORT_TEXT = N_(
    "For help with the device and with digital services, contact your counsellor {counsellor} at {site}. "
    "Bring the device and its accessories with you."
)


@dataclass(frozen=True)
class RenderedDocument:
    """A PDF ready to send, with a file name that names no person."""

    filename: str
    content: bytes


def organisation(settings: Settings) -> str:
    """The organisation printed on documents (a blank setting prints the service's own name)."""
    return settings.organisation_name.strip() or "Kierto"


def verification_url(settings: Settings, code: str) -> str:
    """The public page that checks a document's verification code."""
    return f"{settings.base_url}/verify/{quote(code, safe='')}"


def accessory_name(value: str, language: str) -> str:
    """An accessory's name in the client's language (typed-in names stay as they are)."""
    try:
        return gettext(ACCESSORY_LABELS[Accessory(value)], language)
    except ValueError:
        return value


async def _verification_code(number: str) -> str:
    row = await IssuedDocument.select(IssuedDocument.code).where(IssuedDocument.number == number).first()
    if row is None:  # pragma: no cover - the handover and its number are written in one transaction
        raise Conflict(N_("The document's number is missing. Ask an administrator."))
    return str(row["code"])


async def handover_document(
    engine: AnyEngine,
    handover_id: int,
    actor: Actor,
    settings: Settings,
    purpose: Purpose = Purpose.DOCUMENT,
) -> RenderedDocument:
    """The handover certificate (gift) or loan agreement, with the signatures if signed on screen."""
    row, client = await load_handover(
        engine, handover_id, actor, purpose, AccessAction.PRINT, permission=Permission.CLIENT_READ
    )
    if client.anonymised_at is not None:
        raise Conflict(ERASED)
    signatures = (
        await Handover.select(Handover.client_signature, Handover.counsellor_signature)
        .where(Handover.id == handover_id)
        .first()
    )
    assert signatures is not None
    device = (
        await Device.select(Device.make, Device.model, Device.serial, Device.site.name.as_alias("site_name"))
        .where(Device.id == row["device"])
        .first()
    )
    assert device is not None
    code = await _verification_code(row["document_number"])
    language = client.language
    agreement = labels.HandoverAgreement(
        mark=labels.CertificateMark(row["document_number"], code, verification_url(settings, code)),
        kind=labels.AgreementKind(row["kind"]),
        client_name=client.full_name,
        client_code=client.code,
        device=labels.Device(row["asset_tag"], device["make"], device["model"], device["serial"] or ""),
        handed_over_on=row["handed_over_on"],
        counsellor_name=row["counsellor_name"],
        organisation=organisation(settings),
        site_name=device["site_name"],
        accessories=tuple(accessory_name(a, language) for a in row["accessories"]),
        due_on=row["due_on"],
        support_text=gettext(SUPPORT_TEXT, language).format(
            counsellor=row["counsellor_name"], site=device["site_name"]
        ),
        client_signature_png=signatures["client_signature"],
        counsellor_signature_png=signatures["counsellor_signature"],
    )
    content = labels.render_handover_agreement(agreement, language, needs_large_text(client))
    await log_access(engine, actor, AccessAction.PRINT, [client.id], purpose, detail=row["document_number"])
    return RenderedDocument(f"{row['document_number']}.pdf", content)


async def _issuer_name(number: str, fallback: str) -> str:
    """The name of the person who first issued the document, so that reprints name the same person."""
    issued = (
        await IssuedDocument.select(IssuedDocument.issued_by).where(IssuedDocument.number == number).first()
    )
    username = str(issued["issued_by"]).removeprefix("user:") if issued else ""
    row = await User.select(User.display_name).where(User.username == username).first()
    return str(row["display_name"]) if row else fallback


async def orientation_certificate(
    engine: AnyEngine,
    client_id: int,
    actor: Actor,
    settings: Settings,
    purpose: Purpose = Purpose.DOCUMENT,
) -> RenderedDocument:
    """The orientation certificate, once the orientation is complete; printing again gives the same document."""
    client = await reach_client(engine, actor, client_id, purpose, AccessAction.PRINT)
    if client.anonymised_at is not None:
        raise Conflict(ERASED)
    status = await orientation_status(client_id, settings)
    if not status.complete or not status.sessions:
        raise Conflict(
            N_("The orientation is not complete yet. Still missing: {missing}."),
            {"missing": "; ".join(missing_parts(status)) or gettext(N_("sessions"))},
        )
    async with write_transaction(engine):
        summary = build_summary(
            date=today().isoformat(),
            sessions=status.sessions,
            minutes=status.minutes,
            organisation=organisation(settings),
        )
        issued = await issue(
            "orientation_certificate",
            f"client:{client_id}",
            {"date": today().isoformat(), "summary": summary},
            actor,
            settings.resolved_secret_key(),
        )
        await record_access(actor, AccessAction.PRINT, [client_id], purpose, detail=issued.number)
    issued_on = issued.issued_at.astimezone(HELSINKI).date()
    language = client.language
    sessions = await sessions_of(client_id, held_until=issued_on)
    if not sessions:
        raise Conflict(
            N_("The certificate lists the sessions held before it was issued, and there are none.")
        )
    counsellor = await _issuer_name(issued.number, actor.display_name or organisation(settings))
    certificate = labels.OrientationCertificate(
        mark=labels.CertificateMark(issued.number, issued.code, verification_url(settings, issued.code)),
        client_name=client.full_name,
        client_code=client.code,
        organisation=organisation(settings),
        counsellor_name=counsellor,
        issued_on=issued_on,
        sessions=tuple(
            labels.OrientationSession(
                held_on=session["held_on"],
                topics=tuple(_topic(topic, language) for topic in session["topics"]),
                minutes=session["minutes"],
                counsellor=session["counsellor_name"] or "",
            )
            for session in sessions
        ),
    )
    content = labels.render_orientation_certificate(certificate, language, needs_large_text(client))
    return RenderedDocument(f"{issued.number}.pdf", content)


def needs_large_text(client: ClientRow) -> bool:
    """Whether the client's documents are printed in large text (their chosen accommodations say so)."""
    return Accommodation.LARGE_TEXT.value in (client.accommodations or [])


def _topic(code: str, language: str) -> str:
    return gettext(TOPICS[code], language) if code in TOPICS else code
