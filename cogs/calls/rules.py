"""Pure rules of video-call nights.

Nothing here touches Discord, the database or the system clock: callers pass ``now`` and the
rows they read, so every rule is testable at any instant.

- ``parse_when`` / ``parse_reminders``: what partners type ("friday 20:30", "60,10"), with clear
  errors that show examples.
- Occurrences of a call: a weekly call is a wall time on a weekday in the setter's zone (DST-correct
  through ``WallRule``); single occurrences can be skipped or moved. An occurrence is named by its
  original start, its ``start`` is where it really is.
- ``clock_shifts``: clock changes (DST, or a trip ending) in the coming days that move a weekly
  call's local time for one partner, with both partners' local times before and after.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.db.models import Couple, Partner
from bot.db.repositories.calls import Call, CallChange
from bot.errors import UserError
from bot.planning import friendly_instant, shared_moment_after, shared_moment_before, sleeping_partners
from bot.timeutil import (
    WEEKDAY_NAMES,
    WallRule,
    dst_changes,
    nearest_shared_time,
    parse_clock,
    wall_to_utc,
    zone_info,
)

# The scheduler kinds of a call's posts: the call-time card (a weekly call's own recurring schedule,
# or a one-off), reminders, the memory prompt after it, heads-ups about clock changes and trips,
# and the evening before, the night's idea when it needs something ready.
KIND_CALL = "call"
KIND_REMINDER = "call_reminder"
KIND_AFTER = "call_after"
KIND_NOTICE = "call_notice"
KIND_PREP = "call_prep"
# The one-off kinds a call plans (what planning reads back).
PLANNED_KINDS = (KIND_CALL, KIND_REMINDER, KIND_AFTER, KIND_PREP)
KINDS = (KIND_CALL, KIND_REMINDER, KIND_AFTER, KIND_NOTICE, KIND_PREP)

MAX_CALLS = 10
NOTE_LIMIT = 300
# Reminders are planned this far ahead: the longest reminder is 7 days before a call.
PLAN_AHEAD = timedelta(days=8)
# Posts of occurrences that started this recently are still kept in step (catch-up after downtime).
LOOKBACK = timedelta(days=1)
# The call-time card is worth posting late only this long after the call started.
CARD_GRACE = timedelta(hours=1)

# ---------------------------------------------------------------------------------------------
# Parsing what partners type
# ---------------------------------------------------------------------------------------------

# One reminder an hour before: the call-time card itself comes at the start, and an evening with a
# call already brings several posts (no local evening should get more than six).
DEFAULT_REMINDERS: tuple[int, ...] = (60,)
MAX_REMINDERS = 5
MAX_REMINDER_MINUTES = 7 * 24 * 60
MAX_AHEAD = timedelta(days=366)

WHEN_EXAMPLES = "`2026-12-04 20:00`, `tomorrow 20:00` or `friday 20:30`"
REMINDER_EXAMPLES = (
    "Use minutes before the call, comma-separated, like `60,10` (at most 5, each from 1 minute to "
    "7 days; `2h` and `1d` work too, `none` for no reminders)."
)

_DATE_TIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+|\s*t\s*|\s+at\s+)(.+)")
_DAY_TIME = re.compile(r"(?:(next|this)\s+)?([a-z]+)(?:\s+at)?\s+(.+)")
_RELATIVE = {"today": 0, "tonight": 0, "tomorrow": 1}


def _when_error(text: str, why: str = "isn't a time I understand") -> UserError:
    shown = " ".join(text.split())[:60]
    return UserError(
        f"`{shown}` {why}. Use `YYYY-MM-DD HH:MM` in your time zone, or a day and a time: {WHEN_EXAMPLES}."
    )


def _weekday(word: str) -> int | None:
    matches = [i for i, name in enumerate(WEEKDAY_NAMES) if len(word) >= 3 and name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def _clock(text: str, original: str) -> time:
    try:
        return parse_clock(text)
    except UserError:
        raise _when_error(original, "has a time I don't understand") from None


def parse_when(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """A one-off call's start from "YYYY-MM-DD HH:MM", "tomorrow 20:00" or "friday 20:30".

    Read as a wall time in ``zone``; a weekday means the next one (today if that time is still
    ahead). Raises :class:`UserError` with examples for anything else, for a moment already past
    and for one more than a year ahead.
    """
    cleaned = " ".join((text or "").strip().lower().split())
    if not cleaned:
        raise _when_error(text or "", "is empty")
    today = now.astimezone(zone).date()
    day: date | None = None
    at: time | None = None
    match = _DATE_TIME.fullmatch(cleaned)
    if match:
        try:
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise _when_error(text, "is not a real date") from None
        at = _clock(match.group(4), text)
    else:
        match = _DAY_TIME.fullmatch(cleaned)
        if not match:
            raise _when_error(text, "needs a day and a time")
        which, word, clock_text = match.groups()
        at = _clock(clock_text, text)
        if word in _RELATIVE and which is None:
            day = today + timedelta(days=_RELATIVE[word])
        elif (weekday := _weekday(word)) is not None:
            ahead = (weekday - today.weekday()) % 7
            day = today + timedelta(days=ahead)
            if (which == "next" and ahead == 0) or (ahead == 0 and wall_to_utc(day, at, zone) <= now):
                day += timedelta(days=7)
        else:
            raise _when_error(text, "has a day I don't know")
    instant = wall_to_utc(day, at, zone)
    if instant <= now:
        raise _when_error(text, "is already past")
    if instant - now > MAX_AHEAD:
        raise _when_error(text, "is more than a year ahead")
    return instant


_REMINDER = re.compile(r"(\d{1,6})\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?)?")
_UNIT = {"m": 1, "h": 60, "d": 24 * 60}


def parse_reminders(text: str | None) -> tuple[int, ...]:
    """Minutes before the call, largest first: "60" (the default), "60,10", "2h,15", "none".

    At most five, each from 1 minute to 7 days; duplicates count once. Raises :class:`UserError`.
    """
    cleaned = (text or "").strip().lower()
    if not cleaned:
        return DEFAULT_REMINDERS
    if cleaned in ("none", "no", "off", "0"):
        return ()
    minutes: set[int] = set()
    parts = [part.strip() for part in cleaned.split(",")]
    for part in parts:
        match = _REMINDER.fullmatch(part)
        if not match:
            shown = part[:20] or "an empty item"
            raise UserError(f"`{shown}` isn't a number of minutes. {REMINDER_EXAMPLES}")
        value = int(match.group(1)) * _UNIT[(match.group(2) or "m")[0]]
        if not 1 <= value <= MAX_REMINDER_MINUTES:
            raise UserError(f"`{part[:20]}` is out of range. {REMINDER_EXAMPLES}")
        minutes.add(value)
    if len(parts) > MAX_REMINDERS:
        raise UserError(f"That's {len(parts)} reminders; {MAX_REMINDERS} at most. {REMINDER_EXAMPLES}")
    return tuple(sorted(minutes, reverse=True))


def format_minutes(minutes: int) -> str:
    """60 -> "1 hour", 90 -> "1 hour 30 minutes", 1440 -> "1 day"."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    for value, unit in ((days, "day"), (hours, "hour"), (mins, "minute")):
        if value:
            parts.append(f"{value} {unit}{'s' if value != 1 else ''}")
    return " ".join(parts) or "0 minutes"


