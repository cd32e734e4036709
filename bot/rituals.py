"""Rituals on the scheduler: one service every feature's recurring post goes through.

A ritual is a template (how to post it) on some weekdays at a wall time. Shared templates run
in the zone of whoever set them; personal ones (goodnight) run for each partner at that wall
time in their own zone and respect their quiet hours. Features add templates (the on-this-day
memory, the weekly digest) so ``/ritual list``, ``pause`` and ``resume`` cover them all.

A template may say whether an occurrence will really post (``will_post``: "on this day" only
when a memory matches), so what /couple status says is coming is what comes.
:meth:`RitualService.runs_near` tells a feature whether another ritual runs the same evening (the
weekly digest and the weekly check-in session share one thread then).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.clock import Clock
from bot.db.models import Couple, Schedule
from bot.db.repositories.rituals import Ritual, RitualRepository
from bot.scheduler import DeliveryFailed, Kind, Occurrence, Scheduler, Sent, default_deadline
from bot.timeutil import WallRule, format_clock, format_weekdays, zone_info
from bot.ui.embeds import clip

log = logging.getLogger(__name__)

KIND = "ritual"

RitualDeliver = Callable[[Occurrence, Ritual], Awaitable[Sent | None]]
# Whether the ritual's occurrence at an instant will post anything (the couple, the ritual, when).
WillPost = Callable[[Couple, Ritual, datetime], Awaitable[bool]]


@dataclass(frozen=True)
class RitualTemplate:
    name: str
    label: str
    deliver: RitualDeliver
    personal: bool = False  # one schedule per partner, in their own zone
    addable: bool = True  # offered by /ritual add; built-ins are added by their feature
    deadline: Callable[[Occurrence], datetime] | None = None
    will_post: WillPost | None = None  # None: every occurrence posts


def ritual_rule(ritual: Ritual) -> WallRule:
    """When the ritual comes: its wall time on its weekdays, in its zone."""
    return WallRule(ritual.local_time, zone_info(ritual.zone), ritual.weekdays)


def occurrence_near(ritual: Ritual, instant: datetime, within: timedelta) -> datetime | None:
    """The ritual's first occurrence within ``within`` of ``instant`` (either side), if any."""
    window = ritual_rule(ritual).instants(instant - within - timedelta(seconds=1), instant + within)
    return next(iter(window), None)


def schedule_key(ritual_id: int, user_id: int | None = None) -> str:
    return f"{ritual_id}:{user_id if user_id is not None else 'all'}"


