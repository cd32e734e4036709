"""Typed settings from the environment and ``.env`` (see ``.env.example``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything a host configures. Guild, channel and user ids are data, never config."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr = SecretStr("")
    database_path: Path = Path("data/closer.sqlite3")
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    photo_max_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    backup_dir: Path | None = None

    @field_validator("dev_guild_id", "backup_dir", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level")
    @classmethod
    def _level_name(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @property
    def data_dir(self) -> Path:
        """Where the database lives; photos and backups live beside it."""
        return self.database_path.parent

    @property
    def photos_dir(self) -> Path:
        return self.data_dir / "photos"

    @property
    def backups_dir(self) -> Path:
        return self.backup_dir or self.data_dir / "backups"
