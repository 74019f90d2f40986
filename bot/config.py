"""Settings: a TOML file (`--config` or REVIEWBOT_CONFIG) overlaid by REVIEWBOT_* environment
variables, nested with `__` (e.g. REVIEWBOT_GITHUB__WEBHOOK_SECRET).  See
config/reviewbot.example.toml for every option."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.paths import DEFAULT_EXCLUDES


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8080
    # GitHub sends payloads up to 25 MB; larger bodies get 413.
    max_body_bytes: int = 25 * 1024 * 1024
    workers: int = 2
    # Processes answering webhooks.  1: one process answers and runs the workers.  2 or more:
    # that many processes share the port (SO_REUSEPORT) and only answer webhooks, while the main
    # process runs the workers, so a burst of deliveries never waits behind a review.
    intake_processes: int = Field(default=1, ge=1, le=64)
    # With intake_processes >= 2 the main process only runs reviews: after starting the siblings it
    # lowers its own CPU priority by this much, so webhook answers win the CPU during a burst.
    worker_nice: int = Field(default=5, ge=0, le=19)


class StoreSettings(BaseModel):
    database_url: str = "sqlite+aiosqlite:///reviewbot.db"


class ScanSettings(BaseModel):
    rules_dir: Path | None = None
    # Rules below this `metadata.confidence` do not run.  LOW rules are audit rules: measured
    # too noisy on real code to comment on every change (docs/rule-quality.md); LOW runs them all.
    min_confidence: Literal["LOW", "MEDIUM", "HIGH"] = "MEDIUM"
    semgrep_bin: str | None = None
    max_file_bytes: int = 1 << 20
    timeout_per_file_s: int = 10
    max_memory_mb: int = 2000
    # Semgrep runs at this niceness, so webhook answers keep the CPU during a busy review.
    nice: int = Field(default=10, ge=0, le=19)
    run_timeout_s: float = 120.0
    # The service deletes cached scan results older than this once a day (0: never).
    cache_max_age_days: float = Field(default=30.0, ge=0)


class ReviewSettings(BaseModel):
    max_comments: int = 25
    filter_mode: Literal["added", "diff_context", "file"] = "added"
    exclude_paths: list[str] = Field(default_factory=lambda: list(DEFAULT_EXCLUDES))
    # Post a summary-only review when nothing was found.
    summary_when_clean: bool = False


class QueueSettings(BaseModel):
    max_attempts: int = 6
    backoff_base_s: float = 2.0
    backoff_max_s: float = 600.0
    poll_interval_s: float = 1.0


class GitHubSettings(BaseModel):
    api_url: str = "https://api.github.com"
    webhook_secret: SecretStr | None = None
    token: SecretStr | None = None
    app_id: int | None = None
    private_key_path: Path | None = None
    review_drafts: bool = False
    review_event: Literal["COMMENT", "REQUEST_CHANGES"] = "COMMENT"
    recheck_commands: list[str] = Field(default_factory=lambda: ["/recheck", "recheck"])
    # Besides the PR author, who may ask for a recheck.
    recheck_associations: list[str] = Field(default_factory=lambda: ["OWNER", "MEMBER", "COLLABORATOR"])
    resolve_fixed_threads: bool = True
    request_timeout_s: float = 30.0
    # PyGithub's built-in throttling; writes stay spaced for GitHub's secondary limits.
    seconds_between_requests: float = 0.0
    seconds_between_writes: float = 1.0

    @property
    def graphql_url(self) -> str:
        base = self.api_url.rstrip("/")
        if base.endswith("/api/v3"):  # GitHub Enterprise Server
            return base[: -len("/v3")] + "/graphql"
        return base + "/graphql"


OPENDEV_RECHECK = r"(?i)^(Patch Set [0-9]+:)?( [\w\\+-]*)*(\n\n)?\s*recheck"


class GerritSettings(BaseModel):
    url: str | None = None  # e.g. https://review.opendev.org
    username: str | None = None
    http_password: SecretStr | None = None
    # Shared secret the webhooks plugin must send (`?token=` or basic auth password).
    webhook_token: SecretStr | None = None
    # stream-events over SSH (gerritlib); needs the Stream Events capability.
    stream_events: bool = False
    ssh_host: str | None = None  # default: the host of `url`
    ssh_port: int = 29418
    ssh_username: str | None = None  # default: `username`
    ssh_keyfile: Path | None = None
    ssh_known_hosts: Path | None = None  # refuse unknown host keys when set
    keepalive_s: int = 30
    reconnect_delay_s: float = 5.0
    notify: Literal["NONE", "OWNER", "OWNER_REVIEWERS", "ALL"] = "OWNER"
    fix_suggestions: bool = False  # needs the server's allow_fix_suggestions_in_comments experiment
    vote_label: str | None = None  # e.g. "Verified" or "Code-Review"; none by default
    vote_value: int = -1
    vote_on: Literal["ERROR", "WARNING", "ANY"] = "ERROR"
    recheck_regex: str = OPENDEV_RECHECK
    ignore_users: list[str] = Field(default_factory=list)  # other bots' usernames
    request_timeout_s: float = 30.0
    not_found_retries: int = 3  # Gerrit is briefly inconsistent right after an event
    not_found_delay_s: float = 2.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEWBOT_", env_nested_delimiter="__", extra="ignore")

    server: ServerSettings = Field(default_factory=ServerSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    scan: ScanSettings = Field(default_factory=ScanSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    queue: QueueSettings = Field(default_factory=QueueSettings)
    github: GitHubSettings = Field(default_factory=GitHubSettings)
    gerrit: GerritSettings = Field(default_factory=GerritSettings)

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.github.app_id is not None and self.github.private_key_path is None:
            raise ValueError("github.app_id needs github.private_key_path")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence: explicit values, then REVIEWBOT_* environment, then the TOML file.
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if settings_cls.model_config.get("toml_file"):
            sources.append(TomlConfigSettingsSource(settings_cls))
        return tuple(sources)


def load_settings(config: str | Path | None = None, **overrides: Any) -> Settings:
    """Settings from `config` (or REVIEWBOT_CONFIG), the environment, then explicit overrides."""
    raw = config if config is not None else os.environ.get("REVIEWBOT_CONFIG")
    if not raw:
        return Settings(**overrides)
    path = Path(raw)
    if not path.is_file():
        raise FileNotFoundError(f"config file not found: {path}")

    class _FromFile(Settings):
        model_config = SettingsConfigDict(**{**Settings.model_config, "toml_file": path})

    return _FromFile(**overrides)
