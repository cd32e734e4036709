"""Check-ins: the daily ask, saving a mood, and what the other partner is told.

Each partner is asked "how are you doing?" by DM at their own time (a personal schedule: their
zone, trips and quiet hours), answers with a mood and an optional note, and decides what the other
partner sees; each check-in keeps the level it was made under. What the other partner hears (the
news once a day, ideas, gentle notes) is :mod:`cogs.checkins.news`. The ask may travel inside
another DM due within the hour (the evening's question nudge: one evening message). No
interaction handling here: the cog and the buttons call this.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

import discord

from bot.clock import Clock
from bot.db.models import Couple, Partner, Schedule
from bot.db.repositories.checkins import KEEP, CheckIn, CheckinRepository, Sharing
from bot.db.repositories.schedules import ScheduleRepository
from bot.moods import checkin_day, day_end, day_of
from bot.scheduler import Attachment, Kind, Occurrence, Scheduler, Sent
from bot.timeutil import ALL_DAYS, format_clock
from cogs.checkins import rules
from cogs.checkins.embeds import ask_content, ask_embed, languages_line, mood_label, texts
from cogs.checkins.news import NOTE, SETTLE, SHARE, PartnerNews, owner, until_quiet
from cogs.checkins.rules import Telling

__all__ = ["ASK", "NOTE", "SETTLE", "SHARE", "CheckinService"]

ASK = "checkin"  # the daily "how are you doing?" (personal, key = user id)

DEFAULT_ASK_TIME = time(20, 0)
# The ask's buttons when it travels inside another DM: below that DM's own (rows 0-2).
ATTACHED_ROW = 3

# (guild id, user id, first row, selected mood, has a note): the ask's mood and note buttons.
AskItems = Callable[..., Sequence[discord.ui.Item[Any]]]


def ask_label(at: time) -> str:
    """What the ledger calls a partner's ask (they see it in ``/couple status``)."""
    return "Evening check-in" if at.hour >= 16 else "Daily check-in"


