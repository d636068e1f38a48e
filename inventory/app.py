"""The one wiring point: `create_app()` builds the Litestar application from the settings."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from msgspec import Struct
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from inventory.accounts.controllers import MeController, UserController
from inventory.accounts.middleware import KiertoAuthenticationMiddleware
from inventory.accounts.pages import LoginPages
from inventory.csrf import SessionCSRFMiddleware
from inventory.devices.controllers import DeviceController, ScanController
from inventory.devices.pages import DevicePages
from inventory.donations.controllers import DonationController, DonorController
from inventory.exception_handlers import EXCEPTION_HANDLERS
from inventory.guards import require_declared_permission
from inventory.language import LanguageMiddleware, apply_user_language
from inventory.permissions import Permission
from inventory.runs.bench_api import BenchController
from inventory.runs.controllers import (
    BenchSetupController,
    DeviceBenchController,
    ErasureSampleController,
    ProfileController,
    RunController,
)
from inventory.runs.lifespan import runs_lifespan
from inventory.runs.pages import RunPages
from inventory.runs.supervisor import RunSupervisor
from inventory.settings import Settings, get_settings
from inventory.sites.controllers import SiteController
from inventory.web import STATIC_DIR, template_config

CSRF_COOKIE = "kierto_csrf"
UPLOAD_BODY_MARGIN = 64 * 1024


class Health(Struct):
    """Liveness: the process answers."""

    status: str


@get(
    "/health",
    opt={"permission": Permission.PUBLIC, "exclude_from_auth": True},
    operation_id="health",
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
    DevicePages,
    RunController,
    ProfileController,
    BenchSetupController,
    DeviceBenchController,
    ErasureSampleController,
    RunPages,
    BenchController,
]


def _engine() -> Engine:  # type: ignore[type-arg]
    from inventory.piccolo_conf import DB

    return DB


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
            await postgres.start_connection_pool(max_size=settings.database_pool_max)
        try:
            yield
        finally:
            if postgres is not None:
                await postgres.close_connection_pool()

    csrf = CSRFConfig(
        secret=settings.resolved_secret_key(),
        cookie_name=CSRF_COOKIE,
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
    return Litestar(
        route_handlers=[health, static, *CONTROLLERS],
        middleware=[
            LanguageMiddleware,
            DefineMiddleware(KiertoAuthenticationMiddleware, settings=settings),
            DefineMiddleware(SessionCSRFMiddleware, config=csrf),
        ],
        guards=[require_declared_permission],
        before_request=apply_user_language,
        dependencies={
            "engine": Provide(lambda: engine, use_cache=True, sync_to_thread=False),
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "runs": Provide(lambda: supervisor, use_cache=True, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        template_config=template_config(),
        openapi_config=OpenAPIConfig(
            title="Kierto API",
            version="1",
            description="Device recycling and loans: intake, erasure, provisioning, handover.",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
            openapi_router=Router(
                path="/schema",
                route_handlers=[],
                opt={"permission": Permission.PUBLIC, "exclude_from_auth": True},
            ),
        ),
        lifespan=[database_pool, runs_lifespan(supervisor)],
        request_max_body_size=settings.max_upload_bytes + UPLOAD_BODY_MARGIN,
        debug=settings.debug,
    )
