"""The database: one long-lived aiosqlite connection, numbered migrations, repositories."""

from bot.db.connection import Database, Tx
from bot.db.migrate import migrate

__all__ = ["Database", "Tx", "migrate"]
