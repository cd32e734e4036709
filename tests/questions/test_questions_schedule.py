"""The daily question over time: its schedule, DMs at each partner's morning, evening nudges,
then and now, the streak, restarts, and the lines it adds to other features' cards."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.archive.couple import schedule_rows
from bot.db.models import Couple
from bot.registry import Contribution, Hook, Place
from cogs.checkins.archive import SECTION as CHECKINS
from cogs.questions.archive import SECTION as QUESTIONS
from emulator import Fake
from tests.questions.test_guess import answer_or_play
from tests.support import (
    ALICE_ZONE,
    BOB_ZONE,
    NEXT_POST,
    Closer,
    People,
    answer,
    latest_post,
    pair,
    post_now,
    question_of,
    question_posts,
    reveal_messages,
    reveal_text,
)
from tests.support import question_cog as cog
from tests.support import stored_couple as the_couple


def dms_about(fake: Fake, user: Any, text: str) -> list:
    return [m for m in fake.dms(user) if text in m.text]


# -- the daily post --------------------------------------------------------------------------------


async def test_pairing_schedules_the_question_and_tells_the_memory_book(
    closer: Closer, fake: Fake, people: People
) -> None:
    """At pairing: 09:00 in the first partner's zone, evening nudges for both, and the time is announced;
    once Bob's zone is known the default moves into both partners' awake hours, 18:00 in Berlin =
    09:00 in Los Angeles, and is announced again. (It used to stay at 09:00 Berlin, midnight for Bob.)"""
    assert closer.bot is not None
    heard: list[tuple[time, str]] = []

    async def listener(couple: Couple, at: time, zone: str) -> None:
        heard.append((at, zone))

    closer.bot.registry.add("test", Contribution(hooks=((Hook.QUESTION_TIME_CHANGED, listener),)))
    await pair(fake, people.alice, people.bob, people.channel, alice_zone=ALICE_ZONE, bob_zone=BOB_ZONE)
    assert heard == [(time(9, 0), ALICE_ZONE), (time(18, 0), ALICE_ZONE)]
    schedules = {(s.kind, s.key): s for s in await closer.bot.schedules.for_guild(people.guild.id)}
    daily = schedules[("question", "")]
    assert (daily.local_time, daily.zone, daily.fire_at) == (time(18, 0), ALICE_ZONE, NEXT_POST)
    for user in (people.alice, people.bob):
        nudge = schedules[("question_nudge", str(user.id))]
        assert nudge.personal
        assert nudge.local_time == time(20, 0)


async def test_the_daily_question_is_posted_at_its_time_in_the_first_partners_zone(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Nothing before 18:00 Berlin (09:00 for Bob); one post at 18:00."""
    await closer.at(NEXT_POST - timedelta(seconds=1))
    assert question_posts(fake, couple) == []
    await closer.at(NEXT_POST)
    posts = question_posts(fake, couple)
    assert len(posts) == 1
    assert posts[0].buttons == ["Answer", "Skip"]
    assert "Posted late" not in posts[0].text


