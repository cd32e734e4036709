"""How calls read in messages: each partner's local time, Discord timestamps for the rest.

Pure builders of text and embeds (no I/O).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import discord

from bot.db.models import Couple, Partner
from bot.db.repositories.call_rooms import Presence
from bot.db.repositories.calls import Call
from bot.planning import sleeping_partners, ts
from bot.timeutil import WEEKDAY_NAMES, format_clock
from bot.ui.embeds import FIELD_VALUE_LIMIT, chunks, clip, embed
from cogs.calls.nights import format_length, together_text
from cogs.calls.rules import (
    CallTime,
    PartnerTime,
    Shift,
    format_minutes,
    format_reminders,
    local_label,
    placed_reminders,
    reminder_times,
    shared_suggestion,
)


def times_lines(couple: Couple, start: datetime) -> str:
    """Each partner's local weekday and time for ``start``."""
    return "\n".join(
        f"**{p.display_name}**: {local_label(start, couple.zone_of(p, start))} ({couple.zone_of(p, start).key})"
        for p in couple.partners
    )


def short_times(couple: Couple, start: datetime) -> str:
    return " · ".join(
        f"{p.display_name} {local_label(start, couple.zone_of(p, start))}" for p in couple.partners
    )


def describe_call(call: Call) -> str:
    if call.weekly:
        assert call.weekday is not None
        assert call.local_time is not None
        return f"{WEEKDAY_NAMES[call.weekday].title()}s at {format_clock(call.local_time)} ({call.zone})"
    assert call.once_at is not None
    return f"one-off on {ts(call.once_at, 'f')}"


def call_title(call: Call) -> str:
    """How commands name a call (its id is what `/call cancel` and `/call skip` take)."""
    return f"#{call.id} weekly call" if call.weekly else f"#{call.id} one-off call"


def call_name(call: Call) -> str:
    """How posts in the shared channel name a call: in words, without its id."""
    return "the weekly call" if call.weekly else "the one-off call"


