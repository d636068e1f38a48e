"""Kierto inventory: the domain and the application (tables, lifecycle, services, API, pages, jobs, CLI)."""

import os

# Piccolo finds its engine through this module; set before any table is used.
os.environ.setdefault("PICCOLO_CONF", "inventory.piccolo_conf")
