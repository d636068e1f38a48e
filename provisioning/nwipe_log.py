"""Import an nwipe / ShredOS log as erasure evidence, matched to a device's disks by serial."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from provisioning.evidence import WipeEvidence

_LINE = re.compile(r"^\[(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})\]\s+(\w+):\s?(.*)$")
_BANNER = re.compile(r"^nwipe (\d+\.\d+(?:\.\d+)?)")
_FOUND = re.compile(r"^Found (/dev/\S+?),\s*(.*?),\s*(.*?),\s*(.*?),\s*S/N=(.*)$")
_INVOKING = re.compile(r"^Invoking method '(.+)' on (/dev/\S+)$")
_FINISHED = re.compile(r"^Finished final round \d+ of \d+ on (/dev/\S+)$")
_ERRORS = re.compile(r"^(\d+) (verification|wipe|sync) errors on '(/dev/\S+)'\.?$")
_FAILURE = re.compile(r"\[FAILURE\]\s+(/dev/\S+)")
_ROW_ERRORS = re.compile(r"^[! ]\s*(\S+) \|\s*(\d+) \|\s*(\d+) \|\s*(\d+)\s*$")
_ROW_BYTES = re.compile(r"^[! ]\s*(\S+) \|\s*(\d+) \|\s*(\d+) \|\s*(\S+)\s*$")
_ROW_STATUS = re.compile(r"^([! ])\s*(\S+) \|(.{8})\|\s*(.+?)/s \| (\d+):(\d{2}):(\d{2}) \| (.*)$")
_TOTAL = re.compile(
    r"^\[(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})\] Total Throughput .*?, "
    r"(.+), (\d+)R\+(N?B)\+(NV|VL|VA)\s*$"
)
_OVERWRITE_METHODS = {
    "Fill With Zeros",
    "Fill With Ones",
    "PRNG Stream",
    "DoD 5220.22-M",
    "DoD Short",
    "Gutmann Wipe",
    "RCMP TSSIT OPS-II",
    "HMG IS5 Enhanced",
    "Bruce Schneier 7-Pass",
    "BMB21-2019",
}
_VERIFY_WORDS = {
    "VL": "nwipe verification of the last pass",
    "VA": "nwipe verification of every pass",
}


class NwipeLogRefusedError(ValueError):
    """The log cannot be accepted as evidence; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class KnownDisk:
    """A disk of the device the log is imported for."""

    serial: str
    model: str | None = None
    size_bytes: int | None = None


@dataclass(slots=True)
class NwipeDrive:
    """Everything the log says about one drive."""

    device: str
    serial: str = ""
    model: str = ""
    size_text: str = ""
    method: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    pass_errors: int = 0
    verify_errors: int = 0
    sync_errors: int = 0
    bytes_erased: int | None = None
    bytes_total: int | None = None
    status: str | None = None
    failures: list[str] = field(default_factory=list)


@dataclass(slots=True)
class NwipeLog:
    """A parsed log: the nwipe version, the run's options and its drives by device name."""

    version: str | None = None
    method: str | None = None
    rounds: int | None = None
    blanked: bool | None = None
    verification: str | None = None
    finished_at: datetime | None = None
    drives: dict[str, NwipeDrive] = field(default_factory=dict)

    def drive(self, name: str) -> NwipeDrive:
        """The drive with this device name ("sdb" or "/dev/sdb"), created on first mention."""
        device = name if name.startswith("/dev/") else f"/dev/{name}"
        return self.drives.setdefault(device, NwipeDrive(device=device))


@dataclass(frozen=True, slots=True)
class NwipeImport:
    """Evidence for the device's disks found in the log, and the device's disks the log does not cover."""

    evidence: tuple[WipeEvidence, ...]
    missing_serials: tuple[str, ...]


def _time(parts: Sequence[str]) -> datetime:
    """A log timestamp; nwipe writes local time without a zone, which ShredOS keeps in UTC."""
    year, month, day, hour, minute, second = (int(part) for part in parts)
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _summary_row(log: NwipeLog, table: str, text: str) -> None:
    if table == "errors" and (match := _ROW_ERRORS.match(text)):
        drive = log.drive(match.group(1))
        drive.pass_errors = max(drive.pass_errors, int(match.group(2)))
        drive.verify_errors = max(drive.verify_errors, int(match.group(3)))
        drive.sync_errors = max(drive.sync_errors, int(match.group(4)))
    elif table == "bytes" and (match := _ROW_BYTES.match(text)):
        drive = log.drive(match.group(1))
        drive.bytes_erased, drive.bytes_total = int(match.group(2)), int(match.group(3))
    elif table == "status" and (match := _ROW_STATUS.match(text)):
        drive = log.drive(match.group(2))
        drive.status = match.group(3).strip("- ").upper()


