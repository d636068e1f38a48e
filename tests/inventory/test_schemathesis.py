"""Schemathesis drives the served API from its own OpenAPI schema as every role (and anonymously on the
public routes), with all of its checks: no 500s, every answer as documented, every schema-valid request
accepted and every schema-invalid one refused."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Callable
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from litestar._openapi.plugin import OpenAPIPlugin
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NOT_SET
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

from inventory.accounts.tables import ApiToken, User
from inventory.accounts.token_hashing import token_hash
from inventory.app import create_app
from inventory.permissions import Role
from tests import factories

pytestmark = pytest.mark.db

# Fuzzed examples per operation and role. The administrator reaches every route and also gets
# schemathesis' coverage phase (its deterministic boundary and negative values for every parameter);
# the other roles would only repeat those boundaries against the same validation (or meet their 403
# at once), so they run the fuzzing phase alone, with fewer examples the less of the API they hold.
# Measured cost: docs/testing.md.
EXAMPLES = {Role.ADMIN: 12, Role.COORDINATOR: 8, Role.COUNSELLOR: 5, Role.TRAINEE: 5}
PUBLIC_EXAMPLES = 30

# What no JSON Schema can say, so a schema-valid request may still be refused 422 naming one of these
# fields (and only these; any other refusal of a schema-valid request fails). Each is one of:
# - the database: whether a referenced record exists, is in reach, or is of the right kind; a
#   description is fixed text and cannot know the rows;
# - the clock: "not in the future", "after today" move every day, and JSON Schema has no "now";
# - the step or phase in the path: OpenAPI gives one body schema per operation, whatever the path
#   parameter's value, so a field the step needs cannot be required for that step alone;
# - arithmetic between fields (at most ten years from `from` to `to`): JSON Schema compares a value
#   with constants only;
# - a file's content, and a password's strength against leaked and common lists and the person's name.
# Everything else the server checks is in the description (bounds, patterns, enums, required,
# additionalProperties false, list items, and inventory/api_rules.py's rules across fields and settings),
# and schema-invalid requests are all refused.
BEYOND_THE_SCHEMA: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "/api/v1/statistics/daily"): {"from": "at most ten years before `to` (arithmetic)"},
    ("POST", "/api/v1/clients"): {
        "site_id": "an existing site in reach (database)",
        "counsellor_id": "an existing counsellor (database)",
        "consent_recorded_on": "not in the future (clock)",
    },
    ("PATCH", "/api/v1/clients/{client_id}"): {
        "site_id": "an existing site (database)",
        "counsellor_id": "an existing counsellor (database)",
        "consent_recorded_on": "not in the future (clock)",
    },
    ("POST", "/api/v1/clients/{client_id}/orientation/sessions"): {"held_on": "not in the future (clock)"},
    ("PATCH", "/api/v1/clients/{client_id}/orientation/sessions/{session_id}"): {
        "held_on": "not in the future nor long past (clock)"
    },
    ("POST", "/api/v1/clients/{client_id}/handovers"): {"due_on": "a loan's is after today (clock)"},
    ("PUT", "/api/v1/clients/{client_id}/assessments/{phase}"): {
        "answers[].task": "the tasks of the phase in the path (path)",
        "assessed_on": "not in the future (clock)",
    },
    ("POST", "/api/v1/donations"): {
        "site_id": "an existing site in reach (database)",
        "donor_id": "an existing donor (database)",
    },
    ("POST", "/api/v1/donations/import"): {
        "donor_id": "an existing donor (database)",
        "site_id": "an existing site in reach (database)",
        "file": "a readable CSV or XLSX file (content)",
        "exclude_lines": "lines the file has (content)",
    },
    ("POST", "/api/v1/donations/import/preview"): {"file": "a readable CSV or XLSX file (content)"},
    ("POST", "/api/v1/devices/{tag}/transitions/{action}"): {
        "reason": "the step in the path needs it (path)",
        "recycler_reference": "the step in the path needs it (path)",
        "due_on": "the step in the path needs it (path)",
        "erasure": "the step in the path needs it (path)",
        "client_id": "an existing client in reach (database)",
        "erasure.disks": "the device's own disks (database)",
        "erasure.started_at": "not before the device arrived (database)",
        "erasure.finished_at": "not in the future (clock)",
    },
    ("POST", "/api/v1/bench/tokens"): {"site_id": "an existing site (database)"},
    ("POST", "/api/v1/labels/pdf"): {
        "tags": "at most so many labels with the donation's devices (database)",
        "start_position": "on the site's label stock when none is named (database)",
    },
    ("POST", "/api/v1/labels/print"): {
        "tags": "at most so many labels with the donation's devices (database)",
        "start_position": "on the site's label stock when none is named (database)",
    },
    ("POST", "/api/v1/users"): {
        "password": "not common, leaked or made of the person's name (lists)",
        "site_code": "an existing site (database)",
    },
    ("PATCH", "/api/v1/users/{user_id}"): {
        "password": "not common, leaked or made of the person's name (lists)",
        "site_code": "an existing site (database)",
    },
    ("POST", "/api/v1/me/tokens"): {"expires_at": "in the future (clock)"},
}


def _refused_field(response: Any) -> str:
    try:
        field = json.loads(response.text).get("field") or ""
    except (ValueError, AttributeError):
        return ""
    return re.sub(r"\[\d+\]", "[]", str(field))


def _body_is_described(case: schemathesis.Case) -> bool:
    # schemathesis 4.32's coverage phase marks a path parameter's near-boundary case positive while it
    # carries the body of an earlier incorrect-type case (`0` for an object): such a request is not
    # schema-valid, and its refusal is no finding. Any body the description allows still counts.
    if case.body is NOT_SET or case.media_type != "application/json":
        return True
    operation = _served["paths"][case.operation.path][case.method.lower()]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    return bool(
        jsonschema_rs.validator_for({**body, "components": _served["components"]}).is_valid(case.body)
    )


def accepted_unless_beyond_the_schema(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """schemathesis' positive_data_acceptance, except a 422 naming a field of BEYOND_THE_SCHEMA, or for a
    body the description does not allow."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if not _body_is_described(case):
            return None
        allowed = BEYOND_THE_SCHEMA.get((case.method.upper(), case.operation.path), {})
        if response.status_code == 422 and _refused_field(response) in allowed:
            return None
        raise


