"""The client's right of access: everything Kierto holds about one client, as data (JSON) and as a PDF."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from msgspec import Struct

from inventory.accounts.display_names import display_names
from inventory.actors import Actor
from inventory.clients.assessment import assessments_of, task_label
from inventory.clients.handovers import handovers_of
from inventory.clients.orientation import missing_parts, orientation_status
from inventory.clients.orientation_sessions import sessions_of
from inventory.clients.records import site_and_counsellor
from inventory.clients.reservations import reservations_of
from inventory.clients.rows import ClientContact, ClientRow, ReservationRow
from inventory.clients.scope import reach_client
from inventory.clients.tables import Handover
from inventory.clock import HELSINKI, now
from inventory.database import AnyEngine
from inventory.devices.presenters import CLIENT_ACTIONS
from inventory.devices.tables import Device, DeviceEvent
from inventory.documents.tables import IssuedDocument
from inventory.privacy.access_log import ClientAccessRow, client_access, log_access
from inventory.privacy.choices import AccessAction, Purpose
from inventory.settings import Settings

EXPORT_FORMAT = "kierto-client-export/1"


class ExportClient(ClientContact):
    """The client record."""

    site_code: str
    site_name: str
    counsellor: str | None
    consent_recorded_on: dt.date
    created_at: dt.datetime
    anonymised_at: dt.datetime | None


class ExportSession(Struct):
    """An orientation session."""

    held_on: dt.date
    minutes: int
    topics: list[str]
    counsellor: str | None
    notes: str


class ExportOrientation(Struct):
    """The orientation sessions and how they stand against the completion criteria."""

    complete: bool
    sessions_held: int
    minutes: int
    missing: list[str]
    sessions: list[ExportSession]


class ExportAnswer(Struct):
    """One task of an assessment."""

    task: str
    task_name: str
    self_rating: int | None
    observation: str | None
    comment: str


class ExportAssessment(Struct):
    """A skills assessment at the start or at the end."""

    phase: str
    assessed_on: dt.date
    counsellor: str | None
    notes: str
    answers: list[ExportAnswer]


class ExportReservation(Struct):
    """A device reserved for the client."""

    asset_tag: str
    reserved_at: dt.datetime
    expires_at: dt.datetime
    renewals: int
    ended_at: dt.datetime | None
    outcome: str | None


class ExportHandover(Struct):
    """A device given or lent to the client, with the signatures as PNG images in base64."""

    kind: str
    asset_tag: str
    handed_over_on: dt.date
    due_on: dt.date | None
    accessories: list[str]
    counsellor: str
    document_number: str
    signed_at: dt.datetime | None
    signed_on_paper_at: dt.datetime | None
    client_signature_png: str | None
    counsellor_signature_png: str | None
    returned_on: dt.date | None
    return_condition_notes: str
    accessories_returned: list[str]


class ExportEvent(Struct):
    """An entry of a device's history that concerns the client."""

    asset_tag: str
    action: str
    at: dt.datetime
    actor: str
    reason: str
    details: dict[str, Any]
    # The person's name as their account gives it now; empty for a scheduled job or a removed account.
    name: str = ""


class ExportDocument(Struct):
    """A document issued to the client."""

    kind: str
    number: str
    issued_at: dt.datetime


class ExportAccess(Struct):
    """One row of the access log: who processed the client's data, when and why."""

    at: dt.datetime
    actor: str
    role: str
    action: str
    purpose: str
    outcome: str
    # The person's name as their account gives it now; empty for a scheduled job or a removed account.
    name: str = ""


class ClientExport(Struct):
    """Everything held about one client."""

    format: str
    exported_at: dt.datetime
    exported_by: str
    client: ExportClient
    orientation: ExportOrientation
    assessments: list[ExportAssessment]
    reservations: list[ExportReservation]
    handovers: list[ExportHandover]
    device_history: list[ExportEvent]
    documents: list[ExportDocument]
    access_log: list[ExportAccess]


async def access_entries(rows: list[ClientAccessRow]) -> list[ExportAccess]:
    """Access-log rows as the client sees them (who by name, when, what, why, allowed or refused)."""
    names = await display_names(row["actor"] for row in rows)
    return [
        ExportAccess(
            at=row["at"],
            actor=row["actor"],
            role=row["role"],
            action=row["action"],
            purpose=row["purpose"],
            outcome=row["outcome"],
            name=names.get(row["actor"], ""),
        )
        for row in rows
    ]


