"""Sample inputs for the tests: realistic tags, URLs, people and devices, with Finnish and Swedish letters."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image, ImageDraw

from labels.asset_labels import AssetLabel
from labels.donation_receipt import DonatedDevice, DonationReceipt
from labels.handover_agreement import AgreementKind, HandoverAgreement, SupportContact
from labels.orientation_certificate import OrientationCertificate, OrientationSession
from labels.records import CertificateMark, Device
from labels.sanitisation_certificate import (
    Disk,
    DiskDestruction,
    DiskSanitisation,
    Reverification,
    SanitisationCertificate,
    VerificationResult,
)
from labels.sanitisation_terms import (
    DestructionMethod,
    DiskKind,
    ErasureCategory,
    MediaDestination,
    SanitisationTechnique,
    VerificationMethod,
)

BASE_URL = "https://kierto.example.fi"
LONG_MODEL = (
    "Hewlett-Packard EliteBook x360 1040 G8 Notebook PC Healthcare Edition · Intel Core i7-1185G7 vPro · "
    "32 GB LPDDR4x · 1 TB PCIe NVMe TLC SSD · Sure View Reflect"
)


def asset_label(
    tag: str, *, site: str = "Joensuu", spec: str = "Lenovo T480 · i5-8250U · 8 GB · 256 GB SSD"
) -> AssetLabel:
    """A label for ``tag`` with its device URL."""
    return AssetLabel(asset_tag=tag, url=f"{BASE_URL}/d/{tag}", site_name=site, spec_line=spec)


def mark(number: str = "KI-2025-000123", code: str = "7KQ2-PX9M-4TZA") -> CertificateMark:
    """A document number with its verification code and URL."""
    return CertificateMark(number, code, f"{BASE_URL}/verify/{code.replace('-', '')}")


def sanitisation_certificate(*, reverified: bool = True) -> SanitisationCertificate:
    """An erasure of a laptop with one NVMe disk purged and one hard disk destroyed."""
    return SanitisationCertificate(
        mark=mark(),
        performed_by="Matti Meikäläinen",
        organisation="Joensuun Digikahvila ry",
        location="Joensuu, Siltakatu 2",
        sanitised_on=date(2025, 3, 1),
        device=Device("JNS-000042-7", "Lenovo", "ThinkPad T480", "PF1ABCDE"),
        source="Pohjois-Karjalan Osuuspankki",
        disks=(
            DiskSanitisation(
                Disk("Samsung", "970 EVO Plus", "S4EVNX0M123456", DiskKind.NVME, 500_107_862_016),
                ErasureCategory.PURGE,
                SanitisationTechnique.CRYPTOGRAPHIC_ERASE,
            ),
            DiskSanitisation(
                Disk("Seagate", "ST1000LM035", "WDE1XYZ9", DiskKind.HDD, 1_000_204_886_016),
                ErasureCategory.DESTROY,
                destruction=DiskDestruction(
                    "Åsa Öberg", "Élise Lindström", date(2025, 3, 2), DestructionMethod.SHRED
                ),
            ),
        ),
        verification=VerificationResult(VerificationMethod.FULL, passed=True),
        reverification=(
            Reverification(
                "Pekka Virtanen", date(2025, 3, 3), passed=True, method=VerificationMethod.SAMPLING
            )
            if reverified
            else None
        ),
        destination=MediaDestination.INTERNAL_REUSE,
        tool="nvme-cli",
        tool_version="2.4",
    )


def donation_receipt(*, final: bool = False, devices: int = 3) -> DonationReceipt:
    """A donation of ``devices`` laptops; ``final`` fills in every certificate number."""
    entries = tuple(
        DonatedDevice(
            Device(f"JNS-{index:06d}-{index % 10}", "Dell", "Latitude 7490", f"SN{index:05d}Ä"),
            f"KI-2025-{index:06d}" if final or index == 1 else "",
        )
        for index in range(1, devices + 1)
    )
    return DonationReceipt(
        mark=mark("KI-2025-D00007", "D7QX-22PL-9MMA"),
        donor_name="Pohjois-Karjalan Sähkö Oy",
        donor_details="Y-tunnus 0123456-7, Rantakatu 1, Joensuu",
        received_on=date(2025, 2, 14),
        organisation="Joensuun Digikahvila ry",
        site_name="Joensuu",
        received_by="Liisa Kärkkäinen",
        devices=entries,
    )


def signature_png(lift: int = 0) -> bytes:
    """A small signature scribble as PNG bytes; ``lift`` makes another person's."""
    image = Image.new("L", (240, 60), 255)
    points = [(5, 50), (60, 10 + lift), (110, 45), (170, 8 + lift), (230, 40)]
    ImageDraw.Draw(image).line(points, fill=0, width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def handover(kind: AgreementKind = AgreementKind.LOAN, *, signed: bool = False) -> HandoverAgreement:
    """A laptop lent (or given) to a client, with support contacts."""
    return HandoverAgreement(
        mark=mark("KI-2025-H00042", "H4ND-0V3R-2QQZ"),
        kind=kind,
        client_name="Aino Hämäläinen",
        client_code="AS-7F3K",
        device=Device("JNS-000042-7", "Lenovo", "ThinkPad T480", "PF1ABCDE"),
        handed_over_on=date(2025, 4, 2),
        due_on=date(2025, 10, 2) if kind is AgreementKind.LOAN else None,
        counsellor_name="Kaisa Öhman",
        organisation="Joensuun Digikahvila ry",
        site_name="Joensuu",
        accessories=("Laturi", "Hiiri"),
        terms=("Laitetta ei saa myydä eteenpäin.",),
        support_text="Digituki auttaa maksutta tietokoneen käytössä.",
        support_contacts=(SupportContact("Digituki Joensuu", "ti 10–14, Siltakatu 2, 013 123 4567"),),
        client_signature_png=signature_png() if signed else None,
        counsellor_signature_png=signature_png(lift=12) if signed else None,
    )


def orientation() -> OrientationCertificate:
    """Three orientation sessions, 4 h 15 min in all."""
    return OrientationCertificate(
        mark=mark("KI-2025-O00011", "0R1E-NT4T-10NZ"),
        client_name="Aino Hämäläinen",
        client_code="AS-7F3K",
        organisation="Joensuun Digikahvila ry",
        counsellor_name="Kaisa Öhman",
        issued_on=date(2025, 3, 28),
        sessions=(
            OrientationSession(date(2025, 3, 7), ("Suomi.fi-tunnistus", "Sähköposti"), 90),
            OrientationSession(date(2025, 3, 14), ("Kela-asiointi", "OmaKanta"), 75),
            OrientationSession(date(2025, 3, 21), ("Tietoturva", "Sähköposti"), 90, "Jussi Ääri"),
        ),
    )
