"""Privacy is per check-in (issue 14): each check-in keeps the sharing level it was made under, and
every place that tells the other partner about moods reads that, never today's level. One test
per place: the news by DM, /couple status, the export, gentle notes and ideas (the chart and the
digest: tests/mood, tests/digest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db.repositories.checkins import Sharing
from emulator import Fake
from tests.checkins.test_checkins import (
    ALICE_8PM,
    BOTH_AWAKE,
    DAY,
    TUESDAY,
    ask_at,
    check_in_now,
    gentle_notes,
    news,
    repo,
    tell_partner,
)
from tests.data.test_data_export import export_of
from tests.support import Closer, People


async def schedules_about(closer: Closer, people: People, user) -> list:
    """Every check-in news or gentle note scheduled for the other partner about ``user``."""
    assert closer.bot is not None
    found = await closer.bot.schedules.for_guild(people.guild.id, ("checkin_share", "checkin_note"))
    return [s for s in found if s.payload.get("about") == user.id]


async def test_a_check_in_shared_as_nothing_schedules_nothing_for_the_partner(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """No news, no schedule and so no line in the partner's ledger; the person checking in is told."""
    await closer.at(BOTH_AWAKE)
    await fake.slash(couple.alice, "checkin sharing", level="nothing")
    card = await check_in_now(fake, couple.alice, 1, note="awful")
    assert "This check-in stays private: bob learns nothing about it." in card.text
    await tell_partner(closer)
    assert news(fake, couple.bob, "alice") == []
    assert await schedules_about(closer, couple, couple.alice) == []
    status = await fake.slash(couple.bob, "couple status")
    assert "alice's check-in" not in status.text


