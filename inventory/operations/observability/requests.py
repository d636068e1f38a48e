"""Every HTTP request gets an id (kept from a trusted proxy's X-Request-ID, else new), echoed in the
response header and in every log line written while serving it; and it is counted and timed."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from inventory.operations.observability.logs import request_id_var
from inventory.operations.observability.metrics import HTTP_IN_PROGRESS, observe_request

REQUEST_ID_HEADER = "x-request-id"
_VALID_ID = re.compile(rb"^[A-Za-z0-9._\-]{8,64}$")
UNMATCHED_ROUTE = "<unmatched>"

access_log = logging.getLogger("kierto.access")


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == REQUEST_ID_HEADER.encode() and _VALID_ID.match(value):
            return value.decode()
    return None


class RequestObserver:
    """The outermost layer of the app: request id, access log line and metrics for every request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request inside its id; count it whatever happens."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [*message.get("headers", []), (REQUEST_ID_HEADER.encode(), request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        HTTP_IN_PROGRESS.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            HTTP_IN_PROGRESS.dec()
            seconds = time.perf_counter() - started
            route = str(scope.get("path_template") or UNMATCHED_ROUTE)
            method = str(scope.get("method", ""))
            observe_request(method, route, status, seconds)
            user: Any = scope.get("user")
            access_log.info(
                "%s %s %d",
                method,
                route,
                status,
                extra={
                    "method": method,
                    "path": scope.get("path", ""),  # never the query string: searches may hold names
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "actor": getattr(user, "label", None),
                },
            )
            request_id_var.reset(token)
