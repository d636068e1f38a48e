"""Pages for logging in and out and choosing the language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accounts import second_factor
from inventory.accounts.device_cookies import device_cookie_name, known_device, remembered
from inventory.accounts.middleware import BrowserSession, session_cookie_name
from inventory.accounts.sessions import end_session, resume_session, start_session
from inventory.accounts.throttling import Attempt, attempt, minutes, record_attempt, wait_before
from inventory.accounts.users import authenticate, set_language, user_id_of
from inventory.actors import Actor
from inventory.csrf import session_csrf_cookie
from inventory.dependencies import SettingsDependency
from inventory.i18n import N_, gettext
from inventory.language import LANGUAGE_COOKIE, SUPPORTED
from inventory.navigation import start_page
from inventory.permissions import Permission
from inventory.settings import Settings
from inventory.web import Page

LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


@dataclass
class LoginForm:
    """The login form."""

    username: str = ""
    password: str = ""
    next: str = "/"


@dataclass
class LanguageForm:
    """The language switcher."""

    language: str = "fi"
    next: str = "/"


def safe_next(path: str) -> str:
    """Only paths on this site are followed after login, never another site."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path or "\n" in path or "\r" in path:
        return "/"
    return path


def client_address(request: Request[Any, Any, Any]) -> str:
    """The peer address (a proxy in front must pass the real one through its own configuration)."""
    return request.client.host if request.client else "unknown"


def login_attempt(
    request: Request[Any, Any, Any], username: str, user_id: int | None, settings: Settings
) -> Attempt:
    """An attempt to give this user's password (or code), from this address and, if known for them, this browser."""
    device = known_device(request.cookies.get(device_cookie_name(settings)), user_id, settings)
    return attempt(username, client_address(request), device)


def session_cookie(settings: Settings, token: str) -> Cookie:
    """The session cookie: HttpOnly, SameSite=Lax, Secure and `__Host-` over HTTPS."""
    return Cookie(
        key=session_cookie_name(settings),
        value=token,
        path="/",
        httponly=True,
        secure=settings.uses_https,
        samesite="lax",
        max_age=settings.session_absolute_hours * 3600,
    )


async def _open_session(
    request: Request[Any, Any, Any], actor: Actor, next_path: str, address: str, settings: Settings
) -> Response[Any]:
    """A fresh session id; with a second factor (or an administrator still to set one up) it waits for the code."""
    assert actor.user_id is not None
    has_code = await second_factor.is_enabled(actor.user_id)
    pending = has_code or (actor.role is not None and second_factor.second_factor_required(actor.role))
    token = await start_session(actor.user_id, address, second_factor_pending=pending)
    old = request.cookies.get(session_cookie_name(settings))
    if old:
        await end_session(old)
    target = safe_next(next_path)
    if target == "/":  # no page asked for: the role's own workspace
        target = start_page(actor)
    if pending:
        step = "/login/code" if has_code else "/login/code/setup"
        target = f"{step}?next={quote(target, safe='')}"
    response: Response[Any] = Redirect(path=target, status_code=303)
    response.set_cookie(session_cookie(settings, token))
    response.set_cookie(session_csrf_cookie(settings, token))  # the CSRF token is bound to the session
    # This browser now counts as known for the person (see accounts/throttling.py).
    response.set_cookie(
        remembered(request.cookies.get(device_cookie_name(settings)), actor.user_id, settings)
    )
    return response


class LoginPages(Controller):
    """/login, /logout and /language."""

    path = "/"
    include_in_schema = False

    @get("/login", opt={"permission": Permission.PUBLIC, "exclude_from_auth": True})
    async def login_form(self, next: Annotated[str, QueryParameter(max_length=500)] = "/") -> Template:
        """The login form (outside authentication, so it can set the CSRF cookie)."""
        return Page(
            "accounts/login.html",
            context={
                "next_path": safe_next(next),
                "username": "",
                "error": None,
            },
        )

    @post("/login", opt={"permission": Permission.PUBLIC, "exclude_from_auth": True}, status_code=303)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[LoginForm],
        settings: SettingsDependency,
    ) -> Response[Any]:
        """Check the password, open a fresh session and go where the user was heading."""
        username = data.username.strip().lower()[:64]
        tried = login_attempt(request, username, await user_id_of(username), settings)
        wait = await wait_before(tried, settings)
        if wait is not None:
            message = gettext(N_("Too many failed attempts. Wait %(minutes)d minutes and try again.")) % {
                "minutes": minutes(wait)
            }
        else:
            actor = await authenticate(username, data.password[:1024])
            await record_attempt(tried, succeeded=actor is not None)
            if actor is not None and actor.user_id is not None:
                return await _open_session(request, actor, data.next, tried.address, settings)
            message = gettext(N_("The username or the password is wrong."))
        return Page(
            "accounts/login.html",
            context={
                "next_path": safe_next(data.next),
                "username": username,
                "error": message,
            },
            status_code=429 if wait is not None else 401,
        )

    @post("/logout", opt={"permission": Permission.SELF}, status_code=303)
    async def logout(self, request: Request[Actor, Any, Any], settings: SettingsDependency) -> Redirect:
        """End the session on the server and forget the cookie."""
        if isinstance(request.auth, BrowserSession):
            await end_session(request.auth.token)
        response = Redirect(path="/login", status_code=303)
        response.delete_cookie(session_cookie_name(settings), path="/")
        return response

    @post("/language", opt={"permission": Permission.PUBLIC, "exclude_from_auth": True}, status_code=303)
    async def choose_language(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[LanguageForm],
        settings: SettingsDependency,
    ) -> Redirect:
        """Remember the chosen language in a cookie, and in the user's account when logged in."""
        language = data.language if data.language in SUPPORTED else "fi"
        cookie_value = request.cookies.get(session_cookie_name(settings))
        if cookie_value:
            actor = await resume_session(cookie_value, settings)
            if actor is not None and actor.user_id is not None:
                await set_language(actor.user_id, language)
        response = Redirect(path=safe_next(data.next), status_code=303)
        response.set_cookie(
            Cookie(
                key=LANGUAGE_COOKIE,
                value=language,
                path="/",
                samesite="lax",
                secure=settings.uses_https,
                max_age=LANGUAGE_COOKIE_SECONDS,
            )
        )
        return response
