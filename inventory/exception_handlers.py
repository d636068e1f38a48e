"""Turn every error into an answer a person can act on: JSON for the API, a page or a redirect for browsers."""

from __future__ import annotations

import logging
import sqlite3
import traceback
from typing import Any
from urllib.parse import quote

import asyncpg
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect
from litestar.status_codes import (
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from inventory.accounts.middleware import BrowserSession
from inventory.accounts.reauthentication import REAUTHENTICATION_REQUIRED
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import N_, gettext
from inventory.schema_types import PATTERN_SENTENCES
from inventory.web import Page

logger = logging.getLogger("kierto.errors")

DATABASE_UNAVAILABLE = N_("The database cannot be reached right now. Wait a moment and try again.")
UNEXPECTED = N_("Something went wrong on our side. The error has been logged; try again in a moment.")


def wants_json(request: Request[Any, Any, Any]) -> bool:
    """API paths answer JSON; pages answer HTML."""
    return request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", "")


def _error_response(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    code: str,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    if wants_json(request):
        body: dict[str, Any] = {"status": status, "code": code, "detail": detail}
        if field is not None:
            body["field"] = field
        if errors:
            body["errors"] = errors
        return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)
    return Page(
        template_name="error.html",
        context={
            "status": status,
            "detail": detail,
            "field": field,
            "errors": errors or [],
        },
        status_code=status,
        headers=headers,
    )


def domain_error(request: Request[Any, Any, Any], error: DomainError) -> Response[Any]:
    """403/404/409/422 from a service, in the request's language.

    A browser asked to confirm the password is sent to the confirmation page and then back here.
    """
    if error.code == REAUTHENTICATION_REQUIRED and _is_browser_session(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(path=f"/reauth?next={quote(target, safe='')}", status_code=303)
    field = error.field if isinstance(error, InvalidInput) else None
    return _error_response(request, error.status_code, error.text(), error.code, field)


def _is_browser_session(request: Request[Any, Any, Any]) -> bool:
    return "text/html" in request.headers.get("accept", "") and isinstance(
        request.scope.get("auth"), BrowserSession
    )


def readable(message: str) -> str:
    """msgspec's "Expected `str` matching regex '…'" as the sentence written for that pattern, if there is one."""
    for pattern, sentence in PATTERN_SENTENCES.items():
        if message.startswith(f"Expected `str` matching regex {pattern!r}"):
            return gettext(sentence)
    return message


def validation_error(request: Request[Any, Any, Any], error: ValidationException) -> Response[Any]:
    """Malformed input: 422 naming the first field that is wrong, and all of them."""
    extra = error.extra if isinstance(error.extra, list) else []
    errors = [
        {
            "field": item.get("key", ""),
            "message": readable(item.get("message", "")),
            "source": item.get("source", ""),
        }
        for item in extra
        if isinstance(item, dict)
    ]
    field = next((e["field"] for e in errors if e["field"]), "body")
    detail = gettext(N_("The field {field} is not valid: {message}")).format(
        field=field, message=errors[0]["message"] if errors else error.detail
    )
    return _error_response(request, HTTP_422_UNPROCESSABLE_ENTITY, detail, "invalid", field, errors)


def _browser_navigation(request: Request[Any, Any, Any]) -> bool:
    """A person's browser opening an address (a page, or a PDF or CSV link), not a program's call."""
    headers = request.headers
    return headers.get("sec-fetch-mode") == "navigate" or "text/html" in headers.get("accept", "")


def not_authorized(request: Request[Any, Any, Any], error: NotAuthorizedException) -> Response[Any]:
    """401: the API says so; a browser opening a page or a document link (an ended session, say) is
    sent to the login page and back.
    """
    if wants_json(request) and not _browser_navigation(request):
        return _error_response(request, HTTP_401_UNAUTHORIZED, gettext(error.detail), "not_authenticated")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(path=f"/login?next={quote(target, safe='')}")


def permission_denied(request: Request[Any, Any, Any], error: PermissionDeniedException) -> Response[Any]:
    """403 with the reason (CSRF failures included)."""
    return _error_response(request, HTTP_403_FORBIDDEN, gettext(error.detail), "forbidden")


def not_found(request: Request[Any, Any, Any], _: NotFoundException) -> Response[Any]:
    """404 for unknown paths."""
    return _error_response(
        request, HTTP_404_NOT_FOUND, gettext(N_("There is nothing at this address.")), "not_found"
    )


def http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    """Other HTTP errors (405, 413, 400 …) with their own status and headers (e.g. Allow)."""
    headers = {str(k): str(v) for k, v in (error.headers or {}).items()}
    return _error_response(request, error.status_code, gettext(error.detail), "http_error", headers=headers)


# SQLite's words for "the file cannot be used right now" (as opposed to a mistake in a query).
SQLITE_OUTAGE_MESSAGES = (
    "database is locked",
    "unable to open database file",
    "disk i/o error",
    "database or disk is full",
    "attempt to write a readonly database",
)
RETRY_AFTER_SECONDS = "5"


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _raised_in_driver(error: BaseException) -> bool:
    """Whether the error came out of the PostgreSQL driver (a socket error anywhere else is not ours)."""
    return any(
        frame.f_globals.get("__name__", "").startswith("asyncpg")
        for frame, _ in traceback.walk_tb(error.__traceback__)
    )


def is_database_outage(error: BaseException) -> bool:
    """Whether an error means the database is away (PostgreSQL down, restarting, full, or unreachable;
    the SQLite file locked, missing or unwritable), as opposed to a bug, which stays a 500."""
    for item in _chain(error):
        if isinstance(
            item,
            asyncpg.PostgresConnectionError
            | asyncpg.exceptions.OperatorInterventionError
            | asyncpg.exceptions.InsufficientResourcesError
            | asyncpg.exceptions.ConnectionDoesNotExistError,
        ):
            return True
        if isinstance(item, asyncpg.InterfaceError) and "closed" in str(item):
            return True
        if isinstance(item, OSError | TimeoutError) and _raised_in_driver(item):
            return True
        if isinstance(item, sqlite3.OperationalError) and str(item).lower().startswith(
            SQLITE_OUTAGE_MESSAGES
        ):
            return True
    return False


def unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """Anything else: 503 if the database is away, otherwise a logged 500 without internals."""
    if is_database_outage(error):
        logger.warning("database unavailable: %s: %s", type(error).__name__, error)
        return _error_response(
            request,
            HTTP_503_SERVICE_UNAVAILABLE,
            gettext(DATABASE_UNAVAILABLE),
            "unavailable",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return _error_response(request, HTTP_500_INTERNAL_SERVER_ERROR, gettext(UNEXPECTED), "internal")


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    DomainError: domain_error,
    ValidationException: validation_error,
    NotAuthorizedException: not_authorized,
    PermissionDeniedException: permission_denied,
    NotFoundException: not_found,
    HTTPException: http_error,
    Exception: unexpected_error,
}