def format_reminders(minutes: Sequence[int]) -> str:
    return ", ".join(format_minutes(m) for m in minutes) + " before" if minutes else "no reminders"


def local_label(instant: datetime, zone: ZoneInfo) -> str:
    """ "Fri 20:00": a partner's local weekday and time for an instant."""
    local = instant.astimezone(zone)
    return f"{local:%a %H:%M}"


# ---------------------------------------------------------------------------------------------
# Occurrences of a call
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallTime:
    """One occurrence of a call: named by its original start, held at ``start``."""

    call_id: int
    original: datetime
    start: datetime
    status: str = "planned"  # 'planned', 'moved' or 'skipped'

    @property
    def skipped(self) -> bool:
        return self.status == "skipped"


def call_rule(call: Call) -> WallRule:
    assert call.weekday is not None
    assert call.local_time is not None
    return WallRule(call.local_time, zone_info(call.zone), frozenset({call.weekday}))


def occurrences(
    call: Call,
    changes: Mapping[datetime, CallChange],
    after: datetime,
    until: datetime,
    *,
    include_skipped: bool = False,
) -> list[CallTime]:
    """The call's occurrences starting in (``after``, ``until``], by start."""
    originals: set[datetime] = set()
    if call.weekly:
        originals.update(call_rule(call).instants(after, until))
    elif call.once_at is not None:
        originals.add(call.once_at)
    originals.update(c.occurrence_at for c in changes.values() if c.status == "moved")
    found: list[CallTime] = []
    for original in originals:
        change = changes.get(original)
        if change is not None and change.status == "moved" and change.moved_to is not None:
            item = CallTime(call.id, original, change.moved_to, "moved")
        elif change is not None and change.status == "skipped":
            item = CallTime(call.id, original, original, "skipped")
        else:
            item = CallTime(call.id, original, original)
        if not after < item.start <= until or (item.skipped and not include_skipped):
            continue
        found.append(item)
    found.sort(key=lambda o: (o.start, o.original))
    return found


