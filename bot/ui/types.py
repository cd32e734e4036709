"""The shapes features hand the registry for confirmations and paginated lists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import discord


@dataclass
class Page:
    embed: discord.Embed
    page: int  # zero-based, already clamped to the available pages
    pages: int
    files: Sequence[discord.File] = field(default_factory=list)


# source(interaction, page, arg) -> the page to show
PageSource = Callable[[discord.Interaction, int, str], Awaitable[Page]]
# handler(interaction, arg) -> the sentence that replaces the confirmation message
ConfirmHandler = Callable[[discord.Interaction, str], Awaitable[str]]
