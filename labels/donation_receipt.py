"""Donation receipt for the donor; with every certificate number filled in it is the final donor report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from labels.document_model import Block, Document, Fields, Heading, Signatures, Signer, Table, Text
from labels.document_pdf import render_document
from labels.document_text import make_document
from labels.locale_format import format_day
from labels.records import CertificateMark, Device, Issuer, require_text
from labels.translation import DEFAULT_LANGUAGE, check_language, translator


@dataclass(frozen=True)
class DonatedDevice:
    """A device received in the donation, with its erasure certificate number once it has one."""

    device: Device
    certificate_number: str = ""


@dataclass(frozen=True)
class DonationReceipt:
    """One donation: who gave what, when, and who received it where."""

    mark: CertificateMark
    donor_name: str
    received_on: date
    organisation: str
    site_name: str
    received_by: str
    devices: tuple[DonatedDevice, ...]
    donor_details: str = ""
    issued_on: date | None = None
    final: bool | None = None

    issuer: Issuer | None = None  # address, business ID and contacts of the organisation

    def __post_init__(self) -> None:
        require_text(self.donor_name, "The donor's name")
        require_text(self.organisation, "The receiving organisation")
        require_text(self.received_by, "The person who received the donation")
        if not self.devices:
            raise ValueError("A donation receipt must list at least one device.")
        if self.final and not all(entry.certificate_number.strip() for entry in self.devices):
            raise ValueError("The final report needs every device's erasure certificate number.")

    @property
    def is_final(self) -> bool:
        """Whether this is the final report: as ``final`` says when given (the service decides when a
        donation is finalised), otherwise when every device has its erasure certificate number."""
        if self.final is not None:
            return self.final
        return all(entry.certificate_number.strip() for entry in self.devices)


def donation_document(receipt: DonationReceipt, language: str = DEFAULT_LANGUAGE) -> Document:
    """The receipt's text in ``language`` (fi, sv or en), as a document ready to lay out."""
    _ = translator(check_language(language))
    certified = sum(1 for entry in receipt.devices if entry.certificate_number.strip())
    total = len(receipt.devices)
    if receipt.is_final:
        title = _("Donation report")
        status = _(
            "The data on every device of this donation has been erased; each certificate is listed below."
        )
    else:
        title = _("Donation receipt")
        status = _(
            "Each device gets a certificate of sanitisation when its data has been erased: "
            "{certified} of {total} so far. You will receive the final report when all are done."
        ).format(certified=certified, total=total)
    pending = _("Pending")
    rows = tuple(
        (
            str(index),
            entry.device.asset_tag,
            entry.device.make,
            entry.device.model,
            entry.device.serial,
            entry.certificate_number.strip() or pending,
        )
        for index, entry in enumerate(receipt.devices, start=1)
    )
    blocks: list[Block] = [
        Fields(
            (
                (_("Donor"), receipt.donor_name),
                *(((_("Donor details"), receipt.donor_details),) if receipt.donor_details.strip() else ()),
                (_("Received on"), format_day(receipt.received_on, language)),
                (_("Received by"), f"{receipt.received_by}, {receipt.organisation}"),
                (_("Site"), receipt.site_name),
                (_("Number of devices"), str(total)),
            )
        ),
        Text(
            _(
                "Thank you for your donation. The devices are erased, refurbished and given or lent "
                "to people who could not otherwise afford a computer."
            )
        ),
        Heading(_("Devices received")),
        Table(
            columns=(
                _("No."),
                _("Asset tag"),
                _("Make"),
                _("Model"),
                _("Serial number"),
                _("Erasure certificate"),
            ),
            rows=rows,
            widths=(0.45, 1.35, 1.1, 1.6, 1.4, 1.5),
        ),
        Text(status),
        Signatures(
            (Signer(_("Received by"), receipt.received_by, format_day(receipt.received_on, language)),)
        ),
    ]
    return make_document(
        title=title,
        subtitle=receipt.organisation,
        language=language,
        created=receipt.issued_on or receipt.received_on,
        mark=receipt.mark,
        blocks=blocks,
        issuer=receipt.issuer,
    )


def render_donation_receipt(receipt: DonationReceipt, language: str = DEFAULT_LANGUAGE) -> bytes:
    """Render the donation receipt (or, with every number filled in, the final report) to PDF bytes."""
    return render_document(donation_document(receipt, language))
