"""Little gestures through the emulator: /nudge and the user menu, what the partner gets (merged
at night and during the day), the 20-a-day limit, the one-tap buttons on the check-in news, the
weekly digest's count, and the errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cogs.checkins.service import SETTLE
from cogs.gestures.rules import DAILY_LIMIT
from emulator import Fake
from tests.support import ALICE_ZONE, BOB_ZONE, Closer, People, pair

# Tuesday 24 Nov 2026, 23:30 in Los Angeles (Bob's quiet hours), Wednesday 08:30 in Berlin.
BOB_NIGHT = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
BOB_MORNING = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 08:00 Los Angeles, 17:00 Berlin
BOTH_AWAKE = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 19:00 Berlin, 10:00 Los Angeles


def gestures_to(fake: Fake, user) -> list:
    return [m for m in fake.dms(user) if "little gesture through Closer" in m.text]


async def nudge(fake: Fake, user, kind: str):
    return await fake.slash(user, "nudge", kind=kind)


async def test_gestures_in_the_night_come_as_one_morning_message(
    couple: People, fake: Fake, closer: Closer
) -> None:
    await closer.at(BOB_NIGHT)
    first = await nudge(fake, couple.alice, "thinking")
    assert first.ephemeral
    assert "quiet hours" in first.text, first.text
    assert "08:00 for them" in first.text, first.text
    await fake.context_menu(couple.alice, "Thinking of you 💭", couple.bob)
    await nudge(fake, couple.alice, "thinking")
    await nudge(fake, couple.alice, "hug")
    await closer.at(BOB_NIGHT + timedelta(hours=2))
    assert gestures_to(fake, couple.bob) == []

    await closer.at(BOB_MORNING)
    (message,) = gestures_to(fake, couple.bob)
    assert "alice thought of you 3 times last night, and sent a hug." in message.text
    assert {"Thinking of you", "A hug"} <= set(message.buttons)
    await closer.at(BOB_MORNING + timedelta(hours=3))
    assert len(gestures_to(fake, couple.bob)) == 1


async def test_during_the_day_the_first_goes_at_once_and_the_next_ones_are_gathered(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Rule: one gesture DM an hour at most; what comes within the hour goes together after it."""
    await closer.at(BOTH_AWAKE)
    reply = await nudge(fake, couple.alice, "proud")
    assert reply.text == "Sent 🌟 bob has it now."
    (first,) = gestures_to(fake, couple.bob)
    assert "🌟 alice is proud of you." in first.text

    await closer.at(BOTH_AWAKE + timedelta(minutes=5))
    later = await nudge(fake, couple.alice, "miss")
    assert "11:00 for them, 20:00 your time" in later.text, later.text
    await closer.at(BOTH_AWAKE + timedelta(minutes=20))
    await nudge(fake, couple.alice, "call")
    await closer.at(BOTH_AWAKE + timedelta(minutes=59))
    assert len(gestures_to(fake, couple.bob)) == 1

    await closer.at(BOTH_AWAKE + timedelta(hours=1))
    second = gestures_to(fake, couple.bob)[-1]
    assert len(gestures_to(fake, couple.bob)) == 2
    assert "alice said they miss you, and asked for a call when you can." in second.text


async def test_at_most_twenty_a_day_then_a_kind_note(couple: People, fake: Fake, closer: Closer) -> None:
    await closer.at(BOB_NIGHT)  # 08:30 for Alice: her whole day is ahead
    for _ in range(DAILY_LIMIT):
        reply = await nudge(fake, couple.alice, "hug")
        assert reply.text.startswith("Sent"), reply.text
    refused = await nudge(fake, couple.alice, "hug")
    assert refused.ephemeral
    assert "That's 20 little gestures today" in refused.text
    assert "bob knows you're thinking of them" in refused.text
    refused = await fake.context_menu(couple.alice, "Thinking of you 💭", couple.bob)
    assert "That's 20" in refused.text

    await closer.at(BOB_MORNING)
    (message,) = gestures_to(fake, couple.bob)
    assert "alice sent 20 hugs last night." in message.text
    # Bob's own limit is his own; Alice's next local day starts at her midnight.
    assert (await nudge(fake, couple.bob, "hug")).text.startswith("Sent")
    await closer.at(datetime(2026, 11, 25, 23, 1, tzinfo=UTC))  # 00:01 Thursday in Berlin
    assert (await nudge(fake, couple.alice, "hug")).text.startswith("Sent")


async def test_the_check_in_news_carries_a_gesture_back_in_one_tap(
    couple: People, fake: Fake, closer: Closer
) -> None:
    await closer.at(BOTH_AWAKE)
    card = await fake.slash(couple.bob, "checkin now")
    await fake.click(card, "2", couple.bob)
    await closer.at(BOTH_AWAKE + SETTLE)
    news = await fake.wait_for_message(couple.alice, lambda m: "bob checked in: 2/5" in m.text)
    assert {"Thinking of you", "A hug"} <= set(news.buttons)

    reply = await fake.click(news, "A hug", couple.alice)
    assert reply.ephemeral
    assert reply.text.startswith("Sent 🤗"), reply.text
    (hug,) = gestures_to(fake, couple.bob)
    assert "🤗 alice sent you a hug." in hug.text
    # ... and Bob can answer that one in one tap too.
    back = await fake.click(hug, "Thinking of you", couple.bob)
    assert back.text.startswith("Sent 💭"), back.text


async def test_the_weekly_digest_counts_the_gestures(couple: People, fake: Fake, closer: Closer) -> None:
    from tests.digest.test_digest import digests, sunday_digest

    sunday = await sunday_digest(closer, couple)
    await closer.at(BOTH_AWAKE)
    for kind in ("thinking", "thinking", "hug"):
        await nudge(fake, couple.alice, kind)
    await nudge(fake, couple.bob, "thinking")
    await closer.at(sunday)
    (digest,) = digests(fake, couple)
    assert "4 gestures this week (alice sent 3, bob 1): 💭 thinking of you: 3 · 🤗 a hug: 1" in digest.text


async def test_gestures_only_go_to_your_partner(couple: People, fake: Fake, closer: Closer) -> None:
    await closer.at(BOTH_AWAKE)
    reply = await fake.context_menu(couple.alice, "Thinking of you 💭", couple.carol)
    assert reply.ephemeral
    assert "carol isn't your partner here" in reply.text
    assert "goes to bob" in reply.text
    reply = await fake.context_menu(couple.alice, "Thinking of you 💭", couple.alice)
    assert "on your partner, bob" in reply.text
    reply = await fake.context_menu(couple.carol, "Thinking of you 💭", couple.bob)
    assert "Only the two partners" in reply.text
    reply = await nudge(fake, couple.carol, "hug")
    assert "Only the two partners" in reply.text
    assert gestures_to(fake, couple.bob) == []
    assert gestures_to(fake, couple.alice) == []


async def test_before_pairing_gestures_explain_how_to_start(
    people: People, fake: Fake, closer: Closer
) -> None:
    reply = await nudge(fake, people.alice, "hug")
    assert "no couple yet" in reply.text
    reply = await fake.context_menu(people.alice, "Thinking of you 💭", people.bob)
    assert "no couple yet" in reply.text
    await pair(fake, people.alice, people.bob, people.channel, alice_zone=ALICE_ZONE, bob_zone=None)
    assert (await nudge(fake, people.alice, "hug")).text.startswith("Sent")
    assert BOB_ZONE  # Bob lives by Alice's zone until he sets his own
