"""Slash-command option types: zones (with autocomplete), clock times, dates.

Each transformer says ``what`` it reads and gives an ``example``: when a value can't be read, the
error boundary (:mod:`bot.errors`) names the option and shows the example.
"""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from bot.checks import bot_of
from bot.timeutil import parse_clock
from bot.zones import resolve_zone, suggest_zones


async def zone_choices(interaction: discord.Interaction, value: str) -> list[app_commands.Choice[str]]:
    """Up to 25 zones matching what was typed (a city or a zone name), as every zone option offers."""
    now = bot_of(interaction).clock.now()
    return [app_commands.Choice(name=label, value=key) for label, key in suggest_zones(value, now)]


class ZoneTransformer(app_commands.Transformer):
    """An IANA zone typed as a city or a zone name; suggests up to 25 as you type."""

    what = "a time zone"
    example = "Berlin"

    async def transform(self, interaction: discord.Interaction, value: str) -> ZoneInfo:
        return resolve_zone(value)

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        return await zone_choices(interaction, value)


class ClockTransformer(app_commands.Transformer):
    """A local wall time: "20:00", "8:30", "8pm"."""

    what = "a time"
    example = "20:30"

    async def transform(self, interaction: discord.Interaction, value: str) -> time:
        return parse_clock(value)


Zone = app_commands.Transform[ZoneInfo, ZoneTransformer]
Clock = app_commands.Transform[time, ClockTransformer]
