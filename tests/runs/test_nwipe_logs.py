"""nwipe logs as erasure evidence, written by Debian's own nwipe on loop devices and imported through the API.

Debian 12's nwipe (the package 0.34-1 reports itself as 0.33) runs here non-interactively: autonuke,
no GUI, no wait, a log file. A loop device has no serial number, so nwipe prints whatever bytes it
finds: the drives are paired with the device's disks by hand, as a trainee does on the device page.
The current ShredOS (nwipe 0.42) cannot run here; its log in tests/provisioning/data was written by
hand after nwipe 0.42's source (logging.c, method.c, options.c, device.c, hpa_dco.c).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from inventory.actors import Actor
from inventory.devices.intake import NewDevice, NewDisk
from inventory.devices.tables import Device, Disk, Erasure, ErasureDisk
from inventory.donations.services import NewDonation, NewDonor, create_donation, create_donor
from inventory.i18n import Language
from inventory.permissions import Role
from labels.sanitisation_terms import DiskKind
from provisioning.nwipe_log import parse_nwipe_log, usable_serial
from tests import factories
from tests.support import require, require_tool

SAMPLES = Path(__file__).parent.parent / "provisioning" / "data"
LOOP_BYTES = 8 << 20
NWIPE_OPTIONS = ("--autonuke", "--nogui", "--nowait", "--nosignals")


@dataclass(frozen=True)
class RealLogs:
    """Logs Debian's nwipe wrote: one drive zero-filled, two drives with DoD Short, a read-only drive."""

    zero_fill: str
    multi_pass: str
    failed: str
    drives: tuple[str, ...]  # the loop devices as nwipe named them: zero fill's, then the two others


