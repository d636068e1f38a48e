"""Erasure records: evidence of a sanitisation, numbered as a certificate, kept as it came."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from inventory.actors import Actor
from inventory.choices import ErasureTechnique
from inventory.clock import now, too_early, too_late
from inventory.devices.tables import Device, Disk, Erasure, ErasureDisk
from inventory.errors import InvalidInput
from inventory.i18n import N_
from inventory.lifecycle import DeviceFacts
from inventory.numbering.sequences import certificate_number, next_number
from labels.sanitisation_terms import ErasureCategory

ERASURE_CERTIFICATE_KIND = "E"
# Logs carry the clock of the machine that wiped, often without a time zone: allow this much either way.
CLOCK_TOLERANCE = dt.timedelta(hours=14)
# NIST SP 800-88 Rev. 1 (Table A-8): overwriting flash media clears what the interface reaches, not
# spare or remapped blocks; for media leaving the organisation the decision flow asks for Purge.
FLASH_KINDS = frozenset({"ssd", "nvme", "emmc"})
FLASH_CLEAR_WARNING = "flash_clear_external"


@dataclass(frozen=True)
class ErasedDisk:
    """The evidence for one disk of an erasure."""

    disk_id: int
    verified: bool
    method: str = ""
    bytes_erased: int | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ErasureRecord:
    """One sanitisation as reported by a wipe run, an offline wipe station or a person."""

    disks: tuple[ErasedDisk, ...]
    method: str
    tool: str
    tool_version: str = ""
    category: ErasureCategory = ErasureCategory.CLEAR
    technique: ErasureTechnique = ErasureTechnique.OVERWRITE
    verification_method: str = ""
    verification_result: str = ""
    source: str = "manual"
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


def check_erasure(record: ErasureRecord, facts: DeviceFacts) -> None:
    """Refuse an erasure record that names no disk, another device's disk or no tool."""
    if not record.disks:
        raise InvalidInput("erasure.disks", N_("An erasure must name at least one disk."))
    foreign = {d.disk_id for d in record.disks} - facts.disk_ids
    if foreign:
        raise InvalidInput("erasure.disks", N_("Some of the disks named do not belong to this device."))
    if not record.tool.strip():
        raise InvalidInput("erasure.tool", N_("Name the tool that erased the disks."))


def check_dates(record: ErasureRecord, received_at: dt.datetime, moment: dt.datetime) -> None:
    """Refuse evidence dated before the device arrived, or in the future."""
    for when in (record.started_at, record.finished_at):
        if when is None:
            continue
        if too_early(when) or when < received_at - CLOCK_TOLERANCE:
            raise InvalidInput(
                "erasure.started_at",
                N_(
                    "The erasure is dated {date}, before this device arrived on {received}: "
                    "it cannot be the erasure of this device."
                ),
                {"date": when.date().isoformat(), "received": received_at.date().isoformat()},
            )
        if too_late(when) or when > moment + CLOCK_TOLERANCE:
            raise InvalidInput(
                "erasure.finished_at",
                N_(
                    "The erasure is dated {date}, in the future. Check the clock of the machine that erased it."
                ),
                {"date": when.date().isoformat()},
            )


async def _warning(record: ErasureRecord) -> str:
    """The warning a coordinator must accept: Clear on flash media that will be reused outside."""
    if record.category is not ErasureCategory.CLEAR:
        return ""
    kinds = await Disk.select(Disk.kind).where(Disk.id.is_in([d.disk_id for d in record.disks]))
    return FLASH_CLEAR_WARNING if any(row["kind"] in FLASH_KINDS for row in kinds) else ""


async def record_erasure(
    device_id: int, cycle: int, record: ErasureRecord, actor: Actor, facts: DeviceFacts
) -> str:
    """Store an erasure of this device's disks and return its certificate number."""
    check_erasure(record, facts)
    moment = now()
    device = await Device.select(Device.created_at).where(Device.id == device_id).first()
    assert device is not None
    check_dates(record, device["created_at"], moment)
    year = (record.finished_at or moment).year
    number = certificate_number(
        ERASURE_CERTIFICATE_KIND, year, await next_number(ERASURE_CERTIFICATE_KIND, year)
    )
    rows = await Erasure.insert(
        Erasure(
            device=device_id,
            cycle=cycle,
            certificate_number=number,
            passed=all(d.verified for d in record.disks),
            category=record.category.value,
            technique=record.technique.value,
            method=record.method,
            tool=record.tool,
            tool_version=record.tool_version,
            verification_method=record.verification_method,
            verification_result=record.verification_result,
            source=record.source,
            operator=actor.user_id,
            started_at=record.started_at,
            finished_at=record.finished_at or moment,
            evidence=record.evidence,
            created_at=moment,
            warning=await _warning(record),
        )
    ).returning(Erasure.id)
    erasure_id = rows[0]["id"]
    await ErasureDisk.insert(
        *(
            ErasureDisk(
                erasure=erasure_id,
                disk=d.disk_id,
                method=d.method or record.method,
                bytes_erased=d.bytes_erased,
                verified=d.verified,
                evidence=d.evidence,
            )
            for d in record.disks
        )
    )
    return number
