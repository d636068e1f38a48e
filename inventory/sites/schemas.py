"""API schemas for sites."""

from __future__ import annotations

from msgspec import Struct

from inventory.schema_types import NameText, ShortText, SiteCode


class SiteCreate(Struct, forbid_unknown_fields=True):
    """A new site: its short code starts every asset tag made there."""

    code: SiteCode
    name: NameText
    printer_queue: ShortText | None = None


class SiteUpdate(Struct, forbid_unknown_fields=True):
    """Changes to a site; the code never changes, since it is printed on labels."""

    name: NameText | None = None
    printer_queue: ShortText | None = None


class SiteOut(Struct):
    """A site."""

    id: int
    code: str
    name: str
    printer_queue: str | None
    device_count: int
