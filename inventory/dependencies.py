"""The app-level dependencies (`create_app`'s `dependencies`) typed once, for handlers to name."""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency

from inventory.database import AnyEngine
from inventory.runs.supervisor import RunSupervisor
from inventory.settings import Settings

EngineDependency: TypeAlias = NamedDependency[AnyEngine]
"""The database engine (`engine`), SQLite or PostgreSQL."""

SettingsDependency: TypeAlias = NamedDependency[Settings]
"""The application's settings (`settings`)."""

RunsDependency: TypeAlias = NamedDependency[RunSupervisor]
"""The supervisor of scans, wipes and installations (`runs`)."""
