"""The public accessibility statement with its feedback form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accessibility.services import Feedback, send_feedback, sender_key
from inventory.accounts.login_pages import client_address
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.errors import DomainError
from inventory.i18n import N_, current_language, gettext
from inventory.permissions import Permission
from inventory.web import Page, field_errors

PUBLIC = {"permission": Permission.PUBLIC, "exclude_from_auth": True}
STATEMENT_UPDATED = dt.date(2026, 11, 24)


@dataclass(frozen=True)
class Supervisor:
    """The authority that supervises accessibility, as named on the statement."""

    name: str
    unit: str
    website: str
    phone: str


# Supervision moved from the Regional State Administrative Agency for Southern Finland to Traficom
# on 1 January 2025 (government proposal HE 71/2024); change it here if it moves again.
SUPERVISOR = Supervisor(
    name=N_("Finnish Transport and Communications Agency Traficom"),
    unit=N_("Accessibility supervision"),
    website="https://www.saavutettavuusvaatimukset.fi",
    phone="029 534 5000",
)


@dataclass
class FeedbackForm:
    """The feedback form."""

    message: str = ""
    page: str = ""
    contact: str = ""


def _statement(
    form: FeedbackForm,
    errors: dict[str, str] | None = None,
    sent: bool = False,
    status_code: int = 200,
) -> Template:
    return Page(
        "accessibility/statement.html",
        context={
            "form": form,
            "errors": errors or {},
            "updated": STATEMENT_UPDATED,
            "supervisor": SUPERVISOR,
            "notice": gettext(N_("Thank you. Your feedback has reached the administrators."))
            if sent
            else None,
        },
        status_code=status_code,
    )


class AccessibilityPages(Controller):
    """/accessibility: open to everyone, logged in or not."""

    path = "/accessibility"
    include_in_schema = False
    opt = PUBLIC

    @get("/")
    async def statement(self, request: Request[Any, Any, Any]) -> Template:
        """The accessibility statement and the feedback form."""
        return _statement(FeedbackForm(), sent=request.query_params.get("sent") == "1")

    @post("/feedback", status_code=303)
    async def feedback(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[FeedbackForm],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> Redirect | Template:
        """Store the feedback for the administrators."""
        try:
            await send_feedback(
                engine,
                Feedback(data.message, data.page, data.contact, current_language.get()),
                sender_key(settings.resolved_secret_key(), client_address(request)),
            )
        except DomainError as refused:
            return _statement(data, field_errors(refused), status_code=refused.status_code)
        return Redirect(path="/accessibility?sent=1#feedback-heading", status_code=303)
