"""The rituals' buttons and forms: a session step's Answer, gratitude's Share mine, goodnight's notes.

Each handler parses, asks the feature's service (the loaded :class:`RitualCog`'s) and replies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import discord

from bot.checks import bot_of, couple_for
from bot.db.models import Couple
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from bot.ui.embeds import clip
from cogs.rituals import embeds
from cogs.rituals.goodnight import GOODNIGHT_LIMIT
from cogs.rituals.gratitude import GRATITUDE_LIMIT
from cogs.rituals.service import Components, RitualFeatureService
from cogs.rituals.session import ANSWER_LIMIT, session_day

COG = "RitualCog"


def service_of(interaction: discord.Interaction) -> RitualFeatureService:
    """The rituals' service of the bot behind an interaction."""
    service = getattr(bot_of(interaction).get_cog(COG), "service", None)
    if not isinstance(service, RitualFeatureService):
        raise RuntimeError("the rituals feature is not loaded")
    return service


# -- the weekly check-in session ------------------------------------------------------------------


def step_view(run_id: int, step: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SessionAnswerButton(run_id, step))
    return view


class SessionAnswerButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:session:{run:int}:{step:int}"),
):
    def __init__(self, run_id: int, step: int) -> None:
        self.run_id, self.step = run_id, step
        super().__init__(
            discord.ui.Button(
                label="Answer",
                emoji="✍️",
                style=discord.ButtonStyle.primary,
                custom_id=self.spec.build(run=run_id, step=step),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction)
        session = service_of(interaction).session
        mine = await session.previous_answer(couple, self.run_id, self.step, interaction.user.id)
        asked = await session.step(couple, self.run_id, self.step)
        await SessionModal(self.run_id, self.step, mine, asked).open(interaction)


class SessionModal(PersistentModal, custom_id=CustomId("closer:modal:session:{run:int}:{step:int}")):
    def __init__(self, run_id: int, step: int, previous: str | None, asked: dict[str, str]) -> None:
        super().__init__(
            title=clip(f"Step {step + 1}: {asked['title']}", 45),
            custom_id=self.spec.build(run=run_id, step=step),
        )
        self.add_item(
            discord.ui.TextInput(
                label=clip(asked["title"], 45),
                placeholder=clip(asked["prompt"], 100),
                style=discord.TextStyle.paragraph,
                custom_id="answer",
                max_length=ANSWER_LIMIT,
                default=previous,
            )
        )

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction)
        session = service_of(interaction).session
        step = int(key["step"])
        answered = await session.answer(
            couple, int(key["run"]), step, interaction.user.id, values.get("answer", "")
        )
        # Defer first: the edits and the reveal below are several requests.
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not answered.both:
            if interaction.message is not None:
                day = session_day(answered.run, answered.ritual)
                await interaction.message.edit(embed=embeds.step_embed(couple, step, answered.answers, day))
            await interaction.followup.send(
                f"Saved ✍️ It shows when {couple.other(interaction.user.id).display_name} has answered too. "
                "You can change it until then.",
                ephemeral=True,
            )
            return
        await session.close(couple, answered, step, *posted_from(interaction))
        await interaction.followup.send("Saved ✍️ You've both answered: here they are.", ephemeral=True)


def posted_from(interaction: discord.Interaction) -> tuple[int | None, int | None]:
    """The channel and message the answer came from: the reveal closes that post."""
    return interaction.channel_id, interaction.message.id if interaction.message is not None else None


# -- gratitude ------------------------------------------------------------------------------------


