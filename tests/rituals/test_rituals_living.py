"""Rituals a couple lives with for months (issue 14): prompts and notes that don't repeat soon,
notes that respect the other's night, shared posts inside shared awake hours, a calm Sunday."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.models import Couple
from bot.registry import Contribution, Place
from cogs.rituals import embeds
from emulator import Fake
from tests.support import Closer, People

BERLIN, LOS_ANGELES = ZoneInfo("Europe/Berlin"), ZoneInfo("America/Los_Angeles")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def add(fake: Fake, user, **options):
    return await fake.slash(user, "ritual add", **options)


async def first_prompt(fake: Fake, closer: Closer, people: People, instant: datetime) -> str:
    """The first step's prompt of the session that opens at ``instant`` (its newest thread)."""
    await closer.at(instant)
    thread = fake.threads(people.channel)[-1]
    step = await fake.wait_for_message(thread, lambda m: "Step 1 of 5" in m.text)
    assert step.embed is not None
    return str(step.embed["description"])


# -- the weekly session --------------------------------------------------------------------------


async def test_each_week_the_session_asks_other_prompts(couple: People, fake: Fake, closer: Closer) -> None:
    """Two Tuesdays in a row: the first step asks something else; its form shows the same prompt
    as the post; the thread starts with what other features give the weekly session."""

    async def week(couple_: Couple, now: datetime) -> list[tuple[str, str]]:
        return [("Your week together", "alice: 4 check-ins · bob: 5 check-ins")]

    assert closer.bot is not None
    closer.bot.registry.add("test", Contribution(sections=((Place.WEEKLY_SESSION, week),)))
    await add(fake, couple.alice, template="weekly_checkin", time="20:00", day="tuesday")
    first = await first_prompt(fake, closer, couple, utc(2026, 11, 24, 19))
    thread = fake.threads(couple.channel)[-1]
    opening = fake.messages(thread)[0]
    assert "alice: 4 check-ins" in opening.text
    step = await fake.wait_for_message(thread, lambda m: "Step 1 of 5" in m.text)
    form = await fake.click(step, "Answer", couple.bob)
    assert form.modal is not None
    assert first[:60] in str(form.modal.fields)
    second = await first_prompt(fake, closer, couple, utc(2026, 12, 1, 19))
    assert first != second
    assert len(fake.threads(couple.channel)) == 2


def test_a_weekly_session_meets_no_prompt_twice_in_two_months() -> None:
    """Twelve weekly sessions in a row: every step's twelve prompts are all different."""
    sundays = [date(2026, 11, 29) + timedelta(weeks=n) for n in range(12)]
    for step in range(5):
        asked = [embeds.session_steps(day)[step]["prompt"] for day in sundays]
        assert len(set(asked)) == 12, step


# -- goodnight -----------------------------------------------------------------------------------


def test_goodnight_words_and_notes_do_not_repeat_soon() -> None:
    """A month of reminders all differ; a note comes back only after every other was offered;
    the two partners don't read the same reminder the same night."""
    nights = [date(2026, 11, 24) + timedelta(days=n) for n in range(36)]
    reminders = [embeds.goodnight_reminder("bob", None, night, 1) for night in nights]
    assert len(set(reminders[:30])) == 30
    assert all("bob" in text and "{" not in text for text in reminders)
    offered = [i for night in nights[:8] for i in embeds.note_choices(night, 1)]
    assert len(offered) == len(set(offered)) == 24
    for night in nights:
        assert embeds.goodnight_reminder("x", None, night, 1) != embeds.goodnight_reminder(
            "x", None, night, 2
        )
        assert set(embeds.note_choices(night, 1)).isdisjoint(embeds.note_choices(night, 2))


async def test_the_reminder_changes_from_night_to_night(couple: People, fake: Fake, closer: Closer) -> None:
    """Two nights: other words, other ready-made notes (and a note pressed still works)."""
    await add(fake, couple.bob, template="goodnight", time="22:30")
    await closer.at(utc(2026, 11, 24, 19))  # Alice's evening check-in
    await closer.at(utc(2026, 11, 24, 21, 30))  # 22:30 Berlin
    await closer.at(utc(2026, 11, 25, 19))
    await closer.at(utc(2026, 11, 25, 21, 30))
    first, second = [m for m in fake.dms(couple.alice) if "Write a goodnight note" in m.buttons]
    assert first.content != second.content
    assert set(first.buttons[1:]).isdisjoint(second.buttons[1:])
    sent = await fake.click(second, second.buttons[2], couple.alice)
    assert "Sent to bob" in sent.text
    note = await fake.wait_for_message(couple.bob, lambda m: "Goodnight from alice" in m.text)
    assert second.buttons[2] in note.text


