"""Pure builders of the rituals' posts: the session's steps, reveals and recap, gratitude,
goodnight, custom, and the /ritual list page. No I/O but reading the prompts (``data/rituals.toml``).

What changes from one time to the next is drawn by date, so it is the same wherever it is shown
(a step's post, its form, a retried post) and never repeats soon: each session step's prompt from
its pool (a weekly session meets each prompt once in 12 weeks), the goodnight reminder's words and
its quick notes (see :func:`session_steps`, :func:`goodnight_reminder`, :func:`note_choices`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import discord

from bot.content import load
from bot.db.models import Couple
from bot.db.repositories.rituals import Ritual, RitualAnswer
from bot.timeutil import discord_timestamp
from bot.ui.embeds import add_long_field, clip, embed

NO_RITUALS = (
    "No rituals yet. Add one with `/ritual add`: a weekly check-in session, gratitude, goodnight or your own."
)


def prompts(name: str) -> dict[str, Any]:
    found: dict[str, Any] = load("rituals")[name]
    return found


# Quick notes under one goodnight reminder.
NOTES_SHOWN = 3


def session_steps(on: date | None = None) -> list[dict[str, str]]:
    """The session's steps (title and prompt); ``on`` a date, each step's prompt comes from its
    pool in turn by that date. Sessions a week apart move seven places on, and 7 and a pool of 12
    share no factor, so a weekly session meets each prompt once in 12 weeks."""
    steps = [dict(step) for step in prompts("weekly_checkin")["steps"]]
    if on is None:
        return steps
    pools = list(prompts("weekly_checkin").get("pools", []))
    for index, step in enumerate(steps):
        pool = list(pools[index]["prompts"]) if index < len(pools) else []
        if pool:
            step["prompt"] = pool[on.toordinal() % len(pool)]
    return steps


def mentions(couple: Couple) -> str:
    return " ".join(p.mention for p in couple.partners)


def name_of(couple: Couple, user_id: int) -> str:
    partner = couple.partner(user_id)
    return partner.display_name if partner else f"<@{user_id}>"


def waiting_line(couple: Couple, answers: Sequence[RitualAnswer]) -> str:
    answered = {a.user_id for a in answers}
    done = [p.display_name for p in couple.partners if p.user_id in answered]
    waiting = [p.display_name for p in couple.partners if p.user_id not in answered]
    parts = []
    if done:
        parts.append("Answered: " + ", ".join(done))
    if waiting:
        parts.append("Waiting for: " + ", ".join(waiting))
    return " · ".join(parts)


def add_note(card: discord.Embed, message: str | None) -> None:
    """The couple's own note on a ritual, as a field."""
    if message:
        card.add_field(name="A note from you two", value=clip(message, 1024), inline=False)


# -- the weekly check-in session ------------------------------------------------------------------


def session_intro(message: str | None) -> discord.Embed:
    intro = embed("Weekly check-in 💬", prompts("weekly_checkin")["intro"])
    add_note(intro, message)
    intro.add_field(
        name="Tonight's steps",
        value="\n".join(f"{i + 1}. {s['title']}" for i, s in enumerate(session_steps())),
        inline=False,
    )
    return intro


def thread_name(local: datetime) -> str:
    return f"Weekly check-in · {local:%d %b %Y}"


def step_embed(
    couple: Couple, step: int, answers: Sequence[RitualAnswer], on: date | None = None
) -> discord.Embed:
    steps = session_steps(on)
    card = embed(f"Step {step + 1} of {len(steps)} · {steps[step]['title']}", steps[step]["prompt"])
    card.set_footer(text=waiting_line(couple, answers) + " · answers show when you've both replied")
    return card


def step_reveal(couple: Couple, step: int, answers: Sequence[RitualAnswer]) -> discord.Embed:
    """Both answered a step: both answers."""
    reveal = embed(f"Step {step + 1} · {session_steps()[step]['title']}")
    for answer in answers:
        add_long_field(reveal, name_of(couple, answer.user_id), answer.answer)
    return reveal


