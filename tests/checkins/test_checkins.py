"""/checkin end to end: the evening ask in each partner's zone, moods and notes, what the other
partner is told at each sharing level, ideas on a low day, gentle notes, quiet hours, fallbacks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.content import load
from bot.db.repositories.checkins import CheckIn, CheckinRepository
from bot.scheduler.outbox import DM_GAP
from cogs.checkins.service import SETTLE
from emulator import Fake
from tests.support import Closer, People, space_restored

# Tuesday 24 Nov 2026. Alice lives in Berlin (UTC+1), Bob in Los Angeles (UTC-8).
ALICE_8PM = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # 20:00 Berlin, 11:00 Los Angeles
BOB_8PM = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)  # 20:00 Los Angeles, 05:00 Berlin
BOTH_AWAKE = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 19:00 Berlin, 10:00 Los Angeles
DAY = timedelta(days=1)
TUESDAY = date(2026, 11, 24)


def repo(closer: Closer) -> CheckinRepository:
    assert closer.bot is not None
    return closer.bot.get_cog("CheckinCog").service.repo  # type: ignore[union-attr]


def asks(fake: Fake, user) -> list:
    return [m for m in fake.dms(user) if "1" in m.buttons and "5" in m.buttons]


def news(fake: Fake, user, about: str) -> list:
    """What ``user`` was told by DM about ``about``'s check-ins."""
    return [m for m in fake.dms(user) if f"{about} checked in" in m.text or f"{about} updated" in m.text]


def gentle_notes(fake: Fake, user) -> list:
    return [m for m in fake.dms(user) if "A gentle note" in m.text]


async def ask_at(fake: Fake, closer: Closer, user, at: datetime):
    """Move the clock to ``at``; the check-in ask ``user`` got then."""
    before = len(asks(fake, user))
    await closer.at(at)
    got = asks(fake, user)
    assert len(got) == before + 1, f"no ask for {user} at {at}"
    return got[-1]


async def tell_partner(closer: Closer) -> None:
    """Let the settle wait before the partner is told pass (and the DM budget's gap after it, for
    a gentle note due at the same time)."""
    start = closer.clock.now()
    await closer.at(start + SETTLE)
    await closer.at(start + SETTLE + DM_GAP)


async def check_in_now(fake: Fake, user, mood: int, note: str | None = None):
    card = await fake.slash(user, "checkin now")
    await fake.click(card, str(mood), user)
    if note is not None:
        form = await fake.click(card, "Add a note", user)
        await fake.submit_modal(form, {"note": note}, user)
        await fake.idle(quiet=0.3)  # the news goes right after the form is answered
    return card


async def stored(closer: Closer, people: People, user, day: date = TUESDAY) -> CheckIn | None:
    return await repo(closer).get(people.guild.id, user.id, day)


# -- the evening ask ------------------------------------------------------------------------------


