"""How letters read (pure text, no I/O). What the recipient sees of a letter still waiting is
only its occasion and when it was written (a sealed one), or the day it arrives (a capsule):
never its title or text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot.db.models import Couple
from bot.db.repositories.letters import Letter
from bot.timeutil import discord_timestamp
from bot.ui.embeds import clip, embed

LIST_TEXT = 700  # characters of a received letter shown in /letter list (all of it with /letter read)
PREVIEW = 120  # of a letter you wrote


def day_words(letter: Letter) -> str:
    assert letter.open_on is not None
    return f"{letter.open_on:%A %d %B %Y}"


def to_open_words(letter: Letter) -> str:
    """ "to open when you miss me" / "for Thursday 24 December 2026"."""
    if letter.capsule:
        return f"for {day_words(letter)}"
    return f"to open {letter.occasion}"


def status_words(letter: Letter, couple: Couple) -> str:
    """Where a letter is, for its writer (times render in each reader's own zone)."""
    other = couple.name_of(letter.to_user)
    if letter.opened_at is not None:
        return f"Opened by {other} {discord_timestamp(letter.opened_at, 'f')}"
    if letter.delivered_at is not None:
        return f"Delivered to {other} {discord_timestamp(letter.delivered_at, 'f')}"
    if letter.capsule:
        return f"Waiting: it reaches {other} by DM on the morning of {day_words(letter)}"
    return f"Sealed: waiting for {other} to open it ({letter.occasion})"


def letter_card(letter: Letter, couple: Couple, *, late: str | None = None) -> discord.Embed:
    """A letter in full, as its recipient reads it (or its writer, in /letter read)."""
    card = embed(clip(f"💌 {letter.title}", 256), letter.body)
    card.set_author(
        name=clip(f"A letter from {couple.name_of(letter.from_user)}, {to_open_words(letter)}", 256)
    )
    card.timestamp = letter.written_at
    footer = "Written" + (" (changed later)" if letter.edited_at else "") + ". Kept in /letter list."
    if late:
        footer = f"{late} {footer}"
    card.set_footer(text=footer)
    return card


def echo_card(title: str, body: str, to_open: str) -> discord.Embed:
    """A form's text given back when it couldn't be saved, so nothing is lost."""
    card = embed(clip(f"Your letter: {title or '(no title)'}", 256), body[:4000] or "(empty)")
    card.set_footer(text=clip(f"To open: {to_open}", 2048))
    return card


def written_reply(letter: Letter, couple: Couple, arrives: datetime | None) -> str:
    other = couple.name_of(letter.to_user)
    if letter.capsule and arrives is not None:
        return (
            f"Sealed 💌 “{letter.title}” reaches {other} by DM on the morning of {day_words(letter)} "
            f"({discord_timestamp(arrives, 'f')} your time). Until then you can change or withdraw it "
            "with `/letter edit` or `/letter withdraw`."
        )
    return (
        f"Sealed 💌 {other} will find “{letter.occasion}” in `/letter open`, to open when they choose "
        "(they see only that, and when you wrote it). Until it's opened you can change or withdraw it "
        "with `/letter edit` or `/letter withdraw`."
    )


def sealed_label(letter: Letter) -> str:
    """A sealed letter in the recipient's choice: its occasion and the day it was written."""
    return clip(letter.occasion or "", 100)


def sealed_description(letter: Letter, couple: Couple, zone: ZoneInfo) -> str:
    """Who wrote it and the day they did, in the reader's zone (a select can't show timestamps)."""
    return f"from {couple.name_of(letter.from_user)}, written {letter.written_at.astimezone(zone):%d %b %Y}"


def open_card(sealed: list[Letter], coming: list[Letter], couple: Couple, zone: ZoneInfo) -> discord.Embed:
    """/letter open: the sealed letters waiting (occasion and day written), and capsules coming."""
    lines = [
        f"• **{letter.occasion}** · {sealed_description(letter, couple, zone)}" for letter in sealed[:25]
    ]
    if len(sealed) > 25:
        lines.append(f"…and {len(sealed) - 25} more: open some first to see the rest.")
    text = "\n".join(lines) if lines else "No sealed letters are waiting for you right now."
    if coming:
        text += "\n\n**On their way**\n" + "\n".join(
            f"• a letter from {couple.name_of(c.from_user)} arrives on {day_words(c)}" for c in coming[:10]
        )
    if sealed:
        text += "\n\nChoose one below when the moment is right: it comes to you by DM."
    return embed("💌 Letters for you", text)


def nothing_sealed(couple: Couple, writer_id: int) -> str:
    return (
        f"There are no sealed letters for you right now. When {couple.name_of(writer_id)} writes one, "
        "it waits here for you. You can write one too, with `/letter write`."
    )


def quoted(occasions: list[str]) -> str:
    """ "'a'", "'a' and 'b'", "'a', 'b' and 'c'"."""
    parts = [f"'{o}'" for o in occasions]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def opened_notice(couple: Couple, letters: list[Letter]) -> str:
    """What the writer is told, once: who opened which letters (never their text)."""
    who = couple.name_of(letters[0].to_user)
    if len(letters) == 1:
        letter = letters[0]
        return (
            f"💌 {who} opened '{letter.occasion}' (your letter “{letter.title}”). It stays in `/letter list`."
        )
    return f"💌 {who} opened {quoted([letter.occasion or '' for letter in letters])}. They stay in `/letter list`."


def sealed_notice(couple: Couple, letters: list[Letter]) -> str:
    """What the recipient is told of new sealed letters: their occasions only."""
    who = couple.name_of(letters[0].from_user)
    occasions = quoted([letter.occasion or "" for letter in letters])
    if len(letters) == 1:
        return f"💌 {who} left you a sealed letter: {occasions}. Open it with `/letter open` when the moment is right."
    return (
        f"💌 {who} left you {len(letters)} sealed letters: {occasions}. "
        "Open them with `/letter open` when the moment is right."
    )


def closed_dms_note(couple: Couple, letter: Letter) -> str:
    """In the shared channel when a capsule's recipient has DMs closed: no title, no text."""
    return (
        f"💌 A letter from {couple.name_of(letter.from_user)} arrived for you today. Your DMs are closed "
        "to me, so read it with `/letter list` (only you can see it there)."
    )


def list_entry(letter: Letter, couple: Couple, viewer: int) -> tuple[str, str]:
    """A letter in /letter list, as (field name, value)."""
    if letter.from_user == viewer:
        name = clip(f"✉️ To {couple.name_of(letter.to_user)}: {letter.title}", 256)
        value = f"{status_words(letter, couple)}\nWritten {discord_timestamp(letter.written_at, 'f')}"
        value += f"\n> {clip(' '.join(letter.body.split()), PREVIEW)}"
        return name, clip(value, 1024)
    read_at = letter.read_at
    assert read_at is not None
    how = "opened" if letter.opened_at else "arrived"
    name = clip(f"💌 From {couple.name_of(letter.from_user)}: {letter.title}", 256)
    value = f"{to_open_words(letter).capitalize()} · {how} {discord_timestamp(read_at, 'f')}\n"
    value += clip(letter.body, LIST_TEXT)
    return name, clip(value, 1024)


def choice_name(letter: Letter, couple: Couple, viewer: int) -> str:
    """A letter in the autocomplete of /letter read, edit and withdraw."""
    if letter.from_user == viewer:
        return clip(f"To {couple.name_of(letter.to_user)}: {letter.title} ({to_open_words(letter)})", 100)
    return clip(f"From {couple.name_of(letter.from_user)}: {letter.title}", 100)
