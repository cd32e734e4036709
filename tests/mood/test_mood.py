"""The mood chart in cogs/mood/chart.py: the PNG, its lines, the trend and the summary."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from cogs.mood import chart
from cogs.mood.chart import Series

D = date(2026, 11, 24)


# -- the chart ------------------------------------------------------------------------------------


def test_the_chart_is_a_png_of_the_right_size() -> None:
    """A valid PNG that Pillow can open, 1000x460 pixels."""
    points = tuple((D - timedelta(days=n), 1 + n % 5) for n in range(30))
    png = chart.render_chart([Series("alice", points), Series("bob", ())], D - timedelta(days=29), D)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (1000, 460)


def test_the_chart_names_only_the_partners_it_shows() -> None:
    """The PNG's description names the plotted partners, not a hidden one."""
    png = chart.render_chart([Series("alice", ((D, 3),))], D - timedelta(days=6), D)
    description = Image.open(io.BytesIO(png)).info["Description"]
    assert "alice" in description
    assert "bob" not in description


async def test_a_year_long_chart_renders_off_the_event_loop() -> None:
    """chart_png returns a PNG for 365 days of two partners."""
    points = tuple((D - timedelta(days=n), 1 + (n * 7) % 5) for n in range(365))
    png = await chart.chart_png([Series("a", points), Series("b", points[::2])], D - timedelta(days=364), D)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_lines_break_where_days_are_missing() -> None:
    """A gap between check-ins becomes a NaN point, so no line is drawn across it."""
    xs, ys = chart.broken_at_gaps([(D - timedelta(days=3), 2), (D - timedelta(days=2), 3), (D, 4)])
    assert xs == [D - timedelta(days=3), D - timedelta(days=2), D - timedelta(days=1), D]
    assert ys[:2] == [2.0, 3.0]
    assert ys[2] != ys[2]  # NaN
    assert ys[3] == 4.0


def test_the_trend_is_a_seven_day_rolling_average() -> None:
    """Each day's trend value averages the check-ins of the seven days ending that day."""
    points = [(D - timedelta(days=9 - n), mood) for n, mood in enumerate([1, 1, 1, 1, 1, 1, 1, 5, 5, 5])]
    _, trend = chart.rolling_average(points, 7)
    assert trend[0] == 1
    assert trend[6] == 1
    assert trend[9] == pytest.approx((1 * 4 + 5 * 3) / 7)


def test_the_summary_says_who_keeps_check_ins_private() -> None:
    """Averages and counts per shown partner; hidden partners are only named as private."""
    text = chart.summary([Series("alice", ((D, 2), (D - timedelta(days=1), 5)))], ["bob"], 30)
    assert text == "alice: average 3.5/5 over 2 check-ins; bob keeps check-ins private"
