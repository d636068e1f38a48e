"""Turn client-area rows and records into API structs."""

from __future__ import annotations

from inventory.clients.assessment import task_label
from inventory.clients.choices import (
    Accommodation,
    AssessmentPhase,
    HandoverKind,
    Observation,
    ReservationEnd,
)
from inventory.clients.orientation import OrientationStatus, missing_parts
from inventory.clients.records import ClientRecord
from inventory.clients.reservations import Candidates
from inventory.clients.rows import (
    AssessmentRow,
    ClientListRow,
    HandoverRow,
    OverdueLoanRow,
    ReservationRow,
    SessionRow,
)
from inventory.clients.schemas import (
    AnswerOut,
    AssessmentOut,
    CandidateOut,
    CandidatesOut,
    ClientOut,
    ClientSummary,
    HandoverOut,
    OrientationOut,
    OverdueLoanOut,
    ReservationOut,
    SessionOut,
)


def session_out(row: SessionRow) -> SessionOut:
    """An orientation session."""
    return SessionOut(
        id=row["id"],
        held_on=row["held_on"],
        minutes=row["minutes"],
        topics=list(row["topics"] or []),
        counsellor_name=row["counsellor_name"],
        notes=row["notes"],
    )


def orientation_out(status: OrientationStatus, sessions: list[SessionRow]) -> OrientationOut:
    """The orientation status with the sessions."""
    return OrientationOut(
        complete=status.complete,
        sessions_held=status.sessions,
        minutes=status.minutes,
        topics_covered=sorted(status.topics_covered),
        missing_sessions=status.missing_sessions,
        missing_minutes=status.missing_minutes,
        missing_topics=list(status.missing_topics),
        missing=missing_parts(status),
        sessions=[session_out(s) for s in sessions],
    )


def assessment_out(phase: AssessmentPhase, data: AssessmentRow) -> AssessmentOut:
    """One phase's assessment."""
    return AssessmentOut(
        phase=phase,
        assessed_on=data["assessed_on"],
        counsellor_name=data["counsellor_name"],
        notes=data["notes"],
        answers=[
            AnswerOut(
                task=item["task"],
                task_name=task_label(item["task"]),
                self_rating=item["self_rating"],
                observation=Observation(item["observation"]) if item["observation"] else None,
                comment=item["comment"],
            )
            for item in data["items"].values()
        ],
    )


def reservation_out(row: ReservationRow) -> ReservationOut:
    """A reservation."""
    return ReservationOut(
        id=row["id"],
        asset_tag=row["asset_tag"],
        reserved_at=row["reserved_at"],
        expires_at=row["expires_at"],
        renewals=row["renewals"],
        ended_at=row["ended_at"],
        outcome=ReservationEnd(row["outcome"]) if row["outcome"] else None,
    )


def handover_out(row: HandoverRow) -> HandoverOut:
    """A handover or loan."""
    return HandoverOut(
        id=row["id"],
        asset_tag=row["asset_tag"],
        client_id=row["client"],
        client_code=row["client_code"],
        kind=HandoverKind(row["kind"]),
        handed_over_on=row["handed_over_on"],
        due_on=row["due_on"],
        accessories=list(row["accessories"] or []),
        counsellor_name=row["counsellor_name"],
        document_number=row["document_number"],
        signed_at=row["signed_at"],
        signed_on_paper_at=row["signed_on_paper_at"],
        returned_on=row["returned_on"],
        return_condition_notes=row["return_condition_notes"],
        accessories_returned=list(row["accessories_returned"] or []),
    )


def client_out(record: ClientRecord) -> ClientOut:
    """The whole record of one client."""
    client = record.client
    return ClientOut(
        id=client.id,
        code=client.code,
        full_name=client.full_name,
        phone=client.phone,
        email=client.email,
        language=client.language,
        accommodations=[Accommodation(a) for a in client.accommodations or []],
        site_id=client.site,
        site_code=record.site_code,
        site_name=record.site_name,
        counsellor_id=client.counsellor,
        counsellor_name=record.counsellor_name,
        consent_recorded_on=client.consent_recorded_on,
        created_at=client.created_at,
        anonymised_at=client.anonymised_at,
        orientation=orientation_out(record.orientation, record.sessions),
        assessments=[assessment_out(phase, data) for phase, data in sorted(record.assessments.items())],
        reservations=[reservation_out(r) for r in record.reservations],
        handovers=[handover_out(h) for h in record.handovers],
    )


def client_summary(row: ClientListRow) -> ClientSummary:
    """A client in a list."""
    device = row["device"]
    return ClientSummary(
        id=row["id"],
        code=row["code"],
        full_name=row["full_name"],
        language=row["language"],
        site_code=row["site_code"],
        counsellor_id=row["counsellor"],
        counsellor_name=row["counsellor_name"],
        orientation_complete=row["orientation_complete"],
        device_tag=device["asset_tag"] if device else None,
        device_state=device["state"] if device else None,
    )


def candidates_out(found: Candidates) -> CandidatesOut:
    """The devices to choose from."""
    return CandidatesOut(
        client_id=found.client_id,
        site_id=found.site_id,
        accommodations=list(found.accommodations),
        devices=[
            CandidateOut(
                asset_tag=c.asset_tag,
                site_code=c.site_code,
                kind=c.kind,  # type: ignore[arg-type]
                make=c.make,
                model=c.model,
                cpu=c.cpu,
                ram_mb=c.ram_mb,
                storage_bytes=c.storage_bytes,
                condition_grade=c.condition_grade,  # type: ignore[arg-type]
                profile=c.profile,
                matches=c.matches,
                missing_accommodations=list(c.missing),
            )
            for c in found.devices
        ],
    )


def overdue_out(row: OverdueLoanRow) -> OverdueLoanOut:
    """An overdue loan."""
    return OverdueLoanOut(
        handover_id=row["id"],
        asset_tag=row["asset_tag"],
        make=row["make"],
        model=row["model"],
        client_id=row["client"],
        client_code=row["client_code"],
        counsellor_name=row["counsellor_name"],
        site_code=row["site_code"],
        handed_over_on=row["handed_over_on"],
        due_on=row["due_on"],
        days_overdue=row["days_overdue"],
    )
