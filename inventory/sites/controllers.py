"""API routes for sites."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.params import JSONBody

from inventory.api_docs import API_ERRORS
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.sites.schemas import SiteCreate, SiteOut, SiteUpdate
from inventory.sites.services import create_site, list_sites, update_site


class SiteController(Controller):
    """Sites under /api/v1/sites."""

    path = "/api/v1/sites"
    tags = ["sites"]

    @get("/", operation_id="listSites", responses=API_ERRORS, opt={"permission": Permission.DEVICE_READ})
    async def list_sites(self) -> list[SiteOut]:
        """Every site with its device count."""
        return [SiteOut(**row) for row in await list_sites()]

    @post("/", operation_id="createSite", responses=API_ERRORS, opt={"permission": Permission.ADMINISTER})
    async def create_site(self, data: JSONBody[SiteCreate]) -> SiteOut:
        """Create a site."""
        site_id = await create_site(data.code, data.name, data.printer_queue, data.label_stock)
        return next(SiteOut(**row) for row in await list_sites() if row["id"] == site_id)

    @patch(
        "/{site_id:int}",
        operation_id="updateSite",
        responses=API_ERRORS,
        opt={"permission": Permission.ADMINISTER},
    )
    async def update_site(self, site_id: RecordIdPath, data: JSONBody[SiteUpdate]) -> SiteOut:
        """Rename a site, or set its label printer (a CUPS queue) and the label stock loaded in it."""
        await update_site(site_id, data.name, data.printer_queue, data.label_stock, data.printer_dpi)
        return next(SiteOut(**row) for row in await list_sites() if row["id"] == site_id)