def _png(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode("ascii") if data else None


async def _client_section(client: ClientRow) -> ExportClient:
    site, counsellor = await site_and_counsellor(client)
    return ExportClient(
        id=client.id,
        code=client.code,
        full_name=client.full_name,
        phone=client.phone,
        email=client.email,
        language=client.language,
        accommodations=list(client.accommodations or []),
        site_code=site["code"],
        site_name=site["name"],
        counsellor=counsellor,
        consent_recorded_on=client.consent_recorded_on,
        created_at=client.created_at,
        anonymised_at=client.anonymised_at,
    )


async def _handovers(client_id: int) -> list[ExportHandover]:
    rows = await handovers_of(client_id)
    signatures = {
        row["id"]: row
        for row in await Handover.select(
            Handover.id, Handover.client_signature, Handover.counsellor_signature
        ).where(Handover.client == client_id)
    }
    return [
        ExportHandover(
            kind=row["kind"],
            asset_tag=row["asset_tag"],
            handed_over_on=row["handed_over_on"],
            due_on=row["due_on"],
            accessories=list(row["accessories"]),
            counsellor=row["counsellor_name"],
            document_number=row["document_number"],
            signed_at=row["signed_at"],
            signed_on_paper_at=row["signed_on_paper_at"],
            client_signature_png=_png(signatures[row["id"]]["client_signature"]),
            counsellor_signature_png=_png(signatures[row["id"]]["counsellor_signature"]),
            returned_on=row["returned_on"],
            return_condition_notes=row["return_condition_notes"],
            accessories_returned=list(row["accessories_returned"]),
        )
        for row in rows
    ]


ALLOCATION_EVENTS = (*sorted(CLIENT_ACTIONS), "loan_extended")


def _periods(
    reservations: list[ReservationRow], handovers: list[ExportHandover]
) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """Per device, from the client's first reservation or handover of it to the last end (or now)."""
    spans: dict[str, list[dt.datetime]] = {}
    moment = now()
    for r in reservations:
        spans.setdefault(r["asset_tag"], []).extend([r["reserved_at"], r["ended_at"] or moment])
    for h in handovers:
        start = dt.datetime.combine(h.handed_over_on, dt.time(), tzinfo=HELSINKI)
        end = (
            dt.datetime.combine(h.returned_on, dt.time(23, 59, 59), tzinfo=HELSINKI)
            if h.returned_on
            else moment
        )
        spans.setdefault(h.asset_tag, []).extend([start, end])
    margin = dt.timedelta(minutes=1)  # a step's event is written moments after the row beside it
    return {tag: (min(times) - margin, max(times) + margin) for tag, times in spans.items()}


async def _device_history(
    client_id: int, periods: dict[str, tuple[dt.datetime, dt.datetime]]
) -> list[ExportEvent]:
    """The allocation steps of the client's devices while the client had them (never another client's)."""
    if not periods:
        return []
    devices = await Device.select(Device.id, Device.asset_tag).where(Device.asset_tag.is_in(list(periods)))
    by_id = {row["id"]: row["asset_tag"] for row in devices}
    events = (
        await DeviceEvent.select(
            DeviceEvent.device,
            DeviceEvent.action,
            DeviceEvent.at,
            DeviceEvent.actor,
            DeviceEvent.reason,
            DeviceEvent.details,
        )
        .where(DeviceEvent.device.is_in(list(by_id)) & DeviceEvent.action.is_in(list(ALLOCATION_EVENTS)))
        .order_by(DeviceEvent.id)
        .output(load_json=True)
    )
    names = await display_names(event["actor"] for event in events)
    found = []
    for event in events:
        tag = by_id[event["device"]]
        details = dict(event["details"] or {})
        start, end = periods[tag]
        if details.get("client_id", client_id) != client_id or not start <= event["at"] <= end:
            continue
        found.append(
            ExportEvent(
                asset_tag=tag,
                action=event["action"],
                at=event["at"],
                actor=event["actor"],
                reason=event["reason"],
                details=details,
                name=names.get(event["actor"], ""),
            )
        )
    return found


async def _documents(client_id: int, numbers: list[str]) -> list[ExportDocument]:
    rows = await IssuedDocument.select(
        IssuedDocument.kind, IssuedDocument.number, IssuedDocument.issued_at
    ).where(
        (IssuedDocument.key == f"orientation_certificate:client:{client_id}")
        | IssuedDocument.number.is_in(numbers or [""])
    )
    return [ExportDocument(kind=r["kind"], number=r["number"], issued_at=r["issued_at"]) for r in rows]


async def collect_client_data(
    client: ClientRow, settings: Settings, language: str | None = None
) -> ClientExport:
    """Everything held about the client (no access logging: `export_client` logs)."""
    client_id = client.id
    status = await orientation_status(client_id, settings)
    sessions = await sessions_of(client_id)
    assessments = await assessments_of(client_id)
    reservations = await reservations_of(client_id)
    handovers = await _handovers(client_id)
    return ClientExport(
        format=EXPORT_FORMAT,
        exported_at=now(),
        exported_by="",
        client=await _client_section(client),
        orientation=ExportOrientation(
            complete=status.complete,
            sessions_held=status.sessions,
            minutes=status.minutes,
            missing=missing_parts(status, language),
            sessions=[
                ExportSession(
                    held_on=s["held_on"],
                    minutes=s["minutes"],
                    topics=list(s["topics"]),
                    counsellor=s["counsellor_name"],
                    notes=s["notes"],
                )
                for s in sessions
            ],
        ),
        assessments=[
            ExportAssessment(
                phase=phase.value,
                assessed_on=data["assessed_on"],
                counsellor=data["counsellor_name"],
                notes=data["notes"],
                answers=[
                    ExportAnswer(
                        task=item["task"],
                        task_name=task_label(item["task"], language),
                        self_rating=item["self_rating"],
                        observation=item["observation"],
                        comment=item["comment"],
                    )
                    for item in data["items"].values()
                ],
            )
            for phase, data in sorted(assessments.items())
        ],
        reservations=[
            ExportReservation(
                asset_tag=r["asset_tag"],
                reserved_at=r["reserved_at"],
                expires_at=r["expires_at"],
                renewals=r["renewals"],
                ended_at=r["ended_at"],
                outcome=r["outcome"],
            )
            for r in reservations
        ],
        handovers=handovers,
        device_history=await _device_history(client_id, _periods(reservations, handovers)),
        documents=await _documents(client_id, [h.document_number for h in handovers]),
        access_log=await access_entries(await client_access(client_id)),
    )


async def export_client(
    engine: AnyEngine,
    client_id: int,
    actor: Actor,
    settings: Settings,
    purpose: Purpose = Purpose.DATA_EXPORT,
) -> ClientExport:
    """Everything held about the client, for their data request; logged as an export."""
    client = await reach_client(engine, actor, client_id, purpose, AccessAction.EXPORT)
    data = await collect_client_data(client, settings, client.language)
    await log_access(engine, actor, AccessAction.EXPORT, [client_id], purpose)
    data.exported_by = actor.label
    return data
