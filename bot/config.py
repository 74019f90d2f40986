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


class StoreSettings(BaseModel):
    database_url: str = "sqlite+aiosqlite:///reviewbot.db"


class ScanSettings(BaseModel):
    rules_dir: Path | None = None
    semgrep_bin: str | None = None
    max_file_bytes: int = 1 << 20
    timeout_per_file_s: int = 10
    max_memory_mb: int = 2000
    run_timeout_s: float = 120.0


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


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEWBOT_", env_nested_delimiter="__", extra="ignore")

    server: ServerSettings = Field(default_factory=ServerSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    scan: ScanSettings = Field(default_factory=ScanSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    queue: QueueSettings = Field(default_factory=QueueSettings)
    github: GitHubSettings = Field(default_factory=GitHubSettings)

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
