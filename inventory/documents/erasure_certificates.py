"""Certificates of sanitisation: one per passed erasure, or one for a device whose every disk was destroyed.

The facts come from the Device, Disk, Erasure and ErasureDisk rows (NIST SP 800-88 Rev. 1 Appendix G:
who, where, when, the device and each disk, the donor as source, category and technique, tool,
verification and re-verification, destination). They are stored when the certificate is first
printed, so printing again gives the same bytes; a later re-verification gives a new revision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inventory.accounts.tables import User
from inventory.actors import Actor
from inventory.choices import ErasureCategory, ErasureTechnique
from inventory.clock import HELSINKI
from inventory.database import AnyEngine, write_transaction
from inventory.devices.tables import Device, Disk, Erasure, ErasureDisk
from inventory.documents.issuing import Issued, issue_revision
from inventory.documents.summary import build_summary
from inventory.errors import Conflict, NotFound
from inventory.i18n import N_
from inventory.settings import Settings
from labels import (
    CertificateMark,
    DestructionMethod,
    DiskDestruction,
    DiskSanitisation,
    MediaDestination,
    MediaType,
    Reverification,
    SanitisationCategory,
    SanitisationCertificate,
    SanitisationTechnique,
    VerificationMethod,
    VerificationResult,
    render_sanitisation_certificate,
)
from labels import (
    Device as CertifiedDevice,
)
from labels import (
    Disk as CertifiedDisk,
)
from labels.locale_format import format_size
from labels.records import Issuer
from labels.sanitisation_certificate import AcceptedWarning, ErasureDetail, Validation
from labels.sanitisation_terms import ConfidentialityCategory, HiddenAreas
from labels.translation import translator
from provisioning.nwipe_log import usable_serial

KIND = "erasure_certificate"

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
                "category": SanitisationCategory.DESTROY.value,
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
        "organisation": settings.organisation_name,
        "location": device["site_name"],
        "sanitised_on": _date(erasure["finished_at"] or erasure["created_at"]),
        "device": {
            "asset_tag": device["asset_tag"],
            "make": device["make"],
            "model": device["model"],
            "serial": device["serial"] or "",
        },
        "source": device["donor_name"] or "",
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


async def issue_erasure_certificate(
    engine: AnyEngine,
    number: str,
    actor: Actor,
    settings: Settings,
) -> Issued:
    """The certificate of the erasure with this number (the one printed before, if nothing changed)."""
    async with write_transaction(engine):
        erasure = await Erasure.select().where(Erasure.certificate_number == number.strip().upper()).first()
        if erasure is None:
            raise NotFound(
                N_("There is no erasure with the certificate number {number}."), {"number": number}
            )
        if not erasure["passed"]:
            raise Conflict(
                N_("Erasure {number} did not pass, so it has no certificate. Wipe the device again."),
                {"number": erasure["certificate_number"]},
            )
        facts = await erasure_facts(dict(erasure), settings)
        return await issue_revision(
            KIND,
            f"erasure:{erasure['id']}",
            facts,
            actor,
            settings.resolved_secret_key(),
            number=erasure["certificate_number"],
        )


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
        "organisation": settings.organisation_name,
        "location": device["site_name"],
        "sanitised_on": last,
        "device": {
            "asset_tag": device["asset_tag"],
            "make": device["make"],
            "model": device["model"],
            "serial": device["serial"] or "",
        },
        "source": device["donor_name"] or "",
        "disks": disks,
        "verification": {"method": VerificationMethod.VISUAL.value, "passed": True, "details": ""},
        "destination": MediaDestination.RECYCLING.value,
        "tool": "",
        "tool_version": "",
        "reverification": None,
        "issuer": _issuer(settings),
        "confidentiality_before": settings.confidentiality_before,
    }
    summary = _summary(device, document, settings, "passed", SanitisationCategory.DESTROY.value)
    return {"summary": summary, "document": document}


async def issue_destruction_certificate_in_transaction(
    device_id: int, actor: Actor, settings: Settings
) -> Issued:
    """Issue (or find) the destruction certificate of a device, inside the caller's transaction."""
    cycle = await Device.select(Device.cycle).where(Device.id == device_id).first()
    if cycle is None:
        raise NotFound(N_("No such device."))
    facts = await destruction_facts(device_id, settings)
    return await issue_revision(
        KIND,
        f"destruction:device:{device_id}:cycle:{cycle['cycle']}",
        facts,
        actor,
        settings.resolved_secret_key(),
    )


async def issue_destruction_certificate(
    engine: AnyEngine,
    asset_tag: str,
    actor: Actor,
    settings: Settings,
) -> Issued:
    """The certificate of a device's physically destroyed disks (its erased disks have their own)."""
    async with write_transaction(engine):
        device = await Device.select(Device.id).where(Device.asset_tag == asset_tag).first()
        if device is None:
            raise NotFound(N_("There is no device with the tag {tag}."), {"tag": asset_tag})
        return await issue_destruction_certificate_in_transaction(device["id"], actor, settings)


