"""Device lists made the way donors make them: a title, a date and a note above the header, blank rows,
units in headers; saved by openpyxl and round-tripped through LibreOffice (XLSX and Finnish CSV)."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from tests.support import require_tool

HEADER_LINE = 5
HEADER = [
    "Nro", "Merkki", "Malli", "Sarjanumero", "Tyyppi", "Prosessori", "Muisti (MB)", "Kiintolevy (GB)",
    "Kunto", "Huomiot",
]  # fmt: skip
# Line numbers as the spreadsheet shows them (the header is on line 5; line 9 is blank).
DEVICE_ROWS: dict[int, list[object]] = {
    6: [1, "Lenovo", "ThinkPad T480", "PF1K8Z3A", "Kannettava", "Intel Core i5-8250U", 8192, "256 SSD",
        "Akku heikko; näppäimistö kulunut, F-näppäin puuttuu", ""],
    7: [2, "Dell", "Latitude 5490", "7HQ2LN2", "Kannettava", "Intel Core i5-8350U", 16384, 512, "Hyvä", ""],
    8: [3, "HP", "EliteDesk 800 G3", "CZC7418XYZ", "Pöytäkone", "Intel Core i5-6500", 8192, "500 HDD", "",
        "Näppäimistö ja hiiri mukana"],
    10: [4, "Dell", "P2419H", "CN0ABC123", "Näyttö", "", None, None, "Naarmu reunassa", ""],
    11: [5, "Lenovo", "ThinkPad T480", "pf1k8z3a", "Kannettava", "Intel Core i5-8250U", 8192, "256 SSD", "", ""],
    12: [6, "Fujitsu", "Esprimo P757", None, "Pöytäkone", "Intel Core i5-7500", 4096, 256, "", "Tarra irronnut"],
}  # fmt: skip
COMPUTER_LINES = (6, 7, 8, 12)
NOT_A_COMPUTER_LINE = 10
DUPLICATE_LINE = 11
NO_SERIAL_LINE = 12
FLAGGED_LINES = (NOT_A_COMPUTER_LINE, DUPLICATE_LINE)
CONDITION_OF_FIRST = "Akku heikko; näppäimistö kulunut, F-näppäin puuttuu"
LIBREOFFICE_TIMEOUT = 120


def donor_workbook(rows: dict[int, list[object]] | None = None) -> bytes:
    """The IT office's list: merged title, a date, a note, a blank line, then the header and devices."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Laitteet"
    sheet["A1"] = "Laitelahjoitus – Kaupungin tietohallinto"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:J1")
    sheet["A2"] = "Päivitetty 28.11.2026, yhteyshenkilö: tietohallinto"
    sheet.merge_cells("A2:D2")
    sheet["A3"] = "Huom: koneet on poistettu toimialueesta. Laturit mukana, ellei toisin mainita."
    sheet.merge_cells("A3:J3")
    for column, header in enumerate(HEADER, start=1):
        sheet.cell(row=HEADER_LINE, column=column, value=header).font = Font(bold=True)
    for line, values in (rows or DEVICE_ROWS).items():
        for column, value in enumerate(values, start=1):
            sheet.cell(row=line, column=column, value=value)
    return saved(workbook)


def saved(workbook: Workbook) -> bytes:
    """The workbook's bytes, the same for the same content (fixed dates), so conversions can be cached."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    fixed = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            stamped = zipfile.ZipInfo(entry.filename, date_time=(2026, 11, 28, 9, 0, 0))
            stamped.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":  # openpyxl stamps the time of creating and saving
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-11-28T09:00:00Z", content
                )
            target.writestr(stamped, content)
    return fixed.getvalue()


def _cache_dir() -> Path:
    directory = Path(tempfile.gettempdir()) / f"kierto-test-libreoffice-{os.getuid()}"
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory


def libreoffice_convert(data: bytes, target: str, suffix: str, finnish: bool = True) -> bytes:
    """`soffice --headless --convert-to TARGET`, as a donor's office saves the file; cached by input."""
    soffice = require_tool("soffice", "Debian package libreoffice-calc-nogui")
    key = hashlib.sha256(data + target.encode() + str(finnish).encode()).hexdigest()[:24]
    cached = _cache_dir() / f"{key}.{suffix}"
    if cached.exists():
        return cached.read_bytes()
    with tempfile.TemporaryDirectory(prefix="kierto-soffice-") as work:
        source = Path(work) / "lahjoitus.xlsx"
        source.write_bytes(data)
        locale = "fi_FI.UTF-8" if finnish else "C.UTF-8"
        result = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", target,
             "--outdir", f"{work}/out", str(source)],
            env={**os.environ, "LANG": locale, "LC_ALL": locale, "HOME": work},
            capture_output=True, timeout=LIBREOFFICE_TIMEOUT, check=False,
        )  # fmt: skip
        produced = Path(work) / "out" / f"lahjoitus.{suffix}"
        if not produced.exists():
            pytest.fail(f"LibreOffice did not convert the file: {result.stdout!r} {result.stderr!r}")
        shutil.copyfile(produced, cached)
        return produced.read_bytes()


def finnish_csv(data: bytes) -> bytes:
    """The workbook saved as Finnish Excel and LibreOffice save CSV: semicolons, decimal comma, cp1252."""
    return libreoffice_convert(data, "csv:Text - txt - csv (StarCalc):59,34,1", "csv")


def libreoffice_xlsx(data: bytes) -> bytes:
    """The workbook opened and saved again by LibreOffice Calc."""
    return libreoffice_convert(data, "xlsx", "xlsx")
