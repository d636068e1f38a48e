"""Orientation certificate for the client: the topics covered, the sessions and the time spent."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from labels.document_model import Block, Document, Fields, Heading, Signatures, Signer, Table, Text
from labels.document_pdf import render_document
from labels.document_styles import LARGE_TEXT_SCALE
from labels.document_text import make_document
from labels.locale_format import format_day, format_duration
from labels.records import CertificateMark, Issuer, require_text
from labels.translation import DEFAULT_LANGUAGE, check_language, translator


@dataclass(frozen=True)
class OrientationSession:
    """One guided session: its date, the topics (in the client's language) and its length in minutes."""

    held_on: date
    topics: tuple[str, ...]
    minutes: int
    counsellor: str = ""

    def __post_init__(self) -> None:
        if self.minutes <= 0:
            raise ValueError(
                f"The orientation session on {self.held_on.isoformat()} needs a positive length."
            )
        if not any(topic.strip() for topic in self.topics):
            raise ValueError(
                f"The orientation session on {self.held_on.isoformat()} needs at least one topic."
            )


@dataclass(frozen=True)
class OrientationCertificate:
    """A client's completed digital orientation."""

    mark: CertificateMark
    client_name: str
    client_code: str
    organisation: str
    counsellor_name: str
    issued_on: date
    sessions: tuple[OrientationSession, ...]

    issuer: Issuer | None = None  # address, business ID and contacts of the organisation

    def __post_init__(self) -> None:
        require_text(self.client_name, "The client's name")
        require_text(self.organisation, "The organisation")
        require_text(self.counsellor_name, "The counsellor's name")
        if not self.sessions:
            raise ValueError("An orientation certificate must list at least one session.")

    @property
    def total_minutes(self) -> int:
        """The time spent in all sessions together."""
        return sum(session.minutes for session in self.sessions)

    @property
    def topics_covered(self) -> tuple[str, ...]:
        """Every topic once, in the order first covered."""
        seen: dict[str, None] = {}
        for session in sorted(self.sessions, key=lambda session: session.held_on):
            for topic in session.topics:
                if topic.strip():
                    seen.setdefault(topic.strip(), None)
        return tuple(seen)


def orientation_document(certificate: OrientationCertificate, language: str = DEFAULT_LANGUAGE) -> Document:
    """The certificate's text in the client's ``language`` (fi, sv or en), as a document ready to lay out."""
    _ = translator(check_language(language))
    sessions = sorted(certificate.sessions, key=lambda session: session.held_on)
    total = format_duration(certificate.total_minutes, language)
    rows = tuple(
        (
            format_day(session.held_on, language),
            ", ".join(topic.strip() for topic in session.topics if topic.strip()),
            session.counsellor or certificate.counsellor_name,
            format_duration(session.minutes, language),
        )
        for session in sessions
    )
    blocks: list[Block] = [
        Fields(
            (
                (_("Client"), certificate.client_name),
                (_("Client code"), certificate.client_code),
                (_("Organisation"), certificate.organisation),
            )
        ),
        Text(
            _(
                "{client} has completed a personal digital orientation. "
                "Sessions: {count}; time spent in all: {total}."
            ).format(client=certificate.client_name, count=len(sessions), total=total)
        ),
        Heading(_("Topics covered")),
        Text("\n".join(f"• {topic}" for topic in certificate.topics_covered)),
        Heading(_("Sessions")),
        Table(
            columns=(_("Date"), _("Topics"), _("Counsellor"), _("Time")),
            rows=(*rows, ("", "", _("Total time"), total)),
            widths=(1.0, 3.0, 1.5, 1.0),
        ),
        Signatures(
            (
                Signer(
                    _("Counsellor"), certificate.counsellor_name, format_day(certificate.issued_on, language)
                ),
            )
        ),
    ]
    return make_document(
        title=_("Orientation certificate"),
        subtitle=certificate.organisation,
        language=language,
        created=certificate.issued_on,
        mark=certificate.mark,
        blocks=blocks,
        issuer=certificate.issuer,
    )


def render_orientation_certificate(
    certificate: OrientationCertificate, language: str = DEFAULT_LANGUAGE, large_text: bool = False
) -> bytes:
    """Render the orientation certificate to PDF bytes in the client's language, in large text for a
    client who needs it."""
    document = orientation_document(certificate, language)
    scale = LARGE_TEXT_SCALE if large_text else 1.0
    return render_document(dataclasses.replace(document, text_scale=scale))
