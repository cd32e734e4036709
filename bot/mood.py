"""Check-in rules and the mood chart: pure logic, no Discord, no database, no clock.

- A check-in belongs to the partner's local *check-in day*, which runs until 04:00: answering
  at 00:30 counts for the evening before (one check-in per day; checking in again updates it).
- A mood of 1 or 2 is low. Three low days in a row make a *low streak*; three delivered asks
  without a check-in make a *quiet streak*. Each streak is named by its first day, so the
  partner's note about it is sent once, however long it lasts.
- What the other partner sees follows the sharing level: full, mood only, or nothing.
- The chart is drawn with matplotlib's Agg backend (a ``Figure``, never pyplot's global state)
  and :func:`chart_png` renders it in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import io
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.timeutil import QuietHours, wall_to_utc

MOODS = (1, 2, 3, 4, 5)
LOW_MOOD = 2  # a mood at or below this is low
DAY_STARTS = time(4, 0)  # a check-in before 04:00 local counts for the day before
STREAK_DAYS = 3  # low days in a row, or unanswered asks, before the partner gets a note
NOTE_LIMIT = 1000

LOVE_LANGUAGES: dict[str, str] = {
    "words": "words of affirmation",
    "time": "quality time",
    "gifts": "receiving gifts",
    "service": "acts of service",
    "touch": "physical touch",
}


class Sharing(StrEnum):
    FULL = "full"
    MOOD = "mood"
    NOTHING = "nothing"

    @property
    def describe(self) -> str:
        return {
            Sharing.FULL: "your mood and your note",
            Sharing.MOOD: "your mood only (notes stay with you)",
            Sharing.NOTHING: "nothing (your check-ins stay private)",
        }[self]


# ---------------------------------------------------------------------------------------------
# Days
# ---------------------------------------------------------------------------------------------


def checkin_day(instant: datetime, zone: ZoneInfo) -> date:
    """The local check-in day of ``instant``: the calendar day, until 04:00 the next morning."""
    local = instant.astimezone(zone).replace(tzinfo=None)
    return (local - timedelta(hours=DAY_STARTS.hour, minutes=DAY_STARTS.minute)).date()


def day_end(day: date, zone: ZoneInfo) -> datetime:
    """The instant check-in day ``day`` ends (04:00 local the next morning), UTC."""
    return wall_to_utc(day + timedelta(days=1), DAY_STARTS, zone)


def next_quiet_start(quiet: QuietHours, after: datetime, zone: ZoneInfo) -> datetime | None:
    """The first moment strictly after ``after`` when quiet hours begin (None: no quiet hours)."""
    if quiet.start == quiet.end:
        return None
    local_day = after.astimezone(zone).date()
    for offset in range(3):
        start = wall_to_utc(local_day + timedelta(days=offset - 1), quiet.start, zone)
        if start > after:
            return start
    return None  # pragma: no cover - a quiet start happens every day


# ---------------------------------------------------------------------------------------------
# Moods and streaks
# ---------------------------------------------------------------------------------------------


def is_low(mood: int) -> bool:
    return mood <= LOW_MOOD


def parse_mood(text: str, labels: Sequence[str]) -> int:
    """ "4", "4/5", "good" -> 4. Raises ValueError for anything else."""
    cleaned = (text or "").strip().lower().removesuffix("/5").strip()
    if cleaned.isdigit() and int(cleaned) in MOODS:
        return int(cleaned)
    for mood, label in zip(MOODS, labels, strict=True):
        if cleaned == label.lower():
            return mood
    raise ValueError(f"not a mood: {text!r}")


def low_streak_start(moods: Mapping[date, int], today: date, length: int = STREAK_DAYS) -> date | None:
    """The first day of the run of low check-ins ending ``today``, when it is ``length`` days or more.

    Days must follow each other: a day without a check-in ends the run.
    """
    if today not in moods or not is_low(moods[today]):
        return None
    first = today
    while (first - timedelta(days=1)) in moods and is_low(moods[first - timedelta(days=1)]):
        first -= timedelta(days=1)
    return first if (today - first).days + 1 >= length else None


def unanswered_since(
    ask_days: Iterable[date], last_checkin: date | None, today: date, length: int = STREAK_DAYS
) -> date | None:
    """The first day of a quiet streak: ``length`` or more asks before ``today`` went unanswered.

    ``ask_days`` are the days an ask was delivered; an ask is unanswered when no check-in came on
    or after its day. None when the streak is shorter (or the partner checked in since).
    """
    unanswered = sorted({d for d in ask_days if d < today and (last_checkin is None or d > last_checkin)})
    return unanswered[0] if len(unanswered) >= length else None


def average(moods: Iterable[int]) -> float | None:
    values = list(moods)
    return sum(values) / len(values) if values else None


def format_average(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------------------------
# Empathy suggestions
# ---------------------------------------------------------------------------------------------


def pick_suggestion(
    empathy: Mapping[str, Any], primary: str | None, secondary: str | None, seed: str
) -> tuple[str | None, str]:
    """(love language used, suggestion template) for a low day; the same seed gives the same idea.

    The primary language is used two times in three when a secondary one is set; with none set,
    an idea that suits anyone.
    """
    rng = random.Random(seed)
    suggestions = empathy["suggestions"]
    languages = [lang for lang in (primary, secondary) if lang in LOVE_LANGUAGES]
    if not languages:
        return None, rng.choice(list(suggestions["any"]))
    language = languages[0] if len(languages) == 1 or rng.random() < 2 / 3 else languages[1]
    return language, rng.choice(list(suggestions[language]))


def pick(options: Sequence[str], seed: str) -> str:
    """A stable choice among text variants (the same seed, the same text)."""
    return random.Random(seed).choice(list(options))


# ---------------------------------------------------------------------------------------------
# The chart
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Series:
    """One partner's moods on the chart: (day, mood) in day order."""

    name: str
    points: tuple[tuple[date, int], ...]

    @property
    def average(self) -> float | None:
        return average(mood for _, mood in self.points)


