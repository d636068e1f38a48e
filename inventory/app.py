"""The one wiring point: `create_app()` builds the Litestar application from the settings."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.static_files import create_static_files_router
from msgspec import Struct
from piccolo.engine.postgres import PostgresEngine

from inventory.accessibility.pages import AccessibilityPages
from inventory.accounts.account_pages import AccountPages
from inventory.accounts.controllers import MeController, UserController
from inventory.accounts.login_pages import LoginPages
from inventory.accounts.middleware import KiertoAuthenticationMiddleware, session_cookie_name
from inventory.accounts.second_factor_pages import SecondFactorPages
from inventory.admin.pages import AdminPages
from inventory.admin.profile_pages import ProfilePages
from inventory.api_docs import NUL_NOTE, state_what_is_enforced
from inventory.api_rules import cross_field_rules
from inventory.bench.pages import BenchPages
from inventory.clients.controllers.assessment import AssessmentController
from inventory.clients.controllers.clients import ClientController
from inventory.clients.controllers.handovers import (
    ClientHandoverController,
    HandoverController,
    LoanController,
)
from inventory.clients.controllers.orientation import OrientationController
from inventory.clients.controllers.reservations import ClientReservationController, ReservationController
from inventory.clients.device_steps import CLIENT_STEPS
from inventory.clients.pages.assessment import AssessmentPages
from inventory.clients.pages.clients import ClientPages
from inventory.clients.pages.handovers import HandoverPages
from inventory.clients.pages.loans import LoanPages
from inventory.clients.pages.orientation import OrientationPages
from inventory.clients.pages.reservations import ReservationPages
from inventory.csrf import SessionCSRFMiddleware, csrf_cookie_name
from inventory.database import AnyEngine, start_pool
from inventory.device_pages.evidence_pages import EvidencePages
from inventory.device_pages.pages import DevicePages
from inventory.devices.controllers import DeviceController, ScanController
from inventory.devices.queries import device_counts_by_site
from inventory.documents.controllers import DocumentController, VerificationController
from inventory.documents.pages import DocumentPages
from inventory.donations.controllers import DonationController, DonorController
from inventory.donations.donor_pages import DonorPages
from inventory.donations.pages import DonationPages
from inventory.exception_handlers import EXCEPTION_HANDLERS
from inventory.guards import require_declared_permission
from inventory.input_guard import RejectNulMiddleware
from inventory.language import LanguageMiddleware, apply_user_language
from inventory.operation_ids import operation_id_from_handler
from inventory.operations.notifications.controllers import NotificationController
from inventory.operations.notifications.pages import NotificationPages, load_unread_count
from inventory.operations.observability.controllers import metrics, ready
from inventory.operations.observability.requests import RequestObserver
from inventory.operations.scheduled_jobs import JOBS
from inventory.operations.scheduling.controllers import JobController
from inventory.operations.scheduling.lifespan import scheduler_lifespan
from inventory.operations.scheduling.pages import JobPages
from inventory.operations.settings import get_operations_settings
from inventory.operations.statistics.controllers import StatisticsController
from inventory.permissions import Permission
from inventory.reports.pages import ReportPages
from inventory.runs.bench_api import BenchController
from inventory.runs.bench_setup_controllers import BenchSetupController
from inventory.runs.controllers import ProfileController, RunController
from inventory.runs.device_bench_controllers import DeviceBenchController
from inventory.runs.erasure_controllers import ErasureSampleController
from inventory.runs.lifespan import runs_lifespan
from inventory.runs.pages import RunPages
from inventory.runs.supervisor import RunSupervisor
from inventory.security_headers import security_headers_hook
from inventory.settings import Settings, get_settings
from inventory.sites.controllers import SiteController
from inventory.stocktake.pages import StockTakePages
from inventory.strict_bodies import read_json_bodies_strictly
from inventory.web import STATIC_DIR, template_config
from inventory.worklog.pages import WorkLogPages

UPLOAD_BODY_MARGIN = 64 * 1024


class Health(Struct):
    """Liveness: the process answers."""

    status: str


@get(
    "/health",
    opt={"permission": Permission.PUBLIC, "exclude_from_auth": True},
    tags=["ops"],
)
async def health() -> Health:
    """Answers while the process is alive."""
    return Health(status="ok")


CONTROLLERS: list[Any] = [
    SiteController,
    DonorController,
    DonationController,
    DeviceController,
    ScanController,
    MeController,
    UserController,
    LoginPages,
    SecondFactorPages,
    AccountPages,
    DevicePages,
    EvidencePages,
    DocumentController,
    VerificationController,
    DocumentPages,
    ready,
    metrics,
    JobController,
    NotificationController,
    StatisticsController,
    JobPages,
    NotificationPages,
    BenchPages,
    WorkLogPages,
    DonationPages,
    DonorPages,
    ReportPages,
    StockTakePages,
    AdminPages,
    ProfilePages,
    AccessibilityPages,
    ClientController,
    OrientationController,
    AssessmentController,
    ClientReservationController,
    ClientHandoverController,
    ReservationController,
    HandoverController,
    LoanController,
    ClientPages,
    OrientationPages,
    AssessmentPages,
    ReservationPages,
    LoanPages,
    HandoverPages,
    RunController,
    ProfileController,
    BenchSetupController,
    DeviceBenchController,
    ErasureSampleController,
    RunPages,
    BenchController,
]


def _engine() -> AnyEngine:
    from inventory.piccolo_conf import DB

    return DB


async def before_request(request: Request[Any, Any, Any]) -> None:
    """Once the user is known: their language, and the unread count the layout shows."""
    await apply_user_language(request)
    await read_json_bodies_strictly(request)
    await load_unread_count(request)


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the application: routes listed here, nothing registers itself on import."""
    settings = settings or get_settings()
    engine = _engine()
    supervisor = RunSupervisor(engine, settings)

    @asynccontextmanager
    async def database_pool(_: Litestar) -> AsyncGenerator[None, None]:
        # Start a pool unless the embedding process (a test, the bench) already runs one.
        postgres = engine if isinstance(engine, PostgresEngine) and engine.pool is None else None
        if postgres is not None:
            await start_pool(postgres, settings.database_pool_max)
        try:
            yield
        finally:
            if postgres is not None:
                await postgres.close_connection_pool()

    csrf = CSRFConfig(
        secret=settings.resolved_secret_key(),
        cookie_name=csrf_cookie_name(settings),
        cookie_secure=settings.uses_https,
        cookie_samesite="lax",
        cookie_httponly=False,
        header_name="x-csrftoken",
        exclude=["^/static/", "^/health$"],
    )
    static = create_static_files_router(
        path="/static",
        directories=[STATIC_DIR],
        opt={"permission": Permission.PUBLIC, "exclude_from_auth": True},
        include_in_schema=False,
    )
    app = Litestar(
        route_handlers=[health, static, *CONTROLLERS],
        middleware=[
            LanguageMiddleware,
            RejectNulMiddleware,
            DefineMiddleware(KiertoAuthenticationMiddleware, settings=settings),
            DefineMiddleware(
                SessionCSRFMiddleware, config=csrf, session_cookie=session_cookie_name(settings)
            ),
        ],
        guards=[require_declared_permission],
        before_request=before_request,
        before_send=[security_headers_hook(settings.uses_https)],
        dependencies={
            "engine": Provide(lambda: engine, use_cache=True, sync_to_thread=False),
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "runs": Provide(lambda: supervisor, use_cache=True, sync_to_thread=False),
            "jobs": Provide(lambda: JOBS, use_cache=True, sync_to_thread=False),
            "client_steps": Provide(lambda: CLIENT_STEPS, use_cache=True, sync_to_thread=False),
            "device_counts": Provide(device_counts_by_site),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        template_config=template_config(),
        openapi_config=OpenAPIConfig(
            title="Kierto API",
            version="1",
            description="Device recycling and loans: intake, erasure, provisioning, handover." + NUL_NOTE,
            path="/schema",
            operation_id_creator=operation_id_from_handler,
            # No HTML viewer: those load scripts from CDNs, which the CSP (and offline sites) refuse.
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin()],
            openapi_router=Router(
                path="/schema",
                route_handlers=[],
                opt={"permission": Permission.PUBLIC, "exclude_from_auth": True},
            ),
        ),
        lifespan=[
            database_pool,
            scheduler_lifespan(JOBS, engine, settings, get_operations_settings()),
            runs_lifespan(supervisor),
        ],
        request_max_body_size=settings.max_upload_bytes + UPLOAD_BODY_MARGIN,
        debug=settings.debug,
        # Logging is the process's (`kierto serve` configures JSON logs for every worker); our
        # exception handlers log what they handle.
        logging_config=None,
    )
    # Outermost, as Litestar wraps its own CORS and OpenTelemetry layers: every request, routed or not,
    # gets a request id, an access log line and its metrics.
    app.asgi_handler = RequestObserver(app.asgi_handler)
    state_what_is_enforced(app, cross_field_rules(local_connections=settings.bench_local_connections))
    return app
