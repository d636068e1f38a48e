"""API routes for sites."""

from __future__ import annotations

from collections.abc import Mapping

from litestar import Controller, get, patch, post
from litestar.params import JSONBody

from inventory.api_docs import API_ERRORS
from inventory.dependencies import DeviceCountsDependency
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.sites.rows import SiteRow
from inventory.sites.schemas import SiteCreate, SiteOut, SiteUpdate
from inventory.sites.services import create_site, list_sites, update_site


def _site_out(site: SiteRow, device_counts: Mapping[int, int]) -> SiteOut:
    return SiteOut(**site, device_count=device_counts.get(site["id"], 0))


async def _one_site(site_id: int, device_counts: Mapping[int, int]) -> SiteOut:
    return next(_site_out(site, device_counts) for site in await list_sites() if site["id"] == site_id)


class SiteController(Controller):
    """Sites under /api/v1/sites."""

    path = "/api/v1/sites"
    tags = ["sites"]

    @get("/", responses=API_ERRORS, opt={"permission": Permission.DEVICE_READ})
    async def list_sites(self, device_counts: DeviceCountsDependency) -> list[SiteOut]:
        """Every site with its device count."""
        return [_site_out(site, device_counts) for site in await list_sites()]

    @post("/", responses=API_ERRORS, opt={"permission": Permission.ADMINISTER})
    async def create_site(self, data: JSONBody[SiteCreate], device_counts: DeviceCountsDependency) -> SiteOut:
        """Create a site."""
        site_id = await create_site(data.code, data.name, data.printer_queue, data.label_stock)
        return await _one_site(site_id, device_counts)

    @patch(
        "/{site_id:int}",
        responses=API_ERRORS,
        opt={"permission": Permission.ADMINISTER},
    )
    async def update_site(
        self, site_id: RecordIdPath, data: JSONBody[SiteUpdate], device_counts: DeviceCountsDependency
    ) -> SiteOut:
        """Rename a site, or set its label printer (a CUPS queue) and the label stock loaded in it."""
        await update_site(site_id, data.name, data.printer_queue, data.label_stock, data.printer_dpi)
        return await _one_site(site_id, device_counts)