async def test_sharing_nothing_takes_back_news_still_on_its_way(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice checks in, then sets sharing nothing within the wait: Bob hears nothing, and today's
    check-in stays private even after she shares again."""
    await closer.at(BOTH_AWAKE)
    card = await check_in_now(fake, couple.alice, 2)
    assert "bob hears how you're doing in about 15 minutes" in card.text
    reply = await fake.slash(couple.alice, "checkin sharing", level="nothing")
    assert "today's check-in included" in reply.text
    await fake.slash(couple.alice, "checkin sharing", level="full")
    await fake.click(card, "1", couple.alice)
    await tell_partner(closer)
    assert news(fake, couple.bob, "alice") == []
    assert await schedules_about(closer, couple, couple.alice) == []
    saved = await repo(closer).get(couple.guild.id, couple.alice.id, TUESDAY)
    assert saved is not None
    assert saved.sharing is Sharing.NOTHING


async def test_status_shows_a_check_in_as_it_was_shared(couple: People, fake: Fake, closer: Closer) -> None:
    """Bob checks in while sharing nothing, then shares fully again that day: Alice's status
    doesn't show today's mood (it reads as if he hadn't checked in)."""
    await closer.at(BOTH_AWAKE)
    await fake.slash(couple.bob, "checkin sharing", level="nothing")
    await check_in_now(fake, couple.bob, 1)
    await fake.slash(couple.bob, "checkin sharing", level="full")
    status = await fake.slash(couple.alice, "couple status")
    assert "bob: not yet today" in status.text
    assert "1/5" not in status.text


async def test_the_export_holds_each_check_in_as_it_was_shared(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob: full on Tuesday, mood only on Wednesday, nothing on Thursday, full again on Friday.
    Alice's export has Tuesday with its note, Wednesday without, no Thursday; Bob's has all."""
    levels = ["full", "mood", "nothing", "full"]
    for day, level in enumerate(levels):
        await closer.at(BOTH_AWAKE + day * DAY)
        await fake.slash(couple.bob, "checkin sharing", level=level)
        await check_in_now(fake, couple.bob, 2 + day, note=f"bob-note-{day}")
    alices, _ = await export_of(fake, couple.alice)
    bobs = [(e.mood, e.note, e.sharing) for e in alices.checkins.entries if e.user_id == str(couple.bob.id)]
    assert bobs == [(2, "bob-note-0", "full"), (3, None, "mood"), (5, "bob-note-3", "full")]
    own, _ = await export_of(fake, couple.bob)
    assert [e.note for e in own.checkins.entries] == [f"bob-note-{day}" for day in range(4)]


async def test_a_day_kept_private_breaks_a_low_streak(couple: People, fake: Fake, closer: Closer) -> None:
    """Three low days, the middle one shared as nothing: Bob gets no gentle note (he would learn
    that Alice checked in low on the day she kept private)."""
    for day, level in enumerate(["full", "nothing", "full"]):
        await closer.at(BOTH_AWAKE + day * DAY)
        await fake.slash(couple.alice, "checkin sharing", level=level)
        await check_in_now(fake, couple.alice, 1)
        await tell_partner(closer)
    assert gentle_notes(fake, couple.bob) == []
    assert len(news(fake, couple.bob, "alice")) == 2


async def test_silence_while_sharing_nothing_brings_no_gentle_note(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice shares nothing and leaves three asks unanswered, then shares again: Bob is not told
    she has been quiet (her silence then was hers too)."""
    await fake.slash(couple.alice, "checkin sharing", level="nothing")
    for day in range(3):
        await ask_at(fake, closer, couple.alice, ALICE_8PM + day * DAY)
    await fake.slash(couple.alice, "checkin sharing", level="full")
    await ask_at(fake, closer, couple.alice, ALICE_8PM + 3 * DAY)
    await tell_partner(closer)
    assert gentle_notes(fake, couple.bob) == []


async def test_no_idea_comes_twice_in_a_month(couple: People, fake: Fake, closer: Closer) -> None:
    """Twelve low days in a month (both partners): twelve different ideas, Alice's fitted to her
    love languages first (issue 14: ideas were drawn with replacement)."""
    await fake.slash(couple.alice, "lovelanguage set", primary="words", secondary="time")
    ideas: list[str] = []
    for day in range(12):
        await closer.at(BOTH_AWAKE + day * DAY)
        user, other, name = (
            (couple.alice, couple.bob, "alice") if day % 3 else (couple.bob, couple.alice, "bob")
        )
        await check_in_now(fake, user, 1 + day % 2)
        await tell_partner(closer)
        message = news(fake, other, name)[-1]
        assert message.embed is not None
        (field,) = [f for f in message.embed["fields"] if f["name"] == "💡 An idea for you"]
        ideas.append(field["value"].split("\n")[0].replace(name, "{name}"))
    assert len(set(ideas)) == 12


async def test_advice_goes_to_the_one_who_can_act_on_it(couple: People, fake: Fake, closer: Closer) -> None:
    """Bob, without love languages, checks in low: his own reply tells him /lovelanguage set would
    fit Alice's ideas to him; Alice's DM carries no advice meant for Bob (issue 14: "Tip: bob
    can set their love languages")."""
    await closer.at(BOTH_AWAKE)
    card = await check_in_now(fake, couple.bob, 2)
    assert card.ephemeral
    assert "/lovelanguage set" in card.text
    assert "alice gets an idea" in card.text
    await tell_partner(closer)
    (message,) = news(fake, couple.alice, "bob")
    assert "An idea for you" in message.text
    assert "Tip" not in message.text
    assert "/lovelanguage" not in message.text
    good = await check_in_now(fake, couple.alice, 5)
    assert "/lovelanguage" not in good.text


async def test_the_thank_you_follows_the_mood(couple: People, fake: Fake, closer: Closer) -> None:
    """1/5 gets a gentle thank-you, never a cheer; 5/5 a warm one (issue 14: "Little check-ins add
    up 💫" after 1/5). The news for the partner doesn't cheer a low day either."""
    from bot.content import load

    texts = load("checkin")
    await closer.at(BOTH_AWAKE)
    low = await check_in_now(fake, couple.alice, 1)
    assert any(t in low.text for t in texts["thanks_low"])
    assert not any(t in low.text for t in texts["thanks_high"] + texts["thanks_mid"])
    assert "!" not in low.text.split("\n")[1]
    high = await check_in_now(fake, couple.bob, 5)
    assert any(t in high.text for t in texts["thanks_high"])
    await tell_partner(closer)
    (told,) = news(fake, couple.bob, "alice")
    assert "!" not in told.text
    assert "A harder day for alice." in told.text


async def test_a_low_day_in_the_partners_night_is_told_in_their_morning_in_plain_words(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob checks in at 20:00 Los Angeles (05:00 Berlin): he is told Alice hears after her quiet hours."""
    await closer.at(datetime(2026, 11, 25, 4, 0, tzinfo=UTC))
    card = await check_in_now(fake, couple.bob, 2)
    assert "alice hears how you're doing <t:" in card.text
    assert "after their quiet hours" in card.text
    await closer.at(datetime(2026, 11, 25, 7, 0, tzinfo=UTC) + timedelta(minutes=1))
    assert len(news(fake, couple.alice, "bob")) == 1
