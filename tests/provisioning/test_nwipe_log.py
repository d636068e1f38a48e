"""Importing nwipe / ShredOS logs as erasure evidence: a good log, a mismatching serial, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from provisioning.nwipe_log import KnownDisk, NwipeLogRefusedError, import_nwipe_log, parse_nwipe_log

DATA = Path(__file__).parent / "data"
SSD = KnownDisk(serial="S3Z9NX0K123456A", model="Samsung SSD 860 EVO 250GB", size_bytes=250059350016)


def _log(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_a_good_log_gives_evidence_for_the_matching_disk() -> None:
    result = import_nwipe_log(_log("nwipe-good.log"), [SSD])
    (evidence,) = result.evidence
    assert evidence.serial == SSD.serial
    assert evidence.device == "/dev/sda"
    assert evidence.model == "Samsung SSD 860 EVO 250GB"
    assert evidence.tool == "nwipe"
    assert evidence.tool_version == "0.37"
    assert evidence.method.startswith("nwipe: Fill With Zeros, 1 round")
    assert (evidence.nist_category, evidence.technique) == ("clear", "overwrite")
    assert evidence.bytes_erased == evidence.size_bytes == 250059350016
    assert evidence.started_at == datetime(2025, 3, 11, 9, 14, 41, tzinfo=UTC)
    assert evidence.finished_at == datetime(2025, 3, 11, 9, 51, 40, tzinfo=UTC)
    assert evidence.verification_passed
    assert evidence.verification_method == "nwipe verification of the last pass"
    assert "Drive Status" in evidence.raw["log"], "the log is kept as it came"
    assert result.missing_serials == ()


def test_a_disk_of_the_device_missing_from_the_log_is_reported() -> None:
    other = KnownDisk(serial="WD-WCC6Y0000000")
    result = import_nwipe_log(_log("nwipe-good.log"), [SSD, other])
    assert result.missing_serials == ("WD-WCC6Y0000000",)


def test_a_log_that_names_none_of_the_devices_disks_is_refused() -> None:
    with pytest.raises(NwipeLogRefusedError, match="None of this device's disks is in the log"):
        import_nwipe_log(_log("nwipe-good.log"), [KnownDisk(serial="WD-WCC6Y0000000")])


def test_a_disk_seen_but_not_wiped_is_refused() -> None:
    usb = KnownDisk(serial="4C530001230915104165")
    with pytest.raises(NwipeLogRefusedError, match="no summary line for /dev/sdb"):
        import_nwipe_log(_log("nwipe-good.log"), [usb])


def test_a_log_with_verification_errors_is_refused() -> None:
    with pytest.raises(NwipeLogRefusedError, match="failed, not erased"):
        import_nwipe_log(_log("nwipe-verify-errors.log"), [SSD])
    drive = parse_nwipe_log(_log("nwipe-verify-errors.log")).drives["/dev/sda"]
    assert drive.verify_errors == 12


def test_a_log_without_verification_is_refused() -> None:
    with pytest.raises(NwipeLogRefusedError, match="without verification"):
        import_nwipe_log(_log("nwipe-no-verification.log"), [SSD])


def test_a_size_that_differs_from_the_device_record_is_refused() -> None:
    smaller = KnownDisk(serial=SSD.serial, size_bytes=128035676160)
    with pytest.raises(NwipeLogRefusedError, match="in the device record"):
        import_nwipe_log(_log("nwipe-good.log"), [smaller])


def test_a_cut_short_log_is_refused() -> None:
    text = _log("nwipe-good.log").split("******************************** Error Summary")[0]
    with pytest.raises(NwipeLogRefusedError, match="no summary tables"):
        import_nwipe_log(text, [SSD])


def test_something_else_is_not_taken_for_an_nwipe_log() -> None:
    with pytest.raises(NwipeLogRefusedError, match="not an nwipe log"):
        import_nwipe_log("Hello, this is a shopping list.\n", [SSD])
