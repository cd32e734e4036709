"""Living with the daily question (issue 14) through the emulator: a question day finishes its
story (closed at the end of both partners' day, once, across restarts), the question comes in
both partners' awake hours, the nudge travels with another evening DM and is never doubled, and
everything a partner reads of its schedules is in plain words."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.registry import Contribution, Place
from bot.scheduler import Kind, Occurrence, Sent
from emulator import Fake
from tests.support import (
    ALICE_ZONE,
    NEXT_POST,
    Closer,
    People,
    answer,
    latest_post,
    pair,
    post_now,
    question_of,
    stored_couple,
)

# A question posted with /question now at 13:00 in Berlin on 24 November (04:00 for Bob) ends for
# both at the end of Bob's 24 November, 08:00 on the 25th in UTC (each partner has until the end of
# the day it reached them; from 18:00, the next day too: the streak's rule).
CLOSES = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
# The scheduled one, 18:00 in Berlin (09:00 for Bob), ends at the end of the 25th in Berlin: it
# reached Alice in her evening.
CLOSES_SCHEDULED = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)


async def ledger(closer: Closer, people: People, kind: str) -> list[str]:
    assert closer.bot is not None
    return [d.status for d in await closer.bot.schedules.recent(people.guild.id, limit=100) if d.kind == kind]


# -- every question day finishes its story -------------------------------------------------------


async def test_a_question_only_one_answered_closes_at_the_end_of_both_days_once_across_restarts(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice answered, Bob didn't: at the end of both partners' day the post loses its buttons and
    says, without blame, that bob didn't answer; Alice's answer stays hers. Restarts before and
    after change nothing: it is closed exactly once. (It used to keep "waiting for bob" and live
    buttons for days.)"""
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, "Only mine, for now.")
    await closer.at(datetime(2026, 11, 25, 4, 0, tzinfo=UTC))  # Bob's evening nudge (20:00 for him)
    await closer.restart()
    await closer.at(CLOSES - timedelta(seconds=1))
    assert post.buttons == ["Answer", "Skip"]
    assert "waiting for bob" in post.text
    await closer.restart()
    await closer.at(CLOSES)
    assert post.buttons == []
    assert "bob didn't answer this one" in post.text
    assert "waiting for" not in post.text
    assert "Only mine, for now." not in post.text
    await closer.restart()
    await closer.run_due()
    await closer.at(CLOSES + timedelta(hours=1))
    assert await ledger(closer, couple, "question_close") == ["sent"]
    nudge = next(m for m in fake.dms(couple.bob) if question_of(post) in m.text)  # his evening nudge
    refused = await fake.click(nudge, "Answer", couple.bob)
    assert refused.modal is None
    assert "This question's day is over" in refused.text


