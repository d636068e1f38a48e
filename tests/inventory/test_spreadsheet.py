"""Reading donors' device lists: real CSV and XLSX files, good, messy and hostile."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from inventory.choices import DeviceKind
from inventory.donations.sheet_files import guess_delimiter
from inventory.donations.spreadsheet import HEADER_SEARCH_LINES, MAX_ROWS, SheetRow, read_sheet
from inventory.errors import InvalidInput
from labels.sanitisation_terms import DiskKind
from tests import donor_sheets

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
    return donor_sheets.saved(workbook)


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


def test_too_many_rows_says_how_to_split_the_list() -> None:
    text = "merkki;malli\n" + "".join(f"HP;m{i}\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(InvalidInput, match="more than") as refused:
        read_sheet(text.encode())
    assert "Split it into files" in refused.value.text("en")


def _by_line(data: bytes) -> dict[int, SheetRow]:
    return {row.line: row for row in read_sheet(data).rows}


@pytest.mark.parametrize("saved_by", ["openpyxl", "libreoffice-xlsx", "libreoffice-finnish-csv"])
def test_a_list_as_an_it_office_sends_it(saved_by: str) -> None:
    data = donor_sheets.donor_workbook()
    if saved_by == "libreoffice-xlsx":
        data = donor_sheets.libreoffice_xlsx(data)
    elif saved_by == "libreoffice-finnish-csv":
        data = donor_sheets.finnish_csv(data)
        assert data.startswith(b"Laitelahjoitus \x96 Kaupungin")  # cp1252, as Finnish Windows writes it
    sheet = read_sheet(data)
    assert sheet.header_line == donor_sheets.HEADER_LINE
    assert sheet.units == {"ram": "mb", "storage": "gb"}
    assert sheet.columns["condition"] == "Kunto"
    assert sheet.ignored_columns == ("Nro",)
    rows = {row.line: row for row in sheet.rows}
    assert sorted(rows) == sorted(donor_sheets.DEVICE_ROWS)
    assert [line for line, row in rows.items() if row.problems] == list(donor_sheets.FLAGGED_LINES)
    assert "not a computer" in rows[donor_sheets.NOT_A_COMPUTER_LINE].problems[0].message
    assert rows[donor_sheets.DUPLICATE_LINE].problems[0].values == {"line": "6"}
    assert [w.field for w in rows[donor_sheets.NO_SERIAL_LINE].warnings] == ["serial"]
    for line in donor_sheets.COMPUTER_LINES:
        assert rows[line].device is not None, rows[line].problems
    first, second = rows[6].device, rows[7].device
    assert first is not None
    assert second is not None
    assert (first.kind, first.ram_mb, first.intake_condition) == (
        DeviceKind.LAPTOP, 8192, donor_sheets.CONDITION_OF_FIRST,
    )  # fmt: skip
    assert [(d.kind, d.size_bytes) for d in first.disks] == [(DiskKind.SSD, 256 * 10**9)]
    assert (second.ram_mb, [d.size_bytes for d in second.disks]) == (16384, [512 * 10**9])


def test_finnish_csv_with_decimal_commas_and_quoted_commas_keeps_its_semicolons() -> None:
    text = (
        "Lahjoituslista;;;;\n"
        ";;;;\n"
        "Merkki;Malli;Muisti (GB);Kiintolevy (TB);Kunto\n"
        'Lenovo;"T480, musta";1,5;0,5;"akku heikko, laturi puuttuu, näyttö ok"\n'
        'HP;"840 G5, hopea";8;1;"hyvä, pieni naarmu"\n'
    )
    rows = _by_line(text.encode("cp1252"))
    first = rows[4].device
    assert first is not None
    assert (first.model, first.ram_mb, first.disks[0].size_bytes) == ("T480, musta", 1536, 5 * 10**11)
    assert first.intake_condition == "akku heikko, laturi puuttuu, näyttö ok"
    assert rows[5].cells["model"] == "840 G5, hopea"


def test_the_delimiter_is_the_one_that_splits_lines_alike() -> None:
    assert guess_delimiter('Merkki;Malli;Muisti\nDell;"a, b, c, d";1,5\nHP;x;2,5\n') == ";"
    assert guess_delimiter("Make,Model,RAM\nDell,Latitude,8\n") == ","
    assert guess_delimiter("Make\tModel\nDell\tLatitude, 5490\n") == "\t"


def test_a_formula_saved_without_its_result_is_a_problem_not_a_blank() -> None:
    data = _xlsx([["Merkki", "Malli", "Sarjanumero", "Muisti"], ["Dell", "E7470", "AB1", "=4*2"]])
    row = read_sheet(data).rows[0]
    assert row.device is None
    assert [(p.field, p.values) for p in row.problems] == [("ram", {"formula": "=4*2"})]


def test_a_formula_with_its_result_saved_is_read_as_the_result() -> None:
    data = _xlsx([["Merkki", "Malli", "Sarjanumero", "Muisti"], ["Dell", "E7470", "AB1", "=4*2"]])
    row = read_sheet(donor_sheets.libreoffice_xlsx(data)).rows[0]
    assert row.device is not None
    assert row.device.ram_mb == 8 * 1024


def test_a_computer_without_a_serial_is_imported_with_a_warning() -> None:
    row = read_sheet(b"merkki;malli;sarjanumero\nDell;E7470;\n").rows[0]
    assert row.device is not None
    assert not row.problems
    assert [w.field for w in row.warnings] == ["serial"]


def test_a_header_too_far_down_is_not_guessed() -> None:
    text = "huomio\n" * HEADER_SEARCH_LINES + "merkki;malli\nDell;E7470\n"
    with pytest.raises(InvalidInput) as refused:
        read_sheet(text.encode())
    assert f"first {HEADER_SEARCH_LINES} lines" in refused.value.text("en")
