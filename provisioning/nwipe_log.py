"""Read an nwipe log (Debian's nwipe 0.33 to the current 0.4x, and ShredOS) as erasure evidence.

The layout follows nwipe's own source (logging.c, method.c, options.c, device.c): every line is
`[YYYY/MM/DD HH:MM:SS] level: message`, then the summary tables. The versions differ:
- 0.33 (Debian 12) logs its banner before it opens the log file, so the file names its version only in
  the option line `banner   = nwipe 0.33`; it has no "Erasure Summary" table, so the bytes erased
  come from the per-pass `N bytes written to /dev/X` lines and the size from `sect/blk/dev a/b/SIZE`.
- 0.35+ logs the banner into the file (ShredOS patches it to `ShredOS v2025.11_31_x86-64_0.42`),
  0.37+ marks SSDs in the drive type (` ATA-SSD`), 0.41+ adds the "Erasure Summary" table and
  0.4x logs the device geometry (`Total device bytes   = N`) and hidden sectors (HPA/DCO).
Checking the log against the device's disks and making the evidence: provisioning/nwipe_evidence.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

_LINE = re.compile(r"^\[(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})\]\s+(\w+):\s?(.*)$")
_BANNER = re.compile(
    r"^(?:banner\s*=\s*)?(nwipe (\d+\.\d+(?:\.\d+)?)|ShredOS v\S*?_(\d+\.\d+(?:\.\d+)?))\s*$"
)
_OPTION = re.compile(r"^\s*(method|rounds|verify|prng)\s*=\s*(.+?)\s*$")
_FOUND = re.compile(r"^Found (/dev/\S+?), (.*?), (.*), (.*?), S/N=(.*)$")
_SECT_BLK_DEV = re.compile(r"^(/dev/\S+), sect/blk/dev \d+/\d+/(\d+)$")
_GEOMETRY = re.compile(r"^(/dev/\S+): Device geometry is as follows")
_TOTAL_BYTES = re.compile(r"^\s*Total device bytes\s*=\s*(\d+)$")
_INVOKING = re.compile(r"^Invoking method '(.+)' on (/dev/\S+)$")
_WRITTEN = re.compile(r"^(\d+) bytes written to (/dev/\S+)$")
_FINISHED = re.compile(r"^Finished final round \d+ of \d+ on (/dev/\S+)$")
_VERIFIED_PASS = re.compile(r"^Verified pass \d+ of \d+, round \d+ of \d+, on '(/dev/\S+)'\.$")
_VERIFIED_LAST = re.compile(
    r"^\[SUCCESS\] Verified (?:that (/dev/\S+) is (?:empty|Zeroed|full of ones)|FRP on '(/dev/\S+)' matches)"
)
_ERRORS = re.compile(r"^(\d+) (verification|wipe|sync) errors on '(/dev/\S+)'\.?$")
_NAMED_FAILURE = re.compile(r"(?:Unable to write to|\[FAILURE\]) '?(/dev/[^\s'.]+)")
_HIDDEN = (
    (re.compile(r"^No hidden sectors on (/dev/\S+)$"), "none"),
    (re.compile(r"HIDDEN SECTORS DETECTED ! \*\*\* on (/dev/\S+)$"), "detected"),
    (re.compile(r"^HIDDEN SECTORS INDETERMINATE! on (/dev/[^\s,]+)"), "unknown"),
)
_ROW_ERRORS = re.compile(r"^[! ]\s*(\S+) \|\s*(\d+) \|\s*(\d+) \|\s*(\d+)\s*$")
_ROW_BYTES = re.compile(r"^[! ]\s*(\S+) \|\s*(\d+) \|\s*(\d+) \|\s*(\S+)\s*$")
_ROW_STATUS = re.compile(r"^([! ])\s*(\S+) \|(.{8})\|\s*(.+?)/s \| (\d+):(\d{2}):(\d{2}) \| (.*)$")
_TOTAL = re.compile(
    r"^\[(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})\] Total Throughput .*?, (.+), (\d+)R\+(N?B)\+(NV|VL|VA)\s*$"
)
OVERWRITE_METHODS = frozenset(
    {
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
)
# What each method writes, for the certificate's method detail.
PATTERNS = {
    "Fill With Zeros": "0x00",
    "Fill With Ones": "0xFF",
    "PRNG Stream": "random",
    "DoD 5220.22-M": "0x00, 0xFF, random (7 passes)",
    "DoD Short": "0x00, 0xFF, random (3 passes)",
    "Gutmann Wipe": "35 passes",
    "RCMP TSSIT OPS-II": "0x00, 0xFF alternating, random",
    "HMG IS5 Enhanced": "0x00, 0xFF, random",
    "Bruce Schneier 7-Pass": "0xFF, 0x00, random (7 passes)",
    "BMB21-2019": "6 passes",
}
_VERIFY_SCOPES = {"VL": "last", "VA": "all", "NV": "off"}
_VERIFY_OPTION = {"0": "off", "1": "last", "2": "all"}
_INTERFACES = {
    "ATA": "SATA",
    "NVME": "NVMe",
    "USB": "USB",
    "SAS": "SAS",
    "SCSI": "SCSI",
    "MMC": "MMC",
    "VIRT": "virtual",
}


class Refusal(StrEnum):
    """Why a log is not accepted as evidence; the application words each one for people."""

    NOT_NWIPE = "not_nwipe"
    CUT_SHORT = "cut_short"
    FAILED = "failed"
    ABORTED = "aborted"
    NOT_WIPED = "not_wiped"
    NOT_VERIFIED = "not_verified"
    VERIFY_ONLY = "verify_only"
    INCOMPLETE = "incomplete"
    NOT_IN_LOG = "not_in_log"
    PAIRING_NEEDED = "pairing_needed"
    UNKNOWN_DRIVE = "unknown_drive"
    PAIRED_TWICE = "paired_twice"
    SERIAL_DIFFERS = "serial_differs"
    SIZE_DIFFERS = "size_differs"
    DISKS_MISSING = "disks_missing"


class NwipeLogRefusedError(ValueError):
    """The log cannot be accepted as evidence: `code` says why, `values` fill the sentence."""

    def __init__(self, code: Refusal, message: str, **values: Any) -> None:
        super().__init__(message.format(**values))
        self.code = code
        self.values = {name: str(value) for name, value in values.items()}


@dataclass(slots=True)
class NwipeDrive:
    """Everything the log says about one drive."""

    device: str
    interface: str = ""
    model: str = ""
    size_text: str = ""
    serial_raw: str = ""
    serial: str = ""  # usable for matching: printable, not anonymised, unique in the log
    size_bytes: int | None = None
    method: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    bytes_written: int | None = None  # the largest single pass written, from the pass lines
    bytes_erased: int | None = None  # from the Erasure Summary (0.41+)
    bytes_total: int | None = None
    pass_errors: int = 0
    verify_errors: int = 0
    sync_errors: int = 0
    verified_passes: int = 0
    verified_last: bool = False
    status: str | None = None
    duration_seconds: int | None = None
    hidden_sectors: str | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def size(self) -> int | None:
        """The drive's size in bytes as the log gives it."""
        return self.bytes_total or self.size_bytes

    @property
    def erased(self) -> int | None:
        """Bytes erased: the summary's count where the version has one, else the largest pass written."""
        return self.bytes_erased if self.bytes_erased is not None else self.bytes_written

    @property
    def errors(self) -> int:
        """All errors nwipe counted on the drive."""
        return self.pass_errors + self.verify_errors + self.sync_errors