def _attach(image: Path, read_only: bool = False) -> str:
    command = ["losetup", "--find", "--show", *(["--read-only"] if read_only else []), str(image)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def _nwipe(nwipe: str, log: Path, *arguments: str) -> str:
    subprocess.run(
        [nwipe, *NWIPE_OPTIONS, f"--logfile={log}", *arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
        check=False,  # nwipe exits 1 when a drive failed; the log says why
    )
    # nwipe prints the serial number it read: on a loop device, raw bytes that are not UTF-8.
    return log.read_bytes().decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def real_logs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealLogs]:
    """Run Debian's nwipe on loop devices for each kind of log (about 6 s in all)."""
    nwipe = require_tool("nwipe", "apt-get install nwipe")
    require(os.geteuid() == 0, "nwipe and loop devices need root")
    folder = tmp_path_factory.mktemp("nwipe")
    images = []
    for index in range(3):
        image = folder / f"disk-{index}.img"
        image.write_bytes(os.urandom(LOOP_BYTES))
        images.append(image)
    attached: list[str] = []
    try:
        attached += [_attach(image) for image in images[:2]]
        zero_fill = _nwipe(nwipe, folder / "zero.log", "--method=zero", "--verify=last", attached[0])
        attached.append(_attach(images[2]))
        multi_pass = _nwipe(nwipe, folder / "multi.log", "--method=dodshort", "--verify=all", *attached[1:])
        subprocess.run(["losetup", "--detach", attached.pop()], check=True)
        attached.append(_attach(images[2], read_only=True))
        failed = _nwipe(nwipe, folder / "failed.log", "--method=zero", "--verify=last", attached[2])
        yield RealLogs(zero_fill, multi_pass, failed, tuple(attached))
    finally:
        for device in attached:
            subprocess.run(["losetup", "--detach", device], check=False)


async def _device(engine: Any, *sizes: int, backdated: bool = False) -> tuple[str, list[int]]:
    """A received laptop with disks of these sizes and no serial numbers, as a donor list brings them."""
    site_id = await factories.site("JNS")
    donor_id = await create_donor(NewDonor(name="Lahjoittaja Oy"))
    disks = tuple(NewDisk(model="", serial=None, size_bytes=size, kind=DiskKind.HDD) for size in sizes)
    created = await create_donation(
        engine,
        NewDonation(
            donor_id=donor_id, site_id=site_id, devices=(NewDevice(make="Lenovo", model="T480", disks=disks),)
        ),
        Actor.system("tests"),
    )
    tag = created.asset_tags[0]
    device = await Device.select(Device.id).where(Device.asset_tag == tag).first()
    assert device is not None
    if backdated:  # received long ago, before the sample log's date
        await Device.update({Device.created_at: dt.datetime(2026, 1, 5, tzinfo=dt.UTC)}).where(
            Device.id == device["id"]
        )
    ids = [
        row["id"] for row in await Disk.select(Disk.id).where(Disk.device == device["id"]).order_by(Disk.id)
    ]
    return tag, ids


async def _import(
    client: httpx.AsyncClient, tag: str, log: str, headers: Any, pairs: Any = ()
) -> httpx.Response:
    body = {"log": log, "pairs": [{"drive": drive, "disk_id": disk} for drive, disk in pairs]}
    return await client.post(f"/api/v1/devices/{tag}/erasures/nwipe", json=body, headers=headers)


async def _parts(number: str) -> list[dict[str, Any]]:
    erasure = await Erasure.select(Erasure.id).where(Erasure.certificate_number == number).first()
    assert erasure is not None
    rows = (
        await ErasureDisk.select()
        .where(ErasureDisk.erasure == erasure["id"])
        .order_by(ErasureDisk.disk)
        .output(load_json=True)
    )
    return list(rows)


async def test_a_zero_fill_verified_on_the_last_pass_is_accepted_once_its_drive_is_paired(
    db: Any, client: httpx.AsyncClient, headers_for: Any, real_logs: RealLogs
) -> None:
    headers = await headers_for(Role.TRAINEE)
    tag, (disk,) = await _device(db, LOOP_BYTES)
    drive = real_logs.drives[0]

    unpaired = await _import(client, tag, real_logs.zero_fill, headers)
    assert unpaired.status_code == 422
    assert unpaired.json()["field"] == "pairs"
    assert drive in unpaired.json()["detail"]
    assert "sarjanumero" in unpaired.json()["detail"], "why, in Finnish"

    imported = await _import(client, tag, real_logs.zero_fill, headers, [(drive, disk)])
    assert imported.status_code == 201, imported.text
    (part,) = await _parts(imported.json()["certificate_number"])
    evidence = part["evidence"]
    assert part["bytes_erased"] == LOOP_BYTES, "0.33 has no byte table: the bytes come from its pass lines"
    assert (evidence["tool_version"], evidence["method"]) == ("0.33", "Fill With Zeros")
    assert evidence["verification_method"] == "read_back_last"
    assert evidence["paired_by_hand"] is True
    # For a loop device nwipe 0.33 prints whatever its serial buffer held: mostly bytes that are not text,
    # now and then a printable scrap (it made one CI run red). The flag must follow what this log holds.
    serial_in_log = usable_serial(parse_nwipe_log(real_logs.zero_fill).drives[drive].serial_raw)
    assert evidence["serial_readable"] is bool(serial_in_log)
    assert evidence["bytes_total"] == LOOP_BYTES
    assert evidence["errors"] == {"wipe": 0, "verification": 0, "sync": 0}
    erasure = await Erasure.select(Erasure.evidence).first().output(load_json=True)
    assert erasure is not None
    assert erasure["evidence"]["pairs"] == {drive: disk}, "the pairing is kept with the evidence"
    device = (await client.get(f"/api/v1/devices/{tag}", headers=headers)).json()
    assert device["state"] == "wiped"


async def test_a_pairing_whose_sizes_disagree_is_refused(
    db: Any, client: httpx.AsyncClient, headers_for: Any, real_logs: RealLogs
) -> None:
    headers = await headers_for(Role.TRAINEE)
    tag, (disk,) = await _device(db, 256 * 10**9)
    refused = await _import(client, tag, real_logs.zero_fill, headers, [(real_logs.drives[0], disk)])
    assert refused.status_code == 422
    assert str(LOOP_BYTES) in refused.json()["detail"]
    assert str(256 * 10**9) in refused.json()["detail"]
    assert await Erasure.count() == 0


async def test_a_multi_disk_run_verified_on_every_pass_covers_both_disks(
    db: Any, client: httpx.AsyncClient, headers_for: Any, real_logs: RealLogs
) -> None:
    headers = await headers_for(Role.TRAINEE)
    tag, disks = await _device(db, LOOP_BYTES, LOOP_BYTES)
    first, second = real_logs.drives[1:3]
    one_only = await _import(client, tag, real_logs.multi_pass, headers, [(first, disks[0])])
    assert one_only.status_code == 422, "the other drive's serial is unreadable too: it must be paired"
    imported = await _import(
        client, tag, real_logs.multi_pass, headers, [(first, disks[0]), (second, disks[1])]
    )
    assert imported.status_code == 201, imported.text
    parts = await _parts(imported.json()["certificate_number"])
    assert [part["disk"] for part in parts] == disks
    for part in parts:
        assert part["evidence"]["verification_method"] == "read_back_all"
        assert part["evidence"]["method"] == "DoD Short"
        assert part["evidence"]["rounds"] == 1
        assert part["bytes_erased"] == LOOP_BYTES
        assert "DoD Short" in part["method"]


async def test_a_failed_erasure_is_refused_as_failed(
    db: Any, client: httpx.AsyncClient, headers_for: Any, real_logs: RealLogs
) -> None:
    headers = await headers_for(Role.TRAINEE)
    tag, (disk,) = await _device(db, LOOP_BYTES)
    for pairs in ((), [(real_logs.drives[2], disk)]):
        refused = await _import(client, tag, real_logs.failed, headers, pairs)
        assert refused.status_code == 422
        assert refused.json()["detail"].startswith("Tyhjennys epäonnistui"), refused.json()["detail"]
        assert "1" in refused.json()["detail"]
    assert await Erasure.count() == 0


async def test_refusals_reach_the_user_in_their_language(
    db: Any, client: httpx.AsyncClient, real_logs: RealLogs
) -> None:
    tag, _ = await _device(db, LOOP_BYTES)
    for language, start in ((Language.SV, "Raderingen misslyckades"), (Language.EN, "The erasure failed")):
        actor = await factories.user(Role.TRAINEE, language=language)
        headers = {"Authorization": f"Bearer {await factories.token(actor)}"}
        refused = await _import(client, tag, real_logs.failed, headers)
        assert refused.json()["detail"].startswith(start), refused.json()["detail"]


async def test_the_current_shredos_log_is_matched_by_serial_and_its_summary_read(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    # nwipe 0.42 (ShredOS v2025.11_31) cannot run here: its log was written after its source.
    headers = await headers_for(Role.TRAINEE)
    log = (SAMPLES / "shredos-0.42-zero-fill.log").read_text(encoding="utf-8")
    site_id = await factories.site("JNS")
    donor_id = await create_donor(NewDonor(name="Lahjoittaja Oy"))
    ssd = NewDisk(
        model="Samsung SSD 860 EVO 250GB",
        serial="S3Z9NX0K123456A",
        size_bytes=250059350016,
        kind=DiskKind.SSD,
    )
    created = await create_donation(
        db,
        NewDonation(
            donor_id=donor_id,
            site_id=site_id,
            devices=(NewDevice(make="Lenovo", model="T480", disks=(ssd,)),),
        ),
        Actor.system("tests"),
    )
    tag = created.asset_tags[0]
    too_early = await _import(client, tag, log, headers)
    assert too_early.status_code == 422
    assert (
        "before this device arrived" in too_early.json()["detail"]
        or "ennen kuin" in too_early.json()["detail"]
    )
    await Device.update({Device.created_at: dt.datetime(2026, 1, 5, tzinfo=dt.UTC)}).where(
        Device.asset_tag == tag
    )
    imported = await _import(client, tag, log, headers)
    assert imported.status_code == 201, imported.text
    (part,) = await _parts(imported.json()["certificate_number"])
    evidence = part["evidence"]
    assert evidence["tool_version"] == "0.42 (ShredOS v2025.11_31_x86-64_0.42)"
    assert (evidence["interface"], evidence["hidden_sectors"]) == ("SATA", "none")
    assert evidence["duration_seconds"] == 54 * 60 + 16
    assert part["bytes_erased"] == 250059350016


async def test_something_else_is_not_taken_for_an_nwipe_log(
    db: Any, client: httpx.AsyncClient, headers_for: Any, real_logs: RealLogs
) -> None:
    headers = await headers_for(Role.TRAINEE)
    tag, (disk,) = await _device(db, LOOP_BYTES)
    shopping = await _import(client, tag, "Maitoa, leipää, kahvia.\n", headers)
    assert shopping.status_code == 422
    assert "nwipe" in shopping.json()["detail"]
    cut = real_logs.zero_fill.split("******************************** Error Summary")[0]
    cut_short = await _import(client, tag, cut, headers, [(real_logs.drives[0], disk)])
    assert cut_short.status_code == 422
    assert cut_short.json()["detail"] != shopping.json()["detail"]
