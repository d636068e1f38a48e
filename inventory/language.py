"""Choose each request's language: the switcher's cookie, the user's setting, the browser's, or Finnish."""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError
from litestar import Request
from litestar.types import ASGIApp, Receive, Scope, Send

from inventory.actors import Actor
from inventory.i18n import DEFAULT_LANGUAGE, Language, current_language

LANGUAGE_COOKIE = "kierto_lang"
SUPPORTED = frozenset(language.value for language in Language)


def _cookie_language(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, cookie_value = part.strip().partition("=")
                if key == LANGUAGE_COOKIE and cookie_value in SUPPORTED:
                    return cookie_value
    return None


def _accepted_language(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            preferences = [part.split(";")[0].strip() for part in value.decode("latin-1").split(",")]
            try:
                match = Locale.negotiate(preferences, sorted(SUPPORTED), sep="-")
            except (UnknownLocaleError, ValueError):
                return None
            return match.language if match else None
    return None


def choose_language(scope: Scope) -> str:
    """The language for this request before we know who asks: the switcher's cookie, then the browser's."""
    return _cookie_language(scope) or _accepted_language(scope) or DEFAULT_LANGUAGE.value


async def apply_user_language(request: Request[Any, Any, Any]) -> None:
    """Once the user is known: their own setting wins over the browser's, but not over the switcher."""
    user = request.scope.get("user")
    if isinstance(user, Actor) and user.language in SUPPORTED and _cookie_language(request.scope) is None:
        current_language.set(user.language)


class LanguageMiddleware:
    """Sets the current language for the rest of the request; the outermost middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Set the language, then hand on.

        The value is not reset afterwards: each request runs in its own task, and Litestar's error
        handlers, which answer after this middleware has returned, must still see it.
        """
        if scope["type"] in {"http", "websocket"}:
            current_language.set(choose_language(scope))
        await self.app(scope, receive, send)