def until_text(now: datetime, start: datetime) -> str:
    """ "2 days 3 hours", "45 minutes": how long until ``start``."""
    minutes = max(0, int((start - now).total_seconds() // 60))
    if minutes >= 24 * 60:
        minutes -= minutes % 60  # days and hours are enough that far out
    return format_minutes(minutes) if minutes else "less than a minute"


def quiet_warning(couple: Couple, start: datetime, setter: Partner) -> str:
    """A warning when ``start`` is inside someone's quiet hours, with the nearest shared time."""
    sleepers = sleeping_partners(start, couple)
    if not sleepers:
        return ""
    names = " and ".join(f"{p.display_name}'s" for p in sleepers)
    text = f"\n⚠️ That's inside {names} quiet hours."
    better = shared_suggestion(start, couple)
    if better is not None:
        zone = couple.zone_of(setter, better)
        others = ", ".join(
            f"{local_label(better, couple.zone_of(p, better))} for {p.display_name}"
            for p in couple.partners
            if p.user_id != setter.user_id
        )
        text += (
            f" The nearest time you're both awake is **{better.astimezone(zone):%a %H:%M}** your time "
            f"({others}): {ts(better, 'F')}."
        )
    return text


def rsvp_line(couple: Couple, rsvps: dict[int, str]) -> str:
    parts = []
    for partner in couple.partners:
        answer = rsvps.get(partner.user_id)
        if answer == "yes":
            parts.append(f"✅ {partner.display_name} will be there")
        elif answer == "move":
            parts.append(f"🔁 {partner.display_name} needs to move it")
        else:
            parts.append(f"⏳ {partner.display_name} hasn't answered")
    return " · ".join(parts)


def next_line(couple: Couple, start: datetime) -> str:
    """The next call in /couple status and the digest."""
    return f"{ts(start, 'F')} ({ts(start, 'R')})\n{short_times(couple, start)}"


# -- replies and announcements -----------------------------------------------------------------


def reminders_note(couple: Couple, call: Call, first: CallTime, setter: Partner, now: datetime) -> str:
    """When the first call's reminders really come, if not at their time: they keep to when both
    are awake (or there is none, when both were never awake before it)."""
    if not call.reminders:
        return ""
    placed = [(m, w) for m, w in placed_reminders(first.start, call.reminders, couple, now) if w >= now]
    if not placed:
        return "\nThere's no time you're both awake before it, so no reminder comes in your channel."
    nominal = dict(reminder_times(first.start, call.reminders))
    moved = [when for minutes, when in placed if nominal.get(minutes) != when]
    if len(placed) == len(call.reminders) and not moved:
        return ""
    zone = couple.zone_of(setter, first.start)
    times = ", ".join(f"{when.astimezone(zone):%a %H:%M}" for _, when in placed)
    return f"\nIn your channel the reminders keep to when you're both awake: {times} your time."


def created_reply(
    headline: str, couple: Couple, call: Call, first: CallTime, setter: Partner, now: datetime
) -> str:
    text = (
        f"{headline}\nFirst: {ts(first.start, 'F')} ({ts(first.start, 'R')}).\n"
        f"{times_lines(couple, first.start)}\nReminders: {format_reminders(call.reminders)}. "
        f"Length: {format_length(call.length)}."
    )
    return (
        text + reminders_note(couple, call, first, setter, now) + quiet_warning(couple, first.start, setter)
    )


def created_notice(couple: Couple, call: Call, first: CallTime, setter: Partner, other: Partner) -> str:
    what = "a weekly video call" if call.weekly else "a video call"
    return (
        f"📞 {setter.display_name} planned {what}: {ts(first.start, 'F')} "
        f"({ts(first.start, 'R')}), that's {local_label(first.start, couple.zone_of(other, first.start))} "
        "for you."
    )


def next_card(
    couple: Couple, call: Call, item: CallTime, now: datetime, rsvps: dict[int, str], note: str | None = None
) -> discord.Embed:
    card = embed(
        "Your next call 📞",
        f"{ts(item.start, 'F')}: in {until_text(now, item.start)} ({ts(item.start, 'R')}).",
    )
    card.add_field(name="Your times", value=times_lines(couple, item.start), inline=False)
    about = describe_call(call) if call.weekly else "One-off call"
    if item.status == "moved":
        about += f" · moved from {ts(item.original, 'f')}"
    card.add_field(name=f"Call #{call.id}", value=about, inline=False)
    if note:
        card.add_field(name="Not in the server's Events", value=note, inline=False)
    card.set_footer(text=f"Reminders: {format_reminders(call.reminders)} · " + rsvp_line(couple, rsvps))
    return card


def list_entry(
    call: Call,
    item: CallTime,
    skipped: CallTime | None,
    night: Presence | None = None,
    now: datetime | None = None,
) -> str:
    line = (
        f"**{call_title(call)}** · {describe_call(call)}\nNext: {ts(item.start, 'F')} ({ts(item.start, 'R')})"
    )
    if item.status == "moved":
        line += " · moved"
    if skipped is not None and skipped.skipped:
        line += f"\n⏭️ Skipping {ts(skipped.start, 'D')}"
    if night is not None and now is not None:
        line += f"\n✅ Held {ts(night.started_at, 'D')}: {together_text(night.seconds(now))} together"
    return line + f"\nReminders: {format_reminders(call.reminders)}"


def room_reply(room: str | None, why_no_events: str | None) -> str:
    """/call room's answer: what linking (or unlinking) the room changes."""
    if room is None:
        return (
            "🔊 Your room is unlinked. Call nights work as before: the memory prompt comes an hour "
            "after the call starts."
        )
    text = (
        f"🔊 Linked **{room}** as your room. During a call night, when you're both there, Closer "
        "marks the call as held and counts your time together, reminders stop, and the memory prompt "
        "comes a few minutes after you've both left (none if you weren't there together)."
    )
    if why_no_events:
        return text + f"\n{why_no_events}"
    return text + " Your calls' events in the server's Events now point to it."


def skipped_reply(item: CallTime, following: CallTime | None) -> str:
    text = f"⏭️ Skipped the call on {ts(item.start, 'F')}."
    if following is not None:
        text += f" The next one is {ts(following.start, 'F')} ({ts(following.start, 'R')})."
    return text


def skipped_notice(partner: Partner, item: CallTime, following: CallTime | None) -> str:
    return f"⏭️ {partner.display_name} skipped the call on {ts(item.start, 'F')}." + (
        f" The next one is {ts(following.start, 'F')}." if following else ""
    )


def proposal_card(
    couple: Couple, partner: Partner, other: Partner, start: datetime, new_start: datetime, note: str | None
) -> discord.Embed:
    card = embed(
        f"🔁 {partner.display_name} needs to move the call",
        f"From {ts(start, 'F')}\nto **{ts(new_start, 'F')}** ({ts(new_start, 'R')}).",
    )
    card.add_field(name="The new time for each of you", value=times_lines(couple, new_start), inline=False)
    if note:
        for index, piece in enumerate(chunks(note, FIELD_VALUE_LIMIT)):
            card.add_field(name="Note" if index == 0 else "Note (cont.)", value=piece, inline=False)
    warning = quiet_warning(couple, new_start, other).strip()
    if warning:
        card.add_field(name="Quiet hours", value=clip(warning, 1024), inline=False)
    card.set_footer(
        text=f"Only {other.display_name} can accept or decline. Until then the call stays as it is."
    )
    return card


# -- notices of clock changes and trips --------------------------------------------------------


def shift_text(call: Call, couple: Couple, shift: Shift) -> str:
    lines = []
    for times in shift.times:
        if times.changed:
            lines.append(f"• **{times.name}**: **{times.after}** (was {times.before})")
        else:
            lines.append(f"• **{times.name}**: {times.after} (no change)")
    if shift.cause == "trip":
        traveler = couple.partner(shift.traveler or 0)
        who = traveler.display_name if traveler else "Your partner"
        intro = f"{who} is back home {ts(shift.at, 'R')} ({ts(shift.at, 'D')})."
    else:
        zones = " and ".join(f"`{z}`" for z in shift.zones)
        intro = f"The clocks change in {zones} {ts(shift.at, 'R')} ({ts(shift.at, 'D')})."
    return (
        f"{intro} From {ts(shift.after, 'F')}, your weekly call ({describe_call(call)}) is at:\n"
        + "\n".join(lines)
    )


def trip_text(couple: Couple, traveler: Partner, start: datetime, moved: PartnerTime) -> str:
    """How a partner's trip moves the call at ``start`` for them (local time away vs at home)."""
    assert traveler.travel_until is not None
    others = "\n".join(
        f"• **{p.display_name}**: {local_label(start, couple.zone_of(p, start))} (no change)"
        for p in couple.partners
        if p.user_id != traveler.user_id
    )
    return (
        f"While {traveler.display_name} is away (`{traveler.travel_zone}`, until "
        f"{ts(traveler.travel_until, 'D')}), your call {ts(start, 'F')} is at:\n"
        f"• **{traveler.display_name}**: **{moved.after}** (at home: {moved.before})\n{others}"
    )


def notice_card(title: str, text: str) -> discord.Embed:
    card = embed(title, text)
    card.set_footer(text="Discord shows every time here in your own zone.")
    return card


# -- posts before and at call time -------------------------------------------------------------


def reminder_card(couple: Couple, start: datetime, minutes: int, rsvps: dict[int, str]) -> discord.Embed:
    card = embed(
        f"📞 Video call in {format_minutes(minutes)}",
        f"Your call is {ts(start, 'F')} ({ts(start, 'R')}).",
    )
    card.add_field(name="Your times", value=times_lines(couple, start), inline=False)
    card.set_footer(text=rsvp_line(couple, rsvps))
    return card


def night_card(couple: Couple, start: datetime, idea: dict[str, Any], rsvps: dict[int, str]) -> discord.Embed:
    card = embed(
        "It's call time 📞",
        f"Your call starts {ts(start, 't')} ({ts(start, 'R')}). Something to talk about, if you like:",
    )
    card.add_field(
        name=clip(f"A shared idea: {idea['title']}", 256), value=clip(idea["text"], 1024), inline=False
    )
    if rsvps:
        card.set_footer(text=rsvp_line(couple, rsvps))
    return card


def prep_card(couple: Couple, start: datetime, idea: dict[str, Any]) -> discord.Embed:
    """The day before a call: its idea, and what to get ready for it."""
    card = embed(clip(f"Tomorrow's call idea: {idea['title']}", 256), clip(idea["text"], 1024))
    card.add_field(name="To get ready", value=clip(str(idea.get("prep", "")), 1024), inline=False)
    card.add_field(name="Your call", value=times_lines(couple, start), inline=False)
    card.set_footer(text="It comes back on the call-time card tomorrow.")
    return card


def section_embeds(sections: Sequence[tuple[str, str]], title: str = "Talking points") -> list[discord.Embed]:
    """Talking points in full, spread over as many embeds as Discord's limits need."""
    cards: list[discord.Embed] = []
    card: discord.Embed | None = None
    size = 0
    for name, text in sections:
        for index, piece in enumerate(chunks(text or "-", FIELD_VALUE_LIMIT)):
            label = clip(name if index == 0 else f"{name} (cont.)", 256)
            if card is None or len(card.fields) >= 25 or size + len(label) + len(piece) > 5500:
                card = embed(title if not cards else f"{title} (cont.)")
                cards.append(card)
                size = len(card.title or "")
            card.add_field(name=label, value=piece or "-", inline=False)
            size += len(label) + len(piece)
    return cards


def message_groups(cards: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """The cards in as few messages as Discord allows (10 embeds, 6000 characters each)."""
    groups: list[list[discord.Embed]] = []
    for item in cards:
        size = sum(len(c) for c in groups[-1]) if groups else 0
        if not groups or len(groups[-1]) >= 10 or size + len(item) > 5800:
            groups.append([])
        groups[-1].append(item)
    return groups
