"""Pure time maths: zones, local wall times, DST rules, quiet and shared awake hours.

Nothing here touches Discord or the database, and nothing reads the system clock: callers
pass the instant they mean (``bot.clock.now()``), so every rule is testable at any moment.

The wall-time rules (PRODUCT.md, "Time is local to each partner"):
- a schedule is a local time in a named IANA zone and fires at that wall time every day;
- a wall time that does not exist that day (spring forward) fires at the first valid minute after;
- a wall time that happens twice (fall back) fires once, at its first occurrence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from bot.errors import UserError


def plain_words(text: str) -> str:
    """Lowercase, accents removed, separators as single spaces: "São_Paulo" -> "sao paulo"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-./]+", " ", plain.casefold()).strip()


# ---------------------------------------------------------------------------
# Clock-time parsing
# ---------------------------------------------------------------------------

_TIME_RE = re.compile(r"^\s*(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*$", re.IGNORECASE)


def parse_clock(text: str) -> time:
    """ "20:00", "8:30", "8pm", "8:30 pm", "20h30" -> a local time. Raises UserError."""
    m = _TIME_RE.match(text or "")
    if m:
        hour = int(m.group(1))
        minute = int(m.group(2) or 0)
        suffix = (m.group(3) or "").replace(".", "").lower()
        if suffix:
            if not 1 <= hour <= 12:
                hour = -1
            elif suffix == "am":
                hour = 0 if hour == 12 else hour
            else:
                hour = 12 if hour == 12 else hour + 12
        elif m.group(2) is None:
            hour = -1  # a bare number like "8" is ambiguous
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return time(hour, minute)
    raise UserError(
        f"`{(text or '')[:40]}` is not a time I understand. Use 24-hour `HH:MM` like `20:00` or `07:30`, "
        "or `8pm`."
    )


_RELATIVE_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}


def parse_date(text: str, today: date) -> date:
    """ "YYYY-MM-DD", "today", "yesterday", "tomorrow" -> a date. Raises UserError with an example."""
    cleaned = (text or "").strip().lower()
    if cleaned in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[cleaned])
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", cleaned)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise UserError(
                f"`{text.strip()[:20]}` is not a real date. Use YYYY-MM-DD, like `{today:%Y-%m-%d}`."
            ) from None
    raise UserError(
        f"`{(text or '').strip()[:40]}` is not a date I understand. Use YYYY-MM-DD, like `{today:%Y-%m-%d}`."
    )