@dataclass(slots=True)
class NwipeLog:
    """A parsed log: the tool and version, the run's options and its drives by device name."""

    version: str | None = None
    banner: str | None = None
    method: str | None = None
    rounds: int | None = None
    blanked: bool | None = None
    verification: str | None = None  # last, all or off
    prng: str | None = None
    finished_at: datetime | None = None
    summary_seen: bool = False
    drives: dict[str, NwipeDrive] = field(default_factory=dict)

    def drive(self, name: str) -> NwipeDrive:
        """The drive with this device name ("sdb" or "/dev/sdb"), created on first mention."""
        device = name if name.startswith("/dev/") else f"/dev/{name}"
        return self.drives.setdefault(device, NwipeDrive(device=device))

    @property
    def wiped(self) -> list[NwipeDrive]:
        """The drives the summary reports on, in the log's order."""
        return [drive for drive in self.drives.values() if drive.status is not None]


def usable_serial(raw: str) -> str:
    """The serial as printable text, or "" when nwipe could not read it (raw bytes, anonymised, empty)."""
    serial = raw.strip()
    if not serial or "\ufffd" in serial or not serial.isprintable() or set(serial) <= {"?", "X"}:
        return ""
    return serial


def _time(parts: Sequence[str]) -> datetime:
    """A log timestamp; nwipe writes the machine's clock without a zone (UTC on ShredOS)."""
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
        hours, minutes, seconds = (int(match.group(index)) for index in (5, 6, 7))
        drive.duration_seconds = hours * 3600 + minutes * 60 + seconds