def _message(log: NwipeLog, stamp: datetime, message: str) -> None:
    if (match := _BANNER.match(message)) and log.version is None:
        log.version = match.group(1)
    elif match := _FOUND.match(message):
        drive = log.drive(match.group(1))
        drive.model, drive.size_text = match.group(3).strip(), match.group(4).strip()
        drive.serial = match.group(5).strip()
    elif match := _INVOKING.match(message):
        drive = log.drive(match.group(2))
        drive.method, drive.started_at = match.group(1), stamp
    elif match := _FINISHED.match(message):
        log.drive(match.group(1)).finished_at = stamp
    elif match := _ERRORS.match(message):
        drive = log.drive(match.group(3))
        count = int(match.group(1))
        if match.group(2) == "verification":
            drive.verify_errors = max(drive.verify_errors, count)
        elif match.group(2) == "wipe":
            drive.pass_errors = max(drive.pass_errors, count)
        else:
            drive.sync_errors = max(drive.sync_errors, count)
    elif match := _FAILURE.search(message):
        log.drive(match.group(1).strip("'.")).failures.append(message)


def parse_nwipe_log(text: str) -> NwipeLog:
    """Parse an nwipe log (nwipe 0.3x, as ShredOS writes it) with its summary tables."""
    log = NwipeLog()
    table: str | None = None
    for line in text.splitlines():
        stripped = line.rstrip()
        if "Error Summary" in stripped:
            table = "errors"
        elif "Erasure Summary" in stripped:
            table = "bytes"
        elif "Drive Status" in stripped:
            table = "status"
        elif total := _TOTAL.match(stripped):
            log.finished_at = _time(total.groups()[:6])
            log.method, log.rounds = total.group(7).strip(), int(total.group(8))
            log.blanked, log.verification = total.group(9) == "B", total.group(10)
            table = None
        elif match := _LINE.match(stripped):
            _message(log, _time(match.groups()[:6]), match.group(8))
        elif table and "|" in stripped and not stripped.startswith(("!   Device", "---", "***")):
            _summary_row(log, table, stripped)
    return log


def _refusal(drive: NwipeDrive, log: NwipeLog) -> str | None:  # noqa: PLR0911 - one rule per return
    label = f"{drive.device} ({drive.serial})"
    if drive.status is None:
        return f"The log has no summary line for {label}: the wipe did not finish."
    if drive.status != "ERASED":
        return f"The log reports {label} as {drive.status.lower()}, not erased."
    errors = drive.pass_errors + drive.verify_errors + drive.sync_errors
    if errors or drive.failures:
        return (
            f"The log reports errors on {label}: {drive.pass_errors} wipe, {drive.verify_errors} "
            f"verification and {drive.sync_errors} sync errors."
        )
    if log.verification not in _VERIFY_WORDS:
        return f"{label} was wiped without verification; run nwipe with verification of the last pass."
    if (drive.method or log.method) not in _OVERWRITE_METHODS:
        return f"{label} was only verified, not erased, with the method {drive.method or log.method}."
    if drive.bytes_total is not None and drive.bytes_erased != drive.bytes_total:
        return f"The log reports only {drive.bytes_erased} of {drive.bytes_total} bytes erased on {label}."
    return None


def import_nwipe_log(text: str, disks: Sequence[KnownDisk]) -> NwipeImport:
    """Evidence for the device's disks from an nwipe log; raises NwipeLogRefusedError with the reason."""
    log = parse_nwipe_log(text)
    if not log.drives or log.version is None:
        raise NwipeLogRefusedError("This is not an nwipe log: it names no nwipe version or no drives.")
    if log.finished_at is None:
        raise NwipeLogRefusedError(
            "The log has no summary tables: the wipe did not finish or the log was cut short."
        )
    wanted = {disk.serial.strip(): disk for disk in disks}
    by_serial = {drive.serial: drive for drive in log.drives.values() if drive.serial}
    matched = [by_serial[serial] for serial in wanted if serial in by_serial]
    if not matched:
        found = ", ".join(sorted(by_serial)) or "none"
        raise NwipeLogRefusedError(
            f"None of this device's disks is in the log (the log names the serials {found})."
        )
    evidence = []
    for drive in matched:
        reason = _refusal(drive, log)
        if reason:
            raise NwipeLogRefusedError(reason)
        known = wanted[drive.serial]
        if known.size_bytes and drive.bytes_total and known.size_bytes != drive.bytes_total:
            raise NwipeLogRefusedError(
                f"{drive.device} ({drive.serial}) is {drive.bytes_total} bytes in the log but "
                f"{known.size_bytes} bytes in the device record."
            )
        method = drive.method or log.method or ""
        evidence.append(
            WipeEvidence(
                device=drive.device,
                serial=drive.serial,
                model=drive.model or known.model,
                size_bytes=drive.bytes_total or known.size_bytes,
                method=f"nwipe: {method}, {log.rounds} round(s){', blanked' if log.blanked else ''}",
                nist_category="clear",
                technique="overwrite",
                tool="nwipe",
                tool_version=log.version,
                started_at=drive.started_at,
                finished_at=drive.finished_at or log.finished_at,
                bytes_erased=drive.bytes_erased,
                verification_method=_VERIFY_WORDS[log.verification or ""],
                verification_passed=True,
                verification_detail="nwipe reported no wipe, verification or sync errors",
                raw={"log": text, "device": drive.device},
            )
        )
    missing = tuple(serial for serial in wanted if serial not in by_serial)
    return NwipeImport(evidence=tuple(evidence), missing_serials=missing)
