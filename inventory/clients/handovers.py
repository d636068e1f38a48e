"""Handing over (a gift) or lending a reserved device, signing the agreement, returns and overdue loans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from inventory.actors import Actor
from inventory.clients.allocation import (
    accessories_list,
    allocation_step,
    lock_device,
    preview_allocation_step,
)
from inventory.clients.choices import HandoverKind
from inventory.clients.rows import ClientRow, HandoverRow, OverdueLoanRow
from inventory.clients.scope import (
    reach_client,
    recheck_not_anonymised,
    require_not_anonymised,
    sees_every_site,
)
from inventory.clients.signatures import clean_signature
from inventory.clients.tables import Handover
from inventory.clock import now, today
from inventory.database import AnyEngine, write_transaction
from inventory.devices.events import record_event
from inventory.devices.tables import Device
from inventory.devices.transitions import TransitionRequest
from inventory.errors import Conflict, Forbidden, InvalidInput, NotFound
from inventory.event_kinds import Activity
from inventory.i18n import N_
from inventory.lifecycle import Action, Decision, State
from inventory.permissions import Permission
from inventory.privacy.access_log import log_access, record_access
from inventory.privacy.choices import AccessAction, AccessOutcome, Purpose
from inventory.settings import Settings

CONDITION_NOTES_MAX = 1000
HANDOVER_COLUMNS = (
    Handover.id,
    Handover.device,
    Handover.device.asset_tag.as_alias("asset_tag"),
    Handover.client,
    Handover.client.code.as_alias("client_code"),
    Handover.kind,
    Handover.handed_over_on,
    Handover.due_on,
    Handover.accessories,
    Handover.counsellor_name,
    Handover.event_id,
    Handover.document_number,
    Handover.signed_at,
    Handover.signed_on_paper_at,
    Handover.returned_on,
    Handover.return_condition_notes,
    Handover.accessories_returned,
    Handover.created_at,
)


@dataclass(frozen=True)
class HandoverRequest:
    """A handover or a loan as the counsellor asks for it."""

    asset_tag: str
    kind: HandoverKind
    due_on: dt.date | None = None
    accessories: tuple[str, ...] = ()
    override_reason: str | None = None


@dataclass(frozen=True)
class ReturnRequest:
    """A lent device coming back: its condition and the accessories that came with it."""

    condition_notes: str = ""
    accessories_returned: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signing:
    """How the agreement was signed: both signatures drawn on screen (PNG), or the printed copy on paper."""

    client_png: bytes | None = None
    counsellor_png: bytes | None = None
    on_paper: bool = False


async def _handover_step(
    engine: AnyEngine,
    client_id: int,
    wanted: HandoverRequest,
    actor: Actor,
    purpose: Purpose,
) -> tuple[Action, TransitionRequest]:
    """The lifecycle step a handover request asks for, once the client is in reach and the dates fit."""
    client = await reach_client(
        engine, actor, client_id, purpose, AccessAction.CREATE, permission=Permission.DEVICE_ALLOCATE
    )
    require_not_anonymised(client)
    if wanted.kind is HandoverKind.LOAN and wanted.due_on is None:
        raise InvalidInput("due_on", N_("A loan needs the date by which the device comes back."))
    if wanted.kind is HandoverKind.GIFT and wanted.due_on is not None:
        raise InvalidInput("due_on", N_("A gift has no due date: the device becomes the client's own."))
    override = (wanted.override_reason or "").strip() or None
    return Action.HAND_OVER if wanted.kind is HandoverKind.GIFT else Action.LEND, TransitionRequest(
        client_id=client_id,
        due_on=wanted.due_on,
        override_reason=override,
        details={"accessories": accessories_list(list(wanted.accessories))},
    )


async def preview_hand_over(
    engine: AnyEngine,
    client_id: int,
    wanted: HandoverRequest,
    actor: Actor,
    settings: Settings,
    purpose: Purpose = Purpose.HANDOVER,
) -> Decision:
    """What the handover would do now, or the refusal it would meet (orientation, reservation…); nothing is written."""
    action, request = await _handover_step(engine, client_id, wanted, actor, purpose)
    return await preview_allocation_step(engine, wanted.asset_tag, action, actor, settings, request, purpose)


async def hand_over(
    engine: AnyEngine,
    client_id: int,
    wanted: HandoverRequest,
    actor: Actor,
    settings: Settings,
    purpose: Purpose = Purpose.HANDOVER,
) -> int:
    """Give or lend the device reserved for the client; issues the agreement's number. Returns the handover's id."""
    action, request = await _handover_step(engine, client_id, wanted, actor, purpose)
    result = await allocation_step(engine, wanted.asset_tag, action, actor, settings, request, purpose)
    assert result.handover_id is not None
    return result.handover_id


async def hand_over_signed(
    engine: AnyEngine,
    client_id: int,
    wanted: HandoverRequest,
    signing: Signing,
    actor: Actor,
    settings: Settings,
    purpose: Purpose = Purpose.HANDOVER,
) -> int:
    """Record a gift or loan only once it is signed: both signatures are checked before anything is
    written, then the handover and its signing are recorded in one transaction. Returns the handover's id."""
    if not signing.on_paper:
        clean_signature(signing.client_png or b"", "client_signature")
        clean_signature(signing.counsellor_png or b"", "counsellor_signature")
    await preview_hand_over(engine, client_id, wanted, actor, settings, purpose)
    async with write_transaction(engine):  # the steps' own transactions join this one
        handover_id = await hand_over(engine, client_id, wanted, actor, settings, purpose)
        if signing.on_paper:
            await record_paper_signing(engine, handover_id, actor, purpose)
        else:
            assert signing.client_png is not None
            assert signing.counsellor_png is not None
            await record_signatures(
                engine, handover_id, signing.client_png, signing.counsellor_png, actor, purpose
            )
    return handover_id


