"""API schemas for sites."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from inventory.schema_types import SPACE, NameText, SiteCode
from labels import STOCKS

# A CUPS queue name, as sites/naming.py's QUEUE_PATTERN checks it (spaces around are trimmed; empty: none).
PrinterQueue = Annotated[
    str, Meta(max_length=100, pattern=rf"^[{SPACE}]*([A-Za-z0-9_][A-Za-z0-9_.@+-]{{0,99}})?[{SPACE}]*$")
]

# A label stock id such as brother-62x29; an empty string clears the site's choice.
LabelStockId = Annotated[
    str, Meta(max_length=20, pattern=r"^[a-z0-9-]*$", extra_json_schema={"enum": ["", *sorted(STOCKS)]})
]


class SiteCreate(Struct, forbid_unknown_fields=True):
    """A new site: its short code starts every asset tag made there."""

    code: SiteCode
    name: NameText
    printer_queue: PrinterQueue | None = None
    label_stock: LabelStockId | None = None


class SiteUpdate(Struct, forbid_unknown_fields=True):
    """Changes to a site; the code never changes, since it is printed on labels."""

    name: NameText | None = None
    printer_queue: PrinterQueue | None = None
    label_stock: LabelStockId | None = None
    printer_dpi: Literal[203, 300, 600] | None = None  # the label printer's resolution


class SiteOut(Struct):
    """A site."""

    id: int
    code: str
    name: str
    printer_queue: str | None
    label_stock: str | None
    device_count: int
    printer_dpi: int = 300
