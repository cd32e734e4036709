"""Letters' components: the write and edit forms, the choice of a sealed letter to open, and the
"Reply with a letter" button under a letter in a DM. Each hands what it got to the letters cog."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

import discord

from bot.checks import bot_of, couple_for
from bot.db.models import Couple
from bot.db.repositories.letters import BODY_LIMIT, OCCASION_LIMIT, TITLE_LIMIT, Letter
from bot.errors import UserError
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from cogs.letters.embeds import sealed_description, sealed_label
from cogs.letters.rules import OCCASIONS, REPLY_OCCASION

COG_NAME = "LetterCog"  # the cog the forms and buttons hand their answers to (looked up by name)

# The form's fields (custom ids inside one form: not public formats).
TITLE, BODY, WHEN = "title", "letter", "to_open"


class Letters(Protocol):
    """What the letters cog does with a form, a choice or a reply."""

    async def write_from_form(
        self, interaction: discord.Interaction, couple: Couple, values: Mapping[str, str]
    ) -> None: ...

    async def edit_from_form(
        self, interaction: discord.Interaction, couple: Couple, letter_id: int, values: Mapping[str, str]
    ) -> None: ...

    async def open_chosen(self, interaction: discord.Interaction, couple: Couple, letter_id: int) -> None: ...


def letters(interaction: discord.Interaction) -> Letters:
    """The loaded letters cog (by name: a reloaded extension has a new class)."""
    cog = bot_of(interaction).get_cog(COG_NAME)
    if cog is None:
        raise UserError("Letters are not available right now. Please try again in a moment.")
    return cast(Letters, cog)


def _inputs(modal: discord.ui.Modal, title: str | None, body: str | None, when: str) -> None:
    modal.add_item(
        discord.ui.TextInput(label="Title", custom_id=TITLE, max_length=TITLE_LIMIT, default=title or None)
    )
    modal.add_item(
        discord.ui.TextInput(
            label="Your letter",
            custom_id=BODY,
            style=discord.TextStyle.paragraph,
            max_length=BODY_LIMIT,
            default=body or None,
        )
    )
    modal.add_item(
        discord.ui.TextInput(
            label="To open (a date, or an occasion)",
            custom_id=WHEN,
            max_length=OCCASION_LIMIT,
            default=when or None,
            placeholder=f"2027-02-14, in 30 days, {OCCASIONS[0]}",
        )
    )


class WriteLetterModal(
    PersistentModal, title="A letter for later", custom_id=CustomId("closer:modal:letter:write:{guild:int}")
):
    def __init__(self, guild_id: int, when: str, recipient: str) -> None:
        super().__init__(custom_id=self.spec.build(guild=guild_id), title=f"A letter for {recipient}"[:45])
        _inputs(self, None, None, when)

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction, guild_id=int(key["guild"]))
        await letters(interaction).write_from_form(interaction, couple, values)


class EditLetterModal(
    PersistentModal, title="Change your letter", custom_id=CustomId("closer:modal:letter:edit:{letter:int}")
):
    def __init__(self, letter: Letter, when: str) -> None:
        super().__init__(custom_id=self.spec.build(letter=letter.id))
        _inputs(self, letter.title, letter.body, when)

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction)
        await letters(interaction).edit_from_form(interaction, couple, int(key["letter"]), values)


class OpenLetterSelect(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Select],
    custom_id=CustomId("closer:letter:open:{guild:int}"),
):
    """The sealed letters waiting for the one who asked (occasion and day written, nothing more)."""

    def __init__(self, guild: int, options: list[discord.SelectOption] | None = None) -> None:
        self.guild_id = guild
        super().__init__(
            discord.ui.Select(
                custom_id=self.spec.build(guild=guild),
                placeholder="Choose a letter to open",
                options=options or [discord.SelectOption(label="-", value="0")],
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction, guild_id=self.guild_id)
        values = self.item.values
        if not values or not values[0].isdigit():
            raise UserError("Choose one of the letters in the list.")
        await letters(interaction).open_chosen(interaction, couple, int(values[0]))


def open_view(couple: Couple, sealed: list[Letter], zone: ZoneInfo) -> discord.ui.View | None:
    if not sealed:
        return None
    options = [
        discord.SelectOption(
            label=sealed_label(letter),
            value=str(letter.id),
            description=sealed_description(letter, couple, zone)[:100],
        )
        for letter in sealed[:25]
    ]
    view = discord.ui.View(timeout=None)
    view.add_item(OpenLetterSelect(couple.guild_id, options))
    return view


class ReplyButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:letter:reply:{guild:int}:{letter:int}"),
):
    """Under a letter in its recipient's DMs: write one back (the form, addressed to the writer)."""

    def __init__(self, guild: int, letter: int) -> None:
        self.guild_id, self.letter_id = guild, letter
        super().__init__(
            discord.ui.Button(
                label="Reply with a letter",
                emoji="✉️",
                style=discord.ButtonStyle.primary,
                custom_id=self.spec.build(guild=guild, letter=letter),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction, guild_id=self.guild_id)
        other = couple.other(interaction.user.id)
        await WriteLetterModal(couple.guild_id, REPLY_OCCASION, other.display_name).open(interaction)


def reply_view(couple: Couple, letter: Letter) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ReplyButton(couple.guild_id, letter.id))
    return view
