"""When the weekly digest comes by default: pure (no Discord, no database, no clock).

The digest is a shared post, so it lands inside both partners' shared awake hours (outside both
partners' quiet hours, with an hour left to read it), on Sunday in the first partner's home zone.
Among those moments it takes the one that is daytime (09:00-21:00) for both if there is one,
keeps at least :data:`APART` from the daily question, and is as close to Sunday late morning
(:data:`PREFERRED`, the first partner's time) as that allows: a look back with the first coffee
where the zones let it, and away from the Sunday evening that rituals already fill.

Berlin and Los Angeles (quiet hours 23:00-08:00): Sunday 18:00 in Berlin, 09:00 in Los Angeles
(19:30 and 10:30 when the daily question is at 18:00 Berlin). One zone: Sunday 11:00.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.timeutil import QuietHours, shared_awake_windows, wall_to_utc

SUNDAY = 6
PREFERRED = time(11, 0)  # the first partner's time, when both zones allow it
FALLBACK = time(19, 0)  # when both partners' quiet hours leave no shared moment on Sunday
DAYTIME = (time(9, 0), time(21, 0))  # a shared post outside these hours asks something of someone
APART = timedelta(minutes=90)  # from the daily question: two posts, not a pile
ROOM = timedelta(hours=1)  # left in the shared window after the post, to read it together
STEP = timedelta(minutes=30)


def next_sunday(today: date) -> date:
    return today + timedelta(days=(SUNDAY - today.weekday()) % 7)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def off_daytime(instant: datetime, zone: ZoneInfo) -> int:
    """Minutes outside :data:`DAYTIME` at ``instant`` in ``zone`` (0 inside it)."""
    local = _minutes(instant.astimezone(zone).time())
    start, end = _minutes(DAYTIME[0]), _minutes(DAYTIME[1])
    return max(0, start - local, local - end)


def digest_time(
    people: Sequence[tuple[ZoneInfo, QuietHours]],
    home: ZoneInfo,
    today: date,
    question: tuple[time, ZoneInfo] | None = None,
) -> time:
    """The digest's wall time on Sunday in ``home`` (see the module docstring).

    ``people`` are both partners' home zones and quiet hours; ``question`` the daily question's
    wall time and zone (None: no question to keep apart from).
    """
    sunday = next_sunday(today)
    start = wall_to_utc(sunday, time(0, 0), home)
    end = wall_to_utc(sunday + timedelta(days=1), time(0, 0), home)
    hours = int((end - start + 2 * ROOM).total_seconds() // 3600) + 1  # a day of 23 to 25 hours
    windows = shared_awake_windows(list(people), start - ROOM, hours=hours)
    question_at: list[datetime] = []
    if question is not None:
        at, zone = question
        local_sunday = start.astimezone(zone).date()
        question_at = [wall_to_utc(local_sunday + timedelta(days=d), at, zone) for d in (-1, 0, 1)]
    candidates: list[datetime] = []
    moment = start
    while moment < end:
        if any(w.start <= moment and moment + ROOM <= w.end for w in windows):
            candidates.append(moment)
        moment += STEP
    if not candidates:
        return FALLBACK
    apart = [c for c in candidates if all(abs(c - q) >= APART for q in question_at)]
    preferred = wall_to_utc(sunday, PREFERRED, home)

    def cost(moment: datetime) -> tuple[int, float]:
        daytime = sum(off_daytime(moment, zone) for zone, _ in people)
        return daytime, abs((moment - preferred).total_seconds())

    best = min(apart or candidates, key=cost)
    return best.astimezone(home).time().replace(tzinfo=None)
