"""/help: what Closer does and its commands, generated from the command tree so it never drifts."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.client import CloserBot
from bot.feature import Feature
from bot.ui.embeds import FIELD_VALUE_LIMIT, FIELDS_LIMIT, chunks, embed

ABOUT = (
    "Closer keeps long-distance partners close, each in their own time zone: a daily question you "
    "both answer (revealed when you both have), a gentle check-in each evening, a shared memory "
    "book, rituals, and reminders before your call nights.\n\n"
    "Start with `/couple setup` in the server you share. Only the two of you can use Closer there; "
    "personal replies are visible only to you.\n\n"
    "Posts in your shared channel come when you're both awake, and personal messages wait for your "
    "quiet hours to end. `/couple status` shows what comes when, in both your times; "
    "`/couple quiet` sets your quiet hours."
)


def command_lines(tree: app_commands.CommandTree) -> list[tuple[str, list[str]]]:
    """(section, lines) for every command in the tree, in the order they were added."""
    sections: list[tuple[str, list[str]]] = []
    singles: list[str] = []
    for command in tree.get_commands(type=discord.AppCommandType.chat_input):
        if isinstance(command, app_commands.Group):
            lines = [
                f"`/{sub.qualified_name}` {sub.description}"
                for sub in command.walk_commands()
                if isinstance(sub, app_commands.Command)
            ]
            sections.append((f"/{command.name}: {command.description}", lines))
        else:
            singles.append(f"`/{command.qualified_name}` {command.description}")
    menus = [
        f"Message menu **{c.name}**"
        if c.type is discord.AppCommandType.message
        else f"User menu **{c.name}**"
        for c in tree.get_commands(type=discord.AppCommandType.message)
        + tree.get_commands(type=discord.AppCommandType.user)
    ]
    if singles or menus:
        sections.append(("More", singles + menus))
    return sections


def help_embed(tree: app_commands.CommandTree) -> discord.Embed:
    card = embed("Closer", ABOUT)
    for name, lines in command_lines(tree):
        for index, piece in enumerate(chunks("\n".join(lines), FIELD_VALUE_LIMIT)):
            if len(card.fields) < FIELDS_LIMIT:
                card.add_field(name=name if index == 0 else f"{name} (more)", value=piece, inline=False)
    return card


class HelpCog(Feature):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction) -> None:
        """What Closer does, and its commands."""
        await interaction.response.send_message(embed=help_embed(self.bot.tree), ephemeral=True)


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(HelpCog(bot))
