"""The compose file runs the scheduler as its own service, checks readiness, and keeps backups in a volume."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_runs_one_scheduler_service_and_the_app_without_its_own() -> None:
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    services = compose["services"]
    scheduler, app = services["scheduler"], services["app"]
    assert scheduler["command"] == ["kierto", "scheduler"]
    assert scheduler["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert app["environment"]["KIERTO_SCHEDULER"] == "off"
    assert scheduler["environment"]["KIERTO_SCHEDULER"] == "off"  # it is the scheduler; no web workers
    assert scheduler["environment"]["KIERTO_DATABASE_URL"] == app["environment"]["KIERTO_DATABASE_URL"]
    assert "/ready" in " ".join(app["healthcheck"]["test"])
    assert scheduler["healthcheck"]["test"] == ["CMD", "kierto", "ready"]
    assert any(volume.startswith("backups:") for volume in scheduler["volumes"])
    assert scheduler["environment"]["KIERTO_BACKUP_DIR"] == "/var/lib/kierto/backups"
    assert {"pgdata", "appdata", "backups"} <= set(compose["volumes"])


def test_the_image_has_the_postgresql_client_for_backups() -> None:
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    assert "postgresql-client" in dockerfile
