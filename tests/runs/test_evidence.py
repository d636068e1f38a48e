"""Evidence people bring: destroyed disks with a witness, the re-verification sample, nwipe logs, the checklist."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import pytest

from inventory.actors import Actor
from inventory.choices import ConditionGrade
from inventory.clock import now
from inventory.devices.intake import NewDevice, NewDisk
from inventory.devices.tables import Device, Disk, Erasure
from inventory.devices.transitions import TransitionRequest, transition
from inventory.donations.services import NewDonation, NewDonor, create_donation, create_donor
from inventory.lifecycle import Action, State
from inventory.permissions import Role
from inventory.runs.choices import CheckResult
from inventory.runs.evidence import Checklist, grade
from inventory.runs.sampling import maybe_pick
from inventory.runs.tables import HardwareScan, ReverificationSample
from inventory.settings import Settings, get_settings
from labels.sanitisation_terms import DiskKind
from tests import factories

NWIPE = Path(__file__).parent.parent / "provisioning" / "data"
SSD_SERIAL = "S3Z9NX0K123456A"


async def _device(engine: Any, disks: tuple[NewDisk, ...]) -> str:
    site_id = await factories.site("JNS")
    donor_id = await create_donor(NewDonor(name="Lahjoittaja Oy"))
    created = await create_donation(
        engine,
        NewDonation(
            donor_id=donor_id, site_id=site_id, devices=(NewDevice(make="Lenovo", model="T480", disks=disks),)
        ),
        Actor.system("tests"),
    )
    return created.asset_tags[0]


def _ssd() -> NewDisk:
    return NewDisk(
        model="Samsung SSD 860 EVO 250GB", serial=SSD_SERIAL, size_bytes=250059350016, kind=DiskKind.SSD
    )


async def _state(tag: str) -> str:
    row = await Device.select(Device.state).where(Device.asset_tag == tag).first()
    assert row is not None
    return str(row["state"])


async def test_a_destroyed_disk_needs_another_person_as_witness_and_lets_the_device_go_on(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    trainee = await factories.user(Role.TRAINEE, username="tiina")
    await factories.user(Role.COORDINATOR, username="kalle")
    headers = {"Authorization": f"Bearer {await factories.token(trainee)}"}
    tag = await _device(
        db, (_ssd(), NewDisk(model="Old HDD", serial="WD-BROKEN1", size_bytes=10**11, kind=DiskKind.HDD))
    )
    broken = await Disk.select(Disk.id).where(Disk.serial == "WD-BROKEN1").first()
    assert broken is not None
    url = f"/api/v1/devices/{tag}/disks/{broken['id']}/destroyed"

    how = {"method": "shred", "recycler_reference": "Kuusakoski 2026-118"}
    no_method = await client.post(url, json={"witness_username": "kalle"}, headers=headers)
    assert no_method.status_code == 422, "how the disk was destroyed is required"
    alone = await client.post(url, json={**how, "witness_username": "tiina"}, headers=headers)
    assert alone.status_code == 422
    assert alone.json()["field"] == "witness"
    nobody = await client.post(url, json={**how, "witness_username": "nobody"}, headers=headers)
    assert nobody.status_code == 422
    done = await client.post(
        url, json={**how, "witness_username": "kalle", "note": "Levy ei käynnisty; porattu."}, headers=headers
    )
    assert done.status_code == 200, done.text
    again = await client.post(url, json={**how, "witness_username": "kalle"}, headers=headers)
    assert again.status_code == 409

    disk = await Disk.select().where(Disk.id == broken["id"]).first()
    assert disk is not None
    assert disk["destroyed_at"] is not None
    assert disk["destroyed_by"] == trainee.user_id
    assert "kalle" in disk["destruction_witness"]
    assert (disk["destruction_method"], disk["destruction_recycler_reference"]) == (
        "shred",
        "Kuusakoski 2026-118",
    )
    # The nwipe log covers the SSD only; with the broken disk destroyed that is every disk, so it passes.
    await Device.update({Device.created_at: dt.datetime(2026, 1, 5, tzinfo=dt.UTC)}).where(
        Device.asset_tag == tag
    )
    imported = await client.post(
        f"/api/v1/devices/{tag}/erasures/nwipe",
        json={"log": (NWIPE / "shredos-0.42-zero-fill.log").read_text()},
        headers=headers,
    )
    assert imported.status_code == 201, imported.text
    assert await _state(tag) == "wiped"
    events = (await client.get(f"/api/v1/devices/{tag}/events", headers=headers)).json()
    destroyed = next(e for e in events if e["action"] == "disk_destroyed")
    assert destroyed["reason"] == "Levy ei käynnisty; porattu."


async def test_the_sample_is_random_at_the_configured_share_and_never_falls_behind(db: Any) -> None:
    never, always, half = (Settings(reverification_share=share) for share in (0.0, 1.0, 0.5))
    created = await factories.donation(db, devices=10)
    ids = []
    for tag in created.asset_tags:
        await factories.bring_to(db, tag, State.WIPED)
        row = await Erasure.select(Erasure.id).where(Erasure.device.asset_tag == tag).first()
        assert row is not None
        ids.append(row["id"])
    assert not any([await maybe_pick(i, never) for i in ids])
    for i in ids:
        await maybe_pick(i, half)
    assert await ReverificationSample.count() >= 5, "at least half of ten, whatever the draws"
    await ReverificationSample.delete(force=True)
    assert all([await maybe_pick(i, always) for i in ids])


async def test_reverification_by_another_person_is_recorded_and_a_failure_puts_the_device_on_hold(
    db: Any, client: httpx.AsyncClient
) -> None:
    operator = await factories.user(Role.TRAINEE)
    other = await factories.user(Role.TRAINEE)
    operator_headers = {"Authorization": f"Bearer {await factories.token(operator)}"}
    other_headers = {"Authorization": f"Bearer {await factories.token(other)}"}
    tags = []
    for _ in range(2):
        tag = await _device(db, (_ssd(),))
        await transition(db, tag, Action.START_WIPE, operator, get_settings())
        await transition(
            db,
            tag,
            Action.WIPE_PASSED,
            operator,
            get_settings(),
            TransitionRequest(erasure=await factories.erasure_of_all_disks(tag)),
        )
        tags.append(tag)
        await Disk.update({Disk.serial: f"X{len(tags)}"}).where(Disk.serial == SSD_SERIAL)
    certificates = [
        row["certificate_number"]
        for row in await Erasure.select(Erasure.certificate_number).order_by(Erasure.id)
    ]
    for certificate in certificates:
        erasure = await Erasure.select(Erasure.id).where(Erasure.certificate_number == certificate).first()
        assert erasure is not None
        await maybe_pick(erasure["id"], Settings(reverification_share=1.0))
    listed = (await client.get("/api/v1/erasures/reverifications", headers=other_headers)).json()
    assert {s["certificate_number"] for s in listed} == set(certificates)

    body = {"result": "passed", "method": "Luettu 100 satunnaista lohkoa: kaikki nollia"}
    own = await client.post(
        f"/api/v1/erasures/{certificates[0]}/reverification", json=body, headers=operator_headers
    )
    assert own.status_code == 403
    ok = await client.post(
        f"/api/v1/erasures/{certificates[0]}/reverification", json=body, headers=other_headers
    )
    assert ok.status_code == 200, ok.text
    row = await Erasure.select().where(Erasure.certificate_number == certificates[0]).first()
    assert row is not None
    assert (row["reverified_by"], row["reverification_passed"]) == (other.user_id, True)
    assert row["reverification_method"] == body["method"]
    twice = await client.post(
        f"/api/v1/erasures/{certificates[0]}/reverification", json=body, headers=other_headers
    )
    assert twice.status_code == 409

    failed = await client.post(
        f"/api/v1/erasures/{certificates[1]}/reverification",
        json={"result": "failed", "method": "hexdump"},
        headers=other_headers,
    )
    assert failed.status_code == 200, failed.text
    assert await _state(tags[1]) == "on_hold"
    remaining = (await client.get("/api/v1/erasures/reverifications", headers=other_headers)).json()
    assert remaining == []


@pytest.mark.parametrize(
    ("faulty", "battery", "expected"),
    [
        ((), None, ConditionGrade.A),
        ((), 85.0, ConditionGrade.A),
        ((), 70.0, ConditionGrade.B),
        (("webcam",), 90.0, ConditionGrade.B),
        (("webcam", "microphone"), 90.0, ConditionGrade.C),
        (("keyboard",), None, ConditionGrade.C),
        ((), 40.0, ConditionGrade.C),
    ],
)
def test_the_grade_follows_the_checklist_and_the_battery(
    faulty: tuple[str, ...], battery: float | None, expected: ConditionGrade
) -> None:
    items = {
        name: (CheckResult.FAULTY if name in faulty else CheckResult.OK)
        for name in ("keyboard", "screen", "webcam", "microphone", "wifi", "usb_ports")
    }
    assert grade(Checklist(items), battery) is expected


async def test_the_checklist_with_the_scanned_battery_sets_the_condition_grade(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    headers = await headers_for(Role.TRAINEE)
    tag = await _device(db, (_ssd(),))
    device = await Device.select(Device.id).where(Device.asset_tag == tag).first()
    assert device is not None
    await HardwareScan.insert(
        HardwareScan(
            device=device["id"],
            scanned_at=now(),
            facts={"batteries": [{"health_percent": 72.5}, {"health_percent": 95.0}]},
        )
    )
    checklist = dict.fromkeys(("keyboard", "screen", "webcam", "microphone", "wifi", "usb_ports"), "ok")
    incomplete = await client.post(
        f"/api/v1/devices/{tag}/hardware-check",
        json={k: v for k, v in checklist.items() if k != "wifi"},
        headers=headers,
    )
    assert incomplete.status_code == 422
    checked = await client.post(f"/api/v1/devices/{tag}/hardware-check", json=checklist, headers=headers)
    assert checked.status_code == 200, checked.text
    assert checked.json() == {"condition_grade": "B", "battery_health": 72.5}
    assert (await client.get(f"/api/v1/devices/{tag}", headers=headers)).json()["condition_grade"] == "B"
