"""CSRF protection for browser sessions; requests carrying an API token in a header need none."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import Receive, Scope, Send


class SessionCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF check, skipped for requests with an Authorization header.

    A cross-site form cannot set that header, and such requests are authenticated by the token
    alone (the middleware in accounts/ ignores cookies when the header is present).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass token-authenticated requests straight through; check the others."""
        if scope["type"] == ScopeType.HTTP and any(name == b"authorization" for name, _ in scope["headers"]):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
