"""One Settings object, read once from the environment and `.env`, passed down explicitly."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from wsop_hub.domain.enums import HandRank

#: Passwords that must never guard a production hub.
DEFAULT_PASSWORDS = frozenset({"", "admin", "password", "changeme", "change-me", "secret", "wsop"})


class HubEnv(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every knob of the hub. Environment names are the field names in upper case."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    hub_env: HubEnv = HubEnv.DEVELOPMENT
    database_url: str | None = Field(
        default=None, description="PostgreSQL URL; empty starts an embedded PostgreSQL 16"
    )
    redis_url: str | None = Field(
        default=None, description="Redis URL; empty starts an embedded redis-server"
    )
    hub_data_dir: Path = Path(".hub")
    hub_output_dir: Path | None = Field(
        default=None,
        description="where renders land, as <YYYY-MM-DD>/<instruction id>/…; "
        "default HUB_DATA_DIR/outputs",
    )
    hub_inbox_dir: Path | None = Field(
        default=None,
        description="folder the watcher ingests (PokerGFX exports, WSOP+ files); "
        "default HUB_DATA_DIR/inbox",
    )
    hub_ingest_watch: bool = Field(
        default=True, description="`up` runs the inbox watcher (the ingest role)"
    )
    hub_ingest_concurrency: int = Field(default=4, ge=1, le=32)
    hub_ingest_parse_processes: int = Field(
        default=2,
        ge=0,
        le=32,
        description="processes parsing PokerGFX files beside the database writes "
        "(0: a thread in the ingest process)",
    )
    hub_ingest_settle_s: float = Field(
        default=0.3,
        gt=0,
        le=60,
        description="a file is read once its size and mtime held still this long",
    )
    hub_premium_threshold: HandRank = Field(
        default=HandRank.FULL_HOUSE, description="a hand at or above this rank is premium"
    )
    hub_wsop_event: str | None = Field(
        default=None,
        description="WSOP+ event code for files that name none (standings JSON, cue sheets); "
        "default: the only running event",
    )
    hub_recording_offsets: str = Field(
        default="",
        description="per feature-table PC, when its video recording started on the PC's "
        "own clock in seconds since 0001-01-01 (RecordingOffsetStart's unit), for the hands' "
        "video offsets: `PC_ID=seconds,...` (PC_ID = the inbox sub-folder; `*` for all)",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)

    dashboard_username: str = "admin"
    dashboard_password: str = ""
    hub_api_keys: str = Field(default="", description="comma-separated API keys for X-API-Key")

    hub_redis_prefix: str = "wsop:"
    hub_lease_s: float = Field(default=60.0, gt=0)
    hub_heartbeat_interval_s: float = Field(default=10.0, gt=0)
    hub_reaper_interval_s: float = Field(default=15.0, gt=0)
    hub_sweeper_after_s: float = Field(default=30.0, gt=0)
    hub_retry_backoff_base_s: float = Field(default=60.0, ge=0)
    hub_max_retries: int = Field(default=3, ge=0)
    hub_shutdown_grace_s: float = Field(
        default=20.0,
        ge=0,
        description="a stopping worker waits this long before releasing its jobs",
    )
    hub_db_connect_timeout_s: float = Field(default=5.0, gt=0)
    hub_metrics_cache_s: float = Field(
        default=2.0,
        ge=0,
        description="dashboard and metric windows are recomputed at most this often",
    )
    hub_log_level: str = "INFO"
    hub_log_format: Literal["text", "json"] = "text"

    # Anomaly detection (scheduler role) and alert delivery.
    hub_anomaly_interval_s: float = Field(default=60.0, gt=0)
    hub_pending_delay_s: float = Field(
        default=1800.0, gt=0, description="a job pending longer than this is delayed"
    )
    hub_error_rate_threshold: float = Field(
        default=0.10, gt=0, lt=1, description="failed share of settled attempts over 1 h"
    )
    hub_throughput_drop_ratio: float = Field(
        default=0.5, gt=0, le=1, description="this hour below previous hour x ratio is a drop"
    )
    hub_queue_backlog_threshold: int = Field(
        default=10,
        ge=1,
        description="more pending jobs than this is a warning; it clears at half of it",
    )
    hub_slack_webhook_url: SecretStr | None = Field(
        default=None, description="Slack incoming-webhook URL; empty disables Slack"
    )
    hub_smtp_host: str = Field(default="", description="SMTP server; empty disables e-mail")
    hub_smtp_port: int = Field(default=25, ge=1, le=65535)
    hub_smtp_from: str = "wsop-hub@localhost"
    hub_smtp_username: str = ""
    hub_smtp_password: SecretStr = SecretStr("")
    hub_smtp_starttls: bool = False
    hub_alert_emails: str = Field(default="", description="comma-separated alert recipients")

    # Nexrender backend (`wsop-hub worker --backend nexrender`). Paths are as the Nexrender
    # worker (After Effects, often Windows) sees them, except NEXRENDER_HUB_OUTPUT_DIR.
    nexrender_url: str = Field(
        default="http://localhost:3000", description="Nexrender server, http(s)://host:port"
    )
    nexrender_secret: SecretStr = Field(
        default=SecretStr(""), description="the server's --secret (nexrender-secret header)"
    )
    nexrender_template_src: str = Field(
        default="", description="the .aep project: file URL, http(s) URL or absolute path"
    )
    nexrender_media_root: str = Field(
        default="", description="folder the media paths (Flag/Korea.png) are relative to"
    )
    nexrender_output_dir: str = Field(
        default="", description="folder the copy action writes <instruction>-a<attempt>.<ext> to"
    )
    nexrender_hub_output_dir: Path | None = Field(
        default=None,
        description="NEXRENDER_OUTPUT_DIR as this machine sees it (a mount of the share); "
        "empty: the hub cannot see the outputs (no size check, no cache hits, no download)",
    )
    nexrender_output_module_alpha: str = Field(
        default="Alpha MOV",
        min_length=1,
        description="After Effects output-module template with alpha, for mov_alpha",
    )

    @field_validator("hub_recording_offsets")
    @classmethod
    def _check_recording_offsets(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            pc_id, sep, seconds = item.partition("=")
            try:
                float(seconds)
            except ValueError:
                sep = ""
            if not sep or not pc_id.strip():
                raise ValueError(f"{item!r} is not PC_ID=seconds")
        return value

    @field_validator(
        "database_url",
        "redis_url",
        "hub_slack_webhook_url",
        "hub_wsop_event",
        "hub_inbox_dir",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        scheme = urlsplit(value).scheme
        if scheme not in {"postgres", "postgresql", "postgresql+asyncpg"}:
            raise ValueError(f"DATABASE_URL must start with postgresql:// (got scheme {scheme!r})")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        scheme = urlsplit(value).scheme
        if scheme not in {"redis", "rediss", "unix"}:
            raise ValueError(f"REDIS_URL must start with redis:// (got scheme {scheme!r})")
        return value

    @property
    def inbox_dir(self) -> Path:
        return self.hub_inbox_dir or self.hub_data_dir / "inbox"

    @property
    def output_dir(self) -> Path:
        return self.hub_output_dir or self.hub_data_dir / "outputs"

    @property
    def quarantine_dir(self) -> Path:
        """Malformed files end up here with a `.error.txt` (outside the inbox)."""
        return self.hub_data_dir / "quarantine"

    @property
    def recording_offsets(self) -> dict[str, float]:
        offsets: dict[str, float] = {}
        for item in filter(None, (part.strip() for part in self.hub_recording_offsets.split(","))):
            pc_id, sep, seconds = item.partition("=")
            if not sep:
                raise ValueError(f"HUB_RECORDING_OFFSETS: {item!r} is not PC_ID=seconds")
            offsets["" if pc_id.strip() == "*" else pc_id.strip()] = float(seconds)
        return offsets

    @property
    def api_keys(self) -> list[str]:
        return [key.strip() for key in self.hub_api_keys.split(",") if key.strip()]

    @property
    def alert_emails(self) -> list[str]:
        return [addr.strip() for addr in self.hub_alert_emails.split(",") if addr.strip()]

    @property
    def is_production(self) -> bool:
        return self.hub_env is HubEnv.PRODUCTION

    def credential_problems(self) -> list[str]:
        """What is wrong with the credentials for a production start (empty list: fine)."""
        problems = []
        if not self.dashboard_username.strip():
            problems.append("DASHBOARD_USERNAME is empty")
        if self.dashboard_password.strip().lower() in DEFAULT_PASSWORDS:
            problems.append("DASHBOARD_PASSWORD is empty or a well-known default")
        elif len(self.dashboard_password) < 12:
            problems.append("DASHBOARD_PASSWORD is shorter than 12 characters")
        if any(len(key) < 16 for key in self.api_keys):
            problems.append("every HUB_API_KEYS entry must be at least 16 characters")
        return problems


def sqlalchemy_url(url: str) -> str:
    """The SQLAlchemy form (asyncpg driver) of a PostgreSQL URL."""
    scheme, _, rest = url.partition("://")
    return f"postgresql+asyncpg://{rest}" if scheme != "postgresql+asyncpg" else url


def asyncpg_url(url: str) -> str:
    """The plain libpq form of a PostgreSQL URL, for asyncpg.connect (LISTEN/NOTIFY)."""
    _, _, rest = url.partition("://")
    return f"postgresql://{rest}"
