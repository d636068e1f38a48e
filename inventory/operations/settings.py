"""Settings of the operations area (scheduler, e-mail, backups, reminders, metrics), from `KIERTO_*` variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from inventory.lifecycle import OUT_OF_WORKSHOP, State

SchedulerMode = Literal["app", "off"]
SmtpSecurity = Literal["starttls", "tls", "none"]
LogFormat = Literal["auto", "json", "console"]

# How long a device may stay in a state before the site's coordinators hear of it (days).
DEFAULT_STUCK_DAYS: dict[str, int] = {
    State.RECEIVED.value: 14,
    State.WIPING.value: 2,
    State.WIPE_FAILED.value: 7,
    State.WIPED.value: 14,
    State.PROVISIONING.value: 2,
    State.PROVISIONING_FAILED.value: 7,
    State.READY.value: 60,
    State.RESERVED.value: 14,
    State.ON_HOLD.value: 30,
}
# A loan has its own due date and is watched by the overdue-loan job instead.


class OperationsSettings(BaseSettings):
    """Every operations setting; each is documented in docs/settings.md with its default."""

    model_config = SettingsConfigDict(env_prefix="KIERTO_", extra="ignore")

    scheduler: SchedulerMode = Field(
        default="app", description="app: the web process runs the scheduler; off: run `kierto scheduler`."
    )
    scheduler_heartbeat_seconds: float = Field(default=30, gt=0, le=3600)
    scheduler_standby_seconds: float = Field(
        default=15, gt=0, le=3600, description="How often a standby scheduler tries to take over."
    )
    schedule: dict[str, str] = Field(
        default_factory=dict,
        description='Per-job schedule overrides: {"backup": "30 2 * * *", "email_delivery": "every 30s"}.',
    )
    job_retries: int = Field(default=3, ge=0, le=10)
    job_retry_seconds: float = Field(default=60, gt=0, le=86400)
    job_run_days_kept: int = Field(default=90, ge=1)

    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_security: SmtpSecurity = "starttls"
    smtp_from: str = "Kierto <kierto@localhost>"
    smtp_timeout_seconds: float = Field(default=20, gt=0, le=300)
    email_attempts: int = Field(default=5, ge=1, le=20)

    backup_dir: Path | None = Field(default=None, description="Default: <data dir>/backups.")
    backup_keep: int = Field(default=7, ge=1, le=1000)
    pg_bin_dir: Path | None = Field(
        default=None, description="Where pg_dump and pg_restore are, e.g. /usr/lib/postgresql/16/bin."
    )

    stuck_days: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_STUCK_DAYS))

    metrics_token: str = Field(default="", description="Bearer token for /metrics; empty: loopback only.")
    log_format: LogFormat = "auto"
    log_level: str = "INFO"

    @field_validator("stuck_days")
    @classmethod
    def _known_states(cls, value: dict[str, int]) -> dict[str, int]:
        for state, days in value.items():
            if state not in {s.value for s in State} or State(state) in OUT_OF_WORKSHOP:
                raise ValueError(f"{state!r} is not a state a device can get stuck in")
            if days < 1:
                raise ValueError(f"the threshold for {state!r} must be at least one day")
        return value

    @property
    def smtp_configured(self) -> bool:
        """Whether e-mail is sent at all."""
        return bool(self.smtp_host)

    def resolved_backup_dir(self, data_dir: Path) -> Path:
        """Where backups go."""
        return self.backup_dir if self.backup_dir is not None else data_dir / "backups"


@lru_cache(maxsize=1)
def get_operations_settings() -> OperationsSettings:
    """The process-wide operations settings, read once from the environment."""
    return OperationsSettings()
