"""/win: share good news in the shared channel, with a Celebrate button for your partner.

A win is kept only once it is posted (a post that fails with Discord down leaves nothing to
double on a retry); the weekly digest lists the week's wins, each linking to its post. Its part
of the export: every win, with who celebrated it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, cast

import discord
from discord import app_commands

from bot.archive import (
    ArchivePart,
    Book,
    Chapter,
    Counts,
    Exported,
    ExportRequest,
    Importing,
    Instant,
    Model,
    Rows,
    Section,
    Snowflake,
    Text,
    entries,
    long_date,
)
from bot.archive.values import instant, sid, unix
from bot.checks import bot_of, couple_for, current, partner_only
from bot.client import CloserBot
from bot.clock import Clock
from bot.db.connection import Tx
from bot.db.models import Couple
from bot.db.repositories.checkins import CheckinRepository, Win
from bot.errors import UserError
from bot.feature import Feature
from bot.registry import Contribution
from bot.scheduler import describe
from bot.timeutil import discord_timestamp
from bot.ui.components import CustomId, SafeCallback
from bot.ui.embeds import embed

log = logging.getLogger(__name__)

TEXT_LIMIT = 1000


class Wins:
    """Wins kept and celebrated (no interaction handling)."""

    def __init__(self, repo: CheckinRepository, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    async def add(self, couple: Couple, user_id: int, text: str) -> Win:
        return await self.repo.add_win(couple.guild_id, user_id, text, self.clock.now())

    async def posted(self, win: Win, message: discord.Message) -> None:
        """Where the win was posted: the digest links to it."""
        await self.repo.set_win_message(win.id, message.channel.id, message.id)

    async def forget(self, win: Win) -> None:
        """A win that could not be posted is not kept: a retry won't double it."""
        await self.repo.delete_win(win.id)

    async def celebrate(self, couple: Couple, win_id: int, user_id: int) -> Win:
        """``user_id`` celebrates a win of their partner's, once: the win as it is now."""
        win = await self.repo.win(win_id, couple.guild_id)
        if win is None:
            raise UserError("This win is no longer here.")
        if user_id == win.user_id:
            other = couple.other(win.user_id)
            raise UserError(f"This one is for {other.display_name} to celebrate. Well done, though! 🎉")
        if not await self.repo.celebrate(win.id, user_id, self.clock.now()):
            raise UserError("You already celebrated this win 🎉")
        celebrated = await self.repo.win(win.id, couple.guild_id)
        assert celebrated is not None
        return celebrated


def win_embed(couple: Couple, win: Win) -> discord.Embed:
    card = embed(f"🏆 {couple.name_of(win.user_id)} has a win to share!", win.text)
    if win.celebrated_by is not None and win.celebrated_at is not None:
        card.add_field(
            name="🎉 Celebrated",
            value=f"by {couple.name_of(win.celebrated_by)} {discord_timestamp(win.celebrated_at, 'R')}",
        )
    return card


def win_view(win_id: int, *, celebrated: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(CelebrateButton(win_id, celebrated=celebrated))
    return view


def wins_of(interaction: discord.Interaction) -> Wins:
    # By name, not isinstance: an extension module is executed afresh each time it is loaded.
    service = getattr(bot_of(interaction).get_cog("WinCog"), "service", None)
    if service is None:
        raise UserError("Wins are not available right now. Please try again in a moment.")
    return cast(Wins, service)


class CelebrateButton(
    SafeCallback, discord.ui.DynamicItem[discord.ui.Button], custom_id=CustomId("closer:win:{win:int}")
):
    """Celebrate a win; only the partner of whoever shared it can press it, once."""

    def __init__(self, win_id: int, *, celebrated: bool = False) -> None:
        self.win_id = win_id
        super().__init__(
            discord.ui.Button(
                label="Celebrated" if celebrated else "Celebrate",
                emoji="🎉",
                style=discord.ButtonStyle.secondary if celebrated else discord.ButtonStyle.success,
                custom_id=self.spec.build(win=win_id),
                disabled=celebrated,
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction)
        win = await wins_of(interaction).celebrate(couple, self.win_id, interaction.user.id)
        await interaction.response.edit_message(
            embed=win_embed(couple, win), view=win_view(win.id, celebrated=True)
        )
        winner = couple.partner(win.user_id)
        mention = winner.mention if winner else f"<@{win.user_id}>"
        await interaction.followup.send(
            f"🎉 {mention}, {interaction.user.display_name} is celebrating your win with you!",
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(win.user_id)]),
        )


