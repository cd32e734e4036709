"""What a partner typed, checked: a memory's title, date, description and tags (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import discord

from bot.db.models import Couple, Partner
from bot.db.repositories.memories import (
    DESCRIPTION_LIMIT,
    TAG_LIMIT,
    TAGS_LIMIT,
    TITLE_LIMIT,
    normalise_tags,
)
from bot.errors import UserError
from bot.timeutil import local_date, parse_date
from bot.ui.embeds import clip

EARLIEST_YEAR = 1900
DATE_HELP = "Use YYYY-MM-DD, `today` or `yesterday`"


def clean_title(text: str) -> str:
    title = " ".join((text or "").replace("\x00", " ").split())  # SQLite's length() stops at a NUL
    if not title:
        raise UserError("A memory needs a title, like `Our first video call`.")
    if len(title) > TITLE_LIMIT:
        raise UserError(
            f"Titles can be up to {TITLE_LIMIT} characters; yours has {len(title)}. "
            "Put the rest in the description."
        )
    return title


def clean_description(text: str | None) -> str:
    description = (text or "").strip()
    if len(description) > DESCRIPTION_LIMIT:
        raise UserError(
            f"Descriptions can be up to {DESCRIPTION_LIMIT:,} characters; yours has {len(description):,}."
        )
    return description


def clean_tags(text: str | None) -> tuple[str, ...]:
    tags = normalise_tags(text or "")
    long = [t for t in tags if len(t) > TAG_LIMIT]
    if long:
        raise UserError(f"Tags can be up to {TAG_LIMIT} characters; `{clip(long[0], 40)}` is longer.")
    if len(tags) > TAGS_LIMIT:
        raise UserError(f"A memory can have up to {TAGS_LIMIT} tags; you gave {len(tags)}.")
    return tags


def memory_date(text: str | None, today: date) -> date:
    """A memory's date: YYYY-MM-DD, "today" or "yesterday"; never in the future."""
    if not (text or "").strip():
        return today
    day = parse_date(text or "", today)
    if day > today:
        raise UserError(
            f"{day:%Y-%m-%d} is in the future: a memory is something that already happened. "
            f"{DATE_HELP}, like `{today:%Y-%m-%d}`."
        )
    if day.year < EARLIEST_YEAR:
        raise UserError(f"{day:%Y-%m-%d} is a little too long ago. {DATE_HELP}, like `{today:%Y-%m-%d}`.")
    return day


@dataclass(frozen=True, slots=True)
class Entry:
    """What a partner wrote for a memory, checked."""

    title: str
    happened_on: date
    description: str
    tags: tuple[str, ...]


def entry(
    today: date, title: str | None, day: str | None, description: str | None, tags: str | None
) -> Entry:
    """A memory's fields from a command or a form, checked in this order (the first problem
    found is the one reported)."""
    return Entry(
        title=clean_title(title or ""),
        happened_on=memory_date(day, today),
        description=clean_description(description),
        tags=clean_tags(tags),
    )


def today_for(couple: Couple, partner: Partner, now: datetime) -> date:
    return local_date(now, couple.zone_of(partner, now))


def message_text(message: discord.Message) -> str:
    """What a message says: its text, then its embeds' text (a bot's post is mostly embeds)."""
    parts = [message.content.strip()] if message.content and message.content.strip() else []
    for item in message.embeds:
        pieces = [item.title or "", item.description or ""]
        pieces += [f"{f.name}: {f.value}" for f in item.fields]
        text = "\n".join(p for p in pieces if p and p.strip())
        if text:
            parts.append(text)
    return "\n\n".join(parts)


def draft_title(quote: str, author_name: str) -> str:
    first = next((line.strip() for line in quote.splitlines() if line.strip()), "")
    if not first:
        return clip(f"A message from {author_name}", TITLE_LIMIT)
    return clip(" ".join(first.split()), TITLE_LIMIT)
