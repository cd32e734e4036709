"""/call: weekly and one-off video calls, reminders across both partners' DST changes, RSVP and
moving one call, skipping, the call-time card, the post-call prompt, and who may use it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.db.models import Couple
from bot.registry import Contribution, Place
from emulator import Fake
from emulator.results import Msg
from tests.support import Closer, People, restored_schedules

# Monday 1 March 2027, 12:00 UTC: 13:00 in Berlin, 04:00 in Los Angeles. The US moves its clocks
# on 14 March 2027, the EU on 28 March 2027.
MARCH = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def stamp(instant: datetime, style: str = "F") -> str:
    return f"<t:{int(instant.timestamp())}:{style}>"


def titled(fake: Fake, people: People, prefix: str) -> list[Msg]:
    return [
        m
        for m in fake.messages(people.channel)
        if m.embed and (m.embed.get("title") or "").startswith(prefix)
    ]


def reminders(fake: Fake, people: People) -> list[Msg]:
    return titled(fake, people, "📞 Video call in")


def cards(fake: Fake, people: People) -> list[Msg]:
    return titled(fake, people, "It's call time")


def heads_ups(fake: Fake, people: People) -> list[Msg]:
    return titled(fake, people, "🕰️ Clock change ahead")


def prompts(fake: Fake, people: People) -> list[Msg]:
    return [m for m in fake.messages(people.channel) if "Log a memory from tonight?" in m.content]


async def at(closer: Closer, instant: datetime) -> None:
    """Move the clock and handle what is due, including posts planned while doing so."""
    await closer.at(instant)
    await closer.run_due()


async def schedule(fake: Fake, user, weekday: str = "Friday", time: str = "20:00", **options):
    reply = await fake.slash(user, "call schedule", weekday=weekday, time=time, **options)
    await fake.idle()  # the partner is told in the channel after the reply
    return reply


async def stored(closer: Closer, people: People) -> Couple:
    assert closer.bot is not None
    couple = await closer.bot.couples.get(people.guild.id)
    assert couple is not None
    return couple


@pytest.fixture
async def march(couple: People, closer: Closer) -> People:
    """The couple, on Monday 1 March 2027."""
    closer.clock.set(MARCH)
    return couple


@pytest.fixture
def memory_book(closer: Closer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The memory book counts as loaded (it is another feature; it may not be built yet)."""
    assert closer.bot is not None
    cog = type(closer.bot.get_cog("CallCog"))
    monkeypatch.setattr(cog, "memory_book_loaded", lambda self: True)
    monkeypatch.setattr(cog, "memory_book_planned", lambda self: True)


# -- scheduling --------------------------------------------------------------------------------------


async def test_a_weekly_call_shows_both_local_times_and_tells_the_partner(
    march: People, fake: Fake, closer: Closer
) -> None:
    """The setter sees the first call in both zones; the partner is told in the shared channel."""
    reply = await schedule(fake, march.alice)
    assert reply.ephemeral
    assert "Fridays at 20:00" in reply.text
    assert stamp(utc(2027, 3, 5, 19)) in reply.text
    assert "alice**: Fri 20:00" in reply.text
    assert "bob**: Fri 11:00" in reply.text
    # (Changed with issue 14: one reminder an hour before by default, no longer also 10 minutes before.)
    assert "Reminders: 1 hour before." in reply.text
    told = fake.messages(march.channel)[-1]
    assert march.bob.mention in told.content
    assert "Fri 11:00 for you" in told.content


async def test_a_call_inside_quiet_hours_is_kept_with_a_better_time_suggested(
    march: People, fake: Fake, closer: Closer
) -> None:
    """08:00 Berlin is 23:00 in Los Angeles: a warning offers 17:00 Berlin (08:00 for Bob)."""
    reply = await schedule(fake, march.alice, time="08:00")
    assert "inside bob's quiet hours" in reply.text
    assert "**Fri 17:00** your time (Fri 08:00 for bob)" in reply.text
    listing = await fake.slash(march.alice, "call list")
    assert "Fridays at 08:00" in listing.text


