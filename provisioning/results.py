"""Structured results from a run's events: the hardware scan of each host, the wipe evidence of each disk."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from provisioning.events import Event, TaskOutcome, TaskResult, iso_moment
from provisioning.evidence import WipeEvidence, WipeFailure

SCAN_FACT = "kierto_hardware"
ERASE_ACTION = "kierto.bench.disk_erase"


@dataclass(frozen=True, slots=True, kw_only=True)
class DiskFacts:
    """One disk found by the scan."""

    device: str
    model: str | None
    serial: str | None
    size_bytes: int
    kind: str
    rotational: bool
    removable: bool
    transport: str | None
    in_use: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class BatteryFacts:
    """One battery found by the scan."""

    manufacturer: str | None
    model: str | None
    health_percent: float | None
    full_capacity: int | None
    design_capacity: int | None
    capacity_unit: str
    cycle_count: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class HardwareScan:
    """A device's hardware as scanned; `raw` is the fact kierto_hardware exactly as reported."""

    vendor: str | None
    model: str | None
    serial: str | None
    cpu_model: str | None
    cpu_cores: int | None
    memory_bytes: int | None
    disks: tuple[DiskFacts, ...]
    batteries: tuple[BatteryFacts, ...]
    mac_addresses: tuple[str, ...]
    raw: Mapping[str, Any]


@dataclass(slots=True)
class WipeReport:
    """Per host: the evidence of every disk erased and every disk refused or failed."""

    erased: list[WipeEvidence] = field(default_factory=list)
    failed: list[WipeFailure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when disks were erased, every one verified, and none failed."""
        return bool(self.erased) and not self.failed and all(e.verification_passed for e in self.erased)


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float | str) and str(value).lstrip("-").isdigit() else None


def _scan_from_fact(fact: Mapping[str, Any]) -> HardwareScan:
    system = fact.get("system") or {}
    cpu = fact.get("cpu") or {}
    disks = tuple(
        DiskFacts(
            device=str(disk.get("device")),
            model=disk.get("model"),
            serial=disk.get("serial"),
            size_bytes=int(disk.get("size_bytes") or 0),
            kind=str(disk.get("kind")),
            rotational=bool(disk.get("rotational")),
            removable=bool(disk.get("removable")),
            transport=disk.get("transport"),
            in_use=bool(disk.get("in_use")),
        )
        for disk in fact.get("disks") or []
    )
    batteries = tuple(
        BatteryFacts(
            manufacturer=battery.get("manufacturer"),
            model=battery.get("model"),
            health_percent=battery.get("health_percent"),
            full_capacity=_int(battery.get("full_capacity")),
            design_capacity=_int(battery.get("design_capacity")),
            capacity_unit=str(battery.get("capacity_unit") or ""),
            cycle_count=_int(battery.get("cycle_count")),
        )
        for battery in fact.get("batteries") or []
    )
    return HardwareScan(
        vendor=system.get("vendor"),
        model=system.get("model"),
        serial=system.get("serial"),
        cpu_model=cpu.get("model"),
        cpu_cores=_int(cpu.get("cores")),
        memory_bytes=_int(fact.get("memory_bytes")),
        disks=disks,
        batteries=batteries,
        mac_addresses=tuple(str(nic["mac"]) for nic in fact.get("network") or [] if nic.get("mac")),
        raw=fact,
    )


def scan_results(events: Iterable[Event]) -> dict[str, HardwareScan]:
    """The hardware scan of each host that reported one, by host name."""
    scans: dict[str, HardwareScan] = {}
    for event in events:
        if isinstance(event, TaskResult) and event.outcome is TaskOutcome.OK:
            fact = (event.result.get("ansible_facts") or {}).get(SCAN_FACT)
            if isinstance(fact, Mapping):
                scans[event.host] = _scan_from_fact(fact)
    return scans


def evidence_from_record(record: Mapping[str, Any]) -> WipeEvidence:
    """WipeEvidence from the module's disk_erase_evidence dict."""
    return WipeEvidence(
        device=str(record.get("device")),
        serial=str(record.get("serial") or ""),
        model=record.get("model"),
        size_bytes=_int(record.get("size_bytes")),
        method=str(record.get("method")),
        nist_category=str(record.get("nist_category")),
        technique=str(record.get("technique")),
        tool=str(record.get("tool")),
        tool_version=record.get("tool_version"),
        started_at=iso_moment(record.get("started_at")),
        finished_at=iso_moment(record.get("finished_at")),
        bytes_erased=_int(record.get("bytes_erased")),
        verification_method=str(record.get("verification_method")),
        verification_passed=bool(record.get("verification_passed")),
        verification_detail=str(record.get("verification_detail") or ""),
        raw=record,
    )


def wipe_results(events: Iterable[Event]) -> dict[str, WipeReport]:
    """Per host, the evidence of each disk erased and each disk refused or failed (per loop item)."""
    reports: dict[str, WipeReport] = {}
    for event in events:
        if not (isinstance(event, TaskResult) and event.action == ERASE_ACTION and event.item is not None):
            continue
        report = reports.setdefault(event.host, WipeReport())
        record = event.result.get("disk_erase_evidence")
        if event.outcome is TaskOutcome.CHANGED and isinstance(record, Mapping):
            report.erased.append(evidence_from_record(record))
        elif event.outcome is TaskOutcome.FAILED:
            if isinstance(record, Mapping):
                report.erased.append(evidence_from_record(record))
            report.failed.append(
                WipeFailure(
                    device=str(event.result.get("device") or event.item),
                    message=event.message or "The disk could not be erased.",
                    refused=bool(event.result.get("refused")),
                    raw=event.result,
                )
            )
    return reports
