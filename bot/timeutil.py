"""Pure time maths: zones, local wall times, DST rules, quiet and shared awake hours.

Nothing here touches Discord or the database, and nothing reads the system clock: callers
pass the instant they mean (``bot.clock.now()``), so every rule is testable at any moment.

The wall-time rules (PRODUCT.md, "Time is local to each partner"):
- a schedule is a local time in a named IANA zone and fires at that wall time every day;
- a wall time that does not exist that day (spring forward) fires at the first valid minute after;
- a wall time that happens twice (fall back) fires once, at its first occurrence.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import UserError

# ---------------------------------------------------------------------------
# Zones
# ---------------------------------------------------------------------------

# City names people type that are not the last part of an IANA zone name.
CITY_ALIASES: dict[str, str] = {
    "new york city": "America/New_York",
    "nyc": "America/New_York",
    "washington": "America/New_York",
    "washington dc": "America/New_York",
    "boston": "America/New_York",
    "philadelphia": "America/New_York",
    "miami": "America/New_York",
    "atlanta": "America/New_York",
    "orlando": "America/New_York",
    "pittsburgh": "America/New_York",
    "charlotte": "America/New_York",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "quebec": "America/Toronto",
    "chicago": "America/Chicago",
    "dallas": "America/Chicago",
    "houston": "America/Chicago",
    "austin": "America/Chicago",
    "san antonio": "America/Chicago",
    "minneapolis": "America/Chicago",
    "new orleans": "America/Chicago",
    "nashville": "America/Chicago",
    "kansas city": "America/Chicago",
    "st louis": "America/Chicago",
    "saint louis": "America/Chicago",
    "winnipeg": "America/Winnipeg",
    "denver": "America/Denver",
    "salt lake city": "America/Denver",
    "calgary": "America/Edmonton",
    "albuquerque": "America/Denver",
    "phoenix": "America/Phoenix",
    "los angeles": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "san jose": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "portland": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles",
    "sacramento": "America/Los_Angeles",
    "honolulu": "Pacific/Honolulu",
    "hawaii": "Pacific/Honolulu",
    "anchorage": "America/Anchorage",
    "rio": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo",
    "brasilia": "America/Sao_Paulo",
    "buenos aires": "America/Argentina/Buenos_Aires",
    "medellin": "America/Bogota",
    "quito": "America/Guayaquil",
    "cancun": "America/Cancun",
    "guadalajara": "America/Mexico_City",
    "havana": "America/Havana",
    "manchester": "Europe/London",
    "birmingham": "Europe/London",
    "liverpool": "Europe/London",
    "leeds": "Europe/London",
    "bristol": "Europe/London",
    "glasgow": "Europe/London",
    "edinburgh": "Europe/London",
    "cardiff": "Europe/London",
    "belfast": "Europe/London",
    "cork": "Europe/Dublin",
    "porto": "Europe/Lisbon",
    "barcelona": "Europe/Madrid",
    "valencia": "Europe/Madrid",
    "seville": "Europe/Madrid",
    "malaga": "Europe/Madrid",
    "lyon": "Europe/Paris",
    "marseille": "Europe/Paris",
    "nice": "Europe/Paris",
    "toulouse": "Europe/Paris",
    "bordeaux": "Europe/Paris",
    "rotterdam": "Europe/Amsterdam",
    "the hague": "Europe/Amsterdam",
    "utrecht": "Europe/Amsterdam",
    "antwerp": "Europe/Brussels",
    "ghent": "Europe/Brussels",
    "munich": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "cologne": "Europe/Berlin",
    "koln": "Europe/Berlin",
    "stuttgart": "Europe/Berlin",
    "dusseldorf": "Europe/Berlin",
    "leipzig": "Europe/Berlin",
    "dresden": "Europe/Berlin",
    "hanover": "Europe/Berlin",
    "nuremberg": "Europe/Berlin",
    "geneva": "Europe/Zurich",
    "basel": "Europe/Zurich",
    "bern": "Europe/Zurich",
    "lausanne": "Europe/Zurich",
    "salzburg": "Europe/Vienna",
    "graz": "Europe/Vienna",
    "milan": "Europe/Rome",
    "naples": "Europe/Rome",
    "turin": "Europe/Rome",
    "florence": "Europe/Rome",
    "venice": "Europe/Rome",
    "bologna": "Europe/Rome",
    "krakow": "Europe/Warsaw",
    "wroclaw": "Europe/Warsaw",
    "gdansk": "Europe/Warsaw",
    "brno": "Europe/Prague",
    "gothenburg": "Europe/Stockholm",
    "malmo": "Europe/Stockholm",
    "bergen": "Europe/Oslo",
    "aarhus": "Europe/Copenhagen",
    "thessaloniki": "Europe/Athens",
    "kiev": "Europe/Kyiv",
    "lviv": "Europe/Kyiv",
    "odesa": "Europe/Kyiv",
    "odessa": "Europe/Kyiv",
    "st petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "ankara": "Europe/Istanbul",
    "izmir": "Europe/Istanbul",
    "tel aviv": "Asia/Jerusalem",
    "abu dhabi": "Asia/Dubai",
    "doha": "Asia/Qatar",
    "mumbai": "Asia/Kolkata",
    "bombay": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "hyderabad": "Asia/Kolkata",
    "pune": "Asia/Kolkata",
    "calcutta": "Asia/Kolkata",
    "kolkata": "Asia/Kolkata",
    "lahore": "Asia/Karachi",
    "islamabad": "Asia/Karachi",
    "beijing": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "guangzhou": "Asia/Shanghai",
    "chengdu": "Asia/Shanghai",
    "hangzhou": "Asia/Shanghai",
    "osaka": "Asia/Tokyo",
    "kyoto": "Asia/Tokyo",
    "yokohama": "Asia/Tokyo",
    "busan": "Asia/Seoul",
    "hanoi": "Asia/Bangkok",
    "saigon": "Asia/Ho_Chi_Minh",
    "ho chi minh city": "Asia/Ho_Chi_Minh",
    "bali": "Asia/Makassar",
    "denpasar": "Asia/Makassar",
    "cebu": "Asia/Manila",
    "perth": "Australia/Perth",
    "canberra": "Australia/Sydney",
    "gold coast": "Australia/Brisbane",
    "wellington": "Pacific/Auckland",
    "christchurch": "Pacific/Auckland",
    "queenstown": "Pacific/Auckland",
    "cape town": "Africa/Johannesburg",
    "durban": "Africa/Johannesburg",
    "pretoria": "Africa/Johannesburg",
    "marrakech": "Africa/Casablanca",
    "accra": "Africa/Accra",
    "addis ababa": "Africa/Addis_Ababa",
    "utc": "UTC",
    "gmt": "Etc/GMT",
    "zulu": "UTC",
}

_LEGACY_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Mexico/", "Chile/")


def _normalise(text: str) -> str:
    """Lowercase, accents removed, separators as single spaces: "São_Paulo" -> "sao paulo"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-./]+", " ", plain.casefold()).strip()


