"""Read a donor's device list: the header row found below titles and notes, columns matched by common
Finnish, Swedish and English names (with units such as "Muisti (MB)"), every row checked."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from inventory.choices import DeviceKind
from inventory.devices.intake import NewDevice, NewDisk, normalise_serial
from inventory.donations.services import MAX_DEVICES_PER_DONATION
from inventory.donations.sheet_files import Cell, Row, UncomputedFormula, read_rows
from inventory.errors import InvalidInput
from inventory.i18n import N_
from labels.sanitisation_terms import DiskKind

MAX_ROWS = MAX_DEVICES_PER_DONATION
# The header row is looked for among the first lines: above it donors put titles, dates and notes.
HEADER_SEARCH_LINES = 30
HEADER_MIN_COLUMNS = 2
MAX_TEXT = 100
MAX_CONDITION = 1000

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
    "ram": ("muisti", "keskusmuisti", "ram", "ram muisti", "memory", "minne", "arbetsminne"),
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
    "condition": (
        "kunto",
        "kuntoarvio",
        "kunto ja huomiot",
        "condition",
        "condition notes",
        "skick",
        "kondition",
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


# Things donors list beside their computers; Kierto registers computers only.
NOT_COMPUTER_WORDS = frozenset(
    {
        "naytto", "monitori", "monitor", "skarm", "bildskarm", "display", "screen",
        "tulostin", "printer", "skrivare", "monitoimilaite",
        "telakka", "telakointiasema", "docking", "dock", "dockningsstation",
        "hiiri", "mouse", "mus", "nappaimisto", "keyboard", "tangentbord",
        "projektori", "projector", "kaiutin", "kaiuttimet", "speaker", "speakers", "hogtalare",
        "kuulokkeet", "headset", "headphones", "horlurar",
        "reititin", "router", "kytkin", "switch", "verkkokytkin", "webcam", "verkkokamera",
        "laturi", "charger", "laddare", "kaapeli", "cable", "kabel", "ups",
    }
)  # fmt: skip
_HEADER_UNIT = re.compile(r"^(.+?) (tb|tt|gb|gt|gib|mb|mt|mib)$")
_SIZE_COLUMNS = ("ram", "storage")


@dataclass(frozen=True)
class Problem:
    """Something wrong with one cell: the field, and a message id with its values."""

    field: str
    message: str
    values: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class SheetRow:
    """One row of the list: its line number as the spreadsheet shows it, the device, problems, warnings.

    A problem stops the row from being imported; a warning (e.g. no serial) lets it in, to be checked.
    """

    line: int
    device: NewDevice | None
    problems: tuple[Problem, ...]
    cells: dict[str, str]
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Sheet:
    """The list as read: its header line, the columns recognised and ignored, the units, every row."""

    columns: dict[str, str]
    ignored_columns: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    header_line: int = 1
    units: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def problem_count(self) -> int:
        """How many problems the rows have in all."""
        return sum(len(row.problems) for row in self.rows)

    @property
    def warning_count(self) -> int:
        """How many warnings the rows have in all."""
        return sum(len(row.warnings) for row in self.rows)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s_()\-]+", " ", stripped).strip()


def _fold_header(text: str) -> str:
    return re.sub(r"[\s\[\]{},.:;*]+", " ", _fold(text)).strip()


_ALIAS_LOOKUP = {_fold_header(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


def _header_name(header: str) -> tuple[str | None, str | None]:
    """The column a header names and the unit written in it: "Muisti (MB)" is ("ram", "mb")."""
    folded = _fold_header(header)
    name = _ALIAS_LOOKUP.get(folded)
    if name:
        return name, None
    with_unit = _HEADER_UNIT.match(folded)
    if with_unit:
        name = _ALIAS_LOOKUP.get(with_unit.group(1))
        if name in _SIZE_COLUMNS:
            return name, with_unit.group(2)
    return None, None


@dataclass(frozen=True)
class _Columns:
    by_index: dict[int, str]
    names: dict[str, str]
    units: dict[str, str]
    ignored: tuple[str, ...]


def _match_columns(headers: Sequence[Cell]) -> _Columns:
    by_index: dict[int, str] = {}
    names: dict[str, str] = {}
    units: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(headers):
        header = cell if isinstance(cell, str) else ""
        name, unit = _header_name(header)
        if name and name not in names:
            by_index[index] = name
            names[name] = header
            if unit:
                units[name] = unit
        elif header.strip():
            ignored.append(header.strip())
    return _Columns(by_index, names, units, tuple(ignored))


def _find_header(rows: Sequence[Row]) -> tuple[int, _Columns]:
    """The first row naming enough known columns; a lone make or model column will do if none does."""
    fallback: tuple[int, _Columns] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_LINES]):
        columns = _match_columns(row)
        if len(columns.names) >= HEADER_MIN_COLUMNS and ({"make", "model"} & columns.names.keys()):
            return index, columns
        if fallback is None and {"make", "model"} & columns.names.keys():
            fallback = index, columns
    if fallback is not None:
        return fallback
    raise InvalidInput(
        "file",
        N_(
            "No header row with a column for the make or the model was found among the first {lines} lines."
            " Name them e.g. 'merkki' and 'malli' or 'make' and 'model'."
        ),
        {"lines": HEADER_SEARCH_LINES},
    )


def _parse_kind(text: str) -> DeviceKind | None:
    folded = _fold(text)
    if not folded:
        return DeviceKind.OTHER
    for kind, words in KIND_WORDS.items():
        if folded in words or folded == kind.value:
            return kind
    return None


def _is_not_a_computer(text: str) -> bool:
    return bool(set(re.split(r"[^a-z0-9]+", _fold(text))) & NOT_COMPUTER_WORDS)


def _parse_size(text: str, default_unit: str) -> tuple[int, str] | None:
    match = _SIZE.match(_fold(text))
    if not match:
        return None
    number, unit, rest = match.groups()
    return int(float(number.replace(",", ".")) * _UNIT_BYTES[unit or default_unit]), rest.strip()


def _parse_ram(text: str, default_unit: str) -> int | None:
    match = _RAM.match(_fold(text).replace(" ", ""))
    if not match:
        return None
    number, unit = match.groups()
    return round(float(number.replace(",", ".")) * _RAM_UNIT_MB[unit or default_unit])


def _parse_disks(text: str, default_unit: str) -> tuple[NewDisk, ...] | None:
    disks: list[NewDisk] = []
    for part in re.split(r"[+;/]| ja | och | and ", text):
        if not part.strip():
            continue
        parsed = _parse_size(part, default_unit)
        if parsed is None:
            return None
        size, rest = parsed
        kind = next((k for word, k in _DISK_KIND_WORDS.items() if word in rest), DiskKind.OTHER)
        if rest and kind is DiskKind.OTHER:
            return None
        disks.append(NewDisk(size_bytes=size, kind=kind))
    return tuple(disks)


def _kind_problem(text: str) -> Problem:
    if _is_not_a_computer(text):
        return Problem(
            "kind",
            N_("'{value}' is not a computer: only computers are registered. Leave this line out."),
            {"value": text},
        )
    return Problem("kind", N_("Unknown device type '{value}'."), {"value": text})


def _read_row(line: int, cells: dict[str, str], units: dict[str, str]) -> SheetRow:
    problems: list[Problem] = []
    kind = _parse_kind(cells.get("kind", ""))
    if kind is None:
        problems.append(_kind_problem(cells["kind"]))
    elif kind is DeviceKind.OTHER and _is_not_a_computer(cells.get("model", "")):
        problems.append(_kind_problem(cells["model"]))
    ram_mb = None
    if cells.get("ram", "").strip():
        ram_mb = _parse_ram(cells["ram"], units.get("ram", "gb"))
        if ram_mb is None:
            problems.append(
                Problem("ram", N_("Memory '{value}' is not a size such as 8 GB."), {"value": cells["ram"]})
            )
    disks: tuple[NewDisk, ...] | None = ()
    if cells.get("storage", "").strip():
        disks = _parse_disks(cells["storage"], units.get("storage", "gb"))
        if disks is None:
            problems.append(
                Problem(
                    "storage", N_("Storage '{value}' is not like 256 GB SSD."), {"value": cells["storage"]}
                )
            )
    if not cells.get("make", "").strip() and not cells.get("model", "").strip():
        problems.append(Problem("model", N_("The row has neither a make nor a model.")))
    for name in ("make", "model", "serial", "cpu"):
        if len(cells.get(name, "")) > MAX_TEXT:
            problems.append(Problem(name, N_("The value is longer than 100 characters.")))
    if len(cells.get("condition", "")) > MAX_CONDITION:
        problems.append(
            Problem("condition", N_("At most {maximum} characters."), {"maximum": str(MAX_CONDITION)})
        )
    warnings: tuple[Problem, ...] = ()
    if not cells.get("serial", "").strip():
        warnings = (
            Problem(
                "serial", N_("No serial number: read it from the device's sticker or BIOS at the bench.")
            ),
        )
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
            intake_condition=cells.get("condition", "").strip(),
            disks=disks or (),
        )
    return SheetRow(line=line, device=device, problems=tuple(problems), cells=cells, warnings=warnings)


def _formula_problem(name: str, formula: UncomputedFormula) -> Problem:
    return Problem(
        name,
        N_(
            "The cell holds the formula {formula} but no result was saved with it. Open the file in a"
            " spreadsheet program, save it and upload it again, or type the value."
        ),
        {"formula": formula.formula[:60]},
    )


def _cells(raw: Row, columns: _Columns) -> tuple[dict[str, str], list[Problem]]:
    cells: dict[str, str] = {}
    formulas: list[Problem] = []
    for index, name in columns.by_index.items():
        value = raw[index] if index < len(raw) else ""
        if isinstance(value, UncomputedFormula):
            formulas.append(_formula_problem(name, value))
            cells[name] = ""
        else:
            cells[name] = value
    return cells, formulas


def _with_duplicates_marked(rows: list[SheetRow]) -> list[SheetRow]:
    first_line: dict[str, int] = {}
    marked: list[SheetRow] = []
    for row in rows:
        serial = normalise_serial(row.cells.get("serial"))
        if serial and serial in first_line:
            duplicate = Problem(
                "serial", N_("The same serial is on line {line}."), {"line": str(first_line[serial])}
            )
            marked.append(dataclasses.replace(row, device=None, problems=(*row.problems, duplicate)))
            continue
        if serial:
            first_line[serial] = row.line
        marked.append(row)
    return marked


def sheet_from_rows(table: Sequence[Row]) -> Sheet:
    """Find the header row, then read every row below it; line numbers are the spreadsheet's own."""
    if not table:
        raise InvalidInput("file", N_("The file is empty."))
    header_index, columns = _find_header(table)
    rows: list[SheetRow] = []
    for line, raw in enumerate(table[header_index + 1 :], start=header_index + 2):
        cells, formula_problems = _cells(raw, columns)
        if not formula_problems and not any(cells.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise InvalidInput(
                "file",
                N_(
                    "The list has more than {maximum} devices. Split it into files of at most {maximum}"
                    " rows, each with the header row, and import each file as its own donation."
                ),
                {"maximum": MAX_ROWS},
            )
        row = _read_row(line, cells, columns.units)
        if formula_problems:
            row = dataclasses.replace(row, device=None, problems=(*formula_problems, *row.problems))
        rows.append(row)
    return Sheet(
        columns=columns.names,
        ignored_columns=columns.ignored,
        rows=tuple(_with_duplicates_marked(rows)),
        header_line=header_index + 1,
        units=columns.units,
    )


def read_sheet(data: bytes) -> Sheet:
    """Read a device list, deciding CSV or XLSX by the content, never by the file name."""
    return sheet_from_rows(read_rows(data))
