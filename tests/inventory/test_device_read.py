"""The device read written out as SQL answers exactly what Piccolo's own selects answer, in the shapes its types give."""

from __future__ import annotations

from typing import Any

from inventory.actors import Actor
from inventory.devices.queries import DeviceFilter, device_erasures, device_events, get_device, list_devices
from inventory.devices.rows import DeviceErasureRow, DeviceEventRow, DeviceListRow, DeviceRow, DiskRow
from inventory.devices.scanning import resolve_scan
from inventory.devices.tables import Device, Disk, ErasureDisk
from inventory.lifecycle import State
from tests import factories
from tests.support import assert_row_shape


async def _as_piccolo_reads_it(asset_tag: str) -> dict[str, Any]:
    device = (
        await Device.select(*Device.all_columns(), Device.site.code.as_alias("site_code"))
        .where(Device.asset_tag == asset_tag)
        .first()
    )
    assert device is not None
    disks = await Disk.select().where(Disk.device == device["id"]).order_by(Disk.id)
    erased = await ErasureDisk.select(ErasureDisk.disk, ErasureDisk.erasure.certificate_number).where(
        (ErasureDisk.erasure.device == device["id"])
        & (ErasureDisk.erasure.cycle == device["cycle"])
        & (ErasureDisk.erasure.passed == True)  # noqa: E712
        & (ErasureDisk.verified == True)  # noqa: E712
    )
    certificates = {row["disk"]: row["erasure.certificate_number"] for row in erased}
    device["disks"] = [{**disk, "erasure_certificate": certificates.get(disk["id"])} for disk in disks]
    return dict(device)


def _types(row: dict[str, Any]) -> dict[str, type]:
    return {key: type(value) for key, value in row.items() if key != "disks"}


async def test_a_device_read_answers_what_piccolo_selects_answer(db: Any) -> None:
    created = await factories.donation(db, devices=2)
    erased, received = created.asset_tags
    await factories.bring_to(db, erased, State.WIPED)
    await Device.update({Device.intake_condition: "akku heikko"}).where(Device.asset_tag == received)
    for tag in (erased, received):
        written_out, reference = await get_device(tag), await _as_piccolo_reads_it(tag)
        assert written_out == reference
        assert _types(written_out) == _types(reference)
        assert [_types(d) for d in written_out["disks"]] == [_types(d) for d in reference["disks"]]
    wiped = await get_device(erased)
    assert all(disk["erasure_certificate"] for disk in wiped["disks"])
    assert (await get_device(received))["disks"][0]["erasure_certificate"] is None


async def test_the_device_queries_answer_the_shapes_their_types_promise(db: Any) -> None:
    created = await factories.donation(db, devices=2)
    wiped, received = created.asset_tags
    await factories.bring_to(db, wiped, State.WIPED)
    device = await get_device(wiped)
    assert_row_shape(device, DeviceRow)
    assert device["disks"], "a donated laptop has a disk"
    for disk in device["disks"]:
        assert_row_shape(disk, DiskRow)
    events = await device_events(device["id"])
    assert len(events) > 1, "received, then the steps to wiped"
    for event in events:
        assert_row_shape(event, DeviceEventRow)
    [erasure] = await device_erasures(device["id"])
    assert_row_shape(erasure, DeviceErasureRow)
    listed, total = await list_devices(DeviceFilter(), Actor.system("rows test"))
    assert total == 2
    for row in listed:
        assert_row_shape(row, DeviceListRow)
    serial = (await get_device(received))["serial"]
    assert serial
    for code in (wiped, serial):
        assert_row_shape((await resolve_scan(code)).row, DeviceListRow)