@dataclass(frozen=True, slots=True)
class ZoneEntry:
    key: str  # the IANA name
    city: str  # human city name, e.g. "Sao Paulo"
    search: str  # normalised words matched against a query


@cache
def _zone_index() -> tuple[ZoneEntry, ...]:
    entries: list[ZoneEntry] = []
    for key in sorted(available_timezones()):
        if key.startswith(_LEGACY_PREFIXES) or ("/" not in key and key != "UTC"):
            continue
        city = key.rsplit("/", 1)[-1].replace("_", " ")
        entries.append(ZoneEntry(key, city, _normalise(key)))
    return tuple(entries)


@cache
def _lookup_table() -> dict[str, str]:
    """Every exact spelling we accept -> IANA key (full names, cities, aliases)."""
    table: dict[str, str] = {}
    for key in available_timezones():
        table[_normalise(key)] = key
    for entry in _zone_index():
        table.setdefault(_normalise(entry.city), entry.key)
    for alias, key in CITY_ALIASES.items():
        table.setdefault(_normalise(alias), key)
    return table


class UnknownZone(UserError):
    def __init__(self, text: str, suggestions: list[str]) -> None:
        self.text = text
        self.suggestions = suggestions
        hint = ""
        if suggestions:
            hint = " Did you mean " + ", ".join(f"`{s}`" for s in suggestions) + "?"
        super().__init__(
            f"I don't know the time zone `{text[:60]}`.{hint} "
            "Use a city (like `Berlin`) or an IANA name (like `America/New_York`); "
            "the option suggests zones as you type."
        )


