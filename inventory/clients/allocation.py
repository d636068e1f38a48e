"""The client side of the allocation steps: reserve, release, hand over, lend and return in one transaction.

`allocation_step` wraps the lifecycle's `transition` (the only code that changes a device's state) with
what the client area keeps beside it: the reservation and its expiry, the handover or loan with its
document number, the return of a loan, and the access-log row. Every path that takes one of these
steps (client pages, the client API, the generic device step route, the scheduler) comes through here.

Locks are taken in one order everywhere, so PostgreSQL never deadlocks: client, device, reservation,
handover, document sequence, access-log head.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from inventory.actors import Actor
from inventory.clients.choices import HandoverKind, ReservationEnd
from inventory.clients.identity_numbers import refuse_identity_codes
from inventory.clients.orientation import orientation_status
from inventory.clients.scope import lock_client, reach_client
from inventory.clients.tables import Client, Handover, Reservation
from inventory.clock import now, today
from inventory.database import AnyEngine, is_sqlite, write_transaction
from inventory.devices.reach import no_such_device
from inventory.devices.tables import Device
from inventory.devices.transitions import TransitionRequest, TransitionResult, preview_transition, transition
from inventory.documents.issuing import issue
from inventory.documents.summary import build_summary
from inventory.errors import Conflict, InvalidInput
from inventory.i18n import N_
from inventory.lifecycle import ALLOCATION_ACTIONS, Action, Decision, Intent
from inventory.permissions import Permission
from inventory.privacy.access_log import record_access
from inventory.privacy.choices import AccessAction, Purpose
from inventory.settings import Settings

CLIENT_CHOSEN = frozenset({Action.RESERVE, Action.HAND_OVER, Action.LEND})
DOCUMENT_KINDS = {HandoverKind.GIFT: "handover_certificate", HandoverKind.LOAN: "loan_agreement"}
ACCESSORIES_MAX = 20
ACCESSORY_MAX_LENGTH = 100


class NotExpired(Exception):
    """The reservation was renewed or ended meanwhile: the expiry job leaves it alone."""


@dataclass(frozen=True)
class AllocationResult:
    """What an allocation step did: the lifecycle result and the client area's rows."""

    transition: TransitionResult
    client_id: int | None
    reservation_id: int | None = None
    handover_id: int | None = None


def accessories_list(values: Any, field: str = "accessories") -> list[str]:
    """A cleaned list of accessory names (each at most 100 characters, at most 20, no duplicates)."""
    if values is None:
        return []
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise InvalidInput(field, N_("List the accessories as names."))
    cleaned = list(dict.fromkeys(" ".join(v.split()) for v in values if v.strip()))
    if len(cleaned) > ACCESSORIES_MAX:
        raise InvalidInput(field, N_("List at most {limit} accessories."), {"limit": ACCESSORIES_MAX})
    if any(len(v) > ACCESSORY_MAX_LENGTH for v in cleaned):
        raise InvalidInput(field, N_("An accessory's name is at most 100 characters."))
    refuse_identity_codes((field, v) for v in cleaned)
    return cleaned


def reservation_expiry(settings: Settings, moment: dt.datetime) -> dt.datetime:
    """When a reservation made or renewed at `moment` ends."""
    return moment + dt.timedelta(days=settings.reservation_days)


async def lock_device(engine: AnyEngine, asset_tag: str) -> None:
    """Hold the device's row until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    if not is_sqlite(engine):
        await Device.select(Device.id).where(Device.asset_tag == asset_tag).lock_rows("UPDATE")


async def device_client(asset_tag: str) -> int | None:
    """The client the device is reserved for or held by, if any (None also for an unknown tag)."""
    row = await Device.select(Device.reserved_for, Device.holder).where(Device.asset_tag == asset_tag).first()
    return (row["reserved_for"] or row["holder"]) if row else None


async def open_reservation(device_id: int) -> dict[str, Any] | None:
    """The device's reservation that has not ended, if any."""
    return await (
        Reservation.select()
        .where((Reservation.device == device_id) & Reservation.ended_at.is_null())
        .order_by(Reservation.id, ascending=False)
        .first()
    )


async def open_loan(device_id: int) -> dict[str, Any] | None:
    """The device's loan that has not come back, if any."""
    return await (
        Handover.select()
        .where(
            (Handover.device == device_id)
            & (Handover.kind == HandoverKind.LOAN.value)
            & Handover.returned_on.is_null()
        )
        .order_by(Handover.id, ascending=False)
        .output(load_json=True)
        .first()
    )


