"""Erasure records: evidence of a sanitisation, numbered as a certificate, kept as it came."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from inventory.actors import Actor
from inventory.choices import ErasureCategory, ErasureTechnique
from inventory.clock import now
from inventory.devices.tables import Erasure, ErasureDisk
from inventory.documents.numbering import certificate_number, next_number
from inventory.errors import InvalidInput
from inventory.lifecycle import DeviceFacts
from inventory.permissions import N_

ERASURE_CERTIFICATE_KIND = "E"


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


async def record_erasure(
    device_id: int, cycle: int, record: ErasureRecord, actor: Actor, facts: DeviceFacts
) -> str:
    """Store an erasure of this device's disks and return its certificate number."""
    check_erasure(record, facts)
    moment = now()
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
