"""Pages for one's own account: the second factor, and confirming the password again before grave acts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accounts import second_factor
from inventory.accounts.login_pages import login_attempt, safe_next
from inventory.accounts.middleware import BrowserSession
from inventory.accounts.reauthentication import RECENT
from inventory.accounts.sessions import (
    authenticated_within,
    mark_reauthenticated,
    require_second_factor_again,
)
from inventory.accounts.throttling import record_attempt, wait_before
from inventory.accounts.users import authenticate
from inventory.actors import Actor
from inventory.dependencies import SettingsDependency
from inventory.i18n import N_, gettext
from inventory.permissions import Permission
from inventory.web import Page

SELF = {"permission": Permission.SELF}
NextQuery = Annotated[str, QueryParameter(max_length=500)]


@dataclass
class ReauthForm:
    """The password (and the code, when the account has one) given again."""

    password: str = ""
    code: str = ""
    next: str = "/"


class AccountPages(Controller):
    """/account and /reauth."""

    path = "/"
    include_in_schema = False
    opt = SELF

    @get("/account")
    async def account(self, request: Request[Actor, Any, Any]) -> Template:
        """One's own account: role, site and the second factor."""
        assert request.user.user_id is not None
        enabled = await second_factor.is_enabled(request.user.user_id)
        required = request.user.role is not None and second_factor.second_factor_required(request.user.role)
        return Page(
            "accounts/account.html",
            context={
                "totp_enabled": enabled,
                "totp_required": required,
            },
        )

    @post("/account/second-factor/off", status_code=303)
    async def second_factor_off(self, request: Request[Actor, Any, Any]) -> Response[Any]:
        """Turn the second factor off; administrators must keep theirs."""
        actor = request.user
        assert actor.user_id is not None
        if actor.role is not None and second_factor.second_factor_required(actor.role):
            return Redirect(path="/account", status_code=303)
        session = request.auth if isinstance(request.auth, BrowserSession) else None
        if session is None or not await authenticated_within(session.token, RECENT):
            return Redirect(path="/reauth?next=%2Faccount", status_code=303)
        await second_factor.disable(actor.user_id)
        return Redirect(path="/account", status_code=303)

    @post("/account/second-factor/on", status_code=303)
    async def second_factor_on(self, request: Request[Actor, Any, Any]) -> Redirect:
        """Set up a second factor in the login's second step, where a code from it is checked first."""
        if isinstance(request.auth, BrowserSession):
            await require_second_factor_again(request.auth.token)
        return Redirect(path="/login/code/setup?next=%2Faccount", status_code=303)

    @get("/reauth")
    async def reauth_form(self, request: Request[Actor, Any, Any], next: NextQuery = "/") -> Template:
        """Ask for the password again."""
        assert request.user.user_id is not None
        return Page(
            "accounts/reauth.html",
            context={
                "next_path": safe_next(next),
                "error": None,
                "needs_code": await second_factor.is_enabled(request.user.user_id),
            },
        )

    @post("/reauth", status_code=303)
    async def reauth(
        self,
        request: Request[Actor, Any, Any],
        data: URLEncodedBody[ReauthForm],
        settings: SettingsDependency,
    ) -> Response[Any]:
        """Confirm the password (and code); the session counts as freshly authenticated for a few minutes."""
        actor = request.user
        assert actor.user_id is not None
        tried = login_attempt(request, actor.username, actor.user_id, settings)
        needs_code = await second_factor.is_enabled(actor.user_id)
        waiting = await wait_before(tried, settings) is not None
        ok = not waiting
        ok = ok and await authenticate(actor.username, data.password[:1024]) is not None
        if ok and needs_code:
            ok = await second_factor.check_code(actor.user_id, data.code[:20], settings.resolved_secret_key())
        if not waiting:  # a try refused unchecked does not lengthen the wait
            await record_attempt(tried, succeeded=ok)
        if ok and isinstance(request.auth, BrowserSession):
            await mark_reauthenticated(request.auth.token)
            return Redirect(path=safe_next(data.next), status_code=303)
        return Page(
            "accounts/reauth.html",
            context={
                "next_path": safe_next(data.next),
                "needs_code": needs_code,
                "error": gettext(N_("The password or the code is wrong.")),
            },
            status_code=401,
        )
