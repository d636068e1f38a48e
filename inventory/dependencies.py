"""The app-level dependencies (`create_app`'s `dependencies`) typed once, for handlers to name."""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency

from inventory.database import AnyEngine
from inventory.devices.client_steps import ClientSteps
from inventory.runs.supervisor import RunSupervisor
from inventory.settings import Settings

EngineDependency: TypeAlias = NamedDependency[AnyEngine]
"""The database engine (`engine`), SQLite or PostgreSQL."""

SettingsDependency: TypeAlias = NamedDependency[Settings]
"""The application's settings (`settings`)."""

RunsDependency: TypeAlias = NamedDependency[RunSupervisor]
"""The supervisor of scans, wipes and installations (`runs`)."""

ClientStepsDependency: TypeAlias = NamedDependency[ClientSteps]
"""The client area's part in a device's steps (`client_steps`), for the device page and the device API."""
