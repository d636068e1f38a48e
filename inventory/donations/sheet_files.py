"""Turn an uploaded CSV or XLSX file into rows of cells, as the donor's spreadsheet program shows them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from inventory.errors import InvalidInput
from inventory.i18n import N_

MAX_XLSX_ENTRIES = 200
MAX_XLSX_UNCOMPRESSED = 30 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
XLSX_MAGIC = b"PK\x03\x04"
# Finnish and Swedish Excel save "CSV (semicolon)"; English Excel commas; some exports tabs.
DELIMITERS = (";", "\t", ",")
DELIMITER_SAMPLE_LINES = 60
# Blank and note lines count too; far more lines than any device list has means something else.
MAX_LINES = 20_000


@dataclass(frozen=True)
class UncomputedFormula:
    """A formula cell saved without its result (e.g. written by a script): its value is unknown."""

    formula: str


Cell = str | UncomputedFormula
Row = tuple[Cell, ...]
T = TypeVar("T")


def cell_text(value: object) -> str:
    """A cell's value as text, the way the spreadsheet shows it (8.0 is 8, a date is 2026-03-31)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _check_xlsx_archive(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise InvalidInput("file", N_("The file is not a readable XLSX workbook.")) from error
    entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_XLSX_ENTRIES or total > MAX_XLSX_UNCOMPRESSED:
        raise InvalidInput("file", N_("The workbook is too large once unpacked."))
    for entry in entries:
        if entry.compress_size and entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO:
            raise InvalidInput("file", N_("The workbook is too large once unpacked."))
    return archive


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    for entry in archive.infolist():
        if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
            content = archive.read(entry)
            if b"<f>" in content or b"<f " in content or b":f>" in content or b":f " in content:
                return True
    return False


def _open_workbook(data: bytes, *, data_only: bool) -> Any:
    from openpyxl import load_workbook  # imported here: only spreadsheets need it

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds for broken files
        raise InvalidInput("file", N_("The file is not a readable XLSX workbook.")) from error


def _xlsx_rows(data: bytes) -> list[Row]:
    archive = _check_xlsx_archive(data)
    try:
        return _read_xlsx(data, archive)
    except InvalidInput:
        raise
    except Exception as error:  # a damaged or size-lying part shows only when it is unpacked or read
        raise InvalidInput("file", N_("The file is not a readable XLSX workbook.")) from error


def _read_xlsx(data: bytes, archive: zipfile.ZipFile) -> list[Row]:
    values_book = _open_workbook(data, data_only=True)
    formula_book = None
    try:
        # A second reading shows the formulas, needed only to tell an uncomputed formula from a blank cell.
        formula_book = _open_workbook(data, data_only=False) if _has_formulas(archive) else None
        values = _limited(values_book.worksheets[0].iter_rows(values_only=True))
        if formula_book is None:
            return [tuple(cell_text(v) for v in row) for row in values]
        written = formula_book.worksheets[0].iter_rows(values_only=True)
        rows: list[Row] = []
        for value_row, written_row in zip(values, written, strict=False):
            cells: list[Cell] = []
            for index, value in enumerate(value_row):
                source = written_row[index] if index < len(written_row) else None
                if value is None and isinstance(source, str) and source.startswith("="):
                    cells.append(UncomputedFormula(source))
                else:
                    cells.append(cell_text(value))
            rows.append(tuple(cells))
        return rows
    finally:
        values_book.close()
        if formula_book is not None:
            formula_book.close()


def _limited(rows: Iterable[T]) -> Iterator[T]:
    for line, row in enumerate(rows, start=1):
        if line > MAX_LINES:
            raise InvalidInput("file", N_("The file has more than {maximum} lines."), {"maximum": MAX_LINES})
        yield row


def _decode_text(data: bytes) -> str:
    if b"\x00" in data:
        raise InvalidInput("file", N_("The file is neither CSV text nor an XLSX workbook."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("file", N_("The file is neither CSV text nor an XLSX workbook."))


def guess_delimiter(text: str) -> str:
    """The delimiter that splits the most lines into the same number of cells, quotes respected.

    Counting characters would be fooled by a quoted "Lenovo, T480" or a decimal comma in a semicolon
    file; reading the sample with each candidate is not: Excel writes every row to the same width.
    """
    sample = "\n".join(text.splitlines()[:DELIMITER_SAMPLE_LINES])
    best: tuple[int, int] = (0, 0)
    chosen = ","
    for delimiter in DELIMITERS:
        try:
            widths = Counter(
                len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if len(row) > 1
            )
        except csv.Error:
            continue
        if not widths:
            continue
        width, lines = max(widths.items(), key=lambda item: (item[1], item[0]))
        if (lines, width) > best:
            best, chosen = (lines, width), delimiter
    return chosen


def _csv_rows(data: bytes) -> list[Row]:
    text = _decode_text(data)
    try:
        return [tuple(cell.strip() for cell in row) for row in _limited(_csv_reader(text))]
    except csv.Error as error:
        raise InvalidInput(
            "file", N_("The CSV file could not be read: {error}"), {"error": str(error)}
        ) from error


def _csv_reader(text: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text), delimiter=guess_delimiter(text))


def read_rows(data: bytes) -> list[Row]:
    """Every row of the file, the first one being line 1; CSV or XLSX decided by content, never by name."""
    if not data.strip():
        raise InvalidInput("file", N_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        return _xlsx_rows(data)
    return _csv_rows(data)
