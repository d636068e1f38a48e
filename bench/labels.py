"""Benchmark of labels/: 1,000 asset labels on A4 and 100 certificates, against bare reportlab calls."""

from __future__ import annotations

import dataclasses
import io
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

# Run as `python bench/labels.py`, this file's folder comes first on the path and its name would
# shadow the labels package: put the repository root before it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import segno
import zxingcpp
from barcode.codex import Code128
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from labels.asset_labels import AssetLabel, render_asset_labels
from labels.fonts import BOLD, REGULAR, register_fonts
from labels.qr import module_matrix, qr_symbol
from labels.records import CertificateMark, Device
from labels.sanitisation_certificate import (
    Disk,
    DiskSanitisation,
    SanitisationCertificate,
    VerificationResult,
    render_sanitisation_certificate,
)
from labels.sanitisation_terms import (
    MediaDestination,
    MediaType,
    SanitisationCategory,
    SanitisationTechnique,
    VerificationMethod,
)
from labels.stocks import A4_70X37

MM = 72 / 25.4
LABEL_COUNT = 1000
CERTIFICATE_COUNT = 100
ROUNDS = 3


def _labels() -> list[AssetLabel]:
    return [
        AssetLabel(
            asset_tag=f"JNS-{number:06d}-{number % 10}",
            url=f"https://kierto.example.fi/d/JNS-{number:06d}-{number % 10}",
            site_name="Joensuu",
            spec_line="Lenovo ThinkPad T480 · i5-8250U · 8 GB · 256 GB SSD",
        )
        for number in range(LABEL_COUNT)
    ]


def _certificates() -> list[SanitisationCertificate]:
    base = SanitisationCertificate(
        mark=CertificateMark(
            "KI-2025-000000", "7KQ2-PX9M-4TZA", "https://kierto.example.fi/verify/7KQ2PX9M4TZA"
        ),
        performed_by="Matti Meikäläinen",
        organisation="Joensuun Digikahvila ry",
        location="Joensuu",
        sanitised_on=date(2025, 3, 1),
        device=Device("JNS-000042-7", "Lenovo", "ThinkPad T480", "PF1ABCDE"),
        source="Pohjois-Karjalan Osuuspankki",
        disks=(
            DiskSanitisation(
                Disk("Samsung", "970 EVO Plus", "S4EVNX0M123456", MediaType.NVME, 500_107_862_016),
                SanitisationCategory.PURGE,
                SanitisationTechnique.CRYPTOGRAPHIC_ERASE,
            ),
        ),
        verification=VerificationResult(VerificationMethod.FULL, passed=True),
        destination=MediaDestination.INTERNAL_REUSE,
        tool="nvme-cli",
        tool_version="2.4",
    )
    return [
        dataclasses.replace(
            base,
            mark=CertificateMark(
                f"KI-2025-{number:06d}",
                f"CODE-{number:04d}",
                f"https://kierto.example.fi/verify/CODE{number:04d}",
            ),
        )
        for number in range(CERTIFICATE_COUNT)
    ]


def _floor_qr(canvas: Canvas, data: str, x: float, top: float, module: float) -> None:
    path = canvas.beginPath()
    # The same encoder as the renderer (zint through zxing-cpp): the floor measures the drawing.
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    for row, line in enumerate(module_matrix(symbol)):
        column = 0
        while column < len(line):
            if line[column]:
                start = column
                while column < len(line) and line[column]:
                    column += 1
                path.rect(x + start * module, top - (row + 1) * module, (column - start) * module, module)
            column += 1
    canvas.drawPath(path, stroke=0, fill=1)


