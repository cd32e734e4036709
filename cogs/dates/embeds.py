"""How special dates read (pure text and embeds, no I/O)."""

from __future__ import annotations

from datetime import date, datetime

import discord

from bot.db.repositories.dates import SpecialDate
from bot.planning import countdown_phrase, plural
from bot.ui.embeds import embed
from cogs.dates.rules import date_zone, years_on

KIND_ICONS = {"anniversary": "💞", "birthday": "🎂", "other": "🗓️"}


def day_month(day: date) -> str:
    return f"{day.day} {day:%B}"


def occurrence_text(special: SpecialDate, day: date) -> str:
    """ "**Our anniversary** · 7 years" for the date's occurrence on ``day``."""
    text = f"{KIND_ICONS.get(special.kind, '🗓️')} **{special.label}**"
    years = years_on(special.year, day)
    if years is not None:
        text += f" · {plural(years, 'year')}"
    return text


def first_written(special: SpecialDate) -> str:
    written = f"{special.day} {date(2000, special.month, special.day):%B}"
    return f"{written} {special.year}" if special.year else written


def date_line(special: SpecialDate, day: date, now: datetime) -> str:
    """The date's next occurrence ``day``, and how far off it is."""
    today = now.astimezone(date_zone(special)).date()
    return f"{occurrence_text(special, day)} · {day_month(day)}, {countdown_phrase((day - today).days)}"


def added_reply(special: SpecialDate, upcoming: date, today: date) -> str:
    reply = (
        f"Added #{special.id}: {occurrence_text(special, upcoming)} on {day_month(upcoming)}, "
        f"{countdown_phrase((upcoming - today).days)}. I'll remind you both the day before and on the day."
    )
    if special.month == 2 and special.day == 29:
        reply += " In years without 29 February it's celebrated on the 28th."
    return reply


def reminder_card(special: SpecialDate, day: date, which: str) -> discord.Embed:
    """The post the day before (``which`` "eve") or on the day of the date's occurrence ``day``."""
    what = occurrence_text(special, day)
    if which == "eve":
        card = embed("Tomorrow 🗓️", f"{what}\nTomorrow, {day_month(day)}. A little something ready?")
    else:
        greeting = {"anniversary": "Happy anniversary!", "birthday": "Happy birthday!"}.get(
            special.kind, "Today!"
        )
        card = embed(f"{greeting} 🎉", f"{what}\nToday, {day_month(day)}.")
    if special.month == 2 and special.day == 29 and day.day == 28:
        card.set_footer(text="No 29 February this year, so it's celebrated today.")
    return card
