"""Read a donor's device list from CSV or XLSX: columns matched by common Finnish, Swedish and English names."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from inventory.choices import DeviceKind, DiskKind
from inventory.devices.intake import NewDevice, NewDisk
from inventory.errors import InvalidInput
from inventory.permissions import N_

MAX_ROWS = 500
MAX_XLSX_ENTRIES = 200
MAX_XLSX_UNCOMPRESSED = 30 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
XLSX_MAGIC = b"PK\x03\x04"

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "make": ("merkki", "valmistaja", "make", "manufacturer", "brand", "vendor", "marke", "tillverkare"),
    "model": ("malli", "mallinimi", "model", "modell", "model name"),
    "serial": (
        "sarjanumero",
        "sarjanro",
        "serial",
        "serial number",
        "serialnumber",
        "serial no",
        "s/n",
        "sn",
        "serienummer",
    ),
    "kind": ("tyyppi", "laitetyyppi", "laji", "type", "kind", "device type", "typ", "enhetstyp"),
    "cpu": ("prosessori", "suoritin", "cpu", "processor", "processor model"),
    "ram": ("muisti", "keskusmuisti", "ram", "memory", "minne", "ram gb", "muisti gb", "arbetsminne"),
    "storage": (
        "levy",
        "kiintolevy",
        "tallennustila",
        "massamuisti",
        "disk",
        "disks",
        "storage",
        "hdd",
        "ssd",
        "hard drive",
        "harddisk",
        "lagring",
    ),
    "notes": (
        "huomiot",
        "lisatiedot",
        "kommentit",
        "notes",
        "comments",
        "remarks",
        "anmarkningar",
        "kommentarer",
    ),
}

KIND_WORDS: dict[DeviceKind, tuple[str, ...]] = {
    DeviceKind.LAPTOP: ("kannettava", "lappari", "laptop", "notebook", "barbar", "kannettava tietokone"),
    DeviceKind.DESKTOP: ("poytakone", "tyoasema", "desktop", "workstation", "stationar", "tower", "mini pc"),
    DeviceKind.TABLET: ("tabletti", "tablet", "surfplatta", "ipad"),
    DeviceKind.PHONE: ("puhelin", "alypuhelin", "phone", "smartphone", "telefon", "mobiltelefon"),
    DeviceKind.OTHER: ("muu", "other", "annan", "ovrig"),
}

_SIZE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(tb|tt|gb|gt|mb|mt)?\s*([a-z0-9 .]*)$")
_UNIT_BYTES = {"tb": 10**12, "tt": 10**12, "gb": 10**9, "gt": 10**9, "mb": 10**6, "mt": 10**6}
_RAM = re.compile(r"^(\d+(?:[.,]\d+)?)(tb|tt|gb|gt|gib|mb|mt|mib)?$")
_RAM_UNIT_MB = {
    "tb": 1024 * 1024,
    "tt": 1024 * 1024,
    "gb": 1024,
    "gt": 1024,
    "gib": 1024,
    "mb": 1,
    "mt": 1,
    "mib": 1,
}
_DISK_KIND_WORDS = {"nvme": DiskKind.NVME, "ssd": DiskKind.SSD, "hdd": DiskKind.HDD, "emmc": DiskKind.EMMC}


@dataclass(frozen=True)
class Problem:
    """Something wrong with one cell: the field, and a message id with its values."""

    field: str
    message: str
    values: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class SheetRow:
    """One row of the list: its line number, the device read from it, and its problems."""

    line: int
    device: NewDevice | None
    problems: tuple[Problem, ...]
    cells: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    """The list as read: the columns recognised, the columns ignored, and every row."""

    columns: dict[str, str]
    ignored_columns: tuple[str, ...]
    rows: tuple[SheetRow, ...]

    @property
    def problem_count(self) -> int:
        """How many problems the rows have in all."""
        return sum(len(row.problems) for row in self.rows)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s_()\-]+", " ", stripped).strip()


_ALIAS_LOOKUP = {_fold(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


def _match_columns(headers: Sequence[str]) -> tuple[dict[int, str], dict[str, str], tuple[str, ...]]:
    by_index: dict[int, str] = {}
    names: dict[str, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        name = _ALIAS_LOOKUP.get(_fold(header))
        if name and name not in names:
            by_index[index] = name
            names[name] = header
        elif header.strip():
            ignored.append(header.strip())
    if "make" not in names and "model" not in names:
        raise InvalidInput(
            "file",
            N_(
                "No column for the make or the model was found. Name them e.g. 'merkki' and 'malli' or 'make' and 'model'."
            ),
        )
    return by_index, names, tuple(ignored)


def _parse_kind(text: str) -> DeviceKind | None:
    folded = _fold(text)
    if not folded:
        return DeviceKind.OTHER
    for kind, words in KIND_WORDS.items():
        if folded in words or folded == kind.value:
            return kind
    return None


def _parse_size(text: str, default_unit: str) -> tuple[int, str] | None:
    match = _SIZE.match(_fold(text))
    if not match:
        return None
    number, unit, rest = match.groups()
    return int(float(number.replace(",", ".")) * _UNIT_BYTES[unit or default_unit]), rest.strip()


def _parse_ram(text: str) -> int | None:
    match = _RAM.match(_fold(text).replace(" ", ""))
    if not match:
        return None
    number, unit = match.groups()
    return round(float(number.replace(",", ".")) * _RAM_UNIT_MB[unit or "gb"])


def _parse_disks(text: str) -> tuple[NewDisk, ...] | None:
    disks: list[NewDisk] = []
    for part in re.split(r"[+;/]| ja | och | and ", text):
        if not part.strip():
            continue
        parsed = _parse_size(part, "gb")
        if parsed is None:
            return None
        size, rest = parsed
        kind = next((k for word, k in _DISK_KIND_WORDS.items() if word in rest), DiskKind.OTHER)
        if rest and kind is DiskKind.OTHER:
            return None
        disks.append(NewDisk(size_bytes=size, kind=kind))
    return tuple(disks)


def _read_row(line: int, cells: dict[str, str]) -> SheetRow:
    problems: list[Problem] = []
    kind = _parse_kind(cells.get("kind", ""))
    if kind is None:
        problems.append(Problem("kind", N_("Unknown device type '{value}'."), {"value": cells["kind"]}))
    ram_mb = None
    if cells.get("ram", "").strip():
        ram_mb = _parse_ram(cells["ram"])
        if ram_mb is None:
            problems.append(
                Problem("ram", N_("Memory '{value}' is not a size such as 8 GB."), {"value": cells["ram"]})
            )
    disks: tuple[NewDisk, ...] | None = ()
    if cells.get("storage", "").strip():
        disks = _parse_disks(cells["storage"])
        if disks is None:
            problems.append(
                Problem(
                    "storage", N_("Storage '{value}' is not like 256 GB SSD."), {"value": cells["storage"]}
                )
            )
    if not cells.get("make", "").strip() and not cells.get("model", "").strip():
        problems.append(Problem("model", N_("The row has neither a make nor a model.")))
    for name in ("make", "model", "serial", "cpu"):
        if len(cells.get(name, "")) > 100:
            problems.append(Problem(name, N_("The value is longer than 100 characters.")))
    device = None
    if not problems:
        device = NewDevice(
            kind=kind or DeviceKind.OTHER,
            make=cells.get("make", "").strip(),
            model=cells.get("model", "").strip(),
            serial=cells.get("serial", "").strip() or None,
            cpu=cells.get("cpu", "").strip(),
            ram_mb=ram_mb,
            notes=cells.get("notes", "").strip(),
            disks=disks or (),
        )
    return SheetRow(line=line, device=device, problems=tuple(problems), cells=cells)


def _rows_from_table(table: Iterable[Sequence[object]]) -> Sheet:
    iterator = iter(table)
    headers = next(iterator, None)
    if headers is None:
        raise InvalidInput("file", N_("The file is empty."))
    by_index, names, ignored = _match_columns(["" if h is None else str(h) for h in headers])
    rows: list[SheetRow] = []
    serials: dict[str, int] = {}
    for line, raw in enumerate(iterator, start=2):
        cells = {
            name: ("" if index >= len(raw) or raw[index] is None else str(raw[index]).strip())
            for index, name in by_index.items()
        }
        if not any(cells.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise InvalidInput("file", N_("The list has more than {maximum} devices."), {"maximum": MAX_ROWS})
        row = _read_row(line, cells)
        serial = cells.get("serial", "").strip().upper()
        if serial and serial in serials:
            row = SheetRow(
                line,
                None,
                (
                    *row.problems,
                    Problem(
                        "serial", N_("The same serial is on line {line}."), {"line": str(serials[serial])}
                    ),
                ),
                cells,
            )
        elif serial:
            serials[serial] = line
        rows.append(row)
    return Sheet(columns=names, ignored_columns=ignored, rows=tuple(rows))


def _check_xlsx_archive(data: bytes) -> None:
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


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook  # imported here: only spreadsheets need it

    _check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for broken files
        raise InvalidInput("file", N_("The file is not a readable XLSX workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        return _rows_from_table(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def _decode_text(data: bytes) -> str:
    if b"\x00" in data:
        raise InvalidInput("file", N_("The file is neither CSV text nor an XLSX workbook."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("file", N_("The file is neither CSV text nor an XLSX workbook."))


def _read_csv(data: bytes) -> Sheet:
    text = _decode_text(data)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _rows_from_table(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise InvalidInput(
            "file", N_("The CSV file could not be read: {error}"), {"error": str(error)}
        ) from error


def read_sheet(data: bytes) -> Sheet:
    """Read a device list, deciding CSV or XLSX by the content, never by the file name."""
    if not data.strip():
        raise InvalidInput("file", N_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    return _read_csv(data)
