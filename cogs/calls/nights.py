"""Pure rules of call nights in Discord: how long a call lasts (``length``), the window around a
call when the linked room counts, how time together reads, and what the call's scheduled event
says. No I/O: callers pass ``now`` and the rows they read."""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.repositories.calls import Call, CallChange
from bot.errors import UserError
from bot.planning import plural
from cogs.calls.rules import CallTime, occurrences

DEFAULT_LENGTH = 60
MIN_LENGTH = 15
MAX_LENGTH = 12 * 60
LENGTH_EXAMPLES = (
    "Use minutes like `90`, or hours and minutes like `1h30` or `2h` (from 15 minutes to 12 hours)."
)

# The room counts for a call from this long before it starts to this long after it should end.
EARLY = timedelta(minutes=30)
LATE = timedelta(hours=3)
# The memory prompt comes this long after both have left the room.
AFTER_LEAVING = timedelta(minutes=5)

EVENT_NAME = "Video call 📞"
EVENT_LOCATION = "Video call"

_LENGTH = re.compile(
    r"(?:(\d{1,2})\s*(?:h|hr|hrs|hours?))?\s*(?:(\d{1,3})\s*(?:m|min|mins|minutes?)?)?",
)


def parse_length(text: str | None) -> int:
    """Minutes a call lasts: "90", "1h30", "2h", "45 min" (default 60). Raises :class:`UserError`."""
    cleaned = " ".join((text or "").strip().lower().split())
    if not cleaned:
        return DEFAULT_LENGTH
    match = _LENGTH.fullmatch(cleaned)
    if not match or not any(match.groups()):
        raise UserError(f"`{cleaned[:20]}` isn't a length I understand for `length`. {LENGTH_EXAMPLES}")
    minutes = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    if not MIN_LENGTH <= minutes <= MAX_LENGTH:
        raise UserError(f"`{cleaned[:20]}` is out of range for `length`. {LENGTH_EXAMPLES}")
    return minutes


def format_length(minutes: int) -> str:
    """90 -> "1 h 30 min", 60 -> "1 h", 45 -> "45 min"."""
    hours, mins = divmod(max(0, minutes), 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    return f"{hours} h" if hours else f"{mins} min"


def together_text(seconds: int) -> str:
    """Time together, rounded to the minute: "4 h 10 min", "35 min"."""
    return format_length(round(seconds / 60))


def digest_text(nights: Sequence[int]) -> str:
    """ "3 calls this week, 4 h 10 min together" from each held night's seconds together."""
    return f"{plural(len(nights), 'call')} this week, {together_text(sum(nights))} together"


def window(call: Call, start: datetime) -> tuple[datetime, datetime]:
    """When the room counts for the occurrence starting at ``start``."""
    return start - EARLY, start + timedelta(minutes=call.length) + LATE


def night_at(call: Call, changes: Mapping[datetime, CallChange], now: datetime) -> CallTime | None:
    """The occurrence of ``call`` whose window holds ``now`` (the nearest start when two do)."""
    reach = timedelta(minutes=call.length) + LATE
    found = [
        item
        for item in occurrences(call, changes, now - reach, now + EARLY)
        if window(call, item.start)[0] <= now <= window(call, item.start)[1]
    ]
    return min(found, key=lambda item: abs(item.start - now)) if found else None


@dataclass(frozen=True, slots=True)
class EventShape:
    """What a call's scheduled event says: when, where (a voice channel, or "Video call"), and why."""

    start: datetime
    end: datetime
    channel_id: int | None
    description: str

    def key(self) -> str:
        """A short fingerprint: an event is edited only when this changes."""
        where = self.channel_id or "external"
        return f"{int(self.start.timestamp())}:{int(self.end.timestamp())}:{where}:{zlib.crc32(self.description.encode()):x}"


def event_shape(call: Call, item: CallTime, channel_id: int | None, shared_channel: str | None) -> EventShape:
    """The event for ``item``: the call's length, in the room when one is linked, and a teaser of
    what Closer brings at call time (never anything a partner wrote: the server's members read it)."""
    what = "Your weekly video call" if call.weekly else "Your video call"
    where = f" in #{shared_channel}" if shared_channel else ""
    description = (
        f"{what}. When it starts, Closer posts a shared idea and things to talk about{where}: "
        "questions you skipped, and your latest answers to follow up on."
    )
    end = item.start + timedelta(minutes=call.length)
    return EventShape(item.start, end, channel_id, description)
