"""The check-in's buttons (a mood, or "Add a note") and its note form; they work across restarts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import discord

from bot.checks import bot_of, couple_for
from bot.db.models import Couple, Partner
from bot.db.repositories.checkins import CheckIn
from bot.errors import UserError
from bot.moods import MOODS
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from bot.ui.embeds import clip
from cogs.checkins.embeds import block, saved_content, texts
from cogs.checkins.rules import NOTE_LIMIT, parse_mood
from cogs.checkins.service import CheckinService


def ask_view(
    guild_id: int, user_id: int, *, selected: int | None = None, has_note: bool = False
) -> discord.ui.View:
    """Five mood buttons (1-5 with emoji) and Add a note; the chosen mood is highlighted."""
    view = discord.ui.View(timeout=None)
    for mood in MOODS:
        view.add_item(CheckinButton(guild_id, user_id, str(mood), selected=selected == mood))
    view.add_item(CheckinButton(guild_id, user_id, "note", has_note=has_note))
    return view


def service_of(interaction: discord.Interaction) -> CheckinService:
    # By name, not isinstance: an extension module is executed afresh each time it is loaded, and
    # a form opened before a reload is handled by the class registered first.
    service = getattr(bot_of(interaction).get_cog("CheckinCog"), "service", None)
    if service is None:
        raise UserError("Check-ins are not available right now. Please try again in a moment.")
    return cast(CheckinService, service)


def private_place(interaction: discord.Interaction) -> bool:
    """A DM or an ephemeral message: the check-in can be shown there; not in the shared channel."""
    if interaction.guild_id is None:
        return True
    message = interaction.message
    return message is not None and message.flags.ephemeral


class CheckinButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:checkin:{guild:int}:{user:int}:{choice}", choice="[1-5]|note"),
):
    """A mood (1-5) or "Add a note" on a check-in; only the partner it asks can press it."""

    def __init__(
        self, guild_id: int, user_id: int, choice: str, *, selected: bool = False, has_note: bool = False
    ) -> None:
        self.guild_id, self.user_id, self.choice = guild_id, user_id, choice
        button: discord.ui.Button[Any]
        if choice == "note":
            button = discord.ui.Button(
                label="Edit your note" if has_note else "Add a note",
                emoji="📝",
                style=discord.ButtonStyle.secondary,
                custom_id=self.spec.build(guild=guild_id, user=user_id, choice="note"),
                row=1,
            )
        else:
            mood = int(choice)
            button = discord.ui.Button(
                label=choice,
                emoji=texts()["mood_emoji"][mood - 1],
                style=discord.ButtonStyle.success if selected else discord.ButtonStyle.secondary,
                custom_id=self.spec.build(guild=guild_id, user=user_id, choice=choice),
                row=0,
            )
        super().__init__(button)

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction, guild_id=self.guild_id)
        if interaction.user.id != self.user_id:
            raise UserError(
                f"This check-in is for {couple.name_of(self.user_id)}. `/checkin now` opens your own."
            )
        partner = couple.partner(self.user_id)
        assert partner is not None
        service = service_of(interaction)
        if self.choice == "note":
            today = await service.repo.get(couple.guild_id, partner.user_id, service.today(couple, partner))
            await NoteModal(couple.guild_id, partner.user_id, today).open(interaction)
            return
        checkin, before = await service.check_in(couple, partner, int(self.choice))
        await service.after_check_in(couple, partner, checkin, before)
        await respond_saved(interaction, service, couple, partner, checkin)


class NoteModal(
    PersistentModal,
    title="How are you doing?",
    custom_id=CustomId("closer:modal:checkin:{guild:int}:{user:int}"),
):
    """Mood (kept from today's check-in when there is one) and a note of up to 1,000 characters."""

    def __init__(self, guild_id: int, user_id: int, today: CheckIn | None) -> None:
        super().__init__(custom_id=self.spec.build(guild=guild_id, user=user_id))
        self.add_item(
            discord.ui.TextInput(
                label="Mood, 1 (rough) to 5 (great)",
                custom_id="mood",
                placeholder="1, 2, 3, 4 or 5",
                default=str(today.mood) if today else None,
                min_length=1,
                max_length=10,
            )
        )
        self.add_item(
            discord.ui.TextInput(
                label="Your note",
                custom_id="note",
                style=discord.TextStyle.paragraph,
                placeholder="What made today what it was? (optional)",
                default=today.note if today and today.note else None,
                required=False,
                max_length=NOTE_LIMIT,
            )
        )

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction, guild_id=int(key["guild"]))
        if interaction.user.id != int(key["user"]):
            raise UserError("This form belongs to your partner's check-in. `/checkin now` opens your own.")
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        note = values.get("note", "").strip()
        try:
            mood = parse_mood(values.get("mood", ""), texts()["moods"])
        except ValueError:
            kept = f"\nYour note, so nothing is lost:\n{block(note)}" if note else ""
            raise UserError(
                f"`{clip(values.get('mood', ''), 20)}` is not a mood: use a number from 1 (rough) to 5 (great)."
                f" Nothing was saved; press the button again to retry.{kept}"
            ) from None
        if len(note) > NOTE_LIMIT:
            raise UserError(f"Your note is longer than {NOTE_LIMIT:,} characters; nothing was saved.")
        service = service_of(interaction)
        checkin, before = await service.check_in(couple, partner, mood, note=note or None)
        await service.after_check_in(couple, partner, checkin, before)
        await respond_saved(interaction, service, couple, partner, checkin)


async def respond_saved(
    interaction: discord.Interaction,
    service: CheckinService,
    couple: Couple,
    partner: Partner,
    checkin: CheckIn,
) -> None:
    """Show the saved check-in where it was made: in place in a DM or ephemeral message, else privately."""
    other = couple.other(partner.user_id)
    level = await service.repo.sharing(couple.guild_id, partner.user_id)
    content = saved_content(checkin, level, other)
    view = ask_view(couple.guild_id, partner.user_id, selected=checkin.mood, has_note=bool(checkin.note))
    if private_place(interaction) and interaction.message is not None:
        await interaction.response.edit_message(content=content, embed=None, view=view)
    else:
        await interaction.response.send_message(content, view=view, ephemeral=True)
