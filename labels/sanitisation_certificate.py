"""Certificate of sanitisation for one erasure, after NIST SP 800-88 Rev. 1 Appendix G, listing every disk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from labels.document_model import Block, Document, Fields, Heading, Signatures, Signer, Table, Text
from labels.document_pdf import render_document
from labels.document_text import make_document
from labels.locale_format import format_day, format_size
from labels.records import CertificateMark, Device, require_text
from labels.sanitisation_terms import (
    CATEGORY_CAPTIONS,
    DESTINATION_CAPTIONS,
    DESTRUCTION_CAPTIONS,
    MEDIA_CAPTIONS,
    TECHNIQUE_CAPTIONS,
    VERIFICATION_CAPTIONS,
    DestructionMethod,
    MediaDestination,
    MediaType,
    SanitisationCategory,
    SanitisationTechnique,
    VerificationMethod,
)
from labels.translation import DEFAULT_LANGUAGE, check_language, translator


@dataclass(frozen=True)
class Disk:
    """One storage device inside the device; ``size_bytes`` is None when unknown."""

    make: str
    model: str
    serial: str
    media_type: MediaType
    size_bytes: int | None = None

    def __post_init__(self) -> None:
        require_text(self.serial, "A disk's serial number")
        if self.size_bytes is not None and self.size_bytes < 0:
            raise ValueError(f"The size of disk {self.serial} cannot be negative.")


@dataclass(frozen=True)
class DiskDestruction:
    """A disk destroyed physically: by whom, witnessed by whom, when and how."""

    destroyed_by: str
    witness: str
    destroyed_on: date
    method: DestructionMethod

    def __post_init__(self) -> None:
        require_text(self.destroyed_by, "The person who destroyed the disk")
        require_text(self.witness, "The witness of the destruction")
        if self.destroyed_by.strip().casefold() == self.witness.strip().casefold():
            raise ValueError(
                "The witness of a disk's destruction must be someone other than who destroyed it."
            )


@dataclass(frozen=True)
class DiskSanitisation:
    """What was done to one disk: cleared or purged with a technique, or destroyed."""

    disk: Disk
    category: SanitisationCategory
    technique: SanitisationTechnique | None = None
    destruction: DiskDestruction | None = None

    def __post_init__(self) -> None:
        if self.category is SanitisationCategory.DESTROY:
            if self.destruction is None or self.technique is not None:
                raise ValueError(
                    f"Disk {self.disk.serial} is recorded as destroyed: give who destroyed it "
                    "and the witness, and no erasure technique."
                )
        elif self.technique is None or self.destruction is not None:
            raise ValueError(
                f"Disk {self.disk.serial} is recorded as cleared or purged: give the technique used "
                "and no destruction."
            )


@dataclass(frozen=True)
class VerificationResult:
    """How the sanitisation was verified, whether it passed, and by whom and when if re-verified."""

    method: VerificationMethod
    passed: bool
    details: str = ""


@dataclass(frozen=True)
class Reverification:
    """An independent re-verification by someone other than who sanitised the media."""

    verified_by: str
    verified_on: date
    passed: bool
    method: VerificationMethod | None = None

    def __post_init__(self) -> None:
        require_text(self.verified_by, "The person who re-verified the sanitisation")


@dataclass(frozen=True)
class SanitisationCertificate:
    """Everything a certificate of sanitisation states about one erasure."""

    mark: CertificateMark
    performed_by: str
    organisation: str
    sanitised_on: date
    device: Device
    source: str
    disks: tuple[DiskSanitisation, ...]
    verification: VerificationResult
    destination: MediaDestination
    tool: str = ""
    tool_version: str = ""
    location: str = ""
    destination_details: str = ""
    reverification: Reverification | None = None
    notes: str = ""

    def __post_init__(self) -> None:
        require_text(self.performed_by, "The person who sanitised the media")
        require_text(self.organisation, "The organisation")
        require_text(self.source, "The source (donor) of the device")
        if not self.disks:
            raise ValueError("A certificate of sanitisation must list at least one disk.")
        erased = any(entry.category is not SanitisationCategory.DESTROY for entry in self.disks)
        if erased and not self.tool.strip():
            raise ValueError("The tool used to erase the disks (and its version) is missing.")


def _disk_rows(certificate: SanitisationCertificate, language: str) -> tuple[tuple[str, ...], ...]:
    _ = translator(language)
    rows = []
    for entry in certificate.disks:
        disk = entry.disk
        if entry.destruction is not None:
            technique = _(DESTRUCTION_CAPTIONS[entry.destruction.method])
        else:
            technique = _(TECHNIQUE_CAPTIONS[entry.technique]) if entry.technique else ""
        size = format_size(disk.size_bytes, language) if disk.size_bytes is not None else _("Unknown")
        rows.append(
            (
                f"{disk.make} {disk.model}".strip(),
                disk.serial,
                size,
                _(MEDIA_CAPTIONS[disk.media_type]),
                _(CATEGORY_CAPTIONS[entry.category]),
                technique,
            )
        )
    return tuple(rows)


def _destructions(certificate: SanitisationCertificate, language: str) -> list[Block]:
    _ = translator(language)
    blocks: list[Block] = []
    for entry in certificate.disks:
        if entry.destruction is None:
            continue
        destruction = entry.destruction
        text = _(
            "Disk {serial} was physically destroyed ({method}) on {date} by {person}, witnessed by {witness}."
        ).format(
            serial=entry.disk.serial,
            method=_(DESTRUCTION_CAPTIONS[destruction.method]).lower(),
            date=format_day(destruction.destroyed_on, language),
            person=destruction.destroyed_by,
            witness=destruction.witness,
        )
        blocks.append(Text(text))
    return blocks


def _verification_rows(certificate: SanitisationCertificate, language: str) -> list[tuple[str, str]]:
    _ = translator(language)
    verification = certificate.verification
    result = _("Passed") if verification.passed else _("Failed")
    if verification.details.strip():
        result = f"{result}: {verification.details}"
    rows = [
        (
            _("Tool and version"),
            " ".join(part for part in (certificate.tool, certificate.tool_version) if part),
        ),
        (_("Verification method"), _(VERIFICATION_CAPTIONS[verification.method])),
        (_("Verification result"), result),
    ]
    again = certificate.reverification
    if again is not None:
        outcome = _("Passed") if again.passed else _("Failed")
        method = f" ({_(VERIFICATION_CAPTIONS[again.method]).lower()})" if again.method else ""
        rows.append(
            (
                _("Independent re-verification"),
                f"{again.verified_by}, {format_day(again.verified_on, language)}{method}: {outcome}",
            )
        )
    destination = _(DESTINATION_CAPTIONS[certificate.destination])
    if certificate.destination_details.strip():
        destination = f"{destination}: {certificate.destination_details}"
    rows.append((_("Destination after sanitisation"), destination))
    if certificate.notes.strip():
        rows.append((_("Notes"), certificate.notes))
    return rows


def sanitisation_document(certificate: SanitisationCertificate, language: str = DEFAULT_LANGUAGE) -> Document:
    """The certificate's text in ``language`` (fi, sv or en), as a document ready to lay out."""
    _ = translator(check_language(language))
    device = certificate.device
    blocks: list[Block] = [
        Heading(_("Person and organisation")),
        Fields(
            (
                (_("Sanitised by"), certificate.performed_by),
                (_("Organisation"), certificate.organisation),
                (_("Location"), certificate.location),
                (_("Date of sanitisation"), format_day(certificate.sanitised_on, language)),
            )
        ),
        Heading(_("Device")),
        Fields(
            (
                (_("Asset tag"), device.asset_tag),
                (_("Make"), device.make),
                (_("Model"), device.model),
                (_("Serial number"), device.serial),
                (_("Source (donor)"), certificate.source),
            )
        ),
        Heading(_("Storage media")),
        Table(
            columns=(
                _("Make and model"),
                _("Serial number"),
                _("Size"),
                _("Type"),
                _("Category"),
                _("Technique"),
            ),
            rows=_disk_rows(certificate, language),
            widths=(2.0, 1.7, 1.0, 1.2, 1.4, 1.4),
        ),
        *_destructions(certificate, language),
        Heading(_("Sanitisation and verification")),
        Fields(tuple(_verification_rows(certificate, language))),
        Text(
            _(
                "I certify that the storage media listed above were sanitised as described, "
                "following NIST SP 800-88 Rev. 1."
            )
        ),
        Signatures(
            (
                Signer(
                    _("Sanitised by"),
                    certificate.performed_by,
                    format_day(certificate.sanitised_on, language),
                ),
                *(
                    (Signer(_("Re-verified by"), again.verified_by, format_day(again.verified_on, language)),)
                    if (again := certificate.reverification)
                    else ()
                ),
            )
        ),
    ]
    return make_document(
        title=_("Certificate of sanitisation"),
        subtitle=_("Media sanitisation after NIST SP 800-88 Rev. 1, Appendix G"),
        language=language,
        created=certificate.sanitised_on,
        mark=certificate.mark,
        blocks=blocks,
    )


def render_sanitisation_certificate(
    certificate: SanitisationCertificate, language: str = DEFAULT_LANGUAGE
) -> bytes:
    """Render the certificate of sanitisation to PDF bytes in ``language`` (Finnish by default)."""
    return render_document(sanitisation_document(certificate, language))
