"""Settings read from `KIERTO_*` environment variables, with defaults for one machine."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from labels.records import Issuer

Language = Literal["fi", "sv", "en"]


class Settings(BaseSettings):
    """Every setting of the service; each one is documented in docs/settings.md with its default."""

    model_config = SettingsConfigDict(env_prefix="KIERTO_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Where the SQLite file and secrets live.")
    database_url: str = Field(
        default="", description="sqlite:///path/to/file.sqlite3 or postgresql://user@host/db."
    )
    secret_key: str = Field(default="", description="Signs sessions and certificates.")
    access_log_key: str = Field(
        default="", description="Keys the access log's hash chain; default: derived from the secret key."
    )
    base_url: str = Field(default="http://127.0.0.1:8000", description="Public address used in QR codes.")
    default_language: Language = "fi"
    organisation_name: str = Field(
        default="Kierto", max_length=200, description="The organisation named on certificates and receipts."
    )
    organisation_address: str = Field(
        default="", max_length=200, description="The organisation's postal address on every document."
    )
    organisation_business_id: str = Field(
        default="", max_length=20, description="The organisation's business ID (Y-tunnus) on every document."
    )
    organisation_phone: str = Field(
        default="", max_length=40, description="A phone number on every document."
    )
    organisation_email: str = Field(
        default="", max_length=100, description="An e-mail address on every document."
    )
    confidentiality_before: Literal["low", "moderate", "high"] = Field(
        default="moderate",
        description="Confidentiality category of donated media before sanitisation (NIST SP 800-88, FIPS 199).",
    )
    confidentiality_after: Literal["low", "moderate", "high"] = Field(
        default="low", description="Confidentiality category of the media after a passed sanitisation."
    )
    cups_server: str = Field(
        default="", max_length=200, description="CUPS server for label printers; empty: the client's default."
    )
    debug: bool = False
    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    database_pool_max: int = Field(default=10, ge=1)
    orientation_min_sessions: int = Field(default=2, ge=0)
    orientation_min_minutes: int = Field(default=90, ge=0)
    orientation_required_topics: list[str] = Field(
        default=["power_login", "safe_use", "strong_identification"],
        description="Topic codes every client must have covered (JSON list in the environment).",
    )
    assessment_tasks: list[str] = Field(
        default=[
            "power_login",
            "wifi",
            "browser_search",
            "email",
            "strong_identification",
            "suomifi_messages",
            "kela_omakanta",
            "video_call",
            "safe_use",
            "files",
        ],
        description="The skills-assessment checklist: topic codes in the order asked (JSON list).",
    )
    reservation_days: int = Field(default=14, ge=1, le=365)
    retention_months: int = Field(default=24, ge=1, le=240)

    @field_validator("orientation_required_topics", "assessment_tasks")
    @classmethod
    def _known_topics(cls, value: list[str]) -> list[str]:
        from inventory.topics import TOPICS

        unknown = [code for code in value if code not in TOPICS]
        if unknown:
            raise ValueError(f"Unknown topic codes {unknown}; known: {sorted(TOPICS)}.")
        return list(dict.fromkeys(value))

    reverification_share: float = Field(
        default=0.05, ge=0, le=1, description="Share of passed erasures picked for re-verification."
    )
    bench_worker_timeout_seconds: int = Field(
        default=60, ge=2, description="A bench worker silent this long is offline; its running jobs end."
    )
    run_stale_seconds: int = Field(
        default=120, ge=5, description="A run whose server process is silent this long is interrupted."
    )
    bench_ssh_key: Path | None = Field(
        default=None, description="The bench SSH private key on this server, for runs it makes itself."
    )
    bench_local_connections: bool = Field(
        default=False, description="Allow chroot and local connections (tests, image building)."
    )
    bench_loop_devices: bool = Field(
        default=False, description="Hardware scans report loop devices as disks (test benches)."
    )
    run_work_dir: Path | None = Field(
        default=None, description="Where runs keep their private data dirs (default: the temp dir)."
    )
    bench_netboot_interface: str = Field(
        default="",
        max_length=15,
        pattern=r"^[A-Za-z0-9_.-]*$",
        description="The bench network's interface that network boot is served on; empty: network boot off.",
    )
    golden_image_url: str = Field(
        default="",
        description="Where bench machines download golden images (the image directory served over HTTP, "
        "e.g. by the network-boot server); empty: the image's path, for local and test benches.",
    )
    golden_image_dir: Path | None = Field(
        default=None,
        description="Where the profiles' golden images are kept (default: data_dir/golden-images).",
    )

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kierto.sqlite3').resolve()}"

    @property
    def resolved_golden_image_dir(self) -> Path:
        """Where golden images are kept: the setting, or golden-images in the data directory."""
        return self.golden_image_dir or self.data_dir / "golden-images"

    @property
    def uses_https(self) -> bool:
        """Whether the service is reached over HTTPS (decides the Secure cookie flag)."""
        return self.base_url.startswith("https://")

    def issuer(self) -> Issuer:
        """The organisation as documents name it."""
        from labels.records import Issuer

        return Issuer(
            name=self.organisation_name,
            address=self.organisation_address,
            business_id=self.organisation_business_id,
            phone=self.organisation_phone,
            email=self.organisation_email,
        )

    def resolved_secret_key(self) -> str:
        """The configured secret, or one kept in the data directory for a one-machine install."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()

    def access_log_chain_key(self) -> bytes:
        """The HMAC key of the access log's chain: its own setting, or derived from the secret key."""
        if self.access_log_key:
            return self.access_log_key.encode("utf-8")
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"kierto-access-log", info=b"chain v2").derive(
            self.resolved_secret_key().encode("utf-8")
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
