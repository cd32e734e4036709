"""The /ritual feature's rules: its templates on the ritual service, the reveals of answer rounds,
what adding a ritual may do, the list, and re-arming a restored space's rituals.

It takes the core :class:`~bot.rituals.RitualService` (repository, scheduler, templates), the
scheduler, a clock, a messenger (goodnight notes), a way to reach a channel or thread by id
(:data:`~cogs.rituals.rounds.ChannelOf`) and the components deliveries attach (:class:`Components`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

import discord

from bot.clock import Clock
from bot.db.models import Couple, Partner
from bot.db.repositories.rituals import Ritual
from bot.errors import UserError
from bot.rituals import RitualService, RitualTemplate
from bot.scheduler import Kind, Messenger, Occurrence, Scheduler, Sent
from bot.timeutil import format_clock, nearest_shared_time, parse_weekdays, wall_to_utc
from bot.ui.pages import clamp_page
from cogs.rituals import embeds
from cogs.rituals.goodnight import Goodnight
from cogs.rituals.gratitude import Gratitude
from cogs.rituals.rounds import REVEAL, REVEAL_DEADLINE, ChannelOf, Reveal, Rounds
from cogs.rituals.session import WeeklySession

log = logging.getLogger(__name__)

MAX_RITUALS = 25
PER_PAGE = 10

# What /ritual add offers: the default days and time of each template.
USER_TEMPLATES = {
    "weekly_checkin": ("sunday", time(19, 0)),
    "gratitude": ("sunday", time(20, 0)),
    "goodnight": ("daily", time(22, 30)),
    "custom": ("daily", time(12, 0)),
}


@dataclass(frozen=True)
class Components:
    """The buttons deliveries attach: a session step's, a gratitude round's, a goodnight reminder's."""

    step: Callable[[int, int], discord.ui.View]
    gratitude: Callable[[int], discord.ui.View]
    goodnight: Callable[[int], discord.ui.View]


class Revealer(Protocol):
    """An answer round's template (session, gratitude): its post once closed, and its reveal."""

    def closed_post(self, reveal: Reveal) -> discord.Embed: ...

    async def reveal(self, reveal: Reveal) -> Sent: ...


@dataclass(frozen=True)
class Added:
    ritual: Ritual
    next_at: datetime | None
    warning: str


class RitualFeatureService:
    def __init__(
        self,
        rituals: RitualService,
        scheduler: Scheduler,
        clock: Clock,
        messenger: Messenger,
        channel_of: ChannelOf,
        components: Components,
    ) -> None:
        self.rituals = rituals
        self.repo = rituals.repo
        self.clock = clock
        self.channel_of = channel_of
        rounds = Rounds(self.repo, scheduler, clock)
        self.session = WeeklySession(rounds, channel_of, components.step)
        self.gratitude = Gratitude(rounds, components.gratitude)
        self.goodnight = Goodnight(self.repo, clock, messenger, components.goodnight)
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
        return (Kind(REVEAL, self.deliver_reveal, self.reveal_deadline),)

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
        at: time,
        day: str | None,
        message: str | None,
    ) -> Added:
        """Add a ritual the couple chose; refuses a goodnight inside someone's quiet hours and
        warns when a shared time lands in them."""
        weekdays = parse_weekdays(day or USER_TEMPLATES[template][0])
        if template == "custom" and not (message and message.strip()):
            raise UserError("A custom ritual needs a `message`: what Closer should post each time.")
        if len(await self.repo.for_guild(couple.guild_id)) >= MAX_RITUALS:
            raise UserError(
                f"You have {MAX_RITUALS} rituals already. Remove one with `/ritual remove` first."
            )
        now = self.clock.now()
        zone = couple.zone_of(partner, now)
        warning = ""
        if template == "goodnight":
            for p in couple.partners:
                if p.quiet.contains(at):
                    raise UserError(
                        f"{format_clock(at)} is inside {p.display_name}'s quiet hours ({p.quiet}), so the "
                        "goodnight reminder would wait until morning. Choose an earlier bedtime, or change "
                        "quiet hours with `/couple quiet`."
                    )
        else:
            warning = self.quiet_warning(couple, at, zone.key)
        ritual = await self.rituals.add(
            couple,
            template,
            weekdays=weekdays,
            at=at,
            zone=zone.key,
            message=message.strip() if message else None,
            created_by=partner.user_id,
        )
        return Added(ritual, await self.rituals.next_time(ritual), warning)

    def quiet_warning(self, couple: Couple, at: time, zone_key: str) -> str:
        """A note when a shared time lands in someone's quiet hours, with a better time."""
        now = self.clock.now()
        zone = ZoneInfo(zone_key)
        instant = wall_to_utc(now.astimezone(zone).date(), at, zone)
        sleepers = [
            p.display_name
            for p in couple.partners
            if p.quiet.contains(instant.astimezone(couple.zone_of(p, now)).time().replace(tzinfo=None))
        ]
        if not sleepers:
            return ""
        better = nearest_shared_time(instant, couple.people(now))
        hint = (
            f" The nearest time you're both awake is {better.astimezone(zone):%H:%M} your time."
            if better
            else ""
        )
        return f"\n⚠️ That's inside {', '.join(sleepers)}'s quiet hours.{hint}"

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
