"""What check-ins say: the ask, the saved check-in, the news for the partner, ideas and notes.

Pure builders of text and embeds (no I/O); the wording lives in ``data/checkin.toml`` and
``data/empathy.toml``. Copy follows the mood: a low check-in gets a gentle reply, never a cheer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import discord

from bot.content import load
from bot.db.models import Partner
from bot.db.repositories.checkins import LOVE_LANGUAGES, CheckIn, Sharing
from bot.moods import MOODS
from bot.timeutil import discord_timestamp
from bot.ui.embeds import embed
from cogs.checkins.rules import News, Telling, band, is_low, pick

# The footer that marks the check-in's own part of a DM it shares with something else (the
# evening's question nudge, a partner's news): pressing a mood there changes only that part.
OWN_FOOTER = "Your check-in"


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
    """The answer to ``/checkin sharing``: what the other partner sees from now on."""
    name = other.display_name
    sees = {
        Sharing.FULL: "your mood and your note",
        Sharing.MOOD: "your mood only (notes stay with you)",
        Sharing.NOTHING: "nothing (your check-ins stay private)",
    }[level]
    extra = {
        Sharing.FULL: f"{name} hears your mood and note once a day, and gets ideas on a hard day.",
        Sharing.MOOD: f"{name} hears your mood (not your note) once a day, and gets ideas on a hard day.",
        Sharing.NOTHING: f"From now on, today's check-in included, {name} learns nothing about your "
        "check-ins: no messages, no chart line, no averages.",
    }[level]
    kept = (
        " Days you kept private stay private."
        if level is not Sharing.NOTHING
        else " What you shared before stays as it was."
    )
    return f"Sharing set: {name} sees {sees}. {extra}{kept}"


def quote(text: str) -> str:
    """``text`` as a block quote, for embed descriptions (room for a marker on every line)."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def block(text: str) -> str:
    """``text`` quoted to the end of a message: four characters, whatever its number of lines."""
    return f">>> {text}"


def ask_content(question: str, level: Sharing, other: Partner) -> str:
    return f"🌙 **{question}**\n-# {scale_line()}\n-# {sharing_hint(level, other)} `/checkin sharing` changes it."


def ask_embed(question: str, level: Sharing, other: Partner, day: date) -> discord.Embed:
    """The ask as a part of another DM (the evening's one message): the question and the scale."""
    card = embed(
        f"🌙 {question}",
        f"{scale_line()}\n-# {sharing_hint(level, other)} `/checkin sharing` changes it.",
    )
    card.set_footer(text=f"{OWN_FOOTER} for {day:%A %d %b}")
    return card


def thanks(checkin: CheckIn) -> str:
    """A thank-you that follows the mood: gentle for 1-2, plain for 3, warm for 4-5."""
    return pick(texts()[f"thanks_{band(checkin.mood)}"], f"{checkin.user_id}:{checkin.day}:{checkin.mood}")


def telling_line(telling: Telling, other: Partner, now: datetime) -> str:
    """What the person checking in is told about their partner hearing of it, plainly."""
    name = other.display_name
    if telling.news is News.PRIVATE:
        return f"This check-in stays private: {name} learns nothing about it."
    if telling.news is News.TOLD:
        return (
            f"{name} has heard how you're doing today; changes now show only in your mood chart "
            "and `/couple status`, without another message."
        )
    what = "how you're doing" if telling.level is Sharing.FULL else "your mood"
    if telling.news is News.NOW:
        when = "now"
    elif telling.news is News.SOON and telling.at is not None:
        minutes = max(1, round((telling.at - now).total_seconds() / 60))
        when = f"in about {minutes} minute{'s' if minutes != 1 else ''}"
    elif telling.at is not None:
        when = discord_timestamp(telling.at, "R")
        when += ", after their quiet hours" if telling.quiet else " (Closer spaces out its messages)"
    else:
        when = "soon"
    if telling.level is Sharing.MOOD:
        tail = "; your note stays with you"
    elif telling.news is not News.SOON and telling.has_note:
        tail = ", with your note"
    elif telling.news is News.SOON:
        tail = ", with your note" + ("" if telling.has_note else " if you add one")
    else:
        tail = ""
    return f"{name} hears {what} {when}{tail}."


def languages_tip(other: Partner) -> str:
    """For a partner without love languages, on a low day: how the ideas their partner gets could fit."""
    return (
        f"{other.display_name} gets an idea for being there for you today. `/lovelanguage set` "
        "helps those ideas fit you."
    )


def saved_lines(checkin: CheckIn, telling: Telling, other: Partner, now: datetime, tip: bool) -> list[str]:
    lines = [
        thanks(checkin),
        f"-# {telling_line(telling, other, now)} You can change your mood or note until the day ends.",
    ]
    if tip:
        lines.append(f"-# {languages_tip(other)}")
    return lines


def saved_content(
    checkin: CheckIn, telling: Telling, other: Partner, now: datetime, *, tip: bool = False
) -> str:
    lines = [
        f"✅ **Checked in for today: {mood_label(checkin.mood)}**",
        *saved_lines(checkin, telling, other, now, tip),
    ]
    if checkin.note:
        lines.append(block(checkin.note))  # last: a block quote runs to the end of the message
    return "\n".join(lines)


def saved_embed(
    checkin: CheckIn, telling: Telling, other: Partner, now: datetime, *, tip: bool = False
) -> discord.Embed:
    """The saved check-in as its part of a DM it shares with something else."""
    lines = saved_lines(checkin, telling, other, now, tip)
    if checkin.note:
        lines.append(quote(checkin.note))
    card = embed(f"✅ Checked in for today: {mood_label(checkin.mood)}", "\n".join(lines))
    card.set_footer(text=f"{OWN_FOOTER} for {checkin.day:%A %d %b}")
    return card


def is_own(card: discord.Embed) -> bool:
    """Whether an embed of a DM is the check-in's own part (:data:`OWN_FOOTER`)."""
    return bool(card.footer and card.footer.text and card.footer.text.startswith(OWN_FOOTER))


def share_embed(about: Partner, checkin: CheckIn) -> discord.Embed:
    """The news for the other partner, as the check-in was shared (its own level)."""
    card = embed(f"{about.display_name} checked in: {mood_label(checkin.mood)}")
    if checkin.sharing is Sharing.FULL and checkin.note:
        card.description = quote(checkin.note)
    elif checkin.sharing is Sharing.MOOD:
        card.set_footer(text=f"{about.display_name} shares their mood only.")
    if is_low(checkin.mood) and not card.description:
        card.description = f"A harder day for {about.display_name}."
    return card


def idea_text(about: Partner, language: str | None, idea: str, theirs: tuple[str, ...]) -> str:
    """An idea for a low day, and how it fits: ``theirs`` are ``about``'s love languages (if set)."""
    text = idea.format(name=about.display_name)
    if language is not None and language in theirs:
        return text + f"\n-# Fitted to {about.display_name}'s love language: {LOVE_LANGUAGES[language]}."
    if not theirs:
        return text + f"\n-# A general idea: {about.display_name} hasn't chosen love languages yet."
    return text


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
