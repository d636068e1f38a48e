"""Inside inventory, pages and controllers call services and queries, which alone touch the tables.

The package contracts (pyproject.toml, `make lint`) keep the packages in layers; these tests keep the
modules inside them so (issue 17 point 5). A route module is found from the app itself: any module
that defines one of its route handlers, so a new page or controller is covered without a list to keep.
"""

from __future__ import annotations

from functools import cache

import grimp
import pytest

from inventory.app import create_app

# What a table may name besides other tables: the choices its columns take and the words they need.
TABLE_VALUE_MODULES = frozenset(
    {"inventory.choices", "inventory.i18n", "inventory.lifecycle", "inventory.permissions"}
)


@cache
def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("inventory")


@cache
def _route_modules() -> frozenset[str]:
    app = create_app()
    modules = {handler.fn.__module__ for route in app.routes for handler in route.route_handlers}
    return frozenset(module for module in modules if module.startswith("inventory."))


def _imports(module: str) -> set[str]:
    return _graph().find_modules_directly_imported_by(module)


def _tables_modules() -> list[str]:
    return sorted(module for module in _graph().modules if module.endswith(".tables"))


def test_route_modules_are_found() -> None:
    routes = _route_modules()
    assert {
        "inventory.devices.controllers",
        "inventory.device_pages.pages",
        "inventory.clients.pages.clients",
    } <= routes
    assert all(not module.endswith((".services", ".queries", ".tables")) for module in routes)


def test_only_route_modules_import_route_modules() -> None:
    """Services, queries, tables and jobs never reach up into a page or a controller."""
    routes = _route_modules()
    upward = {module: sorted(_imports(module) & routes) for module in sorted(_graph().modules - routes)}
    assert {module: found for module, found in upward.items() if found} == {}


@pytest.mark.parametrize("module", sorted(_route_modules()))
def test_a_route_module_reads_and_writes_through_services_and_queries(module: str) -> None:
    tables = sorted(name for name in _imports(module) if name.endswith(".tables"))
    assert tables == [], (
        f"{module} uses tables directly; give the query or the step a home in a service or queries module"
    )


@pytest.mark.parametrize("module", _tables_modules())
def test_a_table_names_only_tables_and_the_values_of_its_columns(module: str) -> None:
    others = sorted(
        name
        for name in _imports(module)
        if name.startswith("inventory.")
        and not name.endswith((".tables", ".choices"))
        and name not in TABLE_VALUE_MODULES
    )
    assert others == [], f"{module} imports {others}: a table may import other tables and choices only"