async def test_a_one_off_call_is_read_in_your_own_zone(march: People, fake: Fake, closer: Closer) -> None:
    """Bob's "tomorrow 18:00" is 18:00 Los Angeles time; reminders follow the chosen offsets, and
    one that would land in Alice's night comes when both were last awake.

    (Changed with issue 14: the reminder used to come at 02:30 in Berlin, while Alice slept.)"""
    reply = await fake.slash(march.bob, "call plan", when="tomorrow 18:00", reminders="30")
    assert stamp(utc(2027, 3, 3, 2)) in reply.text
    assert "alice**: Wed 03:00" in reply.text
    assert "30 minutes before" in reply.text
    # 17:30 in Los Angeles is 02:30 in Berlin: the reminder comes at 22:30 Berlin (13:30 Los Angeles).
    await at(closer, utc(2027, 3, 2, 21, 29))
    assert reminders(fake, march) == []
    await at(closer, utc(2027, 3, 2, 21, 30))
    (early,) = reminders(fake, march)
    assert early.embed is not None
    assert early.embed["title"] == "📞 Video call in 4 hours 30 minutes"
    await at(closer, utc(2027, 3, 3, 1, 30))
    assert len(reminders(fake, march)) == 1
    await at(closer, utc(2027, 3, 3, 2))
    assert len(cards(fake, march)) == 1


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        ("someday 20:00", "has a day I don't know"),
        ("tomorrow", "needs a day and a time"),
        ("2027-02-30 20:00", "is not a real date"),
        ("tomorrow 25:00", "has a time I don't understand"),
        ("2027-02-01 20:00", "is already past"),
        ("2029-01-01 20:00", "more than a year ahead"),
    ],
)
async def test_a_malformed_when_is_refused_and_nothing_is_planned(
    march: People, fake: Fake, closer: Closer, when: str, reason: str
) -> None:
    """Every bad `when` gets a clear ephemeral error with examples; no call is stored."""
    reply = await fake.slash(march.alice, "call plan", when=when)
    assert reply.ephemeral
    assert reason in reply.text
    assert "tomorrow 20:00" in reply.text
    assert closer.bot is not None
    assert await closer.bot.get_cog("CallCog").repo.active(march.guild.id) == []  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abc", "isn't a number of minutes"),
        ("60,,10", "isn't a number of minutes"),
        ("0,10", "out of range"),
        ("10081", "out of range"),
        ("1,2,3,4,5,6", "5 at most"),
    ],
)
async def test_malformed_reminders_are_refused_and_nothing_is_planned(
    march: People, fake: Fake, closer: Closer, typed: str, reason: str
) -> None:
    """Bad `reminders` on either command gets the format to use; no call is stored."""
    for reply in (
        await schedule(fake, march.alice, reminders=typed),
        await fake.slash(march.alice, "call plan", when="tomorrow 20:00", reminders=typed),
    ):
        assert reply.ephemeral
        assert reason in reply.text
        assert "`60,10`" in reply.text
    assert closer.bot is not None
    assert await closer.bot.get_cog("CallCog").repo.active(march.guild.id) == []  # type: ignore[union-attr]


async def test_reminders_can_be_turned_off(march: People, fake: Fake, closer: Closer) -> None:
    """`none` sets the call without reminders; the call-time card still comes."""
    reply = await schedule(fake, march.alice, reminders="none")
    assert "Reminders: no reminders." in reply.text
    await at(closer, utc(2027, 3, 5, 19))
    assert reminders(fake, march) == []
    assert len(cards(fake, march)) == 1


# -- reminders across both partners' DST changes ----------------------------------------------------------