class CheckinService:
    """What the commands, buttons and scheduled posts of check-ins do (no interaction handling).

    ``ask_items`` builds the mood buttons an ask is sent with (the buttons live in ``views``).
    """

    def __init__(
        self,
        repo: CheckinRepository,
        scheduler: Scheduler,
        schedules: ScheduleRepository,
        clock: Clock,
        ask_items: AskItems,
    ) -> None:
        self.repo = repo
        self.scheduler = scheduler
        self.schedules = schedules
        self.clock = clock
        self.ask_items = ask_items
        self.news = PartnerNews(repo, scheduler, schedules, clock)
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}

    def kinds(self) -> list[Kind]:
        return [Kind(ASK, self.deliver_ask, self.ask_deadline, attach=self.attach_ask), *self.news.kinds()]

    def ask_view(self, guild_id: int, user_id: int) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        for item in self.ask_items(guild_id, user_id):
            view.add_item(item)
        return view

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
            label=ask_label(at),
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
        self,
        couple: Couple,
        partner: Partner,
        checkin: CheckIn,
        before: CheckIn | None,
        *,
        settled: bool = False,
    ) -> tuple[Telling, Schedule | None]:
        """Plan the other partner's news (once a day, once the check-in settled; ``settled``: the
        note form was submitted) and note a third low day: what to tell the person checking in,
        and the schedule to handle right after answering them (:meth:`deliver_now`)."""
        async with self.lock(couple.guild_id, partner.user_id):
            return await self.news.plan(couple, partner, checkin, before, settled=settled)

    async def deliver_now(self, schedule: Schedule | None) -> None:
        """Handle the news planned for now (after the person checking in was answered)."""
        if schedule is not None:
            await self.scheduler.process(schedule.id)

    async def telling_now(self, couple: Couple, partner: Partner, checkin: CheckIn) -> Telling:
        """Where today's news stands, for showing a check-in again (``/checkin now``)."""
        if not checkin.shared:
            return Telling(rules.News.PRIVATE, checkin.sharing)
        if checkin.told_at is not None:
            return Telling(rules.News.TOLD, checkin.sharing)
        schedule = await self.schedules.find(
            SHARE, couple.guild_id, f"{partner.user_id}:{checkin.day.isoformat()}"
        )
        if schedule is None or schedule.next_due is None:
            return Telling(rules.News.TOLD, checkin.sharing)
        other = couple.other(partner.user_id)
        return await self.news.telling(couple, other, checkin, schedule, settled=False)

    async def languages_tip(self, couple: Couple, partner: Partner, checkin: CheckIn) -> bool:
        """Whether to tell a partner checking in low that love languages would fit the idea their
        partner gets to them (advice for the one who can act on it)."""
        if not checkin.shared or not rules.is_low(checkin.mood):
            return False
        return await self.repo.love_languages(couple.guild_id, partner.user_id) is None

    async def set_sharing(self, couple: Couple, partner: Partner, level: Sharing) -> None:
        """What the other partner sees from now on, today's check-in included when more private;
        sharing nothing takes back whatever was still on its way about it."""
        day = self.today(couple, partner)
        await self.repo.set_sharing(couple.guild_id, partner.user_id, level, self.now(), today=day)
        if level is Sharing.NOTHING:
            await self.news.hide(couple, partner, day)

    # -- deadlines -------------------------------------------------------------------------------

    def ask_deadline(self, occurrence: Occurrence) -> datetime:
        """An ask means something until its check-in day ends (04:00) or the owner's quiet hours begin."""
        return until_quiet(
            occurrence, day_end(checkin_day(occurrence.scheduled_at, occurrence.zone), occurrence.zone)
        )

    @staticmethod
    def owner(occurrence: Occurrence) -> Partner | None:
        return owner(occurrence)

    # -- the daily ask -----------------------------------------------------------------------------

    async def deliver_ask(self, occurrence: Occurrence) -> Sent | None:
        couple, partner = occurrence.couple, self.owner(occurrence)
        if couple is None or partner is None:
            return None
        day = checkin_day(occurrence.scheduled_at, occurrence.zone)
        await self.news.note_silence(couple, partner, occurrence.schedule, occurrence.zone, day)
        if await self.repo.get(couple.guild_id, partner.user_id, day) is not None:
            occurrence.notes.append("already checked in today")
            return None
        question = rules.pick(texts()["ask"], f"{partner.user_id}:{day}")
        level = await self.repo.sharing(couple.guild_id, partner.user_id)
        return await occurrence.send_dm(
            partner.user_id,
            content=ask_content(question, level, couple.other(partner.user_id)),
            view=self.ask_view(couple.guild_id, partner.user_id),
        )

    async def attach_ask(self, occurrence: Occurrence) -> Attachment | None:
        """The ask inside another DM to the partner due within the hour (one evening message)."""
        couple, partner = occurrence.couple, self.owner(occurrence)
        if couple is None or partner is None:
            return None
        day = checkin_day(occurrence.scheduled_at, occurrence.zone)
        if await self.repo.get(couple.guild_id, partner.user_id, day) is not None:
            return None  # already checked in: the ask is skipped at its time
        question = rules.pick(texts()["ask"], f"{partner.user_id}:{day}")
        level = await self.repo.sharing(couple.guild_id, partner.user_id)

        async def asked(sent: Sent) -> None:
            await self.news.note_silence(couple, partner, occurrence.schedule, occurrence.zone, day)

        return Attachment(
            embeds=(ask_embed(question, level, couple.other(partner.user_id), day),),
            items=tuple(self.ask_items(couple.guild_id, partner.user_id, first_row=ATTACHED_ROW)),
            done=asked,
        )

    # -- /couple status --------------------------------------------------------------------------

    async def status_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """``/couple status``: today's check-ins as each was shared, and love languages. A check-in
        that shares nothing shows exactly as no check-in would."""
        lines = []
        languages = []
        for partner in couple.partners:
            today = await self.repo.get(couple.guild_id, partner.user_id, day_of(couple, partner, now))
            if today is not None and today.shared:
                noted = " · 📝 with a note" if today.note and today.sharing is Sharing.FULL else ""
                lines.append(f"{partner.display_name}: {mood_label(today.mood)}{noted}")
            elif await self.repo.sharing(couple.guild_id, partner.user_id) is Sharing.NOTHING:
                lines.append(f"{partner.display_name}: 🔒 keeps check-ins private")
            else:
                lines.append(f"{partner.display_name}: not yet today")
            chosen = await self.repo.love_languages(couple.guild_id, partner.user_id)
            if chosen is not None:
                languages.append(languages_line(partner, chosen.primary, chosen.secondary))
        result = [("Check-ins today", "\n".join(lines))]
        if languages:
            result.append(("Love languages", "\n".join(languages)))
        return result

    async def welcome_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """The welcome post: the evening DM each partner gets, at its time in their own zone, and
        what the other learns of it."""
        times = []
        for partner in couple.partners:
            schedule = await self.schedules.find(ASK, couple.guild_id, str(partner.user_id))
            if schedule is not None and schedule.local_time is not None and not schedule.paused:
                times.append(f"{format_clock(schedule.local_time)} for {partner.display_name}")
        if not times:
            return []
        return [
            (
                "💬 How are you doing?",
                f"Each evening a short DM asks each of you, in your own time ({' · '.join(times)}): a "
                "mood from 1 to 5, and a note if you like. The other hears of it once, as you choose "
                "with `/checkin sharing`: your mood and note, the mood only, or nothing at all.",
            )
        ]