def next_call_time(
    call: Call, changes: Mapping[datetime, CallChange], after: datetime, *, include_skipped: bool = False
) -> CallTime | None:
    """The first occurrence starting after ``after`` (skipped ones left out unless asked)."""
    found = occurrences(call, changes, after, after + MAX_AHEAD, include_skipped=include_skipped)
    return found[0] if found else None


def reminder_times(start: datetime, minutes: Iterable[int]) -> list[tuple[int, datetime]]:
    """(minutes, instant) of each reminder: exact instants before the start, across any clock change."""
    return [(m, start - timedelta(minutes=m)) for m in minutes]


# Reminders that would land while one of the two sleeps move back to when both were awake, this far
# at most; two that end up closer than REMINDER_GAP are one.
REMINDER_REACH = timedelta(hours=18)
REMINDER_GAP = timedelta(minutes=30)


def placed_reminders(
    start: datetime, minutes: Iterable[int], couple: Couple, now: datetime | None = None
) -> list[tuple[int, datetime]]:
    """(minutes, instant) of each reminder posted in the shared channel: at its time when both
    partners are awake then, else at the last moment before it when they both were (within
    :data:`REMINDER_REACH`, and after ``now``; none when there is no such moment). Never two
    within half an hour."""
    placed: list[tuple[int, datetime]] = []
    for count, when in reminder_times(start, sorted(set(minutes), reverse=True)):
        moved = shared_moment_before(when, couple, REMINDER_REACH)
        if moved is None or moved >= start or (now is not None and moved < now <= when):
            continue
        if placed and moved - placed[-1][1] < REMINDER_GAP:
            continue
        placed.append((count, moved))
    return placed


# The evening before a call, its idea is announced (when it needs something ready) around this time
# where the call was set, at a moment both are awake that day.
PREP_AT = time(18, 0)
PREP_LEAD = timedelta(hours=12)  # at least this long before the call


def prep_time(start: datetime, zone: ZoneInfo, couple: Couple) -> datetime | None:
    """When to announce the night's idea: the day before the call, when both are awake (None when
    that day has no such moment at least :data:`PREP_LEAD` before the call)."""
    day_before = start.astimezone(zone).date() - timedelta(days=1)
    when = friendly_instant(day_before, zone, couple, PREP_AT)
    if sleeping_partners(when, couple) or start - when < PREP_LEAD:
        return None
    return when


# The memory prompt after a call comes when both are next awake, within this long.
AFTER_REACH = timedelta(hours=24)
# Later than this after the start, it no longer says "tonight".
SAME_NIGHT = timedelta(hours=3)


def after_time(start: datetime, minutes: int, couple: Couple) -> datetime | None:
    """The memory prompt after a call: ``minutes`` after it, or when both are next awake."""
    return shared_moment_after(start + timedelta(minutes=minutes), couple, AFTER_REACH)


def shared_suggestion(instant: datetime, couple: Couple) -> datetime | None:
    """The nearest instant to ``instant`` inside the couple's shared awake hours."""
    return nearest_shared_time(instant, couple.people(instant))