async def test_one_goodnight_ritual_serves_both(couple: People, fake: Fake, closer: Closer) -> None:
    """A second goodnight ritual would bring each partner two reminders a night: refused, saying
    which one there is and how to change its time."""
    first = await add(fake, couple.bob, template="goodnight")
    assert "every day at 22:30, each in your own time" in first.text
    second = await add(fake, couple.alice, template="goodnight", time="22:00")
    assert second.ephemeral
    assert "You have a goodnight ritual already" in second.text
    assert "/ritual remove" in second.text


async def test_a_goodnight_note_waits_for_the_other_to_wake(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice's note at 22:30 Berlin while Bob is awake arrives at once; Bob's at 23:10 Los Angeles
    (08:10 Berlin, awake) too; a note while the other sleeps waits, and the sender is told when."""
    await add(fake, couple.bob, template="goodnight", time="22:30")
    await closer.at(utc(2026, 11, 24, 23))  # 00:00 Berlin, 15:00 Los Angeles
    await closer.at(utc(2026, 11, 25, 0, 30))
    await closer.at(utc(2026, 11, 25, 4))  # Bob's check-in ask
    await closer.at(utc(2026, 11, 25, 6, 30))  # 22:30 Los Angeles = 07:30 Berlin: Alice sleeps
    reminder = [m for m in fake.dms(couple.bob) if "Write a goodnight note" in m.buttons][-1]
    reply = await fake.click(reminder, reminder.buttons[1], couple.bob)
    assert "It reaches alice at 08:00 their time (after their quiet hours)" in reply.all_text
    assert [m for m in fake.dms(couple.alice) if "Goodnight from bob" in m.text] == []
    await closer.at(utc(2026, 11, 25, 7))
    assert len([m for m in fake.dms(couple.alice) if "Goodnight from bob" in m.text]) == 1


# -- shared posts inside shared awake hours ---------------------------------------------------------


async def test_a_session_added_without_a_time_lands_when_both_are_awake(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob adds the weekly session without a time: not 19:00 his time (04:00 for Alice), but 13:00
    (22:00 for her), and the reply says both times."""
    reply = await add(fake, couple.bob, template="weekly_checkin")
    assert "on Sunday at 13:00 (America/Los_Angeles)" in reply.text
    assert "Sun 13:00 for you, Sun 22:00 for alice" in reply.text
    assert "Closer picked that time" in reply.text
    gratitude = await add(fake, couple.alice, template="gratitude")
    assert "on Wednesday at 20:00 (Europe/Berlin)" in gratitude.text


async def test_a_custom_ritual_posts_its_own_words(couple: People, fake: Fake, closer: Closer) -> None:
    """Not "⏰ Ritual #1 / It's time for your ritual": the couple's own message."""
    await add(fake, couple.alice, template="custom", time="14:00", message="Send a selfie!")
    await closer.at(utc(2026, 11, 24, 13))
    post = await fake.wait_for_message(couple.channel, lambda m: "Send a selfie!" in m.text)
    assert post.embed is not None
    assert post.embed["title"] == "💞 Send a selfie!"
    assert "Ritual #" not in post.text


async def test_a_default_sunday_evening_brings_at_most_six_posts(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A couple with the weekly session and gratitude (as offered), a Sunday call at 20:00 Berlin
    (as offered) and a memory for that Sunday: no local evening (17:00 to midnight) of either
    partner gets more than six posts in the shared channel (a thread counts as its one post)."""
    assert closer.bot is not None
    await add(fake, couple.alice, template="weekly_checkin")
    await add(fake, couple.alice, template="gratitude")
    await fake.slash(couple.alice, "call schedule", weekday="Sunday", time="20:00")
    await fake.slash(couple.alice, "memory add", title="A year of us", date="2025-11-29")
    await fake.idle()
    seen = {m.id for m in fake.messages(couple.channel)}
    evenings: Counter[tuple[str, date]] = Counter()
    now = utc(2026, 11, 27, 12)
    end = utc(2026, 12, 1, 12)
    while now < end:
        now += timedelta(minutes=10)
        await closer.at(now)
        for message in fake.messages(couple.channel):
            if message.id in seen:
                continue
            seen.add(message.id)
            for name, zone in (("alice", BERLIN), ("bob", LOS_ANGELES)):
                local = now.astimezone(zone)
                if local.hour >= 17:
                    evenings[(name, local.date())] += 1
    assert evenings, "nothing was posted in the evenings"
    assert max(evenings.values()) <= 6, evenings
