"""Frozen rows the repositories return. Plain data with a little pure logic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.timeutil import QuietHours, zone_info

FALLBACK_ZONE = "UTC"


@dataclass(frozen=True, slots=True)
class Partner:
    guild_id: int
    user_id: int
    position: int
    display_name: str
    home_zone: str | None
    quiet: QuietHours
    travel_zone: str | None = None
    travel_until: datetime | None = None

    @property
    def mention(self) -> str:
        return f"<@{self.user_id}>"

    def traveling(self, at: datetime) -> bool:
        return self.travel_zone is not None and self.travel_until is not None and at < self.travel_until

    def zone_name(self, at: datetime, fallback: str | None = None) -> str:
        """The zone this partner lives by at ``at``: a trip's zone, else home, else ``fallback``."""
        if self.traveling(at):
            return self.travel_zone  # type: ignore[return-value]
        return self.home_zone or fallback or FALLBACK_ZONE

    def zone(self, at: datetime, fallback: str | None = None) -> ZoneInfo:
        return zone_info(self.zone_name(at, fallback))


@dataclass(frozen=True, slots=True)
class Couple:
    guild_id: int
    channel_id: int
    status: str  # 'pending' or 'paired'
    inviter_id: int
    invitee_id: int
    invite_message_id: int | None
    created_at: datetime
    paired_at: datetime | None
    partners: tuple[Partner, ...]

    @property
    def paired(self) -> bool:
        return self.status == "paired"

    @property
    def first(self) -> Partner:
        """The partner who ran setup: the default zone for shared schedules."""
        return next(p for p in self.partners if p.position == 1)

    @property
    def second(self) -> Partner | None:
        return next((p for p in self.partners if p.position == 2), None)

    def partner(self, user_id: int) -> Partner | None:
        return next((p for p in self.partners if p.user_id == user_id), None)

    def is_partner(self, user_id: int) -> bool:
        return self.paired and self.partner(user_id) is not None

    def other(self, user_id: int) -> Partner:
        return next(p for p in self.partners if p.user_id != user_id)

    def name_of(self, user_id: int) -> str:
        """A partner's display name; a mention for someone no longer in the couple."""
        partner = self.partner(user_id)
        return partner.display_name if partner else f"<@{user_id}>"

    def zone_of(self, partner: Partner, at: datetime) -> ZoneInfo:
        """A partner's zone; one who has not set theirs yet lives by the first partner's."""
        return partner.zone(at, fallback=self.first.home_zone)

    def people(self, at: datetime) -> list[tuple[ZoneInfo, QuietHours]]:
        return [(self.zone_of(p, at), p.quiet) for p in self.partners]


@lru_cache(maxsize=2048)  # a few distinct values ('23:00', '08:00', ...) read thousands of times
def parse_hhmm(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


@dataclass(frozen=True, slots=True)
class Schedule:
    id: int
    guild_id: int | None
    kind: str
    key: str
    label: str
    owner_id: int | None
    personal: bool
    local_time: time | None
    weekdays: frozenset[int]
    zone: str | None
    once_at: datetime | None
    paused: bool
    next_due: datetime | None
    fire_at: datetime | None
    payload: dict
    created_at: datetime

    @property
    def recurring(self) -> bool:
        return self.local_time is not None


@dataclass(frozen=True, slots=True)
class Delivery:
    schedule_id: int
    label: str
    kind: str
    scheduled_at: datetime
    status: str
    attempted_at: datetime
    message_id: int | None
    channel_id: int | None
    detail: str | None


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file row of a space (a memory's photo). Its stored path may not exist yet: a later part
    of a split export brings the file."""

    id: int
    path: str
    sha256: str
    content_type: str
    filename: str