async def walk(closer: Closer, fake: Fake, people: People, starts: list[datetime]) -> None:
    """Check each reminder (60 and 10 minutes before) and card lands exactly at its instant."""
    for index, start in enumerate(starts):
        for instant, posts in (
            (start - timedelta(minutes=60), reminders),
            (start - timedelta(minutes=10), reminders),
            (start, cards),
        ):
            before = len(posts(fake, people))
            await at(closer, instant - timedelta(seconds=1))
            assert len(posts(fake, people)) == before, f"early post before {instant}"
            await at(closer, instant)
            assert len(posts(fake, people)) == before + 1, f"no post at {instant}"
            assert stamp(start, "F" if posts is reminders else "R") in posts(fake, people)[-1].text
        if index == 2:
            await closer.restart()  # nothing is posted twice after a restart


async def test_a_berlin_call_reminds_at_the_right_instants_and_warns_bob_of_each_change_once(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Fridays 20:00 Berlin: exact reminders through March; Bob hears of 11:00->12:00->11:00 once each."""
    await schedule(fake, march.alice, reminders="60,10")
    starts = [
        utc(2027, 3, 5, 19),
        utc(2027, 3, 12, 19),
        utc(2027, 3, 19, 19),
        utc(2027, 3, 26, 19),
        utc(2027, 4, 2, 18),
    ]
    await walk(closer, fake, march, starts)
    told = heads_ups(fake, march)
    assert len(told) == 2
    spring_us, spring_eu = told
    assert "America/Los_Angeles" in spring_us.text
    assert "**bob**: **Fri 12:00** (was Fri 11:00)" in spring_us.text
    assert "**alice**: Fri 20:00 (no change)" in spring_us.text
    assert stamp(utc(2027, 3, 19, 19)) in spring_us.text
    assert "**bob**: **Fri 11:00** (was Fri 12:00)" in spring_eu.text
    assert stamp(utc(2027, 4, 2, 18)) in spring_eu.text
    assert march.alice.mention in spring_us.content
    assert march.bob.mention in spring_us.content


async def test_a_los_angeles_call_moves_for_alice_twice_and_she_is_told_in_advance(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Sundays 10:00 Los Angeles: 19:00, then 18:00, then 19:00 again for Alice, each announced before."""
    await schedule(fake, march.bob, weekday="Sunday", time="10:00", reminders="60,10")
    starts = [
        utc(2027, 3, 7, 18),
        utc(2027, 3, 14, 17),
        utc(2027, 3, 21, 17),
        utc(2027, 3, 28, 17),
        utc(2027, 4, 4, 17),
    ]
    await walk(closer, fake, march, starts)
    told = heads_ups(fake, march)
    assert [m.text.count("(was") for m in told] == [1, 1]
    assert "**alice**: **Sun 18:00** (was Sun 19:00)" in told[0].text
    assert "**alice**: **Sun 19:00** (was Sun 18:00)" in told[1].text
    assert closer.bot is not None
    repo = closer.bot.schedules
    notices = [
        d for s in await repo.for_guild(march.guild.id, "call_notice") for d in await repo.deliveries(s.id)
    ]
    assert [d.status for d in notices] == ["sent", "sent"]
    assert notices[0].attempted_at < utc(2027, 3, 14, 10)  # before the US change
    assert notices[1].attempted_at < utc(2027, 3, 28, 1)  # before the EU change


async def test_a_reminder_shows_the_call_in_each_partners_time_with_rsvp_buttons(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Both are mentioned; the call is a Discord timestamp and a countdown; both local times listed."""
    await schedule(fake, march.alice)
    await at(closer, utc(2027, 3, 5, 18))
    reminder = reminders(fake, march)[-1]
    assert march.alice.mention in reminder.content
    assert march.bob.mention in reminder.content
    assert reminder.embed is not None
    assert reminder.embed["title"] == "📞 Video call in 1 hour"
    assert stamp(utc(2027, 3, 5, 19)) in reminder.text
    assert stamp(utc(2027, 3, 5, 19), "R") in reminder.text
    assert "**bob**: Fri 11:00 (America/Los_Angeles)" in reminder.text
    assert reminder.buttons == ["I'll be there", "Need to move it"]


# -- RSVP and moving one occurrence ------------------------------------------------------------------


async def test_ill_be_there_is_shown_on_the_reminder(march: People, fake: Fake, closer: Closer) -> None:
    """Each partner's answer appears on the reminder; pressing again changes nothing else."""
    await schedule(fake, march.alice)
    await at(closer, utc(2027, 3, 5, 18))
    reminder = reminders(fake, march)[-1]
    await fake.click(reminder, "I'll be there", march.bob)
    assert "✅ bob will be there" in reminder.text
    assert "⏳ alice hasn't answered" in reminder.text
    await fake.click(reminder, "I'll be there", march.alice)
    assert "✅ alice will be there" in reminder.text


async def test_moving_a_call_needs_the_partner_and_moves_that_occurrence_only(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Need to move it -> a modal -> Bob accepts: reminders and card follow the new time; next week stays."""
    await schedule(fake, march.alice)
    await at(closer, utc(2027, 3, 4, 19))  # 1 day before: nothing yet
    await at(closer, utc(2027, 3, 5, 18))
    reminder = reminders(fake, march)[-1]
    form = await fake.click(reminder, "Need to move it", march.alice)
    assert form.modal is not None
    sent = await fake.submit_modal(
        form,
        {"New time (your time zone)": "saturday 19:00", "note": "Work dinner tonight, sorry!"},
        march.alice,
    )
    assert sent.ephemeral
    assert "Asked bob" in sent.text
    proposal = fake.messages(march.channel)[-1]
    assert march.bob.mention in proposal.content
    assert stamp(utc(2027, 3, 6, 18)) in proposal.text
    assert "Work dinner tonight, sorry!" in proposal.text
    await fake.idle()
    assert "🔁 alice needs to move it" in reminder.text

    refused = await fake.click(proposal, "Accept", march.alice)
    assert "up to bob" in refused.text
    await fake.click(proposal, "Accept", march.bob)
    assert "bob accepted" in proposal.text
    assert proposal.buttons == []

    await at(closer, utc(2027, 3, 5, 19))  # the old time: no card
    assert cards(fake, march) == []
    await at(closer, utc(2027, 3, 6, 17, 50))
    assert stamp(utc(2027, 3, 6, 18)) in reminders(fake, march)[-1].text
    await at(closer, utc(2027, 3, 6, 18))
    assert len(cards(fake, march)) == 1
    await at(closer, utc(2027, 3, 12, 19))
    assert len(cards(fake, march)) == 2
    nxt = await fake.slash(march.bob, "call next")
    assert stamp(utc(2027, 3, 19, 19)) in nxt.text


async def test_declining_a_move_keeps_the_call_where_it_was(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Decline leaves the time as it is and closes the proposal."""
    await schedule(fake, march.alice)
    await at(closer, utc(2027, 3, 5, 18))
    form = await fake.click(reminders(fake, march)[-1], "Need to move it", march.bob)
    await fake.submit_modal(form, {"New time (your time zone)": "tomorrow 12:00"}, march.bob)
    proposal = fake.messages(march.channel)[-1]
    await fake.click(proposal, "Decline", march.alice)
    assert "alice declined" in proposal.text
    assert stamp(utc(2027, 3, 5, 19)) in proposal.text
    await at(closer, utc(2027, 3, 5, 19))
    assert len(cards(fake, march)) == 1


async def test_a_move_to_an_impossible_time_is_refused_in_the_modal(
    march: People, fake: Fake, closer: Closer
) -> None:
    """A bad time in the modal gets the same clear error; no proposal is posted."""
    await schedule(fake, march.alice)
    await at(closer, utc(2027, 3, 5, 18))
    before = len(fake.messages(march.channel))
    form = await fake.click(reminders(fake, march)[-1], "Need to move it", march.bob)
    reply = await fake.submit_modal(form, {"New time (your time zone)": "whenever"}, march.bob)
    assert reply.ephemeral
    assert "tomorrow 20:00" in reply.text
    assert len(fake.messages(march.channel)) == before


# -- skip, next, list, cancel ------------------------------------------------------------------------


async def test_skip_drops_only_the_next_call(march: People, fake: Fake, closer: Closer) -> None:
    """No reminders or card that week; the week after is as usual; the partner is told."""
    await schedule(fake, march.alice)
    reply = await fake.slash(march.bob, "call skip")
    await fake.idle()
    assert stamp(utc(2027, 3, 5, 19)) in reply.text
    assert stamp(utc(2027, 3, 12, 19)) in reply.text
    assert march.alice.mention in fake.messages(march.channel)[-1].content
    await at(closer, utc(2027, 3, 5, 19, 30))
    assert reminders(fake, march) == []
    assert cards(fake, march) == []
    await at(closer, utc(2027, 3, 12, 18))
    assert len(reminders(fake, march)) == 1
    listing = await fake.slash(march.alice, "call list")
    assert stamp(utc(2027, 3, 12, 19)) in listing.text


async def test_a_one_off_cannot_be_skipped_only_cancelled(march: People, fake: Fake, closer: Closer) -> None:
    """Skipping a one-off points to /call cancel."""
    await fake.slash(march.alice, "call plan", when="tomorrow 20:00")
    reply = await fake.slash(march.alice, "call skip")
    assert "/call cancel 1" in reply.text


async def test_call_next_shows_both_local_times_and_how_long(
    march: People, fake: Fake, closer: Closer
) -> None:
    """The soonest call, each partner's local time, and the time left in words."""
    await schedule(fake, march.alice)
    await fake.slash(march.alice, "call plan", when="wednesday 19:30")
    reply = await fake.slash(march.bob, "call next")
    assert stamp(utc(2027, 3, 3, 18, 30)) in reply.text
    assert "in 2 days 6 hours" in reply.text
    assert "**alice**: Wed 19:30" in reply.text
    assert "**bob**: Wed 10:30" in reply.text
    assert "One-off call" in reply.text


async def test_no_call_yet_explains_how_to_plan_one(march: People, fake: Fake, closer: Closer) -> None:
    """/call next and /call list without calls say what to do."""
    nxt = await fake.slash(march.alice, "call next")
    assert "/call schedule" in nxt.text
    listing = await fake.slash(march.alice, "call list")
    assert "No calls planned" in listing.text


async def test_cancel_asks_first_then_stops_the_reminders(march: People, fake: Fake, closer: Closer) -> None:
    """Cancel shows a confirmation; once confirmed no reminder or card comes."""
    await schedule(fake, march.alice)
    choices = await fake.autocomplete(march.bob, "call cancel", "id", "fri")
    assert [c.value for c in choices] == [1]
    ask = await fake.slash(march.bob, "call cancel", id=1)
    assert ask.buttons == ["Cancel the call", "Cancel"]
    await fake.click(ask, "Cancel the call", march.bob)
    assert "Cancelled #1 weekly call" in ask.text
    await at(closer, utc(2027, 3, 5, 20))
    assert reminders(fake, march) == []
    assert cards(fake, march) == []
    again = await fake.slash(march.bob, "call cancel", id=1)
    assert "no call #1" in again.text


# -- the call-time card and the post-call prompt -------------------------------------------------------


async def test_call_time_brings_talking_points_and_a_shared_activity(
    march: People, fake: Fake, closer: Closer
) -> None:
    """The card shows the question feature's lines as given, and an activity idea from data/."""
    assert closer.bot is not None

    async def questions(couple: Couple, now: datetime) -> list[tuple[str, str]]:
        return [("A question you skipped", "What would you do with a free week together?")]

    closer.bot.registry.add("test", Contribution(sections=((Place.TALKING_POINTS, questions),)))
    await fake.slash(march.alice, "call plan", when="tomorrow 20:00")
    await at(closer, utc(2027, 3, 2, 19))
    card = cards(fake, march)[-1]
    assert march.alice.mention in card.content
    assert march.bob.mention in card.content
    assert "What would you do with a free week together?" in card.text
    assert "A shared idea:" in card.text


def field(message: Msg, name: str) -> str:
    return next((f["value"] for e in message.embeds for f in e.get("fields", []) if f["name"] == name), "")


async def test_the_card_never_offers_a_question_the_couple_already_revealed(
    march: People, fake: Fake, closer: Closer
) -> None:
    """With the questions feature: a question both answered is followed up on, never offered again."""
    assert closer.bot is not None
    if "cogs.questions" not in closer.bot.extensions:
        pytest.skip("the questions feature is not part of this build")
    await fake.slash(march.alice, "question now")
    await fake.idle()
    post = next(m for m in reversed(fake.messages(march.channel)) if "Answer" in m.buttons)
    assert post.embed is not None
    revealed = post.embed["description"].strip("*~")
    for user, text in ((march.alice, "Alice's answer."), (march.bob, "Bob's answer.")):
        form = await fake.click(post, "Answer", user)
        await fake.submit_modal(form, {"Your answer": text}, user)
        await fake.idle()
    await schedule(fake, march.alice)
    for start in (utc(2027, 3, 5, 19), utc(2027, 3, 12, 19)):
        await at(closer, start)
        card = cards(fake, march)[-1]
        offered = field(card, "Questions to talk about")
        assert offered
        assert revealed not in offered
        assert "Alice's answer." in field(card, "Follow up on your latest answers")


async def test_the_card_works_without_any_talking_points_and_varies_the_activity(
    march: People, fake: Fake, closer: Closer
) -> None:
    """With no sections the card still comes, and two nights in a row get different ideas."""
    assert closer.bot is not None
    closer.bot.registry._sections[Place.TALKING_POINTS] = []  # no other feature's lines
    await schedule(fake, march.alice)
    await at(closer, utc(2027, 3, 5, 19))
    await at(closer, utc(2027, 3, 12, 19))
    ideas = [c.embed["fields"][0]["name"] for c in cards(fake, march) if c.embed]
    assert len(ideas) == 2
    assert ideas[0] != ideas[1]


async def test_long_talking_points_are_shown_in_full(march: People, fake: Fake, closer: Closer) -> None:
    """A long revealed answer is split across fields, never cut."""
    assert closer.bot is not None
    answer = " ".join(f"word{i}" for i in range(900))

    async def long_answer(couple: Couple, now: datetime) -> list[tuple[str, str]]:
        return [("Follow up on", answer)]

    closer.bot.registry.add("test", Contribution(sections=((Place.TALKING_POINTS, long_answer),)))
    await fake.slash(march.alice, "call plan", when="tomorrow 20:00")
    await at(closer, utc(2027, 3, 2, 19))
    posted = "\n".join(m.text for m in cards(fake, march) + titled(fake, march, "Talking points"))
    assert set(re.findall(r"word\d+", posted)) == {f"word{i}" for i in range(900)}


async def test_an_hour_after_the_call_a_memory_prompt_offers_the_memory_book(
    march: People, fake: Fake, closer: Closer, memory_book: None
) -> None:
    """ "Log a memory from tonight?" comes an hour after the start with the memory book's button."""
    await fake.slash(march.alice, "call plan", when="tomorrow 20:00")
    await at(closer, utc(2027, 3, 2, 19, 59, 59))
    assert prompts(fake, march) == []
    await at(closer, utc(2027, 3, 2, 20))
    [prompt] = prompts(fake, march)
    assert march.bob.mention in prompt.content
    custom_ids = [c.get("custom_id") for row in prompt.components for c in row.get("components", [])]
    assert custom_ids == ["closer:memory:new"]
    assert closer.bot is not None
    if "cogs.memories" in closer.bot.extensions:  # the memory book itself answers the button
        form = await fake.click(prompt, "closer:memory:new", march.bob)
        assert form.modal is not None


async def test_without_the_memory_book_there_is_no_prompt(
    march: People, fake: Fake, closer: Closer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No memory book loaded: nothing is posted after the call."""
    assert closer.bot is not None
    monkeypatch.setattr(type(closer.bot.get_cog("CallCog")), "memory_book_loaded", lambda self: False)
    await fake.slash(march.alice, "call plan", when="tomorrow 20:00")
    await at(closer, utc(2027, 3, 2, 19))
    await at(closer, utc(2027, 3, 2, 20, 30))
    assert len(cards(fake, march)) == 1
    assert prompts(fake, march) == []


# -- trips, status, who may use it -----------------------------------------------------------------


async def test_a_trip_that_moves_the_call_is_told_to_both_once(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Bob flies to Tokyo: both hear his new local time for the call, once, and again when he returns."""
    await schedule(fake, march.alice, time="12:00")
    await fake.slash(march.bob, "couple travel", timezone="Tokyo", until="2027-03-10")
    await closer.run_due()
    await fake.slash(march.bob, "couple quiet", start="23:30", end="07:00")  # another zones_changed
    await closer.run_due()
    trip = titled(fake, march, "✈️ A trip moves your call")
    assert len(trip) == 1
    assert "**bob**: **Fri 20:00** (at home: Fri 03:00)" in trip[0].text
    assert march.alice.mention in trip[0].content
    await at(closer, utc(2027, 3, 5, 11))
    home = titled(fake, march, "✈️ Back home soon")
    assert len(home) == 1
    assert "**bob**: **Fri 03:00** (was Fri 20:00)" in home[0].text


async def test_status_shows_the_next_call_in_both_times(march: People, fake: Fake, closer: Closer) -> None:
    """/couple status lists the next call with each partner's local time."""
    await schedule(fake, march.alice)
    reply = await fake.slash(march.bob, "couple status")
    assert "Next video call" in reply.text
    assert "alice Fri 20:00 · bob Fri 11:00" in reply.text


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("call schedule", {"weekday": "Friday", "time": "20:00"}),
        ("call plan", {"when": "tomorrow 20:00"}),
        ("call next", {}),
        ("call list", {}),
        ("call skip", {}),
        ("call cancel", {"id": 1}),
        ("call room", {}),
    ],
)
async def test_call_commands_refuse_outsiders_dms_and_unpaired_servers(
    couple: People, fake: Fake, closer: Closer, command: str, options: dict
) -> None:
    """Only the partners, in their server: others, DMs and a server before pairing get an explanation."""
    outsider = await fake.slash(couple.carol, command, options=options)
    assert outsider.ephemeral
    assert "Only the two partners" in outsider.text
    in_dm = await fake.slash(couple.alice, command, dm=True, options=options)
    assert "not in DMs" in in_dm.text
    other = fake.create_guild("Elsewhere", members=[couple.alice], text_channels=["general"])
    await fake.sync()
    unpaired = await fake.slash(couple.alice, command, guild=other, options=options)
    assert "/couple setup" in unpaired.text
    assert closer.bot is not None
    assert await closer.bot.get_cog("CallCog").repo.active(couple.guild.id) == []  # type: ignore[union-attr]


async def test_reminder_buttons_refuse_anyone_but_the_partners(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Carol can't answer or move the couple's call."""
    await schedule(fake, march.alice)
    await at(closer, utc(2027, 3, 5, 18))
    reminder = reminders(fake, march)[-1]
    for label in ("I'll be there", "Need to move it"):
        reply = await fake.click(reminder, label, march.carol)
        assert reply.ephemeral
        assert "Only the two partners" in reply.text
    assert "hasn't answered" in reminder.text


async def test_an_import_rearms_the_weekly_call_and_its_posts(
    march: People, fake: Fake, closer: Closer
) -> None:
    """After an import restored the space (no schedules yet), the calls feature re-arms the weekly
    call, its reminders and its heads-ups from its rows, and the reminders come."""
    await schedule(fake, march.alice)
    kinds = ("call", "call_reminder", "call_after", "call_notice")
    before, after = await restored_schedules(closer, march, kinds)
    assert any(key.endswith(":weekly") for key, _ in before)
    assert after == before
    await at(closer, utc(2027, 3, 5, 18))
    assert len(reminders(fake, march)) == 1
