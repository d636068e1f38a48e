"""Reading donors' device lists: real CSV and XLSX files, good, messy and hostile."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from inventory.choices import DeviceKind, DiskKind
from inventory.donations.spreadsheet import MAX_ROWS, read_sheet
from inventory.errors import InvalidInput

FINNISH_CSV = (
    "Merkki;Malli;Sarjanumero;Tyyppi;Prosessori;Muisti;Levy;Huomiot;Väri\n"
    "Lenovo;ThinkPad T480;PF1K8Z3A;kannettava;Intel Core i5-8250U;8 GB;256 GB SSD;näppäimistö kulunut;musta\n"
    "Dell;OptiPlex 7050;4ZT5RJ2;pöytäkone;i5-7500;16;500 Gt HDD + 256 GB NVMe;;\n"
    ";;;;;;;;\n"
)


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_finnish_excel_csv_in_windows_encoding() -> None:
    sheet = read_sheet(FINNISH_CSV.encode("cp1252"))
    assert sheet.columns["make"] == "Merkki"
    assert sheet.ignored_columns == ("Väri",)
    assert [row.line for row in sheet.rows] == [2, 3]
    first, second = (row.device for row in sheet.rows)
    assert first is not None
    assert (first.kind, first.make, first.model, first.serial, first.ram_mb) == (
        DeviceKind.LAPTOP, "Lenovo", "ThinkPad T480", "PF1K8Z3A", 8192,
    )  # fmt: skip
    assert first.notes == "näppäimistö kulunut"
    assert second is not None
    assert [(d.kind, d.size_bytes) for d in second.disks] == [
        (DiskKind.HDD, 500 * 10**9),
        (DiskKind.NVME, 256 * 10**9),
    ]
    assert second.ram_mb == 16 * 1024


def test_english_comma_csv_with_byte_order_mark() -> None:
    text = "\ufeffManufacturer,Model,Serial Number,Type,RAM,Storage\nHP,EliteBook 840 G5,5CG8331XYZ,Laptop,16GB,512 GB NVMe\n"
    sheet = read_sheet(text.encode("utf-8"))
    device = sheet.rows[0].device
    assert device is not None
    assert (device.make, device.serial, device.kind) == ("HP", "5CG8331XYZ", DeviceKind.LAPTOP)


def test_swedish_headers() -> None:
    sheet = read_sheet("Märke;Modell;Serienummer;Typ\nDell;Latitude 5490;7HQ2LN2;bärbar\n".encode())
    device = sheet.rows[0].device
    assert device is not None
    assert device.kind is DeviceKind.LAPTOP


def test_xlsx_workbook() -> None:
    data = _xlsx(
        [
            ["Merkki", "Malli", "Sarjanumero", "Muisti"],
            ["Lenovo", "ThinkCentre M910q", "MJ05ABCD", 8],
            [None, None],
        ]
    )
    sheet = read_sheet(data)
    assert len(sheet.rows) == 1
    device = sheet.rows[0].device
    assert device is not None
    assert (device.model, device.ram_mb) == ("ThinkCentre M910q", 8192)


def test_every_problem_of_every_row_is_reported() -> None:
    text = "merkki;malli;sarjanumero;tyyppi;muisti;levy\nHP;x;AA1;kone;lots;big\n;;AA2;;;\nDell;y;AA1;;;\n"
    sheet = read_sheet(text.encode())
    problems = {row.line: {p.field for p in row.problems} for row in sheet.rows}
    assert problems == {2: {"kind", "ram", "storage"}, 3: {"model"}, 4: {"serial"}}
    assert all(row.device is None for row in sheet.rows)
    assert sheet.problem_count == 5


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"colour;weight\nred;2\n", "make or the model"),
        (b"\x00\x01\x02binary", "neither CSV"),
        (b"PK\x03\x04not really a zip", "XLSX"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data: bytes, field_message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_sheet(data)
    assert refused.value.field == "file"
    assert field_message in refused.value.text("en")


def test_a_zip_bomb_is_refused_before_unpacking() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (40 * 1024 * 1024))
    with pytest.raises(InvalidInput, match="unpacked"):
        read_sheet(buffer.getvalue())


def test_too_many_rows() -> None:
    text = "merkki;malli\n" + "".join(f"HP;m{i}\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(InvalidInput, match="more than"):
        read_sheet(text.encode())
