"""The one use case that changes a device's state: guard, change and event in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from inventory.actors import Actor
from inventory.clock import now, today
from inventory.database import AnyEngine, write_transaction
from inventory.devices.erasures import ErasureRecord, check_erasure, record_erasure
from inventory.devices.events import record_event
from inventory.devices.facts import load_facts
from inventory.devices.reach import no_such_device
from inventory.devices.tables import Device
from inventory.errors import Conflict, Forbidden, InvalidInput, LifecycleRefused
from inventory.i18n import N_
from inventory.lifecycle import (
    ALLOCATION_ACTIONS,
    TRANSITIONS,
    Action,
    Decision,
    DeviceFacts,
    Intent,
    State,
    TransitionRefused,
    decide,
)
from inventory.settings import Settings
from inventory.sites.reach import site_in_reach


@dataclass(frozen=True)
class TransitionRequest:
    """The details a transition may need; which ones are required is declared in the lifecycle."""

    reason: str = ""
    client_id: int | None = None
    due_on: dt.date | None = None
    override_reason: str | None = None
    recycler_reference: str | None = None
    erasure: ErasureRecord | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TransitionResult:
    """What happened: the decision, the event written and the erasure created, if any."""

    device_id: int
    asset_tag: str
    decision: Decision
    event_id: int
    certificate_number: str | None = None


def _check_required(action: Action, request: TransitionRequest) -> None:
    for name in TRANSITIONS[action].required_fields:
        value = getattr(request, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InvalidInput(name, N_("This step needs the field {field}."), {"field": name})
    if action is Action.LEND and request.due_on is not None and request.due_on <= today():
        raise InvalidInput("due_on", N_("The loan's due date must be after today."))


def _intent_for(action: Action, request: TransitionRequest, allocation: Intent | None) -> Intent:
    if action in ALLOCATION_ACTIONS:
        if allocation is None:
            raise ValueError(f"{action} concerns a client: take it through inventory.clients.allocation")
        return allocation
    disks = request.erasure.disks if request.erasure else ()
    return Intent(erasure_disk_ids=frozenset(d.disk_id for d in disks if d.verified))


def _changes_for(decision: Decision, request: TransitionRequest, cycle: int) -> dict[Any, Any]:
    changes: dict[Any, Any] = {Device.state: decision.target.value, Device.state_changed_at: now()}
    match decision.action:
        case Action.RESERVE:
            changes[Device.reserved_for] = request.client_id
        case Action.RELEASE:
            changes[Device.reserved_for] = None
        case Action.HAND_OVER:
            changes.update({Device.reserved_for: None, Device.holder: request.client_id})
        case Action.LEND:
            changes.update(
                {
                    Device.reserved_for: None,
                    Device.holder: request.client_id,
                    Device.loan_due_on: request.due_on,
                }
            )
        case Action.RETURN:
            changes.update({Device.holder: None, Device.loan_due_on: None, Device.cycle: cycle + 1})
        case Action.HOLD:
            changes[Device.state_before_hold] = decision.source.value
        case Action.RELEASE_HOLD:
            changes[Device.state_before_hold] = None
        case _:
            pass
    return changes


def _event_details(decision: Decision, request: TransitionRequest, certificate: str | None) -> dict[str, Any]:
    details: dict[str, Any] = dict(request.details)
    if request.client_id is not None:
        details["client_id"] = request.client_id
    if request.due_on is not None:
        details["due_on"] = request.due_on.isoformat()
    if request.recycler_reference:
        details["recycler_reference"] = request.recycler_reference
    if decision.overridden:
        details["override_reason"] = request.override_reason
    if certificate:
        details["certificate_number"] = certificate
    return details


async def _decide(
    asset_tag: str, action: Action, actor: Actor, request: TransitionRequest, allocation: Intent | None
) -> tuple[dict[str, Any], DeviceFacts, Decision]:
    """Every check of a step, with nothing written: the device's row, its facts and the decision."""
    if not actor.may(TRANSITIONS[action].permission):
        raise Forbidden(N_("Your role does not allow this step."))
    intent = _intent_for(action, request, allocation)
    _check_required(action, request)
    device = (
        await Device.select(Device.id, Device.asset_tag, Device.state, Device.cycle, Device.site)
        .where(Device.asset_tag == asset_tag)
        .first()
    )
    if device is None or not site_in_reach(actor, device["site"]):  # another site's device: as if none
        raise no_such_device(asset_tag)
    facts = await load_facts(device["id"])
    if request.erasure is not None and action is Action.WIPE_PASSED:
        check_erasure(request.erasure, facts)
    try:
        return device, facts, decide(action, facts, intent)
    except TransitionRefused as refused:
        raise LifecycleRefused(refused.refusal) from refused


async def preview_transition(
    asset_tag: str,
    action: Action,
    actor: Actor,
    settings: Settings,  # noqa: ARG001 (the callers' signature; the guards read no setting today)
    request: TransitionRequest | None = None,
    *,
    allocation: Intent | None = None,
) -> Decision:
    """What the step would do now, or the refusal it would meet; nothing is written (for confirmations)."""
    return (await _decide(asset_tag, action, actor, request or TransitionRequest(), allocation))[2]


async def transition(
    engine: AnyEngine,
    asset_tag: str,
    action: Action,
    actor: Actor,
    settings: Settings,  # noqa: ARG001 (the callers' signature; the guards read no setting today)
    request: TransitionRequest | None = None,
    *,
    allocation: Intent | None = None,
) -> TransitionResult:
    """Take one lifecycle step on a device, or refuse with a reason; nothing is half written.

    Allocation steps (ALLOCATION_ACTIONS) come only from inventory.clients.allocation, which checks the
    client and passes what the lifecycle needs to know of them as `allocation`.
    """
    request = request or TransitionRequest()
    async with write_transaction(engine):
        device, facts, decision = await _decide(asset_tag, action, actor, request, allocation)
        certificate = None
        if action is Action.WIPE_PASSED and request.erasure is not None:
            certificate = await record_erasure(device["id"], device["cycle"], request.erasure, actor, facts)
        updated = (
            await Device.update(_changes_for(decision, request, device["cycle"]))
            .where((Device.id == device["id"]) & (Device.state == decision.source.value))
            .returning(Device.id)
        )
        if not updated:
            # Another request changed the device between our read and our write (PostgreSQL only;
            # SQLite's immediate transaction already serialised us).
            raise Conflict(N_("Someone else changed this device at the same moment. Reload and try again."))
        event_id = await record_event(
            device["id"],
            action.value,
            State(decision.source),
            decision.target,
            actor,
            reason=request.reason or (request.override_reason if decision.overridden else "") or "",
            details=_event_details(decision, request, certificate),
        )
    return TransitionResult(device["id"], device["asset_tag"], decision, event_id, certificate)