async def load_handover(
    engine: AnyEngine,
    handover_id: int,
    actor: Actor,
    purpose: Purpose,
    action: AccessAction,
    permission: Permission = Permission.DEVICE_ALLOCATE,
) -> tuple[HandoverRow, ClientRow]:
    """The handover and its client, if the actor may reach the client (refusals logged, 404 otherwise)."""
    row = (
        await Handover.select(*HANDOVER_COLUMNS)
        .where(Handover.id == handover_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound(N_("There is no such handover."))
    client = await reach_client(engine, actor, row["client"], purpose, action, permission=permission)
    return cast(HandoverRow, dict(row)), client


async def read_handover(
    engine: AnyEngine,
    handover_id: int,
    actor: Actor,
    purpose: Purpose = Purpose.HANDOVER,
) -> HandoverRow:
    """One handover (client code only, no personal data), logged as a read of the client's data."""
    row, client = await load_handover(engine, handover_id, actor, purpose, AccessAction.READ)
    await log_access(engine, actor, AccessAction.READ, [client.id], purpose)
    return row


async def _sign_once(handover_id: int, values: dict[Any, Any]) -> None:
    """Record the agreement's signing, on screen or on paper, unless it is signed already (409)."""
    updated = (
        await Handover.update(values)
        .where(
            (Handover.id == handover_id)
            & Handover.signed_at.is_null()
            & Handover.signed_on_paper_at.is_null()
        )
        .returning(Handover.id)
    )
    if not updated:
        raise Conflict(N_("This agreement has already been signed."))


async def record_signatures(
    engine: AnyEngine,
    handover_id: int,
    client_png: bytes,
    counsellor_png: bytes,
    actor: Actor,
    purpose: Purpose = Purpose.HANDOVER,
) -> None:
    """Keep the signatures drawn on screen; they go into the agreement's PDF. A signed agreement stays signed."""
    _, client = await load_handover(engine, handover_id, actor, purpose, AccessAction.UPDATE)
    require_not_anonymised(client)
    client_signature = clean_signature(client_png, "client_signature")
    counsellor_signature = clean_signature(counsellor_png, "counsellor_signature")
    async with write_transaction(engine):
        await recheck_not_anonymised(client.id)
        await _sign_once(
            handover_id,
            {
                Handover.client_signature: client_signature,
                Handover.counsellor_signature: counsellor_signature,
                Handover.signed_at: now(),
                Handover.signing_recorded_by: actor.user_id,
            },
        )
        await record_access(actor, AccessAction.UPDATE, [client.id], purpose, detail="signed on screen")


async def record_paper_signing(
    engine: AnyEngine,
    handover_id: int,
    actor: Actor,
    purpose: Purpose = Purpose.HANDOVER,
) -> None:
    """Record that the printed agreement was signed on paper (keep the paper copy)."""
    _, client = await load_handover(engine, handover_id, actor, purpose, AccessAction.UPDATE)
    async with write_transaction(engine):
        await _sign_once(
            handover_id,
            {Handover.signed_on_paper_at: now(), Handover.signing_recorded_by: actor.user_id},
        )
        await record_access(actor, AccessAction.UPDATE, [client.id], purpose, detail="signed on paper")


async def return_loan(
    engine: AnyEngine,
    handover_id: int,
    returned: ReturnRequest,
    actor: Actor,
    settings: Settings,
    purpose: Purpose = Purpose.LOAN_RETURN,
) -> None:
    """Take a lent device back: condition and accessories checked in, the device goes to `received`."""
    row, _ = await load_handover(engine, handover_id, actor, purpose, AccessAction.UPDATE)
    if row["kind"] != HandoverKind.LOAN.value:
        raise Conflict(N_("This device was given, not lent: it does not come back."))
    if row["returned_on"] is not None:
        raise Conflict(N_("This loan has already been returned."))
    if len(returned.condition_notes) > CONDITION_NOTES_MAX:
        raise InvalidInput(
            "condition_notes",
            N_("The notes are longer than {limit} characters."),
            {"limit": CONDITION_NOTES_MAX},
        )
    await allocation_step(
        engine,
        row["asset_tag"],
        Action.RETURN,
        actor,
        settings,
        TransitionRequest(
            details={
                "condition_notes": returned.condition_notes.strip(),
                "accessories": list(returned.accessories_returned),
            }
        ),
        purpose,
    )


async def extend_loan(
    engine: AnyEngine,
    handover_id: int,
    due_on: dt.date,
    actor: Actor,
    purpose: Purpose = Purpose.LOAN_FOLLOW_UP,
) -> None:
    """Agree on a new due date for a loan; recorded in the device's history."""
    row, client = await load_handover(engine, handover_id, actor, purpose, AccessAction.UPDATE)
    if row["kind"] != HandoverKind.LOAN.value or row["returned_on"] is not None:
        raise Conflict(N_("Only a loan that has not come back can be extended."))
    if due_on <= today():
        raise InvalidInput("due_on", N_("The loan's due date must be after today."))
    async with write_transaction(engine):
        await lock_device(engine, row["asset_tag"])
        updated = (
            await Device.update({Device.loan_due_on: due_on})
            .where((Device.id == row["device"]) & (Device.state == State.ON_LOAN.value))
            .returning(Device.id)
        )
        if not updated:
            raise Conflict(N_("This loan has already been returned."))
        await Handover.update({Handover.due_on: due_on}).where(Handover.id == handover_id)
        await record_event(
            row["device"],
            Activity.LOAN_EXTENDED,
            State.ON_LOAN,
            State.ON_LOAN,
            actor,
            details={
                "due_on": due_on.isoformat(),
                "previous_due_on": row["due_on"].isoformat() if row["due_on"] else None,
            },
        )
        await record_access(actor, AccessAction.UPDATE, [client.id], purpose, detail="due date")


async def handovers_of(client_id: int) -> list[HandoverRow]:
    """The client's handovers and loans, newest first (no access logging: callers log)."""
    rows = (
        await Handover.select(*HANDOVER_COLUMNS)
        .where(Handover.client == client_id)
        .order_by(Handover.id, ascending=False)
        .output(load_json=True)
    )
    return cast(list[HandoverRow], list(rows))


async def overdue_loans(
    engine: AnyEngine,
    actor: Actor,
    on: dt.date | None = None,
    purpose: Purpose = Purpose.LOAN_FOLLOW_UP,
) -> list[OverdueLoanRow]:
    """Loans past their due date that have not come back, oldest due first (client codes, no names)."""
    day = on or today()
    if not actor.may(Permission.DEVICE_ALLOCATE):
        await log_access(engine, actor, AccessAction.READ, [None], purpose, AccessOutcome.REFUSED, "role")
        raise Forbidden(N_("Your role does not allow this."))
    query = (
        Handover.select(
            Handover.id,
            Handover.device.asset_tag.as_alias("asset_tag"),
            Handover.device.make.as_alias("make"),
            Handover.device.model.as_alias("model"),
            Handover.client,
            Handover.client.code.as_alias("client_code"),
            Handover.client._.counsellor._.display_name.as_alias("counsellor_name"),
            Handover.client._.site._.code.as_alias("site_code"),
            Handover.handed_over_on,
            Handover.due_on,
        )
        .where(
            (Handover.kind == HandoverKind.LOAN.value)
            & Handover.returned_on.is_null()
            & (Handover.due_on < day)
        )
        .order_by(Handover.due_on)
    )
    if not sees_every_site(actor):
        query = query.where(Handover.client.site == (actor.site_id if actor.site_id is not None else -1))
    rows = [cast(OverdueLoanRow, {**row, "days_overdue": (day - row["due_on"]).days}) for row in await query]
    await log_access(engine, actor, AccessAction.READ, [row["client"] for row in rows], purpose)
    return rows