async def test_a_question_nobody_answered_closes_with_no_answers_this_time(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The scheduled question of 24 November, unanswered, is closed at the end of the 25th in Berlin."""
    await closer.at(NEXT_POST)
    post = latest_post(fake, couple)
    await closer.at(CLOSES_SCHEDULED - timedelta(seconds=1))
    assert post.buttons == ["Answer", "Skip"]
    await closer.at(CLOSES_SCHEDULED)
    assert post.buttons == []
    assert "No answers this time" in post.text
    assert "didn't answer" not in post.text


async def test_a_revealed_question_is_left_as_it_is(couple: People, fake: Fake, closer: Closer) -> None:
    """Both answered: the reveal stays; nothing is closed at the end of the day."""
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, "A.")
    await answer(fake, post, couple.bob, "B.")
    revealed = post.text
    await closer.at(CLOSES + timedelta(hours=1))
    assert post.text == revealed
    assert await ledger(closer, couple, "question_close") == []


# -- the question in both partners' awake hours ---------------------------------------------------


async def test_the_question_comes_in_both_partners_day_and_the_welcome_post_says_when(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob set his zone (Los Angeles): the question moved from 09:00 Berlin (midnight for him) to
    18:00 Berlin = 09:00 for him; the welcome post's line gives both local times."""
    assert closer.bot is not None
    daily = await closer.bot.schedules.find("question", couple.guild.id)
    assert daily is not None
    assert daily.fire_at == NEXT_POST
    welcome = await closer.bot.registry.sections(
        Place.WELCOME, await stored_couple(closer, couple), NEXT_POST
    )
    [text] = [text for title, text in welcome if title == "🌅 The daily question"]
    assert text.startswith("**18:00** for alice · **09:00** for bob. A time you're both awake.")
    assert "/question schedule" in text


async def test_before_the_second_zone_is_known_the_welcome_line_says_the_time_will_move(
    closer: Closer, fake: Fake, people: People
) -> None:
    await pair(fake, people.alice, people.bob, people.channel, alice_zone=ALICE_ZONE, bob_zone=None)
    assert closer.bot is not None
    [text] = [
        text
        for title, text in await closer.bot.registry.sections(
            Place.WELCOME, await stored_couple(closer, people), NEXT_POST
        )
        if title == "🌅 The daily question"
    ]
    assert text.startswith("**09:00** for alice, for now. Once bob sets a time zone (`/couple timezone`)")
    await fake.slash(people.bob, "couple timezone", timezone="Los Angeles")
    [text] = [
        text
        for title, text in await closer.bot.registry.sections(
            Place.WELCOME, await stored_couple(closer, people), NEXT_POST
        )
        if title == "🌅 The daily question"
    ]
    assert text.startswith("**18:00** for alice · **09:00** for bob.")


async def test_a_time_a_partner_picked_stays_when_zones_change(
    couple: People, fake: Fake, closer: Closer
) -> None:
    assert closer.bot is not None
    await fake.slash(couple.alice, "question schedule", time="21:00")
    await fake.slash(couple.bob, "couple timezone", timezone="Asia/Tokyo")
    daily = await closer.bot.schedules.find("question", couple.guild.id)
    assert daily is not None
    assert (daily.local_time, daily.zone) == (time(21, 0), "Europe/Berlin")


async def test_a_time_outside_the_shared_hours_is_kept_with_a_warning(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """09:00 in Berlin is midnight for Bob: accepted, with his local time and when both are awake."""
    reply = await fake.slash(couple.alice, "question schedule", time="09:00")
    assert "**09:00** your time" in reply.text
    assert "⚠️ That's 00:00 for bob, inside bob's quiet hours" in reply.text
    assert "You're both awake from 17:00 to 23:00 your time" in reply.text
    assert closer.bot is not None
    daily = await closer.bot.schedules.find("question", couple.guild.id)
    assert daily is not None
    assert daily.local_time == time(9, 0)
    fine = await fake.slash(couple.bob, "question schedule", time="10:00")
    assert "⚠️" not in fine.text


async def test_the_change_button_opens_a_form_for_the_time(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """/question schedule shows the time for each of them and a button; its form takes a time in
    the presser's zone (and explains a wrong one, keeping the old time)."""
    summary = await fake.slash(couple.bob, "question schedule")
    assert "**09:00** your time (18:00 for alice)" in summary.text
    form = await fake.click(summary, "Change the question's time", couple.bob)
    assert form.modal is not None
    wrong = await fake.submit_modal(form, {"Time, in your own time zone": "half past"}, couple.bob)
    assert "like `18:00`" in wrong.text
    assert "Nothing was changed" in wrong.text
    form = await fake.click(summary, "Change the question's time", couple.bob)
    done = await fake.submit_modal(form, {"Time, in your own time zone": "10:30"}, couple.bob)
    assert "**10:30** your time (`America/Los_Angeles`), which is 19:30 for alice" in done.text
    assert closer.bot is not None
    daily = await closer.bot.schedules.find("question", couple.guild.id)
    assert daily is not None
    assert (daily.local_time, daily.zone) == (time(10, 30), "America/Los_Angeles")


# -- the nudge: one evening DM ---------------------------------------------------------------------


async def test_the_nudge_travels_inside_another_evening_dm_due_within_the_hour(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A personal DM to Alice at 19:40 carries her nudge for the 20:00 question reminder (and her
    20:00 check-in ask, which travels the same way): one DM with the question and its Answer
    button; no second DM at 20:00; the ledger says it went together."""
    assert closer.bot is not None

    async def carrier(occurrence: Occurrence) -> Sent | None:
        owner = occurrence.schedule.owner_id
        assert owner is not None
        return await occurrence.send_dm(owner, content="🌙 How was your day?")

    closer.bot.registry.add("test", Contribution(kinds=(Kind("test_evening", carrier),)))
    post = await post_now(fake, couple)
    await closer.bot.scheduler.recurring(
        "test_evening",
        guild_id=couple.guild.id,
        key=str(couple.alice.id),
        at=time(19, 40),
        owner_id=couple.alice.id,
        personal=True,
        label="Evening check-in",
    )
    await closer.at(NEXT_POST)
    before = len(fake.dms(couple.alice))
    await closer.at(datetime(2026, 11, 24, 18, 40, tzinfo=UTC))  # 19:40 in Berlin
    await closer.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))  # 20:00: the nudge's own time
    await closer.at(datetime(2026, 11, 24, 19, 30, tzinfo=UTC))
    dms = [m for m in fake.dms(couple.alice)[before:] if question_of(post) in m.text]
    assert len(dms) == 1
    assert "How was your day?" in dms[0].text
    assert "A gentle nudge" in dms[0].text
    assert question_of(post) in dms[0].text
    assert "Answer" in dms[0].buttons
    assert len(fake.dms(couple.alice)[before:]) == 1  # the 20:00 check-in ask rode along too
    recent = await closer.bot.schedules.recent(couple.guild.id, limit=20)
    assert any(
        d.kind == "question_nudge" and d.detail == "sent together with Evening check-in" for d in recent
    )
    done = await answer(fake, dms[0], couple.alice, "From the evening DM.")
    assert "Only you can see it" in done.text


async def test_a_dm_copy_within_the_hour_of_the_nudge_stands_in_for_it(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice gets her copy by DM at 19:30; the 20:00 nudge doesn't bring the question again."""
    await fake.slash(couple.alice, "question schedule", dm_me="19:30")
    post = await post_now(fake, couple)
    await closer.at(datetime(2026, 11, 24, 18, 30, tzinfo=UTC))  # 19:30 in Berlin
    await closer.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))  # 20:00
    await closer.at(datetime(2026, 11, 24, 21, 0, tzinfo=UTC))
    about = [m for m in fake.dms(couple.alice) if question_of(post) in m.text]
    assert len(about) == 1
    assert "Today's question" in about[0].text


# -- plain words -----------------------------------------------------------------------------------


async def test_the_question_schedules_have_plain_labels(couple: People, fake: Fake, closer: Closer) -> None:
    """/couple status lists them as a partner says them: no names, no numbers, no "#"."""
    assert closer.bot is not None
    await fake.slash(couple.bob, "question schedule", dm_me="08:30")
    post = await post_now(fake, couple)
    await closer.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))  # Alice's nudge
    await answer(fake, post, couple.alice, "A.")
    await answer(fake, post, couple.bob, "B.")
    labels = {
        s.label
        for s in await closer.bot.schedules.for_guild(couple.guild.id)
        if s.kind.startswith("question")
    }
    assert labels == {"Daily question", "Daily question by DM", "Evening nudge", "Answers revealed"}
    status = await fake.slash(couple.alice, "couple status")
    assert "Answers revealed" in status.text
    for word in ("question day", "Question nudge for", "Question by DM for"):  # (rituals: theirs)
        assert word not in status.text
