"""Hostile spreadsheets sent to the import: each one refused or neutralised with a clear message."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from openpyxl import Workbook

from inventory.permissions import Role
from inventory.settings import get_settings

HeadersFor = Callable[..., Awaitable[dict[str, str]]]
PREVIEW = "/api/v1/donations/import/preview"


def _workbook_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["merkki", "malli"])
    workbook.active.append(["Lenovo", "T480"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    """The same workbook with one of its XML parts replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item.filename))
    return buffer.getvalue()


XXE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>merkki</t></is></c><c r="B1" t="inlineStr"><is><t>malli</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>&secret;</t></is></c><c r="B2" t="inlineStr"><is><t>x</t></is></c></row>
</sheetData></worksheet>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row></sheetData></worksheet>"""


def _many_entries() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(1000):
            archive.writestr(f"xl/media/{index}.bin", b"x")
    return buffer.getvalue()


HOSTILE: dict[str, tuple[str, bytes]] = {
    "external entity (XXE)": ("devices.xlsx", _with_part(_workbook_bytes(), "xl/worksheets/sheet1.xml", XXE)),
    "billion laughs": ("devices.xlsx", _with_part(_workbook_bytes(), "xl/worksheets/sheet1.xml", LAUGHS)),
    "thousands of entries": ("devices.xlsx", _many_entries()),
    "an executable named .csv": ("devices.csv", b"\x7fELF\x02\x01\x01\x00" + bytes(200)),
    "a PDF named .xlsx": ("devices.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    "a path in the file name": ("../../../../etc/cron.d/x.csv", b"merkki;malli\nHP;ProBook\n"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
async def test_hostile_files_are_refused_or_neutralised(
    client: httpx.AsyncClient, headers_for: HeadersFor, case: str
) -> None:
    headers = await headers_for(Role.TRAINEE)
    name, data = HOSTILE[case]
    response = await client.post(
        PREVIEW, files={"file": (name, data, "application/octet-stream")}, headers=headers
    )
    assert response.status_code in (200, 422), response.text
    assert "root:" not in response.text  # /etc/passwd never leaks
    if response.status_code == 422:
        assert response.json()["field"] == "file"
        assert response.json()["detail"]
    else:  # read as data and nothing else: the name is never used
        assert response.json()["rows"][0]["cells"] == {"make": "HP", "model": "ProBook"}


async def test_formula_cells_are_kept_as_plain_text(
    client: httpx.AsyncClient, headers_for: HeadersFor
) -> None:
    headers = await headers_for(Role.TRAINEE)
    data = b"merkki;malli;huomiot\nHP;=HYPERLINK(\"http://evil\");=cmd|'/c calc'!A1\n"
    response = await client.post(PREVIEW, files={"file": ("x.csv", data, "text/csv")}, headers=headers)
    row = response.json()["rows"][0]
    assert row["cells"]["notes"] == "=cmd|'/c calc'!A1"  # stored as typed; exports neutralise it


async def test_a_file_over_the_limit_is_refused(
    client: httpx.AsyncClient, headers_for: HeadersFor, db: Any
) -> None:
    headers = await headers_for(Role.TRAINEE)
    big = b"merkki;malli\n" + b"HP;x\n" * (get_settings().max_upload_bytes // 5 + 10)
    response = await client.post(PREVIEW, files={"file": ("big.csv", big, "text/csv")}, headers=headers)
    assert response.status_code in (413, 422)


def _two_sheet_workbook() -> bytes:
    """A real workbook whose second sheet (notes, with formulas) is read only to look for formulas."""
    workbook = Workbook()
    workbook.active.append(["merkki", "malli"])
    workbook.active.append(["Lenovo", "T480"])
    notes = workbook.create_sheet("huomiot")
    for line in range(300):
        notes.append([f"huomio {line} " * 5, "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _data_start(data: bytes, name: str) -> tuple[zipfile.ZipInfo, int]:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    return info, info.header_offset + 30 + name_length + extra_length


def _altered(data: bytes, name: str) -> bytes:
    """Sixteen bytes in the middle of one part's compressed data flipped (its CRC no longer matches)."""
    info, start = _data_start(data, name)
    damaged = bytearray(data)
    middle = start + info.compress_size // 2
    for index in range(middle, middle + 16):
        damaged[index] ^= 0x5A
    return bytes(damaged)


def _lying_size(data: bytes, name: str, size: int) -> bytes:
    """One part's unpacked size rewritten, in its local header and in the central directory."""
    info, _ = _data_start(data, name)
    lying = bytearray(data)
    struct.pack_into("<I", lying, info.header_offset + 22, size)
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == name.encode():
            struct.pack_into("<I", lying, position + 24, size)
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(lying)


SHEET = "xl/worksheets/sheet1.xml"
NOTES = "xl/worksheets/sheet2.xml"
BROKEN: dict[str, bytes] = {
    "cut short": _workbook_bytes()[: len(_workbook_bytes()) * 2 // 3],
    "damaged sheet": _altered(_two_sheet_workbook(), SHEET),
    "damaged second sheet": _altered(_two_sheet_workbook(), NOTES),
    "sheet smaller than it says": _lying_size(_two_sheet_workbook(), SHEET, 40),
    "second sheet smaller than it says": _lying_size(_two_sheet_workbook(), NOTES, 100),
    "damaged styles": _altered(_two_sheet_workbook(), "xl/styles.xml"),
}


async def test_a_broken_or_size_lying_workbook_is_not_readable_never_a_server_error(
    client: httpx.AsyncClient, headers_for: HeadersFor
) -> None:
    headers = await headers_for(Role.TRAINEE)
    for case, data in BROKEN.items():
        assert data.startswith(b"PK\x03\x04"), case
        response = await client.post(
            PREVIEW, files={"file": ("devices.xlsx", data, "application/octet-stream")}, headers=headers
        )
        assert response.status_code == 422, (case, response.text)
        assert response.json()["field"] == "file", case
        assert response.json()["detail"] == "Tiedosto ei ole luettava XLSX-työkirja.", (
            case
        )  # the user's language
