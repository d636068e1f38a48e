"""Certificate of sanitisation for one erasure, after NIST SP 800-88 Rev. 1 Appendix G, listing every disk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from labels.document_model import Block, Document, Fields, Heading, Signatures, Signer, Table, Text
from labels.document_pdf import render_document
from labels.document_text import make_document
from labels.locale_format import format_day, format_moment, format_number, format_seconds, format_size
from labels.records import CertificateMark, Device, Issuer, require_text
from labels.sanitisation_terms import (
    CATEGORY_CAPTIONS,
    CONFIDENTIALITY_CAPTIONS,
    DESTINATION_CAPTIONS,
    DESTRUCTION_CAPTIONS,
    HIDDEN_AREA_CAPTIONS,
    MEDIA_CAPTIONS,
    TECHNIQUE_CAPTIONS,
    VERIFICATION_CAPTIONS,
    WARNING_CAPTIONS,
    ConfidentialityCategory,
    DestructionMethod,
    DiskKind,
    ErasureCategory,
    HiddenAreas,
    MediaDestination,
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
    media_type: DiskKind
    size_bytes: int | None = None
    interface: str = ""  # SATA, NVMe, USB, … as the tool or the scan reported it

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
    method: DestructionMethod | None  # None: recorded before the method was asked for
    recycler_reference: str = ""

    def __post_init__(self) -> None:
        require_text(self.destroyed_by, "The person who destroyed the disk")
        require_text(self.witness, "The witness of the destruction")
        if self.destroyed_by.strip().casefold() == self.witness.strip().casefold():
            raise ValueError(
                "The witness of a disk's destruction must be someone other than who destroyed it."
            )


@dataclass(frozen=True)
class ErasureDetail:
    """How one disk was erased, as the tool reported it; None where the tool did not say."""

    method: str
    verification: VerificationMethod
    pattern: str = ""
    rounds: int | None = None
    final_blank: bool | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_seconds: int | None = None
    bytes_erased: int | None = None
    bytes_total: int | None = None
    errors: tuple[int, int, int] | None = None  # write, verification, sync
    hidden_areas: HiddenAreas | None = None


@dataclass(frozen=True)
class DiskSanitisation:
    """What was done to one disk: cleared or purged with a technique, or destroyed."""

    disk: Disk
    category: ErasureCategory
    technique: SanitisationTechnique | None = None
    destruction: DiskDestruction | None = None
    detail: ErasureDetail | None = None

    def __post_init__(self) -> None:
        if self.category is ErasureCategory.DESTROY:
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
class Validation:
    """Who validated (signed off) the sanitisation: name, title and date (Appendix G's "Validation")."""

    name: str
    title: str
    validated_on: date

    def __post_init__(self) -> None:
        require_text(self.name, "The validating person's name")
        require_text(self.title, "The validating person's title")


@dataclass(frozen=True)
class AcceptedWarning:
    """A warning about the sanitisation that a coordinator accepted, with their written reason."""

    warning: str  # a code of WARNING_CAPTIONS
    accepted_by: str
    accepted_on: date
    reason: str


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
    method: str = ""  # the method as recorded, whole
    issuer: Issuer | None = None
    confidentiality_before: ConfidentialityCategory | None = None
    confidentiality_after: ConfidentialityCategory | None = None
    validation: Validation | None = None
    accepted_warning: AcceptedWarning | None = None

    def __post_init__(self) -> None:
        require_text(self.performed_by, "The person who sanitised the media")
        require_text(self.organisation, "The organisation")
        require_text(self.source, "The source (donor) of the device")
        if not self.disks:
            raise ValueError("A certificate of sanitisation must list at least one disk.")
        erased = any(entry.category is not ErasureCategory.DESTROY for entry in self.disks)
        if erased and not self.tool.strip():
            raise ValueError("The tool used to erase the disks (and its version) is missing.")


def _disk_rows(certificate: SanitisationCertificate, language: str) -> tuple[tuple[str, ...], ...]:
    _ = translator(language)
    rows = []
    for entry in certificate.disks:
        disk = entry.disk
        if entry.destruction is not None:
            method = entry.destruction.method
            technique = _(DESTRUCTION_CAPTIONS[method]) if method else _("method not recorded")
        else:
            technique = _(TECHNIQUE_CAPTIONS[entry.technique]) if entry.technique else ""
        size = format_size(disk.size_bytes, language) if disk.size_bytes is not None else _("Unknown")
        media = _(MEDIA_CAPTIONS[disk.media_type])
        rows.append(
            (
                f"{disk.make} {disk.model}".strip(),
                disk.serial,
                size,
                f"{media}, {disk.interface}" if disk.interface else media,
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
        method = (
            _(DESTRUCTION_CAPTIONS[destruction.method]) if destruction.method else _("method not recorded")
        )
        text = _(
            "Disk {serial} was physically destroyed ({method}) on {date} by {person}, witnessed by {witness}."
        ).format(
            serial=entry.disk.serial,
            method=method.lower(),
            date=format_day(destruction.destroyed_on, language),
            person=destruction.destroyed_by,
            witness=destruction.witness,
        )
        if destruction.recycler_reference.strip():
            text += " " + _("Recycler's reference: {reference}.").format(
                reference=destruction.recycler_reference
            )
        blocks.append(Text(text))
    return blocks


def _detail_rows(entry: DiskSanitisation, language: str) -> tuple[tuple[str, str], ...]:
    """The method detail of one erased disk: pattern, rounds, times, bytes, errors, hidden areas."""
    _ = translator(language)
    detail = entry.detail
    assert detail is not None
    method = detail.method
    extras = []
    if detail.pattern:
        extras.append(_("pattern {pattern}").format(pattern=detail.pattern))
    if detail.rounds is not None:
        extras.append(_("{count} round(s)").format(count=detail.rounds))
    if detail.final_blank:
        extras.append(_("final pass of zeros"))
    if extras:
        method = f"{method} ({', '.join(extras)})"
    rows = [(_("Disk"), entry.disk.serial), (_("Method"), method)]
    rows.append((_("Verification"), _(VERIFICATION_CAPTIONS[detail.verification])))
    if detail.started_at is not None:
        rows.append((_("Started"), format_moment(detail.started_at, language)))
    if detail.finished_at is not None:
        rows.append((_("Ended"), format_moment(detail.finished_at, language)))
    duration = detail.duration_seconds
    if duration is None and detail.started_at and detail.finished_at:
        duration = int((detail.finished_at - detail.started_at).total_seconds())
    if duration is not None:
        rows.append((_("Duration"), format_seconds(duration, language)))
    if detail.bytes_erased is not None:
        total = detail.bytes_total if detail.bytes_total is not None else entry.disk.size_bytes
        erased = format_number(detail.bytes_erased, language)
        text = (
            _("{erased} of {total} bytes").format(erased=erased, total=format_number(total, language))
            if total
            else erased
        )
        rows.append((_("Bytes erased"), text))
    if detail.errors is not None:
        write, verify, sync = detail.errors
        rows.append(
            (
                _("Errors"),
                _("{write} write, {verify} verification, {sync} sync").format(
                    write=write, verify=verify, sync=sync
                ),
            )
        )
    if detail.hidden_areas is not None:
        rows.append((_("Hidden areas (HPA/DCO)"), _(HIDDEN_AREA_CAPTIONS[detail.hidden_areas])))
    return tuple(rows)


def _details(certificate: SanitisationCertificate, language: str) -> list[Block]:
    _ = translator(language)
    entries = [entry for entry in certificate.disks if entry.detail is not None]
    if not entries:
        return []
    blocks: list[Block] = [Heading(_("Method detail"))]
    blocks.extend(Fields(_detail_rows(entry, language)) for entry in entries)
    return blocks


def _verification_rows(certificate: SanitisationCertificate, language: str) -> list[tuple[str, str]]:
    _ = translator(language)
    verification = certificate.verification
    result = _("Passed") if verification.passed else _("Failed")
    if verification.details.strip():
        result = f"{result}: {verification.details}"
    rows = []
    if certificate.method.strip():
        rows.append((_("Method"), certificate.method))
    rows += [
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
    if certificate.confidentiality_after is not None:
        rows.append(
            (
                _("Confidentiality category after sanitisation"),
                _(CONFIDENTIALITY_CAPTIONS[certificate.confidentiality_after]),
            )
        )
    destination = _(DESTINATION_CAPTIONS[certificate.destination])
    if certificate.destination_details.strip():
        destination = f"{destination}: {certificate.destination_details}"
    rows.append((_("Destination after sanitisation"), destination))
    if (accepted := certificate.accepted_warning) is not None:
        rows.append(
            (
                _("Warning accepted"),
                _("{warning} Accepted by {person} on {date}: {reason}").format(
                    warning=_(WARNING_CAPTIONS[accepted.warning]),
                    person=accepted.accepted_by,
                    date=format_day(accepted.accepted_on, language),
                    reason=accepted.reason,
                ),
            )
        )
    if certificate.notes.strip():
        rows.append((_("Notes"), certificate.notes))
    return rows


def _issuer_rows(issuer: Issuer | None, language: str) -> tuple[tuple[str, str], ...]:
    _ = translator(language)
    if issuer is None:
        return ()
    rows = (
        (_("Address"), issuer.address),
        (_("Business ID"), issuer.business_id),
        (_("Contact"), issuer.contact()),
    )
    return tuple((label, value) for label, value in rows if value.strip())


def _validation(certificate: SanitisationCertificate, language: str) -> list[Block]:
    _ = translator(language)
    valid = certificate.validation
    if valid is None:
        return []
    return [
        Heading(_("Validation")),
        Fields(
            (
                (_("Validated by"), valid.name),
                (_("Title"), valid.title),
                (_("Date of validation"), format_day(valid.validated_on, language)),
            )
        ),
    ]


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
                *_issuer_rows(certificate.issuer, language),
                (_("Location"), certificate.location),
                (_("Date of sanitisation"), format_day(certificate.sanitised_on, language)),
            )
        ),
        Heading(_("Device")),
        Fields(
            (
                *device.rows(_),
                (_("Source (donor)"), certificate.source),
                *(
                    (
                        (
                            _("Confidentiality category before sanitisation"),
                            _(CONFIDENTIALITY_CAPTIONS[certificate.confidentiality_before]),
                        ),
                    )
                    if certificate.confidentiality_before is not None
                    else ()
                ),
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
        *_details(certificate, language),
        Heading(_("Sanitisation and verification")),
        Fields(tuple(_verification_rows(certificate, language))),
        *_validation(certificate, language),
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
                    (
                        Signer(
                            _("Validated by"),
                            f"{valid.name}, {valid.title}",
                            format_day(valid.validated_on, language),
                        ),
                    )
                    if (valid := certificate.validation)
                    else ()
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
        issuer=certificate.issuer,
    )


def render_sanitisation_certificate(
    certificate: SanitisationCertificate, language: str = DEFAULT_LANGUAGE
) -> bytes:
    """Render the certificate of sanitisation to PDF bytes in ``language`` (Finnish by default)."""
    return render_document(sanitisation_document(certificate, language))
