"""The documented error answers of the API, shared by every route so the OpenAPI schema tells the truth."""

from __future__ import annotations

from collections.abc import Iterator

from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPI, Schema
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


NUL_NOTE = (
    " Text never contains NUL characters (U+0000): a request with one in the address, the query, a form"
    " or a JSON string is refused with 422. Request bodies take only the properties described"
    " (`additionalProperties: false`): an unknown one is refused."
)


def _struct_classes(base: type[Struct] = Struct) -> Iterator[type[Struct]]:
    for sub in base.__subclasses__():
        yield sub
        yield from _struct_classes(sub)


def closed_body_names() -> set[str]:
    """The request-body structs of Kierto that refuse unknown properties (msgspec `forbid_unknown_fields`)."""
    return {
        struct.__name__
        for struct in _struct_classes()
        if struct.__module__.startswith("inventory.") and struct.__struct_config__.forbid_unknown_fields
    }


class StrictOpenAPIPlugin(OpenAPIPlugin):
    """Litestar's OpenAPI plugin whose description is as strict as the server: closed bodies say
    `additionalProperties: false` (msgspec refuses their unknown properties; Litestar does not say so)."""

    __slots__ = ()

    def _build_openapi(self) -> OpenAPI:
        openapi = super()._build_openapi()
        closed = closed_body_names()
        for name, component in (openapi.components.schemas or {}).items():
            if name in closed and isinstance(component, Schema):
                component.additional_properties = False
        return openapi


def state_what_is_enforced(app: Litestar) -> None:
    """Swap the app's OpenAPI plugin for the strict one (Litestar always adds its own; the schema is built lazily)."""
    app.plugins.get(OpenAPIPlugin).__class__ = StrictOpenAPIPlugin
