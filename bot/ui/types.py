"""The shapes features hand the registry for confirmations and paginated lists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

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


class Handlers(Protocol):
    """Where buttons find the handlers features registered (the bot's registry)."""

    @property
    def confirmations(self) -> Mapping[str, ConfirmHandler]: ...

    @property
    def pages(self) -> Mapping[str, PageSource]: ...


def handlers_of(client: discord.Client) -> Handlers:
    """The registered handlers of the bot behind an interaction (``interaction.client``)."""
    registry = getattr(client, "registry", None)
    if registry is None or not hasattr(registry, "confirmations") or not hasattr(registry, "pages"):
        raise RuntimeError("this client has no Closer registry")
    return registry  # type: ignore[no-any-return]