class RitualService:
    """Rituals on the scheduler; it takes the ritual repository, the scheduler and a clock."""

    def __init__(self, repo: RitualRepository, scheduler: Scheduler, clock: Clock) -> None:
        self.repo = repo
        self.scheduler = scheduler
        self.clock = clock
        self.templates: dict[str, RitualTemplate] = {}
        scheduler.register(Kind(KIND, self._deliver, self._deadline))

    def register(self, template: RitualTemplate) -> None:
        self.templates[template.name] = template

    def unregister(self, name: str) -> None:
        self.templates.pop(name, None)

    def template(self, name: str) -> RitualTemplate | None:
        return self.templates.get(name)

    def label(self, ritual: Ritual) -> str:
        template = self.templates.get(ritual.template)
        return template.label if template else ritual.template.replace("_", " ").title()

    def schedule_label(self, ritual: Ritual) -> str:
        """How the ritual's posts are named where partners read them (/couple status): its label,
        or a custom ritual's own words; never its id."""
        if ritual.template == "custom" and ritual.message:
            return f"Your ritual “{clip(' '.join(ritual.message.split()), 40)}”"
        return self.label(ritual)

    def describe_when(self, ritual: Ritual) -> str:
        days = format_weekdays(ritual.weekdays)
        days = days if days in ("every day", "weekdays", "weekends") else f"on {days}"
        template = self.templates.get(ritual.template)
        if template and template.personal:
            return f"{days} at {format_clock(ritual.local_time)}, each in your own time"
        return f"{days} at {format_clock(ritual.local_time)} ({ritual.zone})"

    # -- lifecycle of a ritual -------------------------------------------------------------------

    async def add(
        self,
        couple: Couple,
        template_name: str,
        *,
        weekdays: frozenset[int],
        at: time,
        zone: str,
        message: str | None,
        created_by: int,
    ) -> Ritual:
        ritual_id = await self.repo.add(
            guild_id=couple.guild_id,
            template=template_name,
            weekdays=weekdays,
            at=at,
            zone=zone,
            message=message,
            created_by=created_by,
            now=self.clock.now(),
        )
        ritual = await self.repo.get(ritual_id)
        assert ritual is not None
        await self.schedule(couple, ritual)
        return ritual

    async def ensure_builtin(
        self, couple: Couple, template_name: str, *, weekdays: frozenset[int], at: time, zone: str
    ) -> Ritual:
        """A feature's built-in ritual, created once per couple (kept as the couple left it)."""
        existing = await self.repo.find_template(couple.guild_id, template_name)
        if existing is not None:
            return existing
        return await self.add(
            couple,
            template_name,
            weekdays=weekdays,
            at=at,
            zone=zone,
            message=None,
            created_by=couple.first.user_id,
        )

    async def schedule(self, couple: Couple, ritual: Ritual) -> list[Schedule]:
        template = self.templates.get(ritual.template)
        label = self.schedule_label(ritual)
        payload = {"ritual": ritual.id, "template": ritual.template}
        made: list[Schedule] = []
        if template is not None and template.personal:
            for partner in couple.partners:
                made.append(
                    await self.scheduler.recurring(
                        KIND,
                        guild_id=couple.guild_id,
                        at=ritual.local_time,
                        weekdays=ritual.weekdays,
                        key=schedule_key(ritual.id, partner.user_id),
                        label=f"{label} for {partner.display_name}",
                        owner_id=partner.user_id,
                        personal=True,
                        payload=payload,
                    )
                )
        else:
            made.append(
                await self.scheduler.recurring(
                    KIND,
                    guild_id=couple.guild_id,
                    at=ritual.local_time,
                    weekdays=ritual.weekdays,
                    key=schedule_key(ritual.id),
                    label=label,
                    zone=ritual.zone,
                    owner_id=ritual.created_by,
                    payload=payload,
                )
            )
        if ritual.paused:
            for schedule in made:
                await self.scheduler.pause(schedule.id)
        return made

    async def update(
        self, couple: Couple, ritual: Ritual, *, at: time, zone: str, weekdays: frozenset[int] | None = None
    ) -> Ritual:
        """Move a ritual to a new time (and zone, days); its schedules follow."""
        await self.repo.update_time(ritual.id, at=at, zone=zone, weekdays=weekdays or ritual.weekdays)
        updated = await self.repo.get(ritual.id)
        assert updated is not None
        await self.schedule(couple, updated)
        return updated

    async def schedules(self, ritual: Ritual) -> list[Schedule]:
        prefix = f"{ritual.id}:"
        return [
            s for s in await self.scheduler.repo.for_guild(ritual.guild_id, KIND) if s.key.startswith(prefix)
        ]

    async def pause(self, ritual: Ritual) -> None:
        await self.repo.set_paused(ritual.id, True)
        for schedule in await self.schedules(ritual):
            await self.scheduler.pause(schedule.id)

    async def resume(self, ritual: Ritual) -> list[Schedule]:
        await self.repo.set_paused(ritual.id, False)
        return [await self.scheduler.resume(s.id) for s in await self.schedules(ritual)]

    async def remove(self, ritual: Ritual) -> None:
        await self.scheduler.cancel_where(ritual.guild_id, KIND, f"{ritual.id}:")
        await self.repo.delete(ritual.id)

    async def next_time(self, ritual: Ritual) -> datetime | None:
        times = [s.fire_at for s in await self.schedules(ritual) if s.fire_at is not None and not s.paused]
        return min(times) if times else None

    async def will_post(self, couple: Couple, schedule: Schedule, at: datetime | None = None) -> bool:
        """Whether the schedule's occurrence at ``at`` (default: its next) posts anything (a ritual's
        template may know it won't: "on this day" without a memory for that date); True for
        anything but a ritual."""
        if schedule.kind != KIND:
            return True
        at = at or schedule.next_due or schedule.fire_at
        ritual = await self.repo.get(int(schedule.payload.get("ritual", 0)), couple.guild_id)
        if ritual is None or at is None:
            return False
        template = self.templates.get(ritual.template)
        if template is None:
            return False
        if template.will_post is None:
            return True
        return await template.will_post(couple, ritual, at)

    async def runs_near(
        self, guild_id: int, template: str, instant: datetime, within: timedelta
    ) -> Ritual | None:
        """A ritual of ``template`` (not paused) with an occurrence within ``within`` of ``instant``:
        the weekly digest asks whether the weekly session runs the same evening."""
        for ritual in await self.repo.for_guild(guild_id):
            if ritual.template == template and not ritual.paused and occurrence_near(ritual, instant, within):
                return ritual
        return None

    # -- delivery --------------------------------------------------------------------------------

    async def _deliver(self, occurrence: Occurrence) -> Sent | None:
        ritual = await self.repo.get(int(occurrence.payload["ritual"]))
        if ritual is None or ritual.paused:
            return None
        template = self.templates.get(ritual.template)
        if template is None:
            raise DeliveryFailed(f"the {ritual.template} ritual is not available in this version of Closer")
        return await template.deliver(occurrence, ritual)

    def _deadline(self, occurrence: Occurrence) -> datetime:
        template = self.templates.get(str(occurrence.payload.get("template")))
        if template is not None and template.deadline is not None:
            return template.deadline(occurrence)
        return default_deadline(occurrence)
