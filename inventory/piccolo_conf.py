"""Piccolo's configuration: the engine from KIERTO_DATABASE_URL and the one app registry."""

from piccolo.conf.apps import AppRegistry

from inventory.database import engine_from_url
from inventory.settings import get_settings

_settings = get_settings()
DB = engine_from_url(_settings.resolved_database_url)
APP_REGISTRY = AppRegistry(apps=["inventory.piccolo_app"])
