"""Typed settings from the environment and ``.env`` (see ``.env.example``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationInfo, field_validator
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
    # Gateway shards. Unset: the number Discord recommends, all in this process. A host who
    # splits the shards over processes sets the total in each, and which ones each runs.
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: str = ""  # "0,1": the shards this process runs (needs SHARD_COUNT); see :attr:`shards`

    @field_validator("dev_guild_id", "backup_dir", "shard_count", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("shard_ids")
    @classmethod
    def _shard_list(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip():
            return ""
        try:
            ids = [int(part) for part in value.replace(" ", "").split(",")]
        except ValueError:
            raise ValueError("SHARD_IDS is a list of shard numbers separated by commas, like 0,1") from None
        count = info.data.get("shard_count")
        if count is None:
            raise ValueError(
                "SHARD_IDS needs SHARD_COUNT, the number of shards of all your processes together "
                "(for example SHARD_COUNT=4 and SHARD_IDS=0,1 here, SHARD_IDS=2,3 in the other process)"
            )
        wrong = [i for i in ids if not 0 <= i < count]
        if wrong:
            raise ValueError(
                f"SHARD_IDS {wrong[0]} is not a shard of SHARD_COUNT={count}: use 0 to {count - 1}"
            )
        if len(set(ids)) != len(ids):
            raise ValueError("SHARD_IDS names a shard twice")
        return ",".join(str(i) for i in ids)

    @property
    def shards(self) -> list[int] | None:
        """The shards this process runs (None: all of them)."""
        return [int(i) for i in self.shard_ids.split(",")] if self.shard_ids else None

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
