"""Each API route's OpenAPI operation id, made from its handler's name: `list_run_events` is `listRunEvents`."""

from __future__ import annotations

from litestar._openapi.utils import default_operation_id_creator
from litestar.handlers import HTTPRouteHandler
from litestar.types import Method
from litestar.types.internal_types import PathParameterDefinition


def operation_id_from_handler(
    route_handler: HTTPRouteHandler, http_method: Method, path_components: list[str | PathParameterDefinition]
) -> str:
    """Our handler's function name in camelCase; Litestar's own routes (the schema) keep its default ids.

    Litestar refuses two routes with the same id, so two handlers may not share a name.
    """
    if not route_handler.fn.__module__.startswith("inventory."):
        return default_operation_id_creator(route_handler, http_method, path_components)
    first, *rest = route_handler.handler_name.split("_")
    return first + "".join(word.capitalize() for word in rest)
