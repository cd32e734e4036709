"""Video-call nights: the rules of setting, skipping, cancelling and moving calls.

Every change to a call's rows is followed by planning (:class:`~cogs.calls.planner.CallPlanner`),
so the scheduler's one-offs always match what the couple decided; every delivery re-reads the
call (:mod:`cogs.calls.deliveries`), so a skipped, moved or cancelled occurrence never posts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import discord

from bot.clock import Clock
from bot.db.models import Couple, Partner
from bot.db.repositories.call_rooms import Presence
from bot.db.repositories.calls import Call, CallRepository, Proposal
from bot.errors import UserError
from bot.planning import tell_in_channel
from bot.scheduler import Messenger
from cogs.calls.embeds import next_line, proposal_card
from cogs.calls.nights import DEFAULT_LENGTH, digest_text
from cogs.calls.planner import CallPlanner
from cogs.calls.rules import MAX_CALLS, CallTime, next_call_time, parse_when


class CallService:
    """Calls of a couple: its rows (``repo``), their posts (``planner``), announcements (``messenger``)."""

    def __init__(
        self, repo: CallRepository, planner: CallPlanner, clock: Clock, messenger: Messenger
    ) -> None:
        self.repo = repo
        self.planner = planner
        self.clock = clock
        self.messenger = messenger

    async def tell(
        self, couple: Couple, partner: Partner, text: str, **kwargs: Any
    ) -> discord.Message | None:
        """Tell ``partner`` in the shared channel (best effort)."""
        return await tell_in_channel(self.messenger, couple, partner, text, **kwargs)

    # -- occurrences -------------------------------------------------------------------------------

    async def current_start(self, call: Call, original: datetime) -> datetime | None:
        """Where an occurrence is now (None when it was skipped)."""
        change = await self.repo.change(call.id, original)
        if change is None:
            return original
        if change.status == "skipped":
            return None
        return change.moved_to

    async def open_occurrence(
        self, couple: Couple, call_id: int, original: datetime
    ) -> tuple[Call, datetime]:
        call = await self.repo.get(call_id, couple.guild_id)
        if call is None or not call.active:
            raise UserError("This call was cancelled. `/call list` shows your calls.")
        start = await self.current_start(call, original)
        if start is None:
            raise UserError("This call was skipped. `/call next` shows the next one.")
        return call, start

    async def upcoming(
        self, couple: Couple, now: datetime, *, include_skipped: bool = False
    ) -> list[tuple[Call, CallTime]]:
        """Each call with something coming up, and its next occurrence, by call id."""
        found = []
        for call in await self.repo.active(couple.guild_id):
            item = next_call_time(
                call, await self.repo.changes(call.id), now, include_skipped=include_skipped
            )
            if item is not None:
                found.append((call, item))
        return found

    async def soonest(self, couple: Couple, now: datetime) -> tuple[Call, CallTime] | None:
        best: tuple[Call, CallTime] | None = None
        for call, item in await self.upcoming(couple, now):
            if best is None or item.start < best[1].start:
                best = (call, item)
        return best

    async def listing(self, couple: Couple, now: datetime) -> list[tuple[Call, CallTime, CallTime | None]]:
        """/call list: each call's next occurrence and the next one counting skips, soonest first."""
        rows = []
        for call in await self.repo.active(couple.guild_id):
            changes = await self.repo.changes(call.id)
            item = next_call_time(call, changes, now)
            if item is None:
                continue  # a one-off that is over
            rows.append((call, item, next_call_time(call, changes, now, include_skipped=True)))
        rows.sort(key=lambda r: r[1].start)
        return rows

    # -- setting and stopping calls ------------------------------------------------------------------

    async def check_room(self, couple: Couple) -> None:
        if len(await self.upcoming(couple, self.clock.now(), include_skipped=True)) >= MAX_CALLS:
            raise UserError(
                f"You have {MAX_CALLS} calls planned already. Cancel one with `/call cancel` first."
            )

    async def add_weekly(
        self,
        couple: Couple,
        partner: Partner,
        weekday: int,
        at: time,
        reminders: tuple[int, ...],
        length: int = DEFAULT_LENGTH,
    ) -> tuple[Call, CallTime]:
        """A weekly call in the setter's home zone, and its first occurrence."""
        call = await self._add(
            couple,
            partner,
            reminders,
            kind="weekly",
            weekday=weekday,
            local_time=at,
            zone=partner.home_zone or couple.first.home_zone or "UTC",
            once_at=None,
            length=length,
        )
        await self.planner.arm_weekly(call)
        return call, await self._planned(call, couple)

    async def add_once(
        self,
        couple: Couple,
        partner: Partner,
        start: datetime,
        zone: str,
        reminders: tuple[int, ...],
        length: int = DEFAULT_LENGTH,
    ) -> tuple[Call, CallTime]:
        call = await self._add(
            couple,
            partner,
            reminders,
            kind="once",
            weekday=None,
            local_time=None,
            zone=zone,
            once_at=start,
            length=length,
        )
        return call, await self._planned(call, couple)

    async def _add(
        self,
        couple: Couple,
        partner: Partner,
        reminders: tuple[int, ...],
        *,
        kind: str,
        weekday: int | None,
        local_time: time | None,
        zone: str,
        once_at: datetime | None,
        length: int,
    ) -> Call:
        await self.check_room(couple)
        return await self.repo.add(
            guild_id=couple.guild_id,
            kind=kind,
            weekday=weekday,
            local_time=local_time,
            zone=zone,
            once_at=once_at,
            reminders=reminders,
            created_by=partner.user_id,
            now=self.clock.now(),
            length=length,
        )

    async def _planned(self, call: Call, couple: Couple) -> CallTime:
        await self.planner.plan(call, couple)
        first = next_call_time(call, {}, self.clock.now())
        assert first is not None
        return first

    async def skip(
        self, couple: Couple, partner: Partner, call_id: int | None
    ) -> tuple[CallTime, CallTime | None]:
        """Skip the next occurrence of a weekly call (the soonest call's by default): (it, the next)."""
        now = self.clock.now()
        if call_id is None:
            found = await self.soonest(couple, now)
            if found is None:
                raise UserError("No call is planned, so there's nothing to skip.")
            call, item = found
        else:
            picked = await self.repo.get(call_id, couple.guild_id)
            if picked is None or not picked.active:
                raise UserError(f"There's no call #{call_id}. `/call list` shows yours.")
            call = picked
            next_item = next_call_time(call, await self.repo.changes(call.id), now)
            if next_item is None:
                raise UserError(f"Call #{call_id} has nothing coming up to skip.")
            item = next_item
        if not call.weekly:
            raise UserError(
                f"Call #{call.id} is a one-off, so skipping it would end it: `/call cancel {call.id}` does that."
            )
        await self.repo.skip(call.id, item.original, partner.user_id, now)
        await self.planner.plan(call, couple)
        return item, next_call_time(call, await self.repo.changes(call.id), now)

    async def active_call(self, couple: Couple, call_id: int) -> Call:
        call = await self.repo.get(call_id, couple.guild_id)
        if call is None or not call.active:
            raise UserError(f"There's no call #{call_id}. `/call list` shows yours.")
        return call

    async def cancel(self, couple: Couple, call_id: int) -> Call | None:
        """Cancel a call and all its posts; None when it was cancelled already."""
        call = await self.repo.get(call_id, couple.guild_id)
        if call is None or not await self.repo.cancel(call.id, self.clock.now()):
            return None
        await self.planner.cancel(call)
        return call

    # -- answers on a reminder, and moving one occurrence ----------------------------------------------

    async def rsvp(self, call: Call, original: datetime, user_id: int, answer: str) -> dict[int, str]:
        """Record a partner's answer; everyone's answers for that occurrence."""
        await self.repo.rsvp(call.id, original, user_id, answer, self.clock.now())
        return await self.repo.rsvps(call.id, original)

    async def check_move(
        self, couple: Couple, partner: Partner, call_id: int, original: datetime, when: str
    ) -> tuple[Call, datetime, datetime]:
        """The call, where the occurrence is now and where the partner wants it (``when``, their time)."""
        call, start = await self.open_occurrence(couple, call_id, original)
        now = self.clock.now()
        if start <= now:
            raise UserError("This call has already started, so it can't be moved now.")
        new_start = parse_when(when, now, couple.zone_of(partner, now))
        if new_start == start:
            raise UserError("That's the time the call is at already. Nothing was changed.")
        return call, start, new_start

    async def propose(
        self,
        couple: Couple,
        partner: Partner,
        call: Call,
        original: datetime,
        start: datetime,
        new_start: datetime,
        note: str | None,
        view_for: Callable[[int], discord.ui.View],
    ) -> None:
        """Put a move to the other partner in the shared channel (``view_for(proposal id)``: its
        buttons); the proposer's answer becomes "move". Nothing stays open if it can't be posted."""
        now = self.clock.now()
        other = couple.other(partner.user_id)
        proposal = await self.repo.propose(
            call_id=call.id,
            occurrence_at=original,
            proposed_by=partner.user_id,
            proposed_at=new_start,
            note=note,
            now=now,
        )
        await self.repo.rsvp(call.id, original, partner.user_id, "move", now)
        message = await self.tell(
            couple,
            other,
            "can we move our call?",
            embed=proposal_card(couple, partner, other, start, new_start, note),
            view=view_for(proposal.id),
        )
        if message is None:
            await self.repo.decline(proposal.id, partner.user_id, now)
            raise UserError(
                "I couldn't post your proposal in the shared channel. Check my permissions there."
            )
        await self.repo.set_proposal_message(proposal.id, message.id)

    async def open_proposal(
        self, couple: Couple, proposal_id: int, user_id: int
    ) -> tuple[Proposal, Call, datetime]:
        """A pending proposal the user may decide, its call, and where the occurrence is now."""
        proposal = await self.repo.proposal(proposal_id)
        call = await self.repo.get(proposal.call_id, couple.guild_id) if proposal else None
        if proposal is None or call is None or not call.active:
            raise UserError("This proposal is no longer open: its call was cancelled.")
        if user_id == proposal.proposed_by:
            other = couple.other(proposal.proposed_by)
            raise UserError(f"It's up to {other.display_name} to accept or decline your proposal.")
        if proposal.status != "pending":
            raise UserError(f"This proposal was already answered ({proposal.status}).")
        start = await self.current_start(call, proposal.occurrence_at)
        if start is None:
            raise UserError("That call was skipped, so there's nothing to move.")
        return proposal, call, start

    async def decline(self, proposal: Proposal, user_id: int) -> None:
        if await self.repo.decline(proposal.id, user_id, self.clock.now()) is None:
            raise UserError("This proposal was already answered.")

    async def accept(self, proposal: Proposal, start: datetime, user_id: int) -> None:
        """Accept: the occurrence moves (plan the call afterwards with :meth:`CallPlanner.plan`)."""
        now = self.clock.now()
        if proposal.proposed_at <= now:
            raise UserError(
                "That time has already passed. Press **Need to move it** on a reminder to propose another."
            )
        if start <= now:
            raise UserError("This call has already started, so it can't be moved now.")
        if await self.repo.accept(proposal.id, user_id, now) is None:
            raise UserError("This proposal was already answered.")

    # -- sections for other posts --------------------------------------------------------------------

    async def next_call_line(self, couple: Couple, now: datetime) -> str | None:
        found = await self.soonest(couple, now)
        if found is None:
            return None
        return next_line(couple, found[1].start)

    async def status_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        line = await self.next_call_line(couple, now)
        return [("Next video call 📞", line)] if line else []

    async def welcome_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """The welcome's line: how call nights work (or the next call, when one is planned)."""
        line = await self.next_call_line(couple, now)
        text = (
            "Plan a weekly video call with `/call schedule`, each in your own time. A reminder comes "
            "an hour before, the card with a shared idea when it starts, and the evening before, the "
            "idea when it needs something ready."
        )
        if line:
            text += f"\nYour next call: {line}"
        return [("📞 Call nights", text)]

    async def digest_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """The digest's lines: the call nights held in the room this week, and the next call."""
        lines = []
        room = self.planner.room
        if room is not None:
            held = await room.repo.held_between(couple.guild_id, now - timedelta(days=7), now)
            if held:
                lines.append(("Call nights 📞", digest_text([night.seconds(now) for night in held])))
        line = await self.next_call_line(couple, now)
        return lines + ([("Next video call 📞", line)] if line else [])

    async def last_night(self, call: Call, now: datetime) -> Presence | None:
        """The call's latest night held in the room (for /call list)."""
        room = self.planner.room
        return await room.repo.last_held(call.id, now) if room is not None else None

    async def event_note(self, couple: Couple, call: Call, item: CallTime) -> str | None:
        """Why the next call isn't in the server's Events, when it isn't (for /call next)."""
        events = self.planner.events
        if events is None:
            return None
        return events.note(couple.guild_id, await events.repo.event(call.id), item)
