"""Check-ins: the daily ask, saving a mood, telling the other partner, ideas and gentle notes.

Each partner is asked "how are you doing?" by DM at their own time (a personal schedule: their
zone, trips and quiet hours), answers with a mood and an optional note, and decides what the other
partner sees. The other partner is told (a personal one-off, so never in their quiet hours), with
an idea fitted to the love languages on a low day, and a gentle note when the low days or the
silence last three days. No interaction handling here: the cog and the buttons call this.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

import discord

from bot.clock import Clock
from bot.content import load
from bot.db.models import Couple, Partner, Schedule
from bot.db.repositories.checkins import KEEP, CheckIn, CheckinRepository, Sharing
from bot.db.repositories.schedules import ScheduleRepository
from bot.moods import checkin_day, day_end, day_of
from bot.scheduler import DeliveryFailed, Kind, Occurrence, Scheduler, Sent, default_deadline, describe
from bot.timeutil import ALL_DAYS
from cogs.checkins import rules
from cogs.checkins.embeds import (
    ask_content,
    idea_text,
    languages_line,
    mood_label,
    note_embed,
    share_embed,
    texts,
)

ASK = "checkin"  # the daily "how are you doing?" (personal, key = user id)
SHARE = "checkin_share"  # telling the other partner (personal to them, key = the user checking in)
NOTE = "checkin_note"  # a gentle note after three low or silent days (key names the streak)

DEFAULT_ASK_TIME = time(20, 0)
# Telling the partner waits this long after a check-in, so a note added right after the mood
# arrives in the same message (each change within the delay restarts it).
NOTIFY_DELAY = timedelta(minutes=2)

AskView = Callable[[int, int], discord.ui.View]  # (guild id, user id): the ask's mood buttons


class CheckinService:
    """What the commands, buttons and scheduled posts of check-ins do (no interaction handling).

    ``ask_view`` builds the mood buttons an ask is sent with (the buttons live in ``views``).
    """

    def __init__(
        self,
        repo: CheckinRepository,
        scheduler: Scheduler,
        schedules: ScheduleRepository,
        clock: Clock,
        ask_view: AskView,
    ) -> None:
        self.repo = repo
        self.scheduler = scheduler
        self.schedules = schedules
        self.clock = clock
        self.ask_view = ask_view
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}

    def kinds(self) -> list[Kind]:
        return [
            Kind(ASK, self.deliver_ask, self.ask_deadline),
            Kind(SHARE, self.deliver_share, self.awake_deadline),
            Kind(NOTE, self.deliver_note, self.awake_deadline),
        ]

    def lock(self, guild_id: int, user_id: int) -> asyncio.Lock:
        return self._locks.setdefault((guild_id, user_id), asyncio.Lock())

    def now(self) -> datetime:
        return self.clock.now()

    def today(self, couple: Couple, partner: Partner) -> date:
        return day_of(couple, partner, self.now())

    # -- the daily ask's schedule --------------------------------------------------------------------

    async def ensure(self, couple: Couple) -> None:
        """``couple_paired``: each partner's daily ask, at 20:00 in their own time."""
        for partner in couple.partners:
            if await self.schedules.find(ASK, couple.guild_id, str(partner.user_id)) is None:
                await self.set_ask_time(couple, partner, DEFAULT_ASK_TIME)

    async def rearm(self, couple: Couple) -> None:
        """``space_restored``: each partner's daily ask runs again as the space had it (its time,
        days and pause), or at 20:00 for a partner it has none for."""
        for partner in couple.partners:
            schedule = await self.schedules.find(ASK, couple.guild_id, str(partner.user_id))
            if schedule is None or schedule.local_time is None:
                await self.set_ask_time(couple, partner, DEFAULT_ASK_TIME)
            else:  # redefined as it is: armed again from now on, a paused one stays paused
                await self._ask_at(couple, partner, schedule.local_time, schedule.weekdays)

    async def set_ask_time(self, couple: Couple, partner: Partner, at: time) -> Schedule:
        schedule = await self._ask_at(couple, partner, at)
        if schedule.paused:
            schedule = await self.scheduler.resume(schedule.id)
        return schedule

    async def _ask_at(
        self, couple: Couple, partner: Partner, at: time, weekdays: Iterable[int] = ALL_DAYS
    ) -> Schedule:
        return await self.scheduler.recurring(
            ASK,
            guild_id=couple.guild_id,
            key=str(partner.user_id),
            at=at,
            owner_id=partner.user_id,
            personal=True,
            label=f"Check-in for {partner.display_name}",
            weekdays=weekdays,
        )

    async def stop_asking(self, couple: Couple, partner: Partner) -> bool:
        """Turn the daily ask off (False when it already was)."""
        schedule = await self.schedules.find(ASK, couple.guild_id, str(partner.user_id))
        if schedule is None or schedule.paused:
            return False
        await self.scheduler.pause(schedule.id)
        return True

    # -- checking in -------------------------------------------------------------------------------

    async def check_in(
        self, couple: Couple, partner: Partner, mood: int, note: str | object | None = KEEP
    ) -> tuple[CheckIn, CheckIn | None]:
        """Save today's check-in (``note`` sets or clears the note; left out, it is kept): (saved, before)."""
        now = self.now()
        zone = couple.zone_of(partner, now)
        return await self.repo.save(
            couple.guild_id,
            partner.user_id,
            checkin_day(now, zone),
            mood=mood,
            zone=zone.key,
            now=now,
            note=note,
        )

    async def after_check_in(
        self, couple: Couple, partner: Partner, checkin: CheckIn, before: CheckIn | None
    ) -> None:
        """Tell the other partner (soon, outside their quiet hours) and note a third low day."""
        if before is not None and (before.mood, before.note) == (checkin.mood, checkin.note):
            return
        level = await self.repo.sharing(couple.guild_id, partner.user_id)
        if level is Sharing.NOTHING:
            return
        other = couple.other(partner.user_id)
        when = self.now() + NOTIFY_DELAY
        async with self.lock(couple.guild_id, partner.user_id):
            await self.scheduler.once(
                SHARE,
                guild_id=couple.guild_id,
                key=str(partner.user_id),
                when=when,
                owner_id=other.user_id,
                personal=True,
                label=f"{partner.display_name}'s check-in, for {other.display_name}",
                payload={"about": partner.user_id, "day": checkin.day.isoformat()},
            )
            if not rules.is_low(checkin.mood):
                return
            recent = await self.repo.between(
                couple.guild_id, partner.user_id, checkin.day - timedelta(days=31), checkin.day
            )
            start = rules.low_streak_start({c.day: c.mood for c in recent}, checkin.day)
            if start is not None:
                await self.note_once(couple, partner, "low_streak", start, when, day=checkin.day.isoformat())

    async def note_once(
        self, couple: Couple, about: Partner, note: str, since: date, when: datetime, **extra: str
    ) -> None:
        """A gentle note to the other partner, once per streak (the key names the streak)."""
        key = f"{note}:{about.user_id}:{since.isoformat()}"
        if await self.schedules.find(NOTE, couple.guild_id, key) is not None:
            return
        other = couple.other(about.user_id)
        await self.scheduler.once(
            NOTE,
            guild_id=couple.guild_id,
            key=key,
            when=when,
            owner_id=other.user_id,
            personal=True,
            label=f"A gentle note for {other.display_name}",
            payload={"about": about.user_id, "note": note, "since": since.isoformat(), **extra},
        )

    # -- deadlines -------------------------------------------------------------------------------

    def awake_deadline(self, occurrence: Occurrence) -> datetime:
        """Worth delivering until the end of that day, and never once the owner's quiet hours began."""
        deadline = default_deadline(occurrence)
        owner = self.owner(occurrence)
        if owner is not None:
            quiet = rules.next_quiet_start(owner.quiet, occurrence.fire_at, occurrence.zone)
            if quiet is not None:
                deadline = min(deadline, quiet)
        return deadline

    def ask_deadline(self, occurrence: Occurrence) -> datetime:
        """An ask means something until its check-in day ends (04:00) or the owner's quiet hours begin."""
        end = day_end(checkin_day(occurrence.scheduled_at, occurrence.zone), occurrence.zone)
        owner = self.owner(occurrence)
        if owner is not None:
            quiet = rules.next_quiet_start(owner.quiet, occurrence.fire_at, occurrence.zone)
            if quiet is not None:
                end = min(end, quiet)
        return end

    @staticmethod
    def owner(occurrence: Occurrence) -> Partner | None:
        couple, owner_id = occurrence.couple, occurrence.schedule.owner_id
        if couple is None or owner_id is None:
            return None
        return couple.partner(owner_id)

    # -- the daily ask -----------------------------------------------------------------------------

    async def deliver_ask(self, occurrence: Occurrence) -> Sent | None:
        couple, partner = occurrence.couple, self.owner(occurrence)
        if couple is None or partner is None:
            return None
        day = checkin_day(occurrence.scheduled_at, occurrence.zone)
        await self.note_silence(occurrence, couple, partner, day)
        if await self.repo.get(couple.guild_id, partner.user_id, day) is not None:
            return None  # already checked in today (recorded as skipped)
        question = rules.pick(texts()["ask"], f"{partner.user_id}:{day}")
        level = await self.repo.sharing(couple.guild_id, partner.user_id)
        return await occurrence.send_dm(
            partner.user_id,
            content=ask_content(question, level, couple.other(partner.user_id)),
            view=self.ask_view(couple.guild_id, partner.user_id),
        )

    async def note_silence(self, occurrence: Occurrence, couple: Couple, partner: Partner, day: date) -> None:
        """Three delivered asks in a row without a check-in: one gentle note to the other partner."""
        if await self.repo.sharing(couple.guild_id, partner.user_id) is Sharing.NOTHING:
            return
        asked = [
            checkin_day(d.scheduled_at, occurrence.zone)
            for d in await self.schedules.deliveries(occurrence.schedule.id)
            if d.status in ("sent", "late")
        ]
        last = await self.repo.last_day(couple.guild_id, partner.user_id)
        since = rules.unanswered_since(asked, last, day)
        if since is not None:
            await self.note_once(couple, partner, "quiet_streak", since, self.now() + NOTIFY_DELAY)

    # -- telling the other partner -----------------------------------------------------------------

    async def deliver_share(self, occurrence: Occurrence) -> Sent | None:
        couple, receiver = occurrence.couple, self.owner(occurrence)
        about_id = int(occurrence.payload.get("about", 0))
        about = couple.partner(about_id) if couple else None
        if couple is None or receiver is None or about is None:
            return None
        level = await self.repo.sharing(couple.guild_id, about_id)
        day = date.fromisoformat(str(occurrence.payload.get("day")))
        checkin = await self.repo.get(couple.guild_id, about_id, day)
        if level is Sharing.NOTHING or checkin is None:
            return None
        card = share_embed(about, checkin, level)
        idea = None
        if rules.is_low(checkin.mood) and checkin.suggested_at is None:
            idea = await self.idea_for(couple, about, day)
        if idea is not None:
            with_idea = share_embed(about, checkin, level)
            with_idea.add_field(name="💡 An idea for you", value=idea, inline=False)
            sent = await dm_only(occurrence, receiver.user_id, embed=with_idea)
            if sent is not None:
                await self.repo.mark_told(couple.guild_id, about_id, day, self.now(), suggested=True)
                return sent
        # DMs closed: the shared channel gets the news, never the private idea.
        sent = await occurrence.send_dm(receiver.user_id, embed=card, nonce_suffix="s")
        await self.repo.mark_told(couple.guild_id, about_id, day, self.now(), suggested=False)
        return sent

    async def idea_for(self, couple: Couple, about: Partner, day: date) -> str:
        """An idea fitted to ``about``'s love languages (stable for the day)."""
        languages = await self.repo.love_languages(couple.guild_id, about.user_id)
        language, idea = rules.pick_suggestion(
            load("empathy"),
            languages.primary if languages else None,
            languages.secondary if languages else None,
            seed=f"{couple.guild_id}:{about.user_id}:{day}",
        )
        return idea_text(about, language, idea)

    async def deliver_note(self, occurrence: Occurrence) -> Sent | None:
        couple, receiver = occurrence.couple, self.owner(occurrence)
        payload = occurrence.payload
        about = couple.partner(int(payload.get("about", 0))) if couple else None
        if couple is None or receiver is None or about is None:
            return None
        if await self.repo.sharing(couple.guild_id, about.user_id) is Sharing.NOTHING:
            return None
        since = date.fromisoformat(str(payload["since"]))
        if payload.get("note") == "low_streak":
            day = date.fromisoformat(str(payload["day"]))
            recent = await self.repo.between(couple.guild_id, about.user_id, since, day)
            if rules.low_streak_start({c.day: c.mood for c in recent}, day) != since:
                return None  # a check-in of the streak was changed since
        else:
            last = await self.repo.last_day(couple.guild_id, about.user_id)
            if last is not None and last >= since:
                return None  # they checked in since
        options = load("empathy")["notes"][str(payload.get("note"))]
        text = rules.pick(options, occurrence.schedule.key).format(name=about.display_name)
        sent = await dm_only(occurrence, receiver.user_id, embed=note_embed(text))
        if sent is None:
            raise DeliveryFailed("DMs closed; a private note is never posted in the shared channel")
        return sent

    # -- /couple status --------------------------------------------------------------------------

    async def status_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """``/couple status``: today's check-ins as each partner shares them, and love languages."""
        lines = []
        languages = []
        for partner in couple.partners:
            level = await self.repo.sharing(couple.guild_id, partner.user_id)
            if level is Sharing.NOTHING:
                lines.append(f"{partner.display_name}: 🔒 keeps check-ins private")
            else:
                today = await self.repo.get(couple.guild_id, partner.user_id, day_of(couple, partner, now))
                if today is None:
                    lines.append(f"{partner.display_name}: not yet today")
                else:
                    noted = " · 📝 with a note" if today.note and level is Sharing.FULL else ""
                    lines.append(f"{partner.display_name}: {mood_label(today.mood)}{noted}")
            chosen = await self.repo.love_languages(couple.guild_id, partner.user_id)
            if chosen is not None:
                languages.append(languages_line(partner, chosen.primary, chosen.secondary))
        result = [("Check-ins today", "\n".join(lines))]
        if languages:
            result.append(("Love languages", "\n".join(languages)))
        return result


async def dm_only(occurrence: Occurrence, user_id: int, **kwargs: Any) -> Sent | None:
    """A private DM, or None when the partner's DMs are closed (no fallback to the shared channel)."""
    try:
        message = await occurrence.messenger.to_user(user_id, nonce=occurrence.nonce("p"), **kwargs)
    except (discord.Forbidden, discord.NotFound) as error:
        occurrence.notes.append(f"private part skipped ({describe(error)})")
        return None
    return Sent(message.id, message.channel.id, message=message)
