"""Benchmark of labels/: 1,000 asset labels on A4 and 100 certificates, against bare reportlab calls.

Targets: within 1.5 x of the floor (the same drawing with bare canvas calls), 1,000 labels under 2 s.

Figures, quiet machine, 2026-12-03, three runs: 1,000 labels 0.87-0.90 s at 1.09-1.17 x the floor;
100 certificates 0.61-0.65 s at 1.37-1.43 x. Before that day's change the certificates' floor left out
the media table's grid and wrapped cells, the QR caption, the second line of the statement and the
signer's role and date, and one-line titles, headings and captions went through Paragraph: 1.61-1.72 x
against that thinner floor, 1.52-1.55 x against the faithful one.
"""

from __future__ import annotations

import dataclasses
import io
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

# Run as `python benchmarks/labels.py`, this file's folder comes first on the path and its name would
# shadow the labels package: put the repository root before it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import segno
import zxingcpp
from barcode.codex import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from benchmarks.serving import load_average
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
    DiskKind,
    ErasureCategory,
    MediaDestination,
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
                Disk("Samsung", "970 EVO Plus", "S4EVNX0M123456", DiskKind.NVME, 500_107_862_016),
                ErasureCategory.PURGE,
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


def _floor_lines(canvas: Canvas, lines: list[str], x: float, y: float, font: str, size: float) -> None:
    canvas.setFont(font, size)
    for number, line in enumerate(lines):
        canvas.drawString(x, y - number * size * 1.3, line)


FLOOR_LEFT, FLOOR_RIGHT = 20 * MM, 190 * MM


def _floor_fields(canvas: Canvas, heading: str, rows: list[tuple[str, str]], y: float) -> float:
    canvas.setFont(BOLD, 11.5)
    canvas.drawString(FLOOR_LEFT, y, heading)
    y -= 16
    for label, value in rows:
        canvas.setFont(BOLD, 8)
        canvas.drawString(FLOOR_LEFT, y, label)
        canvas.setFont(REGULAR, 8)
        canvas.drawString(FLOOR_LEFT + 58 * MM, y, value)
        canvas.line(FLOOR_LEFT, y - 3, FLOOR_RIGHT, y - 3)
        y -= 14
    return y - 10


def _floor_media_table(canvas: Canvas, disk: Disk, y: float) -> float:
    canvas.setFont(BOLD, 11.5)
    canvas.drawString(FLOOR_LEFT, y, "Storage media")
    y -= 10
    shares = (2.0, 1.7, 1.0, 1.2, 1.4, 1.4)
    widths = [share / sum(shares) * (FLOOR_RIGHT - FLOOR_LEFT) for share in shares]
    table = [
        ("Make and model", "Serial number", "Size", "Type", "Category", "Technique"),
        (
            f"{disk.make} {disk.model}",
            disk.serial,
            "500 GB",
            "NVMe solid-state drive",
            "Purge",
            "Cryptographic erase",
        ),
    ]
    fonts = [BOLD, REGULAR]
    cells = [
        [simpleSplit(text, fonts[row], 8, width - 12) for text, width in zip(line, widths, strict=True)]
        for row, line in enumerate(table)
    ]
    heights = [max(len(lines) for lines in row) * 10.5 + 5 for row in cells]
    canvas.setFillGray(0.92)
    canvas.rect(FLOOR_LEFT, y - heights[0], FLOOR_RIGHT - FLOOR_LEFT, heights[0], stroke=0, fill=1)
    canvas.setFillGray(0)
    xs = [FLOOR_LEFT + sum(widths[:index]) for index in range(len(widths) + 1)]
    ys = [y - sum(heights[:index]) for index in range(len(heights) + 1)]
    canvas.grid(xs, ys)
    for row, (top, lines_in_row) in enumerate(zip(ys[:-1], cells, strict=True)):
        for x, lines in zip(xs[:-1], lines_in_row, strict=True):
            _floor_lines(canvas, lines, x + 6, top - 10, fonts[row], 8)
    return ys[-1] - 24


