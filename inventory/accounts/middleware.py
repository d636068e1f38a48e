"""Authentication: a bearer API token in the Authorization header, or the session cookie of a browser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from inventory.accounts.api_tokens import actor_for_token
from inventory.accounts.sessions import resume_session
from inventory.i18n import N_
from inventory.settings import Settings


@dataclass(frozen=True)
class BrowserSession:
    """`request.auth` of a request authenticated by the session cookie."""

    token: str


@dataclass(frozen=True)
class BearerToken:
    """`request.auth` of a request authenticated by an API token."""


PUBLIC_PATHS = ["^/static/", "^/schema", "^/health$", "^/favicon.ico$"]


def session_cookie_name(settings: Settings) -> str:
    """`__Host-` prefixed (HTTPS only, whole site, no domain) when served over HTTPS."""
    return "__Host-kierto_session" if settings.uses_https else "kierto_session"


class KiertoAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    """Sets `request.user` to the Actor behind a bearer token or a session cookie."""

    def __init__(self, app: ASGIApp, settings: Settings, **kwargs: Any) -> None:
        super().__init__(app, exclude=PUBLIC_PATHS, **kwargs)
        self.settings = settings

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """Authenticate by bearer token when one is sent (never a cookie then), else by session cookie."""
        header = connection.headers.get("authorization")
        if header is not None:
            scheme, _, token = header.partition(" ")
            actor = (
                await actor_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
            )
            if actor is None:
                raise NotAuthorizedException(N_("The API token is unknown, expired or revoked."))
            return AuthenticationResult(user=actor, auth=BearerToken())
        cookie = connection.cookies.get(session_cookie_name(self.settings))
        if cookie:
            actor = await resume_session(cookie, self.settings)
            if actor is not None:
                return AuthenticationResult(user=actor, auth=BrowserSession(cookie))
        raise NotAuthorizedException(N_("Log in first."))
