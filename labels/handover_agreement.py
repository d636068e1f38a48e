"""Handover certificate (a gift: ownership passes) or loan agreement (due date, return) for the client."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from labels.document_model import Block, Document, Fields, Heading, Signatures, Signer, Table, Text
from labels.document_pdf import render_document
from labels.document_styles import LARGE_TEXT_SCALE
from labels.document_text import make_document
from labels.locale_format import format_day
from labels.records import CertificateMark, Device, Issuer, require_text
from labels.translation import DEFAULT_LANGUAGE, check_language, translator


class AgreementKind(StrEnum):
    """Whether the device is given or lent."""

    GIFT = "gift"
    LOAN = "loan"


@dataclass(frozen=True)
class SupportContact:
    """Where to get digital support, e.g. ("Digituki Joensuu", "Tue 10–14, Siltakatu 2, 013 123 4567")."""

    name: str
    details: str


@dataclass(frozen=True)
class HandoverAgreement:
    """A device given or lent to a client; ``terms`` and the support text are the organisation's own,
    already in the client's language. Signatures are PNG images, or None for a line to sign on paper.
    """

    mark: CertificateMark
    kind: AgreementKind
    client_name: str
    client_code: str
    device: Device
    handed_over_on: date
    counsellor_name: str
    organisation: str
    site_name: str
    accessories: tuple[str, ...] = ()
    due_on: date | None = None
    terms: tuple[str, ...] = ()
    support_text: str = ""
    support_contacts: tuple[SupportContact, ...] = ()
    client_signature_png: bytes | None = None
    counsellor_signature_png: bytes | None = None

    issuer: Issuer | None = None  # address, business ID and contacts of the organisation

    def __post_init__(self) -> None:
        require_text(self.client_name, "The client's name")
        require_text(self.client_code, "The client code")
        require_text(self.counsellor_name, "The counsellor's name")
        require_text(self.organisation, "The organisation")
        if self.kind is AgreementKind.LOAN:
            if self.due_on is None:
                raise ValueError("A loan agreement needs the date by which the device is returned.")
            if self.due_on <= self.handed_over_on:
                raise ValueError("A loan's due date must come after the day the device is handed over.")
        elif self.due_on is not None:
            raise ValueError("A gift has no due date: the device becomes the client's own.")


def _standard_terms(agreement: HandoverAgreement, language: str) -> list[str]:
    _ = translator(language)
    handed = format_day(agreement.handed_over_on, language)
    if agreement.kind is AgreementKind.GIFT:
        return [
            _(
                "The device is given to the client as a gift. Ownership passes to the client on {date}."
            ).format(date=handed),
            _(
                "The device is used equipment: its earlier data has been erased and it has been reinstalled. "
                "It is given as it is, without warranty."
            ),
        ]
    due = format_day(agreement.due_on, language) if agreement.due_on else ""
    return [
        _(
            "The device is lent to the client from {start} until {due}. It remains the property of {owner}."
        ).format(start=handed, due=due, owner=agreement.organisation),
        _(
            "Return the device with its accessories to {site} by the due date, "
            "or agree on a new date with your counsellor."
        ).format(site=agreement.site_name),
        _("Every returned device is erased: save your own files elsewhere before you return it."),
        _("Tell your counsellor at once if the device is lost or damaged."),
    ]


def handover_document(agreement: HandoverAgreement, language: str = DEFAULT_LANGUAGE) -> Document:
    """The agreement's text in the client's ``language`` (fi, sv or en), as a document ready to lay out."""
    _ = translator(check_language(language))
    gift = agreement.kind is AgreementKind.GIFT
    device = agreement.device
    handed = format_day(agreement.handed_over_on, language)
    blocks: list[Block] = [
        Heading(_("Client")),
        Fields(((_("Name"), agreement.client_name), (_("Client code"), agreement.client_code))),
        Heading(_("Device")),
        Fields(
            (
                *device.rows(_),
                (_("Accessories"), ", ".join(agreement.accessories) or _("None")),
                (_("Handed over on"), handed),
                *(
                    ()
                    if gift or agreement.due_on is None
                    else ((_("Return by"), format_day(agreement.due_on, language)),)
                ),
            )
        ),
        Heading(_("Terms")),
        *(Text(term) for term in (*_standard_terms(agreement, language), *agreement.terms)),
    ]
    if agreement.support_text.strip() or agreement.support_contacts:
        blocks.append(Heading(_("Where to get digital support")))
        if agreement.support_text.strip():
            blocks.append(Text(agreement.support_text))
        if agreement.support_contacts:
            blocks.append(
                Table(
                    columns=(_("Support"), _("Contact details")),
                    rows=tuple((contact.name, contact.details) for contact in agreement.support_contacts),
                    widths=(1.0, 2.0),
                )
            )
    blocks.append(
        Signatures(
            (
                Signer(_("Client"), agreement.client_name, handed, agreement.client_signature_png),
                Signer(
                    _("Counsellor"), agreement.counsellor_name, handed, agreement.counsellor_signature_png
                ),
            )
        )
    )
    return make_document(
        title=_("Handover certificate") if gift else _("Loan agreement"),
        subtitle=f"{agreement.organisation}, {agreement.site_name}"
        if agreement.site_name
        else agreement.organisation,
        language=language,
        created=agreement.handed_over_on,
        mark=agreement.mark,
        blocks=blocks,
        issuer=agreement.issuer,
    )


def render_handover_agreement(
    agreement: HandoverAgreement, language: str = DEFAULT_LANGUAGE, large_text: bool = False
) -> bytes:
    """Render the handover certificate or loan agreement to PDF bytes in the client's language, in
    large text for a client who needs it."""
    document = handover_document(agreement, language)
    scale = LARGE_TEXT_SCALE if large_text else 1.0
    return render_document(dataclasses.replace(document, text_scale=scale))
