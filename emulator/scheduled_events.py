"""Guild scheduled events (https://discord.com/developers/docs/resources/guild-scheduled-event): the
object, its payload, and the rules Discord checks when one is created or modified.

Discord's rules, as checked here (each broken one is a :class:`~emulator.rules.Problem`):

* ``name`` 1-100 characters, ``description`` at most 1000;
* ``privacy_level`` must be 2 (GUILD_ONLY), the default;
* ``entity_type`` 1 (STAGE_INSTANCE), 2 (VOICE) or 3 (EXTERNAL);
* ``scheduled_start_time`` an ISO 8601 timestamp in the future (when it is set); ``scheduled_end_time``
  after the start;
* EXTERNAL: ``entity_metadata.location`` (1-100) and ``scheduled_end_time`` are required and
  ``channel_id`` must be null;
* STAGE_INSTANCE / VOICE: ``channel_id`` is required and must be a stage / voice channel of the guild,
  and there is no location;
* ``status`` moves SCHEDULED -> ACTIVE or CANCELED, ACTIVE -> COMPLETED; a COMPLETED or CANCELED
  event cannot be changed at all (400, code 180000).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .rules import Problem
from .state import GUILD_STAGE_VOICE, GUILD_VOICE

if TYPE_CHECKING:
    from .state import Guild, User

# Entity types, statuses, privacy levels
STAGE_INSTANCE, VOICE, EXTERNAL = 1, 2, 3
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
GUILD_ONLY = 2
ENTITY_TYPES = (STAGE_INSTANCE, VOICE, EXTERNAL)
CHANNEL_TYPE_FOR = {STAGE_INSTANCE: GUILD_STAGE_VOICE, VOICE: GUILD_VOICE}
TRANSITIONS = {SCHEDULED: (ACTIVE, CANCELED), ACTIVE: (COMPLETED,)}
FINISHED = (COMPLETED, CANCELED)

NAME_MAX = 100
DESCRIPTION_MAX = 1000
LOCATION_MAX = 100


@dataclass(eq=False)
class ScheduledEvent:
    """One guild scheduled event, as stored."""

    id: int
    guild_id: int
    name: str
    scheduled_start_time: str
    entity_type: int
    creator: User | None = None
    description: str | None = None
    scheduled_end_time: str | None = None
    channel_id: int | None = None
    location: str | None = None
    privacy_level: int = GUILD_ONLY
    status: int = SCHEDULED
    image: str | None = None
    user_count: int = 0

    @property
    def start_time(self) -> datetime:
        parsed = parse_time(self.scheduled_start_time)
        assert parsed is not None
        return parsed

    @property
    def end_time(self) -> datetime | None:
        return parse_time(self.scheduled_end_time)

    def form(self) -> dict[str, Any]:
        """The event as a create request would spell it (PATCH bodies are merged into this)."""
        return {
            "name": self.name,
            "description": self.description,
            "privacy_level": self.privacy_level,
            "scheduled_start_time": self.scheduled_start_time,
            "scheduled_end_time": self.scheduled_end_time,
            "entity_type": self.entity_type,
            "channel_id": None if self.channel_id is None else str(self.channel_id),
            "entity_metadata": None if self.location is None else {"location": self.location},
        }

    def payload(self, *, with_user_count: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            **self.form(),
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "creator_id": None if self.creator is None else str(self.creator.id),
            "status": self.status,
            "entity_id": None,
            "image": self.image,
            "recurrence_rule": None,
        }
        if self.creator is not None:
            data["creator"] = self.creator.payload()
        if with_user_count:
            data["user_count"] = self.user_count
        return data

    def __repr__(self) -> str:
        return f"<ScheduledEvent {self.name!r} id={self.id} status={self.status}>"


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (naive ones are UTC); None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _required(rule: str, path: tuple[str | int, ...]) -> Problem:
    return Problem(rule, "This field is required", path, "BASE_TYPE_REQUIRED")


def _length(rule: str, path: tuple[str, ...], value: Any, maximum: int, minimum: int) -> list[Problem]:
    if not isinstance(value, str):
        return [Problem(rule, "Must be a string.", path, "STRING_TYPE_CONVERT")]
    if not minimum <= len(value) <= maximum:
        return [
            Problem(
                rule,
                f"Must be between {minimum} and {maximum} in length.",
                path,
                "BASE_TYPE_BAD_LENGTH",
            )
        ]
    return []


def check_event(
    form: dict[str, Any], guild: Guild, now: datetime, *, start_must_be_future: bool
) -> list[Problem]:
    """Every rule ``form`` (a create body, or an event with a PATCH body merged in) breaks."""
    problems: list[Problem] = []
    name = form.get("name")
    if name is None:
        problems.append(_required("event.name", ("name",)))
    else:
        problems += _length("event.name", ("name",), name, NAME_MAX, 1)
    if form.get("description") is not None:
        problems += _length("event.description", ("description",), form["description"], DESCRIPTION_MAX, 0)
    privacy = form.get("privacy_level")
    # Documented as required, but Discord fills in the only level there is (discord.py leaves it out).
    if privacy is not None and privacy != GUILD_ONLY:
        problems.append(
            Problem(
                "event.privacy_level",
                f"Value must be one of ({GUILD_ONLY},).",
                ("privacy_level",),
                "BASE_TYPE_CHOICES",
            )
        )
    problems += _check_times(form, now, start_must_be_future)
    entity_type = form.get("entity_type")
    if entity_type is None:
        problems.append(_required("event.entity_type", ("entity_type",)))
    elif entity_type not in ENTITY_TYPES:
        problems.append(
            Problem(
                "event.entity_type",
                f"Value must be one of {ENTITY_TYPES}.",
                ("entity_type",),
                "BASE_TYPE_CHOICES",
            )
        )
    elif entity_type == EXTERNAL:
        problems += _check_external(form)
    else:
        problems += _check_channel(form, guild, entity_type)
    return problems


def _check_times(form: dict[str, Any], now: datetime, start_must_be_future: bool) -> list[Problem]:
    problems: list[Problem] = []
    raw_start = form.get("scheduled_start_time")
    start = parse_time(raw_start)
    if raw_start is None:
        problems.append(_required("event.start_time", ("scheduled_start_time",)))
    elif start is None:
        problems.append(
            Problem(
                "event.start_time",
                "Could not parse. Should be ISO8601.",
                ("scheduled_start_time",),
                "DATE_TIME_TYPE_PARSE",
            )
        )
    elif start_must_be_future and start <= now:
        problems.append(
            Problem(
                "event.start_time",
                "Cannot schedule event in the past.",
                ("scheduled_start_time",),
                "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
            )
        )
    raw_end = form.get("scheduled_end_time")
    if raw_end is not None:
        end = parse_time(raw_end)
        if end is None:
            problems.append(
                Problem(
                    "event.end_time",
                    "Could not parse. Should be ISO8601.",
                    ("scheduled_end_time",),
                    "DATE_TIME_TYPE_PARSE",
                )
            )
        elif start is not None and end <= start:
            problems.append(
                Problem(
                    "event.end_time",
                    "Cannot schedule event to end before starting.",
                    ("scheduled_end_time",),
                    "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                )
            )
    return problems


def _check_external(form: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    metadata = form.get("entity_metadata")
    location = metadata.get("location") if isinstance(metadata, dict) else None
    if location is None:
        problems.append(_required("event.location", ("entity_metadata", "location")))
    else:
        problems += _length("event.location", ("entity_metadata", "location"), location, LOCATION_MAX, 1)
    if form.get("scheduled_end_time") is None:
        problems.append(_required("event.end_time", ("scheduled_end_time",)))
    if form.get("channel_id") is not None:
        problems.append(
            Problem(
                "event.channel",
                "External events cannot have a channel (channel_id must be null).",
                ("channel_id",),
                "GUILD_SCHEDULED_EVENT_CHANNEL_NOT_ALLOWED",
            )
        )
    return problems


def _check_channel(form: dict[str, Any], guild: Guild, entity_type: int) -> list[Problem]:
    problems: list[Problem] = []
    metadata = form.get("entity_metadata")
    if isinstance(metadata, dict) and metadata.get("location") is not None:
        problems.append(
            Problem(
                "event.location",
                "Only external events have a location.",
                ("entity_metadata", "location"),
                "GUILD_SCHEDULED_EVENT_LOCATION_NOT_ALLOWED",
            )
        )
    raw = form.get("channel_id")
    if raw is None:
        problems.append(_required("event.channel", ("channel_id",)))
        return problems
    wanted = CHANNEL_TYPE_FOR[entity_type]
    channel = next((c for c in guild.channels if str(c.id) == str(raw)), None)
    if channel is None:
        problems.append(
            Problem(
                "event.channel", f"Unknown channel {raw} in this guild.", ("channel_id",), "CHANNEL_UNKNOWN"
            )
        )
    elif channel.type != wanted:
        kind = "stage" if wanted == GUILD_STAGE_VOICE else "voice"
        problems.append(
            Problem(
                "event.channel",
                f"The channel must be a {kind} channel ({channel.name!r} has type {channel.type}).",
                ("channel_id",),
                "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL_TYPE",
            )
        )
    return problems


def check_status(event: ScheduledEvent, status: Any) -> list[Problem]:
    """A PATCH's ``status``: only SCHEDULED -> ACTIVE/CANCELED and ACTIVE -> COMPLETED."""
    if status is None or status == event.status:
        return []
    if status not in TRANSITIONS.get(event.status, ()):
        return [
            Problem(
                "event.status",
                f"Cannot change the status from {event.status} to {status}.",
                ("status",),
                "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
            )
        ]
    return []
