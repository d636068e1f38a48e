"""Pages for the second login step: the one-time code, and setting up an authenticator app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import segno
from litestar import Controller, Request, Response, get, post
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from markupsafe import Markup

from inventory.accounts import second_factor
from inventory.accounts.login_pages import login_attempt, safe_next
from inventory.accounts.middleware import session_cookie_name
from inventory.accounts.secret_box import SecretUnreadable, seal, unseal
from inventory.accounts.sessions import complete_second_factor, pending_session_user
from inventory.accounts.throttling import minutes, record_attempt, wait_before
from inventory.actors import Actor
from inventory.dependencies import SettingsDependency
from inventory.errors import InvalidInput
from inventory.i18n import N_, gettext
from inventory.permissions import Permission
from inventory.settings import Settings
from inventory.web import Page

ENROLMENT_PURPOSE = "totp-enrolment"
OPEN = {"permission": Permission.PUBLIC, "exclude_from_auth": True}
NextQuery = Annotated[str, QueryParameter(max_length=500)]


@dataclass
class CodeForm:
    """The one-time code form."""

    code: str = ""
    next: str = "/"


@dataclass
class SetupForm:
    """The set-up form: the sealed new seed travels with the form, so nothing half-made is stored."""

    code: str = ""
    sealed: str = ""
    next: str = "/"


async def _pending(request: Request[Any, Any, Any], settings: Settings) -> tuple[str, Actor] | None:
    token = request.cookies.get(session_cookie_name(settings))
    actor = await pending_session_user(token, settings) if token else None
    return (token, actor) if token and actor else None


def _qr_svg(uri: str) -> Markup:
    # An inline SVG needs no script and no image request; the secret never leaves the page.
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff"))  # noqa: S704


class SecondFactorPages(Controller):
    """/login/code and /login/code/setup: reachable only with a session waiting for its code."""

    path = "/login/code"
    include_in_schema = False
    opt = OPEN

    @get("/")
    async def code_form(
        self, request: Request[Any, Any, Any], settings: SettingsDependency, next: NextQuery = "/"
    ) -> Response[Any]:
        """Ask for the six digits from the authenticator app."""
        if await _pending(request, settings) is None:
            return Redirect(path="/login")
        return Page(
            "accounts/code.html",
            context={
                "next_path": safe_next(next),
                "error": None,
            },
        )

    @post("/", status_code=303)
    async def check_code(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[CodeForm],
        settings: SettingsDependency,
    ) -> Response[Any]:
        """A right code opens the session; wrong ones count as failed logins."""
        pending = await _pending(request, settings)
        if pending is None:
            return Redirect(path="/login", status_code=303)
        token, actor = pending
        assert actor.user_id is not None
        tried = login_attempt(request, actor.username, actor.user_id, settings)
        wait = await wait_before(tried, settings)
        if wait is not None:
            error = gettext(N_("Too many failed attempts. Wait %(minutes)d minutes and try again.")) % {
                "minutes": minutes(wait)
            }
            status = 429
        elif await second_factor.check_code(actor.user_id, data.code[:20], settings.resolved_secret_key()):
            await record_attempt(tried, succeeded=True)
            await complete_second_factor(token)
            return Redirect(path=safe_next(data.next), status_code=303)
        else:
            await record_attempt(tried, succeeded=False)
            error, status = (
                gettext(N_("The code is wrong or already used. Wait for a new code and try again.")),
                401,
            )
        return Page(
            "accounts/code.html",
            context={
                "next_path": safe_next(data.next),
                "error": error,
            },
            status_code=status,
        )

    @get("/setup")
    async def setup_form(
        self, request: Request[Any, Any, Any], settings: SettingsDependency, next: NextQuery = "/"
    ) -> Response[Any]:
        """Show a new seed as a QR code and as text, to add to an authenticator app."""
        pending = await _pending(request, settings)
        if pending is None:
            return Redirect(path="/login")
        return _setup_page(settings, pending[1], second_factor.new_secret(), safe_next(next), error=None)

    @post("/setup", status_code=303)
    async def finish_setup(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[SetupForm],
        settings: SettingsDependency,
    ) -> Response[Any]:
        """Keep the seed once a code from it is shown, then open the session."""
        pending = await _pending(request, settings)
        if pending is None:
            return Redirect(path="/login", status_code=303)
        token, actor = pending
        assert actor.user_id is not None
        key = settings.resolved_secret_key()
        try:
            secret = unseal(key, ENROLMENT_PURPOSE, data.sealed)
            await second_factor.enable(actor.user_id, secret, data.code[:20], key)
        except SecretUnreadable:
            return Redirect(path="/login/code/setup", status_code=303)
        except InvalidInput as refused:
            return _setup_page(settings, actor, secret, safe_next(data.next), refused.text(), status=422)
        await complete_second_factor(token)
        return Redirect(path=safe_next(data.next), status_code=303)


def _setup_page(
    settings: Settings,
    actor: Actor,
    secret: str,
    next_path: str,
    error: str | None,
    status: int = 200,
) -> Template:
    return Page(
        "accounts/code_setup.html",
        context={
            "next_path": next_path,
            "error": error,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "sealed": seal(settings.resolved_secret_key(), ENROLMENT_PURPOSE, secret),
            "qr": _qr_svg(second_factor.provisioning_uri(actor.username, secret)),
        },
        status_code=status,
    )
