"""The memory book's part of the export (``memories``): every memory with its text, tags, the
saved message it came from, and its photos, each a file in the zip (``photos/0007-1-beach-day.jpg``)
with its size and SHA-256; and the book's first chapter. An import keeps the photos it brings
(checked against their SHA-256); a split export's later parts fill the others."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from bot.archive import (
    MAX_PHOTO_BYTES,
    PHOTO_FILE_PATTERN,
    ArchivePart,
    Book,
    Chapter,
    Counts,
    Day,
    Exported,
    ExportRefused,
    ExportRequest,
    FileRef,
    FileSource,
    Importing,
    Instant,
    Model,
    Name,
    Rows,
    Section,
    Snowflake,
    StoredFile,
    Text,
    entries,
    inline,
    long_date,
    quoted,
)
from bot.archive.values import csv_list, day, instant, sid, unix
from bot.db.connection import Row, Tx
from bot.db.repositories.memories import MemoryRepository
from bot.photos import EXTENSIONS


class PhotoDoc(Model):
    file: Annotated[str, StringConstraints(pattern=PHOTO_FILE_PATTERN)] = Field(
        description="the photo's file in the export's zip"
    )
    filename: Name = Field(description="the name it was uploaded with")
    content_type: Annotated[str, StringConstraints(pattern=r"^image/[a-z0-9.+-]{1,40}$")]
    size: int = Field(ge=0, le=MAX_PHOTO_BYTES)
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class SourceDoc(Model):
    channel_id: Snowflake
    message_id: Snowflake
    author_id: Snowflake | None = Field(description="who wrote the message")


class MemoryDoc(Model):
    author_id: Snowflake
    title: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    happened_on: Day
    description: Text
    tags: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[^,]+$")]],
        Field(max_length=20),
    ]
    quote: Text = Field(description="'Save as memory': the saved message's text")
    source: SourceDoc | None = Field(description="'Save as memory': the message it was saved from")
    created_at: Instant
    updated_at: Instant
    updated_by: Snowflake
    photos: Annotated[list[PhotoDoc], Field(max_length=10)]


def slug(text: str, limit: int = 40) -> str:
    """ "Beach day in Nice!" -> "beach-day-in-nice" (ASCII letters and digits only)."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned[:limit].rstrip("-") or "memory"


def photo_file(index: int, position: int, title: str, content_type: str) -> str:
    """The zip name of a memory's photo: ``photos/0007-1-beach-day.jpg``."""
    extension = EXTENSIONS.get(content_type, "img")
    return f"photos/{index:04d}-{position + 1}-{slug(title)}.{extension}"


def memories_doc(memories: Sequence[Row], photo_rows: Sequence[Row]) -> Exported:
    """The memories as the document holds them, and the photo files to put in the zip."""
    photos_by_memory: dict[int, list[Row]] = {}
    for photo in photo_rows:
        photos_by_memory.setdefault(photo["memory_id"], []).append(photo)
    sources: list[FileSource] = []
    value = []
    for index, m in enumerate(memories, start=1):
        photos = []
        for p in photos_by_memory.get(m["id"], []):
            name = photo_file(index, p["position"], m["title"], p["content_type"])
            sources.append(FileSource(name, p["path"], p["size"]))
            photos.append(
                {
                    "file": name,
                    "filename": p["filename"],
                    "content_type": p["content_type"],
                    "size": p["size"],
                    "sha256": p["sha256"],
                }
            )
        source = None
        if m["source_channel_id"] is not None and m["source_message_id"] is not None:
            source = {
                "channel_id": sid(m["source_channel_id"]),
                "message_id": sid(m["source_message_id"]),
                "author_id": sid(m["source_author_id"]),
            }
        value.append(
            {
                "author_id": sid(m["author_id"]),
                "title": m["title"],
                "happened_on": m["happened_on"],
                "description": m["description"],
                "tags": csv_list(m["tags"]),
                "quote": m["quote"],
                "source": source,
                "created_at": instant(m["created_at"]),
                "updated_at": instant(m["updated_at"]),
                "updated_by": sid(m["updated_by"]),
                "photos": photos,
            }
        )
    return Exported(value, tuple(sources))


def plan(memories: list[MemoryDoc], importing: Importing) -> Rows:
    uid = importing.uid
    planned = []
    files: set[str] = set()
    for m in memories:
        photos = []
        for position, p in enumerate(m.photos):
            if p.file in files:
                raise ExportRefused(f"Two photos in that export share the file `{p.file}`.")
            files.add(p.file)
            photos.append(
                {
                    "file": p.file,
                    "position": position,
                    "filename": p.filename,
                    "content_type": p.content_type,
                    "size": p.size,
                    "sha256": p.sha256,
                }
            )
        planned.append(
            {
                "author_id": uid(m.author_id),
                "title": m.title,
                "happened_on": day(m.happened_on),
                "description": m.description,
                "tags": ",".join(m.tags),
                "quote": m.quote,
                "source_channel_id": int(m.source.channel_id) if m.source else None,
                "source_message_id": int(m.source.message_id) if m.source else None,
                "source_author_id": int(m.source.author_id) if m.source and m.source.author_id else None,
                "created_at": unix(m.created_at),
                "updated_at": unix(m.updated_at),
                "updated_by": uid(m.updated_by),
                "photos": tuple(photos),
            }
        )
    return {"memories": tuple(planned)}


def files(memories: list[MemoryDoc]) -> list[FileRef]:
    return [FileRef(p.file, p.filename, p.content_type, p.sha256) for m in memories for p in m.photos]


def chapter(memories: list[MemoryDoc], book: Book) -> list[str]:
    lines = ["## Memories", ""]
    if not memories:
        lines += ["No memories yet.", ""]
    for memory in sorted(memories, key=lambda m: m.happened_on):
        lines += [f"### {inline(memory.title)} · {long_date(memory.happened_on)}", ""]
        meta = f"*Written by {book.who(memory.author_id)}"
        if memory.tags:
            meta += " · " + ", ".join(inline(t) for t in memory.tags)
        lines += [meta + "*", ""]
        if memory.description:
            lines += [memory.description, ""]
        if memory.quote:
            lines += [quoted(memory.quote), ""]
        for photo in memory.photos:
            lines += [f"![{inline(photo.filename)}]({photo.file})", ""]
    return lines


SECTION = Section(
    key="memories",
    position=60,
    schema=entries(MemoryDoc),
    plan=plan,
    chapter=Chapter(10, chapter),
    files=files,
)


class MemoriesArchive(ArchivePart[MemoryRepository]):
    section = SECTION

    async def export(self, request: ExportRequest) -> Exported:
        return memories_doc(*await self.repo.export_rows(request.couple_key))

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        memories: Sequence[Any] = rows["memories"]
        photos = await self.repo.restore_rows(tx, guild_id, memories, paths)
        return [("memories", len(memories)), ("photos", photos)]

    async def stored_files(self, guild_id: int) -> Sequence[StoredFile]:
        return await self.repo.stored_files(guild_id)

    async def file_stored(self, file: StoredFile, path: str) -> None:
        await self.repo.set_photo_path(file.id, path)