def recap_cards(couple: Couple, answers: Sequence[RitualAnswer]) -> list[discord.Embed]:
    """The whole session after its last step: every step with both answers."""
    cards = [embed("Recap of this week's check-in 💞", prompts("weekly_checkin")["recap"])]
    for index, step in enumerate(session_steps()):
        card = embed(f"{index + 1}. {step['title']}")
        for answer in (a for a in answers if a.step == index):
            add_long_field(card, name_of(couple, answer.user_id), answer.answer)
        cards.append(card)
    return cards


# -- gratitude ------------------------------------------------------------------------------------


def gratitude_embed(couple: Couple, answers: Sequence[RitualAnswer], message: str | None) -> discord.Embed:
    card = embed("Gratitude 🙏", prompts("gratitude")["intro"])
    add_note(card, message)
    card.set_footer(text=waiting_line(couple, answers))
    return card


def gratitude_reveal(couple: Couple, answers: Sequence[RitualAnswer]) -> discord.Embed:
    """Both shared: both lists together."""
    reveal = embed("What you're grateful for 💞")
    for answer in answers:
        lines = "\n".join(f"{i + 1}. {line}" for i, line in enumerate(answer.answer.split("\n")))
        add_long_field(reveal, name_of(couple, answer.user_id), lines)
    return reveal


# -- goodnight and custom -------------------------------------------------------------------------


def goodnight_reminder(partner_name: str, message: str | None, on: date | None = None, turn: int = 0) -> str:
    """The bedtime reminder: one of the ``reminders`` by date (``turn`` sets the partners a few
    places apart, so they don't read the same words), with the couple's own note."""
    reminders = list(prompts("goodnight").get("reminders") or [prompts("goodnight")["reminder"]])
    index = 0 if on is None else (on.toordinal() + 11 * turn) % len(reminders)
    text: str = reminders[index].format(partner=partner_name)
    if message:
        text += f"\n> {clip(message, 300)}"
    return text


def quick_notes() -> list[str]:
    """The notes of the first releases' buttons (``q0``-``q2``): kept so those buttons still work."""
    return list(prompts("goodnight")["quick"])


def goodnight_notes() -> list[str]:
    """The ready-made notes the reminder's buttons offer, a few each night."""
    return list(prompts("goodnight")["notes"])


def note_choices(on: date, turn: int = 0) -> list[int]:
    """The quick notes offered on ``on``: the next few of the list each night, so a note comes
    back only after every other one has been offered (``turn`` sets the partners apart)."""
    count = len(goodnight_notes())
    first = (on.toordinal() * NOTES_SHOWN + 13 * turn) % count
    return [(first + i) % count for i in range(min(NOTES_SHOWN, count))]


def goodnight_card(sender_name: str, note: str) -> discord.Embed:
    return embed(f"🌙 Goodnight from {sender_name}", note)


def custom_card(ritual: Ritual) -> discord.Embed:
    """A custom ritual's post: its own words (a short one as the title)."""
    words = " ".join((ritual.message or "").split())
    if not words:
        return embed("A moment for the two of you 💞", "One of your rituals: take a minute for each other.")
    if len(words) <= 200 and "\n" not in (ritual.message or ""):
        return embed(f"💞 {words}")
    return embed("A moment for the two of you 💞", clip(ritual.message or "", 4000))


# -- /ritual list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One ritual as /ritual list shows it."""

    ritual: Ritual
    label: str
    when: str
    next_at: datetime | None


def entry_line(entry: Entry) -> str:
    ritual = entry.ritual
    line = f"**#{ritual.id} {entry.label}** · {entry.when}"
    if ritual.paused:
        line += " · ⏸️ paused"
    elif entry.next_at:
        line += f" · next {discord_timestamp(entry.next_at, 'R')}"
    if ritual.message and ritual.template == "custom":
        line += f"\n> {clip(ritual.message, 80)}"
    return line


def list_embed(entries: Sequence[Entry], page: int, pages: int) -> discord.Embed:
    card = embed("Your rituals")
    if entries:
        card.description = "\n".join(entry_line(e) for e in entries)
    else:
        card.description = NO_RITUALS
    card.set_footer(text=f"Page {page + 1} of {pages} · pause, resume or remove by id")
    return card
