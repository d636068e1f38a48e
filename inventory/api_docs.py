"""The documented error answers of the API, shared by every route so the OpenAPI schema tells the truth."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import msgspec
from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar._openapi.schema_generation.schema import SchemaCreator
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


def closed_bodies() -> list[type[Struct]]:
    """The request-body structs of Kierto that refuse unknown properties (msgspec `forbid_unknown_fields`)."""
    return [
        struct
        for struct in _struct_classes()
        if struct.__module__.startswith("inventory.") and struct.__struct_config__.forbid_unknown_fields
    ]


def closed_body_names() -> set[str]:
    """The names of `closed_bodies()`, as the OpenAPI components call them."""
    return {struct.__name__ for struct in closed_bodies()}


def bodies_as_msgspec_checks_them(described: dict[str, Any]) -> None:
    """Replace each request body's component by msgspec's own JSON Schema of it: Litestar leaves out the
    bounds of list items and of optional fields (`list[Annotated[str, Meta(min_length=1)]]`, a zero
    minimum), which msgspec enforces; msgspec describes exactly what it checks."""
    _, generated = msgspec.json.schema_components(closed_bodies(), ref_template="#/components/schemas/{name}")
    components = described["components"]["schemas"]
    for name in closed_body_names():
        if name in components and name in generated:
            components[name] = {**generated[name], "additionalProperties": False}


_apply_metadata = SchemaCreator._apply_kwarg_definition_metadata
_ZERO_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusive_minimum", "lt": "exclusive_maximum"}


def _apply_metadata_with_zero_bounds(self: SchemaCreator, field: Any, schema: Schema) -> None:
    """Litestar's own, which skips a bound of 0 (it tests the value's truth): `ge=0` on a query parameter
    or an optional field vanished from the description while the server refused -1."""
    _apply_metadata(self, field, schema)
    for key, schema_key in _ZERO_BOUNDS.items():
        value = getattr(field.kwarg_definition, key, None) if field.kwarg_definition else None
        if value == 0 and not isinstance(value, bool) and getattr(schema, schema_key, None) is None:
            setattr(schema, schema_key, value)


SchemaCreator._apply_kwarg_definition_metadata = _apply_metadata_with_zero_bounds  # type: ignore[method-assign]


_YEAR = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"  # 0001-9999: Python has no year 0
# A moment's years, clock.FIRST_YEAR to clock.LAST_YEAR (0002-9998): an offset at the ends leaves Python's range.
_MOMENT_YEAR = "(?:[1-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8]|0[1-9][0-9]{2}|00[1-9][0-9]|000[2-9])"
_DATE = rf"{_YEAR}-[0-9]{{2}}-[0-9]{{2}}"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"  # no leap second 60, no 24:00
# What msgspec reads as RFC 3339 (Python's datetime), stated beside the format: JSON Schema's own
# formats allow year 0000 and leap seconds, and schemathesis treats an unchecked format loosely ("").
DATE_PATTERNS = {
    "date": rf"^{_DATE}$",
    "date-time": rf"^{_MOMENT_YEAR}-[0-9]{{2}}-[0-9]{{2}}[Tt ]{_TIME}(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$",
}


def dates_as_python_reads_them(node: Any) -> None:
    """Give every date and date-time string of the description the pattern Python's parser keeps to."""
    if isinstance(node, dict):
        named = node.get("format")
        pattern = DATE_PATTERNS.get(named) if isinstance(named, str) else None
        if pattern is not None and node.get("type") == "string" and "pattern" not in node:
            node["pattern"] = pattern
        for value in node.values():
            dates_as_python_reads_them(value)
    elif isinstance(node, list):
        for value in node:
            dates_as_python_reads_them(value)


def no_nul_in_parameters(described: dict[str, Any]) -> None:
    """Give every free-text parameter (path, query, header, cookie) the no-NUL pattern the server enforces
    for the whole request (NUL_NOTE): a bare string promised that NUL was acceptable."""
    for operations in described.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                # An optional parameter (`str | None`) is a oneOf of a string and null; others may be anyOf.
                for option in schema.get("anyOf", schema.get("oneOf", [schema])):
                    free = not {"pattern", "enum", "const", "format"} & option.keys()
                    if option.get("type") == "string" and free:
                        option["pattern"] = "^[^\\x00]*$"


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

    def provide_openapi_schema(self) -> dict[str, Any]:
        """The served description (`/schema/openapi.json`), request bodies as msgspec checks them, dates as
        Python reads them."""
        if not self._openapi_schema:
            described = self.provide_openapi().to_schema()
            bodies_as_msgspec_checks_them(described)
            dates_as_python_reads_them(described)
            no_nul_in_parameters(described)
            for statement in getattr(self.app.state, "openapi_statements", ()):
                statement(described)
            self._openapi_schema = described
        return self._openapi_schema


def state_what_is_enforced(
    app: Litestar, statements: Sequence[Callable[[dict[str, Any]], None]] = ()
) -> None:
    """Swap the app's OpenAPI plugin for the strict one (Litestar always adds its own; the schema is built
    lazily); each statement then adds to the served description what the server checks beyond one field."""
    app.state.openapi_statements = tuple(statements)
    app.plugins.get(OpenAPIPlugin).__class__ = StrictOpenAPIPlugin
