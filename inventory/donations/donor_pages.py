"""Pages for donors: the list with contact details and a form for a new one."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.choices import DonorKind
from inventory.donations.forms import DonorForm, donor_from_form
from inventory.donations.queries import list_donors
from inventory.donations.services import (
    create_donor,
)
from inventory.errors import DomainError
from inventory.i18n import N_, gettext
from inventory.permissions import Permission
from inventory.web import Page, field_errors

DONOR_KIND_LABELS = {DonorKind.ORGANISATION: N_("organisation"), DonorKind.PERSON: N_("private person")}


class DonorPages(Controller):
    """/donors: the donors and a form for a new one."""

    path = "/donors"
    include_in_schema = False
    opt = {"permission": Permission.DONOR_MANAGE}

    @get("/")
    async def donor_list(self, request: Request[Actor, Any, Any]) -> Template:
        """Every donor with contact details."""
        return await self._page(request, DonorForm())

    @post("/", status_code=303)
    async def create(
        self, request: Request[Actor, Any, Any], data: URLEncodedBody[DonorForm]
    ) -> Redirect | Template:
        """Register a donor."""
        try:
            await create_donor(donor_from_form(data))
        except DomainError as refused:
            return await self._page(request, data, field_errors(refused), refused.status_code)
        return Redirect(path="/donors?created=1", status_code=303)

    async def _page(
        self,
        request: Request[Actor, Any, Any],
        form: DonorForm,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        created = request.query_params.get("created") == "1" and not errors
        return Page(
            "donations/donors.html",
            context={
                "donors": await list_donors(),
                "form": form,
                "errors": errors or {},
                "kind_options": [(kind.value, gettext(label)) for kind, label in DONOR_KIND_LABELS.items()],
                "kind_labels": {kind.value: label for kind, label in DONOR_KIND_LABELS.items()},
                "notice": gettext(N_("The donor is saved.")) if created else None,
            },
            status_code=status_code,
        )
