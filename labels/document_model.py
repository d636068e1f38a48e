"""A document as data: translated text in headings, fields, tables and signature lines, before layout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from labels.records import CertificateMark


@dataclass(frozen=True)
class Heading:
    """A section heading."""

    text: str


@dataclass(frozen=True)
class Text:
    """A paragraph of running text."""

    text: str


@dataclass(frozen=True)
class Fields:
    """Label and value pairs, one per row."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``widths`` are each column's share of the text width."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.widths) != len(self.columns) or any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError("Every row of a table needs one cell per column.")


@dataclass(frozen=True)
class Signer:
    """One signature line: who signs in what role, and their signature as a PNG image if given."""

    role: str
    name: str
    date_text: str = ""
    signature_png: bytes | None = None


@dataclass(frozen=True)
class Signatures:
    """Signature lines side by side."""

    signers: tuple[Signer, ...]


Block = Heading | Text | Fields | Table | Signatures


@dataclass(frozen=True)
class Document:
    """A whole document: its title, the blocks in order, and the captions of its checkable mark."""

    title: str
    subtitle: str
    language: str
    created: date | datetime
    mark: CertificateMark
    mark_line: str
    verify_line: str
    qr_caption: str
    page_caption: str  # with {page} and {pages}
    blocks: tuple[Block, ...]
    issuer_line: str = ""
    text_scale: float = 1.0  # LARGE_TEXT_SCALE for a reader who needs large text
