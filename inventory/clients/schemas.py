"""API schemas for clients, orientation, assessments, reservations, handovers and loans: one struct per operation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from litestar.datastructures import UploadFile
from msgspec import UNSET, Meta, Struct, UnsetType

from inventory.choices import ConditionGrade, DeviceKind
from inventory.clients.choices import (
    Accommodation,
    AssessmentPhase,
    HandoverKind,
    Observation,
    ReservationEnd,
)
from inventory.i18n import Language
from inventory.schema_types import NOT_BLANK, Email, Id, LongNameText, LongText, Phone, Reason, ShortText
from inventory.topics import TOPICS

_NO_NUL = r"^[^\x00]*$"
# A topic of the checklist (clients/topics.py): a fixed list, so the description names them.
TopicCode = Annotated[
    str, Meta(min_length=1, max_length=32, pattern=r"^[a-z_]+$", extra_json_schema={"enum": sorted(TOPICS)})
]
SessionNotes = Annotated[str, Meta(max_length=2000, pattern=_NO_NUL)]
Minutes = Annotated[int, Meta(ge=1, le=600)]
Rating = Annotated[int, Meta(ge=1, le=5)]
Comment = Annotated[str, Meta(max_length=500, pattern=_NO_NUL)]
AssetTag = Annotated[str, Meta(min_length=1, max_length=40, pattern=_NO_NUL)]
ErasureReason = Annotated[str, Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
Accessories = Annotated[list[ShortText], Meta(max_length=20)]


class ClientCreate(Struct, forbid_unknown_fields=True):
    """A new client: the name for the agreement, the consent date, and optional contact details.

    Never a personal identity code: text that looks like one is refused (422).
    """

    full_name: LongNameText
    consent_recorded_on: dt.date
    language: Language = Language.FI
    phone: Phone | None = None
    email: Email | None = None
    accommodations: Annotated[list[Accommodation], Meta(max_length=10)] = []
    counsellor_id: Id | None = None
    site_id: Id | None = None


class ClientUpdate(Struct, forbid_unknown_fields=True):
    """Corrections to a client record; fields left out stay as they are, null removes phone or e-mail."""

    full_name: LongNameText | UnsetType = UNSET
    phone: Phone | UnsetType | None = UNSET
    email: Email | UnsetType | None = UNSET
    language: Language | UnsetType = UNSET
    accommodations: Annotated[list[Accommodation], Meta(max_length=10)] | UnsetType = UNSET
    consent_recorded_on: dt.date | UnsetType = UNSET
    counsellor_id: Id | UnsetType | None = UNSET
    site_id: Id | UnsetType = UNSET


class ClientSummary(Struct):
    """A client in a list."""

    id: int
    code: str
    full_name: str
    language: str
    site_code: str
    counsellor_id: int | None
    counsellor_name: str | None
    orientation_complete: bool
    device_tag: str | None
    device_state: str | None


class ClientPage(Struct):
    """One page of a client list."""

    items: list[ClientSummary]
    total: int
    page: int
    per_page: int


class SessionIn(Struct, forbid_unknown_fields=True):
    """An orientation session: when, how long, which topics (codes from the checklist), notes."""

    held_on: dt.date
    minutes: Minutes
    topics: Annotated[list[TopicCode], Meta(min_length=1, max_length=20)]
    notes: SessionNotes = ""


class SessionOut(Struct):
    """An orientation session."""

    id: int
    held_on: dt.date
    minutes: int
    topics: list[str]
    counsellor_name: str | None
    notes: str


class OrientationOut(Struct):
    """The client's orientation against the completion criteria, and what is still missing."""

    complete: bool
    sessions_held: int
    minutes: int
    topics_covered: list[str]
    missing_sessions: int
    missing_minutes: int
    missing_topics: list[str]
    missing: list[str]
    sessions: list[SessionOut]


class AnswerIn(Struct, forbid_unknown_fields=True):
    """One task of the assessment."""

    task: TopicCode
    self_rating: Rating | None = None
    observation: Observation | None = None
    comment: Comment = ""


class AssessmentIn(Struct, forbid_unknown_fields=True):
    """An assessment of one phase; saving it again replaces the earlier answers of that phase."""

    assessed_on: dt.date
    answers: Annotated[list[AnswerIn], Meta(max_length=50)]
    notes: LongText = ""


