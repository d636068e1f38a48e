"""Read-only questions about documents: a device's certificates, and what a verification code shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from inventory.clock import HELSINKI
from inventory.devices.queries import device_id_of
from inventory.devices.tables import Disk, Erasure
from inventory.documents.issuing import verify
from inventory.documents.summary import ShownField, kind_label, shown_summary
from inventory.documents.verification import Verdict
from inventory.i18n import N_, gettext

VERDICT_MESSAGES = {
    Verdict.GENUINE: N_("This document is genuine: it was issued by us and states what is shown below."),
    Verdict.TAMPERED: N_(
        "This code does not match the document we issued under this number. The document may have "
        "been altered, or the code mistyped. Do not rely on it; contact the issuer."
    ),
    Verdict.UNKNOWN: N_(
        "We have issued no document with this code. Check that it was typed correctly; if it was, "
        "do not rely on the document."
    ),
}


@dataclass(frozen=True)
class CertificateRef:
    """A certificate of sanitisation of a device: an erasure's, or the one for its destroyed disks."""

    number: str | None
    kind: Literal["erasure", "destruction"]
    date: dt.date | None
    passed: bool
    pdf_url: str
    waiting_for: Literal["", "sign_off", "warning"] = ""  # why it cannot be printed yet


async def device_certificates(asset_tag: str, device_id: int | None = None) -> list[CertificateRef]:
    """The device's erasures (newest first) and, if disks were destroyed, their destruction certificate.

    A caller that has read the device already passes its id: one query less on the device page.
    """
    device = {"id": device_id if device_id is not None else await device_id_of(asset_tag)}
    erasures = (
        await Erasure.select(
            Erasure.certificate_number,
            Erasure.passed,
            Erasure.finished_at,
            Erasure.validated_at,
            Erasure.warning,
            Erasure.warning_accepted_at,
        )
        .where(Erasure.device == device["id"])
        .order_by(Erasure.id, ascending=False)
    )
    found = [
        CertificateRef(
            number=row["certificate_number"],
            kind="erasure",
            date=row["finished_at"].astimezone(HELSINKI).date() if row["finished_at"] else None,
            passed=bool(row["passed"]),
            pdf_url=f"/api/v1/erasures/{quote(row['certificate_number'], safe='')}/certificate",
            waiting_for=(
                "warning"
                if row["warning"] and row["warning_accepted_at"] is None
                else ("sign_off" if row["validated_at"] is None else "")
            ),
        )
        for row in erasures
    ]
    disks = await Disk.select(Disk.destroyed_at).where(
        (Disk.device == device["id"]) & Disk.destroyed_at.is_not_null()
    )
    if disks:
        found.append(
            CertificateRef(
                number=None,
                kind="destruction",
                date=max(disk["destroyed_at"] for disk in disks).astimezone(HELSINKI).date(),
                passed=True,
                pdf_url=f"/api/v1/devices/{quote(asset_tag, safe='')}/destruction-certificate",
            )
        )
    return found


@dataclass(frozen=True)
class VerificationView:
    """What the verification page and its JSON twin show for a code."""

    verdict: Verdict
    message: str
    kind: str | None = None
    kind_label: str | None = None
    number: str | None = None
    issued_on: dt.date | None = None
    summary: tuple[ShownField, ...] = ()


async def verification_view(code: str, secret: str, language: str) -> VerificationView:
    """Check a code and describe the result; only a genuine document's public summary is shown."""
    result = await verify(code, secret)
    message = gettext(VERDICT_MESSAGES[result.verdict], language)
    document = result.document
    if result.verdict is not Verdict.GENUINE or document is None:
        return VerificationView(result.verdict, message)
    issued_at: dt.datetime = document.issued_at
    return VerificationView(
        verdict=result.verdict,
        message=message,
        kind=document.kind,
        kind_label=kind_label(document.kind, language),
        number=document.number,
        issued_on=issued_at.astimezone(HELSINKI).date(),
        summary=tuple(shown_summary(document.facts, language)),
    )
