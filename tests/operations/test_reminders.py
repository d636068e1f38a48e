"""Client-side jobs: overdue loans and ending reservations to the counsellor, stuck devices to the
site's coordinators (once each), expired reservations released, the retention purge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inventory.accounts.tables import User
from inventory.clients.reservations import reserve_device
from inventory.clients.tables import Client, Reservation
from inventory.clock import now, today
from inventory.devices.tables import Device
from inventory.lifecycle import State
from inventory.operations.notifications.tables import Notification
from inventory.operations.reminders.overdue import notify_overdue_loans
from inventory.operations.reminders.reservations import notify_expiring_reservations
from inventory.operations.reminders.stuck import notify_stuck_devices
from inventory.operations.scheduled_jobs import JOBS
from inventory.operations.scheduling.job_definition import JobContext
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories
from tests.clients.helpers import NAME, new_client, person, ready_device
from tests.operations.helpers import operations


def context(db: Any, name: str, **values: Any) -> JobContext:
    job = next(job for job in JOBS if job.name == name)
    return job.context(db, get_settings(), operations(**values))


async def _lend(db: Any, counsellor_id: int | None, due_in_days: int, site: str = "JNS") -> str:
    counsellor = None
    if counsellor_id is not None:
        counsellor = next(a for a in [await _actor(counsellor_id)])
    client_id = await factories.client(site_code=site, counsellor=counsellor)
    tag = (await factories.donation(db, devices=1, site_code=site)).asset_tags[0]
    await factories.bring_to(db, tag, State.ON_LOAN, client_id=client_id)
    await Device.update({Device.loan_due_on: today() + dt.timedelta(days=due_in_days)}).where(
        Device.asset_tag == tag
    )
    return tag


async def _actor(user_id: int) -> Any:
    from inventory.accounts.users import actor_from_row

    row = await User.select().where(User.id == user_id).first()
    assert row is not None
    return actor_from_row(row)


async def _notices(kind: str) -> list[dict[str, Any]]:
    return list(
        await Notification.select()
        .where(Notification.kind == kind)
        .order_by(Notification.id)
        .output(load_json=True)
    )


async def test_an_overdue_loan_reaches_the_clients_counsellor_once(db: Any) -> None:
    counsellor = await factories.user(Role.COUNSELLOR)
    other = await factories.user(Role.COUNSELLOR)
    trainee = await factories.user(Role.TRAINEE)
    assert counsellor.user_id is not None
    overdue = await _lend(db, counsellor.user_id, due_in_days=-3)
    await _lend(db, counsellor.user_id, due_in_days=5)  # not due yet
    first = await notify_overdue_loans(context(db, "overdue_loans"))
    again = await notify_overdue_loans(context(db, "overdue_loans"))
    assert first == {"overdue": 1, "notified": 1}
    assert again == {"overdue": 1, "notified": 0}
    [notice] = await _notices("loan_overdue")
    assert notice["user"] == counsellor.user_id
    assert notice["params"]["tag"] == overdue
    assert notice["params"]["client_code"].startswith("K-")
    assert set(notice["params"]) == {"tag", "client_code", "due_on"}  # never a name or contact details
    assert notice["link"] == f"/devices/{overdue}"
    assert other.user_id != notice["user"] != trainee.user_id


async def test_a_new_due_date_is_a_new_reminder(db: Any) -> None:
    counsellor = await factories.user(Role.COUNSELLOR)
    assert counsellor.user_id is not None
    tag = await _lend(db, counsellor.user_id, due_in_days=-1)
    await notify_overdue_loans(context(db, "overdue_loans"))
    await Device.update({Device.loan_due_on: today() - dt.timedelta(days=10)}).where(Device.asset_tag == tag)
    assert (await notify_overdue_loans(context(db, "overdue_loans")))["notified"] == 1


async def test_a_loan_without_an_active_counsellor_goes_to_the_sites_coordinators(db: Any) -> None:
    counsellor = await factories.user(Role.COUNSELLOR)
    coordinator = await factories.user(Role.COORDINATOR, site_code="JNS")
    elsewhere = await factories.user(Role.COORDINATOR, site_code="THJ")
    assert counsellor.user_id is not None
    await _lend(db, counsellor.user_id, due_in_days=-2)
    await User.update({User.is_active: False}).where(User.id == counsellor.user_id)  # left since
    await notify_overdue_loans(context(db, "overdue_loans"))
    assert [n["user"] for n in await _notices("loan_overdue")] == [coordinator.user_id]
    assert elsewhere.user_id not in [n["user"] for n in await _notices("loan_overdue")]


async def _age(tag: str, days: int) -> None:
    await Device.update({Device.state_changed_at: now() - dt.timedelta(days=days)}).where(
        Device.asset_tag == tag
    )


async def test_stuck_devices_are_reported_to_the_sites_coordinators_once_per_stay(db: Any) -> None:
    coordinator = await factories.user(Role.COORDINATOR, site_code="JNS")
    trainee = await factories.user(Role.TRAINEE, site_code="JNS")
    admin = await factories.user(Role.ADMIN, site_code="JNS")
    other_site = await factories.user(Role.COORDINATOR, site_code="THJ")
    tags = (await factories.donation(db, devices=3)).asset_tags
    await factories.bring_to(db, tags[1], State.WIPING)
    await _age(tags[0], 20)  # received for 20 days: over the 14-day threshold
    await _age(tags[1], 3)  # wiping for 3 days: over the 2-day threshold
    await _age(tags[2], 5)  # received for 5 days: fine
    result = await notify_stuck_devices(context(db, "stuck_devices"))
    assert result == {"stuck": 2, "new": 2, "notified": 1}
    [notice] = await _notices("devices_stuck")
    assert notice["user"] == coordinator.user_id
    assert notice["params"]["count"] == 2
    assert {d["tag"] for d in notice["params"]["devices"]} == {tags[0], tags[1]}
    assert {trainee.user_id, admin.user_id, other_site.user_id}.isdisjoint({notice["user"]})
    assert await notify_stuck_devices(context(db, "stuck_devices")) == {"stuck": 2, "new": 0, "notified": 0}
    # Moving on and getting stuck again is a new stay, reported again.
    await factories.bring_to(db, tags[0], State.WIPING)
    await _age(tags[0], 4)
    again = await notify_stuck_devices(context(db, "stuck_devices"))
    assert again == {"stuck": 2, "new": 1, "notified": 1}


async def test_thresholds_come_from_the_setting_and_a_site_without_coordinators_tells_the_admins(
    db: Any,
) -> None:
    admin = await factories.user(Role.ADMIN, site_code="JNS")
    tag = (await factories.donation(db, devices=1, site_code="THJ")).asset_tags[0]
    await _age(tag, 3)
    assert (await notify_stuck_devices(context(db, "stuck_devices")))["stuck"] == 0
    result = await notify_stuck_devices(context(db, "stuck_devices", stuck_days={"received": 2}))
    assert result["notified"] == 1
    assert [n["user"] for n in await _notices("devices_stuck")] == [admin.user_id]


async def test_a_reservation_ending_tomorrow_reaches_the_counsellor_once_per_end(db: Any) -> None:
    settings = get_settings()
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    soon, later = await ready_device(db), await ready_device(db)
    for tag in (soon, later):
        await reserve_device(db, client_id, tag, counsellor, settings)
    await _move_reservation_end(soon, now() + dt.timedelta(hours=20))
    first = await notify_expiring_reservations(context(db, "reservation_reminders"))
    assert first == {"expiring": 1, "notified": 1}
    assert (await notify_expiring_reservations(context(db, "reservation_reminders")))["notified"] == 0
    [notice] = await _notices("reservation_expiring")
    assert notice["user"] == counsellor.user_id
    assert notice["params"]["tag"] == soon
    assert set(notice["params"]) == {"tag", "client_code", "ends_on"}  # a code, never a name
    assert NAME not in str(notice)
    # A renewed reservation that is about to end again is a new reminder.
    await _move_reservation_end(soon, now() + dt.timedelta(hours=10))
    assert (await notify_expiring_reservations(context(db, "reservation_reminders")))["notified"] == 1


async def test_the_release_job_puts_a_run_out_reservation_back_on_the_shelf(db: Any) -> None:
    settings = get_settings()
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    expired, current = await ready_device(db), await ready_device(db)
    for tag in (expired, current):
        await reserve_device(db, client_id, tag, counsellor, settings)
    await _move_reservation_end(expired, now() - dt.timedelta(minutes=1))
    job = next(job for job in JOBS if job.name == "release_reservations")
    assert await job.run(context(db, "release_reservations")) == 1
    assert await job.run(context(db, "release_reservations")) == 0
    states = {
        row["asset_tag"]: row["state"]
        for row in await Device.select(Device.asset_tag, Device.state).where(
            Device.asset_tag.is_in([expired, current])
        )
    }
    assert states == {expired: State.READY.value, current: State.RESERVED.value}


async def test_the_retention_job_anonymises_clients_whose_time_is_up(db: Any) -> None:
    counsellor = await person()
    old = await new_client(db, counsellor, oriented=False)
    recent = await new_client(db, counsellor, oriented=False, name="Tuore Asiakas")
    await Client.update({Client.created_at: now() - dt.timedelta(days=800)}).where(Client.id == old)
    job = next(job for job in JOBS if job.name == "retention_purge")
    assert await job.run(context(db, "retention_purge")) == 1
    assert await job.run(context(db, "retention_purge")) == 0
    rows = await Client.select(Client.id, Client.full_name, Client.anonymised_at).order_by(Client.id)
    assert [(r["id"], r["full_name"], r["anonymised_at"] is not None) for r in rows] == [
        (old, "", True),
        (recent, "Tuore Asiakas", False),
    ]


async def _move_reservation_end(tag: str, ends: dt.datetime) -> None:
    device = await Device.select(Device.id).where(Device.asset_tag == tag).first()
    assert device is not None
    await Reservation.update({Reservation.expires_at: ends}).where(
        (Reservation.device == device["id"]) & Reservation.ended_at.is_null()
    )
