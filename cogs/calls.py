"""/call: video-call nights, in both partners' time.

A weekly call is a recurring schedule (kind ``call``) at a wall time in the setter's zone; a one-off
call, or an occurrence moved by an accepted proposal, is a one-off of the same kind. Reminders
(``call_reminder``), the post-call memory prompt (``call_after``) and heads-ups about clock
changes and trips (``call_notice``) are one-offs planned from the call's rows: the planner keeps
the scheduler in step with what the couple decided, a few days ahead, and never plans a post that
was already handled again. Every delivery re-reads the call, so a skipped, moved or cancelled
occurrence never posts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.calls import (
    CallTime,
    Shift,
    call_title,
    clock_shifts,
    describe_call,
    format_minutes,
    format_reminders,
    local_label,
    next_call_time,
    occurrences,
    parse_reminders,
    parse_when,
    pick_activity,
    quiet_warning,
    reminder_times,
    rsvp_line,
    short_times,
    times_lines,
    trip_time,
    ts,
    until_text,
)
from bot.checks import bot_of, couple_for, current, partner_only
from bot.client import CloserBot
from bot.content import load
from bot.db.models import Couple, Partner, Schedule
from bot.db.repositories.calls import Call, CallChange, CallRepository
from bot.errors import UserError
from bot.feature import Feature
from bot.registry import Contribution, Hook, Place
from bot.scheduler import Kind, Occurrence, Sent, default_deadline
from bot.timeutil import WEEKDAY_NAMES, format_clock, from_unix, to_unix
from bot.transformers import Clock
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from bot.ui.confirm import confirm_view
from bot.ui.embeds import FIELD_VALUE_LIMIT, chunks, clip, embed
from bot.ui.pages import Page, clamp_page, send_pages

log = logging.getLogger(__name__)

KIND_CALL = "call"
KIND_REMINDER = "call_reminder"
KIND_AFTER = "call_after"
KIND_NOTICE = "call_notice"
# The one-off kinds a call plans (what planning reads back).
PLANNED_KINDS = (KIND_CALL, KIND_REMINDER, KIND_AFTER)
KINDS = (KIND_CALL, KIND_REMINDER, KIND_AFTER, KIND_NOTICE)

MAX_CALLS = 10
NOTE_LIMIT = 300
PER_PAGE = 8
# Reminders are planned this far ahead: the longest reminder is 7 days before a call.
PLAN_AHEAD = timedelta(days=8)
# Posts of occurrences that started this recently are still kept in step (catch-up after downtime).
LOOKBACK = timedelta(days=1)
# Handled one-offs are kept this long for the ledger in /couple status, then tidied away.
KEEP_HANDLED = timedelta(days=30)
# The call-time card is worth posting late only this long after the call started.
CARD_GRACE = timedelta(hours=1)
MEMORY_BUTTON_ID = "closer:memory:new"
MEMORY_EXTENSION = "cogs.memories"

WEEKDAY_CHOICES = [
    app_commands.Choice(name=name.title(), value=index) for index, name in enumerate(WEEKDAY_NAMES)
]


# =============================================================================================
# Keeping one-off schedules in step with what the couple decided
# =============================================================================================


@dataclass(frozen=True)
class Planned:
    when: datetime
    label: str
    payload: dict[str, Any]


async def sync_once(
    bot: CloserBot,
    *,
    guild_id: int,
    kind: str,
    prefix: str,
    desired: dict[str, Planned],
    owner_id: int | None,
    schedules: Sequence[Schedule] | None = None,
) -> None:
    """Make the server's one-offs of ``kind`` under ``prefix`` match ``desired`` (key -> plan).

    A post already handled is never planned again (exactly once); a new post whose time has
    passed is not planned (a reminder after the fact is noise); posts no longer wanted are
    cancelled if still ahead; handled ones are tidied away after a month. ``schedules`` are the
    server's schedules when the caller has them already (only what changes is written).
    """
    now = bot.clock.now()
    if schedules is None:
        schedules = await bot.schedules.for_guild(guild_id, kind)
    existing = {s.key: s for s in schedules if s.kind == kind and s.key.startswith(prefix)}
    changed: list[tuple[str, datetime, str, dict[str, Any]]] = []
    for key, plan in desired.items():
        schedule = existing.get(key)
        if schedule is not None:
            if schedule.next_due is None:
                continue
            if schedule.once_at == plan.when and schedule.payload == plan.payload:
                continue
        elif plan.when < now:
            continue
        changed.append((key, plan.when, plan.label, plan.payload))
    # One batch for all of them: start-up re-plans every couple, so writes must not be one by one.
    await bot.scheduler.once_many(kind, guild_id=guild_id, plans=changed, owner_id=owner_id)
    unwanted = [
        schedule.id
        for key, schedule in existing.items()
        if key not in desired
        and not schedule.recurring
        and (
            (schedule.next_due is not None and schedule.next_due > now)
            or (schedule.next_due is None and schedule.once_at and schedule.once_at < now - KEEP_HANDLED)
        )
    ]
    await bot.scheduler.cancel_many(unwanted)


async def post_in_channel(bot: CloserBot, couple: Couple, **kwargs: Any) -> discord.Message | None:
    """An announcement in the shared channel (best effort: the command itself already answered)."""
    channel = bot.get_partial_messageable(couple.channel_id, guild_id=couple.guild_id)
    try:
        return await channel.send(**kwargs)
    except discord.HTTPException as error:
        log.warning("Could not post in the shared channel of %s: %s", couple.guild_id, error)
        return None


def mentions(couple: Couple) -> str:
    return " ".join(p.mention for p in couple.partners)


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


# =============================================================================================
# Buttons and the "move it" modal
# =============================================================================================


class RsvpButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:call:rsvp:{call:int}:{occ:int}:{answer}", answer="yes|move"),
):
    """ "I'll be there" / "Need to move it" on a call reminder."""

    def __init__(self, call_id: int, occurrence: int, answer: str) -> None:
        self.call_id, self.occurrence, self.answer = call_id, occurrence, answer
        super().__init__(
            discord.ui.Button(
                label="I'll be there" if answer == "yes" else "Need to move it",
                emoji="✅" if answer == "yes" else "🔁",
                style=discord.ButtonStyle.success if answer == "yes" else discord.ButtonStyle.secondary,
                custom_id=self.spec.build(call=call_id, occ=occurrence, answer=answer),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction)
        cog = calls_cog(interaction)
        call, start = await cog.open_occurrence(couple, self.call_id, from_unix(self.occurrence))
        now = cog.bot.clock.now()
        if self.answer == "move":
            if start <= now:
                raise UserError("This call has already started, so it can't be moved now.")
            await MoveModal(self.call_id, self.occurrence).open(interaction)
            return
        if start + CARD_GRACE <= now:
            raise UserError("This call is over. See the next one with `/call next`.")
        await cog.repo.rsvp(call.id, from_unix(self.occurrence), interaction.user.id, "yes", now)
        rsvps = await cog.repo.rsvps(call.id, from_unix(self.occurrence))
        message = interaction.message
        if message is not None and message.embeds:
            card = message.embeds[0]
            card.set_footer(text=rsvp_line(couple, rsvps))
            await interaction.response.edit_message(embed=card)
        else:
            await interaction.response.send_message("Noted: you'll be there ✅", ephemeral=True)


class MoveModal(
    PersistentModal,
    title="Move this call",
    custom_id=CustomId("closer:modal:callmove:{call:int}:{occ:int}"),
):
    when = discord.ui.TextInput(
        label="New time (your time zone)",
        placeholder="tomorrow 20:00 · friday 20:30 · 2026-12-04 19:00",
        custom_id="when",
        max_length=40,
    )
    note = discord.ui.TextInput(
        label="A note for your partner (optional)",
        style=discord.TextStyle.paragraph,
        custom_id="note",
        required=False,
        max_length=NOTE_LIMIT,
    )

    def __init__(self, call_id: int, occurrence: int) -> None:
        super().__init__(custom_id=self.spec.build(call=call_id, occ=occurrence))

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction)
        cog = calls_cog(interaction)
        await cog.propose_move(
            interaction,
            couple,
            int(key["call"]),
            from_unix(int(key["occ"])),
            values.get("when", ""),
            values.get("note", "").strip()[:NOTE_LIMIT] or None,
        )


class ProposalButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:call:move:{proposal:int}:{answer}", answer="accept|decline"),
):
    """Accept / Decline on a proposal to move one call; only the other partner decides."""

    def __init__(self, proposal_id: int, answer: str) -> None:
        self.proposal_id, self.answer = proposal_id, answer
        super().__init__(
            discord.ui.Button(
                label="Accept" if answer == "accept" else "Decline",
                style=discord.ButtonStyle.success if answer == "accept" else discord.ButtonStyle.secondary,
                custom_id=self.spec.build(proposal=proposal_id, answer=answer),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction)
        await calls_cog(interaction).decide(interaction, couple, self.proposal_id, self.answer)


def proposal_view(proposal_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ProposalButton(proposal_id, "accept"))
    view.add_item(ProposalButton(proposal_id, "decline"))
    return view


def rsvp_view(call_id: int, occurrence: datetime) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RsvpButton(call_id, to_unix(occurrence), "yes"))
    view.add_item(RsvpButton(call_id, to_unix(occurrence), "move"))
    return view


def memory_view() -> discord.ui.View:
    """The memory book's own button: the memory feature handles ``closer:memory:new``."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="Log a memory", emoji="📸", style=discord.ButtonStyle.primary, custom_id=MEMORY_BUTTON_ID
        )
    )
    return view


