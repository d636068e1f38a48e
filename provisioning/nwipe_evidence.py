"""An nwipe log checked against the device's disks and turned into erasure evidence, one disk at a time.

A drive whose serial nwipe could not read is matched to the device's disk only by an explicit pairing,
and the sizes must agree (the log's reading is in provisioning/nwipe_log.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from provisioning.evidence import WipeEvidence
from provisioning.nwipe_log import (
    OVERWRITE_METHODS,
    PATTERNS,
    NwipeDrive,
    NwipeLog,
    NwipeLogRefusedError,
    Refusal,
    parse_nwipe_log,
)


@dataclass(frozen=True, slots=True)
class KnownDisk:
    """A disk of the device the log is imported for."""

    disk_id: int
    serial: str | None = None
    model: str | None = None
    size_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class NwipeImport:
    """Evidence for the device's disks found in the log, by disk id."""

    evidence: tuple[tuple[int, WipeEvidence], ...]


def _check_log(log: NwipeLog) -> None:
    if log.version is None and not log.summary_seen and not any(d.status for d in log.drives.values()):
        raise NwipeLogRefusedError(
            Refusal.NOT_NWIPE, "This is not an nwipe log: it has no nwipe banner, options or summary."
        )
    if log.finished_at is None or not log.wiped:
        raise NwipeLogRefusedError(
            Refusal.CUT_SHORT,
            "The log has no summary tables: the wipe did not finish or the log was cut short.",
        )


def _check_drive(drive: NwipeDrive, log: NwipeLog) -> None:
    name = drive.device
    if drive.status is None:
        raise NwipeLogRefusedError(
            Refusal.NOT_WIPED, "The log names {drive} but does not report wiping it.", drive=name
        )
    if drive.status == "UABORTED":
        raise NwipeLogRefusedError(Refusal.ABORTED, "The erasure of {drive} was aborted.", drive=name)
    if drive.status != "ERASED" or drive.errors or drive.failures:
        raise NwipeLogRefusedError(
            Refusal.FAILED,
            "The erasure of {drive} failed: {wipe} wipe, {verify} verification and {sync} sync errors.",
            drive=name,
            wipe=drive.pass_errors,
            verify=drive.verify_errors,
            sync=drive.sync_errors,
        )
    method = drive.method or log.method or ""
    if method not in OVERWRITE_METHODS:
        raise NwipeLogRefusedError(
            Refusal.VERIFY_ONLY,
            "{drive} was only checked with {method}, not erased.",
            drive=name,
            method=method,
        )
    if log.verification not in ("last", "all") or not (drive.verified_last or drive.verified_passes):
        raise NwipeLogRefusedError(
            Refusal.NOT_VERIFIED, "{drive} was erased without verification.", drive=name
        )
    size = drive.size
    if drive.erased is not None and size is not None and drive.erased < size:
        raise NwipeLogRefusedError(
            Refusal.INCOMPLETE,
            "Only {erased} of {total} bytes of {drive} were erased.",
            drive=name,
            erased=drive.erased,
            total=size,
        )


def _pairing(
    log: NwipeLog, disks: Sequence[KnownDisk], pairs: Mapping[str, int]
) -> dict[int, tuple[NwipeDrive, bool]]:
    """Which drive of the log is which disk of the device (paired by hand, or by a readable serial)."""
    by_id = {disk.disk_id: disk for disk in disks}
    matched: dict[int, tuple[NwipeDrive, bool]] = {}
    for name, disk_id in pairs.items():
        device = name if name.startswith("/dev/") else f"/dev/{name}"
        drive = log.drives.get(device)
        if drive is None or drive.status is None or disk_id not in by_id:
            raise NwipeLogRefusedError(
                Refusal.UNKNOWN_DRIVE, "The log reports no wiped drive {drive} for that disk.", drive=device
            )
        if disk_id in matched:
            raise NwipeLogRefusedError(
                Refusal.PAIRED_TWICE, "One disk was paired with two drives of the log.", drive=device
            )
        known = by_id[disk_id]
        if drive.serial and known.serial and drive.serial != known.serial.strip():
            raise NwipeLogRefusedError(
                Refusal.SERIAL_DIFFERS,
                "{drive} has the serial {serial} in the log, not {known}.",
                drive=device,
                serial=drive.serial,
                known=known.serial,
            )
        matched[disk_id] = (drive, True)
    paired = {drive.device for drive, _ in matched.values()}
    by_serial = {drive.serial: drive for drive in log.drives.values() if drive.serial}
    for disk in disks:
        if disk.disk_id in matched or not disk.serial:
            continue
        found = by_serial.get(disk.serial.strip())
        if found is not None and found.device not in paired:
            matched[disk.disk_id] = (found, False)
    return matched


