"""Days together (``/couple since``) and their milestones: 100, 200, 365, 500 and 1,000 days,
every 1,000 after, and each year. Each is posted once in the shared channel, on its day, at a
moment both partners are awake (a scheduler one-off, kind ``milestone``, keyed by the milestone:
a restart or setting the same date again never posts it twice; a milestone already past when the
date is set is not posted). A late one (Closer was offline) still comes within three days, and
only while both are awake. The post brings a memory from the book when one fits: one from the
first days together, or one from the same date in an earlier year.

The days are counted in the first partner's home zone (the couple's "home" for shared posts).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import discord

from bot.clock import Clock
from bot.db.models import Couple, Partner
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.memory_search import Memory
from bot.db.repositories.together import Together, TogetherRepository
from bot.db.repositories.visits import VisitRepository
from bot.errors import UserError
from bot.planning import (
    Planned,
    friendly_instant,
    mentions,
    plural,
    shared_moment_after,
    sleeping_partners,
    sync_once,
)
from bot.scheduler import Deferred, Kind, Occurrence, Scheduler, Sent
from bot.ui.embeds import clip, embed

log = logging.getLogger(__name__)

KIND_MILESTONE = "milestone"
DAY_MILESTONES = (100, 200, 365, 500)  # then 1,000 and every 1,000 after
POST_AT = time(19, 0)  # preferred, in the home zone; else the nearest moment both are awake
LATE_FOR = timedelta(days=3)  # a milestone Closer was offline for still comes this long after
CATCH_UP = timedelta(days=3)  # planning looks back this far (pending ones stay planned)
EARLIEST = date(1900, 1, 1)


@dataclass(frozen=True, slots=True)
class Milestone:
    day: date
    days: int  # days together that day
    years: int  # 0, or the anniversary it is

    @property
    def key(self) -> str:
        return f"y{self.years}" if self.years else f"d{self.days}"

    @property
    def title(self) -> str:
        if self.years:
            also = f" ({self.days:,} days)" if self.days in DAY_MILESTONES or self.days % 1000 == 0 else ""
            return f"{plural(self.years, 'year')} together{also} 💞"
        return f"{self.days:,} days together 💞"


def anniversary(since: date, years: int) -> date:
    try:
        return since.replace(year=since.year + years)
    except ValueError:  # Feb 29: Feb 28 in other years
        return since.replace(year=since.year + years, day=28)


def milestones(since: date, start: date, count: int = 3) -> list[Milestone]:
    """The first ``count`` milestones on or after ``start``, in order (a day count and an
    anniversary on the same date are one milestone: the anniversary)."""
    found: dict[date, Milestone] = {}
    for years in range(1, max(start.year - since.year, 0) + count + 2):
        day = anniversary(since, years)
        if day >= start:
            found[day] = Milestone(day, (day - since).days, years)
    reach = max((start - since).days, 0) + 1000 * (count + 1)
    for days in (*DAY_MILESTONES, *range(1000, reach + 1, 1000)):
        day = since + timedelta(days=days)
        if day >= start:
            found.setdefault(day, Milestone(day, days, 0))
    return [found[d] for d in sorted(found)][:count]


def milestone_of(since: date, key: str) -> Milestone | None:
    """The milestone a post's key names ("d100", "y2")."""
    if len(key) < 2 or key[0] not in "dy" or not key[1:].isdigit():
        return None
    number = int(key[1:])
    if key[0] == "y":
        day = anniversary(since, number)
        return Milestone(day, (day - since).days, number)
    return Milestone(since + timedelta(days=number), number, 0)


def days_together(since: date, today: date) -> int:
    return (today - since).days


def home_zone(couple: Couple, now: datetime) -> ZoneInfo:
    return couple.zone_of(couple.first, now)


def milestone_embed(
    couple: Couple, together: Together, milestone: Milestone, memory: Memory | None
) -> discord.Embed:
    names = " and ".join(p.display_name for p in couple.partners)
    card = embed(
        milestone.title, f"{names}, today it's {milestone.days:,} days since {together.since:%A %-d %B %Y}."
    )
    if memory is not None:
        text = memory.description or memory.quote
        value = f"**{clip(memory.title, 200)}** · {memory.happened_on:%-d %B %Y}"
        if text:
            value += "\n" + clip(text, 700)
        card.add_field(name="📖 From your memory book", value=value, inline=False)
    card.set_footer(text="Counted from /couple since. /couple status shows your days any time.")
    return card


