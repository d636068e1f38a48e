"""CSRF protection for browser sessions, bound to the session; requests carrying an API token need none.

With a session cookie the only token accepted is the session's own: an HMAC of the session id under the
server key (in Litestar's token format), so a token and cookie pair an attacker fetched for themselves
is refused with someone else's session. Without a session (the login page) Litestar's signed double-submit
cookie applies. The CSRF cookie is rewritten to the session's token at login and on the next page, so
forms and scripts always carry the right one.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware._utils import should_bypass_middleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_hash
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from inventory.settings import Settings


def csrf_cookie_name(settings: Settings) -> str:
    """`__Host-` prefixed over HTTPS."""
    return "__Host-kierto_csrf" if settings.uses_https else "kierto_csrf"


def session_csrf_token(secret: str, session_token: str) -> str:
    """The one CSRF token of a session: an HMAC of its id, signed as Litestar signs its tokens."""
    bound = hmac.new(secret.encode(), b"kierto csrf for session " + session_token.encode(), hashlib.sha256)
    token = bound.hexdigest()  # 64 hex characters, the length of Litestar's random part
    return token + generate_csrf_hash(token=token, secret=secret)


def session_csrf_cookie(settings: Settings, session_token: str) -> Cookie:
    """The CSRF cookie carrying a new session's token (set at login with the session cookie)."""
    return Cookie(
        key=csrf_cookie_name(settings),
        value=session_csrf_token(settings.resolved_secret_key(), session_token),
        path="/",
        secure=settings.uses_https,
        httponly=False,
        samesite="lax",
    )


class SessionCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF check bound to the session, and skipped for requests with an Authorization header.

    A cross-site form cannot set that header, and such requests are authenticated by the token
    alone (the middleware in accounts/ ignores cookies when the header is present).
    """

    def __init__(self, app: ASGIApp, config: CSRFConfig, session_cookie: str) -> None:
        super().__init__(app, config)
        self.session_cookie = session_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass token-authenticated requests straight through; check the others against their session."""
        if scope["type"] != ScopeType.HTTP or any(name == b"authorization" for name, _ in scope["headers"]):
            await self.app(scope, receive, send)
            return
        if should_bypass_middleware(
            scope=scope,
            scopes=self.scopes,
            exclude_opt_key=self.config.exclude_from_csrf_key,
            exclude_path_pattern=self.exclude,
        ):
            await self.app(scope, receive, send)
            return
        request: Any = scope["litestar_app"].request_class(scope=scope, receive=receive)
        session = request.cookies.get(self.session_cookie)
        if not session:
            await super().__call__(scope, receive, send)
            return
        expected = session_csrf_token(self.config.secret, session)
        state = ScopeState.from_scope(scope)
        if request.method in self.config.safe_methods:
            state.csrf_token = expected
            cookie = request.cookies.get(self.config.cookie_name)
            known = cookie if cookie == expected else None  # None: the wrapper sets the cookie afresh
            await self.app(
                scope, receive, self.create_send_wrapper(send=send, token=expected, csrf_cookie=known)
            )
            return
        submitted = request.headers.get(self.config.header_name)
        content_type, _ = request.content_type
        if not submitted and content_type in {
            RequestEncodingType.URL_ENCODED,
            RequestEncodingType.MULTI_PART,
        }:
            submitted = (await request.form()).get("_csrf_token", None)
        if not isinstance(submitted, str) or not hmac.compare_digest(submitted, expected):
            raise PermissionDeniedException("CSRF token verification failed")
        state.csrf_token = submitted
        await self.app(scope, receive, send)
