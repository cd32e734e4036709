"""The /ritual feature's rules: its templates on the ritual service, the reveals of answer rounds,
what adding a ritual may do, the list, and re-arming a restored space's rituals.

It takes the core :class:`~bot.rituals.RitualService` (repository, scheduler, templates), the
scheduler, a clock, a way to reach a channel or thread by id (:data:`~cogs.rituals.rounds.ChannelOf`),
other features' lines for a place (:data:`~cogs.rituals.session.Sections`) and the components
deliveries attach (:class:`Components`).

Shared rituals live inside the couple's shared awake hours: one added without a time gets its
template's default moved to when both are awake that day, and a time a partner picks outside them
is kept with a warning that says what it is for the other partner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import discord

from bot.clock import Clock
from bot.db.models import Couple, Partner
from bot.db.repositories.rituals import Ritual
from bot.errors import UserError
from bot.planning import both_times, friendly_instant, sleeping_partners
from bot.rituals import RitualService, RitualTemplate
from bot.scheduler import Kind, Occurrence, Scheduler, Sent
from bot.timeutil import format_clock, nearest_shared_time, parse_weekdays, wall_to_utc, zone_info
from bot.ui.pages import clamp_page
from cogs.rituals import embeds
from cogs.rituals.goodnight import Goodnight
from cogs.rituals.gratitude import Gratitude
from cogs.rituals.rounds import REVEAL, REVEAL_DEADLINE, ChannelOf, Reveal, Rounds
from cogs.rituals.session import Sections, WeeklySession

log = logging.getLogger(__name__)

MAX_RITUALS = 25
PER_PAGE = 10

# What /ritual add offers: the default days and time of each template (a shared one's time moves
# into the couple's shared awake hours). Gratitude comes mid-week: Sunday evening already has the
# weekly session (with the digest in its thread) and often a call.
USER_TEMPLATES = {
    "weekly_checkin": ("sunday", time(19, 0)),
    "gratitude": ("wednesday", time(20, 0)),
    "goodnight": ("daily", time(22, 30)),
    "custom": ("daily", time(12, 0)),
}
# A goodnight default earlier than 22:30 when someone's quiet hours start before it, never before this.
EARLIEST_BEDTIME = time(20, 0)


@dataclass(frozen=True)
class Components:
    """The buttons deliveries attach: a session step's, a gratitude round's, a goodnight reminder's."""

    step: Callable[[int, int], discord.ui.View]
    gratitude: Callable[[int], discord.ui.View]
    goodnight: Callable[[int, Sequence[int]], discord.ui.View]


class Revealer(Protocol):
    """An answer round's template (session, gratitude): its post once closed, and its reveal."""

    def closed_post(self, reveal: Reveal) -> discord.Embed: ...

    async def reveal(self, reveal: Reveal) -> Sent: ...


@dataclass(frozen=True)
class Added:
    ritual: Ritual
    next_at: datetime | None
    warning: str
    chosen: bool = False  # the time was Closer's choice (none given)


