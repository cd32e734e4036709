"""/couple's rules: who may pair with whom, the invitation's life, zones, quiet hours and trips,
and what the status shows. No Discord interaction here: the cog and the views reply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import discord

from bot.clock import Clock
from bot.db.models import Couple, Delivery, Partner, Schedule
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.schedules import ScheduleRepository
from bot.errors import UserError
from bot.permissions import missing_permissions
from bot.registry import Hook, Place, Registry
from bot.scheduler import Scheduler
from bot.timeutil import QuietHours, parse_date, wall_to_utc
from bot.zones import resolve_zone

# The couple's shared posts /couple status lists; personal pings and calls have their own lines.
UPCOMING_KINDS = ("question", "ritual")
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
    """What /couple status shows besides the couple itself."""

    now: datetime
    upcoming: list[Schedule]
    sections: list[tuple[str, str]]
    recent: list[Delivery]


class CoupleService:
    """Pairing and the partners' times, over the couples repository, the registry (hooks and
    status sections), the scheduler and its ledger, and a clock."""

    def __init__(
        self,
        couples: CoupleRepository,
        registry: Registry,
        scheduler: Scheduler,
        schedules: ScheduleRepository,
        clock: Clock,
    ) -> None:
        self.couples = couples
        self.registry = registry
        self.scheduler = scheduler
        self.schedules = schedules
        self.clock = clock

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
        partner = (await self._zones_changed(couple.guild_id)).partner(user_id)
        assert partner is not None
        return partner

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

    async def status(self, couple: Couple) -> Status:
        now = self.clock.now()
        upcoming = await self.scheduler.upcoming(couple.guild_id, kinds=UPCOMING_KINDS)
        sections = await self.registry.sections(Place.STATUS, couple, now)
        recent = await self.schedules.recent(couple.guild_id, limit=6)
        return Status(now, upcoming, sections, recent)