class AnswerOut(Struct):
    """One task of an assessment."""

    task: str
    task_name: str
    self_rating: int | None
    observation: Observation | None
    comment: str


class AssessmentOut(Struct):
    """An assessment at the start or at the end."""

    phase: AssessmentPhase
    assessed_on: dt.date
    counsellor_name: str | None
    notes: str
    answers: list[AnswerOut]


class ReservationOut(Struct):
    """A reservation of a device for the client."""

    id: int
    asset_tag: str
    reserved_at: dt.datetime
    expires_at: dt.datetime
    renewals: int
    ended_at: dt.datetime | None
    outcome: ReservationEnd | None


class HandoverOut(Struct):
    """A handover (gift) or loan: the agreement's content, its signing and the return (no personal data)."""

    id: int
    asset_tag: str
    client_id: int
    client_code: str
    kind: HandoverKind
    handed_over_on: dt.date
    due_on: dt.date | None
    accessories: list[str]
    counsellor_name: str
    document_number: str
    signed_at: dt.datetime | None
    signed_on_paper_at: dt.datetime | None
    returned_on: dt.date | None
    return_condition_notes: str
    accessories_returned: list[str]


class ClientOut(Struct):
    """One client's whole record."""

    id: int
    code: str
    full_name: str
    phone: str | None
    email: str | None
    language: str
    accommodations: list[Accommodation]
    site_id: int
    site_code: str
    site_name: str
    counsellor_id: int | None
    counsellor_name: str | None
    consent_recorded_on: dt.date
    created_at: dt.datetime
    anonymised_at: dt.datetime | None
    orientation: OrientationOut
    assessments: list[AssessmentOut]
    reservations: list[ReservationOut]
    handovers: list[HandoverOut]


class CandidateOut(Struct):
    """A ready device that could be reserved for the client."""

    asset_tag: str
    site_code: str
    kind: DeviceKind
    make: str
    model: str
    cpu: str
    ram_mb: int | None
    storage_bytes: int | None
    condition_grade: ConditionGrade | None
    profile: str | None
    matches: bool
    missing_accommodations: list[Accommodation]


class CandidatesOut(Struct):
    """Devices to choose from, those that fit the client's accommodations first."""

    client_id: int
    site_id: int
    accommodations: list[Accommodation]
    devices: list[CandidateOut]


class ReservationCreate(Struct, forbid_unknown_fields=True):
    """The ready device to reserve for the client."""

    asset_tag: AssetTag


class ReservationRelease(Struct, forbid_unknown_fields=True):
    """Why the reservation is cancelled (optional)."""

    reason: Reason = ""


class RenewalOut(Struct):
    """Until when the reservation now holds."""

    expires_at: dt.datetime


class HandoverCreate(Struct, forbid_unknown_fields=True):
    """Give (gift) or lend (loan, with a due date) the device reserved for the client.

    A coordinator may hand over before the orientation is complete with `override_reason`.
    """

    asset_tag: AssetTag
    kind: HandoverKind
    due_on: dt.date | None = None
    accessories: Accessories = []
    override_reason: Reason | None = None


class ReturnIn(Struct, forbid_unknown_fields=True):
    """A lent device coming back: its condition and the accessories that came back with it."""

    condition_notes: Reason = ""
    accessories_returned: Accessories = []


class LoanExtension(Struct, forbid_unknown_fields=True):
    """A new due date agreed with the client."""

    due_on: dt.date


class AnonymiseIn(Struct, forbid_unknown_fields=True):
    """Why the client's data is erased (kept in the access log, so no personal details)."""

    reason: ErasureReason


class OverdueLoanOut(Struct):
    """A loan past its due date (client code only: open the client to contact them)."""

    handover_id: int
    asset_tag: str
    make: str
    model: str
    client_id: int
    client_code: str
    counsellor_name: str | None
    site_code: str
    handed_over_on: dt.date
    due_on: dt.date
    days_overdue: int


@dataclass
class SignatureUpload:
    """The client's and the counsellor's signatures as PNG images drawn on screen."""

    client_signature: UploadFile
    counsellor_signature: UploadFile