async def _end_reservation(device_id: int, ending: ReservationEnd, moment: dt.datetime) -> int | None:
    rows = (
        await Reservation.update({Reservation.ended_at: moment, Reservation.outcome: ending.value})
        .where((Reservation.device == device_id) & Reservation.ended_at.is_null())
        .returning(Reservation.id)
    )
    return int(rows[0]["id"]) if rows else None


async def _check_expired(device: dict[str, Any], settings: Settings, moment: dt.datetime) -> None:
    reservation = await open_reservation(device["id"])
    expires_at = (
        reservation["expires_at"]
        if reservation is not None
        else reservation_expiry(settings, device["state_changed_at"])
    )
    if expires_at > moment:
        raise NotExpired


def _return_details(request: TransitionRequest, loan: dict[str, Any] | None) -> TransitionRequest:
    returned = accessories_list(request.details.get("accessories"), "accessories")
    handed = list(loan["accessories"]) if loan else []
    if loan is not None:
        unknown = [a for a in returned if a not in handed]
        if unknown:
            raise InvalidInput(
                "accessories",
                N_("{accessory} was not lent with this device."),
                {"accessory": unknown[0]},
            )
    details = dict(request.details)
    details.pop("accessories", None)
    details["accessories_returned"] = returned
    details["accessories_missing"] = [a for a in handed if a not in returned]
    return dataclasses.replace(request, details=details)


async def _reach_steps_client(
    engine: AnyEngine,
    asset_tag: str,
    action: Action,
    actor: Actor,
    request: TransitionRequest,
    purpose: Purpose,
) -> int | None:
    """The step's client, checked to be in the actor's reach (another site's client answers like none).

    Every allocation step concerns a client: the one chosen for reserve, hand over and lend; the
    device's own client for release and return. One rule for all five.
    """
    client_id = request.client_id if action in CLIENT_CHOSEN else await device_client(asset_tag)
    if client_id is not None:
        await reach_client(
            engine,
            actor,
            client_id,
            purpose,
            AccessAction.CREATE if action in CLIENT_CHOSEN else AccessAction.UPDATE,
            permission=Permission.DEVICE_ALLOCATE,
        )
    return client_id


async def _client_intent(
    action: Action, request: TransitionRequest, actor: Actor, settings: Settings
) -> Intent:
    """What the lifecycle's guards need to know of the step's client (release and return need nothing)."""
    if action not in CLIENT_CHOSEN:
        return Intent()
    client = (
        await Client.select(Client.id, Client.anonymised_at).where(Client.id == request.client_id).first()
    )
    if client is None or client["anonymised_at"] is not None:
        raise InvalidInput("client_id", N_("There is no such client."))
    complete = False
    if action is not Action.RESERVE:
        complete = (await orientation_status(client["id"], settings)).complete
    return Intent(
        client_id=client["id"],
        orientation_complete=complete,
        override_reason=request.override_reason,
        may_override=actor.may(Permission.GUARD_OVERRIDE),
    )


async def preview_allocation_step(
    engine: AnyEngine,
    asset_tag: str,
    action: Action,
    actor: Actor,
    settings: Settings,
    request: TransitionRequest,
    purpose: Purpose = Purpose.DEVICE_STEP,
) -> Decision:
    """What the allocation step would do now, or the refusal it would meet; nothing is written."""
    if action not in ALLOCATION_ACTIONS:
        raise ValueError(f"{action} is not an allocation step")
    await _reach_steps_client(engine, asset_tag, action, actor, request, purpose)
    allocation = await _client_intent(action, request, actor, settings)
    return await preview_transition(asset_tag, action, actor, settings, request, allocation=allocation)


