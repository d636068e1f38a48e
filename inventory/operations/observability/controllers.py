"""/ready for load balancers and health checks, /metrics for Prometheus.

Who may read /metrics: it names routes, job names and device counts per site. That is no personal
data, but it is nobody's business on the internet. With KIERTO_METRICS_TOKEN set, a scraper sends
`Authorization: Bearer <token>` (compared in constant time); without it only this machine may read
it, and only directly: a request relayed by a proxy (Forwarded / X-Forwarded-For) is refused even
from the loopback address, since the proxy would otherwise make every visitor look local.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from litestar import Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from msgspec import Struct
from prometheus_client import CONTENT_TYPE_LATEST

from inventory.dependencies import EngineDependency
from inventory.errors import Forbidden
from inventory.i18n import N_
from inventory.operations.observability.metrics import exposition, read_database_figures
from inventory.operations.observability.readiness import check_readiness
from inventory.operations.settings import get_operations_settings
from inventory.permissions import Permission

FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


class ReadinessOut(Struct):
    """Whether the service can take traffic, and each check's result."""

    status: str
    database: str
    migrations: str
    scheduler: str


@get(
    "/ready",
    opt={"permission": Permission.PUBLIC, "exclude_from_auth": True},
    tags=["ops"],
    responses={
        HTTP_503_SERVICE_UNAVAILABLE: ResponseSpec(
            data_container=ReadinessOut,
            description="A check failed; its field says which.",
            generate_examples=False,
        )
    },
)
async def ready(engine: EngineDependency) -> Response[ReadinessOut]:
    """200 when the database answers, migrations are applied and the scheduler beat recently; else 503."""
    result = await check_readiness(engine, get_operations_settings().scheduler_heartbeat_seconds)
    body = ReadinessOut(
        status="ready" if result.ready else "not ready",
        database=result.database,
        migrations=result.migrations,
        scheduler=result.scheduler,
    )
    return Response(body, status_code=HTTP_200_OK if result.ready else HTTP_503_SERVICE_UNAVAILABLE)


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def may_read_metrics(request: Request[Any, Any, Any], token: str) -> bool:
    """The rule in the module docstring."""
    if token:
        sent = request.headers.get("authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    forwarded = any(request.headers.get(name) for name in FORWARDING_HEADERS)
    return not forwarded and _is_loopback(request.client.host if request.client else None)


@get(
    "/metrics",
    opt={"permission": Permission.PUBLIC, "exclude_from_auth": True},
    include_in_schema=False,
)
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Prometheus metrics, for the metrics token or this machine only."""
    operations = get_operations_settings()
    if not may_read_metrics(request, operations.metrics_token):
        raise Forbidden(
            N_(
                "Metrics are only for the monitoring system: send the metrics token, or ask from this machine."
            )
        )
    figures = await read_database_figures(operations.scheduler_heartbeat_seconds)
    return Response(exposition(figures), media_type=CONTENT_TYPE_LATEST)
