"""The app-level dependencies (`create_app`'s `dependencies`) typed once, for handlers to name.

Those whose type belongs to one package are typed there: `runs` in `runs.supervisor`, `client_steps` in
`devices.client_steps`, `jobs` in `operations.scheduling.controllers`.
"""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency

from inventory.database import AnyEngine
from inventory.settings import Settings

EngineDependency: TypeAlias = NamedDependency[AnyEngine]
"""The database engine (`engine`), SQLite or PostgreSQL."""

SettingsDependency: TypeAlias = NamedDependency[Settings]
"""The application's settings (`settings`)."""

DeviceCountsDependency: TypeAlias = NamedDependency[dict[int, int]]
"""How many devices each site holds, by site id (`device_counts`), counted for the request that names it."""