def calls_cog(interaction: discord.Interaction) -> CallCog:
    cog = bot_of(interaction).get_cog("CallCog")
    if cog is None:
        raise UserError("Video calls are not available right now. Please try again in a moment.")
    return cog  # type: ignore[return-value]


# =============================================================================================
# The cog
# =============================================================================================


class CallCog(
    Feature, commands.GroupCog, group_name="call", group_description="Video-call nights, in both your times"
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.repo = CallRepository(bot.db)
        self._locks: dict[int, asyncio.Lock] = {}

    def contribution(self) -> Contribution:
        return Contribution(
            kinds=(
                Kind(KIND_CALL, self.deliver_call, self.card_deadline),
                Kind(KIND_REMINDER, self.deliver_reminder, self.reminder_deadline),
                Kind(KIND_AFTER, self.deliver_after),
                Kind(KIND_NOTICE, self.deliver_notice, self.notice_deadline),
            ),
            items=(RsvpButton, ProposalButton),
            modals=(MoveModal,),
            confirmations={"call_cancel": self.confirm_cancel},
            pages={"calls": self.list_page},
            hooks=((Hook.ZONES_CHANGED, self.zones_changed),),
            sections=((Place.STATUS, self.status_section), (Place.DIGEST, self.digest_section)),
        )

    async def loaded(self) -> None:
        self.bot.after_ready("plan-calls", self.plan_everything)

    def lock(self, guild_id: int) -> asyncio.Lock:
        return self._locks.setdefault(guild_id, asyncio.Lock())

    # -- planning ----------------------------------------------------------------------------------

    def memory_book_planned(self) -> bool:
        return MEMORY_EXTENSION in self.bot.extension_names or MEMORY_EXTENSION in self.bot.extensions

    def memory_book_loaded(self) -> bool:
        return MEMORY_EXTENSION in self.bot.extensions

    async def plan_everything(self) -> None:
        """At start: plan every call again (posts whose planning moment passed while Closer was
        down). One read of each server's schedules; only missing or stale posts are written."""
        by_guild: dict[int, list[Call]] = {}
        calls = await self.repo.all_active(self.bot.clock.now() - KEEP_HANDLED)
        for call in calls:
            by_guild.setdefault(call.guild_id, []).append(call)
        couples = {c.guild_id: c for c in await self.bot.couples.all_paired()}
        changes = await self.repo.changes_of([c.id for c in calls])
        for guild_id, guild_calls in by_guild.items():
            couple = couples.get(guild_id)
            if couple is None:
                continue
            schedules = await self.bot.schedules.for_guild(guild_id, PLANNED_KINDS)
            for call in guild_calls:
                try:
                    await self._plan(call, couple, schedules, changes[call.id])
                except Exception:
                    log.exception("Could not plan call %s", call.id)

    async def plan(self, call: Call, couple: Couple) -> None:
        """Bring the call's one-off posts in step with its rows, then look for clock changes."""
        async with self.lock(call.guild_id):
            await self._plan(call, couple, await self.bot.schedules.for_guild(call.guild_id, PLANNED_KINDS))

    async def _plan(
        self,
        call: Call,
        couple: Couple,
        schedules: Sequence[Schedule],
        changes: Mapping[datetime, CallChange] | None = None,
    ) -> None:
        now = self.bot.clock.now()
        desired: dict[str, dict[str, Planned]] = {KIND_CALL: {}, KIND_REMINDER: {}, KIND_AFTER: {}}
        if call.active:
            if changes is None:
                changes = await self.repo.changes(call.id)
            horizon = now + PLAN_AHEAD if call.weekly else now + timedelta(days=800)
            for item in occurrences(call, changes, now - LOOKBACK, horizon):
                base = {"call": call.id, "occurrence": to_unix(item.original), "start": to_unix(item.start)}
                name = f"{call.id}:{base['occurrence']}:{base['start']}"
                if not call.weekly or item.status == "moved":
                    desired[KIND_CALL][name] = Planned(item.start, f"Video call #{call.id}", base)
                for minutes, when in reminder_times(item.start, call.reminders):
                    desired[KIND_REMINDER][f"{name}:{minutes}"] = Planned(
                        when,
                        f"Call reminder #{call.id} ({format_minutes(minutes)} before)",
                        {**base, "minutes": minutes},
                    )
                if self.memory_book_planned():
                    desired[KIND_AFTER][name] = Planned(
                        item.start + timedelta(minutes=call.memory_after),
                        f"Memory prompt after call #{call.id}",
                        base,
                    )
        for kind, plans in desired.items():
            await sync_once(
                self.bot,
                guild_id=call.guild_id,
                kind=kind,
                prefix=f"{call.id}:",
                desired=plans,
                owner_id=call.created_by,
                schedules=schedules,
            )
        if call.active:
            await self._announce_shifts(call, couple, now)

    async def _announce_shifts(self, call: Call, couple: Couple, now: datetime) -> None:
        """Tell both, once per change, when a clock change in the next 7 days moves the call."""
        for shift in clock_shifts(call, couple, now):
            await self._notice_once(
                couple,
                call,
                f"{call.id}:shift:{to_unix(shift.at)}",
                label=f"Clock change heads-up for call #{call.id}",
                title="🕰️ Clock change ahead" if shift.cause == "dst" else "✈️ Back home soon",
                text=self.shift_text(call, couple, shift),
                until=shift.after,
            )

    async def _notice_once(
        self, couple: Couple, call: Call, key: str, *, label: str, title: str, text: str, until: datetime
    ) -> None:
        if await self.bot.schedules.find(KIND_NOTICE, couple.guild_id, key) is not None:
            return  # told already (or being told)
        await self.bot.scheduler.once(
            KIND_NOTICE,
            guild_id=couple.guild_id,
            when=self.bot.clock.now(),
            label=label,
            key=key,
            owner_id=call.created_by,
            payload={"call": call.id, "title": title, "text": text, "until": to_unix(until)},
        )

    def shift_text(self, call: Call, couple: Couple, shift: Shift) -> str:
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

    async def zones_changed(self, couple: Couple) -> None:
        """A trip (or a new zone): tell both when it moves an upcoming call for a partner."""
        now = self.bot.clock.now()
        for call in await self.repo.active(couple.guild_id):
            changes = await self.repo.changes(call.id)
            upcoming = next_call_time(call, changes, now)
            if upcoming is None:
                continue
            for partner in couple.partners:
                moved = trip_time(couple, partner, upcoming.start)
                if moved is None or partner.travel_until is None:
                    continue
                others = "\n".join(
                    f"• **{p.display_name}**: {local_label(upcoming.start, couple.zone_of(p, upcoming.start))} "
                    "(no change)"
                    for p in couple.partners
                    if p.user_id != partner.user_id
                )
                text = (
                    f"While {partner.display_name} is away (`{partner.travel_zone}`, until "
                    f"{ts(partner.travel_until, 'D')}), your call {ts(upcoming.start, 'F')} is at:\n"
                    f"• **{partner.display_name}**: **{moved.after}** (at home: {moved.before})\n{others}"
                )
                await self._notice_once(
                    couple,
                    call,
                    f"{call.id}:trip:{partner.user_id}:{to_unix(partner.travel_until)}:{partner.travel_zone}",
                    label=f"Trip heads-up for call #{call.id}",
                    title="✈️ A trip moves your call",
                    text=text,
                    until=upcoming.start,
                )
            async with self.lock(call.guild_id):
                await self._announce_shifts(call, couple, now)

    # -- occurrences ---------------------------------------------------------------------------------

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

    async def soonest(self, couple: Couple, now: datetime) -> tuple[Call, CallTime] | None:
        best: tuple[Call, CallTime] | None = None
        for call in await self.repo.active(couple.guild_id):
            item = next_call_time(call, await self.repo.changes(call.id), now)
            if item is not None and (best is None or item.start < best[1].start):
                best = (call, item)
        return best

    # -- deliveries ----------------------------------------------------------------------------------

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
        start = await self.current_start(call, original)
        if start is None or to_unix(start) != occurrence.payload["start"]:
            return None
        return call, original, start

    async def _replan(self, call: Call, couple: Couple | None) -> None:
        if couple is None:
            return
        try:
            await self.plan(call, couple)
        except Exception:
            log.exception("Could not plan call %s", call.id)

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
        minutes = int(occurrence.payload["minutes"])
        card = embed(
            f"📞 Video call in {format_minutes(minutes)}",
            f"Your call is {ts(start, 'F')} ({ts(start, 'R')}).",
        )
        card.add_field(name="Your times", value=times_lines(couple, start), inline=False)
        card.set_footer(text=rsvp_line(couple, await self.repo.rsvps(call.id, original)))
        sent = await occurrence.send_channel(
            content=f"{mentions(couple)} your video call is {ts(start, 'R')} 📞",
            embed=card,
            view=rsvp_view(call.id, original),
        )
        await self._replan(call, couple)
        return sent

    async def deliver_call(self, occurrence: Occurrence) -> Sent | None:
        live = await self._live(occurrence)
        if live is None:
            if occurrence.schedule.recurring:
                call = await self.repo.get(int(occurrence.payload["call"]))
                if call is not None and call.active:
                    await self._replan(call, occurrence.couple)
            return None
        call, original, start = live
        couple = occurrence.couple
        assert couple is not None
        now = occurrence.now
        activities = list(load("activities").get("activity", []))
        recent = await self.repo.recent_activities(couple.guild_id, max(0, min(len(activities) - 1, 20)))
        idea = pick_activity(activities, recent, f"{couple.guild_id}:{call.id}:{to_unix(original)}")
        night = await self.repo.start_night(
            call_id=call.id,
            guild_id=couple.guild_id,
            occurrence_at=original,
            started_at=start,
            activity=idea["title"],
            now=now,
        )
        idea = next((a for a in activities if a["title"] == night.activity), idea)
        card = embed(
            "It's call time 📞",
            f"Your call starts {ts(start, 't')} ({ts(start, 'R')}). Something to talk about, if you like:",
        )
        card.add_field(
            name=clip(f"A shared idea: {idea['title']}", 256), value=clip(idea["text"], 1024), inline=False
        )
        rsvps = await self.repo.rsvps(call.id, original)
        if rsvps:
            card.set_footer(text=rsvp_line(couple, rsvps))
        sections = await self.bot.registry.sections(Place.TALKING_POINTS, couple, now)
        cards = [card, *section_embeds(sections)]
        groups: list[list[discord.Embed]] = []
        for item in cards:
            size = sum(len(c) for c in groups[-1]) if groups else 0
            if not groups or len(groups[-1]) >= 10 or size + len(item) > 5800:
                groups.append([])
            groups[-1].append(item)
        sent = await occurrence.send_channel(
            content=f"{mentions(couple)} it's call time 📞", embeds=groups[0]
        )
        for index, group in enumerate(groups[1:], start=1):
            await occurrence.send_channel(embeds=group, nonce_suffix=f"t{index}")
        await self.repo.set_night_message(call.id, original, sent.message_id)
        await self._replan(call, couple)
        return sent

    async def deliver_after(self, occurrence: Occurrence) -> Sent | None:
        if not self.memory_book_loaded():
            return None
        live = await self._live(occurrence)
        if live is None:
            return None
        couple = occurrence.couple
        assert couple is not None
        return await occurrence.send_channel(
            content=f"{mentions(couple)} Log a memory from tonight? 📸", view=memory_view()
        )

    async def deliver_notice(self, occurrence: Occurrence) -> Sent | None:
        call = await self.repo.get(int(occurrence.payload["call"]))
        couple = occurrence.couple
        if call is None or not call.active or couple is None:
            return None
        card = embed(str(occurrence.payload["title"]), str(occurrence.payload["text"]))
        card.set_footer(text="Discord shows every time here in your own zone.")
        return await occurrence.send_channel(content=mentions(couple), embed=card)

    # -- sections for other posts --------------------------------------------------------------------

    async def next_call_line(self, couple: Couple, now: datetime) -> str | None:
        found = await self.soonest(couple, now)
        if found is None:
            return None
        _, item = found
        return f"{ts(item.start, 'F')} ({ts(item.start, 'R')})\n{short_times(couple, item.start)}"

    async def status_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        line = await self.next_call_line(couple, now)
        return [("Next video call 📞", line)] if line else []

    async def digest_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        line = await self.next_call_line(couple, now)
        return [("Next video call 📞", line)] if line else []

    # -- commands ------------------------------------------------------------------------------------

    async def call_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        couple = await self.bot.couples.get(interaction.guild_id)
        if couple is None or not couple.is_partner(interaction.user.id):
            return []
        now = self.bot.clock.now()
        needle = current_text.strip().lower().lstrip("#")
        choices = []
        for call in await self.repo.active(couple.guild_id):
            item = next_call_time(call, await self.repo.changes(call.id), now)
            if item is None:
                continue
            zone = couple.zone_of(couple.partner(interaction.user.id) or couple.first, item.start)
            when = f"{item.start.astimezone(zone):%a %d %b %H:%M}"
            label = f"#{call.id} " + (
                f"weekly, {WEEKDAY_NAMES[call.weekday or 0].title()}s · next {when}"
                if call.weekly
                else f"one-off · {when}"
            )
            if not needle or needle in label.lower():
                choices.append(app_commands.Choice(name=clip(label, 100), value=call.id))
        return choices[:25]

    async def _check_room(self, couple: Couple) -> None:
        now = self.bot.clock.now()
        live = [
            c
            for c in await self.repo.active(couple.guild_id)
            if next_call_time(c, await self.repo.changes(c.id), now, include_skipped=True) is not None
        ]
        if len(live) >= MAX_CALLS:
            raise UserError(
                f"You have {MAX_CALLS} calls planned already. Cancel one with `/call cancel` first."
            )

    async def _created(
        self, interaction: discord.Interaction, couple: Couple, partner: Partner, call: Call, headline: str
    ) -> None:
        now = self.bot.clock.now()
        item = next_call_time(call, {}, now)
        assert item is not None
        text = (
            f"{headline}\nFirst: {ts(item.start, 'F')} ({ts(item.start, 'R')}).\n"
            f"{times_lines(couple, item.start)}\nReminders: {format_reminders(call.reminders)}."
        )
        text += quiet_warning(couple, item.start, partner)
        await interaction.response.send_message(text, ephemeral=True)
        other = couple.other(partner.user_id)
        what = "a weekly video call" if call.weekly else "a video call"
        await post_in_channel(
            self.bot,
            couple,
            content=(
                f"{other.mention} 📞 {partner.display_name} planned {what}: {ts(item.start, 'F')} "
                f"({ts(item.start, 'R')}), that's {local_label(item.start, couple.zone_of(other, item.start))} "
                "for you."
            ),
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(other.user_id)]),
        )

    @app_commands.command(name="schedule")
    @app_commands.describe(
        weekday="The day of the week for your call",
        time="The time, in your own time zone, like 20:00",
        reminders="Minutes before the call, comma-separated (default 60,10; up to 5; none for no reminders)",
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    @partner_only()
    async def schedule(
        self,
        interaction: discord.Interaction,
        weekday: app_commands.Choice[int],
        time: Clock,
        reminders: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        """Set a weekly video-call night, with reminders before it."""
        couple, partner = current(interaction)
        minutes = parse_reminders(reminders)
        await self._check_room(couple)
        zone = partner.home_zone or couple.first.home_zone or "UTC"
        call = await self.repo.add(
            guild_id=couple.guild_id,
            kind="weekly",
            weekday=weekday.value,
            local_time=time,
            zone=zone,
            once_at=None,
            reminders=minutes,
            created_by=partner.user_id,
            now=self.bot.clock.now(),
        )
        await self.bot.scheduler.recurring(
            KIND_CALL,
            guild_id=couple.guild_id,
            at=time,
            weekdays={weekday.value},
            zone=zone,
            key=f"{call.id}:weekly",
            label=f"Video call #{call.id}",
            owner_id=partner.user_id,
            payload={"call": call.id},
        )
        await self.plan(call, couple)
        await self._created(
            interaction,
            couple,
            partner,
            call,
            f"📞 Weekly call #{call.id} set: {weekday.name}s at {format_clock(time)} your time (`{zone}`).",
        )

    @app_commands.command(name="plan")
    @app_commands.describe(
        when="In your time zone: YYYY-MM-DD HH:MM, tomorrow 20:00, or a weekday like friday 20:30",
        reminders="Minutes before the call, comma-separated (default 60,10; up to 5; none for no reminders)",
    )
    @partner_only()
    async def plan_call(
        self,
        interaction: discord.Interaction,
        when: app_commands.Range[str, 1, 40],
        reminders: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        """Plan a one-off video call."""
        couple, partner = current(interaction)
        now = self.bot.clock.now()
        zone = couple.zone_of(partner, now)
        start = parse_when(when, now, zone)
        minutes = parse_reminders(reminders)
        await self._check_room(couple)
        call = await self.repo.add(
            guild_id=couple.guild_id,
            kind="once",
            weekday=None,
            local_time=None,
            zone=zone.key,
            once_at=start,
            reminders=minutes,
            created_by=partner.user_id,
            now=now,
        )
        await self.plan(call, couple)
        await self._created(
            interaction,
            couple,
            partner,
            call,
            f"📞 Call #{call.id} planned for {start.astimezone(zone):%A %d %B at %H:%M} your time (`{zone.key}`).",
        )

    @app_commands.command(name="next")
    @partner_only()
    async def next_(self, interaction: discord.Interaction) -> None:
        """The next call, in both your local times, and how long until it."""
        couple, _ = current(interaction)
        now = self.bot.clock.now()
        found = await self.soonest(couple, now)
        if found is None:
            raise UserError(
                "No call is planned. Set a weekly one with `/call schedule` or a one-off with `/call plan`."
            )
        call, item = found
        card = embed(
            "Your next call 📞",
            f"{ts(item.start, 'F')}: in {until_text(now, item.start)} ({ts(item.start, 'R')}).",
        )
        card.add_field(name="Your times", value=times_lines(couple, item.start), inline=False)
        about = describe_call(call) if call.weekly else "One-off call"
        if item.status == "moved":
            about += f" · moved from {ts(item.original, 'f')}"
        card.add_field(name=f"Call #{call.id}", value=about, inline=False)
        rsvps = await self.repo.rsvps(call.id, item.original)
        card.set_footer(text=f"Reminders: {format_reminders(call.reminders)} · " + rsvp_line(couple, rsvps))
        await interaction.response.send_message(embed=card, ephemeral=True)

    @app_commands.command(name="list")
    @partner_only()
    async def list_(self, interaction: discord.Interaction) -> None:
        """Your planned calls and their reminders."""
        await send_pages(interaction, "calls")

    async def list_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        couple = await couple_for(interaction)
        now = self.bot.clock.now()
        rows: list[tuple[datetime, str]] = []
        for call in await self.repo.active(couple.guild_id):
            changes = await self.repo.changes(call.id)
            item = next_call_time(call, changes, now)
            if item is None:
                continue  # a one-off that is over
            line = f"**{call_title(call)}** · {describe_call(call)}\nNext: {ts(item.start, 'F')} ({ts(item.start, 'R')})"
            if item.status == "moved":
                line += " · moved"
            skipped = next_call_time(call, changes, now, include_skipped=True)
            if skipped is not None and skipped.skipped:
                line += f"\n⏭️ Skipping {ts(skipped.start, 'D')}"
            line += f"\nReminders: {format_reminders(call.reminders)}"
            rows.append((item.start, line))
        rows.sort(key=lambda r: r[0])
        page, pages = clamp_page(page, len(rows), PER_PAGE)
        card = embed("Your calls 📞")
        if rows:
            card.description = "\n\n".join(line for _, line in rows[page * PER_PAGE : (page + 1) * PER_PAGE])
        else:
            card.description = "No calls planned. `/call schedule` sets a weekly one, `/call plan` a one-off."
        card.set_footer(
            text=f"Page {page + 1} of {pages} · /call skip skips the next one, /call cancel stops one"
        )
        return Page(card, page, pages)

    @app_commands.command(name="skip")
    @app_commands.rename(call_id="id")
    @app_commands.describe(call_id="Which weekly call (default: the next call coming up)")
    @app_commands.autocomplete(call_id=call_choices)
    @partner_only()
    async def skip(
        self, interaction: discord.Interaction, call_id: app_commands.Range[int, 1] | None = None
    ) -> None:
        """Skip the next call only; the ones after it stay."""
        couple, partner = current(interaction)
        now = self.bot.clock.now()
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
        await self.plan(call, couple)
        following = next_call_time(call, await self.repo.changes(call.id), now)
        text = f"⏭️ Skipped the call on {ts(item.start, 'F')}."
        if following is not None:
            text += f" The next one is {ts(following.start, 'F')} ({ts(following.start, 'R')})."
        await interaction.response.send_message(text, ephemeral=True)
        other = couple.other(partner.user_id)
        await post_in_channel(
            self.bot,
            couple,
            content=f"{other.mention} ⏭️ {partner.display_name} skipped the call on {ts(item.start, 'F')}."
            + (f" The next one is {ts(following.start, 'F')}." if following else ""),
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(other.user_id)]),
        )

    @app_commands.command(name="cancel")
    @app_commands.rename(call_id="id")
    @app_commands.describe(call_id="The call to cancel (start typing: #id, day or time)")
    @app_commands.autocomplete(call_id=call_choices)
    @partner_only()
    async def cancel(self, interaction: discord.Interaction, call_id: app_commands.Range[int, 1]) -> None:
        """Cancel a call and its reminders (asks to confirm)."""
        couple, _ = current(interaction)
        call = await self.repo.get(call_id, couple.guild_id)
        if call is None or not call.active:
            raise UserError(f"There's no call #{call_id}. `/call list` shows yours.")
        what = "every week's call and its reminders" if call.weekly else "this call and its reminders"
        await interaction.response.send_message(
            f"Cancel {call_title(call)} ({describe_call(call)})? This stops {what}.",
            view=confirm_view(
                "call_cancel", interaction.user.id, str(call.id), confirm_label="Cancel the call"
            ),
            ephemeral=True,
        )

    async def confirm_cancel(self, interaction: discord.Interaction, arg: str) -> str:
        couple = await couple_for(interaction)
        call = await self.repo.get(int(arg), couple.guild_id)
        if call is None or not await self.repo.cancel(call.id, self.bot.clock.now()):
            return "That call was already cancelled."
        for kind in KINDS:
            await self.bot.scheduler.cancel_where(couple.guild_id, kind, f"{call.id}:")
        partner = couple.partner(interaction.user.id)
        other = couple.other(interaction.user.id)
        await post_in_channel(
            self.bot,
            couple,
            content=f"{other.mention} {partner.display_name if partner else 'Your partner'} cancelled "
            f"{call_title(call)} ({describe_call(call)}).",
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(other.user_id)]),
        )
        return f"Cancelled {call_title(call)} ({describe_call(call)}). Its reminders won't come."

    # -- moving one occurrence -----------------------------------------------------------------------

    async def propose_move(
        self,
        interaction: discord.Interaction,
        couple: Couple,
        call_id: int,
        original: datetime,
        when: str,
        note: str | None,
    ) -> None:
        call, start = await self.open_occurrence(couple, call_id, original)
        now = self.bot.clock.now()
        if start <= now:
            raise UserError("This call has already started, so it can't be moved now.")
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        zone: ZoneInfo = couple.zone_of(partner, now)
        new_start = parse_when(when, now, zone)
        if new_start == start:
            raise UserError("That's the time the call is at already. Nothing was changed.")
        other = couple.other(partner.user_id)
        await interaction.response.defer(ephemeral=True, thinking=True)  # posting may be slow
        proposal = await self.repo.propose(
            call_id=call.id,
            occurrence_at=original,
            proposed_by=partner.user_id,
            proposed_at=new_start,
            note=note,
            now=now,
        )
        await self.repo.rsvp(call.id, original, partner.user_id, "move", now)
        card = embed(
            f"🔁 {partner.display_name} needs to move the call",
            f"From {ts(start, 'F')}\nto **{ts(new_start, 'F')}** ({ts(new_start, 'R')}).",
        )
        card.add_field(
            name="The new time for each of you", value=times_lines(couple, new_start), inline=False
        )
        if note:
            for index, piece in enumerate(chunks(note, FIELD_VALUE_LIMIT)):
                card.add_field(name="Note" if index == 0 else "Note (cont.)", value=piece, inline=False)
        warning = quiet_warning(couple, new_start, other).strip()
        if warning:
            card.add_field(name="Quiet hours", value=clip(warning, 1024), inline=False)
        card.set_footer(
            text=f"Only {other.display_name} can accept or decline. Until then the call stays as it is."
        )
        message = await post_in_channel(
            self.bot,
            couple,
            content=f"{other.mention} can we move our call?",
            embed=card,
            view=proposal_view(proposal.id),
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(other.user_id)]),
        )
        if message is None:
            await self.repo.decline(proposal.id, partner.user_id, now)
            raise UserError(
                "I couldn't post your proposal in the shared channel. Check my permissions there."
            )
        await self.repo.set_proposal_message(proposal.id, message.id)
        await interaction.followup.send(
            f"Asked {other.display_name} to move the call to {ts(new_start, 'F')}. "
            f"It stays at {ts(start, 'f')} unless they accept.",
            ephemeral=True,
        )
        reminder = interaction.message
        if reminder is not None and reminder.embeds:
            card = reminder.embeds[0]
            card.set_footer(text=rsvp_line(couple, await self.repo.rsvps(call.id, original)))
            try:
                await reminder.edit(embed=card)
            except discord.HTTPException:
                log.warning("Could not update the reminder's answers", exc_info=True)

    async def decide(
        self, interaction: discord.Interaction, couple: Couple, proposal_id: int, answer: str
    ) -> None:
        proposal = await self.repo.proposal(proposal_id)
        call = await self.repo.get(proposal.call_id, couple.guild_id) if proposal else None
        if proposal is None or call is None or not call.active:
            raise UserError("This proposal is no longer open: its call was cancelled.")
        proposer = couple.partner(proposal.proposed_by)
        if interaction.user.id == proposal.proposed_by:
            other = couple.other(proposal.proposed_by)
            raise UserError(f"It's up to {other.display_name} to accept or decline your proposal.")
        if proposal.status != "pending":
            raise UserError(f"This proposal was already answered ({proposal.status}).")
        now = self.bot.clock.now()
        start = await self.current_start(call, proposal.occurrence_at)
        if start is None:
            raise UserError("That call was skipped, so there's nothing to move.")
        name = couple.partner(interaction.user.id)
        decider = name.display_name if name else "Your partner"
        proposer_mention = proposer.mention if proposer else ""
        if answer == "decline":
            if await self.repo.decline(proposal.id, interaction.user.id, now) is None:
                raise UserError("This proposal was already answered.")
            await interaction.response.edit_message(
                content=f"{proposer_mention} ✖️ {decider} declined: the call stays at {ts(start, 'F')}.",
                embed=None,
                view=None,
            )
            return
        if proposal.proposed_at <= now:
            raise UserError(
                "That time has already passed. Press **Need to move it** on a reminder to propose another."
            )
        if start <= now:
            raise UserError("This call has already started, so it can't be moved now.")
        if await self.repo.accept(proposal.id, interaction.user.id, now) is None:
            raise UserError("This proposal was already answered.")
        await interaction.response.edit_message(
            content=(
                f"{proposer_mention} ✅ {decider} accepted: the call on {ts(start, 'f')} moves to "
                f"**{ts(proposal.proposed_at, 'F')}** ({ts(proposal.proposed_at, 'R')}).\n"
                f"{short_times(couple, proposal.proposed_at)}"
            ),
            embed=None,
            view=None,
        )
        await self.plan(call, couple)


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(CallCog(bot))
