"""The device page's evidence forms call the same services as the API: an nwipe log with a drive to pair,
a disk completed, removed or destroyed; and the coordinators' sign-off page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx

from inventory.actors import Actor
from inventory.devices.intake import NewDevice, NewDisk
from inventory.devices.tables import Device, DeviceEvent, Disk, Erasure
from inventory.donations.services import NewDonation, NewDonor, create_donation, create_donor
from inventory.i18n import Language
from inventory.permissions import Role
from labels.sanitisation_terms import DiskKind
from tests import factories

LOG = Path(__file__).parent.parent / "provisioning" / "data" / "shredos-0.42-zero-fill.log"


async def _device(db: Any, *disks: NewDisk) -> str:
    site_id = await factories.site("JNS")
    donor_id = await create_donor(NewDonor(name="Lahjoittaja Oy"))
    created = await create_donation(
        db,
        NewDonation(
            donor_id=donor_id, site_id=site_id, devices=(NewDevice(make="Lenovo", model="T480", disks=disks),)
        ),
        Actor.system("tests"),
    )
    tag = created.asset_tags[0]
    await Device.update({Device.created_at: dt.datetime(2026, 1, 5, tzinfo=dt.UTC)}).where(
        Device.asset_tag == tag
    )
    return tag


async def _html(headers_for: Any, role: Role = Role.TRAINEE) -> dict[str, str]:
    return {**await headers_for(role, language=Language.EN), "accept": "text/html"}


async def test_a_log_whose_drive_cannot_be_matched_is_paired_on_the_device_page(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    # A donor's list gave the disk's size but no serial: the trainee says which drive of the log it is.
    tag = await _device(db, NewDisk(model="", serial=None, size_bytes=250059350016, kind=DiskKind.SSD))
    disk = await Disk.select(Disk.id).first()
    assert disk is not None
    headers = await _html(headers_for)
    page = await client.get(f"/devices/{tag}", headers=headers)
    assert 'action="/devices/' in page.text
    assert "Upload an nwipe log" in page.text
    files = {"file": ("nwipe.log", LOG.read_bytes(), "text/plain")}
    asked = await client.post(f"/devices/{tag}/nwipe", files=files, headers=headers)
    assert asked.status_code == 422
    assert "Choose which disk of this device each drive of the log is (/dev/sda)" in asked.text
    assert 'name="pair_drive" value="/dev/sda"' in asked.text
    assert 'name="log_text"' in asked.text, "the log comes back with the pairing form"
    paired = await client.post(
        f"/devices/{tag}/nwipe",
        data={"log_text": LOG.read_text(), "pair_drive": "/dev/sda", "pair_disk": str(disk["id"])},
        files={"file": ("", b"", "application/octet-stream")},
        headers=headers,
    )
    assert paired.status_code == 303, paired.text
    erasure = await Erasure.select(Erasure.evidence).output(load_json=True).first()
    assert erasure is not None
    assert erasure["evidence"]["pairs"] == {"/dev/sda": disk["id"]}
    completed = await Disk.select(Disk.serial).first()
    assert completed is not None
    assert completed["serial"] == "S3Z9NX0K123456A", "the serial the log read completes the donor's record"


async def test_a_disk_is_completed_removed_or_destroyed_from_the_device_page(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    tag = await _device(
        db,
        NewDisk(model="", serial=None, size_bytes=None, kind=DiskKind.OTHER),
        NewDisk(model="Twice", serial=None, size_bytes=None, kind=DiskKind.OTHER),
        NewDisk(model="Broken HDD", serial="WD-BROKEN1", size_bytes=10**12, kind=DiskKind.HDD),
    )
    first, twice, broken = [row["id"] for row in await Disk.select(Disk.id).order_by(Disk.id)]
    headers = await _html(headers_for)
    completed = await client.post(
        f"/devices/{tag}/disks/{first}",
        data={"serial": "S4EVNX0M123456", "model": "Samsung 970 EVO", "size_gb": "500", "kind": "nvme"},
        headers=headers,
    )
    assert completed.status_code == 303, completed.text
    row = await Disk.select().where(Disk.id == first).first()
    assert row is not None
    assert (row["serial"], row["size_bytes"], row["kind"]) == ("S4EVNX0M123456", 500 * 10**9, "nvme")
    no_reason = await client.post(
        f"/devices/{tag}/disks/{twice}/removal", data={"reason": ""}, headers=headers
    )
    assert no_reason.status_code == 422
    removed = await client.post(
        f"/devices/{tag}/disks/{twice}/removal", data={"reason": "Recorded twice."}, headers=headers
    )
    assert removed.status_code == 303
    assert not await Disk.exists().where(Disk.id == twice)
    await factories.user(Role.COORDINATOR, username="kalle")
    destroyed = await client.post(
        f"/devices/{tag}/disks/{broken}/destroyed",
        data={"method": "shred", "witness_username": "kalle", "recycler_reference": "KS-118"},
        headers=headers,
    )
    assert destroyed.status_code == 303, destroyed.text
    row = await Disk.select().where(Disk.id == broken).first()
    assert row is not None
    assert (row["destruction_method"], row["destruction_recycler_reference"]) == ("shred", "KS-118")
    again = await client.post(f"/devices/{tag}/disks/{broken}", data={"serial": "X"}, headers=headers)
    assert again.status_code == 409, "a destroyed disk's record is evidence"
    actions = [row["action"] for row in await DeviceEvent.select(DeviceEvent.action).order_by(DeviceEvent.id)]
    assert actions[-3:] == ["disk_corrected", "disk_removed", "disk_destroyed"]


async def test_the_sign_off_page_lists_erasures_and_signs_them_off(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    tag = await _device(
        db,
        NewDisk(
            model="Samsung SSD 860 EVO 250GB",
            serial="S3Z9NX0K123456A",
            size_bytes=250059350016,
            kind=DiskKind.HDD,
        ),
    )
    trainee = {"Authorization": f"Bearer {await factories.token(await factories.user(Role.TRAINEE))}"}
    imported = await client.post(
        f"/api/v1/devices/{tag}/erasures/nwipe", json={"log": LOG.read_text()}, headers=trainee
    )
    assert imported.status_code == 201, imported.text
    number = imported.json()["certificate_number"]
    coordinator = await _html(headers_for, Role.COORDINATOR)
    page = await client.get("/erasures/sign-off", headers=coordinator)
    assert page.status_code == 200
    assert number in page.text
    assert (await client.get("/erasures/sign-off", headers=await _html(headers_for))).status_code == 403
    untitled = await client.post(
        "/erasures/sign-off", data={"number": number, "title": ""}, headers=coordinator
    )
    assert untitled.status_code == 422
    signed = await client.post(
        "/erasures/sign-off", data={"number": number, "title": "Työvalmentaja"}, headers=coordinator
    )
    assert signed.status_code == 303
    erasure = await Erasure.select(Erasure.validator_title, Erasure.validated_at).first()
    assert erasure is not None
    assert erasure["validator_title"] == "Työvalmentaja"
    device_page = await client.get(f"/devices/{tag}", headers=await _html(headers_for))
    assert f"/api/v1/erasures/{number}/certificate?language=en" in device_page.text
