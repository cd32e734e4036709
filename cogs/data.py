"""/data: you own your data. Export it, import it elsewhere, delete it.

- ``/data export``: a zip by DM (ephemeral files here when DMs are closed) holding
  ``closer-export.json`` (everything the requester may see; the format is documented in
  docs/export-format.md) and ``memory-book.md`` with the photos; split into parts under the
  interaction's upload limit when it is larger.
- ``/data import file``: restore an export into a server with no couple yet (or add the photos
  of a later part to the space it restored).
- ``/data delete scope``: ``mine`` (your entries, then unpair: the rest is kept 30 days for your
  partner) or ``space`` (everything of this server), each after a confirmation only the
  requester can press.
- Closer removed from a server: its data is kept 30 days (a re-invite restores it), then the
  daily host-wide ``data_purge`` deletes it. ``data_backup`` backs up the database and the
  photos every day (bot/backup.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot import export
from bot.backup import BackupFailed, create_backup
from bot.checks import IN_DM, bot_of, couple_for
from bot.client import CloserBot
from bot.db.models import Couple, parse_hhmm
from bot.db.repositories.calls import CallRepository
from bot.db.repositories.data import (
    DataRepository,
    ImportPlan,
    Kept,
    Removal,
    Restored,
    SpaceTaken,
    StoredPhoto,
    Tally,
)
from bot.errors import NotAllowed, UserError
from bot.feature import Feature
from bot.photos import EXTENSIONS as PHOTO_EXTENSIONS
from bot.photos import PhotoRefused, PhotoStore, format_size, safe_filename
from bot.registry import Contribution, Hook
from bot.scheduler import DeliveryFailed, Kind, Occurrence, Sent
from bot.timeutil import discord_timestamp
from bot.ui.confirm import confirm_view
from bot.ui.embeds import clip

log = logging.getLogger(__name__)

T = TypeVar("T")

KIND_PURGE = "data_purge"
# One-off schedules (reminders, notes) and their ledger rows are kept this long after they ran.
FINISHED_KEPT = timedelta(days=90)
KIND_BACKUP = "data_backup"
BACKUP_AT = time(3, 0)  # UTC, every day
PURGE_AT = time(4, 0)  # UTC, every day
RETENTION = timedelta(days=30)
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
CONTENT_LIMIT = 2000  # Discord's limit for a message's text

# How each count reads: (one, many).
NOUNS: dict[str, tuple[str, str]] = {
    "question_days": ("question day", "question days"),
    "answers": ("answer", "answers"),
    "own_questions": ("question you added", "questions you added"),
    "checkins": ("check-in", "check-ins"),
    "appreciations": ("note of appreciation", "notes of appreciation"),
    "wins": ("win", "wins"),
    "goodnights": ("goodnight note", "goodnight notes"),
    "ritual_answers": ("session or gratitude answer", "session or gratitude answers"),
    "call_replies": ("reply to a call", "replies to calls"),
    "memories": ("memory", "memories"),
    "photos": ("photo file", "photo files"),
    "rituals": ("ritual", "rituals"),
    "ritual_runs": ("ritual session", "ritual sessions"),
    "calls": ("call", "calls"),
    "visits": ("visit", "visits"),
    "dates": ("special date", "special dates"),
    "schedules": ("scheduled post", "scheduled posts"),
    "kept_spaces": ("space kept for you", "spaces kept for you"),
    "couples": ("space", "spaces"),
}
SPACE_NOUNS = {**NOUNS, "own_questions": ("question of your own", "questions of your own")}


def amount(count: int, key: str, nouns: dict[str, tuple[str, str]] = NOUNS) -> str:
    one, many = nouns.get(key, (key, key))
    return f"{count:,} {one if count == 1 else many}"


def listing(tally: Tally | Iterable[tuple[str, int]], nouns: dict[str, tuple[str, str]] = NOUNS) -> str:
    """ "12 answers, 3 memories and 4 photo files" (zero counts left out), or "nothing"."""
    items = tally.items if isinstance(tally, Tally) else tuple(tally)
    parts = [amount(n, key, nouns) for key, n in items if n]
    if not parts:
        return "nothing"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def partner_or_kept() -> Callable[[T], T]:
    """A partner of this server's couple, or someone whose entries are kept here after their
    partner unpaired (they may still export or delete those). ``extras["couple"]`` is the couple
    (None for the second case)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        try:
            interaction.extras["couple"] = await couple_for(interaction)
        except NotAllowed:
            guild_id = interaction.guild_id
            if guild_id is None:
                raise
            kept = await DataRepository(bot_of(interaction).db).kept_for(guild_id, interaction.user.id)
            if not kept:
                raise
            interaction.extras["couple"] = None
        return True

    return app_commands.check(predicate)


