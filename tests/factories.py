"""Test data built through the real services, so tests start from states the application can reach."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from inventory.accounts.api_tokens import issue_token
from inventory.accounts.users import NewUser, authenticate, create_user
from inventory.actors import Actor
from inventory.choices import DeviceKind, TokenScope
from inventory.clients.allocation import allocation_step
from inventory.clients.orientation_sessions import SessionInput, add_session
from inventory.clients.services import NewClient, create_client
from inventory.clock import today
from inventory.devices.erasures import ErasedDisk, ErasureRecord
from inventory.devices.facts import load_facts
from inventory.devices.intake import NewDevice, NewDisk
from inventory.devices.tables import Device
from inventory.devices.transitions import TransitionRequest, transition
from inventory.donations.services import DonationCreated, NewDonation, NewDonor, create_donation, create_donor
from inventory.i18n import Language
from inventory.lifecycle import ALLOCATION_ACTIONS, Action, State
from inventory.permissions import Role
from inventory.settings import get_settings
from inventory.sites.services import create_site
from inventory.sites.tables import Site
from labels.sanitisation_terms import DiskKind

PASSWORD = "correct-horse-battery"
_serials = itertools.count(1)


async def site(code: str = "JNS", name: str = "Joensuu") -> int:
    """A site, created once per code."""
    row = await Site.select(Site.id).where(Site.code == code).first()
    return int(row["id"]) if row else await create_site(code, name)


async def user(
    role: Role, username: str | None = None, site_code: str = "JNS", language: Language = Language.FI
) -> Actor:
    """A user of the role (at a site), returned as the actor they log in as."""
    await site(site_code)
    name = username or f"{role.value}-{next(_serials)}"
    await create_user(
        NewUser(
            username=name,
            display_name=name.title(),
            role=role,
            password=PASSWORD,
            site_code=site_code,
            language=language,
        )
    )
    actor = await authenticate(name, PASSWORD)
    assert actor is not None
    return actor


async def token(actor: Actor, scope: TokenScope = TokenScope.READ_WRITE) -> str:
    """A bearer token for the actor."""
    assert actor.user_id is not None
    return (await issue_token(actor.user_id, "tests", scope)).secret


def laptop(serial: str | None = None, disks: int = 1, model: str = "ThinkPad T480") -> NewDevice:
    """A laptop with its disks, each with a unique serial."""
    number = next(_serials)
    return NewDevice(
        kind=DeviceKind.LAPTOP,
        make="Lenovo",
        model=model,
        serial=serial or f"PF{number:06d}",
        cpu="Intel Core i5-8250U",
        ram_mb=8192,
        disks=tuple(
            NewDisk(
                model="Samsung PM981", serial=f"S4{number:06d}{i}", size_bytes=256 * 10**9, kind=DiskKind.NVME
            )
            for i in range(disks)
        ),
    )


async def donation(
    engine: Any, devices: int = 3, site_code: str = "JNS", actor: Actor | None = None
) -> DonationCreated:
    """A donation of `devices` laptops from a new donor."""
    site_id = await site(site_code)
    donor_id = await create_donor(NewDonor(name=f"Donor {next(_serials)} Oy"))
    return await create_donation(
        engine,
        NewDonation(donor_id=donor_id, site_id=site_id, devices=tuple(laptop() for _ in range(devices))),
        actor or Actor.system("tests"),
    )


async def client(
    site_code: str = "JNS",
    counsellor: Actor | None = None,
    oriented: bool = True,
    full_name: str = "Testi Asiakas",
    language: Language = Language.FI,
) -> int:
    """A client registered through the service (with a completed orientation unless told otherwise)."""
    from inventory.piccolo_conf import DB

    site_id = await site(site_code)
    client_id = await create_client(
        DB,
        NewClient(
            full_name=full_name,
            consent_recorded_on=today(),
            language=language,
            counsellor_id=counsellor.user_id if counsellor else None,
            site_id=site_id,
        ),
        Actor.system("tests"),
    )
    if oriented:
        await orient(client_id)
    return client_id


async def orient(client_id: int) -> None:
    """Record orientation sessions that meet the configured completion criteria."""
    from inventory.piccolo_conf import DB

    settings = get_settings()
    sessions = max(1, settings.orientation_min_sessions)
    minutes = max(1, -(-settings.orientation_min_minutes // sessions))
    for _ in range(sessions):
        await add_session(
            DB,
            client_id,
            SessionInput(
                held_on=today() - dt.timedelta(days=1),
                minutes=minutes,
                topics=tuple(settings.orientation_required_topics) or ("power_login",),
            ),
            Actor.system("tests"),
        )


async def erasure_of_all_disks(asset_tag: str) -> ErasureRecord:
    """An erasure record that covers every disk of the device."""
    device = await Device.select(Device.id).where(Device.asset_tag == asset_tag).first()
    assert device is not None
    facts = await load_facts(device["id"])
    return ErasureRecord(
        disks=tuple(ErasedDisk(disk_id=d, verified=True, method="zero-fill") for d in sorted(facts.disk_ids)),
        method="zero-fill",
        tool="kierto-wipe",
        tool_version="1.0",
        verification_method="full read",
        verification_result="all zero",
    )


PATH_TO: dict[State, tuple[Action, ...]] = {
    State.RECEIVED: (),
    State.WIPING: (Action.START_WIPE,),
    State.WIPED: (Action.START_WIPE, Action.WIPE_PASSED),
    State.WIPE_FAILED: (Action.START_WIPE, Action.WIPE_FAILED),
    State.PROVISIONING: (Action.START_WIPE, Action.WIPE_PASSED, Action.START_PROVISIONING),
    State.PROVISIONING_FAILED: (
        Action.START_WIPE,
        Action.WIPE_PASSED,
        Action.START_PROVISIONING,
        Action.PROVISIONING_FAILED,
    ),
    State.READY: (Action.START_WIPE, Action.WIPE_PASSED, Action.START_PROVISIONING, Action.PROVISIONED),
}


async def bring_to(engine: Any, asset_tag: str, state: State, client_id: int | None = None) -> None:
    """Walk a received device along the lifecycle to `state`, as the system would.

    Reserve, hand over and lend go through the client area's allocation service, so the reservation,
    handover and document rows exist as they do for a real device.
    """
    actor = Actor.system("tests")
    settings = get_settings()
    extra: tuple[Action, ...] = ()
    base = state
    if state in (State.RESERVED, State.HANDED_OVER, State.ON_LOAN):
        base, extra = (
            State.READY,
            {
                State.RESERVED: (Action.RESERVE,),
                State.HANDED_OVER: (Action.RESERVE, Action.HAND_OVER),
                State.ON_LOAN: (Action.RESERVE, Action.LEND),
            }[state],
        )
    for action in (*PATH_TO[base], *extra):
        request = TransitionRequest(
            reason="test",
            client_id=client_id,
            due_on=today() + dt.timedelta(days=30),
            erasure=await erasure_of_all_disks(asset_tag) if action is Action.WIPE_PASSED else None,
        )
        if action in ALLOCATION_ACTIONS:
            await allocation_step(engine, asset_tag, action, actor, settings, request)
        else:
            await transition(engine, asset_tag, action, actor, settings, request)