async def _seed() -> None:
    # Something to find: a site, a donor and devices at several steps.
    from inventory.piccolo_conf import DB

    if not await factories.Site.exists():
        created = await factories.donation(DB, devices=3)
        await factories.bring_to(DB, created.asset_tags[0], factories.State.READY)


async def _headers(role: Role) -> dict[str, str]:
    person = await factories.user(role)
    return {"Authorization": f"Bearer {await factories.token(person)}"}


async def _own_token_id(headers: dict[str, str]) -> int:
    token = headers["Authorization"].removeprefix("Bearer ")
    row = await ApiToken.select(ApiToken.id).where(ApiToken.token_hash == token_hash(token)).first()
    assert row is not None
    return int(row["id"])


async def _keep(headers: dict[str, str], role: Role) -> None:
    # A generated request may deactivate a user, change a role or revoke a token: undo it for ours.
    token = headers["Authorization"].removeprefix("Bearer ")
    row = await ApiToken.select(ApiToken.user).where(ApiToken.token_hash == token_hash(token)).first()
    assert row is not None
    await User.update({User.is_active: True, User.role: role.value}).where(User.id == row["user"])
    await ApiToken.update({ApiToken.revoked_at: None, ApiToken.expires_at: None}).where(
        ApiToken.user == row["user"]
    )


CHANGES = {"PATCH", "DELETE", "POST", "PUT"}


def _spare_own_token(case: schemathesis.Case, own_token_id: int) -> None:
    # The suite's own token is never revoked by a case (DELETE /api/v1/me/tokens/{token_id}): another id.
    revokes = case.operation.path == "/api/v1/me/tokens/{token_id}" and case.path_parameters
    if revokes and case.path_parameters and case.path_parameters.get("token_id") == own_token_id:
        case.path_parameters["token_id"] = own_token_id + 1_000_000


def _config(*, coverage: bool) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": coverage}}})


