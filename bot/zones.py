"""Time zones as people type them: "Berlin", "new york", "Asia/Kolkata", suggestions as they type.

Pure: nothing here touches Discord or the database. ``resolve_zone`` turns what a partner typed
into an IANA zone (or a :class:`UnknownZone` error that suggests the closest names);
``suggest_zones`` feeds the autocomplete of every zone option.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import UserError
from bot.timeutil import plain_words, zone_info

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
        entries.append(ZoneEntry(key, city, plain_words(key)))
    return tuple(entries)


@cache
def _lookup_table() -> dict[str, str]:
    """Every exact spelling we accept -> IANA key (full names, cities, aliases)."""
    table: dict[str, str] = {}
    for key in available_timezones():
        table[plain_words(key)] = key
    for entry in _zone_index():
        table.setdefault(plain_words(entry.city), entry.key)
    for alias, key in CITY_ALIASES.items():
        table.setdefault(plain_words(alias), key)
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
        key = _lookup_table().get(plain_words(cleaned))
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
    query = plain_words(text)
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
    q = plain_words(query)
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
            alias_n = plain_words(alias)
            if alias_n.startswith(q) and len(q) >= 2:
                add(1, key, alias.title() if len(alias) > 3 else alias.upper())
        for entry in index:
            city = plain_words(entry.city)
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
        label = f"{city} - {key} ({utc_offset_label(zone_info(key), at)})"
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
