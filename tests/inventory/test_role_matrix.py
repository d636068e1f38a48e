"""Every route × every role (and anonymous), from one table written after DESIGN.md's roles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar import Litestar

from inventory.accounts.tables import User
from inventory.app import create_app
from inventory.choices import TokenScope
from inventory.guards import route_permission
from inventory.permissions import Role
from tests import factories
from tests.conftest import _truncate_all

T, CS, CO, AD = Role.TRAINEE, Role.COUNSELLOR, Role.COORDINATOR, Role.ADMIN
EVERYONE = frozenset(Role)
BENCH = frozenset({T, CO, AD})  # intake, labels, wipe, provisioning, hold
MANAGERS = frozenset({CO, AD})  # donors, overrides, scrap, reports
ADMINS = frozenset({AD})  # users, sites, settings
COUNSEL = frozenset({CS, CO, AD})  # clients, assessments, orientation; reserve, hand over, lend, return
PUBLIC = None
# Bench-token routes (check-in script, bench workers): refused to every person, whatever the role;
# only a site's bench token may use them (tests/runs/test_bench_api.py).
BENCH_TOKEN_ONLY: frozenset[Role] = frozenset()

MATRIX: dict[tuple[str, str], frozenset[Role] | None] = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/static/{file_path:path}"): PUBLIC,
    ("GET", "/schema"): PUBLIC,
    ("GET", "/schema/openapi.json"): PUBLIC,
    ("GET", "/schema/openapi.yaml"): PUBLIC,
    ("GET", "/schema/openapi.yml"): PUBLIC,
    ("GET", "/schema/{path:str}"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/language"): PUBLIC,
    ("POST", "/logout"): EVERYONE,
    ("GET", "/login/code"): PUBLIC,
    ("POST", "/login/code"): PUBLIC,
    ("GET", "/login/code/setup"): PUBLIC,
    ("POST", "/login/code/setup"): PUBLIC,
    ("GET", "/account"): EVERYONE,
    ("POST", "/account/second-factor/on"): EVERYONE,
    ("POST", "/account/second-factor/off"): EVERYONE,
    ("GET", "/reauth"): EVERYONE,
    ("POST", "/reauth"): EVERYONE,
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
    # Labels and documents (inventory/documents): printed at the bench; the donor's report too.
    ("POST", "/api/v1/labels/pdf"): BENCH,
    ("POST", "/api/v1/labels/print"): BENCH,
    ("GET", "/api/v1/erasures/{number:str}/certificate"): BENCH,
    ("GET", "/api/v1/devices/{tag:str}/destruction-certificate"): BENCH,
    ("GET", "/api/v1/devices/{tag:str}/certificates"): BENCH,
    ("GET", "/api/v1/donations/{donation_id:int}/receipt"): BENCH,
    ("GET", "/api/v1/donations/{donation_id:int}/report"): BENCH,
    ("POST", "/api/v1/donations/{donation_id:int}/finalise"): MANAGERS,
    ("GET", "/api/v1/verify/{code:str}"): PUBLIC,
    ("GET", "/labels"): BENCH,
    ("POST", "/labels"): BENCH,
    ("GET", "/donations/{donation_id:int}/documents"): BENCH,
    ("POST", "/donations/{donation_id:int}/finalise"): MANAGERS,
    ("GET", "/verify"): PUBLIC,
    ("GET", "/verify/{code:path}"): PUBLIC,
    ("POST", "/devices/{tag:str}/nwipe"): BENCH,
    ("POST", "/devices/{tag:str}/hardware-check"): BENCH,
    ("POST", "/devices/{tag:str}/details"): BENCH,
    ("POST", "/devices/{tag:str}/disks"): BENCH,
    ("POST", "/devices/{tag:str}/reserve"): COUNSEL,
    ("POST", "/devices/{tag:str}/disks/{disk_id:int}"): BENCH,
    ("POST", "/devices/{tag:str}/disks/{disk_id:int}/removal"): BENCH,
    ("POST", "/devices/{tag:str}/disks/{disk_id:int}/destroyed"): BENCH,
    ("GET", "/erasures/sign-off"): MANAGERS,
    ("POST", "/erasures/sign-off"): MANAGERS,
    ("POST", "/erasures/{number:str}/warning"): MANAGERS,
    # operations: readiness for health checks; metrics check the metrics token or loopback themselves.
    ("GET", "/ready"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/api/v1/jobs"): ADMINS,
    ("GET", "/api/v1/jobs/runs"): ADMINS,
    ("POST", "/api/v1/jobs/{name:str}/runs"): ADMINS,
    ("GET", "/admin/jobs"): ADMINS,
    ("POST", "/admin/jobs/{name:str}/run"): ADMINS,
    ("GET", "/api/v1/me/notifications"): EVERYONE,
    ("GET", "/api/v1/me/notifications/unread-count"): EVERYONE,
    ("POST", "/api/v1/me/notifications/{notification_id:int}/read"): EVERYONE,
    ("POST", "/api/v1/me/notifications/read-all"): EVERYONE,
    ("GET", "/notifications"): EVERYONE,
    ("POST", "/notifications/{notification_id:int}/read"): EVERYONE,
    ("POST", "/notifications/read-all"): EVERYONE,
    ("GET", "/api/v1/statistics/daily"): MANAGERS,
    # The web interface's workspaces.
    ("GET", "/bench"): BENCH,
    ("POST", "/bench/steps/{action:str}"): BENCH,
    ("POST", "/bench/labelled"): BENCH,
    ("GET", "/my-work"): BENCH,
    ("POST", "/my-work/hours"): BENCH,
    ("POST", "/my-work/hours/{entry_id:int}/delete"): BENCH,
    ("GET", "/donations"): EVERYONE,
    ("GET", "/donations/new"): BENCH,
    ("POST", "/donations/new"): BENCH,
    ("GET", "/donations/import"): BENCH,
    ("POST", "/donations/import/preview"): BENCH,
    ("POST", "/donations/import"): BENCH,
    ("GET", "/donations/{donation_id:int}"): EVERYONE,
    ("GET", "/donors"): MANAGERS,
    ("POST", "/donors"): MANAGERS,
    ("GET", "/dashboard"): MANAGERS,
    ("GET", "/dashboard/waiting"): MANAGERS,
    ("GET", "/reports/devices.csv"): MANAGERS,
    ("GET", "/reports/events.csv"): MANAGERS,
    ("GET", "/stocktakes"): BENCH,
    ("POST", "/stocktakes"): BENCH,
    ("GET", "/stocktakes/{stocktake_id:int}"): BENCH,
    ("POST", "/stocktakes/{stocktake_id:int}/scans"): BENCH,
    ("POST", "/stocktakes/{stocktake_id:int}/finish"): BENCH,
    ("GET", "/admin"): ADMINS,
    ("GET", "/admin/users"): ADMINS,
    ("POST", "/admin/users"): ADMINS,
    ("GET", "/admin/users/{user_id:int}"): ADMINS,
    ("POST", "/admin/users/{user_id:int}"): ADMINS,
    ("POST", "/admin/users/{user_id:int}/unlock"): ADMINS,
    ("GET", "/admin/sites"): ADMINS,
    ("POST", "/admin/sites"): ADMINS,
    ("POST", "/admin/sites/{site_id:int}"): ADMINS,
    ("GET", "/admin/profiles"): ADMINS,
    ("GET", "/admin/profiles/new"): ADMINS,
    ("POST", "/admin/profiles"): ADMINS,
    ("GET", "/admin/profiles/{profile_id:int}"): ADMINS,
    ("POST", "/admin/profiles/{profile_id:int}"): ADMINS,
    ("GET", "/admin/settings"): ADMINS,
    ("GET", "/admin/feedback"): ADMINS,
    ("POST", "/admin/feedback/{feedback_id:int}/handled"): ADMINS,
    ("GET", "/accessibility"): PUBLIC,
    ("POST", "/accessibility/feedback"): PUBLIC,
    # Clients (issue 5): every one refused to trainees, each refusal written to the access log.
    ("GET", "/api/v1/clients"): COUNSEL,
    ("POST", "/api/v1/clients"): COUNSEL,
    ("GET", "/api/v1/clients/{client_id:int}"): COUNSEL,
    ("PATCH", "/api/v1/clients/{client_id:int}"): COUNSEL,
    ("GET", "/api/v1/clients/{client_id:int}/export"): COUNSEL,
    ("GET", "/api/v1/clients/{client_id:int}/export.pdf"): COUNSEL,
    ("GET", "/api/v1/clients/{client_id:int}/access-log.pdf"): MANAGERS,
    ("POST", "/api/v1/clients/{client_id:int}/anonymise"): COUNSEL,
    ("GET", "/api/v1/clients/{client_id:int}/orientation"): COUNSEL,
    ("POST", "/api/v1/clients/{client_id:int}/orientation/sessions"): COUNSEL,
    ("PATCH", "/api/v1/clients/{client_id:int}/orientation/sessions/{session_id:int}"): COUNSEL,
    ("DELETE", "/api/v1/clients/{client_id:int}/orientation/sessions/{session_id:int}"): COUNSEL,
    ("GET", "/api/v1/clients/{client_id:int}/orientation/certificate.pdf"): COUNSEL,
    ("PUT", "/api/v1/clients/{client_id:int}/assessments/{phase:str}"): COUNSEL,
    ("GET", "/api/v1/clients/{client_id:int}/candidate-devices"): COUNSEL,
    ("POST", "/api/v1/clients/{client_id:int}/reservations"): COUNSEL,
    ("POST", "/api/v1/clients/{client_id:int}/handovers"): COUNSEL,
    ("POST", "/api/v1/reservations/{reservation_id:int}/renew"): COUNSEL,
    ("POST", "/api/v1/reservations/{reservation_id:int}/release"): COUNSEL,
    ("GET", "/api/v1/handovers/{handover_id:int}"): COUNSEL,
    ("GET", "/api/v1/handovers/{handover_id:int}/document.pdf"): COUNSEL,
    ("POST", "/api/v1/handovers/{handover_id:int}/signatures"): COUNSEL,
    ("POST", "/api/v1/handovers/{handover_id:int}/signed-on-paper"): COUNSEL,
    ("POST", "/api/v1/handovers/{handover_id:int}/return"): COUNSEL,
    ("POST", "/api/v1/handovers/{handover_id:int}/extend"): COUNSEL,
    ("GET", "/api/v1/loans/overdue"): COUNSEL,
    ("GET", "/clients"): COUNSEL,
    ("GET", "/clients/new"): COUNSEL,
    ("POST", "/clients/new"): COUNSEL,
    ("GET", "/clients/{client_id:int}"): COUNSEL,
    ("GET", "/clients/{client_id:int}/edit"): COUNSEL,
    ("POST", "/clients/{client_id:int}/edit"): COUNSEL,
    ("POST", "/clients/{client_id:int}/sessions"): COUNSEL,
    ("POST", "/clients/{client_id:int}/sessions/{session_id:int}/delete"): COUNSEL,
    ("GET", "/clients/{client_id:int}/assessment/{phase:str}"): COUNSEL,
    ("POST", "/clients/{client_id:int}/assessment/{phase:str}"): COUNSEL,
    ("GET", "/clients/{client_id:int}/reserve"): COUNSEL,
    ("POST", "/clients/{client_id:int}/reserve"): COUNSEL,
    ("POST", "/clients/{client_id:int}/reservations/{reservation_id:int}/renew"): COUNSEL,
    ("POST", "/clients/{client_id:int}/reservations/{reservation_id:int}/release"): COUNSEL,
    ("GET", "/clients/{client_id:int}/handover"): COUNSEL,
    ("POST", "/clients/{client_id:int}/handover"): COUNSEL,
    ("POST", "/clients/{client_id:int}/handover/signed"): COUNSEL,
    ("POST", "/clients/{client_id:int}/handover/paper"): COUNSEL,
    ("GET", "/handovers/{handover_id:int}/sign"): COUNSEL,
    ("POST", "/handovers/{handover_id:int}/sign"): COUNSEL,
    ("POST", "/handovers/{handover_id:int}/paper"): COUNSEL,
    ("GET", "/handovers/{handover_id:int}/return"): COUNSEL,
    ("POST", "/handovers/{handover_id:int}/return"): COUNSEL,
    ("POST", "/handovers/{handover_id:int}/extend"): COUNSEL,
    ("GET", "/loans/overdue"): COUNSEL,
    ("GET", "/clients/{client_id:int}/erase"): COUNSEL,
    ("POST", "/clients/{client_id:int}/erase"): COUNSEL,
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
    ("PATCH", "/api/v1/devices/{tag:str}/disks/{disk_id:int}"): BENCH,
    ("POST", "/api/v1/devices/{tag:str}/disks/{disk_id:int}/removal"): BENCH,
    ("POST", "/api/v1/devices/{tag:str}/hardware-check"): BENCH,
    ("POST", "/api/v1/devices/{tag:str}/erasures/nwipe"): BENCH,
    # The client's initial password goes to those who hand devices over, never to trainees.
    ("POST", "/api/v1/devices/{tag:str}/initial-password"): frozenset({CS, CO, AD}),
    ("GET", "/api/v1/erasures/reverifications"): EVERYONE,
    ("POST", "/api/v1/erasures/{certificate:str}/reverification"): BENCH,
    ("GET", "/api/v1/erasures/sign-off"): MANAGERS,
    ("POST", "/api/v1/erasures/sign-off"): MANAGERS,
    ("POST", "/api/v1/erasures/{certificate:str}/warning-acceptance"): MANAGERS,
    ("POST", "/api/v1/bench/check-in"): BENCH_TOKEN_ONLY,
    ("GET", "/api/v1/bench/machines/{machine_id:int}/screen"): BENCH_TOKEN_ONLY,
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
    "{number:str}": "E-2026-000001",
    "{file_path:path}": "kierto.css",
    "{path:str}": "openapi.yaml",
    "{phase:str}": "start",
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
        .replace("{name:str}", "housekeeping")
        .replace("{notification_id:int}", "999")
        .replace("{entry_id:int}", "999")
        .replace("{stocktake_id:int}", "999")
        .replace("{feedback_id:int}", "999")
        .replace("{client_id:int}", "1")
        .replace("{session_id:int}", "1")
        .replace("{reservation_id:int}", "1")
        .replace("{handover_id:int}", "1")
    )


def _refusal(response: httpx.Response) -> str | None:
    """The code of a refusal by authentication or by a route guard, or None."""
    if response.status_code not in (401, 403) or "json" not in response.headers.get("content-type", ""):
        return None
    code = response.json().get("code")
    return code if code in {"not_authenticated", "forbidden"} else None


ROUTES = list(MATRIX)
# One test per route, named after it without braces: `-k "POST and /api/v1/sites/site_id:int"` runs one.
ROUTE_IDS = [f"{method} {path.replace('{', '').replace('}', '')}" for method, path in ROUTES]
# A user and a bearer token per role, made once per worker process (argon2 makes a user cost a fifth of a
# second); made again, on an emptied database, when another test has emptied it in between.
_SIGNED_IN: dict[Role, tuple[str, dict[str, str]]] = {}


@pytest.fixture(scope="module")
def matrix_app() -> Litestar:
    """One application for the whole table: building one per route would cost more than its requests."""
    return create_app()


@pytest.fixture
async def signed_in(_migrated: None) -> AsyncIterator[dict[Role | None, dict[str, str]]]:
    """The headers of each role (None: anonymous) on the migrated database, which the routes' requests may
    leave rows in for the next route, as the single sweep over the table once did."""
    from piccolo.engine.postgres import PostgresEngine

    from inventory.piccolo_conf import DB

    pooled = isinstance(DB, PostgresEngine)
    if pooled:
        await DB.start_connection_pool(min_size=1, max_size=10)
    try:
        names = [name for name, _ in _SIGNED_IN.values()]
        if len(names) != len(Role) or await User.count().where(User.username.is_in(names)) != len(names):
            await _truncate_all()
            for role in Role:
                actor = await factories.user(role)
                token = await factories.token(actor, TokenScope.READ_WRITE)
                _SIGNED_IN[role] = (actor.username, {"Authorization": f"Bearer {token}"})
        yield {None: {}} | {role: headers for role, (_, headers) in _SIGNED_IN.items()}
    finally:
        if pooled:
            await DB.close_connection_pool()


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=ROUTE_IDS)
async def test_route_for_every_role(
    signed_in: dict[Role | None, dict[str, str]], matrix_app: Litestar, method: str, path: str
) -> None:
    """The route answers each role as the table says: allowed roles are neither refused nor given a server
    error, other people are refused as not signed in or forbidden."""
    allowed = MATRIX[(method, path)]
    transport = httpx.ASGITransport(app=matrix_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        await client.get("/login")  # the CSRF cookie, which anonymous form posts need
        headers = signed_in | {None: {"x-csrftoken": client.cookies["kierto_csrf"]}}
        failures = []
        for role, role_headers in headers.items():
            response = await client.request(method, _url(path, role), headers=role_headers, json={})
            refused = _refusal(response)
            # 503 is the readiness probe's honest "not ready" (no scheduler runs beside this test client).
            if response.status_code >= 500 and response.status_code != 503:
                failures.append(f"{method} {path} as {role}: {response.status_code}, a server error")
                continue
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


async def test_litestars_own_options_answer_never_fails(db: Any, client: httpx.AsyncClient) -> None:
    """OPTIONS passes the authentication middleware by, while a controller's permission reaches Litestar's
    OPTIONS handler too: the guard must refuse it, never fail on the missing user (it once gave a 500)."""
    actor = await factories.user(Role.COORDINATOR)
    as_coordinator = {"Authorization": f"Bearer {await factories.token(actor, TokenScope.READ_WRITE)}"}
    failures = []
    for path in sorted({path for _, path in MATRIX}):
        for headers in ({}, as_coordinator):
            response = await client.options(_url(path, Role.COORDINATOR), headers=headers)
            if response.status_code >= 500:
                failures.append(f"OPTIONS {path}: {response.status_code} {response.text[:100]}")
    assert not failures, "\n".join(failures)