def resolve_zone(text: str) -> ZoneInfo:
    """A zone from an IANA name or a city name ("berlin", "sao paulo", "new york").

    Raises :class:`UnknownZone` with the closest matches otherwise.
    """
    cleaned = (text or "").strip()
    if cleaned:
        key = _lookup_table().get(_normalise(cleaned))
        if key is not None:
            return ZoneInfo(key)
        try:
            named = "/" in cleaned and len(cleaned) <= 64  # a long path recurses in zoneinfo's import
            if named and not cleaned.startswith(("/", ".")) and ".." not in cleaned:
                return ZoneInfo(cleaned)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise UnknownZone(cleaned, closest_zones(cleaned))


def closest_zones(text: str, limit: int = 3) -> list[str]:
    """The IANA names closest to ``text``, for "did you mean" messages."""
    query = _normalise(text)
    if not query:
        return []
    table = _lookup_table()
    names = difflib.get_close_matches(query, list(table), n=limit * 3, cutoff=0.6)
    seen: list[str] = []
    for name in names:
        key = table[name]
        if key not in seen:
            seen.append(key)
    return seen[:limit]


def utc_offset_label(zone: ZoneInfo, at: datetime) -> str:
    offset = at.astimezone(zone).utcoffset() or timedelta(0)
    total = int(offset.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def suggest_zones(query: str, at: datetime, limit: int = 25) -> list[tuple[str, str]]:
    """Autocomplete choices (label, IANA key): city prefix matches first, then the rest.

    Labels look like "Berlin - Europe/Berlin (UTC+01:00)" and fit Discord's 100 characters.
    """
    q = _normalise(query)
    index = _zone_index()
    ranked: list[tuple[int, str, str]] = []  # (rank, key, city)
    seen: set[str] = set()

    def add(rank: int, key: str, city: str) -> None:
        if key not in seen:
            seen.add(key)
            ranked.append((rank, key, city))

    if not q:
        for entry in index:
            if entry.key in _POPULAR:
                add(0, entry.key, entry.city)
    else:
        for alias, key in CITY_ALIASES.items():
            alias_n = _normalise(alias)
            if alias_n.startswith(q) and len(q) >= 2:
                add(1, key, alias.title() if len(alias) > 3 else alias.upper())
        for entry in index:
            city = _normalise(entry.city)
            if city.startswith(q):
                add(0, entry.key, entry.city)
            elif entry.search.startswith(q) or f" {q}" in f" {city}":
                add(2, entry.key, entry.city)
            elif q in entry.search:
                add(3, entry.key, entry.city)
        if not ranked:
            for key in closest_zones(query, limit=5):
                add(4, key, key.rsplit("/", 1)[-1].replace("_", " "))
    ranked.sort(key=lambda r: (r[0], r[2]))
    choices = []
    for _, key, city in ranked[:limit]:
        label = f"{city} - {key} ({utc_offset_label(ZoneInfo(key), at)})"
        choices.append((label[:100], key))
    return choices


_POPULAR = frozenset(
    {
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "America/Sao_Paulo",
        "America/Toronto",
        "America/Mexico_City",
        "Europe/London",
        "Europe/Berlin",
        "Europe/Paris",
        "Europe/Madrid",
        "Europe/Rome",
        "Europe/Amsterdam",
        "Europe/Warsaw",
        "Europe/Istanbul",
        "Asia/Kolkata",
        "Asia/Dubai",
        "Asia/Singapore",
        "Asia/Tokyo",
        "Asia/Seoul",
        "Asia/Shanghai",
        "Asia/Manila",
        "Australia/Sydney",
        "Pacific/Auckland",
        "Africa/Johannesburg",
    }
)


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


def _is_valid_wall(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def wall_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of local wall time ``at`` on ``day`` in ``zone``.

    A wall time in a gap (spring forward) gives the first valid minute after it, the moment
    the clocks jump; an ambiguous one (fall back) gives its first occurrence.
    """
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0)
    if _is_valid_wall(naive, zone):
        return first.astimezone(UTC)
    # In a gap: fold=1 maps with the offset after the jump (earlier UTC), fold=0 with the offset
    # before it (later UTC). The jump lies between; find the first instant whose wall >= naive.
    lo = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    hi = first.astimezone(UTC)
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
    cleaned = _normalise(text).replace(",", " ")
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
    day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
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