COLOURS = ("#E86A92", "#4C8BF5")
TREND_AFTER_DAYS = 60  # longer charts show a rolling trend instead of joining every point
TREND_WINDOW = 7


def broken_at_gaps(points: Sequence[tuple[date, int]]) -> tuple[list[date], list[float]]:
    """The points with a NaN between days that do not follow each other (no line across a gap)."""
    xs: list[date] = []
    ys: list[float] = []
    for day, mood in points:
        if xs and (day - xs[-1]).days > 1:
            xs.append(xs[-1] + timedelta(days=1))
            ys.append(float("nan"))
        xs.append(day)
        ys.append(float(mood))
    return xs, ys


def rolling_average(points: Sequence[tuple[date, int]], window: int) -> tuple[list[date], list[float]]:
    """For each day with a check-in: the average of the check-ins in the ``window`` days ending then."""
    days: list[date] = []
    values: list[float] = []
    for index, (day, _) in enumerate(points):
        recent = [m for d, m in points[max(0, index - window) : index + 1] if (day - d).days < window]
        days.append(day)
        values.append(sum(recent) / len(recent))
    return days, values


def summary(series: Sequence[Series], hidden: Sequence[str], days: int) -> str:
    """A sentence per partner: average and count, or that they keep check-ins private."""
    parts = []
    for line in series:
        if line.points:
            count = len(line.points)
            parts.append(
                f"{line.name}: average {format_average(line.average)}/5 over {count} "
                f"check-in{'s' if count != 1 else ''}"
            )
        else:
            parts.append(f"{line.name}: no check-ins in the last {days} days")
    parts.extend(f"{name} keeps check-ins private" for name in hidden)
    return "; ".join(parts)


def render_chart(series: Sequence[Series], start: date, end: date, title: str = "Moods") -> bytes:
    """A PNG of the moods from ``start`` to ``end``, one line per partner, with their averages.

    Synchronous and CPU-bound: call it through :func:`chart_png`.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    long_range = (end - start).days + 1 > TREND_AFTER_DAYS
    for index, line in enumerate(series):
        if not line.points:
            continue
        colour = COLOURS[index % len(COLOURS)]
        label = f"{line.name} (average {format_average(line.average)})"
        days = [day for day, _ in line.points]
        moods = [mood for _, mood in line.points]
        if long_range:
            # Daily points stay faint; a 7-day trend line shows where things are heading.
            axes.scatter(days, moods, color=colour, s=6, alpha=0.35, linewidths=0)
            trend_days, trend = rolling_average(line.points, TREND_WINDOW)
            axes.plot(trend_days, trend, color=colour, linewidth=2, label=f"{label}, 7-day trend")
        else:
            xs, ys = broken_at_gaps(line.points)
            axes.plot(xs, ys, color=colour, linewidth=2, marker="o", markersize=5, label=label)
        if line.average is not None:
            axes.axhline(line.average, color=colour, linestyle="--", linewidth=1, alpha=0.6)
    axes.set_ylim(0.6, 5.9)  # headroom above "5 great" for the legend
    axes.set_yticks(list(MOODS), ["1 rough", "2 low", "3 okay", "4 good", "5 great"])
    axes.set_xlim(date2num(start) - 0.5, date2num(end) + 0.5)
    locator = AutoDateLocator(minticks=3, maxticks=10)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(title)
    if any(line.points for line in series):
        axes.legend(loc="upper left", frameon=False, ncols=2)
    buffer = io.BytesIO()
    names = ", ".join(line.name for line in series)
    figure.savefig(
        buffer, format="png", metadata={"Title": title, "Description": f"Moods of {names}, {start} to {end}"}
    )
    return buffer.getvalue()


async def chart_png(series: Sequence[Series], start: date, end: date, title: str = "Moods") -> bytes:
    """:func:`render_chart` in a worker thread, so the bot keeps answering while it draws."""
    return await asyncio.to_thread(render_chart, list(series), start, end, title)
