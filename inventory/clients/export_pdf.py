"""The client's data export as a readable PDF in the client's language (A4, DejaVu Sans, signatures shown)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from babel.dates import format_date, format_datetime
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from inventory.accounts.display_names import who
from inventory.choices import LANGUAGE_LABELS
from inventory.clients.access_extract import AccessExtract
from inventory.clients.choices import (
    ACCESSORY_LABELS,
    ACCOMMODATION_LABELS,
    HANDOVER_KIND_LABELS,
    OBSERVATION_LABELS,
    PHASE_LABELS,
    RESERVATION_END_LABELS,
    Accessory,
    Accommodation,
    AssessmentPhase,
    HandoverKind,
    Observation,
    ReservationEnd,
)
from inventory.clients.export import ClientExport, ExportAccess
from inventory.clock import HELSINKI
from inventory.i18n import N_, Language, current_language, gettext
from inventory.permissions import ROLE_LABELS, Role
from inventory.privacy.choices import ACCESS_ACTION_LABELS, PURPOSE_LABELS, AccessAction, Purpose
from inventory.topics import TOPICS
from inventory.web import event_label
from labels.document_styles import LARGE_TEXT_SCALE
from labels.fonts import register_fonts

LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
GRID = colors.Color(0.75, 0.75, 0.75)
HEADER = colors.Color(0.92, 0.92, 0.92)
SIGNATURE_HEIGHT = 18 * mm


class _Writer:
    """Builds the flowables in one language."""

    def __init__(self, language: str, scale: float = 1.0) -> None:
        regular, bold = register_fonts()
        self.language = language
        self.locale = LOCALES.get(language, "fi_FI")
        base = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5, spaceAfter=4)
        self.styles = {
            "title": ParagraphStyle(
                "title", parent=base, fontName=bold, fontSize=16, leading=20, spaceAfter=6
            ),
            "heading": ParagraphStyle(
                "heading", parent=base, fontName=bold, fontSize=12, leading=15, spaceBefore=8
            ),
            "body": base,
            "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
            "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=8, leading=10, spaceAfter=0),
        }
        if scale != 1.0:  # large text for a client who needs it
            self.styles = {
                name: ParagraphStyle(
                    name, parent=style, fontSize=style.fontSize * scale, leading=style.leading * scale
                )
                for name, style in self.styles.items()
            }
        self.story: list[Flowable] = []

    def _(self, message: str) -> str:
        return gettext(message, self.language)

    def day(self, value: dt.date | None) -> str:
        return "" if value is None else format_date(value, format="medium", locale=self.locale)

    def moment(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value.astimezone(HELSINKI), format="short", locale=self.locale)

    def label(self, labels: Mapping[Any, str], enum: type, value: str | None) -> str:
        if value is None:
            return ""
        try:
            return self._(labels[enum(value)])
        except (ValueError, KeyError):
            return value

    def paragraph(self, text: str, style: str = "body") -> None:
        self.story.append(Paragraph(escape(text).replace("\n", "<br/>"), self.styles[style]))

    def heading(self, text: str) -> None:
        self.paragraph(text, "heading")

    def cell(self, text: str, style: str = "cell") -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), self.styles[style])

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        if not rows:
            self.paragraph(self._(N_("Nothing recorded.")))
            return
        total = A4[0] - 36 * mm
        data = [[self.cell(c, "head") for c in columns], *[[self.cell(v) for v in row] for row in rows]]
        table = Table(data, colWidths=[total * w / sum(widths) for w in widths], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, GRID),
                    ("BACKGROUND", (0, 0), (-1, 0), HEADER),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.story.extend([table, Spacer(1, 4)])

    def fields(self, rows: Sequence[tuple[str, str]]) -> None:
        self.table((self._(N_("Field")), self._(N_("Value"))), rows, (1, 2))

    def signature(self, caption: str, png_base64: str | None) -> None:
        if not png_base64:
            return
        data = base64.b64decode(png_base64)
        image = Image(io.BytesIO(data))
        scale = SIGNATURE_HEIGHT / image.imageHeight
        image.drawHeight, image.drawWidth = SIGNATURE_HEIGHT, image.imageWidth * scale
        self.paragraph(caption)
        self.story.append(image)


def _client_section(w: _Writer, export: ClientExport) -> None:
    client = export.client
    w.heading(w._(N_("Client record")))
    language = LANGUAGE_LABELS.get(Language(client.language), client.language)
    accommodations = ", ".join(w.label(ACCOMMODATION_LABELS, Accommodation, a) for a in client.accommodations)
    w.fields(
        [
            (w._(N_("Client code")), client.code),
            (w._(N_("Name")), client.full_name or w._(N_("erased"))),
            (w._(N_("Phone")), client.phone or ""),
            (w._(N_("E-mail")), client.email or ""),
            (w._(N_("Language")), language),
            (w._(N_("Accommodations")), accommodations),
            (w._(N_("Site")), f"{client.site_name} ({client.site_code})"),
            (w._(N_("Counsellor")), client.counsellor or ""),
            (w._(N_("Consent recorded on")), w.day(client.consent_recorded_on)),
            (w._(N_("Recorded on")), w.moment(client.created_at)),
            (w._(N_("Personal data erased on")), w.moment(client.anonymised_at)),
        ]
    )


def _orientation_section(w: _Writer, export: ClientExport) -> None:
    orientation = export.orientation
    w.heading(w._(N_("Digital orientation")))
    if orientation.complete:
        w.paragraph(w._(N_("The orientation is complete.")))
    else:
        w.paragraph(w._(N_("Still missing: {missing}")).format(missing="; ".join(orientation.missing)))
    w.table(
        (w._(N_("Date")), w._(N_("Minutes")), w._(N_("Topics")), w._(N_("Counsellor")), w._(N_("Notes"))),
        [
            (
                w.day(s.held_on),
                str(s.minutes),
                ", ".join(w._(TOPICS[t]) if t in TOPICS else t for t in s.topics),
                s.counsellor or "",
                s.notes,
            )
            for s in orientation.sessions
        ],
        (1, 0.7, 2.5, 1.2, 2),
    )


def _assessment_section(w: _Writer, export: ClientExport) -> None:
    w.heading(w._(N_("Digital skills assessment")))
    if not export.assessments:
        w.paragraph(w._(N_("Nothing recorded.")))
    for assessment in export.assessments:
        phase = w.label(PHASE_LABELS, AssessmentPhase, assessment.phase)
        w.paragraph(f"{phase}: {w.day(assessment.assessed_on)} · {assessment.counsellor or ''}")
        w.table(
            (w._(N_("Task")), w._(N_("Self-rating (1–5)")), w._(N_("Observation")), w._(N_("Comment"))),
            [
                (
                    answer.task_name,
                    "" if answer.self_rating is None else str(answer.self_rating),
                    w.label(OBSERVATION_LABELS, Observation, answer.observation),
                    answer.comment,
                )
                for answer in assessment.answers
            ],
            (2, 1, 1.6, 2),
        )
        if assessment.notes:
            w.paragraph(f"{w._(N_('Notes'))}: {assessment.notes}")


def _devices_section(w: _Writer, export: ClientExport) -> None:
    w.heading(w._(N_("Reservations")))
    w.table(
        (w._(N_("Device")), w._(N_("Reserved")), w._(N_("Until")), w._(N_("Ended")), w._(N_("How"))),
        [
            (
                r.asset_tag,
                w.moment(r.reserved_at),
                w.moment(r.expires_at),
                w.moment(r.ended_at),
                w.label(RESERVATION_END_LABELS, ReservationEnd, r.outcome),
            )
            for r in export.reservations
        ],
        (1.2, 1.2, 1.2, 1.2, 1),
    )
    w.heading(w._(N_("Devices given or lent")))
    w.table(
        (
            w._(N_("Device")),
            w._(N_("Gift or loan")),
            w._(N_("Date")),
            w._(N_("Return by")),
            w._(N_("Accessories")),
            w._(N_("Document")),
            w._(N_("Returned")),
        ),
        [
            (
                h.asset_tag,
                w.label(HANDOVER_KIND_LABELS, HandoverKind, h.kind),
                w.day(h.handed_over_on),
                w.day(h.due_on),
                ", ".join(w.label(ACCESSORY_LABELS, Accessory, a) for a in h.accessories),
                h.document_number,
                " ".join(
                    part
                    for part in (
                        w.day(h.returned_on),
                        h.return_condition_notes,
                        ", ".join(w.label(ACCESSORY_LABELS, Accessory, a) for a in h.accessories_returned),
                    )
                    if part
                ),
            )
            for h in export.handovers
        ],
        (1.2, 0.8, 1, 1, 1.5, 1.2, 1.6),
    )
    for h in export.handovers:
        w.signature(f"{h.document_number} · {w._(N_('Client'))}", h.client_signature_png)
        w.signature(f"{h.document_number} · {w._(N_('Counsellor'))}", h.counsellor_signature_png)
    w.heading(w._(N_("Device history")))
    w.table(
        (w._(N_("Time")), w._(N_("Device")), w._(N_("Step")), w._(N_("By")), w._(N_("Reason"))),
        [
            (w.moment(e.at), e.asset_tag, _step(e.action, w.language), _who(w, e.actor, e.name), e.reason)
            for e in export.device_history
        ],
        (1.2, 1.2, 1.2, 1.2, 2),
    )


def _step(action: str, language: str) -> str:
    token = current_language.set(language)
    try:
        return event_label(action)
    finally:
        current_language.reset(token)


def _who(w: _Writer, actor: str, name: str) -> str:
    return who(actor, {actor: name} if name else {}, w._)


def _access_section(w: _Writer, entries: Sequence[ExportAccess]) -> None:
    w.heading(w._(N_("Who has processed your data")))
    w.table(
        (
            w._(N_("Time")),
            w._(N_("Who")),
            w._(N_("Role")),
            w._(N_("What")),
            w._(N_("Why")),
            w._(N_("Outcome")),
        ),
        [
            (
                w.moment(a.at),
                _who(w, a.actor, a.name),
                w.label(ROLE_LABELS, Role, a.role or None),
                w.label(ACCESS_ACTION_LABELS, AccessAction, a.action),
                w.label(PURPOSE_LABELS, Purpose, a.purpose),
                w._(N_("allowed")) if a.outcome == "success" else w._(N_("refused")),
            )
            for a in entries
        ],
        (1.2, 1.3, 1, 0.9, 2, 0.8),
    )


def render_export_pdf(export: ClientExport, language: str, organisation: str) -> bytes:
    """The export as PDF bytes in `language`, in large text if the client needs it."""
    large = Accommodation.LARGE_TEXT.value in export.client.accommodations
    w = _Writer(language, LARGE_TEXT_SCALE if large else 1.0)
    w.paragraph(w._(N_("Data held about a client")), "title")
    w.paragraph(
        w._(
            N_("A copy of everything {organisation} holds about the client in Kierto, made on {date}.")
        ).format(organisation=organisation, date=w.moment(export.exported_at))
    )
    _client_section(w, export)
    _orientation_section(w, export)
    _assessment_section(w, export)
    _devices_section(w, export)
    w.heading(w._(N_("Documents")))
    w.table(
        (w._(N_("Document")), w._(N_("Number")), w._(N_("Issued"))),
        [(d.kind, d.number, w.moment(d.issued_at)) for d in export.documents],
        (1.5, 1.2, 1.2),
    )
    _access_section(w, export.access_log)
    return _build(w, w._(N_("Data held about a client")), organisation)


def render_access_extract_pdf(extract: AccessExtract, language: str, organisation: str) -> bytes:
    """The access-log extract as PDF bytes in `language`."""
    w = _Writer(language)
    title = w._(N_("Who has processed your data"))
    w.paragraph(title, "title")
    w.paragraph(
        w._(
            N_(
                "An extract of the access log kept by {organisation} in Kierto: every time someone "
                "read or changed the data of client {code} from {since} to {made_at}."
            )
        ).format(
            organisation=organisation,
            code=extract.client_code,
            since=w.day(extract.since.date()),
            made_at=w.moment(extract.made_at),
        )
    )
    if extract.client_name:
        w.paragraph(f"{w._(N_('Name'))}: {extract.client_name}")
    w.paragraph(w._(N_("Made by {name}.")).format(name=extract.made_by))
    _access_section(w, extract.entries)
    return _build(w, title, organisation)


def _build(w: _Writer, title: str, organisation: str) -> bytes:
    buffer = io.BytesIO()
    regular, _ = register_fonts()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author=organisation,
        creator="Kierto",
        lang=w.language,
        initialFontName=regular,
    )

    def footer(canvas: Canvas, template: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, w._(N_("Page {page}")).format(page=template.page))
        canvas.restoreState()

    document.build(w.story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