# The schema the served app publishes, taken from the app itself (schemathesis' lazy fixture loading
# does not work with pytest 9); the requests then go to the real server.
_served = create_app().plugins.get(OpenAPIPlugin).provide_openapi_schema()
# The coverage phase's cases come from the schema alone, the same on both databases, and on PostgreSQL
# they cost 371 s against 94 s on SQLite: the SQLite pass runs them, the PostgreSQL pass fuzzes as every
# role (what differs between the databases, e.g. a NUL character or an out-of-range date, has its own
# regression tests on both in test_api.py).
COVERAGE = os.environ.get("KIERTO_TEST_DATABASE", "sqlite") != "postgresql"
full = schemathesis.openapi.from_dict(_served, config=_config(coverage=COVERAGE)).include(path_regex="^/api/")
fuzzed = schemathesis.openapi.from_dict(_served, config=_config(coverage=False)).include(path_regex="^/api/")
# What anyone may ask without logging in: the verification of a document's code, liveness (readiness
# answers its documented 503 here, where no scheduler beats).
public = schemathesis.openapi.from_dict(_served, config=_config(coverage=True)).include(
    path_regex="^(/api/v1/verify/|/health$)"
)


@pytest.fixture(scope="module")
def tokens(live_server: str) -> dict[Role, tuple[dict[str, str], int]]:
    """A bearer token of each role, with the id of the token itself (never to be revoked by a case)."""
    asyncio.run(_seed())
    found = {}
    for role in EXAMPLES:
        headers = asyncio.run(_headers(role))
        found[role] = (headers, asyncio.run(_own_token_id(headers)))
    return found


def _call_as(role: Role, case: schemathesis.Case, base_url: str, tokens: dict[Role, Any]) -> None:
    headers, own_token_id = tokens[role]
    _spare_own_token(case, own_token_id)
    try:
        # Every check schemathesis has (`--checks all`: its default set in this version) with its default
        # accepted statuses (401/403/404/409 for a schema-valid request are permissions, reach and
        # lifecycle); positive data acceptance as above.
        case.call_and_validate(
            base_url=base_url,
            headers=headers,
            excluded_checks=[positive_data_acceptance],
            additional_checks=[accepted_unless_beyond_the_schema],
        )
    finally:
        if case.operation.method.upper() in CHANGES:
            asyncio.run(_keep(headers, role))


def _as(role: Role) -> Callable[..., None]:
    schema = full if role is Role.ADMIN else fuzzed

    @schema.parametrize()
    @settings(max_examples=EXAMPLES[role], deadline=None, suppress_health_check=list(HealthCheck))
    def keeps_its_promises(
        case: schemathesis.Case, live_server: str, tokens: dict[Role, tuple[dict[str, str], int]]
    ) -> None:
        _call_as(role, case, live_server, tokens)

    keeps_its_promises.__doc__ = f"The API keeps its promises to a {role.value}."
    return keeps_its_promises


test_the_api_keeps_its_promises_to_an_admin = _as(Role.ADMIN)
test_the_api_keeps_its_promises_to_a_coordinator = _as(Role.COORDINATOR)
test_the_api_keeps_its_promises_to_a_counsellor = _as(Role.COUNSELLOR)
test_the_api_keeps_its_promises_to_a_trainee = _as(Role.TRAINEE)


@public.parametrize()
@settings(max_examples=PUBLIC_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_public_routes_keep_their_promises_to_anyone(case: schemathesis.Case, live_server: str) -> None:
    case.call_and_validate(base_url=live_server)


# Chains of calls linked by their answers (an id a POST returned, used by the next GET, PATCH or DELETE),
# as schemathesis infers them from the description; its stateful checks (use_after_free,
# ensure_resource_availability) look back along such a chain, so they apply here only.
WORKFLOWS = 8
WORKFLOW_STEPS = 6


def test_the_api_keeps_its_promises_along_workflows(
    live_server: str, tokens: dict[Role, tuple[dict[str, str], int]]
) -> None:
    headers, own_token_id = tokens[Role.ADMIN]

    class Workflow(fuzzed.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: schemathesis.Case) -> None:
            _spare_own_token(case, own_token_id)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"base_url": live_server, "headers": headers}

        def after_call(self, response: Any, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            if case.operation.method.upper() in CHANGES:
                asyncio.run(_keep(headers, Role.ADMIN))

        def validate_response(self, response: Any, case: schemathesis.Case, *_: Any, **kwargs: Any) -> None:
            case.validate_response(
                response,
                excluded_checks=[positive_data_acceptance],
                additional_checks=[accepted_unless_beyond_the_schema],
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Workflow.run(
        settings=settings(
            max_examples=WORKFLOWS,
            stateful_step_count=WORKFLOW_STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