def gratitude_view(run_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(GratitudeButton(run_id))
    return view


class GratitudeButton(
    SafeCallback, discord.ui.DynamicItem[discord.ui.Button], custom_id=CustomId("closer:gratitude:{run:int}")
):
    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        super().__init__(
            discord.ui.Button(
                label="Share mine",
                emoji="🙏",
                style=discord.ButtonStyle.primary,
                custom_id=self.spec.build(run=run_id),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction)
        await service_of(interaction).gratitude.check_open(couple, self.run_id)
        await GratitudeModal(self.run_id).open(interaction)


class GratitudeModal(
    PersistentModal,
    title="Three things I'm grateful for",
    custom_id=CustomId("closer:modal:gratitude:{run:int}"),
):
    def __init__(self, run_id: int) -> None:
        super().__init__(custom_id=self.spec.build(run=run_id))
        for index, label in enumerate(embeds.prompts("gratitude")["fields"]):
            self.add_item(
                discord.ui.TextInput(label=clip(label, 45), custom_id=f"g{index}", max_length=GRATITUDE_LIMIT)
            )

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction)
        gratitude = service_of(interaction).gratitude
        things = [values.get(f"g{i}", "") for i in range(3)]
        answered = await gratitude.share(couple, int(key["run"]), interaction.user.id, things)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not answered.both:
            if interaction.message is not None:
                card = embeds.gratitude_embed(couple, answered.answers, answered.ritual.message)
                await interaction.message.edit(embed=card)
            await interaction.followup.send(
                f"Saved 🙏 Both lists show once {couple.other(interaction.user.id).display_name} has shared too.",
                ephemeral=True,
            )
            return
        await gratitude.close(couple, answered, *posted_from(interaction))
        await interaction.followup.send("Saved 🙏 You've both shared: here they are.", ephemeral=True)


# -- goodnight ------------------------------------------------------------------------------------


def goodnight_view(guild_id: int, notes: Sequence[int] = ()) -> discord.ui.View:
    """Write a note, or one of tonight's ready-made ``notes`` (indexes into the notes list)."""
    view = discord.ui.View(timeout=None)
    view.add_item(GoodnightButton(guild_id, "write"))
    for index in notes:
        view.add_item(GoodnightNoteButton(guild_id, index))
    return view


class GoodnightButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:goodnight:{guild:int}:{choice}", choice=r"write|q\d"),
):
    """Write a note; ``q0``-``q2``: the first releases' three quick notes (still working)."""

    def __init__(self, guild_id: int, choice: str) -> None:
        self.guild_id, self.choice = guild_id, choice
        if choice == "write":
            label, style = "Write a goodnight note", discord.ButtonStyle.primary
        else:
            label, style = clip(embeds.quick_notes()[int(choice[1:])], 80), discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=self.spec.build(guild=guild_id, choice=choice)
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction, guild_id=self.guild_id)
        if self.choice == "write":
            await GoodnightModal(self.guild_id).open(interaction)
            return
        goodnight = service_of(interaction).goodnight
        await send_goodnight(interaction, couple, goodnight.quick_note(int(self.choice[1:])))


class GoodnightNoteButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:goodnight:{guild:int}:note:{index:int}"),
):
    """One of the ready-made goodnight notes, sent with one tap."""

    def __init__(self, guild_id: int, index: int) -> None:
        self.guild_id, self.index = guild_id, index
        notes = embeds.goodnight_notes()
        label = notes[index] if index < len(notes) else "Goodnight 🌙"
        super().__init__(
            discord.ui.Button(
                label=clip(label, 80),
                style=discord.ButtonStyle.secondary,
                custom_id=self.spec.build(guild=guild_id, index=index),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction, guild_id=self.guild_id)
        await send_goodnight(interaction, couple, service_of(interaction).goodnight.ready_note(self.index))


class GoodnightModal(
    PersistentModal, title="A goodnight note", custom_id=CustomId("closer:modal:goodnight:{guild:int}")
):
    note: discord.ui.TextInput[GoodnightModal] = discord.ui.TextInput(
        label="Your note", style=discord.TextStyle.paragraph, custom_id="note", max_length=GOODNIGHT_LIMIT
    )

    def __init__(self, guild_id: int) -> None:
        super().__init__(custom_id=self.spec.build(guild=guild_id))

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction, guild_id=int(key["guild"]))
        note = service_of(interaction).goodnight.written_note(values.get("note", ""))
        await send_goodnight(interaction, couple, note)


async def send_goodnight(interaction: discord.Interaction, couple: Couple, note: str) -> None:
    """Keep the note and send it on its way to the other partner; say when it reaches them."""
    await interaction.response.defer(ephemeral=True, thinking=True)  # the note goes out first
    goodnight = service_of(interaction).goodnight
    reply = await goodnight.send(couple, interaction.user.id, note)
    await interaction.followup.send(reply, ephemeral=True)


COMPONENTS = Components(step=step_view, gratitude=gratitude_view, goodnight=goodnight_view)
ITEMS = (SessionAnswerButton, GratitudeButton, GoodnightButton, GoodnightNoteButton)
MODALS = (SessionModal, GratitudeModal, GoodnightModal)
