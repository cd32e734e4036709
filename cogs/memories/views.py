"""The memory book's components: the "log a memory" button and the three forms."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol, Self, cast

import discord

from bot.checks import bot_of, couple_for
from bot.db.models import Couple
from bot.db.repositories.memories import DESCRIPTION_LIMIT, TITLE_LIMIT
from bot.db.repositories.memory_search import Memory
from bot.errors import UserError
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from cogs.memories.rules import today_for

COG_NAME = "MemoryCog"  # the cog the forms hand their answers to (looked up by name)


class Forms(Protocol):
    """What the memory cog does with a submitted form."""

    async def add_from_form(
        self, interaction: discord.Interaction, couple: Couple, values: Mapping[str, str]
    ) -> None: ...

    async def edit_from_form(
        self, interaction: discord.Interaction, couple: Couple, memory_id: int, values: Mapping[str, str]
    ) -> None: ...

    async def save_draft(
        self, interaction: discord.Interaction, couple: Couple, draft_id: int, values: Mapping[str, str]
    ) -> None: ...


def book(interaction: discord.Interaction) -> Forms:
    """The loaded memory cog (by name: a reloaded extension has a new class)."""
    cog = bot_of(interaction).get_cog(COG_NAME)
    if cog is None:
        raise UserError("The memory book is not available right now. Please try again in a moment.")
    return cast(Forms, cog)


def _title_input(default: str | None = None) -> discord.ui.TextInput:
    return discord.ui.TextInput(
        label="Title", custom_id="title", max_length=TITLE_LIMIT, default=default or None
    )


def _date_input(default: str) -> discord.ui.TextInput:
    return discord.ui.TextInput(
        label="Date (YYYY-MM-DD, today or yesterday)", custom_id="date", max_length=20, default=default
    )


def _description_input(label: str, default: str | None = None) -> discord.ui.TextInput:
    return discord.ui.TextInput(
        label=label,
        custom_id="description",
        style=discord.TextStyle.paragraph,
        max_length=DESCRIPTION_LIMIT,
        required=False,
        default=default or None,
    )


def _tags_input(default: str | None = None) -> discord.ui.TextInput:
    return discord.ui.TextInput(
        label="Tags (comma-separated, optional)",
        custom_id="tags",
        max_length=200,
        required=False,
        placeholder="beach, first trip",
        default=default or None,
    )


class NewMemoryButton(
    SafeCallback, discord.ui.DynamicItem[discord.ui.Button], custom_id=CustomId("closer:memory:new")
):
    """Opens the "add a memory" form; other features post it (after a call night, ...)."""

    def __init__(self, label: str = "Log a memory") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, emoji="📖", style=discord.ButtonStyle.primary, custom_id=self.spec.build()
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: Any, match: re.Match[str]) -> Self:
        return cls(item.label or "Log a memory")

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction)
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        today = today_for(couple, partner, bot_of(interaction).clock.now())
        await NewMemoryModal(couple.guild_id, today).open(interaction)


class NewMemoryModal(
    PersistentModal, title="Add a memory", custom_id=CustomId("closer:modal:memory:new:{guild:int}")
):
    def __init__(self, guild_id: int, today: date) -> None:
        super().__init__(custom_id=self.spec.build(guild=guild_id))
        self.add_item(_title_input())
        self.add_item(_date_input(f"{today:%Y-%m-%d}"))
        self.add_item(_description_input("What happened (optional)"))
        self.add_item(_tags_input())

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction, guild_id=int(key["guild"]))
        await book(interaction).add_from_form(interaction, couple, values)


class EditMemoryModal(
    PersistentModal, title="Edit a memory", custom_id=CustomId("closer:modal:memory:edit:{memory:int}")
):
    def __init__(self, memory: Memory) -> None:
        super().__init__(custom_id=self.spec.build(memory=memory.id), title=f"Edit memory #{memory.id}")
        self.add_item(_title_input(memory.title))
        self.add_item(_date_input(f"{memory.happened_on:%Y-%m-%d}"))
        self.add_item(_description_input("Description", memory.description))
        self.add_item(_tags_input(", ".join(memory.tags)))

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction)
        await book(interaction).edit_from_form(interaction, couple, int(key["memory"]), values)


class SaveMemoryModal(
    PersistentModal, title="Save as memory", custom_id=CustomId("closer:modal:memory:save:{draft:int}")
):
    def __init__(self, draft_id: int, title: str, day: date) -> None:
        super().__init__(custom_id=self.spec.build(draft=draft_id))
        self.add_item(_title_input(title))
        self.add_item(_date_input(f"{day:%Y-%m-%d}"))
        self.add_item(_description_input("Your note (optional)"))
        self.add_item(_tags_input())

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction)
        await book(interaction).save_draft(interaction, couple, int(key["draft"]), values)
