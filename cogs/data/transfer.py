"""Moving a space: ``/data export`` and ``/data import``, without Discord in the way.

The document is every loaded feature's part (:class:`~bot.archive.SpaceArchive` over the
registry's parts); this flow packs it into zip parts, and on import stores the photos the upload
holds, writes the space in one transaction, and tells the features (``Hook.SPACE_RESTORED``)
so each re-arms its own schedules.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.archive import (
    BOOK_NAME,
    JSON_NAME,
    Entry,
    FileRef,
    FileSource,
    ImportPlan,
    Packed,
    Part,
    SpaceArchive,
    Unpacked,
    pack,
    unpack,
)
from bot.clock import Clock
from bot.db.models import Couple
from bot.db.repositories.couples import CoupleRepository, SpaceTaken
from bot.db.repositories.data import DataRepository
from bot.errors import UserError
from bot.photos import EXTENSIONS, PhotoRefused, PhotoStore
from bot.registry import Hook, Registry
from cogs.data.embeds import left_out_note, missing_note

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Export:
    """An export's zip parts (of the space, and of spaces kept for the requester) and what to
    say about photos that could not go in."""

    parts: tuple[Part, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Restored:
    """An import: the couple it made, what each part wrote, and its photos still to come."""

    couple: Couple
    counts: tuple[tuple[str, int], ...]
    waiting: int  # photos a later part of the export brings
    refused: int  # photos in the upload that didn't match their SHA-256 (or were no image)


@dataclass(frozen=True)
class FilesAdded:
    added: int
    left: int


class Transfer:
    """Exports and imports of whole spaces (no interaction handling)."""

    def __init__(
        self,
        space: SpaceArchive,
        repo: DataRepository,
        couples: CoupleRepository,
        photos: PhotoStore,
        registry: Registry,
        clock: Clock,
    ) -> None:
        self.space = space
        self.repo = repo
        self.couples = couples
        self.photos = photos
        self.registry = registry
        self.clock = clock

    # -- /data export ------------------------------------------------------------------------------

    async def export(self, couple: Couple | None, guild_id: int, user_id: int, limit: int) -> Export:
        """The zip parts of what ``user_id`` may see here: the couple's space, and the entries
        kept for them after a partner unpaired; each part under ``limit`` bytes."""
        now = self.clock.now()
        spaces: list[tuple[int, str]] = []  # (couple key, file stem)
        if couple is not None:
            spaces.append((couple.guild_id, f"closer-export-{now:%Y-%m-%d}"))
        for kept in await self.repo.kept_for(guild_id, user_id):
            spaces.append((kept.couple_id, f"closer-export-kept-{kept.kept_at:%Y-%m-%d}"))
        parts: list[Part] = []
        notes: list[str] = []
        for key, stem in spaces:
            gathered = await self.space.gather(key, user_id, server_id=guild_id, now=now)
            if gathered is None:
                continue
            packed, missing = await asyncio.to_thread(
                self._pack, gathered.data, gathered.files, limit, stem, now
            )
            parts += packed.parts
            if packed.left_out:
                notes.append(left_out_note(len(packed.left_out), limit))
            if missing:
                notes.append(missing_note(missing))
        return Export(tuple(parts), tuple(notes))

    def _pack(
        self, data: Mapping[str, object], sources: Sequence[FileSource], limit: int, stem: str, now: datetime
    ) -> tuple[Packed, int]:
        """The export's zip parts (blocking: the document is validated and files are read; run in
        a thread); and how many photo files were missing on disk."""
        archive = self.space.format()
        document = archive.validate(data)
        first = [
            Entry(JSON_NAME, archive.to_json(document), compress=True),
            Entry(BOOK_NAME, archive.book(document).encode("utf-8"), compress=True),
        ]
        rest = []
        missing = 0
        for source in sources:
            path = self.photos.path(source.path)
            try:
                content = path.read_bytes() if path is not None else None
            except OSError:
                content = None
            if content is None:
                missing += 1
                continue
            rest.append(Entry(source.file, content))
        return pack(first, rest, limit, stem, now), missing

    # -- /data import ------------------------------------------------------------------------------

    async def read(self, data: bytes, name: str) -> Unpacked:
        """An upload, checked (an export, a part of one, or refused saying why)."""
        return await asyncio.to_thread(unpack, data, name, self.space.format().parse)

    def plan(self, document: object, channel_id: int) -> ImportPlan:
        return self.space.format().plan(document, channel_id=channel_id)

    async def restore(
        self, guild_id: int, document: object, plan: ImportPlan, files: Mapping[str, bytes]
    ) -> Restored:
        """Write the space into ``guild_id`` (it has no couple) with the photos the upload holds,
        then every feature re-arms its schedules (``Hook.SPACE_RESTORED``) and re-plans for the
        couple's zones (``Hook.ZONES_CHANGED``). When the server got a couple meanwhile, or the
        database refuses a row, nothing is left behind."""
        named = self.space.format().files(document)
        paths, saved, refused = await self._store_files(guild_id, named, files)
        try:
            counts = await self.space.restore(guild_id, plan, paths, self.clock.now())
        except BaseException as error:
            await self.photos.delete(saved)
            if isinstance(error, SpaceTaken):
                raise UserError("This server got a couple meanwhile; nothing was imported.") from None
            if isinstance(error, sqlite3.IntegrityError):
                raise UserError(
                    f"That export holds something Closer can't store ({str(error)[:100]}); nothing was imported."
                ) from None
            raise
        couple = await self.couples.get(guild_id)
        assert couple is not None
        await self.registry.emit(Hook.SPACE_RESTORED, couple)
        await self.registry.emit(Hook.ZONES_CHANGED, couple)
        return Restored(couple, tuple(counts), len(named) - len(saved) - refused, refused)

    async def _store_files(
        self, guild_id: int, named: Sequence[FileRef], files: Mapping[str, bytes]
    ) -> tuple[dict[str, str], list[str], int]:
        """Keep the photos the upload holds (checked against their sha256); a path is reserved for
        the others, which a later part fills. Returns (file -> path, saved paths, how many files
        were refused: not matching their sha256, or not an image)."""
        paths: dict[str, str] = {}
        saved: list[str] = []
        refused = 0
        try:
            for ref in named:
                content = files.get(ref.file)
                if content is not None and hashlib.sha256(content).hexdigest() == ref.sha256:
                    try:
                        kept = await self.photos.save_bytes(content, guild_id, ref.filename, ref.content_type)
                    except PhotoRefused:
                        refused += 1
                    else:
                        paths[ref.file] = kept.path
                        saved.append(kept.path)
                        continue
                elif content is not None:
                    refused += 1
                extension = EXTENSIONS.get(ref.content_type, "img")
                paths[ref.file] = f"{int(guild_id)}/missing-{secrets.token_hex(16)}.{extension}"
        except BaseException:
            await self.photos.delete(saved)
            raise
        return paths, saved, refused

    async def add_files(self, couple: Couple, unpacked: Unpacked) -> FilesAdded:
        """A later part of an export: its photos fill the file rows waiting for them."""
        parts = self.space.parts()
        waiting: dict[str, list[tuple[int, int]]] = {}  # sha256 -> (part, file row)
        stored = [await part.stored_files(couple.guild_id) for part in parts]
        for index, rows in enumerate(stored):
            for n, row in enumerate(rows):
                if self.photos.path(row.path) is None:
                    waiting.setdefault(row.sha256, []).append((index, n))
        added = 0
        for name, content in unpacked.photos.items():
            for index, n in waiting.pop(hashlib.sha256(content).hexdigest(), []):
                row = stored[index][n]
                try:
                    kept = await self.photos.save_bytes(
                        content, couple.guild_id, row.filename, row.content_type
                    )
                except PhotoRefused:
                    log.info("Photo %s of an import part refused", name)
                    continue
                await parts[index].file_stored(row, kept.path)
                added += 1
        left = sum(len(v) for v in waiting.values())
        if added == 0 and unpacked.document is not None:
            raise UserError(
                "This server already has your couple; import restores a space into a server with no couple "
                "yet. To add the photos of a split export, attach each of its other parts."
            )
        return FilesAdded(added, left)