def format_clock(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


# ---------------------------------------------------------------------------
# Wall time -> instant, with the DST rules
# ---------------------------------------------------------------------------


@cache
def zone_info(key: str) -> ZoneInfo:
    """``ZoneInfo(key)``, kept for good. ZoneInfo keeps only the 8 zones used last (and those
    still referenced): a start planning thousands of couples in dozens of zones read the zone
    files from disk again and again. Only real zones get here (a wrong key raises, not kept)."""
    return ZoneInfo(key)


@lru_cache(maxsize=8192)  # planning thousands of couples asks the same days, times and zones
def wall_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of local wall time ``at`` on ``day`` in ``zone``.

    A wall time in a gap (spring forward) gives the first valid minute after it, the moment
    the clocks jump; an ambiguous one (fall back) gives its first occurrence.
    """
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == naive:  # a valid wall time (most are)
        return instant
    # In a gap: fold=1 maps with the offset after the jump (earlier UTC), fold=0 with the offset
    # before it (later UTC). The jump lies between; find the first instant whose wall >= naive.
    lo = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    hi = instant
    if lo > hi:
        lo, hi = hi, lo
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(zone).replace(tzinfo=None) >= naive:
            hi = mid
        else:
            lo = mid
    # Round up to a whole minute (transitions are on whole minutes).
    return hi.replace(second=0, microsecond=0) + (
        timedelta(minutes=1) if hi.second or hi.microsecond else timedelta(0)
    )


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


ALL_DAYS = frozenset(range(7))  # Monday = 0, as datetime.weekday()

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class WallRule:
    """A wall-clock time on some weekdays in a zone: "20:00 on Mon/Thu in Europe/Berlin"."""

    at: time
    zone: ZoneInfo
    weekdays: frozenset[int] = ALL_DAYS

    def instants(self, start: datetime, end: datetime | None = None) -> Iterator[datetime]:
        """Occurrences (UTC) strictly after ``start`` and up to ``end`` inclusive, in order."""
        if not self.weekdays:
            return
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        while True:
            if day.weekday() in self.weekdays:
                instant = wall_to_utc(day, self.at, self.zone)
                if instant > start:
                    if end is not None and instant > end:
                        return
                    yield instant
            elif end is not None and datetime.combine(day, time(0), tzinfo=UTC) > end + timedelta(days=2):
                return
            day += timedelta(days=1)

    def next_after(self, start: datetime) -> datetime:
        return next(self.instants(start))

    def last_at_or_before(self, instant: datetime) -> datetime | None:
        """The most recent occurrence at or before ``instant`` (within the last 8 days)."""
        found = None
        for occurrence in self.instants(instant - timedelta(days=8), instant):
            found = occurrence
        return found


def parse_weekdays(text: str) -> frozenset[int]:
    """ "daily", "weekdays", "weekends", "mon,thu", "Friday" -> a set of weekday numbers."""
    cleaned = plain_words(text).replace(",", " ")
    if cleaned in ("", "daily", "every day", "everyday", "all"):
        return ALL_DAYS
    if cleaned in ("weekdays", "weekday"):
        return frozenset(range(5))
    if cleaned in ("weekends", "weekend"):
        return frozenset({5, 6})
    days: set[int] = set()
    for word in cleaned.split():
        matches = [i for i, name in enumerate(WEEKDAY_NAMES) if len(word) >= 2 and name.startswith(word)]
        if len(matches) != 1:
            raise UserError(
                f"`{word[:30]}` is not a day I know. Use names like `monday`, `mon,thu`, `weekdays`, "
                "`weekends` or `daily`."
            )
        days.add(matches[0])
    return frozenset(days)


def format_weekdays(days: Iterable[int]) -> str:
    days = frozenset(days)
    if days == ALL_DAYS:
        return "every day"
    if days == frozenset(range(5)):
        return "weekdays"
    if days == frozenset({5, 6}):
        return "weekends"
    return ", ".join(WEEKDAY_NAMES[d].title() for d in sorted(days))


# ---------------------------------------------------------------------------
# Quiet hours and shared awake hours
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: time = time(23, 0)
    end: time = time(8, 0)

    def contains(self, t: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def release(self, instant: datetime, zone: ZoneInfo) -> datetime:
        """``instant`` if it is outside quiet hours, otherwise the moment they end."""
        local = instant.astimezone(zone)
        if not self.contains(local.time().replace(tzinfo=None)):
            return instant
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += timedelta(days=1)
        return wall_to_utc(day, self.end, zone)

    def __str__(self) -> str:
        return f"{format_clock(self.start)}-{format_clock(self.end)}"


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime  # UTC
    end: datetime  # UTC

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def awake_windows(zone: ZoneInfo, quiet: QuietHours, start: datetime, end: datetime) -> list[Window]:
    """The UTC windows between ``start`` and ``end`` when a person is outside quiet hours."""
    windows: list[Window] = []
    day = start.astimezone(zone).date() - timedelta(days=1)  # last night's quiet hours
    last_day = end.astimezone(zone).date()  # a later day's begin after ``end``
    # Build quiet intervals for each local day, then take the complement.
    quiet_spans: list[tuple[datetime, datetime]] = []
    while day <= last_day:
        if quiet.start != quiet.end:
            q_start = wall_to_utc(day, quiet.start, zone)
            end_day = day + timedelta(days=1) if quiet.start > quiet.end else day
            q_end = wall_to_utc(end_day, quiet.end, zone)
            quiet_spans.append((q_start, q_end))
        day += timedelta(days=1)
    cursor = start
    for q_start, q_end in sorted(quiet_spans):
        if q_end <= cursor:
            continue
        if q_start >= end:
            break
        if q_start > cursor:
            windows.append(Window(cursor, min(q_start, end)))
        cursor = max(cursor, q_end)
    if cursor < end:
        windows.append(Window(cursor, end))
    return windows


def intersect(a: list[Window], b: list[Window]) -> list[Window]:
    out: list[Window] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i].start, b[j].start)
        hi = min(a[i].end, b[j].end)
        if lo < hi:
            out.append(Window(lo, hi))
        if a[i].end < b[j].end:
            i += 1
        else:
            j += 1
    return out


def shared_awake_windows(
    people: list[tuple[ZoneInfo, QuietHours]], start: datetime, hours: int = 24
) -> list[Window]:
    """When everyone is awake (outside their quiet hours) in the ``hours`` after ``start``."""
    end = start + timedelta(hours=hours)
    windows = [Window(start, end)]
    for zone, quiet in people:
        windows = intersect(windows, awake_windows(zone, quiet, start, end))
    return windows


def nearest_shared_time(candidate: datetime, people: list[tuple[ZoneInfo, QuietHours]]) -> datetime | None:
    """The instant closest to ``candidate`` when everyone is awake (within a day either side)."""
    windows = shared_awake_windows(people, candidate - timedelta(hours=24), hours=48)
    best: datetime | None = None
    for window in windows:
        if window.start <= candidate < window.end:
            return candidate
        # A window's start, or the last start that still leaves an hour inside it.
        for point in (window.start, max(window.start, window.end - timedelta(hours=1))):
            if best is None or abs(point - candidate) < abs(best - candidate):
                best = point
    return best


def dst_changes(
    zone: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, timedelta, timedelta]]:
    """UTC offset changes in ``zone`` between ``start`` and ``end``: (instant, before, after)."""
    changes: list[tuple[datetime, timedelta, timedelta]] = []
    step = timedelta(hours=1)
    cursor = start
    prev = cursor.astimezone(zone).utcoffset()
    while cursor < end:
        nxt = min(cursor + step, end)
        off = nxt.astimezone(zone).utcoffset()
        if off != prev:
            lo, hi = cursor, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == prev:
                    lo = mid
                else:
                    hi = mid
            changes.append((hi.replace(microsecond=0), prev or timedelta(0), off or timedelta(0)))
            prev = off
        cursor = nxt
    return changes


def discord_timestamp(instant: datetime, style: str = "F") -> str:
    """``<t:UNIX:style>``: every reader sees it in their own zone."""
    return f"<t:{int(instant.timestamp())}:{style}>"


def to_unix(instant: datetime) -> int:
    return int(instant.timestamp())


def from_unix(seconds: int | float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
