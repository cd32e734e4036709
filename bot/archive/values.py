"""The export's value types, and conversions between stored values and document values.

Every feature's part of the document is written with these: Discord ids as strings of digits
(:data:`Snowflake`), UTC instants (:data:`Instant`), calendar days, wall times, zones. Reading a
document back, :func:`unix`, :func:`day` and :func:`zone` refuse what the schema can't check
(a 31 February, a zone Closer doesn't know) with an :class:`ExportRefused`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.errors import UserError

FORMAT = "closer-export"
VERSION = 2
# Versions an import reads: a version-1 file reads as version 2 with the sections version 2 added
# as they were before them (each :class:`~bot.archive.parts.Section` says what that is).
READABLE = (1, 2)

INSTANT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
_INSTANT = "%Y-%m-%dT%H:%M:%SZ"

Snowflake = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,20}$")]
Instant = Annotated[str, StringConstraints(pattern=INSTANT_PATTERN)]
Day = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
Clock = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
ZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$")]
Key = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")]
Weekday = Annotated[int, Field(ge=0, le=6)]
Short = Annotated[str, StringConstraints(max_length=300)]
Text = Annotated[str, StringConstraints(max_length=10_000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]

MANY = 100_000  # entries of one kind (question days, check-ins, memories ...)

# Value types named once in the schema's $defs instead of repeated at every field.
SHARED: dict[str, Any] = {
    "Snowflake": Snowflake,
    "Instant": Instant,
    "Day": Day,
    "Clock": Clock,
    "Zone": ZoneName,
    "Key": Key,
    "Weekday": Weekday,
}


class Model(BaseModel):
    """A part of the document: no unknown keys, no coercion, never changed once read."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ExportRefused(UserError):
    """An upload that is not a valid Closer export (what is wrong, said plainly)."""


# -- stored values -> document values ---------------------------------------------------------------


def instant(unix: int | None) -> str | None:
    if unix is None:
        return None
    return datetime.fromtimestamp(unix, UTC).strftime(_INSTANT)


def instant_of(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime(_INSTANT)


def sid(value: int | None) -> str | None:
    return None if value is None else str(int(value))


def days(mask: int) -> list[int]:
    """A weekday mask (bit 0 = Monday) as the days it holds."""
    return [day for day in range(7) if mask & (1 << day)]


def mask(weekdays: Iterable[int]) -> int:
    value = 0
    for weekday in weekdays:
        value |= 1 << weekday
    return value


def csv_list(text: str) -> list[str]:
    """ "a,b," -> ["a", "b"] (how tags and categories are stored)."""
    return [item for item in text.split(",") if item]


# -- document values -> stored values (what the schema can't check) ---------------------------------


def unix(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(datetime.strptime(text, _INSTANT).replace(tzinfo=UTC).timestamp())
    except ValueError:
        raise ExportRefused(f"`{text}` in that export isn't a real date and time.") from None


def day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ExportRefused(f"`{text}` in that export isn't a real date.") from None


def zone(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ExportRefused(f"`{name}` in that export isn't a time zone Closer knows.") from None
    return name


def unique(values: Iterable[Any], problem: str) -> None:
    """Refuse with ``problem`` when ``values`` holds one value twice (what the database can't hold)."""
    seen = list(values)
    if len(set(seen)) != len(seen):
        raise ExportRefused(problem)
