"""Composite indexes for the coordinator's dashboard (Piccolo declares only single-column indexes on a
column, so these are created with Piccolo's create_index in a raw migration, as its docs advise)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.table import Table

ID = "2026-12-04T11:43:05:273550"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes for the dashboard: device by site and state, by state and when it changed"


class Device(Table, tablename="device"):
    """The columns these indexes cover, as they are at this migration (not the live table)."""

    site = Integer()
    state = Varchar()
    state_changed_at = Timestamptz()


INDEXES = (
    [Device.site, Device.state],  # stock by site and step: a covering index, no table scan
    [Device.state, Device.state_changed_at],  # devices waiting at a step, longest first
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="inventory", description=DESCRIPTION)

    async def run() -> None:
        for columns in INDEXES:
            await Device.create_index(columns, if_not_exists=True)

    async def run_backwards() -> None:
        for columns in INDEXES:
            await Device.drop_index(columns, if_exists=True)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
