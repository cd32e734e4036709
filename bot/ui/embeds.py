"""Embed helpers that stay inside Discord's limits."""

from __future__ import annotations

from collections.abc import Iterable

import discord

COLOUR = discord.Colour(0xE86A92)  # a warm rose
MUTED = discord.Colour(0x99AAB5)

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_LIMIT = 25
EMBED_TOTAL_LIMIT = 6000


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis when it had to be cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def embed(title: str | None = None, description: str | None = None, **kwargs: object) -> discord.Embed:
    return discord.Embed(
        title=clip(title, TITLE_LIMIT) if title else None,
        description=clip(description, DESCRIPTION_LIMIT) if description else None,
        colour=kwargs.pop("colour", COLOUR),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def chunks(text: str, size: int) -> list[str]:
    """Split ``text`` into pieces of at most ``size`` characters, preferring line and word breaks."""
    pieces: list[str] = []
    rest = text
    while len(rest) > size:
        cut = rest.rfind("\n", 0, size)
        if cut < size // 2:
            cut = rest.rfind(" ", 0, size)
        if cut < size // 2:
            cut = size
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n") if rest[cut : cut + 1] == "\n" else rest[cut:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def add_long_field(target: discord.Embed, name: str, value: str) -> None:
    """Add ``value`` in full, across as many fields as it needs ("name", "name (cont.)")."""
    for index, piece in enumerate(chunks(value or "-", FIELD_VALUE_LIMIT)):
        label = name if index == 0 else f"{name} (cont.)"
        target.add_field(name=clip(label, FIELD_NAME_LIMIT), value=piece or "-", inline=False)


def embed_size(target: discord.Embed) -> int:
    total = len(target.title or "") + len(target.description or "")
    total += len(target.footer.text or "") + len(target.author.name or "")
    for field in target.fields:
        total += len(field.name or "") + len(field.value or "")
    return total


def pack(embeds: Iterable[discord.Embed], per_message: int = 10) -> list[list[discord.Embed]]:
    """Group embeds into messages that respect the 10-embed and 6,000-character limits."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for item in embeds:
        item_size = embed_size(item)
        if current and (len(current) >= per_message or size + item_size > EMBED_TOTAL_LIMIT):
            messages.append(current)
            current, size = [], 0
        current.append(item)
        size += item_size
    if current:
        messages.append(current)
    return messages
