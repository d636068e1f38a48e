"""The documented error answers of the API, shared by every route so the OpenAPI schema tells the truth."""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec
from msgspec import Struct


class FieldError(Struct):
    """One invalid field of a request."""

    field: str
    message: str
    source: str = ""


class ErrorOut(Struct):
    """Every error answer: the status, a stable code, a sentence in the user's language and, for 422, the field."""

    status: int
    code: str
    detail: str
    field: str | None = None
    errors: list[FieldError] | None = None


_DESCRIPTIONS = {
    400: "The request could not be read.",
    401: "Log in first, or send a valid API token.",
    403: "Your role or token does not allow this.",
    404: "There is no such thing, or you may not know of it.",
    405: "This address does not take that method.",
    409: "The request clashes with the current state; the detail says why.",
    413: "The request is too large.",
    422: "A field is missing or wrong; `field` names it.",
    503: "The database cannot be reached right now.",
}

API_ERRORS: dict[int, ResponseSpec] = {
    status: ResponseSpec(data_container=ErrorOut, description=text, generate_examples=False)
    for status, text in _DESCRIPTIONS.items()
}