# -- the export -------------------------------------------------------------------------------------


class WinDoc(Model):
    user_id: Snowflake
    text: Text
    created_at: Instant
    celebrated_by: Snowflake | None
    celebrated_at: Instant | None


def plan(wins: list[WinDoc], importing: Importing) -> Rows:
    uid = importing.uid
    return {
        "wins": tuple(
            {
                "user_id": uid(w.user_id),
                "text": w.text,
                "created_at": unix(w.created_at),
                "celebrated_by": uid(w.celebrated_by),
                "celebrated_at": unix(w.celebrated_at),
            }
            for w in wins
        )
    }


def chapter(wins: list[WinDoc], book: Book) -> list[str]:
    if not wins:
        return []
    lines = ["## Wins", ""]
    for win in wins:
        cheered = f" · 🎉 celebrated by {book.who(win.celebrated_by)}" if win.celebrated_by else ""
        lines += [f"### {book.who(win.user_id)} · {long_date(win.created_at)}{cheered}", "", win.text, ""]
    return lines


SECTION = Section(
    key="wins",
    position=40,
    schema=entries(WinDoc),
    plan=plan,
    chapter=Chapter(40, chapter),
)


class WinsArchive(ArchivePart[CheckinRepository]):
    section = SECTION

    async def export(self, request: ExportRequest) -> Exported:
        return Exported(
            [
                {
                    "user_id": sid(w["user_id"]),
                    "text": w["text"],
                    "created_at": instant(w["created_at"]),
                    "celebrated_by": sid(w["celebrated_by"]),
                    "celebrated_at": instant(w["celebrated_at"]),
                }
                for w in await self.repo.export_wins(request.couple_key)
            ]
        )

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        return [("wins", await self.repo.restore_wins(tx, guild_id, rows["wins"]))]


class WinCog(Feature):
    """/win: good news for your partner to celebrate."""

    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        repo = CheckinRepository(bot.db)
        self.service = Wins(repo, bot.clock)
        self.archive = WinsArchive(repo)

    def contribution(self) -> Contribution:
        return Contribution(items=(CelebrateButton,), archive=(self.archive,))

    @app_commands.command(name="win")
    @app_commands.describe(text="Your win, big or small (up to 1,000 characters)")
    @partner_only()
    async def win(
        self, interaction: discord.Interaction, text: app_commands.Range[str, 1, TEXT_LIMIT]
    ) -> None:
        """Share a win so your partner can celebrate it."""
        couple, partner = current(interaction)
        cleaned = text.strip()
        if not cleaned:
            raise UserError("Your win was empty. Tell your partner what went well in `text`.")
        await interaction.response.defer(ephemeral=True, thinking=True)  # posting may be slow
        win = await self.service.add(couple, partner.user_id, cleaned)
        other = couple.other(partner.user_id)
        post: dict[str, Any] = {
            "content": f"{other.mention}, {partner.display_name} has good news!",
            "embed": win_embed(couple, win),
            "view": win_view(win.id),
            "allowed_mentions": discord.AllowedMentions(users=[discord.Object(other.user_id)]),
        }
        channel = self.bot.get_partial_messageable(couple.channel_id, guild_id=couple.guild_id)
        message: discord.Message
        try:
            message = await channel.send(**post)
        except (discord.Forbidden, discord.NotFound) as error:
            log.warning("Could not post a win in %s: %s", couple.channel_id, describe(error))
            await interaction.followup.send(
                f"I can't post in <#{couple.channel_id}>, so I shared your win right here instead.",
                ephemeral=True,
            )
            message = await interaction.followup.send(**post, wait=True)
        except discord.DiscordServerError:
            await self.service.forget(win)
            raise
        else:
            await interaction.followup.send(
                f"Shared in <#{couple.channel_id}> 🏆 {other.display_name} can celebrate it there.",
                ephemeral=True,
            )
        await self.service.posted(win, message)


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(WinCog(bot))
