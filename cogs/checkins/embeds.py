"""What check-ins say: the ask, the saved check-in, the news for the partner, ideas and notes.

Pure builders of text and embeds (no I/O); the wording lives in ``data/checkin.toml`` and
``data/empathy.toml``.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.content import load
from bot.db.models import Partner
from bot.db.repositories.checkins import LOVE_LANGUAGES, CheckIn, Sharing
from bot.moods import MOODS
from bot.ui.embeds import embed
from cogs.checkins.rules import pick


def texts() -> dict[str, Any]:
    return load("checkin")


def mood_label(mood: int) -> str:
    content = texts()
    return f"{mood}/5 {content['mood_emoji'][mood - 1]} {content['moods'][mood - 1]}"


def scale_line() -> str:
    content = texts()
    return " · ".join(
        f"{mood} {content['mood_emoji'][mood - 1]} {content['moods'][mood - 1].lower()}" for mood in MOODS
    )


def sharing_hint(level: Sharing, other: Partner) -> str:
    return {
        Sharing.FULL: f"{other.display_name} will see your mood and your note.",
        Sharing.MOOD: f"{other.display_name} will see your mood, not your note.",
        Sharing.NOTHING: "Your check-ins stay private.",
    }[level]


def sharing_set(level: Sharing, other: Partner) -> str:
    """The answer to ``/checkin sharing``: what the other partner now sees."""
    sees = {
        Sharing.FULL: "your mood and your note",
        Sharing.MOOD: "your mood only (notes stay with you)",
        Sharing.NOTHING: "nothing (your check-ins stay private)",
    }[level]
    extra = {
        Sharing.FULL: f"{other.display_name} is told your mood and note, and gets ideas on a hard day.",
        Sharing.MOOD: f"{other.display_name} is told your mood (not your note), and gets ideas on a hard day.",
        Sharing.NOTHING: f"{other.display_name} learns nothing about your check-ins: no messages, "
        "no chart line, no averages.",
    }[level]
    return f"Sharing set: {other.display_name} sees {sees}. {extra}"


def quote(text: str) -> str:
    """``text`` as a block quote, for embed descriptions (room for a marker on every line)."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def block(text: str) -> str:
    """``text`` quoted to the end of a message: four characters, whatever its number of lines."""
    return f">>> {text}"


def ask_content(question: str, level: Sharing, other: Partner) -> str:
    return f"🌙 **{question}**\n-# {scale_line()}\n-# {sharing_hint(level, other)} `/checkin sharing` changes it."


def saved_content(checkin: CheckIn, level: Sharing, other: Partner) -> str:
    thanks = pick(texts()["thanks"], f"{checkin.user_id}:{checkin.day}:{checkin.mood}")
    lines = [
        f"✅ **Checked in for today: {mood_label(checkin.mood)}**",
        thanks,
        f"-# {sharing_hint(level, other)} You can change your mood or note until the day ends.",
    ]
    if checkin.note:
        lines.append(block(checkin.note))  # last: a block quote runs to the end of the message
    return "\n".join(lines)


def share_embed(about: Partner, checkin: CheckIn, level: Sharing) -> discord.Embed:
    verb = "updated today's check-in" if checkin.told_at is not None else "checked in"
    card = embed(f"{about.display_name} {verb}: {mood_label(checkin.mood)}")
    if level is Sharing.FULL and checkin.note:
        card.description = quote(checkin.note)
    elif level is Sharing.MOOD:
        card.set_footer(text=f"{about.display_name} shares their mood only.")
    return card


def idea_text(about: Partner, language: str | None, idea: str) -> str:
    """An idea for a low day, and which love language it fits (or how to set them)."""
    text = idea.format(name=about.display_name)
    if language is None:
        return text + f"\n-# Tip: {about.display_name} can set their love languages with `/lovelanguage set`."
    return text + f"\n-# Fitted to {about.display_name}'s love language: {LOVE_LANGUAGES[language]}."


def note_embed(text: str) -> discord.Embed:
    """A gentle note after a stretch of low or silent days (only ever by DM)."""
    card = embed("💛 A gentle note", text)
    card.set_footer(text="Only you get this note. Closer sends one per stretch of days.")
    return card


def languages_line(partner: Partner, primary: str, secondary: str | None) -> str:
    names = [LOVE_LANGUAGES[primary]]
    if secondary:
        names.append(LOVE_LANGUAGES[secondary])
    return f"{partner.display_name}: {', '.join(names)}"