def floor_labels(labels: list[AssetLabel]) -> bytes:
    """The same shapes and text as the label renderer, placed at fixed spots with bare canvas calls."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1, initialFontName=REGULAR)
    dot = 72 / 300
    for index, label in enumerate(labels):
        position = index % 24
        if index and position == 0:
            canvas.showPage()
        row, column = divmod(position, 3)
        x = column * 70 * MM
        y = (297 - 0.5 - (row + 1) * 37) * MM
        pattern = Code128(label.asset_tag).build()[0]
        path = canvas.beginPath()
        start = -1
        for module, bit in enumerate(pattern + "0"):
            if bit == "1" and start < 0:
                start = module
            elif bit != "1" and start >= 0:
                path.rect(x + 30 * dot + start * 3 * dot, y + 4 * MM, (module - start) * 3 * dot, 10 * MM)
                start = -1
        canvas.drawPath(path, stroke=0, fill=1)
        _floor_qr(canvas, label.url, x + 52 * MM, y + 33 * MM, 6 * dot)
        canvas.setFont(BOLD, 13)
        canvas.drawString(x + 4.4 * MM, y + 28 * MM, label.asset_tag)
        canvas.setFont(REGULAR, 7.5)
        canvas.drawString(x + 4.4 * MM, y + 24 * MM, label.site_name)
        canvas.setFont(REGULAR, 6)
        canvas.drawString(x + 4.4 * MM, y + 21 * MM, label.spec_line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def floor_certificate(certificate: SanitisationCertificate) -> bytes:
    """The certificate's text, rules and QR drawn at fixed spots with bare canvas calls."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1, initialFontName=REGULAR)
    left = 20 * MM
    y = 270 * MM
    canvas.setFont(BOLD, 17)
    canvas.drawString(left, y, "Certificate of sanitisation")
    canvas.setFont(REGULAR, 10)
    canvas.drawString(left, y - 16, "Media sanitisation after NIST SP 800-88 Rev. 1, Appendix G")
    _floor_qr(canvas, certificate.mark.verification_url, 162 * MM, 283 * MM, 0.75 * MM)
    disk = certificate.disks[0].disk
    sections = [
        (
            "Person and organisation",
            [
                ("Sanitised by", certificate.performed_by),
                ("Organisation", certificate.organisation),
                ("Location", certificate.location),
                ("Date of sanitisation", "1 Mar 2025"),
            ],
        ),
        (
            "Device",
            [
                ("Asset tag", certificate.device.asset_tag),
                ("Make", certificate.device.make),
                ("Model", certificate.device.model),
                ("Serial number", certificate.device.serial),
                ("Source (donor)", certificate.source),
            ],
        ),
        (
            "Storage media",
            [
                ("Make and model · Serial number · Size", "Type · Category · Technique"),
                (
                    f"{disk.make} {disk.model} · {disk.serial} · 500 GB",
                    "NVMe solid-state drive · Purge · Crypto erase",
                ),
            ],
        ),
        (
            "Sanitisation and verification",
            [
                ("Tool and version", f"{certificate.tool} {certificate.tool_version}"),
                ("Verification method", "Full read-back of every sector"),
                ("Verification result", "Passed"),
                ("Destination after sanitisation", "Reuse within the organisation"),
            ],
        ),
    ]
    y -= 60
    canvas.setLineWidth(0.25)
    for heading, rows in sections:
        canvas.setFont(BOLD, 11.5)
        canvas.drawString(left, y, heading)
        y -= 16
        for label, value in rows:
            canvas.setFont(BOLD, 8)
            canvas.drawString(left, y, label)
            canvas.setFont(REGULAR, 8)
            canvas.drawString(left + 58 * MM, y, value)
            canvas.line(left, y - 3, 190 * MM, y - 3)
            y -= 14
        y -= 10
    canvas.setFont(REGULAR, 9.5)
    canvas.drawString(left, y, "I certify that the storage media listed above were sanitised as described.")
    canvas.line(left, y - 60, 100 * MM, y - 60)
    canvas.setFont(REGULAR, 8)
    canvas.drawString(left, y - 70, certificate.performed_by)
    canvas.setFont(REGULAR, 7.5)
    canvas.drawString(
        left, 16 * MM, f"Document number {certificate.mark.number} · {certificate.mark.verification_code}"
    )
    canvas.drawString(
        left, 16 * MM - 10, f"Check that this document is genuine: {certificate.mark.verification_url}"
    )
    canvas.drawRightString(190 * MM, 16 * MM, "Page 1")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _best_of(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        qr_symbol.cache_clear()
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    """Time each run and its floor (best of three) and print the figures and their ratio."""
    register_fonts()
    labels = _labels()
    certificates = _certificates()
    # Warm up: font parsing, catalogs, imports.
    render_asset_labels(labels[:3], A4_70X37)
    render_sanitisation_certificate(certificates[0], "en")
    floor_certificate(certificates[0])

    urls = [label.url for label in labels]
    zint = _best_of(lambda: [qr_symbol(url) for url in urls])
    pure_python = _best_of(lambda: [segno.make_qr(url, error="m", boost_error=True) for url in urls])
    ours = _best_of(lambda: render_asset_labels(labels, A4_70X37))
    floor = _best_of(lambda: floor_labels(labels))
    print(f"{LABEL_COUNT} labels on A4: {ours:.2f} s; bare floor {floor:.2f} s; ratio {ours / floor:.2f}")
    print(
        f"  QR encoding of {LABEL_COUNT} URLs: zint {zint:.2f} s (ours, with the vector rectangles); "
        f"segno, pure Python, {pure_python:.2f} s; ratio {pure_python / zint:.1f}"
    )

    ours = _best_of(lambda: [render_sanitisation_certificate(item, "en") for item in certificates])
    floor = _best_of(lambda: [floor_certificate(item) for item in certificates])
    print(
        f"{CERTIFICATE_COUNT} certificates: {ours:.2f} s; bare floor {floor:.2f} s; ratio {ours / floor:.2f}"
    )


if __name__ == "__main__":
    main()