def _unpaired(log: NwipeLog, disks: Sequence[KnownDisk], matched: Mapping[int, Any]) -> list[NwipeDrive]:
    """Wiped drives a person must pair: no readable serial, or the device has disks with no serial recorded."""
    paired = {drive.device for drive, _ in matched.values()}
    serial_less = any(not disk.serial for disk in disks if disk.disk_id not in matched)
    return [d for d in log.wiped if d.device not in paired and (not d.serial or serial_less)]


def _not_found(log: NwipeLog, disks: Sequence[KnownDisk], matched: Mapping[int, Any]) -> None:
    unpaired = _unpaired(log, disks, matched)
    if unpaired:
        raise NwipeLogRefusedError(
            Refusal.PAIRING_NEEDED,
            "Say which disk of this device each drive of the log is ({drives}): their serial numbers cannot be matched.",
            drives=", ".join(drive.device for drive in unpaired),
        )
    found = ", ".join(drive.serial for drive in log.wiped if drive.serial) or "none"
    raise NwipeLogRefusedError(
        Refusal.NOT_IN_LOG,
        "None of this device's disks is in the log (its drives' serials: {serials}).",
        serials=found,
    )


def _evidence(drive: NwipeDrive, log: NwipeLog, known: KnownDisk, paired: bool, text: str) -> WipeEvidence:
    method = drive.method or log.method or ""
    rounds = log.rounds or 1
    return WipeEvidence(
        device=drive.device,
        serial=drive.serial or (known.serial or ""),
        model=drive.model or known.model,
        size_bytes=drive.size or known.size_bytes,
        method=method,
        nist_category="clear",
        technique="overwrite",
        tool="nwipe",
        tool_version=log.version
        if (log.banner or "").startswith("nwipe")
        else f"{log.version} ({log.banner})",
        started_at=drive.started_at,
        finished_at=drive.finished_at or log.finished_at,
        bytes_erased=drive.erased,
        verification_method="read_back_all" if log.verification == "all" else "read_back_last",
        verification_passed=True,
        verification_detail="nwipe reported no wipe, verification or sync errors",
        raw={"log": text, "device": drive.device},
        interface=drive.interface,
        bytes_total=drive.size,
        pattern=PATTERNS.get(method, ""),
        rounds=rounds,
        blanked=bool(log.blanked),
        prng=log.prng or "",
        errors={"wipe": drive.pass_errors, "verification": drive.verify_errors, "sync": drive.sync_errors},
        hidden_sectors=drive.hidden_sectors,
        duration_seconds=drive.duration_seconds,
        paired_by_hand=paired,
        serial_readable=bool(drive.serial),
    )


def import_nwipe_log(
    text: str, disks: Sequence[KnownDisk], pairs: Mapping[str, int] | None = None
) -> NwipeImport:
    """Evidence for the device's disks from an nwipe log; raises NwipeLogRefusedError with the reason.

    `pairs` names, for drives whose serial nwipe could not read, which disk (by id) each one is.
    Every disk of `disks` must be in the log, and every drive found must have been erased and verified.
    """
    log = parse_nwipe_log(text)
    _check_log(log)
    refusals = []
    for drive in log.wiped:
        try:
            _check_drive(drive, log)
        except NwipeLogRefusedError as refused:
            refusals.append(refused)
    if len(refusals) == len(log.wiped):
        raise refusals[0]  # nothing in the log was erased: that is the reason, whichever disk it was
    matched = _pairing(log, disks, pairs or {})
    if not matched:
        _not_found(log, disks, matched)
    missing = [disk for disk in disks if disk.disk_id not in matched]
    if missing:
        if _unpaired(log, disks, matched):
            _not_found(log, disks, matched)
        raise NwipeLogRefusedError(
            Refusal.DISKS_MISSING,
            "The log does not cover every disk of this device: {disks} missing.",
            disks=", ".join(disk.serial or disk.model or str(disk.disk_id) for disk in missing),
        )
    evidence = []
    for disk in disks:
        drive, paired = matched[disk.disk_id]
        _check_drive(drive, log)
        if disk.size_bytes and drive.size and disk.size_bytes != drive.size:
            raise NwipeLogRefusedError(
                Refusal.SIZE_DIFFERS,
                "{drive} is {size} bytes in the log but {known} bytes in the device record.",
                drive=drive.device,
                size=drive.size,
                known=disk.size_bytes,
            )
        evidence.append((disk.disk_id, _evidence(drive, log, disk, paired, text)))
    return NwipeImport(evidence=tuple(evidence))