def certificate_model(issued: Issued, language: str, base_url: str) -> SanitisationCertificate:
    """The labels library's certificate from the stored facts, in a language for the words we add."""
    _ = translator(language)
    document = issued.facts["document"]
    not_recorded = _("Unknown")
    disks = []
    for entry in document["disks"]:
        disk = CertifiedDisk(
            make=entry["make"],
            model=entry["model"],
            serial=usable_serial(entry["serial"] or "") or not_recorded,  # raw bytes never print as boxes
            media_type=MediaType(entry["media_type"]),
            size_bytes=entry["size_bytes"],
            interface=entry.get("interface") or "",
        )
        destruction = entry["destruction"]
        disks.append(
            DiskSanitisation(
                disk,
                SanitisationCategory(entry["category"]),
                technique=SanitisationTechnique(entry["technique"]) if entry["technique"] else None,
                destruction=(
                    DiskDestruction(
                        destroyed_by=destruction["destroyed_by"] or not_recorded,
                        witness=destruction["witness"],
                        destroyed_on=dt.date.fromisoformat(destruction["destroyed_on"]),
                        method=DestructionMethod(destruction["method"]) if destruction["method"] else None,
                        recycler_reference=destruction.get("recycler_reference") or "",
                    )
                    if destruction
                    else None
                ),
                detail=_detail_model(entry.get("detail")),
            )
        )
    again = document["reverification"]
    device = document["device"]
    performed_by = document["performed_by"] or f"{document['organisation']} ({document['tool']})"
    return SanitisationCertificate(
        mark=CertificateMark(issued.number, issued.code, f"{base_url}/verify/{issued.code}"),
        performed_by=performed_by,
        organisation=document["organisation"],
        location=document["location"],
        sanitised_on=dt.date.fromisoformat(document["sanitised_on"]),
        device=CertifiedDevice(device["asset_tag"], device["make"], device["model"], device["serial"]),
        source=document["source"] or not_recorded,
        disks=tuple(disks),
        verification=VerificationResult(
            VerificationMethod(document["verification"]["method"]),
            passed=document["verification"]["passed"],
            details=document["verification"]["details"],
        ),
        destination=MediaDestination(document["destination"]),
        tool=document["tool"],
        tool_version=document["tool_version"],
        reverification=(
            Reverification(
                verified_by=again["verified_by"] or not_recorded,
                verified_on=dt.date.fromisoformat(again["verified_on"]),
                passed=again["passed"],
                method=VerificationMethod(again["method"]) if again["method"] else None,
            )
            if again
            else None
        ),
        method=document.get("method", ""),
        issuer=Issuer(document["organisation"], **document["issuer"]) if document.get("issuer") else None,
        confidentiality_before=_category(document.get("confidentiality_before")),
        confidentiality_after=_category(document.get("confidentiality_after")),
        validation=(
            Validation(
                valid["name"] or not_recorded,
                valid["title"] or not_recorded,
                dt.date.fromisoformat(valid["validated_on"]),
            )
            if (valid := document.get("validation"))
            else None
        ),
        accepted_warning=(
            AcceptedWarning(
                accepted["warning"],
                accepted["accepted_by"] or not_recorded,
                dt.date.fromisoformat(accepted["accepted_on"]),
                accepted["reason"],
            )
            if (accepted := document.get("accepted_warning"))
            else None
        ),
    )


def _category(value: str | None) -> ConfidentialityCategory | None:
    return ConfidentialityCategory(value) if value else None


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _detail_model(detail: dict[str, Any] | None) -> ErasureDetail | None:
    if not detail:
        return None
    errors = detail.get("errors")
    hidden = detail.get("hidden_areas")
    return ErasureDetail(
        method=detail["method"],
        verification=verification_method(detail["verification"]),
        pattern=detail.get("pattern") or "",
        rounds=detail.get("rounds"),
        final_blank=detail.get("final_blank"),
        started_at=_moment(detail.get("started_at")),
        finished_at=_moment(detail.get("finished_at")),
        duration_seconds=detail.get("duration_seconds"),
        bytes_erased=detail.get("bytes_erased"),
        bytes_total=detail.get("bytes_total"),
        errors=(int(errors[0]), int(errors[1]), int(errors[2])) if errors else None,
        hidden_areas=HiddenAreas(hidden) if hidden else None,
    )


def render_erasure_certificate(issued: Issued, language: str, base_url: str) -> bytes:
    """The certificate's PDF in fi, sv or en; the same facts always give the same bytes."""
    return render_sanitisation_certificate(certificate_model(issued, language, base_url), language)