class Milestones:
    """The start date, the days, and the milestone posts (no interaction handling)."""

    def __init__(
        self,
        repo: TogetherRepository,
        visits: VisitRepository,
        couples: CoupleRepository,
        scheduler: Scheduler,
        clock: Clock,
    ) -> None:
        self.repo = repo
        self.visits = visits
        self.couples = couples
        self.scheduler = scheduler
        self.clock = clock

    def kinds(self) -> tuple[Kind, ...]:
        return (Kind(KIND_MILESTONE, self.deliver, lambda o: o.fire_at + LATE_FOR),)

    # -- the start date --------------------------------------------------------------------------

    def parse(self, couple: Couple, partner: Partner, text: str) -> date:
        """``date``: YYYY-MM-DD, a real date, not in the future (the partner's own today)."""
        today = self.clock.now().astimezone(couple.zone_of(partner, self.clock.now())).date()
        cleaned = text.strip()
        example = f"`{today.replace(year=today.year - 1):%Y-%m-%d}`"
        parts = cleaned.split("-")
        if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
            raise UserError(
                f"`{cleaned[:40]}` isn't a date I understand for `date`: use YYYY-MM-DD, like {example}."
            )
        try:
            day = date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            raise UserError(
                f"`{cleaned[:20]}` isn't a real date for `date`: use YYYY-MM-DD, like {example}."
            ) from None
        if day > today:
            raise UserError(
                f"`date` is in the future ({day:%-d %B %Y}): choose the day you got together, "
                f"today ({today:%Y-%m-%d}) at the latest."
            )
        if day < EARLIEST:
            raise UserError(f"`date` is before 1900: choose the day you got together, like {example}.")
        return day

    async def set(self, couple: Couple, partner: Partner, since: date) -> Together:
        together = await self.repo.set(couple.guild_id, since, partner.user_id, self.clock.now())
        await self.plan(couple, together)
        return together

    # -- planning --------------------------------------------------------------------------------

    async def plan(self, couple: Couple, together: Together | None = None) -> None:
        """The next milestone's post (and a recent one still pending), at a moment both are awake."""
        together = together or await self.repo.get(couple.guild_id)
        desired: dict[str, Planned] = {}
        if together is not None:
            now = self.clock.now()
            zone = home_zone(couple, now)
            today = now.astimezone(zone).date()
            for milestone in milestones(together.since, today - CATCH_UP):
                when = friendly_instant(milestone.day, zone, couple, POST_AT)
                desired[milestone.key] = Planned(
                    when,
                    milestone.title.replace(" 💞", ""),
                    {"since": together.since.isoformat(), "key": milestone.key},
                )
                if milestone.day >= today:
                    break
        await sync_once(
            self.scheduler,
            guild_id=couple.guild_id,
            kind=KIND_MILESTONE,
            prefix="",
            desired=desired,
            owner_id=together.set_by if together else None,
        )

    async def replan(self, couple: Couple) -> None:
        """Zones or quiet hours changed, or an import restored the space (no start date: nothing
        was ever planned, nothing to do)."""
        together = await self.repo.get(couple.guild_id)
        if together is not None:
            await self.plan(couple, together)

    async def plan_everything(self) -> None:
        """Once ready: plan the couples whose plan may have gone stale while Closer was down."""
        couples = {c.guild_id: c for c in await self.couples.all_paired()}
        for together in await self.repo.all_set():
            couple = couples.get(together.guild_id)
            if couple is None or not await self.scheduler.marks.stale(together.guild_id, KIND_MILESTONE):
                continue
            try:
                await self.plan(couple, together)
            except Exception:
                log.exception("Could not plan the milestones of server %s", together.guild_id)

    # -- the post --------------------------------------------------------------------------------

    async def deliver(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        together = await self.repo.get(couple.guild_id) if couple is not None else None
        if (
            couple is None
            or together is None
            or together.since.isoformat() != occurrence.payload.get("since")
        ):
            return None  # the date changed since: that milestone isn't theirs any more
        milestone = milestone_of(together.since, str(occurrence.payload.get("key", "")))
        if milestone is None:
            return None
        now = self.clock.now()
        if sleeping_partners(now, couple):
            later = shared_moment_after(now, couple, timedelta(days=2))
            if later is not None and later > now:
                raise Deferred(later)  # late (Closer was offline): wait until both are awake
        memory = await self.repo.milestone_memory(couple.guild_id, together.since, milestone.day)
        sent = await occurrence.send_channel(
            content=mentions(couple), embed=milestone_embed(couple, together, milestone, memory)
        )
        await self.plan(couple, together)
        return sent

    # -- /couple status --------------------------------------------------------------------------

    async def status_lines(self, couple: Couple, viewer: Partner, now: datetime) -> list[tuple[str, str]]:
        """Days together, since the last visit and until the next one, in the viewer's days."""
        today = now.astimezone(couple.zone_of(viewer, now)).date()
        together = await self.repo.get(couple.guild_id)
        lines = []
        if together is None:
            lines.append("Set the day you got together with `/couple since` to count your days.")
        else:
            lines.append(
                f"**{days_together(together.since, today):,}** days together (since {together.since:%a %-d %b %Y})"
            )
        last = await self.repo.last_visit(couple.guild_id, now)
        if last is not None:
            ago = (today - last).days
            when = "today" if ago <= 0 else "yesterday" if ago == 1 else f"{ago:,} days ago"
            lines.append(f"Last together: {when} (your visit of {last:%a %-d %b})")
        visit = await self.visits.current(couple.guild_id)
        if visit is not None:
            left = (visit.visit_date - now.astimezone(ZoneInfo(visit.zone)).date()).days
            if left > 0:
                lines.append(
                    f"Together again in {left:,} day{'s' if left != 1 else ''} ({visit.visit_date:%a %-d %b})"
                )
        return [("Days together 💞", "\n".join(lines))]


def next_line(couple: Couple, partner: Partner, together: Together, now: datetime) -> str:
    """The reply to ``/couple since``: the days so far, and the next milestone."""
    today = now.astimezone(couple.zone_of(partner, now)).date()
    days = days_together(together.since, today)
    text = f"Saved 💞 You've been together **{days:,}** days, since {together.since:%A %-d %B %Y}."
    home = home_zone(couple, now)
    upcoming = [
        m for m in milestones(together.since, today) if friendly_instant(m.day, home, couple, POST_AT) > now
    ]
    if upcoming:
        title = upcoming[0].title.replace(" 💞", "")
        text += (
            f" Next: {title} on {upcoming[0].day:%a %-d %b %Y}; Closer will mark it in <#{couple.channel_id}> "
            "at a time you're both awake."
        )
    return text
