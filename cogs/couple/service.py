"""/couple's rules: who may pair with whom, the invitation's life, zones, quiet hours and trips,
and what the status shows. No Discord interaction here: the cog and the views reply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import discord

from bot.clock import Clock
from bot.db.models import Couple, Delivery, Partner
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.ledger import STATUS_ROWS
from bot.db.repositories.schedules import ScheduleRepository
from bot.errors import UserError
from bot.permissions import missing_permissions
from bot.registry import Hook, Place, Registry
from bot.rituals import RitualService
from bot.scheduler import Scheduler
from bot.timeutil import QuietHours, parse_date, wall_to_utc
from bot.zones import resolve_zone
from cogs.couple.status import outcome, plain_label, visible_to
from cogs.couple.welcome import Welcome

# The couple's shared posts /couple status lists; calls, visits and dates have their own lines.
UPCOMING_KINDS = ("question", "ritual")
UPCOMING_SHOWN = 5
RECENT_READ = STATUS_ROWS  # ledger rows read (all compaction keeps), before the other partner's private ones are left out
RECENT_SHOWN = 6
LONGEST_TRIP = timedelta(days=366)


def check_partner(user: discord.abc.User, partner: discord.abc.User) -> None:
    """Whom ``user`` may invite (raises what to choose instead)."""
    if partner.id == user.id:
        raise UserError("You can't pair with yourself: choose your partner in the `partner` option.")
    if partner.bot:
        raise UserError(f"{partner.display_name} is a bot. Choose your partner in the `partner` option.")


def explain_existing(existing: Couple, user_id: int) -> None:
    """Re-running setup: explain how to change things instead (raises unless it may replace)."""
    if existing.paired:
        if existing.partner(user_id) is None:
            raise UserError(
                "This server already has its couple; Closer serves one couple per server. "
                "Invite Closer to a server of your own to use it with your partner."
            )
        other = existing.other(user_id)
        raise UserError(
            f"You're already paired with {other.display_name} here. Change your zone with "
            "`/couple timezone`, quiet hours with `/couple quiet`, and see everything with "
            "`/couple status`. To start over, `/data delete` removes this space's data."
        )
    if user_id == existing.invitee_id:
        raise UserError(
            f"<@{existing.inviter_id}> already invited you: press **Accept** on the invitation in "
            f"<#{existing.channel_id}>."
        )
    if user_id != existing.inviter_id:
        raise UserError(
            f"<@{existing.inviter_id}> and <@{existing.invitee_id}> are pairing in this server; "
            "Closer serves one couple per server."
        )
    # The inviter may replace their own pending invitation.


def check_channel(channel: discord.TextChannel) -> None:
    missing = missing_permissions(channel)
    if missing:
        raise UserError(
            f"I can't post in {channel.mention}: I need {', '.join(missing)} there. "
            "Give me those permissions or choose another channel."
        )


@dataclass(frozen=True)
class Trip:
    zone: ZoneInfo
    ends: datetime
    now: datetime  # when it was set


@dataclass(frozen=True)
class Status:
    """What /couple status shows one partner besides the couple itself."""

    now: datetime
    viewer: Partner
    coming: list[tuple[str, datetime]]  # (label, when) of shared posts that will really be posted
    sections: list[tuple[str, str]]
    recent: list[tuple[Delivery, str]]  # shared posts and the viewer's own, with what happened


class CoupleService:
    """Pairing and the partners' times, over the couples repository, the registry (hooks and
    status sections), the scheduler and its ledger, the ritual service (what rituals will really
    post), the welcome after pairing and a clock."""

    def __init__(
        self,
        couples: CoupleRepository,
        registry: Registry,
        scheduler: Scheduler,
        schedules: ScheduleRepository,
        clock: Clock,
        rituals: RitualService,
        welcome: Welcome,
    ) -> None:
        self.couples = couples
        self.registry = registry
        self.scheduler = scheduler
        self.schedules = schedules
        self.clock = clock
        self.rituals = rituals
        self.welcome = welcome

    # -- pairing ---------------------------------------------------------------------------------

    async def existing(self, guild_id: int, user_id: int) -> Couple | None:
        """The server's couple or invitation, when ``user_id`` may still run setup here."""
        existing = await self.couples.get(guild_id)
        if existing is not None:
            explain_existing(existing, user_id)
        return existing

    async def open_invitation(self, guild_id: int | None, invitee_id: int) -> Couple:
        """The invitation ``invitee_id`` was sent, while it is still open."""
        couple = await self.couples.get(guild_id) if guild_id else None
        if couple is None or couple.paired or couple.invitee_id != invitee_id:
            raise UserError("This invitation is no longer open.")
        return couple

    async def decline(self, couple: Couple, invitee_id: int) -> None:
        await self.couples.decline(couple.guild_id, invitee_id)

    async def accept(self, couple: Couple, invitee_id: int, name: str) -> Couple:
        """Pair the couple (every feature hears ``Hook.COUPLE_PAIRED``)."""
        if not await self.couples.accept(couple.guild_id, invitee_id, name, self.clock.now()):
            raise UserError("This invitation is no longer open.")
        paired = await self.couples.get(couple.guild_id)
        assert paired is not None
        await self.registry.emit(Hook.COUPLE_PAIRED, paired)
        await self.welcome.paired(paired)
        return paired

    # -- zones, quiet hours, trips ---------------------------------------------------------------

    async def _zones_changed(self, guild_id: int) -> Couple:
        updated = await self.couples.get(guild_id)
        assert updated is not None
        await self.registry.emit(Hook.ZONES_CHANGED, updated)
        return updated

    async def set_zone(self, couple: Couple, user_id: int, zone: ZoneInfo) -> Partner:
        """The partner's home zone; every feature re-plans (``Hook.ZONES_CHANGED``)."""
        await self.couples.set_zone(couple.guild_id, user_id, zone.key)
        updated = await self._zones_changed(couple.guild_id)
        partner = updated.partner(user_id)
        assert partner is not None
        if updated.paired and partner.position == 2:
            # Every feature has chosen its times for both zones now: the welcome can say them.
            await self.welcome.zone_known(updated)
        return partner

    async def sections_after_zone(self, guild_id: int, now: datetime) -> list[tuple[str, str]]:
        """Once both zones are known: what other features' shared times are now, for both."""
        couple = await self.couples.get(guild_id)
        if couple is None or not couple.paired or any(p.home_zone is None for p in couple.partners):
            return []
        return await self.registry.sections(Place.ZONE_SET, couple, now)

    async def set_quiet(self, couple: Couple, user_id: int, hours: QuietHours) -> None:
        await self.couples.set_quiet(couple.guild_id, user_id, hours)
        await self._zones_changed(couple.guild_id)

    async def end_trip(self, couple: Couple, user_id: int) -> None:
        await self.couples.set_travel(couple.guild_id, user_id, None, None)
        await self._zones_changed(couple.guild_id)

    async def start_trip(self, couple: Couple, user_id: int, where: str, until: str) -> Trip:
        """A trip to ``where`` until the day ``until`` (the home zone returns at its midnight)."""
        now = self.clock.now()
        zone = resolve_zone(where)
        if not until.strip():
            raise UserError("Add the date you're back in `until`, like `2026-12-24`.")
        end_day = parse_date(until, now.astimezone(zone).date())
        ends = wall_to_utc(end_day, datetime.min.time(), zone)
        if ends <= now:
            raise UserError(
                "`until` must be a date after today, like `" + f"{(now + timedelta(days=7)):%Y-%m-%d}`."
            )
        if ends - now > LONGEST_TRIP:
            raise UserError(
                "A trip can last up to a year. For a move, set your zone with `/couple timezone`."
            )
        await self.couples.set_travel(couple.guild_id, user_id, zone.key, ends)
        await self._zones_changed(couple.guild_id)
        return Trip(zone, ends, now)

    # -- status ----------------------------------------------------------------------------------

    async def status(self, couple: Couple, viewer: Partner) -> Status:
        now = self.clock.now()
        coming: list[tuple[str, datetime]] = []
        for schedule in await self.scheduler.upcoming(couple.guild_id, kinds=UPCOMING_KINDS, limit=20):
            if len(coming) >= UPCOMING_SHOWN or schedule.fire_at is None:
                continue
            if schedule.personal or schedule.paused or not await self.rituals.will_post(couple, schedule):
                continue
            coming.append((plain_label(schedule.label), schedule.fire_at))
        sections = await self.registry.sections(Place.STATUS, couple, now)
        deliveries = await self.schedules.recent(couple.guild_id, limit=RECENT_READ)
        schedules = await self.schedules.by_ids(d.schedule_id for d in deliveries)
        recent: list[tuple[Delivery, str]] = []
        for delivery in deliveries:
            said = outcome(delivery)
            source = schedules.get(delivery.schedule_id)
            if said is None or source is None or not visible_to(source, viewer.user_id):
                continue
            if delivery.status == "missed" and not await self.rituals.will_post(
                couple, source, delivery.scheduled_at
            ):
                continue  # it would have had nothing to post: nothing was missed
            recent.append((delivery, said))
        return Status(now, viewer, coming, sections, recent[:RECENT_SHOWN])
