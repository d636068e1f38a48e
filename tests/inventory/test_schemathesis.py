"""Schemathesis drives the served API from its own OpenAPI schema: no 500s, and every answer as documented."""

from __future__ import annotations

import asyncio

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from inventory.accounts.tables import ApiToken, User
from inventory.accounts.token_hashing import token_hash
from inventory.api_docs import closed_body_names
from inventory.app import create_app
from inventory.permissions import Role
from tests import factories

pytestmark = pytest.mark.db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


async def _seed() -> None:
    # Something to find: a site, a donor and devices at several steps.
    from inventory.piccolo_conf import DB

    if not await factories.Site.exists():
        created = await factories.donation(DB, devices=3)
        await factories.bring_to(DB, created.asset_tags[0], factories.State.READY)


async def _admin_headers() -> dict[str, str]:
    admin = await factories.user(Role.ADMIN)
    return {"Authorization": f"Bearer {await factories.token(admin)}"}


async def _own_token_id(headers: dict[str, str]) -> int:
    token = headers["Authorization"].removeprefix("Bearer ")
    row = await ApiToken.select(ApiToken.id).where(ApiToken.token_hash == token_hash(token)).first()
    assert row is not None
    return int(row["id"])


async def _keep_admin(headers: dict[str, str]) -> None:
    # A generated request may deactivate a user, change a role or revoke a token: undo it for ours.
    token = headers["Authorization"].removeprefix("Bearer ")
    row = await ApiToken.select(ApiToken.user).where(ApiToken.token_hash == token_hash(token)).first()
    assert row is not None
    await User.update({User.is_active: True, User.role: Role.ADMIN.value}).where(User.id == row["user"])
    await ApiToken.update({ApiToken.revoked_at: None, ApiToken.expires_at: None}).where(
        ApiToken.user == row["user"]
    )


# The schema the served app publishes, taken from the app itself (schemathesis' lazy fixture loading
# does not work with pytest 9); the requests then go to the real server.
schema = schemathesis.openapi.from_dict(create_app().openapi_schema.to_schema()).include(path_regex="^/api/")


@pytest.fixture(scope="module")
def admin(live_server: str) -> dict[str, str]:
    asyncio.run(_seed())
    return asyncio.run(_admin_headers())


@pytest.fixture(scope="module")
def own_token_id(admin: dict[str, str]) -> int:
    return asyncio.run(_own_token_id(admin))


def test_the_schema_says_what_the_server_enforces() -> None:
    described = create_app().openapi_schema.to_schema()
    components = described["components"]["schemas"]
    closed = [name for name in closed_body_names() if name in components]
    assert len(closed) >= 40
    assert all(components[name]["additionalProperties"] is False for name in closed)
    assert "NUL" in described["info"]["description"]


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_promises(
    case: schemathesis.Case, live_server: str, admin: dict[str, str], own_token_id: int
) -> None:
    revokes = case.operation.path == "/api/v1/me/tokens/{token_id}" and case.path_parameters
    if revokes and case.path_parameters and case.path_parameters.get("token_id") == own_token_id:
        case.path_parameters["token_id"] = own_token_id + 1_000_000  # never revoke the token in use
    case.call_and_validate(base_url=live_server, headers=admin, checks=CHECKS)
    if case.operation.method.upper() in {"PATCH", "DELETE"}:
        asyncio.run(_keep_admin(admin))
