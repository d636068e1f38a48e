"""Stock-take pages: start a count, scan device after device, see the lists, finish and record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.dependencies import EngineDependency
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import N_, gettext
from inventory.lifecycle import State
from inventory.params import MAX_ID, RecordIdPath
from inventory.permissions import Permission
from inventory.sites.services import list_sites
from inventory.stocktake.queries import (
    MISPLACED_REASONS,
    ON_SITE_STATES,
    last_scan,
    list_stocktakes,
    stocktake_view,
)
from inventory.stocktake.services import finish_stocktake, record_scan, start_stocktake
from inventory.web import Page, field_errors, form_list, state_label

LastScanQuery = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]


@dataclass
class StartForm:
    """The form that opens a count."""

    site_id: str = ""
    place: str = ""
    states: list[str] | str = field(default_factory=list)


@dataclass
class ScanForm:
    """One scanned code."""

    code: str = ""


async def _last_scan_message(stocktake_id: int, scan_id: int | None) -> str | None:
    scan = await last_scan(stocktake_id, scan_id) if scan_id is not None else None
    if scan is None:
        return None
    if scan.asset_tag is None:
        return gettext(N_("Unknown code {code}: no device has it. It is listed below.")).format(
            code=scan.code
        )
    if scan.repeated:
        return gettext(N_("{tag} was already counted.")).format(tag=scan.asset_tag)
    return gettext(N_("Counted {tag}.")).format(tag=scan.asset_tag)


def misplaced_reason(reason: str, state: State, site_code: str) -> str:
    """Why a device is out of place, as a phrase in the user's language."""
    return gettext(MISPLACED_REASONS[reason]).format(site=site_code, state=state_label(state))


class StockTakePages(Controller):
    """/stocktakes."""

    path = "/stocktakes"
    include_in_schema = False
    opt = {"permission": Permission.DEVICE_WORK}

    async def _list_page(
        self,
        request: Request[Actor, Any, Any],
        form: StartForm,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        sites = await list_sites()
        form.states = form_list(form.states)
        return Page(
            "stocktake/list.html",
            context={
                "stocktakes": await list_stocktakes(request.user),
                "form": form,
                "site_options": [(s["id"], f"{s['code']} – {s['name']}") for s in sites],
                "state_choices": ON_SITE_STATES,
                "errors": errors or {},
            },
            status_code=status_code,
        )

    @get("/")
    async def stocktake_list(self, request: Request[Actor, Any, Any]) -> Template:
        """Past counts and the form to start one."""
        return await self._list_page(request, StartForm(site_id=str(request.user.site_id or "")))

    @post("/", status_code=303)
    async def start(
        self,
        request: Request[Actor, Any, Any],
        data: URLEncodedBody[StartForm],
        engine: EngineDependency,
    ) -> Redirect | Template:
        """Open a count and go to its scanning page."""
        try:
            if not data.site_id.isdigit() or not 0 < int(data.site_id) <= MAX_ID:
                raise InvalidInput("site_id", N_("Choose the site."))
            stocktake_id = await start_stocktake(
                engine, request.user, int(data.site_id), data.place, form_list(data.states)
            )
        except DomainError as refused:
            return await self._list_page(request, data, field_errors(refused), refused.status_code)
        return Redirect(path=f"/stocktakes/{stocktake_id}", status_code=303)

    async def _count_page(
        self,
        stocktake_id: int,
        last: int | None = None,
        errors: dict[str, str] | None = None,
        code: str = "",
        status_code: int = 200,
    ) -> Template:
        view = await stocktake_view(stocktake_id)
        return Page(
            "stocktake/count.html",
            context={
                "view": view,
                "last_message": await _last_scan_message(stocktake_id, last),
                "reason_text": misplaced_reason,
                "errors": errors or {},
                "code": code,
            },
            status_code=status_code,
        )

    @get("/{stocktake_id:int}")
    async def count(self, stocktake_id: RecordIdPath, last: LastScanQuery = None) -> Template:
        """The scanning page with what is found, missing and out of place."""
        return await self._count_page(stocktake_id, last)

    @post("/{stocktake_id:int}/scans", status_code=303)
    async def scan(
        self,
        request: Request[Actor, Any, Any],
        stocktake_id: RecordIdPath,
        data: URLEncodedBody[ScanForm],
        engine: EngineDependency,
    ) -> Redirect | Template:
        """Count one scanned code and come back ready for the next."""
        try:
            result = await record_scan(engine, request.user, stocktake_id, data.code[:200])
        except DomainError as refused:
            return await self._count_page(
                stocktake_id,
                errors={"code": refused.text()},  # every refusal of a scan is about the code scanned
                code=data.code[:100],
                status_code=refused.status_code,
            )
        return Redirect(path=f"/stocktakes/{stocktake_id}?last={result.scan_id}", status_code=303)

    @post("/{stocktake_id:int}/finish", status_code=303)
    async def finish(
        self,
        request: Request[Actor, Any, Any],
        stocktake_id: RecordIdPath,
        engine: EngineDependency,
    ) -> Redirect:
        """Record the count's outcome."""
        await finish_stocktake(engine, request.user, stocktake_id)
        return Redirect(path=f"/stocktakes/{stocktake_id}", status_code=303)
