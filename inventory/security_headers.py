"""Security headers on every response: a strict CSP, no framing, no sniffing, no caching of personal data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",  # WebAssembly only (the camera's barcode decoder), no eval
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
STATIC_PREFIX = "/static/"
BASELINE: dict[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    # The camera is for scanning barcodes on phones; nothing else is used.
    "permissions-policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def security_headers_hook(https: bool) -> Callable[[Message, Scope], Awaitable[None]]:
    """A `before_send` hook adding the headers unless a handler set its own.

    A hook rather than a middleware: Litestar sends error answers (401 from authentication, say)
    from outside the middleware stack, and those need the headers as much as any page.
    """

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in BASELINE.items():
            if name not in headers:
                headers[name] = value
        if https:
            headers["strict-transport-security"] = HSTS
        if "cache-control" not in headers:
            static = str(scope.get("path", "")).startswith(STATIC_PREFIX)
            headers["cache-control"] = "public, max-age=3600" if static else "no-store"

    return add_headers
