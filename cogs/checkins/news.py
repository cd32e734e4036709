"""What the other partner hears of a check-in: the news once a day, an idea on a low day, and a
gentle note when low or silent days last. No interaction handling.

- **Per entry.** Everything here reads the sharing level the check-in was made under
  (``CheckIn.sharing``), never the partner's current one. A check-in that shares nothing
  schedules nothing at all for the other partner: no news, no gentle note, no ledger line.
- **Once a day, settled.** The news goes once per check-in day, :data:`SETTLE` after the last
  change, or at once when the note form is submitted (whichever comes first). Why 15 minutes:
  the old 2-minute wait was shorter than writing a note takes (the note came 8 minutes later,
  as a second message); 15 minutes covers a mood pressed, then a few lines typed on a phone,
  and the news still reaches the partner the same evening. Submitting the form means "done",
  so the news never waits longer than needed. Later changes that day send nothing: the partner
  sees the latest in the mood chart and ``/couple status``.
- Every DM is a scheduled delivery (a personal one-off for the receiver), so the DM budget,
  quiet hours and exactly-once apply. The news may travel inside another DM to the receiver
  (``attach``) once it has settled, unless it carries an idea: ideas and notes are private and
  never ride in a message that could fall back to the shared channel.
- The news carries other features' buttons (``Slot.CHECKIN_NEWS``: a gesture back, in one tap),
  given by the cog as :attr:`PartnerNews.replies`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.clock import Clock
from bot.content import load
from bot.db.models import Couple, Partner, Schedule
from bot.db.repositories.checkins import CheckIn, CheckinRepository, Sharing
from bot.db.repositories.schedules import ScheduleRepository
from bot.moods import checkin_day
from bot.scheduler import Attachment, DeliveryFailed, Kind, Occurrence, Scheduler, Sent, default_deadline
from bot.scheduler.outbox import DM_GAP, next_allowed
from cogs.checkins import rules
from cogs.checkins.embeds import idea_text, note_embed, share_embed
from cogs.checkins.rules import IDEA_MEMORY, News, Telling

SHARE = "checkin_share"  # the other partner's news (personal to them, key = "{user id}:{day}")
NOTE = "checkin_note"  # a gentle note after three low or silent days (key names the streak)

SETTLE = timedelta(minutes=15)

# Other features' buttons for the news DM to a receiver: (couple, receiver id) -> items.
Replies = Callable[[Couple, int], Sequence[discord.ui.Item[Any]]]


def share_key(user_id: int, day: date) -> str:
    return f"{user_id}:{day.isoformat()}"


class PartnerNews:
    """The news, ideas and gentle notes the other partner gets (see the module docstring)."""

    def __init__(
        self, repo: CheckinRepository, scheduler: Scheduler, schedules: ScheduleRepository, clock: Clock
    ) -> None:
        self.repo = repo
        self.scheduler = scheduler
        self.schedules = schedules
        self.clock = clock
        self.replies: Replies = lambda couple, receiver_id: ()

    def reply_view(self, couple: Couple, receiver_id: int) -> dict[str, Any]:
        """``view=`` with the buttons other features add to the news (none: no view)."""
        items = self.replies(couple, receiver_id)
        if not items:
            return {}
        view = discord.ui.View(timeout=None)
        for item in items:
            view.add_item(item)
        return {"view": view}

    def kinds(self) -> list[Kind]:
        return [
            Kind(SHARE, self.deliver_share, self.awake_deadline, attach=self.attach_share),
            Kind(NOTE, self.deliver_note, self.awake_deadline),
        ]

    # -- planning the news -----------------------------------------------------------------------

    async def plan(
        self, couple: Couple, partner: Partner, checkin: CheckIn, before: CheckIn | None, *, settled: bool
    ) -> tuple[Telling, Schedule | None]:
        """Schedule the news of a check-in just saved (``settled``: the note form was submitted);
        what the person checking in is told, and the schedule to handle at once (if any)."""
        if not checkin.shared:
            await self.hide(couple, partner, checkin.day)
            return Telling(News.PRIVATE, checkin.sharing), None
        if checkin.told_at is not None:
            return Telling(News.TOLD, checkin.sharing), None
        other = couple.other(partner.user_id)
        key = share_key(partner.user_id, checkin.day)
        now = self.clock.now()
        changed = before is None or (before.mood, before.note) != (checkin.mood, checkin.note)
        schedule = await self.schedules.find(SHARE, couple.guild_id, key)
        if changed or settled or schedule is None or schedule.next_due is None:
            schedule = await self.for_partner(
                SHARE,
                couple,
                other,
                key,
                now if settled else now + SETTLE,
                f"{partner.display_name}'s check-in news",
                {"about": partner.user_id, "day": checkin.day.isoformat(), "settled": settled},
            )
        # A third low day's note comes after the news, not racing it for the same minute.
        await self.note_low_streak(couple, partner, checkin, (schedule.once_at or now) + DM_GAP)
        telling = await self.telling(couple, other, checkin, schedule, settled=settled)
        return telling, (schedule if telling.news is News.NOW else None)

    async def telling(
        self, couple: Couple, other: Partner, checkin: CheckIn, schedule: Schedule, *, settled: bool
    ) -> Telling:
        """When the news should reach ``other``: its time, held by their quiet hours or the budget."""
        now = self.clock.now()
        planned = schedule.once_at or now
        fire = schedule.fire_at or planned
        zone = couple.zone_of(other, fire)
        sent = await self.schedules.dms_since(couple.guild_id, other.user_id, now - timedelta(days=2))
        at = next_allowed(sent, max(fire, now), zone, other.quiet)
        held = at > max(planned, now) + timedelta(minutes=1)
        news = News.LATER if held else News.NOW if settled else News.SOON
        return Telling(news, checkin.sharing, at, quiet=held and fire > planned, has_note=bool(checkin.note))

    async def hide(self, couple: Couple, partner: Partner, day: date) -> None:
        """A check-in now shares nothing: nothing still on its way to the other partner about it
        is left (its news, a gentle note about the partner), ledger lines included."""
        pending = [
            s.id
            for s in await self.schedules.for_guild(couple.guild_id, (SHARE, NOTE))
            if s.next_due is not None
            and (
                s.key == share_key(partner.user_id, day)
                or (s.kind == NOTE and s.payload.get("about") == partner.user_id)
            )
        ]
        await self.scheduler.cancel_many(pending)

    # -- the news --------------------------------------------------------------------------------

    async def _due(self, occurrence: Occurrence) -> tuple[Couple, Partner, Partner, CheckIn] | None:
        """(couple, receiver, who checked in, their check-in) when the news may still go."""
        couple, receiver_id = occurrence.couple, occurrence.schedule.owner_id
        about_id = int(occurrence.payload.get("about", 0))
        if couple is None or receiver_id is None:
            return None
        receiver, about = couple.partner(receiver_id), couple.partner(about_id)
        if receiver is None or about is None:
            return None
        checkin = await self.repo.get(
            couple.guild_id, about_id, date.fromisoformat(str(occurrence.payload["day"]))
        )
        if checkin is None or not checkin.shared or checkin.told_at is not None:
            return None  # private now (then this was cancelled), or told already: nothing more
        return couple, receiver, about, checkin

    async def deliver_share(self, occurrence: Occurrence) -> Sent | None:
        due = await self._due(occurrence)
        if due is None:
            return None
        couple, receiver, about, checkin = due
        card = share_embed(about, checkin)
        if rules.is_low(checkin.mood) and checkin.idea is None:
            language, template = await self.idea_for(couple, about, checkin.day)
            languages = await self.repo.love_languages(couple.guild_id, about.user_id)
            theirs = tuple(x for x in (languages.primary, languages.secondary) if x) if languages else ()
            with_idea = share_embed(about, checkin)
            with_idea.add_field(
                name="💡 An idea for you", value=idea_text(about, language, template, theirs), inline=False
            )
            try:
                sent = await occurrence.send_dm(
                    receiver.user_id,
                    embed=with_idea,
                    fallback=False,
                    **self.reply_view(couple, receiver.user_id),
                )
            except DeliveryFailed:
                occurrence.notes.append("their DMs are closed, so the idea was left out")
            else:
                await self.repo.mark_told(
                    couple.guild_id, about.user_id, checkin.day, self.clock.now(), idea=template
                )
                return sent
        # DMs closed: the shared channel gets the news (as shared), never the private idea.
        sent = await occurrence.send_dm(
            receiver.user_id, embed=card, nonce_suffix="s", **self.reply_view(couple, receiver.user_id)
        )
        await self.repo.mark_told(couple.guild_id, about.user_id, checkin.day, self.clock.now())
        return sent

    async def attach_share(self, occurrence: Occurrence) -> Attachment | None:
        """The news inside another DM to the receiver, once settled; never with an idea."""
        due = await self._due(occurrence)
        if due is None:
            return None
        couple, receiver, about, checkin = due
        if rules.is_low(checkin.mood) and checkin.idea is None:
            return None
        settled = bool(occurrence.payload.get("settled")) or self.clock.now() - checkin.updated_at >= SETTLE
        if not settled:
            return None

        async def told(sent: Sent) -> None:
            await self.repo.mark_told(couple.guild_id, about.user_id, checkin.day, self.clock.now())

        return Attachment(
            embeds=(share_embed(about, checkin),),
            items=tuple(self.replies(couple, receiver.user_id)),
            done=told,
        )

    async def idea_for(self, couple: Couple, about: Partner, day: date) -> tuple[str | None, str]:
        """(pool language, idea template) for ``about``'s low day: none the couple got in 30 days."""
        languages = await self.repo.love_languages(couple.guild_id, about.user_id)
        given = await self.repo.ideas_since(couple.guild_id, self.clock.now() - IDEA_MEMORY)
        return rules.pick_idea(
            load("empathy"),
            languages.primary if languages else None,
            languages.secondary if languages else None,
            given=given,
            turn=len(given),
            seed=f"{couple.guild_id}:{about.user_id}:{day}",
        )

    # -- gentle notes ----------------------------------------------------------------------------

    async def note_low_streak(
        self, couple: Couple, partner: Partner, checkin: CheckIn, when: datetime
    ) -> None:
        """A third low day in a row (of days the partner shared): one note to the other partner."""
        if not checkin.shared or not rules.is_low(checkin.mood):
            return
        start = await self.low_streak_start(couple, partner, checkin.day)
        if start is not None:
            await self.note_once(couple, partner, "low_streak", start, when, day=checkin.day.isoformat())

    async def low_streak_start(self, couple: Couple, partner: Partner, day: date) -> date | None:
        """A day kept private breaks a streak, as a day without a check-in does."""
        recent = await self.repo.between(couple.guild_id, partner.user_id, day - timedelta(days=31), day)
        return rules.low_streak_start({c.day: c.mood for c in recent if c.shared}, day)

    async def note_silence(
        self, couple: Couple, partner: Partner, ask: Schedule, zone: ZoneInfo, day: date
    ) -> None:
        """Three delivered asks in a row without a check-in: one gentle note to the other partner.

        Only asks since the partner chose a level that shares are counted: silence while they
        shared nothing is theirs too.
        """
        level, since = await self.repo.sharing_since(couple.guild_id, partner.user_id)
        if level is Sharing.NOTHING:
            return
        asked = [
            checkin_day(d.scheduled_at, zone)
            for d in await self.schedules.deliveries(ask.id)
            if d.status in ("sent", "late") and (since is None or d.scheduled_at >= since)
        ]
        last = await self.repo.last_day(couple.guild_id, partner.user_id)
        start = rules.unanswered_since(asked, last, day)
        if start is not None:
            await self.note_once(couple, partner, "quiet_streak", start, self.clock.now())

    async def note_once(
        self, couple: Couple, about: Partner, note: str, since: date, when: datetime, **extra: str
    ) -> None:
        """A gentle note to the other partner, once per streak (the key names the streak)."""
        key = f"{note}:{about.user_id}:{since.isoformat()}"
        if await self.schedules.find(NOTE, couple.guild_id, key) is not None:
            return
        await self.for_partner(
            NOTE,
            couple,
            couple.other(about.user_id),
            key,
            when,
            f"A gentle note about {about.display_name}",
            {"about": about.user_id, "note": note, "since": since.isoformat(), **extra},
        )

    async def for_partner(
        self,
        kind: str,
        couple: Couple,
        receiver: Partner,
        key: str,
        when: datetime,
        label: str,
        payload: dict[str, Any],
    ) -> Schedule:
        """A personal one-off for ``receiver`` (their zone, quiet hours and DM budget)."""
        return await self.scheduler.once(
            kind,
            guild_id=couple.guild_id,
            key=key,
            when=when,
            owner_id=receiver.user_id,
            personal=True,
            label=label,
            payload=payload,
        )

    async def deliver_note(self, occurrence: Occurrence) -> Sent | None:
        couple, receiver = occurrence.couple, self.owner(occurrence)
        payload = occurrence.payload
        about = couple.partner(int(payload.get("about", 0))) if couple else None
        if couple is None or receiver is None or about is None:
            return None
        since = date.fromisoformat(str(payload["since"]))
        if payload.get("note") == "low_streak":
            day = date.fromisoformat(str(payload["day"]))
            if await self.low_streak_start(couple, about, day) != since:
                return None  # a check-in of the streak was changed, or kept private, since
        else:
            level, _ = await self.repo.sharing_since(couple.guild_id, about.user_id)
            last = await self.repo.last_day(couple.guild_id, about.user_id)
            if level is Sharing.NOTHING or (last is not None and last >= since):
                return None  # they checked in since, or share nothing now
        options = load("empathy")["notes"][str(payload.get("note"))]
        text = rules.pick(options, occurrence.schedule.key).format(name=about.display_name)
        try:
            return await occurrence.send_dm(receiver.user_id, embed=note_embed(text), fallback=False)
        except DeliveryFailed:
            raise DeliveryFailed(
                "their DMs are closed, and a private note is never posted in the shared channel"
            ) from None

    # -- deadlines -------------------------------------------------------------------------------

    def awake_deadline(self, occurrence: Occurrence) -> datetime:
        """Worth delivering until the end of that day, and never once the owner's quiet hours began."""
        return until_quiet(occurrence, default_deadline(occurrence))

    def owner(self, occurrence: Occurrence) -> Partner | None:
        return owner(occurrence)


def owner(occurrence: Occurrence) -> Partner | None:
    """The partner a personal occurrence is for."""
    couple, owner_id = occurrence.couple, occurrence.schedule.owner_id
    if couple is None or owner_id is None:
        return None
    return couple.partner(owner_id)


def until_quiet(occurrence: Occurrence, deadline: datetime) -> datetime:
    """``deadline``, or the start of the owner's quiet hours when that comes first."""
    partner = owner(occurrence)
    if partner is not None:
        quiet = rules.next_quiet_start(partner.quiet, occurrence.fire_at, occurrence.zone)
        if quiet is not None:
            return min(deadline, quiet)
    return deadline
