"""What the site queries return, named."""

from __future__ import annotations

from typing import TypedDict


class SiteRow(TypedDict):
    """A site and its label printer (`list_sites`)."""

    id: int
    code: str
    name: str
    printer_queue: str | None
    label_stock: str | None
    printer_dpi: int
