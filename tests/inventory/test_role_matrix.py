"""Every route × every role (and anonymous), from one table written after DESIGN.md's roles."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from litestar import Litestar

from inventory.app import create_app
from inventory.choices import TokenScope
from inventory.guards import route_permission
from inventory.permissions import Role
from tests import factories

T, CS, CO, AD = Role.TRAINEE, Role.COUNSELLOR, Role.COORDINATOR, Role.ADMIN
EVERYONE = frozenset(Role)
BENCH = frozenset({T, CO, AD})  # intake, labels, wipe, provisioning, hold
MANAGERS = frozenset({CO, AD})  # donors, overrides, scrap, reports
ADMINS = frozenset({AD})  # users, sites, settings
PUBLIC = None
# Bench-token routes (check-in script, bench workers): refused to every person, whatever the role;
# only a site's bench token may use them (tests/runs/test_bench_api.py).
BENCH_TOKEN_ONLY: frozenset[Role] = frozenset()

MATRIX: dict[tuple[str, str], frozenset[Role] | None] = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/static/{file_path:path}"): PUBLIC,
    ("GET", "/schema"): PUBLIC,
    ("GET", "/schema/openapi.json"): PUBLIC,
    ("GET", "/schema/swagger"): PUBLIC,
    ("GET", "/schema/{path:str}"): PUBLIC,
    ("GET", "/schema/oauth2-redirect.html"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/language"): PUBLIC,
    ("POST", "/logout"): EVERYONE,
    ("GET", "/"): EVERYONE,
    ("GET", "/devices"): EVERYONE,
    ("GET", "/devices/{tag:str}"): EVERYONE,
    ("POST", "/devices/{tag:str}/steps/{action:str}"): EVERYONE,
    ("GET", "/scan"): EVERYONE,
    ("GET", "/api/v1/sites"): EVERYONE,
    ("POST", "/api/v1/sites"): ADMINS,
    ("PATCH", "/api/v1/sites/{site_id:int}"): ADMINS,
    ("GET", "/api/v1/donors"): BENCH,
    ("POST", "/api/v1/donors"): MANAGERS,
    ("GET", "/api/v1/donors/{donor_id:int}"): MANAGERS,
    ("GET", "/api/v1/donations"): EVERYONE,
    ("POST", "/api/v1/donations"): BENCH,
    ("GET", "/api/v1/donations/{donation_id:int}"): EVERYONE,
    ("POST", "/api/v1/donations/{donation_id:int}/devices"): BENCH,
    ("POST", "/api/v1/donations/import"): BENCH,
    ("POST", "/api/v1/donations/import/preview"): BENCH,
    ("GET", "/api/v1/devices"): EVERYONE,
    ("GET", "/api/v1/devices/{tag:str}"): EVERYONE,
    ("PATCH", "/api/v1/devices/{tag:str}"): BENCH,
    ("GET", "/api/v1/devices/{tag:str}/events"): EVERYONE,
    ("GET", "/api/v1/devices/{tag:str}/disks"): EVERYONE,
    ("POST", "/api/v1/devices/{tag:str}/disks"): BENCH,
    # Each step then checks its own permission (tested in test_lifecycle and test_transitions).
    ("POST", "/api/v1/devices/{tag:str}/transitions/{action:str}"): EVERYONE,
    ("GET", "/api/v1/scan/{code:str}"): EVERYONE,
    ("GET", "/api/v1/me"): EVERYONE,
    ("GET", "/api/v1/me/tokens"): EVERYONE,
    ("POST", "/api/v1/me/tokens"): EVERYONE,
    ("DELETE", "/api/v1/me/tokens/{token_id:int}"): EVERYONE,
    ("GET", "/api/v1/users"): ADMINS,
    ("POST", "/api/v1/users"): ADMINS,
    ("PATCH", "/api/v1/users/{user_id:int}"): ADMINS,
    # Runs: everyone follows them; the bench starts and cancels them (DESIGN.md: wipe, provisioning).
    ("GET", "/runs"): EVERYONE,
    ("POST", "/runs"): BENCH,
    ("GET", "/runs/{run_id:int}"): EVERYONE,
    ("GET", "/runs/{run_id:int}/stream"): EVERYONE,
    ("POST", "/runs/machines/{machine_id:int}/pair"): BENCH,
    ("GET", "/devices/{tag:str}/progress"): EVERYONE,
    ("GET", "/devices/{tag:str}/progress/stream"): EVERYONE,
    ("GET", "/api/v1/runs"): EVERYONE,
    ("POST", "/api/v1/runs"): BENCH,
    ("GET", "/api/v1/runs/{run_id:int}"): EVERYONE,
    ("GET", "/api/v1/runs/{run_id:int}/events"): EVERYONE,
    ("POST", "/api/v1/runs/{run_id:int}/cancel"): BENCH,
    # Profiles are read by the bench and written by admins (DESIGN.md: profiles, settings).
    ("GET", "/api/v1/profiles"): EVERYONE,
    ("POST", "/api/v1/profiles"): ADMINS,
    ("GET", "/api/v1/profiles/{profile_id:int}"): EVERYONE,
    ("PUT", "/api/v1/profiles/{profile_id:int}"): ADMINS,
    ("POST", "/api/v1/bench/tokens"): ADMINS,
    ("GET", "/api/v1/bench/sites"): EVERYONE,
    ("PUT", "/api/v1/bench/sites/{site_id:int}"): ADMINS,
    ("GET", "/api/v1/bench/machines"): EVERYONE,
    ("POST", "/api/v1/bench/machines/{machine_id:int}/pair"): BENCH,
    ("PUT", "/api/v1/devices/{tag:str}/connection"): ADMINS,
    ("GET", "/api/v1/devices/{tag:str}/progress"): EVERYONE,
    ("POST", "/api/v1/devices/{tag:str}/disks/{disk_id:int}/destroyed"): BENCH,
    ("POST", "/api/v1/devices/{tag:str}/hardware-check"): BENCH,
    ("POST", "/api/v1/devices/{tag:str}/erasures/nwipe"): BENCH,
    # The client's initial password goes to those who hand devices over, never to trainees.
    ("POST", "/api/v1/devices/{tag:str}/initial-password"): frozenset({CS, CO, AD}),
    ("GET", "/api/v1/erasures/reverifications"): EVERYONE,
    ("POST", "/api/v1/erasures/{certificate:str}/reverification"): BENCH,
    ("POST", "/api/v1/bench/check-in"): BENCH_TOKEN_ONLY,
    ("POST", "/api/v1/bench/workers"): BENCH_TOKEN_ONLY,
    ("POST", "/api/v1/bench/workers/{worker_id:int}/heartbeat"): BENCH_TOKEN_ONLY,
    ("GET", "/api/v1/bench/workers/{worker_id:int}/jobs/next"): BENCH_TOKEN_ONLY,
    ("POST", "/api/v1/bench/workers/{worker_id:int}/jobs/{ident:str}/results"): BENCH_TOKEN_ONLY,
}

# A step each role may take, so that only the route's own guard is under test here.
STEP_FOR = {None: "hold", T: "hold", CS: "release", CO: "hold", AD: "hold"}
PATH_VALUES = {
    "{tag:str}": "JNS-000001-X",
    "{code:str}": "JNS-000001",
    "{file_path:path}": "kierto.css",
    "{path:str}": "openapi.yaml",
    "{run_id:int}": "1",
    "{profile_id:int}": "1",
    "{machine_id:int}": "1",
    "{disk_id:int}": "1",
    "{worker_id:int}": "1",
    "{ident:str}": "0123abcd",
    "{certificate:str}": "E-2026-000001",
}


def _routes(app: Litestar) -> list[tuple[str, str, Any]]:
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in handler.http_methods:
                if method not in {"OPTIONS", "HEAD"}:
                    found.append((method, route.path, handler))
    return found


def test_the_table_covers_every_route_and_every_route_declares_a_permission() -> None:
    routes = _routes(create_app())
    assert {(method, path) for method, path, _ in routes} == set(MATRIX)
    for method, path, handler in routes:
        assert route_permission(handler) is not None, f"{method} {path} declares no permission"


def _url(path: str, role: Role | None) -> str:
    path = path.replace("{action:str}", STEP_FOR[role])
    for placeholder, value in PATH_VALUES.items():
        path = path.replace(placeholder, value)
    return (
        path.replace("{site_id:int}", "1")
        .replace("{donor_id:int}", "1")
        .replace("{donation_id:int}", "1")
        .replace("{token_id:int}", "999")
        .replace("{user_id:int}", "1")
    )


def _refusal(response: httpx.Response) -> str | None:
    """The code of a refusal by authentication or by a route guard, or None."""
    if response.status_code not in (401, 403) or "json" not in response.headers.get("content-type", ""):
        return None
    code = response.json().get("code")
    return code if code in {"not_authenticated", "forbidden"} else None


async def test_every_route_for_every_role(db: Any, client: httpx.AsyncClient) -> None:
    headers: dict[Role | None, dict[str, str]] = {None: {}}
    for role in Role:
        actor = await factories.user(role)
        headers[role] = {"Authorization": f"Bearer {await factories.token(actor, TokenScope.READ_WRITE)}"}
    await client.get("/login")  # the CSRF cookie, which anonymous form posts need
    headers[None] = {"x-csrftoken": client.cookies["kierto_csrf"]}
    failures = []
    for (method, path), allowed in MATRIX.items():
        for role, role_headers in headers.items():
            response = await client.request(method, _url(path, role), headers=role_headers, json={})
            refused = _refusal(response)
            if allowed is PUBLIC or (role is not None and role in allowed):
                ok = refused is None
            elif role is None:
                ok = refused == "not_authenticated"
            else:
                ok = refused == "forbidden"
            if not ok:
                failures.append(f"{method} {path} as {role}: {response.status_code} {refused}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("scope", [TokenScope.READ, TokenScope.BENCH])
async def test_limited_tokens(db: Any, client: httpx.AsyncClient, scope: TokenScope) -> None:
    admin = await factories.user(Role.ADMIN)
    headers = {"Authorization": f"Bearer {await factories.token(admin, scope)}"}
    read = await client.get("/api/v1/devices", headers=headers)
    write = await client.post("/api/v1/sites", json={"code": "ABC", "name": "x"}, headers=headers)
    assert write.status_code == 403
    assert read.status_code == (200 if scope is TokenScope.READ else 403)
