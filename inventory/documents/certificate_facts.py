"""The facts a certificate of sanitisation states, gathered from an erasure's rows or a device's destroyed disks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inventory.accounts.tables import User
from inventory.choices import ErasureTechnique
from inventory.clock import HELSINKI
from inventory.devices.tables import Device, Disk, ErasureDisk
from inventory.documents.summary import build_summary
from inventory.errors import Conflict, NotFound
from inventory.i18n import N_
from inventory.settings import Settings
from labels import (
    ErasureCategory,
    MediaDestination,
    VerificationMethod,
)
from labels.locale_format import format_size

# The facts come from the Device, Disk, Erasure and ErasureDisk rows (NIST SP 800-88 Rev. 1 Appendix G:
# who, where, when, the device and each disk, the donor as source, category and technique, tool,
# verification and re-verification, destination). They are stored when the certificate is first
# printed (erasure_certificates.py).

# Words in a recorded verification method that tell how thoroughly it was checked (fi, sv, en).
# Anything else is described no more strongly than a visual check; the recorded words are printed too.
_SAMPLING_WORDS = ("sampl", "otanta", "pistokoe", "stickprov")
_FULL_WORDS = ("full", "every sector", "read-back", "read back", "readback", "koko", "hela", "all zero")


def verification_method(text: str) -> VerificationMethod:
    """The NIST verification method that a recorded description claims, never more than it says."""
    if text in {VerificationMethod.READ_BACK_LAST.value, VerificationMethod.READ_BACK_ALL.value}:
        return VerificationMethod(text)
    lowered = text.casefold()
    if any(word in lowered for word in _SAMPLING_WORDS):
        return VerificationMethod.SAMPLING
    if any(word in lowered for word in _FULL_WORDS):
        return VerificationMethod.FULL
    return VerificationMethod.VISUAL


# Erasures recorded before 2026-12 kept the outcome as an English word in their result text; the
# certificate says passed or failed in its own language from the `passed` column.
_OUTCOME_WORDS = frozenset({"passed", "failed"})


def _result_details(text: str) -> str:
    """What the tool said beyond the outcome, e.g. "all zero"."""
    return "; ".join(part for part in text.split("; ") if part.strip().lower() not in _OUTCOME_WORDS)


def _date(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(HELSINKI).date().isoformat() if moment else None


def _disk_line(disk: dict[str, Any]) -> str:
    """A disk for the public summary: make, model, serial and size; no person's data."""
    parts = [
        f"{disk['make']} {disk['model']}".strip(),
        disk["serial"],
        format_size(disk["size_bytes"], "en") if disk["size_bytes"] else "",
    ]
    return " · ".join(part for part in parts if part)


async def _names(user_ids: set[int]) -> dict[int, str]:
    ids = sorted(user_id for user_id in user_ids if user_id is not None)
    if not ids:
        return {}
    rows = await User.select(User.id, User.display_name).where(User.id.is_in(ids))
    return {row["id"]: row["display_name"] for row in rows}


async def _device_facts(device_id: int) -> dict[str, Any]:
    device = (
        await Device.select(
            Device.id,
            Device.asset_tag,
            Device.make,
            Device.model,
            Device.serial,
            Device.cycle,
            Device.site.name.as_alias("site_name"),
            Device.donation.donor.name.as_alias("donor_name"),  # type: ignore[union-attr]
        )
        .where(Device.id == device_id)
        .first()
    )
    if device is None:
        raise NotFound(N_("No such device."))
    return dict(device)


async def _destroyed_disks(device_id: int) -> list[dict[str, Any]]:
    disks = (
        await Disk.select()
        .where((Disk.device == device_id) & Disk.destroyed_at.is_not_null())
        .order_by(Disk.id)
    )
    names = await _names({disk["destroyed_by"] for disk in disks})
    entries = []
    for disk in disks:
        entries.append(
            {
                "make": disk["make"],
                "model": disk["model"],
                "serial": disk["serial"] or "",
                "media_type": disk["kind"],
                "size_bytes": disk["size_bytes"],
                "interface": "",
                "category": ErasureCategory.DESTROY.value,
                "technique": None,
                "detail": None,
                "destruction": {
                    "destroyed_by": names.get(disk["destroyed_by"], ""),
                    "witness": disk["destruction_witness"] or "",
                    "destroyed_on": _date(disk["destroyed_at"]),
                    "method": disk["destruction_method"],  # None when recorded before it was asked
                    "recycler_reference": disk["destruction_recycler_reference"] or "",
                },
            }
        )
    return entries


