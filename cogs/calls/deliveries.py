"""The posts of a call: reminders, the call-night card with talking points, the memory prompt
after the call, the evening-before idea when it needs something ready, and heads-ups about clock
changes and trips.

The night's shared idea is chosen once (the call's night row): the day before, when an idea that
needs preparing is picked it is announced then; at call time, with nothing announced, only ideas
that need nothing ready are picked.

Every delivery re-reads the call, so a skipped, moved or cancelled occurrence never posts; after
a reminder or a card the call is planned again (the next week's posts come into the window).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.content import load
from bot.db.models import Couple
from bot.db.repositories.calls import Call
from bot.planning import mentions, ts
from bot.registry import Place, Registry
from bot.scheduler import Kind, Occurrence, Sent, default_deadline
from bot.timeutil import from_unix, to_unix
from cogs.calls.embeds import (
    message_groups,
    night_card,
    notice_card,
    prep_card,
    reminder_card,
    section_embeds,
)
from cogs.calls.rules import (
    CARD_GRACE,
    KIND_AFTER,
    KIND_CALL,
    KIND_NOTICE,
    KIND_PREP,
    KIND_REMINDER,
    SAME_NIGHT,
    pick_activity,
)
from cogs.calls.service import CallService
from cogs.calls.views import memory_view, rsvp_view


class CallDeliveries:
    """The scheduler kinds of calls (``memory_book()``: whether the memory book is loaded)."""

    def __init__(self, service: CallService, registry: Registry, memory_book: Callable[[], bool]) -> None:
        self.service = service
        self.repo = service.repo
        self.planner = service.planner
        self.registry = registry
        self.memory_book = memory_book

    def kinds(self) -> tuple[Kind, ...]:
        return (
            Kind(KIND_CALL, self.deliver_call, self.card_deadline),
            Kind(KIND_REMINDER, self.deliver_reminder, self.reminder_deadline),
            Kind(KIND_AFTER, self.deliver_after),
            Kind(KIND_NOTICE, self.deliver_notice, self.notice_deadline),
            Kind(KIND_PREP, self.deliver_prep, self.reminder_deadline),
        )

    async def _live(self, occurrence: Occurrence) -> tuple[Call, datetime, datetime] | None:
        """(call, original, start) when this post still matches the call, else None."""
        call = await self.repo.get(int(occurrence.payload["call"]))
        if call is None or not call.active or occurrence.couple is None:
            return None
        if occurrence.schedule.recurring:
            original = occurrence.scheduled_at
            change = await self.repo.change(call.id, original)
            if change is not None:
                return None  # skipped, or moved (its own one-off posts it)
            return call, original, original
        original = from_unix(occurrence.payload["occurrence"])
        start = await self.service.current_start(call, original)
        if start is None or to_unix(start) != occurrence.payload["start"]:
            return None
        return call, original, start

    def card_deadline(self, occurrence: Occurrence) -> datetime:
        return occurrence.scheduled_at + CARD_GRACE

    def reminder_deadline(self, occurrence: Occurrence) -> datetime:
        return from_unix(occurrence.payload["start"])

    def notice_deadline(self, occurrence: Occurrence) -> datetime:
        until = occurrence.payload.get("until")
        return from_unix(until) if until else default_deadline(occurrence)

    async def deliver_reminder(self, occurrence: Occurrence) -> Sent | None:
        live = await self._live(occurrence)
        if live is None:
            return None
        call, original, start = live
        couple = occurrence.couple
        assert couple is not None
        room = self.planner.room
        if room is not None and await room.both_in(call, original):
            occurrence.notes.append("both were in your room already")
            return None
        # A reminder moved out of someone's quiet hours says how long it really is until the call.
        minutes = max(1, round((start - occurrence.scheduled_at).total_seconds() / 60))
        card = reminder_card(couple, start, minutes, await self.repo.rsvps(call.id, original))
        sent = await occurrence.send_channel(
            content=f"{mentions(couple)} your video call is {ts(start, 'R')} 📞",
            embed=card,
            view=rsvp_view(call.id, original),
        )
        await self.planner.replan(call, couple)
        return sent

    async def deliver_call(self, occurrence: Occurrence) -> Sent | None:
        live = await self._live(occurrence)
        if live is None:
            if occurrence.schedule.recurring:
                call = await self.repo.get(int(occurrence.payload["call"]))
                if call is not None and call.active:
                    await self.planner.replan(call, occurrence.couple)
            return None
        call, original, start = live
        couple = occurrence.couple
        assert couple is not None
        now = occurrence.now
        idea = await self.night_idea(couple, call, original, start, now, prep=False)
        card = night_card(couple, start, idea, await self.repo.rsvps(call.id, original))
        sections = await self.registry.sections(Place.TALKING_POINTS, couple, now)
        groups = message_groups([card, *section_embeds(sections)])
        sent = await occurrence.send_channel(
            content=f"{mentions(couple)} it's call time 📞", embeds=groups[0]
        )
        for index, group in enumerate(groups[1:], start=1):
            await occurrence.send_channel(embeds=group, nonce_suffix=f"t{index}")
        await self.repo.set_night_message(call.id, original, sent.message_id)
        await self.planner.replan(call, couple)
        return sent

    async def night_idea(
        self, couple: Couple, call: Call, original: datetime, start: datetime, now: datetime, *, prep: bool
    ) -> dict[str, Any]:
        """The night's shared idea, chosen once (``prep``: ideas that need something ready may be
        chosen, because they are announced now, the day before)."""
        activities = list(load("activities").get("activity", []))
        recent = await self.repo.recent_activities(couple.guild_id, max(0, min(len(activities) - 1, 20)))
        idea = pick_activity(
            activities, recent, f"{couple.guild_id}:{call.id}:{to_unix(original)}", prep=prep
        )
        night = await self.repo.start_night(
            call_id=call.id,
            guild_id=couple.guild_id,
            occurrence_at=original,
            started_at=start,
            activity=idea["title"],
            now=now,
        )
        return next((a for a in activities if a["title"] == night.activity), idea)

    async def deliver_prep(self, occurrence: Occurrence) -> Sent | None:
        """The day before: the night's idea, when it needs something ready (else nothing)."""
        live = await self._live(occurrence)
        if live is None:
            return None
        call, original, start = live
        couple = occurrence.couple
        assert couple is not None
        idea = await self.night_idea(couple, call, original, start, occurrence.now, prep=True)
        if not idea.get("prep"):
            return None
        return await occurrence.send_channel(
            content=f"{mentions(couple)} an idea for your call tomorrow 📞",
            embed=prep_card(couple, start, idea),
        )

    async def deliver_after(self, occurrence: Occurrence) -> Sent | None:
        if not self.memory_book():
            return None
        live = await self._live(occurrence)
        if live is None:
            return None
        couple = occurrence.couple
        assert couple is not None
        _, _, start = live
        when = "tonight" if occurrence.scheduled_at - start <= SAME_NIGHT else "your last call"
        return await occurrence.send_channel(
            content=f"{mentions(couple)} Log a memory from {when}? 📸", view=memory_view()
        )

    async def deliver_notice(self, occurrence: Occurrence) -> Sent | None:
        call = await self.repo.get(int(occurrence.payload["call"]))
        couple = occurrence.couple
        if call is None or not call.active or couple is None:
            return None
        card = notice_card(str(occurrence.payload["title"]), str(occurrence.payload["text"]))
        return await occurrence.send_channel(content=mentions(couple), embed=card)
