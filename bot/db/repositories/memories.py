"""The memory book: writing memories with their photos, the "Save as memory" drafts, and the
data export's reads and the import's writes of the book.

:class:`MemoryRepository` writes here and reads through :class:`MemoryReader`
(:mod:`bot.db.repositories.memory_search`: the rows, a page, search, "on this day"); the two
modules are the only place with the memory book's SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot.db.connection import Row, Tx, without
from bot.db.models import StoredFile
from bot.db.repositories.memory_search import Memory, MemoryReader, memory_of, photo_of
from bot.timeutil import from_unix, to_unix

# Limits of what a memory holds (the slash options and modals use the same numbers).
TITLE_LIMIT = 100
DESCRIPTION_LIMIT = 2000
TAG_LIMIT = 30  # characters in one tag
TAGS_LIMIT = 10  # tags on one memory
PHOTOS_LIMIT = 10  # photos on one memory (Discord attaches at most 10 files to a message)

DRAFT_LIFETIME = timedelta(days=7)


# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhotoFile:
    """A photo file Closer keeps, before it belongs to a memory (see bot.photos)."""

    path: str  # relative to the photos directory
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class DraftAttachment:
    url: str
    filename: str
    content_type: str | None
    size: int


@dataclass(frozen=True, slots=True)
class Draft:
    """A message picked with "Save as memory", waiting for its form."""

    id: int
    guild_id: int
    user_id: int
    channel_id: int
    message_id: int
    source_author_id: int
    quote: str
    attachments: tuple[DraftAttachment, ...]
    message_at: datetime
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewMemory:
    """A memory to write in bulk (imports, benchmarks)."""

    author_id: int
    title: str
    happened_on: date
    description: str = ""
    tags: tuple[str, ...] = ()
    quote: str = ""
    photos: Sequence[PhotoFile] = field(default_factory=tuple)


# ---------------------------------------------------------------------------------------------
# Pure helpers
# ---------------------------------------------------------------------------------------------


def normalise_tags(text: str | Iterable[str]) -> tuple[str, ...]:
    """ "Beach, #first trip ,beach" -> ("beach", "first trip"): lowercase, trimmed, no "#",
    inner spaces collapsed, duplicates and empties dropped, order kept.

    Tags are stored comma-separated, so a tag never contains a comma.
    """
    pieces = text.split(",") if isinstance(text, str) else list(text)
    tags: list[str] = []
    for piece in pieces:
        tag = " ".join(piece.replace(",", " ").split()).lstrip("#").strip().casefold()
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def _draft(row: sqlite3.Row) -> Draft:
    attachments = tuple(
        DraftAttachment(a["url"], a["filename"], a.get("content_type"), int(a.get("size") or 0))
        for a in json.loads(row["attachments"])
    )
    return Draft(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        source_author_id=row["source_author_id"],
        quote=row["quote"],
        attachments=attachments,
        message_at=from_unix(row["message_at"]),
        created_at=from_unix(row["created_at"]),
    )


_INSERT_MEMORY = (
    "INSERT INTO memories (guild_id, author_id, title, happened_on, description, tags, quote, "
    "source_channel_id, source_message_id, source_author_id, created_at, updated_at, updated_by) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_PHOTO = (
    "INSERT INTO memory_photos (memory_id, position, path, filename, content_type, size, sha256) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


async def _insert(
    tx: Tx, guild_id: int, item: NewMemory, stamp: int, source: tuple[int, int, int] | None = None
) -> int:
    """Write one memory and its photos' rows; returns its id."""
    channel_id, message_id, source_author = source if source else (None, None, None)
    cursor = await tx.execute(
        _INSERT_MEMORY,
        (
            guild_id,
            item.author_id,
            item.title,
            item.happened_on.isoformat(),
            item.description,
            ",".join(item.tags),
            item.quote,
            channel_id,
            message_id,
            source_author,
            stamp,
            stamp,
            item.author_id,
        ),
    )
    memory_id = cursor.lastrowid
    assert memory_id is not None
    if item.photos:
        await tx.executemany(
            _INSERT_PHOTO,
            [
                (memory_id, position, p.path, p.filename, p.content_type, p.size, p.sha256)
                for position, p in enumerate(item.photos)
            ],
        )
    return memory_id


# ---------------------------------------------------------------------------------------------
# The repository
# ---------------------------------------------------------------------------------------------


