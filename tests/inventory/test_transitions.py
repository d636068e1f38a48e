"""Lifecycle steps against the real database: state, event and side records change together or not at all."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from inventory.actors import Actor
from inventory.clients.allocation import allocation_step
from inventory.clock import today
from inventory.devices.erasures import ErasedDisk, ErasureRecord
from inventory.devices.facts import load_facts
from inventory.devices.tables import Device, DeviceEvent, Disk, Erasure
from inventory.devices.transitions import TransitionRequest, transition
from inventory.errors import Forbidden, InvalidInput, LifecycleRefused
from inventory.lifecycle import ALLOCATION_ACTIONS, Action, State
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories

SYSTEM = Actor.system("tests")


async def _device(tag: str) -> dict[str, Any]:
    row = await Device.select().where(Device.asset_tag == tag).first()
    assert row is not None
    return row


async def _events(tag: str) -> list[dict[str, Any]]:
    device = await _device(tag)
    return list(await DeviceEvent.select().where(DeviceEvent.device == device["id"]).order_by(DeviceEvent.id))


async def _step(db: Any, tag: str, action: Action, actor: Actor = SYSTEM, **request: Any) -> Any:
    """A step as the routes take it: allocation steps through the client area's service."""
    if action in ALLOCATION_ACTIONS:
        return (
            await allocation_step(db, tag, action, actor, get_settings(), TransitionRequest(**request))
        ).transition
    return await transition(db, tag, action, actor, get_settings(), TransitionRequest(**request))


@pytest.mark.parametrize("action", sorted(ALLOCATION_ACTIONS))
async def test_the_plain_transition_refuses_an_allocation_step(db: Any, action: Action) -> None:
    """Only the allocation service takes steps that concern a client, with its records beside them."""
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await factories.bring_to(db, tag, State.READY)
    with pytest.raises(ValueError, match=r"clients\.allocation"):
        await transition(
            db, tag, action, SYSTEM, get_settings(), TransitionRequest(client_id=await factories.client())
        )
    assert (await _device(tag))["state"] == State.READY


async def test_intake_gives_tags_in_sequence_with_an_event_each(db: Any) -> None:
    created = await factories.donation(db, devices=3)
    numbers = [int(tag.split("-")[1]) for tag in created.asset_tags]
    assert numbers == [1, 2, 3]
    for tag in created.asset_tags:
        events = await _events(tag)
        assert [(e["action"], e["from_state"], e["to_state"]) for e in events] == [
            ("intake", None, "received")
        ]


async def test_the_whole_way_from_intake_to_handover(db: Any) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    client_id = await factories.client()
    await factories.bring_to(db, tag, State.HANDED_OVER, client_id=client_id)
    device = await _device(tag)
    assert device["state"] == State.HANDED_OVER
    assert device["holder"] == client_id
    assert device["reserved_for"] is None
    actions = [e["action"] for e in await _events(tag)]
    assert actions == [
        "intake",
        "start_wipe",
        "wipe_passed",
        "start_provisioning",
        "provisioned",
        "reserve",
        "hand_over",
    ]
    erasure = await Erasure.select().where(Erasure.device == device["id"]).first()
    assert erasure is not None
    assert erasure["passed"]
    assert erasure["certificate_number"] == f"E-{today().year}-000001"


async def test_a_refused_step_changes_nothing(db: Any) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    with pytest.raises(LifecycleRefused) as refused:
        await _step(db, tag, Action.START_PROVISIONING)
    assert refused.value.refusal.code == "wrong_state"
    assert "vastaanotettu" in refused.value.text("fi")
    assert (await _device(tag))["state"] == State.RECEIVED
    assert len(await _events(tag)) == 1


async def test_wipe_passed_that_misses_a_disk_writes_no_erasure(db: Any) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    device = await _device(tag)
    await Disk.insert(Disk(device=device["id"], model="second disk", serial="EXTRA1"))
    await _step(db, tag, Action.START_WIPE)
    full = await factories.erasure_of_all_disks(tag)
    partial = ErasureRecord(disks=full.disks[:1], method="zero-fill", tool="kierto-wipe")
    with pytest.raises(LifecycleRefused) as refused:
        await _step(db, tag, Action.WIPE_PASSED, erasure=partial)
    assert refused.value.refusal.code == "disks_not_erased"
    assert await Erasure.count().where(Erasure.device == device["id"]) == 0
    assert (await _device(tag))["state"] == State.WIPING


async def test_an_unverified_disk_does_not_count_as_erased(db: Any) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await _step(db, tag, Action.START_WIPE)
    full = await factories.erasure_of_all_disks(tag)
    unverified = ErasureRecord(
        disks=tuple(ErasedDisk(disk_id=d.disk_id, verified=False) for d in full.disks),
        method="zero-fill",
        tool="t",
    )
    with pytest.raises(LifecycleRefused):
        await _step(db, tag, Action.WIPE_PASSED, erasure=unverified)


