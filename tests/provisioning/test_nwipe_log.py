"""Reading nwipe logs: the current ShredOS log (nwipe 0.42, written after its source), serials nwipe
could not read, and the refusals; the logs of Debian's own nwipe are tested in tests/runs/test_nwipe_logs.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioning.nwipe_evidence import KnownDisk, import_nwipe_log
from provisioning.nwipe_log import NwipeLogRefusedError, Refusal, parse_nwipe_log, usable_serial

SHREDOS = (Path(__file__).parent / "data" / "shredos-0.42-zero-fill.log").read_text(encoding="utf-8")
SSD = KnownDisk(disk_id=1, serial="S3Z9NX0K123456A", size_bytes=250059350016)


def test_the_shredos_banner_gives_the_nwipe_version_and_the_tables_give_the_counts() -> None:
    log = parse_nwipe_log(SHREDOS)
    assert (log.version, log.banner) == ("0.42", "ShredOS v2025.11_31_x86-64_0.42")
    assert (log.method, log.rounds, log.blanked, log.verification) == ("Fill With Zeros", 1, True, "last")
    drive = log.drives["/dev/sda"]
    assert (drive.interface, drive.model, drive.serial) == (
        "SATA",
        "Samsung SSD 860 EVO 250GB",
        "S3Z9NX0K123456A",
    )
    assert (drive.bytes_erased, drive.bytes_total, drive.hidden_sectors) == (
        250059350016,
        250059350016,
        "none",
    )
    assert log.drives["/dev/sdb"].status is None, "found but not wiped"


def test_a_disk_the_log_found_but_did_not_wipe_is_refused() -> None:
    usb = KnownDisk(disk_id=2, serial="4C530001230915104165")
    with pytest.raises(NwipeLogRefusedError) as refused:
        import_nwipe_log(SHREDOS, [SSD, usb])
    assert refused.value.code is Refusal.NOT_WIPED


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (
            lambda text: text.replace("1R+B+VL", "1R+B+NV").replace("= 1 (last pass)", "= 0 (off)"),
            Refusal.NOT_VERIFIED,
        ),
        (lambda text: text.replace("       sda | Erased |", "!      sda |UABORTED|"), Refusal.ABORTED),
        (
            lambda text: text.replace(
                "|      250059350016 |     250059350016 |", "|      125029675008 |     250059350016 |"
            ),
            Refusal.INCOMPLETE,
        ),
        (lambda text: text.split("******************************** Error Summary")[0], Refusal.CUT_SHORT),
    ],
)
def test_each_kind_of_bad_log_is_refused_with_its_own_reason(edit: object, code: Refusal) -> None:
    with pytest.raises(NwipeLogRefusedError) as refused:
        import_nwipe_log(edit(SHREDOS), [SSD])  # type: ignore[operator]
    assert refused.value.code is code


def test_a_size_that_differs_from_the_device_record_is_refused() -> None:
    with pytest.raises(NwipeLogRefusedError) as refused:
        import_nwipe_log(SHREDOS, [KnownDisk(disk_id=1, serial=SSD.serial, size_bytes=128035676160)])
    assert refused.value.code is Refusal.SIZE_DIFFERS
    assert refused.value.values == {"drive": "/dev/sda", "size": "250059350016", "known": "128035676160"}


@pytest.mark.parametrize(
    ("raw", "usable"),
    [
        ("S3Z9NX0K123456A", "S3Z9NX0K123456A"),
        (" \ufffd\ufffdo\x7f", ""),  # bytes from memory, as nwipe 0.33 prints for a loop device
        ("XXXXXX", ""),  # --quiet anonymises serials
        ("?????", ""),
        ("   ", ""),
    ],
)
def test_only_a_printable_serial_is_used_to_match(raw: str, usable: str) -> None:
    assert usable_serial(raw) == usable


def test_a_paired_drive_must_have_the_serial_the_disk_has_if_both_are_known() -> None:
    other = KnownDisk(disk_id=3, serial="WD-OTHER", size_bytes=250059350016)
    with pytest.raises(NwipeLogRefusedError) as refused:
        import_nwipe_log(SHREDOS, [other], {"sda": 3})
    assert refused.value.code is Refusal.SERIAL_DIFFERS
