"""Pages for printing labels, a donation's documents and finalisation, and the public verification page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.params import PathParameter, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.documents.controllers import labels_file_name
from inventory.documents.donation_documents import certificate_numbers, donation_devices
from inventory.documents.finalising import finalise_donation, sanitisation_gaps
from inventory.documents.labelling import DEFAULT_STOCK, LabelSelection, make_labels, print_labels
from inventory.documents.printing import JobOutcome
from inventory.documents.queries import verification_view
from inventory.documents.responses import pdf_response
from inventory.documents.verification import MAX_PASTED, find_code
from inventory.donations.queries import get_donation
from inventory.errors import DomainError, NotFound
from inventory.i18n import N_, current_language, gettext, ngettext
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.sites.services import get_site
from inventory.web import Page
from labels import STOCKS
from labels.stocks import stock_name

PUBLIC = {"permission": Permission.PUBLIC, "exclude_from_auth": True}
_TAG_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass
class LabelForm:
    """The label form: tags typed or scanned (one per line), or a donation; stock and first free label."""

    tags: str = ""
    donation_id: str = ""
    stock: str = ""
    start: int = 1
    send: str = "pdf"


def _stock_choices() -> list[tuple[str, str]]:
    return [(stock.stock_id, stock_name(stock, current_language.get())) for stock in STOCKS.values()]


def _form_tags(text: str) -> tuple[str, ...]:
    return tuple(tag for tag in _TAG_SEPARATORS.split(text[:20_000]) if tag)[:500]


async def _labels_page(
    request: Request[Actor, Any, Any],
    form: LabelForm,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
    refused_tag: str = "",
) -> Template:
    site = await get_site(request.user.site_id) if request.user.site_id else None
    return Page(
        "documents/labels.html",
        context={
            "form": form,
            "stocks": _stock_choices(),
            "default_stock": form.stock or (site["label_stock"] if site else None) or DEFAULT_STOCK,
            "printer": site["printer_queue"] if site else None,
            "error": error,
            "notice": notice,
            "refused_tag": refused_tag,
        },
        status_code=status_code,
    )


async def _donation_page(
    donation_id: int,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    donation = await get_donation(donation_id)
    devices = await donation_devices(donation_id)
    numbers = await certificate_numbers([device["id"] for device in devices])
    gaps = {entry.asset_tag: entry for entry in await sanitisation_gaps(donation_id)}
    rows = [
        {**device, "certificates": numbers.get(device["id"], []), "gap": gaps.get(device["asset_tag"])}
        for device in devices
    ]
    return Page(
        "documents/donation.html",
        context={
            "donation": donation,
            "devices": rows,
            "ready": bool(devices) and not gaps,
            "stocks": _stock_choices(),
            "default_stock": DEFAULT_STOCK,
            "error": error,
            "notice": notice,
        },
        status_code=status_code,
    )


class DocumentPages(Controller):
    """/labels, /donations/{id}/documents and the public /verify pages."""

    path = "/"
    include_in_schema = False

    @get("/labels", opt={"permission": Permission.DEVICE_WORK})
    async def labels_form(
        self,
        request: Request[Actor, Any, Any],
        tag: Annotated[list[str] | None, QueryParameter(max_items=500)] = None,
        donation_id: Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)] = None,
    ) -> Template:
        """Print labels: type or scan tags, or take a whole donation; choose the stock and first label."""
        form = LabelForm(tags="\n".join(tag or []), donation_id=str(donation_id or ""))
        return await _labels_page(request, form)

    @post("/labels", opt={"permission": Permission.DEVICE_WORK}, status_code=200)
    async def labels(
        self,
        request: Request[Actor, Any, Any],
        data: URLEncodedBody[LabelForm],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> Response[bytes] | Template:
        """Download the labels as a PDF, or send them to the site's printer; refusals show on the page."""
        donation_id = int(data.donation_id) if data.donation_id.strip().isdigit() else None
        selection = LabelSelection(tags=_form_tags(data.tags), donation_id=donation_id)
        try:
            if data.send == "print":
                printed = await print_labels(
                    engine, selection, request.user, settings, data.stock or None, data.start - 1
                )
                assert printed.job is not None
                notice = ngettext(
                    "%(count)d label printed on %(queue)s.",
                    "%(count)d labels printed on %(queue)s.",
                    len(printed.tags),
                ) % {"count": len(printed.tags), "queue": printed.job.queue}
                if printed.job.outcome is JobOutcome.QUEUED:
                    notice = ngettext(
                        "%(count)d label waits in the queue of %(queue)s (printer %(state)s).",
                        "%(count)d labels wait in the queue of %(queue)s (printer %(state)s).",
                        len(printed.tags),
                    ) % {
                        "count": len(printed.tags),
                        "queue": printed.job.queue,
                        "state": gettext(printed.job.printer_state) if printed.job.printer_state else "?",
                    }
                return await _labels_page(request, data, notice=notice)
            made = await make_labels(
                engine, selection, request.user, settings, data.stock or None, data.start - 1
            )
        except DomainError as refused:
            # An unknown tag is selected in the list, so that scanning the right label replaces it.
            unknown = (
                str(refused.values.get("tag", "")).split(", ")[0] if isinstance(refused, NotFound) else ""
            )
            return await _labels_page(
                request, data, error=refused.text(), status_code=refused.status_code, refused_tag=unknown
            )
        return pdf_response(made.pdf, labels_file_name(made.tags, donation_id))

    @get(
        "/donations/{donation_id:int}/documents",
        name="donation_labels",
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def donation_documents(
        self, request: Request[Actor, Any, Any], donation_id: RecordIdPath
    ) -> Template:
        """A donation's labels, receipt, erasure status and, for a coordinator, finalisation."""
        done = request.query_params.get("done")
        notice = gettext(N_("The donation is finalised; its final report is ready.")) if done else None
        return await _donation_page(donation_id, notice=notice)

    @post(
        "/donations/{donation_id:int}/finalise",
        opt={"permission": Permission.DONOR_MANAGE},
        status_code=303,
    )
    async def finalise(
        self,
        request: Request[Actor, Any, Any],
        donation_id: RecordIdPath,
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> Redirect | Template:
        """Finalise the donation; a refusal shows on the page with the devices that still need work."""
        try:
            await finalise_donation(engine, donation_id, request.user, settings)
        except DomainError as refused:
            return await _donation_page(donation_id, error=refused.text(), status_code=refused.status_code)
        return Redirect(path=f"/donations/{donation_id}/documents?done=1", status_code=303)

    @get("/verify", opt=PUBLIC)
    async def verify_form(
        self,
        code: Annotated[
            str, QueryParameter(description="Any length: a pasted text is searched for the code")
        ] = "",
    ) -> Redirect | Template:
        """Type or paste a verification code (or the whole address from the QR code) to check a certificate."""
        if not code.strip():
            return Page(
                "documents/verify.html",
                context={
                    "view": None,
                    "code": "",
                },
            )
        found = find_code(code)
        if found is None:
            error = gettext(
                N_(
                    "No verification code was found in what you gave. The code is printed at the bottom "
                    "of the document, e.g. E-2026-000123.K4Q2ABCDEFGH2345."
                )
            )
            return Page(
                "documents/verify.html",
                context={
                    "view": None,
                    "code": code[:MAX_PASTED],
                    "error": error,
                },
                status_code=422,
            )
        return Redirect(path=f"/verify/{quote(found, safe='')}")

    @get("/verify/{code:path}", opt=PUBLIC)
    async def verify(
        self,
        code: Annotated[str, PathParameter(description="A code, or anything pasted that holds one")],
        settings: SettingsDependency,
    ) -> Template:
        """Whether a certificate is genuine, and what it certifies (never anyone's personal data)."""
        pasted = code.lstrip("/")
        found = find_code(pasted) or pasted[:80]
        view = await verification_view(found, settings.resolved_secret_key(), current_language.get())
        return Page(
            "documents/verify.html",
            context={
                "view": view,
                "code": found,
            },
            headers={"Cache-Control": "no-store"},
        )
