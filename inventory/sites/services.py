"""Use cases for sites."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count

from inventory.devices.asset_tags import SITE_CODE_PATTERN
from inventory.devices.tables import Device
from inventory.errors import Conflict, InvalidInput, NotFound
from inventory.permissions import N_
from inventory.sites.tables import Site


async def create_site(code: str, name: str, printer_queue: str | None = None) -> int:
    """Create a site; its code (2-5 letters) is fixed for good because labels carry it."""
    code = code.strip().upper()
    if not SITE_CODE_PATTERN.match(code):
        raise InvalidInput("code", N_("A site code is 2 to 5 letters A-Z."))
    if not name.strip():
        raise InvalidInput("name", N_("Give the site's name."))
    if await Site.exists().where(Site.code == code):
        raise Conflict(N_("The site code {code} is already in use."), {"code": code})
    rows = await Site.insert(Site(code=code, name=name.strip(), printer_queue=printer_queue)).returning(
        Site.id
    )
    return int(rows[0]["id"])


async def update_site(site_id: int, name: str | None, printer_queue: str | None) -> None:
    """Rename a site or set its label printer."""
    values: dict[Any, Any] = {}
    if name is not None:
        if not name.strip():
            raise InvalidInput("name", N_("Give the site's name."))
        values[Site.name] = name.strip()
    if printer_queue is not None:
        values[Site.printer_queue] = printer_queue.strip() or None
    if not await Site.exists().where(Site.id == site_id):
        raise NotFound(N_("There is no such site."))
    if values:
        await Site.update(values).where(Site.id == site_id)


async def list_sites() -> list[dict[str, Any]]:
    """Every site with how many devices it holds."""
    sites = await Site.select(Site.id, Site.code, Site.name, Site.printer_queue).order_by(Site.code)
    counts = await Device.select(Device.site, Count(Device.id).as_alias("n")).group_by(Device.site)
    by_site = {row["site"]: row["n"] for row in counts}
    return [{**site, "device_count": by_site.get(site["id"], 0)} for site in sites]