async def test_the_daily_post_is_made_once_across_restarts(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Restarting right after the post and handling it again never posts twice."""
    await closer.at(NEXT_POST)
    await closer.restart()
    await closer.run_due()
    await closer.at(NEXT_POST + timedelta(seconds=30))
    assert len(question_posts(fake, couple)) == 1


async def test_a_question_posted_early_with_now_is_the_days_question(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """/question now at 08:00 Berlin; at 09:00 nothing more is posted that day."""
    closer.clock.set(NEXT_POST - timedelta(hours=1))
    post = await post_now(fake, couple)
    await closer.at(NEXT_POST)
    assert question_posts(fake, couple) == [post]


async def test_after_downtime_the_days_question_comes_late_once(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Offline at 09:00, back at 15:00: one late post that says so."""
    await closer.stop()
    closer.clock.set(NEXT_POST + timedelta(hours=6))
    await closer.start()
    await closer.run_due()
    await closer.run_due()
    posts = question_posts(fake, couple)
    assert len(posts) == 1
    assert "Posted late" in posts[0].text


async def test_the_question_keeps_its_local_time_across_a_dst_change(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """18:00 in Berlin before and after clocks go forward on 28 March 2027."""
    await closer.at(datetime(2027, 3, 26, 12, 0, tzinfo=UTC))
    seen = len(question_posts(fake, couple))
    for expected in (
        datetime(2027, 3, 27, 17, 0, tzinfo=UTC),  # 18:00 CET
        datetime(2027, 3, 28, 16, 0, tzinfo=UTC),  # 18:00 CEST, the day the clocks change
        datetime(2027, 3, 29, 16, 0, tzinfo=UTC),
    ):
        await closer.at(expected - timedelta(minutes=1))
        assert len(question_posts(fake, couple)) == seen
        await closer.at(expected)
        seen += 1
        assert len(question_posts(fake, couple)) == seen


# -- /question schedule ---------------------------------------------------------------------------


async def test_schedule_moves_the_question_to_the_setters_time_and_zone(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob sets 07:30: in his zone, shown in Alice's too, announced to the memory book, posted then."""
    assert closer.bot is not None
    heard: list[tuple[time, str]] = []

    async def listener(couple: Couple, at: time, zone: str) -> None:
        heard.append((at, zone))

    closer.bot.registry.add("test", Contribution(hooks=((Hook.QUESTION_TIME_CHANGED, listener),)))
    reply = await fake.slash(couple.bob, "question schedule", time="7:30")
    assert reply.ephemeral
    assert "07:30" in reply.text
    assert BOB_ZONE in reply.text
    assert "16:30 for alice" in reply.text
    assert heard == [(time(7, 30), BOB_ZONE)]
    await closer.at(datetime(2026, 11, 24, 15, 30, tzinfo=UTC) - timedelta(seconds=1))
    assert question_posts(fake, couple) == []
    await closer.at(datetime(2026, 11, 24, 15, 30, tzinfo=UTC))  # 07:30 in Los Angeles
    assert len(question_posts(fake, couple)) == 1


async def test_schedule_without_options_shows_the_current_settings(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The time for each partner, the next post, how to get it by DM, and a button to change it."""
    reply = await fake.slash(couple.alice, "question schedule")
    assert reply.ephemeral
    assert "**18:00** your time (09:00 for bob)" in reply.text
    assert "dm_me" in reply.text
    assert reply.buttons == ["Change the question's time"]
    own = await fake.slash(couple.bob, "question schedule")
    assert "**09:00** your time (18:00 for alice)" in own.text


async def test_schedule_with_a_bad_time_changes_nothing(couple: People, fake: Fake, closer: Closer) -> None:
    """An impossible time is explained; the question stays at 18:00."""
    reply = await fake.slash(couple.alice, "question schedule", time="25:00")
    assert reply.ephemeral
    assert "not a time" in reply.text
    assert closer.bot is not None
    daily = await closer.bot.schedules.find("question", couple.guild.id)
    assert daily is not None
    assert daily.local_time == time(18, 0)


async def test_dm_me_with_a_bad_value_changes_nothing(couple: People, fake: Fake, closer: Closer) -> None:
    """`dm_me: sometimes` is explained; no DM schedule is made."""
    reply = await fake.slash(couple.bob, "question schedule", dm_me="sometimes")
    assert reply.ephemeral
    assert "07:30" in reply.text
    assert closer.bot is not None
    assert await closer.bot.schedules.find("question_dm", couple.guild.id, str(couple.bob.id)) is None


async def test_dm_me_brings_the_question_at_your_own_morning(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob gets the day's question by DM at 07:30 in Los Angeles (the question is posted at 18:00
    Berlin, 09:00 for him, the evening before in Alice's time) and answers from the DM."""
    await fake.slash(couple.alice, "question schedule", time="09:00")  # 00:00 for Bob
    await closer.at(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    post = latest_post(fake, couple)
    reply = await fake.slash(couple.bob, "question schedule", dm_me="08:30")
    assert "08:30" in reply.text
    await closer.at(datetime(2026, 11, 25, 16, 29, tzinfo=UTC))
    assert dms_about(fake, couple.bob, question_of(post)) == []
    await closer.at(datetime(2026, 11, 25, 16, 30, tzinfo=UTC))  # 08:30 in Los Angeles
    dms = dms_about(fake, couple.bob, question_of(post))
    assert len(dms) == 1
    assert dms[0].buttons == ["Answer"]
    done = await answer(fake, dms[0], couple.bob, "Answered from my DMs.")
    assert "Only you can see it" in done.text
    assert "✅ bob has answered" in post.text


async def test_dm_me_inside_quiet_hours_says_it_will_wait(couple: People, fake: Fake, closer: Closer) -> None:
    """07:00 is inside Bob's quiet hours (23:00-08:00): the reply says the DM waits until 08:00."""
    reply = await fake.slash(couple.bob, "question schedule", dm_me="07:00")
    assert "inside your quiet hours" in reply.text
    assert closer.bot is not None
    schedule = await closer.bot.schedules.find("question_dm", couple.guild.id, str(couple.bob.id))
    assert schedule is not None
    assert schedule.fire_at == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 08:00 in Los Angeles


async def test_an_early_dm_posts_the_days_question_for_both(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Question at 21:00 Berlin, Bob's DM at 08:30 LA (17:30 Berlin): posted then, not again at 21:00."""
    await fake.slash(couple.alice, "question schedule", time="21:00")
    await fake.slash(couple.bob, "question schedule", dm_me="08:30")
    await closer.at(datetime(2026, 11, 24, 16, 30, tzinfo=UTC))
    posts = question_posts(fake, couple)
    assert len(posts) == 1
    assert len(dms_about(fake, couple.bob, question_of(posts[0]))) == 1
    await closer.at(datetime(2026, 11, 24, 20, 0, tzinfo=UTC))
    assert question_posts(fake, couple) == posts


async def test_dm_me_suggests_on_off_and_the_time_being_typed(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Autocomplete offers on/off and morning times; a typed time comes first, normalised."""
    everything = await fake.autocomplete(couple.bob, "question schedule", "dm_me", "")
    assert [c.value for c in everything][:2] == ["on", "off"]
    typed = await fake.autocomplete(couple.bob, "question schedule", "dm_me", "7:45")
    assert typed[0].value == "07:45"


async def test_dm_me_off_stops_the_dms(couple: People, fake: Fake, closer: Closer) -> None:
    """After `dm_me: off`, mornings bring no DM."""
    await fake.slash(couple.bob, "question schedule", dm_me="on")
    reply = await fake.slash(couple.bob, "question schedule", dm_me="off")
    assert "won't get the question by DM" in reply.text
    await closer.at(NEXT_POST)
    await closer.at(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))
    await closer.at(datetime(2026, 11, 25, 17, 0, tzinfo=UTC))
    assert dms_about(fake, couple.bob, "Today's question") == []


# -- evening nudges ------------------------------------------------------------------------------


async def test_a_partner_who_has_not_answered_gets_one_gentle_evening_nudge(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob answered; at 20:00 in Berlin Alice gets one nudge (saying Bob answered), Bob none."""
    await closer.at(NEXT_POST)
    post = latest_post(fake, couple)
    await answer(fake, post, couple.bob, "Bob was quick.")
    await closer.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))  # 20:00 in Berlin
    nudges = dms_about(fake, couple.alice, "gentle nudge")
    assert len(nudges) == 1
    assert question_of(post) in nudges[0].text
    assert "bob has answered already" in nudges[0].text
    assert "Bob was quick." not in nudges[0].text
    await closer.at(datetime(2026, 11, 25, 4, 0, tzinfo=UTC))  # 20:00 in Los Angeles
    assert dms_about(fake, couple.bob, "gentle nudge") == []


async def test_a_nudge_is_sent_once_per_question(couple: People, fake: Fake, closer: Closer) -> None:
    """If the question is still open the next evening, no second nudge comes for it."""
    await closer.at(NEXT_POST)
    assert closer.bot is not None
    daily = await closer.bot.schedules.find("question", couple.guild.id)
    assert daily is not None
    await closer.bot.scheduler.pause(daily.id)  # no new question tomorrow
    await closer.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))
    await closer.at(datetime(2026, 11, 25, 19, 0, tzinfo=UTC))
    assert len(dms_about(fake, couple.alice, "gentle nudge")) == 1


async def test_the_nudge_moves_before_quiet_hours_that_cover_the_evening(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Quiet from 19:00: Alice's nudge comes at 18:00, never later that night or at dawn."""
    await fake.slash(couple.alice, "question schedule", time="09:00")
    await fake.slash(couple.alice, "couple quiet", start="19:00", end="08:00")
    await closer.at(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    await closer.at(datetime(2026, 11, 25, 16, 59, tzinfo=UTC))
    assert dms_about(fake, couple.alice, "gentle nudge") == []
    await closer.at(datetime(2026, 11, 25, 17, 0, tzinfo=UTC))  # 18:00 in Berlin
    assert len(dms_about(fake, couple.alice, "gentle nudge")) == 1


async def test_a_nudge_held_by_quiet_hours_is_dropped_not_sent_at_dawn(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A nudge due inside quiet hours waits, and is dropped rather than sent the next morning."""
    await fake.slash(couple.alice, "couple quiet", start="19:00", end="08:00")
    assert closer.bot is not None
    await closer.bot.scheduler.recurring(  # a nudge left at 20:00 (say, by a trip changing her zone)
        "question_nudge",
        guild_id=couple.guild.id,
        key=str(couple.alice.id),
        at=time(20, 0),
        owner_id=couple.alice.id,
        personal=True,
        label="Question nudge for alice",
    )
    await closer.at(NEXT_POST)
    await closer.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))  # 20:00 in Berlin
    await closer.at(datetime(2026, 11, 25, 7, 0, tzinfo=UTC))  # 08:00 in Berlin, quiet hours end
    assert dms_about(fake, couple.alice, "gentle nudge") == []
    ledger = await closer.bot.schedules.recent(couple.guild.id, limit=50)
    assert any(d.label == "Question nudge for alice" and d.status == "skipped" for d in ledger)


# -- then and now ----------------------------------------------------------------------------------


async def test_then_and_now_asks_an_old_question_again_beside_the_earlier_answers(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Six months after answering, the question comes back; the reveal shows then and now."""
    await closer.at(NEXT_POST)
    first = latest_post(fake, couple)
    await answer(fake, first, couple.alice, "Alice, back then.")
    await answer(fake, first, couple.bob, "Bob, back then.")
    await closer.at(NEXT_POST + timedelta(days=183))
    again = latest_post(fake, couple)
    assert again.id != first.id
    assert question_of(again) == question_of(first)
    assert "Then and now" in again.text
    assert "Alice, back then." not in again.text
    await answer(fake, again, couple.alice, "Alice, today.")
    await answer(fake, again, couple.bob, "Bob, today.")
    newest = reveal_messages(fake, couple)[-1]
    titles = [e.get("title") for e in newest.embeds]
    assert titles[1].startswith("alice · then (Day 1,")
    assert titles[2] == "alice · now"
    assert "Alice, back then." in newest.text
    assert "Alice, today." in newest.text
    assert "Bob, back then." in newest.text


# -- the streak ----------------------------------------------------------------------------------


async def test_the_streak_counts_answers_by_each_partners_own_date(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob answering at 22:00 his time (07:00 the next day in Berlin) still keeps the day."""
    await closer.at(NEXT_POST)
    day_one = latest_post(fake, couple)
    await answer(fake, day_one, couple.alice, "Alice, day one.")
    closer.clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))  # 22:00 on the 24th in Los Angeles
    await answer(fake, day_one, couple.bob, "Bob, late in his evening.")
    await closer.at(NEXT_POST + timedelta(days=1))
    day_two = latest_post(fake, couple)
    await answer(fake, day_two, couple.alice, "Alice, day two.")
    await answer(fake, day_two, couple.bob, "Bob, day two.")
    status = await fake.slash(couple.alice, "couple status")
    assert "🔥 2 days in a row" in status.text


async def test_a_late_post_after_downtime_never_breaks_the_streak(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Offline until 23:30 Berlin: the late question can be answered the next day and still counts."""
    await closer.at(NEXT_POST)
    day_one = latest_post(fake, couple)
    await answer(fake, day_one, couple.alice, "One.")
    await answer(fake, day_one, couple.bob, "One too.")
    await closer.stop()
    closer.clock.set(datetime(2026, 11, 25, 22, 30, tzinfo=UTC))  # 23:30 in Berlin
    await closer.start()
    await closer.run_due()
    day_two = latest_post(fake, couple)
    assert "Posted late" in day_two.text
    closer.clock.set(datetime(2026, 11, 25, 23, 30, tzinfo=UTC))  # 15:30 in Los Angeles
    await answer(fake, day_two, couple.bob, "Bob, same afternoon.")
    await closer.at(datetime(2026, 11, 26, 10, 0, tzinfo=UTC))  # the next morning in Berlin
    await answer(fake, day_two, couple.alice, "Alice, the next morning.")
    status = await fake.slash(couple.bob, "couple status")
    assert "🔥 2 days in a row" in status.text


async def test_a_missed_day_uses_the_weeks_grace_day(couple: People, fake: Fake, closer: Closer) -> None:
    """Day one kept, day two missed by Bob, day three kept: two in a row, grace day used."""
    await closer.at(NEXT_POST)
    await answer(fake, latest_post(fake, couple), couple.alice, "Kept.")
    await answer(fake, latest_post(fake, couple), couple.bob, "Kept too.")
    await closer.at(NEXT_POST + timedelta(days=1))
    await answer(fake, latest_post(fake, couple), couple.alice, "Only Alice.")
    await closer.at(NEXT_POST + timedelta(days=2))
    await answer(fake, latest_post(fake, couple), couple.alice, "Kept again.")
    await answer(fake, latest_post(fake, couple), couple.bob, "Kept again too.")
    history = await fake.slash(couple.alice, "question history")
    assert "🔥 2 days in a row" in history.text
    assert "grace day is used" in history.text


async def test_a_long_streak_stays_right_when_settled_days_change(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Ten kept days: ten in a row (the days over a week old are folded once and kept). When one
    of those settled days changes underneath (an answer now counts as late), the streak follows;
    and after a restart it is the same. The guess day among them (Saturday) counts as kept once
    both have played."""
    for offset in range(10):
        await closer.at(NEXT_POST + timedelta(days=offset))
        post = latest_post(fake, couple)
        await answer_or_play(fake, post, couple.alice, f"Alice, day {offset + 1}.", "bob")
        await answer_or_play(fake, post, couple.bob, f"Bob, day {offset + 1}.", "alice")
    assert sum("🎯" in p.embed["title"] for p in question_posts(fake, couple)) == 1  # type: ignore[index]
    assert "🔥 10 days in a row" in (await fake.slash(couple.alice, "couple status")).text
    assert "🔥 10 days in a row" in (await fake.slash(couple.bob, "couple status")).text  # as kept
    assert closer.bot is not None
    first = await closer.bot.db.fetchval(
        "SELECT id FROM question_days WHERE guild_id = ? ORDER BY local_date LIMIT 1", (couple.guild.id,)
    )
    await closer.bot.db.execute(
        "UPDATE question_answers SET on_time = 0 WHERE day_id = ? AND user_id = ?", (first, couple.bob.id)
    )
    status = await fake.slash(couple.alice, "couple status")
    assert "🔥 9 days in a row" in status.text  # that day no longer counts (the week's grace day)
    await closer.restart()
    assert "🔥 9 days in a row" in (await fake.slash(couple.alice, "couple status")).text


# -- restarts --------------------------------------------------------------------------------------


async def test_a_reveal_interrupted_by_a_stop_is_posted_after_the_restart(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Both answers saved but Closer stopped before posting the reveal: it comes after the restart."""
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, "Saved before the stop.")
    repo = cog(closer).repo
    day = await repo.latest_day(couple.guild.id)
    saved = await repo.save_answer(
        day.id,
        couple.bob.id,
        "Saved as Closer stopped.",
        now=closer.clock.now(),
        local_date=date(2026, 11, 24),
        on_time=True,
        partners=[couple.alice.id, couple.bob.id],
    )
    assert saved.revealed
    await closer.restart()
    await closer.run_due()
    await closer.restart()
    await closer.run_due()
    assert len(reveal_messages(fake, couple)) == 1
    assert "Saved as Closer stopped." in reveal_text(fake, couple)


# -- a restored space (an import) ----------------------------------------------------------------


async def test_a_restored_space_gets_its_question_time_dm_copy_and_nudges_back(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Hook.SPACE_RESTORED after an import wrote the export's schedule rows (not armed): the
    question time in the setter's zone and days, a paused DM copy, the evening nudges; rows of
    other features are left to them."""
    assert closer.bot is not None
    for kind in ("question", "question_dm", "question_nudge", "checkin"):
        await closer.bot.scheduler.cancel_where(couple.guild.id, kind)
    rows = [
        {
            "kind": "question",
            "user_id": couple.bob.id,
            "time": "10:30",
            "weekdays": (0, 1, 2, 3, 4),
            "zone": BOB_ZONE,
            "paused": False,
        },
        {
            "kind": "question_dm",
            "user_id": couple.alice.id,
            "time": "07:30",
            "weekdays": (),
            "zone": None,
            "paused": True,
        },
        {
            "kind": "checkin",
            "user_id": couple.alice.id,
            "time": "21:00",
            "weekdays": (),
            "zone": None,
            "paused": False,
        },
    ]
    restored = await the_couple(closer, couple)
    partners = [{"user_id": p.user_id, "display_name": p.display_name} for p in restored.partners]
    written = schedule_rows(
        rows, (*QUESTIONS.choices, *CHECKINS.choices), partners, couple.guild.id, closer.clock.now()
    )
    async with closer.bot.db.transaction() as tx:
        await closer.bot.schedules.restore_choices(tx, written)
    await closer.bot.registry.emit(Hook.SPACE_RESTORED, restored)
    schedules = {(s.kind, s.key): s for s in await closer.bot.schedules.for_guild(couple.guild.id)}
    daily = schedules[("question", "")]
    assert (daily.local_time, daily.zone, daily.owner_id) == (time(10, 30), BOB_ZONE, couple.bob.id)
    assert daily.weekdays == frozenset({0, 1, 2, 3, 4})
    dm = schedules[("question_dm", str(couple.alice.id))]
    assert (dm.local_time, dm.paused, dm.personal) == (time(7, 30), True, True)
    assert ("question_dm", str(couple.bob.id)) not in schedules
    for user in (couple.alice, couple.bob):
        assert schedules[("question_nudge", str(user.id))].local_time == time(20, 0)


async def test_a_restored_space_without_schedules_gets_the_defaults_and_its_pending_reveal(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """No rows: the default in both partners' awake hours (18:00 in the first partner's zone); a
    reveal saved but never posted is posted."""
    assert closer.bot is not None
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, "Saved before the move.")
    repo = cog(closer).repo
    day = await repo.latest_day(couple.guild.id)
    saved = await repo.save_answer(
        day.id,
        couple.bob.id,
        "Saved, never revealed.",
        now=closer.clock.now(),
        local_date=date(2026, 11, 24),
        on_time=True,
        partners=[couple.alice.id, couple.bob.id],
    )
    assert saved.revealed
    await closer.bot.scheduler.cancel_where(couple.guild.id, "question")
    await closer.bot.registry.emit(Hook.SPACE_RESTORED, await the_couple(closer, couple))
    daily = await closer.bot.schedules.find("question", couple.guild.id)
    assert daily is not None
    assert (daily.local_time, daily.zone) == (time(18, 0), ALICE_ZONE)
    await closer.run_due()
    assert len(reveal_messages(fake, couple)) == 1
    assert "Saved, never revealed." in reveal_text(fake, couple)


async def test_question_schedules_an_import_wrote_itself_are_armed(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A DM copy already in the table but not armed (no next time) is armed from now."""
    assert closer.bot is not None
    await fake.slash(couple.bob, "question schedule", dm_me="07:30")
    dm = await closer.bot.schedules.find("question_dm", couple.guild.id, str(couple.bob.id))
    assert dm is not None
    await closer.bot.schedules.set_next(dm.id, None, None)
    await closer.bot.registry.emit(Hook.SPACE_RESTORED, await the_couple(closer, couple))
    armed = await closer.bot.schedules.get(dm.id)
    assert armed is not None
    assert (armed.next_due, armed.fire_at) == (dm.next_due, dm.fire_at)


# -- other features' cards -----------------------------------------------------------------------


async def test_status_shows_the_current_question_who_answered_and_the_streak(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """/couple status: today's question day, who answered (not what), the next post, the streak."""
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, "Not for the status card.")
    status = await fake.slash(couple.bob, "couple status")
    assert "Daily question" in status.text
    assert "Day 1" in status.text
    assert "✅ alice has answered" in status.text
    assert "Next question" in status.text
    assert "0 days in a row" in status.text
    assert "Not for the status card." not in status.text


async def test_the_daily_post_includes_other_features_lines(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Lines registered under "question_post" (like the visit countdown) are in the post."""
    assert closer.bot is not None

    async def countdown(couple: Couple, now: datetime) -> list[tuple[str, str]]:
        return [("Together again", "12 days until your visit ✈️")]

    closer.bot.registry.add("test", Contribution(sections=((Place.QUESTION_POST, countdown),)))
    post = await post_now(fake, couple)
    assert "12 days until your visit" in post.text


async def test_the_digest_counts_questions_answered_together_this_week(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """One revealed question this week, and the streak."""
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, "A.")
    await answer(fake, post, couple.bob, "B.")
    assert closer.bot is not None
    lines = await cog(closer).digest_section(await the_couple(closer, couple), closer.clock.now())
    assert lines == [("Daily question", "You answered 1 question together this week. 🔥 1 day in a row")]


async def test_talking_points_offer_skipped_and_unasked_questions_and_the_latest_answers(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The call card gets the question set aside "Not today", one never asked, and the latest
    revealed answers."""
    post = await post_now(fake, couple)
    skipped = question_of(post)
    ask = await fake.click(post, "Skip", couple.alice)
    await fake.click(ask, "Not today", couple.alice)
    await fake.idle()
    fresh = latest_post(fake, couple)
    await answer(fake, fresh, couple.alice, "Alice's revealed answer.")
    await answer(fake, fresh, couple.bob, "Bob's revealed answer.")
    sections = dict(
        await cog(closer).talking_points_section(await the_couple(closer, couple), closer.clock.now())
    )
    questions = sections["Questions to talk about"]
    assert f"• {skipped} _(you saved it for another day)_" in questions
    assert "_(not asked yet)_" in questions
    assert question_of(fresh) not in questions
    follow_up = sections["Follow up on your latest answers"]
    assert "Alice's revealed answer." in follow_up
    assert "Bob's revealed answer." in follow_up
