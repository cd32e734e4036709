"""Helpers of the emulator's own tests: a tiny discord.py bot (not Closer) and its world."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from emulator.fake import Fake
from emulator.state import Guild, User

Handler = Callable[[discord.Interaction], Awaitable[Any]]


class ConfirmView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Accept", style=discord.ButtonStyle.success, custom_id="confirm:accept")
    async def accept(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content=f"accepted by {interaction.user.name}", view=None)

    @discord.ui.button(label="Explain", custom_id="confirm:explain")
    async def explain(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(NoteModal(edit_source=True))

    @discord.ui.button(label="Later", custom_id="confirm:later")
    async def later(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="maybe later", view=None)


class ColourView(discord.ui.View):
    @discord.ui.select(
        placeholder="Pick a colour",
        custom_id="colour",
        options=[discord.SelectOption(label="Red", value="r"), discord.SelectOption(label="Blue", value="b")],
    )
    async def colour(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}")


class NoteModal(discord.ui.Modal, title="Leave a note"):
    note: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Note", max_length=200)
    mood: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Mood", required=False, custom_id="mood")

    def __init__(self, *, edit_source: bool = False) -> None:
        super().__init__()
        self.edit_source = edit_source

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = f"note: {self.note.value} ({self.mood.value or 'no mood'})"
        if self.edit_source:
            await interaction.response.edit_message(content=text, view=None)
        else:
            await interaction.response.send_message(text, ephemeral=True)


CITIES = ["Berlin", "Bern", "Bergen", "Lisbon", "Tokyo", "Toronto"]


class MiniBot(commands.Bot):
    """A small bot exercising the interaction surface. ``handler`` backs the generic /run command."""

    def __init__(self, *, intents: discord.Intents | None = None) -> None:
        if intents is None:
            intents = discord.Intents.default()
            intents.message_content = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
        self.handler: Handler | None = None
        self.seen_messages: list[discord.Message] = []
        self.events: list[str] = []
        self.errors: list[BaseException] = []

    async def setup_hook(self) -> None:
        tree = self.tree

        @tree.command(description="Answer pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

        @tree.command(description="Repeat something")
        @app_commands.describe(text="What to say", times="How often", loud="Shout?")
        async def echo(
            interaction: discord.Interaction, text: str, times: int = 1, loud: bool = False
        ) -> None:
            out = " ".join([text.upper() if loud else text] * times)
            await interaction.response.send_message(out)

        @tree.command(description="Ask for confirmation (ephemeral, with buttons)")
        async def confirm(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Are you sure?", view=ConfirmView(), ephemeral=True)

        @tree.command(description="Pick a colour")
        async def colour(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Choose:", view=ColourView())

        @tree.command(description="Open a modal")
        async def note(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(NoteModal())

        @tree.command(description="Slow work, deferred")
        async def think(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await asyncio.sleep(0.05)
            await interaction.followup.send(embed=discord.Embed(title="Done", description="thought hard"))

        @tree.command(description="Run the test's handler")
        async def run(interaction: discord.Interaction) -> None:
            assert self.handler is not None, "set bot.handler first"
            try:
                await self.handler(interaction)
            except BaseException as exc:
                self.errors.append(exc)
                raise

        @tree.command(description="Pick a city")
        async def city(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(f"city: {name}")

        @city.autocomplete("name")
        async def city_complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            if current == "many":
                return [app_commands.Choice(name=f"c{i}", value=f"c{i}") for i in range(30)]
            return [
                app_commands.Choice(name=c, value=c) for c in CITIES if c.lower().startswith(current.lower())
            ]

        @tree.command(description="Show a file's size")
        async def inspect(interaction: discord.Interaction, file: discord.Attachment) -> None:
            data = await file.read()
            await interaction.response.send_message(
                f"{file.filename}: {len(data)} bytes, {file.content_type}",
                file=discord.File(io.BytesIO(data[::-1]), filename="reversed.bin"),
            )

        @tree.command(description="Greet someone by DM")
        async def greet(
            interaction: discord.Interaction, who: discord.User, where: discord.TextChannel | None = None
        ) -> None:
            place = where.name if where else "-"
            try:
                await who.send(f"hello {who.name} from {interaction.user.name}")
            except discord.Forbidden as exc:
                await interaction.response.send_message(f"cannot DM ({exc.code})", ephemeral=True)
                return
            await interaction.response.send_message(f"greeted {who.name} ({place})", ephemeral=True)

        couple = app_commands.Group(name="couple", description="Couple settings")
        tz = app_commands.Group(name="timezone", description="Time zones", parent=couple)

        @tz.command(name="set", description="Set your time zone")
        @app_commands.choices(
            zone=[
                app_commands.Choice(name="Berlin", value="Europe/Berlin"),
                app_commands.Choice(name="Tokyo", value="Asia/Tokyo"),
            ]
        )
        async def tz_set(interaction: discord.Interaction, zone: app_commands.Choice[str]) -> None:
            await interaction.response.send_message(f"zone={zone.value}")

        tree.add_command(couple)

        @tree.context_menu(name="Save as memory")
        async def save_memory(interaction: discord.Interaction, message: discord.Message) -> None:
            names = ", ".join(a.filename for a in message.attachments) or "no files"
            await interaction.response.send_message(f"saved {message.content!r} with {names}", ephemeral=True)

        @tree.context_menu(name="Hug")
        async def hug(interaction: discord.Interaction, member: discord.Member) -> None:
            await interaction.response.send_message(f"{interaction.user.name} hugs {member.name}")

        await tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py sleeps 5 s before every re-IDENTIFY (Discord's identify rate limit); not in tests.
        return None

    async def on_message(self, message: discord.Message) -> None:
        self.seen_messages.append(message)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        self.events.append(f"join:{guild.name}")

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.events.append(f"remove:{guild.name}")

    async def on_resumed(self) -> None:
        self.events.append("resumed")


@dataclass
class World:
    alice: User
    bob: User
    home: Guild


@contextlib.asynccontextmanager
async def running(bot: commands.Bot, fake: Fake) -> AsyncIterator[asyncio.Task[None]]:
    """Start ``bot`` against ``fake``, wait until it is ready, and close it afterwards."""
    task = asyncio.create_task(bot.start(fake.token))
    try:
        await fake.wait_for_ready(task)
        yield task
    finally:
        await bot.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await task
