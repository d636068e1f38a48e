"""The Docker files a site deploys from: what they copy exists, the compose file wires db → migrate → app."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_the_image_copies_what_exists_and_runs_as_a_user_with_a_healthcheck() -> None:
    lines = (ROOT / "docker" / "Dockerfile").read_text().splitlines()
    copied = [line.split()[1:-1] for line in lines if line.startswith("COPY ")]
    for sources in copied:
        for source in sources:
            assert (ROOT / source).exists(), source
    assert any(line.startswith("USER ") and "root" not in line for line in lines)
    assert any(line.startswith("HEALTHCHECK ") for line in lines)
    assert any("/health" in line for line in lines)


def test_compose_runs_migrations_before_the_app_against_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    services = compose["services"]
    assert services["migrate"]["command"] == ["kierto", "migrate"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "healthcheck" in services["db"]
    assert services["app"]["environment"]["KIERTO_DATABASE_URL"].startswith("postgresql://")
    assert set(compose["volumes"]) >= {"pgdata", "appdata"}
