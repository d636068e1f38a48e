"""A certificate of sanitisation's stored facts as the labels library's model, and its PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inventory.documents.certificate_facts import verification_method
from inventory.documents.issuing import Issued
from labels import (
    CertificateMark,
    DestructionMethod,
    DiskDestruction,
    DiskKind,
    DiskSanitisation,
    ErasureCategory,
    MediaDestination,
    Reverification,
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
from labels.records import Issuer
from labels.sanitisation_certificate import AcceptedWarning, ErasureDetail, Validation
from labels.sanitisation_terms import ConfidentialityCategory, HiddenAreas
from labels.translation import translator
from provisioning.nwipe_log import usable_serial


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
            media_type=DiskKind(entry["media_type"]),
            size_bytes=entry["size_bytes"],
            interface=entry.get("interface") or "",
        )
        destruction = entry["destruction"]
        disks.append(
            DiskSanitisation(
                disk,
                ErasureCategory(entry["category"]),
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