def _summary(
    device: dict[str, Any], document: dict[str, Any], settings: Settings, result: str, category: str
) -> dict[str, Any]:
    erased = [disk for disk in document["disks"] if disk["destruction"] is None]
    destroyed = [disk for disk in document["disks"] if disk["destruction"] is not None]
    reverification = document["reverification"]
    return build_summary(
        asset_tag=device["asset_tag"],
        device=f"{device['make']} {device['model']}".strip() or None,
        serial=device["serial"] or None,
        date=document["sanitised_on"],
        category=category,
        technique=erased[0]["technique"] if erased else None,
        tool=" ".join(part for part in (document["tool"], document["tool_version"]) if part) or None,
        verification=document["verification"]["method"],
        result=result,
        reverification=(
            None if reverification is None else ("passed" if reverification["passed"] else "failed")
        ),
        disks=[_disk_line(disk) for disk in erased] or None,
        destroyed_disks=[_disk_line(disk) for disk in destroyed] or None,
        site=document["location"] or None,
        organisation=settings.organisation_name,
    )


def _where_and_what(device: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """What every certificate of sanitisation states of the organisation, the place, the device and its donor."""
    return {
        "organisation": settings.organisation_name,
        "location": device["site_name"],
        "device": {
            "asset_tag": device["asset_tag"],
            "make": device["make"],
            "model": device["model"],
            "serial": device["serial"] or "",
        },
        "source": device["donor_name"] or "",
    }


def _issuer(settings: Settings) -> dict[str, str]:
    issuer = settings.issuer()
    return {
        "address": issuer.address,
        "business_id": issuer.business_id,
        "phone": issuer.phone,
        "email": issuer.email,
    }


def _detail(part: dict[str, Any], erasure: dict[str, Any]) -> dict[str, Any] | None:
    """The method detail a tool reported for one disk (nwipe reports it all), else None."""
    evidence = part["evidence"] or {}
    if "verification_method" not in evidence:
        return None
    errors = evidence.get("errors")
    return {
        "method": str(evidence.get("method") or part["method"] or erasure["method"]),
        "verification": evidence["verification_method"],
        "pattern": str(evidence.get("pattern") or ""),
        "rounds": evidence.get("rounds"),
        "final_blank": evidence.get("blanked"),
        "started_at": evidence.get("started_at"),
        "finished_at": evidence.get("finished_at"),
        "duration_seconds": evidence.get("duration_seconds"),
        "bytes_erased": part["bytes_erased"],
        "bytes_total": evidence.get("bytes_total"),
        "errors": [errors.get("wipe", 0), errors.get("verification", 0), errors.get("sync", 0)]
        if errors
        else None,
        "hidden_areas": evidence.get("hidden_sectors"),
    }


async def erasure_facts(erasure: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The facts a certificate of one erasure states, from the rows as they are now."""
    if erasure["category"] == ErasureCategory.DESTROY.value or (
        erasure["technique"] == ErasureTechnique.DESTRUCTION.value
    ):
        raise Conflict(
            N_(
                "Erasure {number} is recorded as a destruction. Record destroyed disks on the disks "
                "themselves; their certificate is printed from the device."
            ),
            {"number": erasure["certificate_number"]},
        )
    if erasure["warning"] and erasure["warning_accepted_at"] is None:
        raise Conflict(
            N_(
                "Erasure {number} cleared flash media that will be reused outside the organisation, where "
                "NIST SP 800-88 asks for Purge. A coordinator must accept this with a written reason first."
            ),
            {"number": erasure["certificate_number"]},
        )
    if erasure["validated_at"] is None:
        raise Conflict(
            N_(
                "Erasure {number} has not been signed off yet. A coordinator signs off erasures "
                "(Erasures to sign off) before their certificates are printed."
            ),
            {"number": erasure["certificate_number"]},
        )
    device = await _device_facts(erasure["device"])
    parts = (
        await ErasureDisk.select(
            ErasureDisk.method,
            ErasureDisk.verified,
            ErasureDisk.bytes_erased,
            ErasureDisk.evidence,
            ErasureDisk.disk.make.as_alias("make"),
            ErasureDisk.disk.model.as_alias("model"),
            ErasureDisk.disk.serial.as_alias("serial"),
            ErasureDisk.disk.kind.as_alias("kind"),
            ErasureDisk.disk.size_bytes.as_alias("size_bytes"),
        )
        .where(ErasureDisk.erasure == erasure["id"])
        .order_by(ErasureDisk.disk)
        .output(load_json=True)
    )
    names = await _names(
        {
            erasure["operator"],
            erasure["reverified_by"],
            erasure["validated_by"],
            erasure["warning_accepted_by"],
        }
    )
    disks = [
        {
            "make": part["make"],
            "model": part["model"],
            "serial": part["serial"] or "",
            "media_type": part["kind"],
            "size_bytes": part["size_bytes"],
            "interface": str((part["evidence"] or {}).get("interface") or ""),
            "category": erasure["category"],
            "technique": erasure["technique"],
            "destruction": None,
            "detail": _detail(part, erasure),
        }
        for part in parts
    ]
    disks += await _destroyed_disks(erasure["device"])
    reverification = None
    if erasure["reverified_at"] is not None and erasure["reverification_passed"] is not None:
        reverification = {
            "verified_by": names.get(erasure["reverified_by"], ""),
            "verified_on": _date(erasure["reverified_at"]),
            "passed": bool(erasure["reverification_passed"]),
            "method": verification_method(erasure["reverification_method"]).value
            if erasure["reverification_method"]
            else None,
        }
    recorded = ": ".join(
        part
        for part in (erasure["verification_method"], _result_details(erasure["verification_result"]))
        if part
    )
    document = {
        "performed_by": names.get(erasure["operator"], ""),
        "sanitised_on": _date(erasure["finished_at"] or erasure["created_at"]),
        **_where_and_what(device, settings),
        "disks": disks,
        "verification": {
            "method": verification_method(erasure["verification_method"]).value,
            "passed": bool(erasure["passed"]),
            "details": recorded,
        },
        "destination": MediaDestination.EXTERNAL_REUSE.value,
        "tool": erasure["tool"],
        "tool_version": erasure["tool_version"],
        "reverification": reverification,
        "method": erasure["method"],
        "issuer": _issuer(settings),
        "confidentiality_before": settings.confidentiality_before,
        "confidentiality_after": settings.confidentiality_after,
        "validation": {
            "name": names.get(erasure["validated_by"], ""),
            "title": erasure["validator_title"],
            "validated_on": _date(erasure["validated_at"]),
        },
        "accepted_warning": (
            {
                "warning": erasure["warning"],
                "accepted_by": names.get(erasure["warning_accepted_by"], ""),
                "accepted_on": _date(erasure["warning_accepted_at"]),
                "reason": erasure["warning_reason"],
            }
            if erasure["warning"] and erasure["warning_accepted_at"] is not None
            else None
        ),
    }
    result = "passed" if erasure["passed"] else "failed"
    return {
        "summary": _summary(device, document, settings, result, erasure["category"]),
        "document": document,
    }


async def destruction_facts(device_id: int, settings: Settings) -> dict[str, Any]:
    """The facts a certificate states for the disks of a device that were physically destroyed."""
    device = await _device_facts(device_id)
    disks = await _destroyed_disks(device_id)
    if not disks:
        raise Conflict(
            N_("No disk of {tag} has been recorded as destroyed, so it has no destruction certificate."),
            {"tag": device["asset_tag"]},
        )
    last = max(disk["destruction"]["destroyed_on"] for disk in disks)
    document = {
        "performed_by": disks[-1]["destruction"]["destroyed_by"],
        "sanitised_on": last,
        **_where_and_what(device, settings),
        "disks": disks,
        "verification": {"method": VerificationMethod.VISUAL.value, "passed": True, "details": ""},
        "destination": MediaDestination.RECYCLING.value,
        "tool": "",
        "tool_version": "",
        "reverification": None,
        "issuer": _issuer(settings),
        "confidentiality_before": settings.confidentiality_before,
    }
    summary = _summary(device, document, settings, "passed", ErasureCategory.DESTROY.value)
    return {"summary": summary, "document": document}
