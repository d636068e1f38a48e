"""The rows the client queries return, typed: what a reader and mypy may expect of each."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from msgspec import Struct


class ClientContact(Struct):
    """Who a client is and how to reach them: what the client's record and its export both begin with."""

    id: int
    code: str
    full_name: str
    phone: str | None
    email: str | None
    language: str
    accommodations: list[str]


class ClientRow(ClientContact):
    """A client as `scope.CLIENT_COLUMNS` selects it (`reach_client`)."""

    counsellor: int | None
    site: int
    consent_recorded_on: dt.date
    created_at: dt.datetime
    anonymised_at: dt.datetime | None


class ClientDevice(TypedDict):
    """The device a client has reserved or holds now."""

    asset_tag: str
    state: str


class ClientListRow(TypedDict):
    """A client in the client list (`list_clients`), with their orientation and device at a glance."""

    id: int
    code: str
    full_name: str
    language: str
    accommodations: list[str]
    site_code: str
    counsellor: int | None
    counsellor_name: str | None
    created_at: dt.datetime
    orientation_complete: bool
    device: ClientDevice | None


class SessionRow(TypedDict):
    """An orientation session (`sessions_of`)."""

    id: int
    held_on: dt.date
    minutes: int
    topics: list[str]
    notes: str
    counsellor: int | None
    counsellor_name: str | None


class AnswerRow(TypedDict):
    """One task's answer in an assessment."""

    task: str
    self_rating: int | None
    observation: str | None
    comment: str


class AssessmentRow(TypedDict):
    """One phase's assessment with its answers by task (`assessments_of`)."""

    id: int
    phase: str
    assessed_on: dt.date
    notes: str
    updated_at: dt.datetime
    counsellor_name: str | None
    items: dict[str, AnswerRow]


class ReservationRow(TypedDict):
    """A reservation of one client (`reservations_of`)."""

    id: int
    asset_tag: str
    reserved_at: dt.datetime
    expires_at: dt.datetime
    renewals: int
    ended_at: dt.datetime | None
    outcome: str | None


class ExpiringReservationRow(TypedDict):
    """An open reservation ending soon, for reminders: the client's code, never a name."""

    id: int
    asset_tag: str
    client: int
    client_code: str
    counsellor_id: int | None
    counsellor_active: bool | None
    site: int
    expires_at: dt.datetime


class HandoverRow(TypedDict):
    """A handover or loan as `handovers.HANDOVER_COLUMNS` selects it."""

    id: int
    device: int
    asset_tag: str
    client: int
    client_code: str
    kind: str
    handed_over_on: dt.date
    due_on: dt.date | None
    accessories: list[str]
    counsellor_name: str
    event_id: int
    document_number: str
    signed_at: dt.datetime | None
    signed_on_paper_at: dt.datetime | None
    returned_on: dt.date | None
    return_condition_notes: str
    accessories_returned: list[str]
    created_at: dt.datetime


class OverdueLoanRow(TypedDict):
    """A loan past its due date (`overdue_loans`): the client's code, never a name."""

    id: int
    asset_tag: str
    make: str
    model: str
    client: int
    client_code: str
    counsellor_name: str | None
    site_code: str
    handed_over_on: dt.date
    due_on: dt.date
    days_overdue: int
