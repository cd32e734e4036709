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
from cogs.checkins.embeds import block, is_own, saved_content, saved_embed, texts
from cogs.checkins.rules import NOTE_LIMIT, Telling, parse_mood
from cogs.checkins.service import ATTACHED_ROW, CheckinService


def ask_items(
    guild_id: int, user_id: int, *, first_row: int = 0, selected: int | None = None, has_note: bool = False
) -> list[CheckinButton]:
    """Five mood buttons (1-5 with emoji) on ``first_row`` and Add a note below; the chosen mood
    is highlighted."""
    items = [
        CheckinButton(guild_id, user_id, str(mood), selected=selected == mood, row=first_row)
        for mood in MOODS
    ]
    items.append(CheckinButton(guild_id, user_id, "note", has_note=has_note, row=first_row + 1))
    return items


def ask_view(
    guild_id: int, user_id: int, *, selected: int | None = None, has_note: bool = False
) -> discord.ui.View:
    """The ask's buttons on their own (a DM or an ephemeral message of the check-in alone)."""
    view = discord.ui.View(timeout=None)
    for item in ask_items(guild_id, user_id, selected=selected, has_note=has_note):
        view.add_item(item)
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
        self,
        guild_id: int,
        user_id: int,
        choice: str,
        *,
        selected: bool = False,
        has_note: bool = False,
        row: int | None = None,
    ) -> None:
        self.guild_id, self.user_id, self.choice = guild_id, user_id, choice
        button: discord.ui.Button[Any]
        if choice == "note":
            button = discord.ui.Button(
                label="Edit your note" if has_note else "Add a note",
                emoji="📝",
                style=discord.ButtonStyle.secondary,
                custom_id=self.spec.build(guild=guild_id, user=user_id, choice="note"),
                row=1 if row is None else row,
            )
        else:
            mood = int(choice)
            button = discord.ui.Button(
                label=choice,
                emoji=texts()["mood_emoji"][mood - 1],
                style=discord.ButtonStyle.success if selected else discord.ButtonStyle.secondary,
                custom_id=self.spec.build(guild=guild_id, user=user_id, choice=choice),
                row=0 if row is None else row,
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
        telling, now = await service.after_check_in(couple, partner, checkin, before)
        await respond_saved(interaction, service, couple, partner, checkin, telling)
        await service.deliver_now(now)


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
        # Submitting the form means the check-in is settled: the partner hears now, not later.
        telling, now = await service.after_check_in(couple, partner, checkin, before, settled=True)
        await respond_saved(interaction, service, couple, partner, checkin, telling)
        await service.deliver_now(now)


async def respond_saved(
    interaction: discord.Interaction,
    service: CheckinService,
    couple: Couple,
    partner: Partner,
    checkin: CheckIn,
    telling: Telling,
) -> None:
    """Show the saved check-in where it was made: in place in a DM or ephemeral message (only its
    own part, when it travelled with something else), else privately."""
    other = couple.other(partner.user_id)
    now = service.now()
    tip = await service.languages_tip(couple, partner, checkin)
    message = interaction.message
    if not private_place(interaction) or message is None:
        content = saved_content(checkin, telling, other, now, tip=tip)
        view = ask_view(couple.guild_id, partner.user_id, selected=checkin.mood, has_note=bool(checkin.note))
        await interaction.response.send_message(content, view=view, ephemeral=True)
        return
    attached = any(is_own(card) for card in message.embeds)
    own = ask_items(
        couple.guild_id,
        partner.user_id,
        first_row=ATTACHED_ROW if attached else 0,
        selected=checkin.mood,
        has_note=bool(checkin.note),
    )
    view = with_others(message, own)
    if attached:  # the ask travelled inside another DM: only its part changes
        embeds = [
            saved_embed(checkin, telling, other, now, tip=tip) if is_own(e) else e for e in message.embeds
        ]
        await interaction.response.edit_message(embeds=embeds, view=view)
    else:
        content = saved_content(checkin, telling, other, now, tip=tip)
        await interaction.response.edit_message(content=content, embeds=message.embeds, view=view)


def with_others(message: discord.Message, own: list[CheckinButton]) -> discord.ui.View:
    """The check-in's buttons, and those of whatever else the message carries, as they were."""
    view = discord.ui.View(timeout=None)
    for item in own:
        view.add_item(item)
    for other in discord.ui.View.from_message(message, timeout=None).children:
        custom_id = getattr(other, "custom_id", None)
        if custom_id and CheckinButton.spec.match(custom_id):
            continue
        other.row = None  # placed after the check-in's own rows, wherever there is room
        view.add_item(other)
    return view