async def allocation_step(
    engine: AnyEngine,
    asset_tag: str,
    action: Action,
    actor: Actor,
    settings: Settings,
    request: TransitionRequest,
    purpose: Purpose = Purpose.DEVICE_STEP,
    ending: ReservationEnd = ReservationEnd.RELEASED,
    expired_only: bool = False,
) -> AllocationResult:
    """Take one allocation step and keep the client area's records with it, all or nothing."""
    if action not in ALLOCATION_ACTIONS:
        raise ValueError(f"{action} is not an allocation step")
    refuse_identity_codes(
        (
            ("reason", request.reason),
            ("override_reason", request.override_reason),
            ("condition_notes", str(request.details.get("condition_notes") or "")),
        )
    )
    if action in (Action.HAND_OVER, Action.LEND):
        request = dataclasses.replace(
            request,
            details={**request.details, "accessories": accessories_list(request.details.get("accessories"))},
        )
    client_id = await _reach_steps_client(engine, asset_tag, action, actor, request, purpose)
    moment = now()
    async with write_transaction(engine):
        if action in CLIENT_CHOSEN and request.client_id is not None:
            await lock_client(engine, request.client_id)
        await lock_device(engine, asset_tag)
        device = (
            await Device.select(
                Device.id, Device.reserved_for, Device.holder, Device.state, Device.state_changed_at
            )
            .where(Device.asset_tag == asset_tag)
            .first()
        )
        if device is None:
            raise no_such_device(asset_tag)
        if expired_only:
            await _check_expired(device, settings, moment)
        loan = await open_loan(device["id"]) if action is Action.RETURN else None
        if action is Action.RETURN:
            request = _return_details(request, loan)
        if action not in CLIENT_CHOSEN and (device["reserved_for"] or device["holder"]) != client_id:
            # The device's client changed after the reach check: that client was never checked.
            raise Conflict(N_("Someone else changed this device at the same moment. Reload and try again."))
        allocation = await _client_intent(action, request, actor, settings)
        result = await transition(engine, asset_tag, action, actor, settings, request, allocation=allocation)
        reservation_id = handover_id = None
        if action is Action.RESERVE:
            rows = await Reservation.insert(
                Reservation(
                    device=device["id"],
                    client=client_id,
                    reserved_by=actor.user_id,
                    reserved_at=moment,
                    expires_at=reservation_expiry(settings, moment),
                )
            ).returning(Reservation.id)
            reservation_id = int(rows[0]["id"])
        elif action is Action.RELEASE:
            reservation_id = await _end_reservation(device["id"], ending, moment)
        elif action in (Action.HAND_OVER, Action.LEND):
            kind = HandoverKind.GIFT if action is Action.HAND_OVER else HandoverKind.LOAN
            reservation_id = await _end_reservation(
                device["id"],
                ReservationEnd.HANDED_OVER if kind is HandoverKind.GIFT else ReservationEnd.LENT,
                moment,
            )
            handover_id = await _record_handover(result, kind, request, actor, settings, moment)
        elif loan is not None:
            handover_id = int(loan["id"])
            await Handover.update(
                {
                    Handover.returned_on: today(),
                    Handover.return_condition_notes: str(
                        request.details.get("condition_notes") or ""
                    ).strip(),
                    Handover.accessories_returned: request.details["accessories_returned"],
                    Handover.returned_by: actor.user_id,
                }
            ).where(Handover.id == handover_id)
        if client_id is not None:
            action_done = AccessAction.CREATE if action in CLIENT_CHOSEN else AccessAction.UPDATE
            await record_access(actor, action_done, [client_id], purpose, detail=action.value)
    return AllocationResult(result, client_id, reservation_id, handover_id)


async def _record_handover(
    result: TransitionResult,
    kind: HandoverKind,
    request: TransitionRequest,
    actor: Actor,
    settings: Settings,
    moment: dt.datetime,
) -> int:
    handed_over_on = today()
    device = await Device.select(Device.make, Device.model).where(Device.id == result.device_id).first()
    assert device is not None
    due_on = request.due_on if kind is HandoverKind.LOAN else None
    # What the public verification page shows to compare with the paper: never the client's name.
    summary = build_summary(
        asset_tag=result.asset_tag,
        device=f"{device['make']} {device['model']}".strip() or None,
        date=handed_over_on.isoformat(),
        agreement="loan" if kind is HandoverKind.LOAN else "gift",
        due_on=due_on.isoformat() if due_on else None,
        organisation=settings.organisation_name,
    )
    document = await issue(
        DOCUMENT_KINDS[kind],
        f"device-event:{result.event_id}",
        {"device": result.asset_tag, "date": handed_over_on.isoformat(), "summary": summary},
        actor,
        settings.resolved_secret_key(),
    )
    rows = await Handover.insert(
        Handover(
            device=result.device_id,
            client=request.client_id,
            kind=kind.value,
            handed_over_on=handed_over_on,
            due_on=request.due_on if kind is HandoverKind.LOAN else None,
            accessories=list(request.details.get("accessories") or []),
            counsellor=actor.user_id,
            counsellor_name=(actor.display_name or actor.label)[:100],
            event_id=result.event_id,
            document_number=document.number,
            created_at=moment,
        )
    ).returning(Handover.id)
    return int(rows[0]["id"])