def _option(log: NwipeLog, name: str, value: str) -> None:
    if name == "method":
        log.method = value
    elif name == "rounds" and value.isdigit():
        log.rounds = int(value)
    elif name == "verify":
        log.verification = _VERIFY_OPTION.get(value.split(maxsplit=1)[0], log.verification)
    else:
        log.prng = value


def _found(log: NwipeLog, match: re.Match[str]) -> None:
    drive = log.drive(match.group(1))
    kind = match.group(2).strip().removesuffix("-SSD").strip()
    drive.interface = _INTERFACES.get(kind, kind)
    drive.model, drive.size_text = match.group(3).strip(), match.group(4).strip()
    drive.serial_raw = match.group(5)


def _message(log: NwipeLog, stamp: datetime, message: str, geometry: list[str]) -> None:  # noqa: PLR0912
    if match := _BANNER.match(message.strip()):
        log.banner = log.banner or match.group(1)
        log.version = log.version or match.group(2) or match.group(3)
    elif match := _OPTION.match(message):
        _option(log, match.group(1), match.group(2))
    elif message.strip() == "do not perform a final blank pass":
        log.blanked = False
    elif match := _FOUND.match(message):
        _found(log, match)
    elif match := _SECT_BLK_DEV.match(message):
        log.drive(match.group(1)).size_bytes = int(match.group(2))
    elif match := _GEOMETRY.match(message):
        geometry[:] = [match.group(1)]
    elif (match := _TOTAL_BYTES.match(message)) and geometry:
        log.drive(geometry[0]).size_bytes = int(match.group(1))
    elif match := _INVOKING.match(message):
        drive = log.drive(match.group(2))
        drive.method, drive.started_at = match.group(1), stamp
    elif match := _WRITTEN.match(message):
        drive = log.drive(match.group(2))
        drive.bytes_written = max(drive.bytes_written or 0, int(match.group(1)))
        drive.finished_at = stamp
    elif match := _VERIFIED_PASS.match(message):
        log.drive(match.group(1)).verified_passes += 1
    elif match := _VERIFIED_LAST.match(message):
        drive = log.drive(match.group(1) or match.group(2))
        drive.verified_last, drive.finished_at = True, stamp
    elif match := _FINISHED.match(message):
        log.drive(match.group(1)).finished_at = stamp
    elif match := _ERRORS.match(message):
        drive = log.drive(match.group(3))
        count = int(match.group(1))
        kind = match.group(2)
        if kind == "verification":
            drive.verify_errors = max(drive.verify_errors, count)
        elif kind == "wipe":
            drive.pass_errors = max(drive.pass_errors, count)
        else:
            drive.sync_errors = max(drive.sync_errors, count)
    else:
        for pattern, state in _HIDDEN:
            if hidden := pattern.search(message):
                log.drive(hidden.group(1)).hidden_sectors = state
                return
        if failure := _NAMED_FAILURE.search(message):
            log.drive(failure.group(1)).failures.append(message.strip())


def parse_nwipe_log(text: str) -> NwipeLog:
    """Parse an nwipe log, with its summary tables, as any version from 0.33 on writes it."""
    log = NwipeLog()
    table: str | None = None
    geometry: list[str] = []
    for line in text.splitlines():
        stripped = line.rstrip()
        if "Error Summary" in stripped:
            table, log.summary_seen = "errors", True
        elif "Erasure Summary" in stripped:
            table = "bytes"
        elif "Drive Status" in stripped:
            table = "status"
        elif total := _TOTAL.match(stripped):
            log.finished_at = _time(total.groups()[:6])
            log.method, log.rounds = total.group(7).strip(), int(total.group(8))
            log.blanked, log.verification = total.group(9) == "B", _VERIFY_SCOPES[total.group(10)]
            table = None
        elif match := _LINE.match(stripped):
            _message(log, _time(match.groups()[:6]), match.group(8), geometry)
        elif table and "|" in stripped and not stripped.startswith(("!   Device", "---", "***")):
            _summary_row(log, table, stripped)
    if log.blanked is None and log.method is not None:
        log.blanked = True  # nwipe blanks unless told not to, and says so among the options
    serials = [usable_serial(drive.serial_raw) for drive in log.drives.values()]
    for drive in log.drives.values():
        serial = usable_serial(drive.serial_raw)
        drive.serial = serial if serial and serials.count(serial) == 1 else ""
    return log