def _floor_statement_and_signature(canvas: Canvas, certificate: SanitisationCertificate, y: float) -> None:
    statement = simpleSplit(
        "I certify that the storage media listed above were sanitised as described, following NIST SP "
        "800-88 Rev. 1.",
        REGULAR,
        9.5,
        FLOOR_RIGHT - FLOOR_LEFT,
    )
    _floor_lines(canvas, statement, FLOOR_LEFT, y, REGULAR, 9.5)
    y -= len(statement) * 12.5 + 60
    canvas.setStrokeGray(0)
    canvas.setLineWidth(0.6)
    canvas.line(FLOOR_LEFT, y, 100 * MM, y)
    canvas.setFont(REGULAR, 8)
    canvas.drawString(FLOOR_LEFT, y - 10, certificate.performed_by)
    canvas.setFont(BOLD, 8)
    canvas.drawString(FLOOR_LEFT, y - 21, "Sanitised by")
    canvas.setFont(REGULAR, 8)
    canvas.drawString(FLOOR_LEFT, y - 32, "1 Mar 2025")


def _floor_footer(canvas: Canvas, mark: CertificateMark) -> None:
    canvas.setStrokeGray(0.6)
    canvas.setLineWidth(0.25)
    canvas.line(FLOOR_LEFT, 16 * MM + 9, FLOOR_RIGHT, 16 * MM + 9)
    canvas.setFont(REGULAR, 7.5)
    canvas.drawString(FLOOR_LEFT, 16 * MM, f"Document number {mark.number} · {mark.verification_code}")
    canvas.drawString(
        FLOOR_LEFT, 16 * MM - 10, f"Check that this document is genuine: {mark.verification_url}"
    )
    canvas.drawRightString(FLOOR_RIGHT, 16 * MM, "Page 1")


def floor_certificate(certificate: SanitisationCertificate) -> bytes:
    """Everything the certificate shows (header, QR and caption, field rows, the gridded media table with
    wrapped cells, the statement, the signature block, the footer) drawn at fixed spots with bare canvas
    calls; the only layout is reportlab's own line splitter for the text that wraps.
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1, initialFontName=REGULAR)
    y = 270 * MM
    canvas.setFont(BOLD, 17)
    canvas.drawString(FLOOR_LEFT, y, "Certificate of sanitisation")
    canvas.setFont(REGULAR, 10)
    canvas.drawString(FLOOR_LEFT, y - 16, "Media sanitisation after NIST SP 800-88 Rev. 1, Appendix G")
    _floor_qr(canvas, certificate.mark.verification_url, 162 * MM, 283 * MM, 0.75 * MM)
    canvas.setFont(REGULAR, 7)
    canvas.drawCentredString(176 * MM, 252 * MM, "Scan to check")
    canvas.setLineWidth(0.25)
    canvas.setStrokeGray(0.6)
    device = certificate.device
    y -= 60
    for heading, rows in (
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
                ("Asset tag", device.asset_tag),
                ("Make", device.make),
                ("Model", device.model),
                ("Serial number", device.serial),
                ("Source (donor)", certificate.source),
            ],
        ),
    ):
        y = _floor_fields(canvas, heading, rows, y)
    y = _floor_media_table(canvas, certificate.disks[0].disk, y)
    y = _floor_fields(
        canvas,
        "Sanitisation and verification",
        [
            ("Tool and version", f"{certificate.tool} {certificate.tool_version}"),
            ("Verification method", "Full read-back of every sector"),
            ("Verification result", "Passed"),
            ("Destination after sanitisation", "Reuse within the organisation"),
        ],
        y,
    )
    _floor_statement_and_signature(canvas, certificate, y)
    _floor_footer(canvas, certificate.mark)
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
    print(load_average())
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