class RitualFeatureService:
    def __init__(
        self,
        rituals: RitualService,
        scheduler: Scheduler,
        clock: Clock,
        channel_of: ChannelOf,
        sections: Sections,
        components: Components,
    ) -> None:
        self.rituals = rituals
        self.repo = rituals.repo
        self.clock = clock
        self.channel_of = channel_of
        rounds = Rounds(self.repo, scheduler, clock)
        self.session = WeeklySession(rounds, channel_of, components.step, sections)
        self.gratitude = Gratitude(rounds, components.gratitude)
        self.goodnight = Goodnight(self.repo, clock, scheduler, components.goodnight)
        self._revealers: dict[str, Revealer] = {
            self.session.what: self.session,
            self.gratitude.what: self.gratitude,
        }

    # -- what the feature adds -------------------------------------------------------------------

    def templates(self) -> tuple[RitualTemplate, ...]:
        return (
            RitualTemplate(self.session.name, self.session.label, self.session.deliver),
            RitualTemplate(self.gratitude.name, self.gratitude.label, self.gratitude.deliver),
            RitualTemplate(
                self.goodnight.name,
                self.goodnight.label,
                self.goodnight.deliver,
                personal=True,
                deadline=self.goodnight.deadline,
            ),
            RitualTemplate("custom", "Custom", self.deliver_custom),
        )

    def kinds(self) -> tuple[Kind, ...]:
        return (Kind(REVEAL, self.deliver_reveal, self.reveal_deadline), *self.goodnight.kinds())

    # -- deliveries ------------------------------------------------------------------------------

    async def deliver_custom(self, occurrence: Occurrence, ritual: Ritual) -> Sent | None:
        couple = occurrence.couple
        assert couple is not None
        return await occurrence.send_channel(
            content=embeds.mentions(couple), embed=embeds.custom_card(ritual)
        )

    @staticmethod
    def reveal_deadline(occurrence: Occurrence) -> datetime:
        return occurrence.fire_at + REVEAL_DEADLINE

    async def deliver_reveal(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        payload = occurrence.payload
        run = await self.repo.run(int(payload.get("run", 0)))
        ritual = await self.repo.get(run.ritual_id, couple.guild_id) if run and couple else None
        if couple is None or run is None or ritual is None or not payload.get("channel"):
            return None
        step = int(payload.get("step", 0))
        answers = await self.repo.answers(run.id, step)
        where = self.channel_of(int(payload["channel"]), couple.guild_id)
        revealer = self._revealers["gratitude" if payload.get("what") == "gratitude" else "session"]
        reveal = Reveal(occurrence, where, couple, ritual, run, step, answers)
        if payload.get("message"):
            closed = revealer.closed_post(reveal)
            try:  # close the post the answers came from (best effort: it may have been deleted)
                await where.get_partial_message(int(payload["message"])).edit(embed=closed, view=None)
            except (discord.Forbidden, discord.NotFound) as error:
                log.info("Could not close ritual post %s: %s", payload["message"], error)
        return await revealer.reveal(reveal)

    # -- /ritual add, list, remove ---------------------------------------------------------------

    async def add(
        self,
        couple: Couple,
        partner: Partner,
        template: str,
        *,
        at: time | None,
        day: str | None,
        message: str | None,
    ) -> Added:
        """Add a ritual the couple chose; without a time, its default inside the shared awake hours.
        Refuses a goodnight inside someone's quiet hours; warns when a shared time lands in them."""
        weekdays = parse_weekdays(day or USER_TEMPLATES[template][0])
        if template == "custom" and not (message and message.strip()):
            raise UserError("A custom ritual needs a `message`: what Closer should post each time.")
        if len(await self.repo.for_guild(couple.guild_id)) >= MAX_RITUALS:
            raise UserError(
                f"You have {MAX_RITUALS} rituals already. Remove one with `/ritual remove` first."
            )
        now = self.clock.now()
        zone = couple.zone_of(partner, now)
        chosen = at is None
        warning = ""
        if template == "goodnight":
            existing = await self.repo.find_template(couple.guild_id, "goodnight")
            if existing is not None:
                raise UserError(
                    f"You have a goodnight ritual already (#{existing.id}, "
                    f"{self.rituals.describe_when(existing)}): it reaches both of you at your own "
                    f"bedtimes. To change its time, `/ritual remove {existing.id}` and add it again."
                )
            at = at or self.default_bedtime(couple)
            for p in couple.partners:
                if p.quiet.contains(at):
                    raise UserError(
                        f"{format_clock(at)} is inside {p.display_name}'s quiet hours ({p.quiet}), so the "
                        "goodnight reminder would wait until morning. Choose an earlier bedtime, or change "
                        "quiet hours with `/couple quiet`."
                    )
        elif at is None:
            at = self.default_time(couple, zone, template, weekdays)
        else:
            warning = self.quiet_warning(couple, partner, at, zone.key, weekdays)
        ritual = await self.rituals.add(
            couple,
            template,
            weekdays=weekdays,
            at=at,
            zone=zone.key,
            message=message.strip() if message else None,
            created_by=partner.user_id,
        )
        return Added(ritual, await self.rituals.next_time(ritual), warning, chosen)

    def default_bedtime(self, couple: Couple) -> time:
        """22:30, or half an hour before the earliest quiet hours start (not before 20:00)."""
        preferred = USER_TEMPLATES["goodnight"][1]
        starts = [p.quiet.start for p in couple.partners if p.quiet.contains(preferred)]
        if not starts:
            return preferred
        earlier = (datetime.combine(date(2000, 1, 2), min(starts)) - timedelta(minutes=30)).time()
        return max(earlier, EARLIEST_BEDTIME)

    def default_time(self, couple: Couple, zone: ZoneInfo, template: str, weekdays: frozenset[int]) -> time:
        """The template's default time, moved (on its next day) to when both are awake."""
        preferred = USER_TEMPLATES[template][1]
        today = self.clock.now().astimezone(zone).date()
        day = next(
            today + timedelta(days=n) for n in range(7) if (today + timedelta(days=n)).weekday() in weekdays
        )
        local = friendly_instant(day, zone, couple, preferred).astimezone(zone)
        if local.minute % 15:  # a quarter past, not a minute past: inward, so still inside the window
            local += timedelta(minutes=15 - local.minute % 15)
        return local.time().replace(second=0, microsecond=0, tzinfo=None)

    def quiet_warning(
        self,
        couple: Couple,
        partner: Partner,
        at: time,
        zone_key: str,
        weekdays: frozenset[int] | None = None,
    ) -> str:
        """A note when a shared time lands in someone's quiet hours: what it is for them, and the
        nearest time both are awake."""
        now = self.clock.now()
        zone = zone_info(zone_key)
        today = now.astimezone(zone).date()
        days = weekdays or frozenset(range(7))
        day = next(
            today + timedelta(days=n) for n in range(7) if (today + timedelta(days=n)).weekday() in days
        )
        instant = wall_to_utc(day, at, zone)
        sleepers = sleeping_partners(instant, couple)
        if not sleepers:
            return ""
        parts = []
        for p in sleepers:
            if p.user_id == partner.user_id:
                parts.append(f"inside your own quiet hours ({p.quiet})")
            else:
                local = instant.astimezone(couple.zone_of(p, instant))
                parts.append(f"{local:%H:%M} for {p.display_name}, inside their quiet hours ({p.quiet})")
        text = f"\n⚠️ That's {' and '.join(parts)}. It's kept as you chose it."
        better = nearest_shared_time(instant, couple.people(now))
        if better is not None:
            others = ", ".join(
                f"{better.astimezone(couple.zone_of(p, better)):%H:%M} for {p.display_name}"
                for p in couple.partners
                if p.user_id != partner.user_id
            )
            text += f" The nearest time you're both awake is {better.astimezone(zone):%H:%M} your time ({others})."
        return text

    async def welcome_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """The welcome's line: what /ritual add offers, with the weekly session's default time."""
        first = couple.first
        zone = couple.zone_of(first, now)
        weekdays = parse_weekdays(USER_TEMPLATES["weekly_checkin"][0])
        at = self.default_time(couple, zone, "weekly_checkin", weekdays)
        today = now.astimezone(zone).date()
        day = next(
            today + timedelta(days=n)
            for n in range(1, 8)
            if (today + timedelta(days=n)).weekday() in weekdays
        )
        when = both_times(couple, wall_to_utc(day, at, zone), weekday=True)
        return [
            (
                "🌙 Rituals, if you'd like them",
                "A weekly check-in session, three things you're grateful for, or a goodnight nudge at "
                f"bedtime: `/ritual add`. Added without a time, the weekly session comes each week: {when}.",
            )
        ]

    def title(self, ritual: Ritual) -> str:
        """``#3 Gratitude · on Sun at 20:00 (Europe/Berlin)``, how commands name a ritual."""
        return f"#{ritual.id} {self.rituals.label(ritual)} · {self.rituals.describe_when(ritual)}"

    async def owned(self, couple: Couple, ritual_id: int) -> Ritual:
        ritual = await self.repo.get(ritual_id, couple.guild_id)
        if ritual is None:
            raise UserError(f"There's no ritual #{ritual_id} here. `/ritual list` shows yours.")
        return ritual

    async def page(self, guild_id: int, page: int) -> tuple[list[embeds.Entry], int, int]:
        """One page of the couple's rituals: its entries, the page (clamped) and the page count."""
        rituals = await self.repo.for_guild(guild_id)
        page, pages = clamp_page(page, len(rituals), PER_PAGE)
        entries = [
            embeds.Entry(
                ritual,
                self.rituals.label(ritual),
                self.rituals.describe_when(ritual),
                None if ritual.paused else await self.rituals.next_time(ritual),
            )
            for ritual in rituals[page * PER_PAGE : (page + 1) * PER_PAGE]
        ]
        return entries, page, pages

    def check_removable(self, ritual: Ritual) -> None:
        template = self.rituals.template(ritual.template)
        if template is not None and not template.addable:
            raise UserError(
                f"#{ritual.id} {self.rituals.label(ritual)} is built in; pause it with `/ritual pause {ritual.id}` instead."
            )

    # -- a restored space ------------------------------------------------------------------------

    async def rearm(self, couple: Couple) -> None:
        """``Hook.SPACE_RESTORED``: an import wrote the couple's rituals; schedule each again."""
        for ritual in await self.repo.for_guild(couple.guild_id):
            await self.rituals.schedule(couple, ritual)