async def test_an_erasure_naming_another_devices_disk_is_refused(db: Any) -> None:
    first, second = (await factories.donation(db, devices=2)).asset_tags
    await _step(db, first, Action.START_WIPE)
    foreign = await factories.erasure_of_all_disks(second)
    with pytest.raises(InvalidInput) as refused:
        await _step(db, first, Action.WIPE_PASSED, erasure=foreign)
    assert refused.value.field == "erasure.disks"
    assert await Erasure.count() == 0


@pytest.mark.parametrize(
    ("action", "field"),
    [(Action.HOLD, "reason"), (Action.SCRAP, "recycler_reference"), (Action.RESERVE, "client_id")],
)
async def test_a_missing_field_is_named(db: Any, action: Action, field: str) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    with pytest.raises(InvalidInput) as refused:
        await _step(db, tag, action)
    assert refused.value.field == field


async def test_hold_remembers_where_the_device_was(db: Any) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await factories.bring_to(db, tag, State.WIPED)
    await _step(db, tag, Action.HOLD, reason="screen cracked, waiting for a part")
    assert (await _device(tag))["state_before_hold"] == State.WIPED
    result = await _step(db, tag, Action.RELEASE_HOLD)
    assert result.decision.target is State.WIPED
    assert (await _device(tag))["state_before_hold"] is None


async def test_scrap_records_the_recycler_reference(db: Any) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await _step(db, tag, Action.SCRAP, recycler_reference="Kuusakoski 2026-118")
    event = (await _events(tag))[-1]
    assert event["action"] == "scrap"
    assert json.loads(event["details"])["recycler_reference"] == "Kuusakoski 2026-118"


async def test_a_returned_loan_must_be_wiped_again(db: Any) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    client_id = await factories.client()
    await factories.bring_to(db, tag, State.ON_LOAN, client_id=client_id)
    assert (await _device(tag))["loan_due_on"] == today() + dt.timedelta(days=30)
    await _step(db, tag, Action.RETURN)
    device = await _device(tag)
    assert (device["state"], device["cycle"], device["holder"], device["loan_due_on"]) == (
        State.RECEIVED,
        2,
        None,
        None,
    )
    # The erasure of the first round no longer counts: the client's data must be erased.
    facts = await load_facts(device["id"])
    assert facts.disk_ids
    assert not facts.erased_disk_ids
    await _step(db, tag, Action.START_WIPE)
    await _step(db, tag, Action.WIPE_PASSED, erasure=await factories.erasure_of_all_disks(tag))
    assert await Erasure.count().where(Erasure.device == device["id"]) == 2


async def test_no_handover_to_another_client_than_the_reserved_one(db: Any) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    reserved_for, other = await factories.client(), await factories.client()
    await factories.bring_to(db, tag, State.RESERVED, client_id=reserved_for)
    with pytest.raises(LifecycleRefused) as refused:
        await _step(db, tag, Action.HAND_OVER, client_id=other)
    assert refused.value.refusal.code == "reserved_for_other"


async def test_orientation_must_be_complete_unless_a_coordinator_overrides(db: Any) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    client_id = await factories.client(oriented=False)
    await factories.bring_to(db, tag, State.RESERVED, client_id=client_id)
    counsellor = await factories.user(Role.COUNSELLOR)
    coordinator = await factories.user(Role.COORDINATOR)
    with pytest.raises(LifecycleRefused) as refused:
        await _step(db, tag, Action.HAND_OVER, counsellor, client_id=client_id)
    assert refused.value.refusal.code == "orientation_incomplete"
    with pytest.raises(LifecycleRefused) as refused:
        await _step(db, tag, Action.HAND_OVER, counsellor, client_id=client_id, override_reason="urgent")
    assert refused.value.refusal.code == "override_not_allowed"
    await _step(
        db,
        tag,
        Action.HAND_OVER,
        coordinator,
        client_id=client_id,
        override_reason="Did the course at the library",
    )
    event = (await _events(tag))[-1]
    assert event["actor"] == f"user:{coordinator.username}"
    assert "Did the course at the library" in str(event["details"])


async def test_a_trainee_may_not_reserve(db: Any) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await factories.bring_to(db, tag, State.READY)
    trainee = await factories.user(Role.TRAINEE)
    with pytest.raises(Forbidden):
        await _step(db, tag, Action.RESERVE, trainee, client_id=await factories.client())
    assert (await _device(tag))["state"] == State.READY


async def test_a_loan_due_date_in_the_past_is_refused(db: Any) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    client_id = await factories.client()
    await factories.bring_to(db, tag, State.RESERVED, client_id=client_id)
    with pytest.raises(InvalidInput) as refused:
        await _step(db, tag, Action.LEND, client_id=client_id, due_on=today())
    assert refused.value.field == "due_on"
