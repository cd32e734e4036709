"""/mood history: a PNG chart of both partners' moods, deferred, showing only what each shares."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image

from bot.db.repositories.checkins import CheckinRepository
from emulator import Fake
from tests.support import START, Closer, People

TODAY = date(2026, 11, 24)


def repo(closer: Closer) -> CheckinRepository:
    assert closer.bot is not None
    return closer.bot.get_cog("CheckinCog").service.repo  # type: ignore[union-attr]


async def seed(
    closer: Closer, people: People, user, moods: list[int], *, zone: str = "Europe/Berlin"
) -> None:
    """Check-ins for ``user`` on the days up to yesterday, the last mood being yesterday's."""
    for back, mood in enumerate(reversed(moods), start=1):
        await repo(closer).save(
            people.guild.id, user.id, TODAY - timedelta(days=back), mood=mood, zone=zone, now=START
        )


async def test_with_no_check_ins_yet_it_says_so_instead_of_an_empty_chart(couple: People, fake: Fake) -> None:
    """No chart, a sentence saying how to start."""
    reply = await fake.slash(couple.alice, "mood history")
    assert reply.ephemeral
    assert reply.type == 5  # deferred first
    assert "No check-ins in the last 30 days yet" in reply.text
    assert reply.attachments == []


async def test_the_chart_is_a_png_with_both_partners_and_their_averages(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice 2, 4 (average 3); Bob 5, 5, 2 (average 4): a PNG, and the averages in words."""
    await seed(closer, couple, couple.alice, [2, 4])
    await seed(closer, couple, couple.bob, [5, 5, 2], zone="America/Los_Angeles")
    reply = await fake.slash(couple.alice, "mood history", days=7)
    assert reply.ephemeral
    (chart,) = reply.attachments
    assert chart.filename == "moods.png"
    assert chart.content_type == "image/png"
    image = Image.open(io.BytesIO(chart.data))
    assert image.format == "PNG"
    assert "alice: average 3/5 over 2 check-ins" in reply.text
    assert "bob: average 4/5 over 3 check-ins" in reply.text
    assert "bob" in image.info["Description"]


async def test_the_chart_hides_a_partner_who_shares_nothing(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob shares nothing: Alice's chart has only her line; Bob still sees his own. (Bob now sets
    it before these check-ins: each keeps the level it was made under.)"""
    await seed(closer, couple, couple.alice, [3, 3, 4])
    await fake.slash(couple.bob, "checkin sharing", level="nothing")
    await seed(closer, couple, couple.bob, [1, 1, 1], zone="America/Los_Angeles")
    alices = await fake.slash(couple.alice, "mood history")
    (chart,) = alices.attachments
    description = Image.open(io.BytesIO(chart.data)).info["Description"]
    assert "alice" in description
    assert "bob" not in description
    assert "bob keeps check-ins private" in alices.text
    assert "1/5" not in alices.text
    assert "bob keeps check-ins private" in (chart.description or "")
    bobs = await fake.slash(couple.bob, "mood history")
    assert "bob: average 1/5 over 3 check-ins" in bobs.text


async def test_days_kept_private_stay_off_the_chart_after_sharing_again(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob shares nothing for two days, then full again: Alice's chart has his other days only,
    and his own chart has them all (issue 14: sharing was judged when the chart was drawn)."""
    for back, mood, level in (
        (5, 4, "full"),
        (4, 4, "full"),
        (3, 1, "nothing"),
        (2, 1, "nothing"),
        (1, 5, "full"),
    ):
        await fake.slash(couple.bob, "checkin sharing", level=level)
        await repo(closer).save(
            couple.guild.id, couple.bob.id, TODAY - timedelta(days=back), mood=mood, zone="UTC", now=START
        )
    alices = await fake.slash(couple.alice, "mood history", days=7)
    assert "bob: average 4.3/5 over 3 check-ins" in alices.text
    bobs = await fake.slash(couple.bob, "mood history", days=7)
    assert "bob: average 3/5 over 5 check-ins" in bobs.text


async def test_mood_only_sharing_still_shows_the_mood_line(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Mood-only sharing hides notes, not moods: Bob's line is on Alice's chart."""
    await seed(closer, couple, couple.bob, [4, 2])
    await fake.slash(couple.bob, "checkin sharing", level="mood")
    reply = await fake.slash(couple.alice, "mood history")
    assert "bob: average 3/5 over 2 check-ins" in reply.text


async def test_a_year_of_moods_is_charted_and_older_days_are_left_out(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A year renders (today has no check-in yet, so 364); a 30-day chart counts only the last 29."""
    await seed(closer, couple, couple.alice, [1 + n % 5 for n in range(400)])
    year = await fake.slash(couple.alice, "mood history", days=365)
    assert len(year.attachments) == 1
    assert "25 Nov 2025 to 24 Nov 2026" in year.text
    assert "over 364 check-ins" in year.text
    month = await fake.slash(couple.alice, "mood history")
    assert "over 29 check-ins" in month.text


async def test_the_days_option_accepts_7_to_365(couple: People, fake: Fake) -> None:
    """Discord enforces the range declared on the option (default 30)."""
    (mood,) = [c for c in fake.commands() if c["name"] == "mood"]
    (history,) = mood["options"]
    (days,) = history["options"]
    assert (days["min_value"], days["max_value"], days.get("required", False)) == (7, 365, False)
