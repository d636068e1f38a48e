"""Use cases for sites."""

from __future__ import annotations

from typing import Any, cast

from inventory.errors import Conflict, InvalidInput, NotFound
from inventory.i18n import N_
from inventory.sites.naming import QUEUE_PATTERN, SITE_CODE_PATTERN
from inventory.sites.rows import SiteRow
from inventory.sites.tables import Site
from labels import STOCKS


def _check_printing(printer_queue: str | None, label_stock: str | None) -> None:
    queue = (printer_queue or "").strip()  # blank: no queue, as it is stored
    if queue and not QUEUE_PATTERN.match(queue):
        raise InvalidInput(
            "printer_queue",
            N_("A printer queue name is the CUPS queue's name: letters, digits, '-', '_' or '.', no spaces."),
        )
    if label_stock and label_stock not in STOCKS:
        raise InvalidInput(
            "label_stock",
            N_("There is no label stock {stock}; choose one of: {known}."),
            {"stock": label_stock, "known": ", ".join(sorted(STOCKS))},
        )


async def create_site(
    code: str, name: str, printer_queue: str | None = None, label_stock: str | None = None
) -> int:
    """Create a site; its code (2-5 letters) is fixed for good because labels carry it."""
    code = code.strip().upper()
    if not SITE_CODE_PATTERN.match(code):
        raise InvalidInput("code", N_("A site code is 2 to 5 letters A-Z."))
    if not name.strip():
        raise InvalidInput("name", N_("Give the site's name."))
    if await Site.exists().where(Site.code == code):
        raise Conflict(N_("The site code {code} is already in use."), {"code": code})
    _check_printing(printer_queue, label_stock)
    rows = await Site.insert(
        Site(
            code=code,
            name=name.strip(),
            printer_queue=(printer_queue or "").strip() or None,
            label_stock=label_stock or None,
        )
    ).returning(Site.id)
    return int(rows[0]["id"])


PRINTER_RESOLUTIONS = (203, 300, 600)


async def update_site(
    site_id: int,
    name: str | None,
    printer_queue: str | None,
    label_stock: str | None = None,
    printer_dpi: int | None = None,
) -> None:
    """Rename a site or set its label printer, its resolution and the label stock loaded in it ("" clears)."""
    _check_printing(printer_queue, label_stock)
    values: dict[Any, Any] = {}
    if printer_dpi is not None:
        if printer_dpi not in PRINTER_RESOLUTIONS:
            raise InvalidInput(
                "printer_dpi", N_("A label printer prints at 203, 300 or 600 dpi; choose one of those.")
            )
        values[Site.printer_dpi] = printer_dpi
    if name is not None:
        if not name.strip():
            raise InvalidInput("name", N_("Give the site's name."))
        values[Site.name] = name.strip()
    if printer_queue is not None:
        values[Site.printer_queue] = printer_queue.strip() or None
    if label_stock is not None:
        values[Site.label_stock] = label_stock or None
    if not await Site.exists().where(Site.id == site_id):
        raise NotFound(N_("There is no such site."))
    if values:
        await Site.update(values).where(Site.id == site_id)


SITE_COLUMNS = (Site.id, Site.code, Site.name, Site.printer_queue, Site.label_stock, Site.printer_dpi)


async def list_sites() -> list[SiteRow]:
    """Every site by its code (how many devices each holds is `devices.queries.device_counts_by_site`)."""
    return cast(list[SiteRow], await Site.select(*SITE_COLUMNS).order_by(Site.code))


async def get_site(site_id: int) -> SiteRow | None:
    """One site with its label printer, or None if there is no such site."""
    return cast(SiteRow | None, await Site.select(*SITE_COLUMNS).where(Site.id == site_id).first())