# ---------------------------------------------------------------------------------------------
# Clock changes that move a weekly call for one partner
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartnerTime:
    user_id: int
    name: str
    before: str  # "Fri 11:00"
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True, slots=True)
class Shift:
    """A clock change at ``at`` between two occurrences of a weekly call."""

    at: datetime
    cause: str  # 'dst' (a zone changes its clocks) or 'trip' (a partner's trip ends)
    zones: tuple[str, ...]  # the zones changing their clocks; for a trip, the home zone
    traveler: int | None  # the partner coming home, for a trip
    before: datetime  # the last occurrence before the change
    after: datetime  # the first occurrence after it
    times: tuple[PartnerTime, ...]


def partner_times(couple: Couple, before: datetime, after: datetime) -> tuple[PartnerTime, ...]:
    return tuple(
        PartnerTime(
            p.user_id,
            p.display_name,
            local_label(before, couple.zone_of(p, before)),
            local_label(after, couple.zone_of(p, after)),
        )
        for p in couple.partners
    )


def clock_shifts(call: Call, couple: Couple, start: datetime, days: int = 7) -> list[Shift]:
    """Clock changes in (``start``, ``start + days``] that move the call's local time for a partner.

    A change counts when some partner's local weekday and time differ between the last occurrence
    before it and the first one after (the call's own zone changing moves the other partner; both
    zones changing on the same day moves nobody). Changes before the call existed are left out.
    """
    if not call.weekly:
        return []
    end = start + timedelta(days=days)
    zones = {call.zone}
    for partner in couple.partners:
        for at in (start, end):
            zones.add(couple.zone_of(partner, at).key)
        if partner.home_zone:
            zones.add(partner.home_zone)
    transitions: dict[datetime, tuple[str, set[str], int | None]] = {}
    for key in sorted(zones):
        for instant, offset_before, offset_after in dst_changes(zone_info(key), start, end):
            if offset_before == offset_after:
                continue
            cause, names, who = transitions.setdefault(instant, ("dst", set(), None))
            names.add(key)
    for partner in couple.partners:
        until = partner.travel_until
        if partner.travel_zone and until is not None and start < until <= end:
            home = couple.zone_of(partner, until).key
            transitions[until] = ("trip", {home}, partner.user_id)
    rule = call_rule(call)
    shifts: list[Shift] = []
    for instant in sorted(transitions):
        cause, names, who = transitions[instant]
        before = rule.last_at_or_before(instant - timedelta(seconds=1))
        after = rule.next_after(instant - timedelta(seconds=1))
        if before is None or before < call.created_at:
            continue
        times = partner_times(couple, before, after)
        if any(t.changed for t in times):
            shifts.append(Shift(instant, cause, tuple(sorted(names)), who, before, after, times))
    return shifts


def trip_time(couple: Couple, traveler: Partner, start: datetime) -> PartnerTime | None:
    """A call at ``start`` for a partner on a trip: local time away vs at home (None if the same)."""
    if not traveler.traveling(start):
        return None
    home = zone_info(traveler.home_zone or couple.first.home_zone or "UTC")
    away = couple.zone_of(traveler, start)
    times = PartnerTime(
        traveler.user_id, traveler.display_name, local_label(start, home), local_label(start, away)
    )
    return times if times.changed else None


# ---------------------------------------------------------------------------------------------
# The talking-points card
# ---------------------------------------------------------------------------------------------


def pick_activity(
    activities: Sequence[dict[str, Any]], recent: Iterable[str], seed: str, *, prep: bool = True
) -> dict[str, Any]:
    """A shared activity idea, never one of the ``recent`` ones while others remain.

    ``seed`` makes the choice repeatable, so a retried post offers the same idea. Without
    ``prep`` (nobody was told the day before), only ideas that need nothing ready.
    """
    if not prep:
        activities = [a for a in activities if not a.get("prep")]
    if not activities:
        return {"title": "Just talk", "text": "No plan tonight: tell each other about your week."}
    seen = set(recent)
    fresh = [a for a in activities if a["title"] not in seen] or list(activities)
    return random.Random(seed).choice(fresh)