def upload_limit(interaction: discord.Interaction) -> int:
    return int(getattr(interaction, "filesize_limit", 0) or DEFAULT_UPLOAD_LIMIT)


def _sweep(folder: Path, keep: set[str], root: Path) -> int:
    """Delete the files under a server's photo folder that no memory refers to; returns how many."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path.relative_to(root).as_posix() not in keep:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
        elif path.is_dir():
            with contextlib.suppress(OSError):
                path.rmdir()
    with contextlib.suppress(OSError):
        folder.rmdir()
    return removed


class DataCog(
    Feature, commands.GroupCog, group_name="data", group_description="Your data: export, import or delete it"
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.repo = DataRepository(bot.db)
        self.photos = PhotoStore(bot.settings.photos_dir, bot.settings.photo_max_bytes)
        self._exporting: set[int] = set()
        self._importing: set[int] = set()

    def contribution(self) -> Contribution:
        return Contribution(
            kinds=(Kind(KIND_PURGE, self.deliver_purge), Kind(KIND_BACKUP, self.deliver_backup)),
            confirmations={"data_delete": self.confirm_delete},
        )

    async def loaded(self) -> None:
        # Host-wide daily jobs, created once (one lookup each at start).
        for kind, at, label in (
            (KIND_BACKUP, BACKUP_AT, "Daily backup"),
            (KIND_PURGE, PURGE_AT, "Purge of data kept 30 days"),
        ):
            if await self.bot.schedules.find(kind, None) is None:
                await self.bot.scheduler.recurring(kind, guild_id=None, at=at, zone="UTC", label=label)

    # =========================================================================================
    # /data export
    # =========================================================================================

    @app_commands.command(name="export")
    @partner_or_kept()
    async def export_(self, interaction: discord.Interaction) -> None:
        """Everything you can see in Closer as a zip (JSON, a memory book and your photos) by DM."""
        user = interaction.user
        if user.id in self._exporting:
            raise UserError("Your export is being made already; it arrives in a moment.")
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        self._exporting.add(user.id)
        try:
            await self._export(interaction, interaction.extras.get("couple"), interaction.guild_id)
        finally:
            self._exporting.discard(user.id)

    async def _export(self, interaction: discord.Interaction, couple: Couple | None, guild_id: int) -> None:
        user = interaction.user
        now = self.bot.clock.now()
        limit = upload_limit(interaction)
        spaces: list[tuple[int, str]] = []  # (couple key, file stem)
        if couple is not None:
            spaces.append((couple.guild_id, f"closer-export-{now:%Y-%m-%d}"))
        for kept in await self.repo.kept_for(guild_id, user.id):
            spaces.append((kept.couple_id, f"closer-export-kept-{kept.kept_at:%Y-%m-%d}"))
        parts: list[export.Part] = []
        notes: list[str] = []
        for key, stem in spaces:
            snapshot = await self.repo.snapshot(key, user.id, server_id=guild_id)
            if snapshot is None:
                continue
            document, sources = await asyncio.to_thread(export.build, snapshot, now)
            packed, missing = await asyncio.to_thread(self._pack, document, sources, limit, stem, now)
            parts += packed.parts
            if packed.left_out:
                notes.append(
                    f"{amount(len(packed.left_out), 'photos')} larger than Discord lets me send here "
                    f"({format_size(limit)}) {'is' if len(packed.left_out) == 1 else 'are'} not in it "
                    "(the JSON still lists them; Closer keeps them)."
                )
            if missing:
                notes.append(f"{amount(missing, 'photos')} missing on Closer's disk could not be included.")
        if not parts:
            raise UserError("There's nothing of yours to export here.")
        sent_by_dm = await self._send_by_dm(user, parts, guild_id)
        if len(parts) <= 3:
            names = ", ".join(f"`{p.filename}` ({format_size(len(p.data))})" for p in parts)
        else:
            total = format_size(sum(len(p.data) for p in parts))
            names = f"`{parts[0].filename}` … `{parts[-1].filename}` ({len(parts)} files, {total} in all)"
        lines = [
            (
                "📦 Sent to your DMs: "
                if sent_by_dm
                else "📦 Your DMs are closed, so here it is (only you see this): "
            )
            + names
            + "."
        ]
        lines.append(
            "Inside: `closer-export.json` (everything you can see in Closer: the format is documented with "
            "Closer, version 1) and `memory-book.md`, your memory book with its photos."
        )
        if len(parts) > 1:
            lines.append(
                f"It's larger than Discord lets me send at once ({format_size(limit)} here), so it's split into "
                f"{len(parts)} parts, each under that: unzip them into one folder and the memory book's photos "
                "show. To bring it to another server, run `/data import` with part 1, then with each other part."
            )
        lines += notes
        await interaction.edit_original_response(content=clip("\n".join(lines), CONTENT_LIMIT))
        if not sent_by_dm:
            for part in parts:
                await interaction.followup.send(
                    file=discord.File(io.BytesIO(part.data), filename=part.filename), ephemeral=True
                )

    def _pack(
        self,
        document: export.ExportDocument,
        sources: Sequence[export.PhotoSource],
        limit: int,
        stem: str,
        now: datetime,
    ) -> tuple[export.Packed, int]:
        """The export's zip parts (blocking: files are read; run in a thread); and how many photo
        files were missing on disk."""
        first = [
            export.Entry(export.JSON_NAME, export.to_json(document), compress=True),
            export.Entry(export.BOOK_NAME, export.memory_book(document).encode("utf-8"), compress=True),
        ]
        rest = []
        missing = 0
        for source in sources:
            path = self.photos.path(source.path)
            try:
                data = path.read_bytes() if path is not None else None
            except OSError:
                data = None
            if data is None:
                missing += 1
                continue
            rest.append(export.Entry(source.file, data))
        return export.pack(first, rest, limit, stem, now), missing

    async def _send_by_dm(self, user: discord.abc.User, parts: Sequence[export.Part], guild_id: int) -> bool:
        """DM every part (one message each); False when DMs are closed (nothing half-sent matters:
        the fallback sends them all again, ephemerally)."""
        guild = self.bot.get_guild(guild_id)
        where = f" from **{guild.name}**" if guild else ""
        try:
            dm = await user.create_dm()
            for number, part in enumerate(parts, start=1):
                label = f" (part {number} of {len(parts)})" if len(parts) > 1 else ""
                await dm.send(
                    content=f"📦 Your Closer export{where}{label}.",
                    file=discord.File(io.BytesIO(part.data), filename=part.filename),
                )
        except discord.Forbidden:
            return False
        return True

    # =========================================================================================
    # /data import
    # =========================================================================================

    @app_commands.command(name="import")
    @app_commands.describe(
        file="The .zip (or closer-export.json) that /data export sent you; for a split export, part 1 first",
        channel="The channel Closer posts in for the two of you (default: this one)",
    )
    async def import_(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Restore your space from an export, in a server with no couple yet."""
        guild = interaction.guild
        if guild is None or interaction.guild_id is None:
            raise NotAllowed(IN_DM)
        existing = await self.bot.couples.get(guild.id, include_removed=True)
        adding = existing is not None and existing.is_partner(interaction.user.id)
        if existing is not None and not adding:
            if existing.partner(interaction.user.id) is not None:
                raise UserError(
                    "This server has a pending invitation; import works in a server with no couple yet."
                )
            raise UserError(
                "This server already has its couple; import restores a space into a server with no couple "
                "yet. Use a server of your own."
            )
        name = safe_filename(file.filename, "export")
        if not name.lower().endswith((".zip", ".json")):
            raise UserError(
                f"`{name}` isn't an export: attach the `.zip` (or `closer-export.json`) that `/data export` sent you."
            )
        if file.size > export.MAX_UPLOAD_BYTES:
            raise UserError(
                f"`{name}` is {format_size(file.size)}; that's too large to be an export of Closer's."
            )
        if guild.id in self._importing:
            raise UserError("An import is running in this server already; wait for it to finish.")
        target = channel
        if target is None and not adding:
            if not isinstance(interaction.channel, discord.TextChannel):
                raise UserError("Choose the channel Closer should post in for the two of you in `channel`.")
            target = interaction.channel
        if target is not None and not adding:
            from cogs.couple import missing_permissions

            missing = missing_permissions(target)
            if missing:
                raise UserError(
                    f"I can't post in {target.mention}: I need {', '.join(missing)} there. "
                    "Give me those permissions or choose another channel."
                )
        await interaction.response.defer(ephemeral=True, thinking=True)
        self._importing.add(guild.id)
        try:
            try:
                data = await file.read()
            except discord.HTTPException:
                raise UserError(
                    f"I couldn't download `{name}` from Discord just now; nothing was imported. Try again."
                ) from None
            unpacked = await asyncio.to_thread(export.unpack, data, name)
            if adding:
                assert existing is not None
                text = await self._add_photos(existing, unpacked)
            else:
                assert target is not None
                text = await self._import(interaction, guild, target, unpacked)
        finally:
            self._importing.discard(guild.id)
        await interaction.edit_original_response(content=text)

    async def _import(
        self,
        interaction: discord.Interaction,
        guild: discord.Guild,
        channel: discord.TextChannel,
        unpacked: export.Unpacked,
    ) -> str:
        document = unpacked.document
        if document is None:
            part = unpacked.part
            which = f"part {part.part} of {part.parts}" if part else "a part"
            raise UserError(
                f"That's {which} of an export: import part 1 first (the one with `closer-export.json`), then the others."
            )
        user = interaction.user
        partners = {int(p.user_id): p for p in document.couple.partners}
        if user.id not in partners:
            named = " and ".join(f"<@{uid}>" for uid in partners)
            raise UserError(f"That export is {named}'s space; only one of them can import it.")
        plan = export.plan(document, channel_id=channel.id)
        other = next(uid for uid in partners if uid != user.id)
        try:
            await guild.fetch_member(other)
        except discord.NotFound:
            raise UserError(
                f"<@{other}> isn't a member of this server yet. Invite them first, then import again."
            ) from None
        paths, saved, refused = await self._store_photos(guild.id, document, unpacked.photos)
        try:
            restored = await self.repo.restore(guild.id, plan, paths)
        except SpaceTaken:
            await self.photos.delete(saved)
            raise UserError("This server got a couple meanwhile; nothing was imported.") from None
        except sqlite3.IntegrityError as error:
            await self.photos.delete(saved)
            raise UserError(
                f"That export holds something Closer can't store ({str(error)[:100]}); nothing was imported."
            ) from None
        except BaseException:
            await self.photos.delete(saved)
            raise
        couple = await self.bot.couples.get(guild.id)
        assert couple is not None
        await self._rebuild_schedules(couple, plan, restored)
        counts = dict(restored.counts)
        waiting = len(restored.photos) - len(saved) - refused
        lines = [
            f"✅ Restored your space from the export of {document.exported_at[:10]}: "
            + listing(
                [
                    (k, counts.get(k, 0))
                    for k in (
                        "question_days",
                        "answers",
                        "checkins",
                        "memories",
                        "photos",
                        "appreciations",
                        "wins",
                        "goodnights",
                        "rituals",
                        "calls",
                        "visits",
                        "dates",
                    )
                ]
            )
            + ".",
            f"Closer posts in {channel.mention}; your rituals, question time, check-ins, calls and dates run again here.",
        ]
        if waiting:
            lines.append(
                f"{amount(waiting, 'photos')} {'is' if waiting == 1 else 'are'} not in this file: run `/data import` "
                "with each other part of the export to add them."
            )
        if refused:
            lines.append(
                f"{amount(refused, 'photos')} in the file didn't match what the export says (damaged or "
                f"changed), so {'it was' if refused == 1 else 'they were'} left out."
            )
        me, other = couple.partner(user.id), couple.other(user.id)
        with contextlib.suppress(discord.HTTPException):
            await channel.send(
                f"{other.mention} 💞 {me.display_name if me else 'Your partner'} restored your space here "
                "from an export: your questions and answers, check-ins, memories and rituals are all back. "
                "`/couple status` shows what's next.",
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(other.user_id)]),
            )
        return "\n".join(lines)

    async def _store_photos(
        self, guild_id: int, document: export.ExportDocument, files: Mapping[str, bytes]
    ) -> tuple[dict[str, str], list[str], int]:
        """Keep the photos the upload holds (checked against their sha256); a path is reserved for
        the others, which a later part fills. Returns (file -> path, saved paths, how many files
        were refused: not matching their sha256, or not an image)."""
        available = dict(files)
        paths: dict[str, str] = {}
        saved: list[str] = []
        refused = 0
        try:
            for memory in document.memories:
                for photo in memory.photos:
                    data = available.get(photo.file)
                    if data is not None and hashlib.sha256(data).hexdigest() == photo.sha256:
                        try:
                            kept = await self.photos.save_bytes(
                                data, guild_id, photo.filename, photo.content_type
                            )
                        except PhotoRefused:
                            refused += 1
                        else:
                            paths[photo.file] = kept.path
                            saved.append(kept.path)
                            continue
                    elif data is not None:
                        refused += 1
                    extension = PHOTO_EXTENSIONS.get(photo.content_type, "img")
                    paths[photo.file] = f"{int(guild_id)}/missing-{secrets.token_hex(16)}.{extension}"
        except BaseException:
            await self.photos.delete(saved)
            raise
        return paths, saved, refused

    async def _add_photos(self, couple: Couple, unpacked: export.Unpacked) -> str:
        """A later part of an export: its photos fill the memories waiting for them."""
        waiting: dict[str, list[StoredPhoto]] = {}
        for photo in await self.repo.photos_of(couple.guild_id):
            if self.photos.path(photo.path) is None:
                waiting.setdefault(photo.sha256, []).append(photo)
        added = 0
        for name, data in unpacked.photos.items():
            digest = hashlib.sha256(data).hexdigest()
            for photo in waiting.pop(digest, []):
                try:
                    kept = await self.photos.save_bytes(
                        data, couple.guild_id, photo.filename, photo.content_type
                    )
                except PhotoRefused:
                    log.info("Photo %s of an import part refused", name)
                    continue
                await self.repo.set_photo_path(photo.id, kept.path)
                added += 1
        left = sum(len(v) for v in waiting.values())
        if added == 0 and unpacked.document is not None:
            raise UserError(
                "This server already has your couple; import restores a space into a server with no couple "
                "yet. To add the photos of a split export, attach each of its other parts."
            )
        text = f"🖼️ Added {amount(added, 'photos')} to your memories."
        if left:
            text += f" {amount(left, 'photos')} still {'waits' if left == 1 else 'wait'} for another part of the export."
        else:
            text += " Every photo of your memory book is here now."
        return text

    async def _rebuild_schedules(self, couple: Couple, plan: ImportPlan, restored: Restored) -> None:
        """Make an imported space's posts fire again: its own choices (question time, DM copies,
        check-in times), then each feature's rebuilt from its rows."""
        scheduler = self.bot.scheduler
        now = self.bot.clock.now()
        for row in plan.schedules:
            partner = couple.partner(row["user_id"]) if row["user_id"] is not None else None
            at = parse_hhmm(row["time"])
            if row["kind"] == "question":
                zone = row["zone"] or couple.zone_of(partner or couple.partners[0], now).key
                schedule = await scheduler.recurring(
                    "question",
                    guild_id=couple.guild_id,
                    at=at,
                    weekdays=row["weekdays"],
                    zone=zone,
                    label="Daily question",
                    owner_id=row["user_id"],
                )
            elif partner is not None:
                label = "Question by DM" if row["kind"] == "question_dm" else "Check-in"
                schedule = await scheduler.recurring(
                    row["kind"],
                    guild_id=couple.guild_id,
                    key=str(partner.user_id),
                    at=at,
                    weekdays=row["weekdays"],
                    owner_id=partner.user_id,
                    personal=True,
                    label=f"{label} for {partner.display_name}",
                )
            else:
                continue
            if row["paused"]:
                await scheduler.pause(schedule.id)
        for ritual_id in restored.ritual_ids:
            ritual = await self.bot.rituals.repo.get(ritual_id)
            if ritual is not None:
                await self.bot.rituals.schedule(couple, ritual)
        calls_cog = self.bot.get_cog("CallCog")
        if calls_cog is not None and restored.call_ids:
            from cogs.calls import KIND_CALL

            repo = CallRepository(self.bot.db)
            for call_id in restored.call_ids:
                call = await repo.get(call_id)
                if call is None or not call.active:
                    continue
                if call.weekly and call.local_time is not None and call.weekday is not None:
                    await scheduler.recurring(
                        KIND_CALL,
                        guild_id=couple.guild_id,
                        at=call.local_time,
                        weekdays={call.weekday},
                        zone=call.zone,
                        key=f"{call.id}:weekly",
                        label=f"Video call #{call.id}",
                        owner_id=call.created_by,
                        payload={"call": call.id},
                    )
                await calls_cog.plan(call, couple)  # type: ignore[attr-defined]
        # Every feature re-plans its posts for the couple's zones (visits, dates, nudges, ...).
        await self.bot.registry.emit(Hook.ZONES_CHANGED, couple)

    # =========================================================================================
    # /data delete
    # =========================================================================================

    @app_commands.command(name="delete")
    @app_commands.describe(
        scope="mine: your own entries, and unpair; space: everything of this server's space"
    )
    @app_commands.choices(
        scope=[
            app_commands.Choice(name="mine: my own entries, and unpair", value="mine"),
            app_commands.Choice(name="space: everything of this server's space", value="space"),
        ]
    )
    @partner_or_kept()
    async def delete(self, interaction: discord.Interaction, scope: app_commands.Choice[str]) -> None:
        """Delete your own entries (and unpair), or everything of this server's space."""
        couple: Couple | None = interaction.extras.get("couple")
        user = interaction.user
        assert interaction.guild_id is not None
        kept = await self.repo.kept_for(interaction.guild_id, user.id)
        if couple is None:
            if scope.value != "mine":
                raise UserError(
                    "This server has no couple of yours any more. `/data delete mine` deletes the entries "
                    "kept for you here."
                )
            text = await self.kept_question(kept)
            arg = "kept"
        elif scope.value == "mine":
            text = await self.mine_question(couple, user.id, kept)
            arg = "mine"
        else:
            text = await self.space_question(couple, kept)
            arg = "space"
        await interaction.response.send_message(
            text, view=confirm_view("data_delete", user.id, arg, confirm_label="Delete"), ephemeral=True
        )

    async def mine_question(self, couple: Couple, user_id: int, kept: Sequence[Kept]) -> str:
        mine = await self.repo.mine_tally(couple.guild_id, user_id)
        other = couple.other(user_id)
        theirs = await self.repo.mine_tally(couple.guild_id, other.user_id)
        lines = [
            "**Delete your data and unpair?**",
            f"This deletes what you wrote here: {listing(mine)}. Your check-in sharing and love languages go too.",
            f"It also **unpairs you and {other.display_name}**: Closer stops posting in this server, and the "
            "server can be paired again.",
            f"**Kept for {other.display_name}**, for 30 days and then deleted: {other.display_name}'s own "
            f"entries ({listing(theirs)}) and what you set up together (questions, rituals, calls, dates), "
            f"so {other.display_name} can still download them with `/data export` here. Nothing of "
            f"{other.display_name}'s is deleted now.",
        ]
        if kept:
            lines.append(f"The {amount(len(kept), 'kept_spaces')} here from an earlier space go too.")
        lines.append("This can't be undone: `/data export` first if you want a copy.")
        return "\n".join(lines)

    async def space_question(self, couple: Couple, kept: Sequence[Kept]) -> str:
        tally = await self.repo.space_tally(couple.guild_id)
        names = " and ".join(p.display_name for p in couple.partners)
        lines = [
            "**Delete everything of this space?**",
            f"For both of you ({names}): {listing(tally, SPACE_NOUNS)}, with your check-in settings and "
            "love languages. Closer stops posting in this server, and the server can be paired again.",
        ]
        if kept:
            lines.append(f"The {amount(len(kept), 'kept_spaces')} here from an earlier space go too.")
        lines.append("This can't be undone: `/data export` first if you want a copy.")
        return "\n".join(lines)

    async def kept_question(self, kept: Sequence[Kept]) -> str:
        until = max(k.kept_at for k in kept) + RETENTION
        return (
            "**Delete the entries kept for you here?**\n"
            f"Your partner unpaired, so your own entries from that space were kept until "
            f"{discord_timestamp(until, 'D')}. This deletes them now ({amount(len(kept), 'kept_spaces')}). "
            "This can't be undone: `/data export` first if you want a copy."
        )

    async def confirm_delete(self, interaction: discord.Interaction, arg: str) -> str:
        guild_id = interaction.guild_id
        if guild_id is None:
            raise UserError(IN_DM)
        user_id = interaction.user.id
        if arg == "kept":
            removal = await self.repo.delete_kept(guild_id, user_id)
            await self._remove_files(removal)
            if not removal.tally.get("kept_spaces"):
                return "There was nothing kept for you here any more."
            return f"🗑️ Deleted the entries kept for you here, with {amount(removal.tally.get('photos'), 'photos')}."
        couple = await couple_for(interaction)
        if arg == "mine":
            other = couple.other(user_id)
            removal = await self.repo.delete_mine(guild_id, user_id, self.bot.clock.now())
            await self._cancel(removal.schedule_ids)
            await self._remove_files(removal)
            until = self.bot.clock.now() + RETENTION
            await self._tell_partner(couple, user_id, until)
            return (
                f"🗑️ Deleted: {listing(removal.tally)}.\nYou're unpaired: Closer has stopped posting in this "
                f"server. {other.display_name}'s own entries are kept for them until {discord_timestamp(until, 'D')} "
                "(they can download them with `/data export` here), then deleted."
            )
        removal = await self.repo.delete_space(guild_id, user_id)
        await self._cancel(removal.schedule_ids)
        await self._remove_files(removal)
        await self._sweep(guild_id)
        with contextlib.suppress(discord.HTTPException):
            channel = self.bot.get_partial_messageable(couple.channel_id, guild_id=guild_id)
            me = couple.partner(user_id)
            await channel.send(
                f"🗑️ {me.display_name if me else 'A partner'} deleted everything Closer kept for this server. "
                "Closer has stopped here; `/couple setup` starts again.",
                allowed_mentions=discord.AllowedMentions.none(),
            )
        return f"🗑️ Deleted everything of this space: {listing(removal.tally, SPACE_NOUNS)}. Closer has stopped here."

    async def _tell_partner(self, couple: Couple, user_id: int, until: datetime) -> None:
        """Tell the other partner what happened and how to get their kept entries (DM, or the
        shared channel when their DMs are closed). Best effort."""
        me = couple.partner(user_id)
        other = couple.other(user_id)
        guild = self.bot.get_guild(couple.guild_id)
        where = f" in **{guild.name}**" if guild else ""
        text = (
            f"{me.display_name if me else 'Your partner'} deleted their data in Closer and unpaired your "
            f"space{where}. Your own entries are kept for you until {discord_timestamp(until, 'D')}: "
            "download them with `/data export` in that server (or delete them now with `/data delete mine`)."
        )
        try:
            dm = await self.bot.create_dm(discord.Object(other.user_id))
            await dm.send(text)
            return
        except discord.HTTPException:
            pass
        with contextlib.suppress(discord.HTTPException):
            channel = self.bot.get_partial_messageable(couple.channel_id, guild_id=couple.guild_id)
            await channel.send(
                f"{other.mention} {text}",
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(other.user_id)]),
            )

    async def _cancel(self, schedule_ids: Iterable[int]) -> None:
        for schedule_id in schedule_ids:
            await self.bot.scheduler.cancel(schedule_id)

    async def _remove_files(self, removal: Removal) -> None:
        await self.photos.delete(removal.photo_paths)

    async def _sweep(self, guild_id: int) -> None:
        """Remove what is left in a server's photo folder that no memory (kept ones included) uses."""
        keep = await self.repo.referenced_paths(f"{int(guild_id)}/")
        root = self.photos.root
        await asyncio.to_thread(_sweep, root / str(int(guild_id)), keep, root)

    # =========================================================================================
    # Closer removed from a server, and invited back
    # =========================================================================================

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Keep the space's data 30 days (the purge deletes it then; a re-invite restores it)."""
        if await self.bot.couples.get(guild.id) is not None:
            await self.bot.couples.mark_removed(guild.id, self.bot.clock.now())
            log.info("Closer was removed from %s; its data is kept for 30 days", guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._welcome_back(guild.id)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # Invited back while Closer was offline: the server came with READY, not as a join.
        for guild_id in await self.repo.removed_guilds():
            if self.bot.get_guild(guild_id) is not None:
                await self._welcome_back(guild_id)

    async def _welcome_back(self, guild_id: int) -> None:
        if guild_id not in await self.repo.removed_guilds():
            return
        await self.bot.couples.mark_removed(guild_id, None)
        couple = await self.bot.couples.get(guild_id)
        if couple is None:
            return
        log.info("Closer is back in %s; its space is restored", guild_id)
        await self.bot.scheduler.refresh_guild(guild_id, personal_only=False)
        if couple.paired:
            await self.bot.registry.emit(Hook.ZONES_CHANGED, couple)
            with contextlib.suppress(discord.HTTPException):
                channel = self.bot.get_partial_messageable(couple.channel_id, guild_id=guild_id)
                await channel.send(
                    "👋 Closer is back. Your space is just as you left it; rituals and reminders run again from now."
                )

    # =========================================================================================
    # Host-wide daily jobs: the purge and the backup
    # =========================================================================================

    async def deliver_purge(self, occurrence: Occurrence) -> Sent | None:
        now = self.bot.clock.now()
        pruned = await self.bot.scheduler.prune(now - FINISHED_KEPT)
        if pruned:
            occurrence.notes.append(f"forgot {pruned:,} finished one-off schedules")
        removal = await self.purge(now)
        if not removal.guild_ids:
            occurrence.notes.append("nothing kept for 30 days")
            return None
        return Sent(detail=f"deleted {listing(removal.tally)} kept for 30 days")

    async def purge(self, now: datetime) -> Removal:
        """Delete what was kept for 30 days (servers Closer was removed from, kept entries)."""
        removal = await self.repo.purge_removed(now - RETENTION)
        await self._cancel(removal.schedule_ids)
        await self._remove_files(removal)
        for key in removal.guild_ids:
            if key > 0:
                await self._sweep(key)
        if removal.guild_ids:
            log.info("Purged %d spaces kept for 30 days", len(removal.guild_ids))
        return removal

    async def deliver_backup(self, occurrence: Occurrence) -> Sent | None:
        settings = self.bot.settings
        try:
            made = await asyncio.to_thread(
                create_backup,
                settings.database_path,
                settings.photos_dir,
                settings.backups_dir,
                self.bot.clock.now(),
            )
        except (BackupFailed, OSError, sqlite3.Error) as error:
            log.error("The daily backup failed: %s", error)
            raise DeliveryFailed(f"backup failed: {error}") from error
        detail = f"{made.path.name} ({format_size(made.size)}, {amount(made.photos, 'photos')})"
        if made.removed:
            detail += f"; {len(made.removed)} older removed"
        log.info("Backup %s", detail)
        return Sent(detail=detail)


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(DataCog(bot))
