"""The mood chart: one line per partner, their averages, drawn with matplotlib.

Pure (no Discord, no database, no clock). The chart is drawn with matplotlib's Agg backend (a
``Figure``, never pyplot's global state) and :func:`chart_png` renders it in a worker thread, off
the event loop.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.moods import MOODS, average, format_average


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
    """A sentence per partner: average and count of what they shared, and who keeps check-ins
    private now (what they shared before stays in the chart)."""
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
    charted = {line.name for line in series if line.points}
    parts.extend(
        f"{name} keeps new check-ins private" if name in charted else f"{name} keeps check-ins private"
        for name in hidden
    )
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
        # Days as Matplotlib's day numbers (what it makes of dates itself; the axis shows dates).
        days = date2num([day for day, _ in line.points])
        moods = [mood for _, mood in line.points]
        if long_range:
            # Daily points stay faint; a 7-day trend line shows where things are heading.
            axes.scatter(days, moods, color=colour, s=6, alpha=0.35, linewidths=0)
            trend_days, trend = rolling_average(line.points, TREND_WINDOW)
            axes.plot(date2num(trend_days), trend, color=colour, linewidth=2, label=f"{label}, 7-day trend")
        else:
            xs, ys = broken_at_gaps(line.points)
            axes.plot(date2num(xs), ys, color=colour, linewidth=2, marker="o", markersize=5, label=label)
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
