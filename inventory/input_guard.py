"""Refuse NUL characters anywhere in a request's address or form: no part of Kierto or its databases wants them."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.exceptions import ValidationException
from litestar.types import ASGIApp, HTTPRequestEvent, Receive, ReceiveMessage, Scope, Send

from inventory.i18n import N_

FORM_TYPE = b"application/x-www-form-urlencoded"
NUL_MARKERS = (b"\x00", b"%00")
MESSAGE = N_("The request contains a NUL character, which no field accepts.")


def _has_nul(data: bytes) -> bool:
    lowered = data.lower()
    return any(marker in lowered for marker in NUL_MARKERS)


class RejectNulMiddleware:
    """422 for a NUL in the path, the query or a URL-encoded form (JSON bodies have their own patterns).

    PostgreSQL refuses NUL in text, so without this a stray %00 in any free-text field became a 500.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the address, and buffer and check a URL-encoded body before handing it on."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
        if _has_nul(raw_path) or _has_nul(scope.get("query_string", b"")) or "\x00" in scope["path"]:
            raise ValidationException(
                MESSAGE, extra=[{"key": "query", "message": MESSAGE, "source": "query"}]
            )
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
        if not content_type.startswith(FORM_TYPE):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if _has_nul(body):
            raise ValidationException(MESSAGE, extra=[{"key": "body", "message": MESSAGE, "source": "body"}])
        delivered = False

        async def replay() -> ReceiveMessage:
            nonlocal delivered
            if not delivered:
                delivered = True
                return HTTPRequestEvent(type="http.request", body=body, more_body=False)
            return await receive()

        await self.app(scope, replay, send)