class MemoryRepository(MemoryReader):
    """The memory book's rows: written here, read through :class:`MemoryReader`."""

    # -- writing -----------------------------------------------------------------------------------

    async def add(
        self,
        *,
        guild_id: int,
        author_id: int,
        title: str,
        happened_on: date,
        description: str = "",
        tags: Sequence[str] = (),
        quote: str = "",
        source: tuple[int, int, int] | None = None,  # (channel_id, message_id, author_id)
        photos: Sequence[PhotoFile] = (),
        draft_id: int | None = None,
        now: datetime,
    ) -> Memory:
        """Write a memory and its photos (files already stored) in one transaction; the
        "Save as memory" draft it came from (if any) is removed with it."""
        item = NewMemory(author_id, title, happened_on, description, tuple(tags), quote, photos)
        async with self.db.transaction() as tx:
            memory_id = await _insert(tx, guild_id, item, to_unix(now), source)
            if draft_id is not None:
                await tx.execute("DELETE FROM memory_drafts WHERE id = ?", (draft_id,))
        memory = await self.get(memory_id, guild_id)
        assert memory is not None
        return memory

    async def add_many(self, guild_id: int, memories: Iterable[NewMemory], now: datetime) -> int:
        """Write many memories in one transaction (imports); returns how many."""
        stamp = to_unix(now)
        count = 0
        async with self.db.transaction() as tx:
            for item in memories:
                await _insert(tx, guild_id, item, stamp)
                count += 1
        return count

    async def update(
        self,
        memory_id: int,
        guild_id: int,
        *,
        title: str,
        happened_on: date,
        description: str,
        tags: Sequence[str],
        by: int,
        now: datetime,
    ) -> Memory | None:
        """Change a memory's text; None when it no longer exists."""
        changed = await self.db.execute_count(
            "UPDATE memories SET title = ?, happened_on = ?, description = ?, tags = ?, "
            "updated_at = ?, updated_by = ? WHERE id = ? AND guild_id = ?",
            (
                title,
                happened_on.isoformat(),
                description,
                ",".join(tags),
                to_unix(now),
                by,
                memory_id,
                guild_id,
            ),
        )
        return await self.get(memory_id, guild_id) if changed else None

    async def delete(self, memory_id: int, guild_id: int) -> Memory | None:
        """Delete a memory and its photo rows; returns what was deleted (to remove the files)."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT * FROM memories WHERE id = ? AND guild_id = ?", (memory_id, guild_id)
            )
            if row is None:
                return None
            photos = await tx.fetchall(
                "SELECT * FROM memory_photos WHERE memory_id = ? ORDER BY position", (memory_id,)
            )
            await tx.execute("DELETE FROM memories WHERE id = ?", (memory_id,))
        return memory_of(row, [photo_of(p) for p in photos])

    # -- drafts of "Save as memory" ------------------------------------------------------------

    async def add_draft(
        self,
        *,
        guild_id: int,
        user_id: int,
        channel_id: int,
        message_id: int,
        source_author_id: int,
        quote: str,
        attachments: Sequence[DraftAttachment],
        message_at: datetime,
        now: datetime,
    ) -> int:
        payload: list[dict[str, Any]] = [
            {"url": a.url, "filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in attachments
        ]
        async with self.db.transaction() as tx:
            await tx.execute(
                "DELETE FROM memory_drafts WHERE created_at < ?", (to_unix(now - DRAFT_LIFETIME),)
            )
            cursor = await tx.execute(
                "INSERT INTO memory_drafts (guild_id, user_id, channel_id, message_id, source_author_id, "
                "quote, attachments, message_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    user_id,
                    channel_id,
                    message_id,
                    source_author_id,
                    quote,
                    json.dumps(payload),
                    to_unix(message_at),
                    to_unix(now),
                ),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    async def draft(self, draft_id: int) -> Draft | None:
        row = await self.db.fetchone("SELECT * FROM memory_drafts WHERE id = ?", (draft_id,))
        return _draft(row) if row else None

    async def delete_draft(self, draft_id: int) -> None:
        await self.db.execute("DELETE FROM memory_drafts WHERE id = ?", (draft_id,))

    # -- the export and the import -------------------------------------------------------------

    async def export_rows(self, guild_id: int) -> tuple[tuple[Row, ...], tuple[Row, ...]]:
        """Every memory of the book (by date) and every photo row (by memory and position)."""
        memories = await self.db.fetchrows(
            "SELECT * FROM memories WHERE guild_id = ? ORDER BY happened_on, id", (guild_id,)
        )
        photos = await self.db.fetchrows(
            "SELECT p.* FROM memory_photos p JOIN memories m ON m.id = p.memory_id "
            "WHERE m.guild_id = ? ORDER BY p.memory_id, p.position",
            (guild_id,),
        )
        return memories, photos

    async def restore_rows(self, tx: Tx, guild_id: int, rows: Iterable[Row], paths: Mapping[str, str]) -> int:
        """Write an import's memories, each with its photo rows (``photos``; each photo's
        ``file`` in the export is kept at ``paths[file]``); returns how many photo rows."""
        photos = 0
        for row in rows:
            memory_id = await tx.insert("memories", {**without(row, "photos"), "guild_id": guild_id})
            for photo in row["photos"]:
                values = {**without(photo, "file"), "memory_id": memory_id, "path": paths[photo["file"]]}
                await tx.insert("memory_photos", values)
                photos += 1
        return photos

    async def stored_files(self, guild_id: int) -> list[StoredFile]:
        """Every photo row of a server (the caller checks which files are missing on disk)."""
        rows = await self.db.fetchall(
            "SELECT p.id, p.path, p.sha256, p.content_type, p.filename FROM memory_photos p "
            "JOIN memories m ON m.id = p.memory_id WHERE m.guild_id = ? ORDER BY p.id",
            (guild_id,),
        )
        return [StoredFile(r["id"], r["path"], r["sha256"], r["content_type"], r["filename"]) for r in rows]

    async def set_photo_path(self, photo_id: int, path: str) -> None:
        await self.db.execute("UPDATE memory_photos SET path = ? WHERE id = ?", (path, photo_id))
