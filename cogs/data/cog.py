"""/data's commands and listeners: parse, check who may, call the services, reply."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.archive import MAX_UPLOAD_BYTES, Part, SpaceArchive, Unpacked
from bot.checks import IN_DM, bot_of, couple_for
from bot.client import CloserBot
from bot.db.models import Couple
from bot.db.repositories.data import DataRepository
from bot.errors import NotAllowed, UserError
from bot.feature import Feature
from bot.permissions import missing_permissions
from bot.photos import PhotoStore, format_size, safe_filename
from bot.registry import Contribution
from bot.timeutil import discord_timestamp
from bot.ui.confirm import confirm_view
from bot.ui.embeds import clip
from cogs.data import embeds
from cogs.data.embeds import SPACE_NOUNS, amount, listing
from cogs.data.service import RETENTION, DataService
from cogs.data.transfer import Transfer

T = TypeVar("T")

DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
CONTENT_LIMIT = 2000  # Discord's limit for a message's text


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


class DataCog(
    Feature, commands.GroupCog, group_name="data", group_description="Your data: export, import or delete it"
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.repo = DataRepository(bot.db)
        self.photos = PhotoStore(bot.settings.photos_dir, bot.settings.photo_max_bytes)
        space = SpaceArchive(bot.db, bot.couples, bot.schedules, bot.registry.archive_parts)
        self.transfer = Transfer(space, self.repo, bot.couples, self.photos, bot.registry, bot.clock)
        self.service = DataService(
            self.repo,
            bot.couples,
            bot.schedules,
            bot.scheduler,
            self.photos,
            bot.registry,
            bot.clock,
            bot.settings,
        )
        self._exporting: set[int] = set()
        self._importing: set[int] = set()

    def contribution(self) -> Contribution:
        return Contribution(kinds=self.service.kinds(), confirmations={"data_delete": self.confirm_delete})

    async def loaded(self) -> None:
        await self.service.ensure_daily_jobs()

    # -- /data export ----------------------------------------------------------------------------

    @app_commands.command(name="export")
    @partner_or_kept()
    async def export_(self, interaction: discord.Interaction) -> None:
        """Everything you can see in Closer as a zip (JSON, a memory book and your photos) by DM."""
        user = interaction.user
        if user.id in self._exporting:
            raise UserError("Your export is being made already; it arrives in a moment.")
        guild_id = interaction.guild_id
        assert guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        self._exporting.add(user.id)
        try:
            limit = upload_limit(interaction)
            made = await self.transfer.export(interaction.extras.get("couple"), guild_id, user.id, limit)
            if not made.parts:
                raise UserError("There's nothing of yours to export here.")
            by_dm = await self._send_by_dm(user, made.parts, guild_id)
            reply = embeds.export_reply(made.parts, limit, made.notes, by_dm=by_dm)
            await interaction.edit_original_response(content=clip(reply, CONTENT_LIMIT))
            if not by_dm:
                for part in made.parts:
                    await interaction.followup.send(
                        file=discord.File(io.BytesIO(part.data), filename=part.filename), ephemeral=True
                    )
        finally:
            self._exporting.discard(user.id)

    async def _send_by_dm(
        self, user: discord.User | discord.Member, parts: Sequence[Part], guild_id: int
    ) -> bool:
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

    # -- /data import ----------------------------------------------------------------------------

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
        if file.size > MAX_UPLOAD_BYTES:
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
            unpacked = await self.transfer.read(data, name)
            if adding:
                assert existing is not None
                added = await self.transfer.add_files(existing, unpacked)
                text = embeds.files_added_reply(added.added, added.left)
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
        unpacked: Unpacked,
    ) -> str:
        document = unpacked.document
        if document is None:
            part = unpacked.part
            which = f"part {part.part} of {part.parts}" if part else "a part"
            raise UserError(
                f"That's {which} of an export: import part 1 first (the one with `closer-export.json`), then the others."
            )
        user = interaction.user
        partners = [int(p.user_id) for p in document.couple.partners]
        if user.id not in partners:
            named = " and ".join(f"<@{uid}>" for uid in partners)
            raise UserError(f"That export is {named}'s space; only one of them can import it.")
        plan = self.transfer.plan(document, channel.id)
        other_id = next(uid for uid in partners if uid != user.id)
        try:
            await guild.fetch_member(other_id)
        except discord.NotFound:
            raise UserError(
                f"<@{other_id}> isn't a member of this server yet. Invite them first, then import again."
            ) from None
        restored = await self.transfer.restore(guild.id, document, plan, unpacked.photos)
        couple = restored.couple
        me, other = couple.partner(user.id), couple.other(user.id)
        with contextlib.suppress(discord.HTTPException):
            await channel.send(
                f"{other.mention} 💞 {me.display_name if me else 'Your partner'} restored your space here "
                "from an export: your questions and answers, check-ins, memories and rituals are all back. "
                "`/couple status` shows what's next.",
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(other.user_id)]),
            )
        return embeds.import_reply(
            document.exported_at, restored.counts, channel.mention, restored.waiting, restored.refused
        )

    # -- /data delete ----------------------------------------------------------------------------

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
            text = embeds.kept_question(kept, max(k.kept_at for k in kept) + RETENTION)
            arg = "kept"
        elif scope.value == "mine":
            mine = await self.repo.mine_tally(couple.guild_id, user.id)
            theirs = await self.repo.mine_tally(couple.guild_id, couple.other(user.id).user_id)
            text = embeds.mine_question(couple, user.id, mine, theirs, kept)
            arg = "mine"
        else:
            text = embeds.space_question(couple, await self.repo.space_tally(couple.guild_id), kept)
            arg = "space"
        await interaction.response.send_message(
            text, view=confirm_view("data_delete", user.id, arg, confirm_label="Delete"), ephemeral=True
        )

    async def confirm_delete(self, interaction: discord.Interaction, arg: str) -> str:
        guild_id = interaction.guild_id
        if guild_id is None:
            raise UserError(IN_DM)
        user_id = interaction.user.id
        if arg == "kept":
            removal = await self.service.delete_kept(guild_id, user_id)
            if not removal.tally.get("kept_spaces"):
                return "There was nothing kept for you here any more."
            return f"🗑️ Deleted the entries kept for you here, with {amount(removal.tally.get('photos'), 'photos')}."
        couple = await couple_for(interaction)
        if arg == "mine":
            other = couple.other(user_id)
            removal, until = await self.service.delete_mine(couple, user_id)
            await self._tell_partner(couple, user_id, until)
            return (
                f"🗑️ Deleted: {listing(removal.tally)}.\nYou're unpaired: Closer has stopped posting in this "
                f"server. {other.display_name}'s own entries are kept for them until {discord_timestamp(until, 'D')} "
                "(they can download them with `/data export` here), then deleted."
            )
        removal = await self.service.delete_space(guild_id, user_id)
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
        other = couple.other(user_id)
        guild = self.bot.get_guild(couple.guild_id)
        text = embeds.partner_told(couple, user_id, guild.name if guild else None, until)
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

    # -- Closer removed from a server, and invited back ------------------------------------------

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.service.removed_from(guild.id)

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
        couple = await self.service.welcome_back(guild_id)
        if couple is None:
            return
        with contextlib.suppress(discord.HTTPException):
            channel = self.bot.get_partial_messageable(couple.channel_id, guild_id=guild_id)
            await channel.send(
                "👋 Closer is back. Your space is just as you left it; rituals and reminders run again from now."
            )
