"""JSON request bodies are read strictly, as the OpenAPI description says: no 0 for false, no "1" for 1."""

from __future__ import annotations

import re
from typing import Any, get_args, get_origin

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")
# What Litestar's lax reading would coerce: 0/1 or "true" for a boolean, "12" for a number, true for a number.
_COERCED = re.compile(r"Expected `(bool|int|float)[^`]*`, got `(int|str|bool)`")


def _body_struct(request: Request[Any, Any, Any]) -> type[msgspec.Struct] | None:
    parameter = request.route_handler.parsed_fn_signature.parameters.get("data")
    annotation = parameter.annotation if parameter is not None else None
    while get_origin(annotation) is not None and get_args(annotation):
        if isinstance(annotation, type):
            break
        annotation = get_args(annotation)[0]  # Annotated[Struct, Body(...)] → Struct
    return annotation if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct) else None


async def read_json_bodies_strictly(request: Request[Any, Any, Any]) -> None:
    """Before the handler: decode a JSON body into its struct in msgspec's strict mode (Litestar converts
    every argument leniently, which suits query strings but let `{"is_active": 0}` through), 422 if not."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        return
    struct = _body_struct(request)
    if struct is None:
        return
    try:
        msgspec.json.decode(await request.body(), type=struct, strict=True)
    except msgspec.ValidationError as error:
        text = str(error)
        if not _COERCED.search(text):
            return  # not a coercion the lax reading would make (130.0 is an integer in JSON Schema too)
        found = _AT.search(text)
        field = found.group("path").lstrip(".") if found else "data"
        message = _AT.sub("", text)
        raise ValidationException(
            message, extra=[{"key": field, "message": message, "source": "body"}]
        ) from None
    except msgspec.DecodeError:
        return  # not JSON at all: Litestar's own reading refuses it as before