async def test_each_partner_is_asked_at_eight_in_the_evening_in_their_own_zone(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice at 20:00 Berlin, Bob at 20:00 Los Angeles, each by DM with five moods and a note."""
    await closer.at(ALICE_8PM - timedelta(minutes=1))
    assert asks(fake, couple.alice) == []
    ask = await ask_at(fake, closer, couple.alice, ALICE_8PM)
    assert ask.buttons == ["1", "2", "3", "4", "5", "Add a note"]
    assert any(q in ask.text for q in load("checkin")["ask"])
    assert asks(fake, couple.bob) == []
    await ask_at(fake, closer, couple.bob, BOB_8PM)
    assert len(asks(fake, couple.alice)) == 1


async def test_a_mood_button_saves_the_check_in_and_shows_it(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Pressing 2 saves 2/5 for today and turns the ask into a thank-you with the mood."""
    ask = await ask_at(fake, closer, couple.alice, ALICE_8PM)
    await fake.click(ask, "2", couple.alice)
    assert "Checked in for today: 2/5" in ask.text
    saved = await stored(closer, couple, couple.alice)
    assert saved is not None
    assert (saved.mood, saved.note) == (2, None)


async def test_checking_in_again_the_same_day_updates_it(couple: People, fake: Fake, closer: Closer) -> None:
    """2 then 4 the same evening, then 5 after midnight: one check-in for Tuesday, now 5."""
    ask = await ask_at(fake, closer, couple.alice, ALICE_8PM)
    await fake.click(ask, "2", couple.alice)
    await fake.click(ask, "4", couple.alice)
    await closer.at(datetime(2026, 11, 24, 23, 30, tzinfo=UTC))  # 00:30 Wednesday in Berlin
    await check_in_now(fake, couple.alice, 5)
    days = await repo(closer).between(couple.guild.id, couple.alice.id, TUESDAY - DAY, TUESDAY + DAY)
    assert [(c.day, c.mood) for c in days] == [(TUESDAY, 5)]


async def test_a_note_is_saved_with_the_mood(couple: People, fake: Fake, closer: Closer) -> None:
    """Add a note opens a form with today's mood filled in; the note is kept in full."""
    ask = await ask_at(fake, closer, couple.alice, ALICE_8PM)
    await fake.click(ask, "3", couple.alice)
    form = await fake.click(ask, "Add a note", couple.alice)
    assert "3" in str(form.modal.fields)
    note = "long day, missed you " * 45 + "!"  # 946 characters
    await fake.submit_modal(form, {"note": note}, couple.alice)
    assert note.strip() in ask.text
    assert "Edit your note" in ask.buttons
    saved = await stored(closer, couple, couple.alice)
    assert saved is not None
    assert (saved.mood, saved.note) == (3, note.strip())


async def test_a_note_of_many_short_lines_is_shown_in_full(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """1,000 characters over 500 lines still fit the message (and Bob's) within Discord's limits."""
    await closer.at(BOTH_AWAKE)
    note = "\n".join(["x"] * 500)
    card = await check_in_now(fake, couple.alice, 3, note=note)
    assert note in card.text
    await tell_partner(closer)
    (told,) = news(fake, couple.bob, "alice")
    assert told.text.count("x") == 500


async def test_a_note_before_any_mood_takes_the_mood_from_the_form(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The form alone is enough: mood "good" and a note check in at 4/5."""
    ask = await ask_at(fake, closer, couple.alice, ALICE_8PM)
    form = await fake.click(ask, "Add a note", couple.alice)
    await fake.submit_modal(form, {"mood": "good", "note": "pasta night"}, couple.alice)
    saved = await stored(closer, couple, couple.alice)
    assert saved is not None
    assert (saved.mood, saved.note) == (4, "pasta night")


async def test_a_bad_mood_in_the_form_saves_nothing_and_gives_the_note_back(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Mood "7" is refused with what to type instead; the note is quoted so it isn't lost."""
    ask = await ask_at(fake, closer, couple.alice, ALICE_8PM)
    form = await fake.click(ask, "Add a note", couple.alice)
    reply = await fake.submit_modal(form, {"mood": "7", "note": "a whole paragraph"}, couple.alice)
    assert reply.ephemeral
    assert "1 (rough) to 5 (great)" in reply.text
    assert "a whole paragraph" in reply.text
    assert await stored(closer, couple, couple.alice) is None


async def test_no_ask_after_checking_in_earlier_that_day(couple: People, fake: Fake, closer: Closer) -> None:
    """Alice checked in at lunch with /checkin now: no ask at 20:00, and the ledger says why."""
    card = await check_in_now(fake, couple.alice, 4)
    assert card.ephemeral
    assert "Checked in for today: 4/5" in card.text
    await closer.at(ALICE_8PM)
    assert asks(fake, couple.alice) == []
    assert closer.bot is not None
    recent = await closer.bot.schedules.recent(couple.guild.id)
    assert any(d.label == "Evening check-in" and d.status == "skipped" for d in recent)


async def test_checkin_now_shows_todays_check_in_to_change_it(couple: People, fake: Fake) -> None:
    """After checking in, /checkin now shows the saved mood with the buttons to change it."""
    await check_in_now(fake, couple.bob, 3, note="ok")
    again = await fake.slash(couple.bob, "checkin now")
    assert "Checked in for today: 3/5" in again.text
    assert "Edit your note" in again.buttons


async def test_check_in_buttons_work_after_a_restart(couple: People, fake: Fake, closer: Closer) -> None:
    """An ask sent before a restart still takes a mood after it."""
    ask = await ask_at(fake, closer, couple.alice, ALICE_8PM)
    await closer.restart()
    await fake.click(ask, "5", couple.alice)
    saved = await stored(closer, couple, couple.alice)
    assert saved is not None
    assert saved.mood == 5


@pytest.mark.allow_violations("dm.closed")
async def test_with_dms_closed_the_ask_goes_to_the_shared_channel_and_is_recorded(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice's ask mentions her in #us; the ledger records the fallback; her mood stays private there."""
    fake.close_dms(couple.alice)
    await closer.at(ALICE_8PM)
    ask = await fake.wait_for_message(couple.channel, lambda m: "Add a note" in m.buttons)
    assert couple.alice.mention in ask.content
    assert closer.bot is not None
    recent = await closer.bot.schedules.recent(couple.guild.id)
    (delivery,) = [d for d in recent if d.label == "Evening check-in"]
    assert delivery.status == "sent"
    assert "DMs closed" in (delivery.detail or "")
    reply = await fake.click(ask, "2", couple.alice)
    assert reply.ephemeral
    assert "2/5" in reply.text
    assert "2/5" not in ask.text


@pytest.mark.allow_violations("dm.closed")
async def test_only_the_partner_asked_can_answer_an_ask(couple: People, fake: Fake, closer: Closer) -> None:
    """Bob and Carol pressing Alice's ask in #us are refused; nothing is saved."""
    fake.close_dms(couple.alice)
    await closer.at(ALICE_8PM)
    ask = await fake.wait_for_message(couple.channel, lambda m: "Add a note" in m.buttons)
    bob = await fake.click(ask, "3", couple.bob)
    assert "This check-in is for alice" in bob.text
    carol = await fake.click(ask, "3", couple.carol)
    assert "Only the two partners" in carol.text
    assert await stored(closer, couple, couple.alice) is None
    assert await stored(closer, couple, couple.bob) is None


# -- what the partner is told ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "shown", "hidden"),
    [
        ("full", ["alice checked in: 2/5", "long day, missed you"], []),
        ("mood", ["alice checked in: 2/5"], ["long day, missed you"]),
        ("nothing", [], ["alice", "2/5", "long day"]),
    ],
)
async def test_the_partner_is_told_what_the_sharing_level_allows(
    couple: People, fake: Fake, closer: Closer, level: str, shown: list[str], hidden: list[str]
) -> None:
    """Full: mood and note; mood only: no note; nothing: no message at all."""
    await closer.at(BOTH_AWAKE)
    reply = await fake.slash(couple.alice, "checkin sharing", level=level)
    assert reply.ephemeral
    await check_in_now(fake, couple.alice, 2, note="long day, missed you")
    await tell_partner(closer)
    told = " ".join(m.text for m in fake.dms(couple.bob))
    for text in shown:
        assert text in told
    for text in hidden:
        assert text not in told
    saved = await stored(closer, couple, couple.alice)
    assert saved is not None
    assert (saved.mood, saved.note) == (2, "long day, missed you")


async def test_a_mood_and_a_note_added_right_after_make_one_message(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A mood, then the note ten minutes later: nothing before the note; the note form sends the
    news at once, with both (issue 14: the note took longer than the old 2-minute wait)."""
    await closer.at(BOTH_AWAKE)
    card = await check_in_now(fake, couple.alice, 4)
    await closer.at(BOTH_AWAKE + timedelta(minutes=10))
    assert news(fake, couple.bob, "alice") == []
    form = await fake.click(card, "Add a note", couple.alice)
    await fake.submit_modal(form, {"note": "great lunch"}, couple.alice)
    await fake.wait_for_message(couple.bob, lambda m: "alice checked in" in m.text)
    (message,) = news(fake, couple.bob, "alice")
    assert "4/5" in message.text
    assert "great lunch" in message.text
    assert "bob hears how you're doing now, with your note." in card.text
    await tell_partner(closer)
    assert len(news(fake, couple.bob, "alice")) == 1


async def test_a_mood_alone_is_told_fifteen_minutes_after_the_last_change(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The person checking in is told when; each change within the wait restarts it."""
    await closer.at(BOTH_AWAKE)
    card = await check_in_now(fake, couple.alice, 3)
    assert "bob hears how you're doing in about 15 minutes, with your note if you add one." in card.text
    await closer.at(BOTH_AWAKE + timedelta(minutes=10))
    await fake.click(card, "4", couple.alice)
    await closer.at(BOTH_AWAKE + timedelta(minutes=24))
    assert news(fake, couple.bob, "alice") == []
    await closer.at(BOTH_AWAKE + timedelta(minutes=25))
    (message,) = news(fake, couple.bob, "alice")
    assert "alice checked in: 4/5" in message.text


async def test_a_later_change_sends_no_second_message(couple: People, fake: Fake, closer: Closer) -> None:
    """Once the partner heard, a changed mood or a new note that day sends nothing more (it shows in
    the chart and /couple status instead). Was test_a_later_change_is_told_as_an_update, which
    asserted "alice updated today's check-in" 8 minutes after the first message (issue 14)."""
    await closer.at(BOTH_AWAKE)
    card = await check_in_now(fake, couple.alice, 3)
    await tell_partner(closer)
    assert len(news(fake, couple.bob, "alice")) == 1
    await fake.click(card, "5", couple.alice)
    assert "bob has heard how you're doing today" in card.text
    form = await fake.click(card, "Add a note", couple.alice)
    await fake.submit_modal(form, {"note": "turned into a lovely evening"}, couple.alice)
    await tell_partner(closer)
    (message,) = news(fake, couple.bob, "alice")
    assert "3/5" in message.text
    assert all("updated" not in m.text for m in fake.dms(couple.bob))
    status = await fake.slash(couple.bob, "couple status")
    assert "alice: 5/5" in status.text


async def test_a_low_check_in_in_the_partners_night_waits_for_their_morning(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob's 20:00 check-in is 05:00 for Alice: she hears at 08:00 her time, not before."""
    ask = await ask_at(fake, closer, couple.bob, BOB_8PM)
    await fake.click(ask, "1", couple.bob)
    await closer.at(datetime(2026, 11, 25, 6, 59, tzinfo=UTC))  # 07:59 Berlin
    assert news(fake, couple.alice, "bob") == []
    await closer.at(datetime(2026, 11, 25, 7, 0, tzinfo=UTC))  # 08:00 Berlin
    (message,) = news(fake, couple.alice, "bob")
    assert "1/5" in message.text


@pytest.mark.parametrize(("language", "label"), [("gifts", "receiving gifts"), ("touch", "physical touch")])
async def test_a_low_mood_brings_an_idea_fitted_to_the_love_language(
    couple: People, fake: Fake, closer: Closer, language: str, label: str
) -> None:
    """Alice checks in at 2; Bob's message carries one of the ideas for Alice's love language."""
    await closer.at(BOTH_AWAKE)
    await fake.slash(couple.alice, "lovelanguage set", primary=language)
    await check_in_now(fake, couple.alice, 2)
    await tell_partner(closer)
    (message,) = news(fake, couple.bob, "alice")
    ideas = [idea.format(name="alice") for idea in load("empathy")["suggestions"][language]]
    assert any(idea in message.text for idea in ideas)
    assert label in message.text


async def test_a_good_mood_brings_no_idea_and_a_low_day_only_one(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """4, then 2, then 1 within the wait: one message, with the latest mood and one idea. A day
    that turns low after the partner heard brings no second message and no idea. (Rewritten for
    issue 14: it asserted an update DM per change, which the DM budget now forbids anyway.)"""
    await closer.at(BOTH_AWAKE)
    card = await check_in_now(fake, couple.alice, 4)
    await closer.at(BOTH_AWAKE + timedelta(minutes=5))
    await fake.click(card, "2", couple.alice)
    await closer.at(BOTH_AWAKE + timedelta(minutes=10))
    await fake.click(card, "1", couple.alice)
    await tell_partner(closer)
    (message,) = news(fake, couple.bob, "alice")
    assert "1/5" in message.text
    assert message.text.count("An idea for you") == 1
    bob_card = await check_in_now(fake, couple.bob, 4)
    await tell_partner(closer)
    await fake.click(bob_card, "1", couple.bob)
    await tell_partner(closer)
    (told,) = news(fake, couple.alice, "bob")
    assert "4/5" in told.text
    assert "An idea for you" not in told.text


@pytest.mark.allow_violations("dm.closed")
async def test_the_idea_never_goes_to_the_shared_channel(couple: People, fake: Fake, closer: Closer) -> None:
    """With Bob's DMs closed, #us gets the mood (mentioning him) but not the idea meant for him."""
    await closer.at(BOTH_AWAKE)
    fake.close_dms(couple.bob)
    await check_in_now(fake, couple.alice, 1)
    await tell_partner(closer)
    post = await fake.wait_for_message(couple.channel, lambda m: "alice checked in" in m.text)
    assert couple.bob.mention in post.content
    assert "idea" not in post.text


# -- gentle notes -----------------------------------------------------------------------------------


async def test_three_low_days_send_one_gentle_note_not_three(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Low on days 1 and 2: no note. Day 3: one note. Day 4, still low: no second note."""
    for day in range(4):
        ask = await ask_at(fake, closer, couple.alice, ALICE_8PM + day * DAY)
        await fake.click(ask, "2", couple.alice)
        await tell_partner(closer)
        assert len(gentle_notes(fake, couple.bob)) == (0 if day < 2 else 1)
    (note,) = gentle_notes(fake, couple.bob)
    assert "alice" in note.text
    assert gentle_notes(fake, couple.alice) == []


async def test_three_unanswered_asks_send_one_gentle_note(couple: People, fake: Fake, closer: Closer) -> None:
    """Alice leaves three asks unanswered: Bob gets one note at the fourth, not again at the fifth."""
    for day in range(5):
        await ask_at(fake, closer, couple.alice, ALICE_8PM + day * DAY)
        await tell_partner(closer)
        assert len(gentle_notes(fake, couple.bob)) == (0 if day < 3 else 1)
    (note,) = gentle_notes(fake, couple.bob)
    quiet = [text.format(name="alice") for text in load("empathy")["notes"]["quiet_streak"]]
    assert note.embed is not None
    assert note.embed["description"] in quiet


async def test_sharing_nothing_means_no_ideas_and_no_notes(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Three low days while sharing nothing: Bob learns nothing at all about them."""
    await fake.slash(couple.alice, "checkin sharing", level="nothing")
    for day in range(3):
        ask = await ask_at(fake, closer, couple.alice, ALICE_8PM + day * DAY)
        await fake.click(ask, "1", couple.alice)
        await tell_partner(closer)
    assert [m for m in fake.dms(couple.bob) if "alice" in m.text] == []


@pytest.mark.allow_violations("dm.closed")
async def test_a_gentle_note_is_never_posted_in_the_shared_channel(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob's DMs are closed: the note is recorded as not delivered instead of posted in #us."""
    fake.close_dms(couple.bob)
    for day in range(3):
        ask = await ask_at(fake, closer, couple.alice, ALICE_8PM + day * DAY)
        await fake.click(ask, "2", couple.alice)
        await tell_partner(closer)
    assert [m for m in fake.messages(couple.channel) if "gentle note" in m.text] == []
    assert closer.bot is not None
    recent = await closer.bot.schedules.recent(couple.guild.id, limit=20)
    (failed,) = [d for d in recent if d.label.startswith("A gentle note")]
    assert failed.status == "failed"
    assert "never posted in the shared channel" in (failed.detail or "")


# -- /checkin schedule and quiet hours ----------------------------------------------------------


async def test_the_ask_time_can_be_moved(couple: People, fake: Fake, closer: Closer) -> None:
    """Alice moves her ask to 21:30: nothing at 20:00, the ask at 21:30 Berlin."""
    reply = await fake.slash(couple.alice, "checkin schedule", time="21:30")
    assert reply.ephemeral
    assert "21:30" in reply.text
    await closer.at(ALICE_8PM)
    assert asks(fake, couple.alice) == []
    await ask_at(fake, closer, couple.alice, ALICE_8PM + timedelta(minutes=90))


async def test_an_ask_time_inside_quiet_hours_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    """23:30 is in Alice's quiet hours: refused, and the ask stays at 20:00."""
    reply = await fake.slash(couple.alice, "checkin schedule", time="23:30")
    assert reply.ephemeral
    assert "quiet hours" in reply.text
    await ask_at(fake, closer, couple.alice, ALICE_8PM)


async def test_a_time_that_is_not_a_time_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    """ "25:00" gets the accepted formats; the ask stays at 20:00."""
    reply = await fake.slash(couple.alice, "checkin schedule", time="25:00")
    assert reply.ephemeral
    assert "not a time" in reply.text
    await ask_at(fake, closer, couple.alice, ALICE_8PM)


async def test_daily_asks_can_be_turned_off_and_on(couple: People, fake: Fake, closer: Closer) -> None:
    """`off` stops the asks; a time turns them back on."""
    off = await fake.slash(couple.alice, "checkin schedule", time="off")
    assert "off" in off.text
    await closer.at(ALICE_8PM)
    assert asks(fake, couple.alice) == []
    await fake.slash(couple.alice, "checkin schedule", time="20:00")
    await ask_at(fake, closer, couple.alice, ALICE_8PM + DAY)


async def test_an_ask_held_by_new_quiet_hours_is_skipped_not_sent_in_the_morning(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob's quiet hours now start at 19:00: his 20:00 ask is skipped, not sent at 07:00."""
    await fake.slash(couple.bob, "couple quiet", start="19:00", end="07:00")
    await closer.at(BOB_8PM)
    await closer.at(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))  # 07:00 Los Angeles
    assert asks(fake, couple.bob) == []
    assert closer.bot is not None
    recent = await closer.bot.schedules.recent(couple.guild.id)
    assert any(d.label == "Evening check-in" and d.status == "skipped" for d in recent)


async def test_the_ask_follows_a_trip(couple: People, fake: Fake, closer: Closer) -> None:
    """While Bob is in Tokyo, he is asked at 20:00 Tokyo time."""
    await fake.slash(couple.bob, "couple travel", timezone="Tokyo", until="2026-12-01")
    await ask_at(fake, closer, couple.bob, datetime(2026, 11, 25, 11, 0, tzinfo=UTC))  # 20:00 Tokyo


# -- a restored space ---------------------------------------------------------------------------


async def test_a_restored_space_asks_again_as_it_was(couple: People, fake: Fake, closer: Closer) -> None:
    """The asks' rows are there but not armed: Alice is asked at her 21:30 again, Bob's stay off."""
    assert closer.bot is not None
    await fake.slash(couple.alice, "checkin schedule", time="21:30")
    await fake.slash(couple.bob, "checkin schedule", time="off")
    for schedule in await closer.bot.schedules.for_guild(couple.guild.id, "checkin"):
        await closer.bot.schedules.set_next(schedule.id, None, None)
    await closer.at(ALICE_8PM + timedelta(minutes=90))
    assert asks(fake, couple.alice) == []
    await space_restored(closer, couple)
    await ask_at(fake, closer, couple.alice, ALICE_8PM + DAY + timedelta(minutes=90))
    await closer.at(BOB_8PM + DAY)
    assert asks(fake, couple.bob) == []


async def test_a_restored_space_without_asks_gets_them_at_eight(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """No ask rows at all: each partner is asked at 20:00 in their own zone, as after pairing."""
    assert closer.bot is not None
    await closer.bot.scheduler.cancel_where(couple.guild.id, "checkin")
    await space_restored(closer, couple)
    await ask_at(fake, closer, couple.alice, ALICE_8PM)
    await ask_at(fake, closer, couple.bob, BOB_8PM)


# -- /couple status -------------------------------------------------------------------------------


async def test_status_shows_todays_check_ins_as_each_partner_shares_them(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice's mood shows in Bob's status; Bob's is private, even from his own status line."""
    await closer.at(BOTH_AWAKE)
    await fake.slash(couple.bob, "checkin sharing", level="nothing")
    await check_in_now(fake, couple.alice, 2, note="tired")
    await check_in_now(fake, couple.bob, 5)
    status = await fake.slash(couple.bob, "couple status")
    assert "alice: 2/5 😕 Low · 📝 with a note" in status.text
    assert "tired" not in status.text
    assert "bob: 🔒 keeps check-ins private" in status.text
    assert "5/5" not in status.text


# -- who may use it -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["checkin now", "checkin sharing", "mood history"])
async def test_only_partners_can_check_in(couple: People, fake: Fake, command: str) -> None:
    """Carol, a member of the server, is refused."""
    options = {"level": "full"} if command == "checkin sharing" else {}
    reply = await fake.slash(couple.carol, command, **options)
    assert reply.ephemeral
    assert "Only the two partners" in reply.text


async def test_check_in_commands_need_the_shared_server(couple: People, fake: Fake) -> None:
    """In a DM, the command says where to use it."""
    reply = await fake.slash(couple.alice, "checkin now", dm=True)
    assert "not in DMs" in reply.text


async def test_check_in_before_pairing_says_how_to_pair(closer: Closer, fake: Fake, people: People) -> None:
    """Before /couple setup there is no one to check in with."""
    reply = await fake.slash(people.alice, "checkin now")
    assert reply.ephemeral
    assert "/couple setup" in reply.text
