"""/appreciate, /win with its Celebrate button, /lovelanguage and the weekly "together" digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.db.repositories.checkins import CheckinRepository
from bot.registry import Contribution, Place
from emulator import Fake
from tests.support import Closer, People

BOTH_AWAKE = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # Tuesday: 19:00 Berlin, 10:00 Los Angeles
BOB_MORNING = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 08:00 Los Angeles, when his quiet hours end
SUNDAY_DIGEST = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)  # Sunday 19:00 in Berlin (Alice's zone)
WEEK = timedelta(days=7)


def repo(closer: Closer) -> CheckinRepository:
    assert closer.bot is not None
    return closer.bot.get_cog("CheckinCog").service.repo  # type: ignore[union-attr]


def appreciations(fake: Fake, user) -> list:
    return [m for m in fake.dms(user) if "appreciates you" in m.text]


def digests(fake: Fake, people: People) -> list:
    return [m for m in fake.messages(people.channel) if "Your week together" in m.text]


# -- /appreciate ------------------------------------------------------------------------------------


async def test_an_appreciation_reaches_the_partner_by_dm_and_is_kept(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob gets Alice's words in full by DM; Alice is told it was sent; the note is stored."""
    await closer.at(BOTH_AWAKE)
    words = "You made my whole week with that voice note. " * 20
    reply = await fake.slash(couple.alice, "appreciate", message=words)
    assert reply.ephemeral
    assert "Sent to bob by DM" in reply.text
    (note,) = appreciations(fake, couple.bob)
    assert "alice appreciates you" in note.text
    assert words.strip() in note.text
    kept = await repo(closer).appreciations_between(couple.guild.id, BOTH_AWAKE - WEEK, BOTH_AWAKE)
    assert [(a.from_user, a.to_user, a.message) for a in kept] == [
        (couple.alice.id, couple.bob.id, words.strip())
    ]
    assert kept[0].delivered_at is not None


async def test_an_appreciation_waits_for_the_end_of_the_partners_quiet_hours(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """At 04:00 for Bob, Alice is told when it will arrive; he gets it at 08:00, once, even after a restart."""
    reply = await fake.slash(couple.alice, "appreciate", message="Thank you for last night")
    assert "inside their quiet hours" in reply.text
    assert appreciations(fake, couple.bob) == []
    await closer.restart()
    await closer.at(BOB_MORNING - timedelta(minutes=1))
    assert appreciations(fake, couple.bob) == []
    await closer.at(BOB_MORNING)
    await closer.run_due()
    assert len(appreciations(fake, couple.bob)) == 1


@pytest.mark.allow_violations("dm.closed")
async def test_with_dms_closed_the_appreciation_is_posted_for_the_partner(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob's DMs are closed: it goes to #us mentioning him, and Alice is told where it went."""
    await closer.at(BOTH_AWAKE)
    fake.close_dms(couple.bob)
    reply = await fake.slash(couple.alice, "appreciate", message="You're my favourite person")
    assert "their DMs are closed" in reply.text
    post = await fake.wait_for_message(couple.channel, lambda m: "appreciates you" in m.text)
    assert couple.bob.mention in post.content
    assert "You're my favourite person" in post.text


async def test_an_empty_appreciation_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    """Only spaces: nothing is sent or kept."""
    reply = await fake.slash(couple.alice, "appreciate", message="   ")
    assert reply.ephemeral
    assert "empty" in reply.text
    assert await repo(closer).appreciations_between(couple.guild.id, BOTH_AWAKE - WEEK, BOTH_AWAKE) == []


# -- /win ---------------------------------------------------------------------------------------------


async def share_win(fake: Fake, people: People, text: str = "I passed my driving test!"):
    reply = await fake.slash(people.alice, "win", text=text)
    assert reply.ephemeral
    assert "Shared in" in reply.text
    return await fake.wait_for_message(people.channel, lambda m: "Celebrate" in m.buttons)


async def test_a_win_is_posted_in_the_shared_channel_with_a_celebrate_button(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The win is in #us in full, mentioning Bob, with a Celebrate button."""
    post = await share_win(fake, couple)
    assert couple.bob.mention in post.content
    assert "alice has a win to share" in post.text
    assert "I passed my driving test!" in post.text
    assert post.buttons == ["Celebrate"]


async def test_only_the_partner_can_celebrate_a_win(couple: People, fake: Fake, closer: Closer) -> None:
    """Alice can't celebrate her own win, Carol can't either; Bob can, and the post shows it."""
    post = await share_win(fake, couple)
    own = await fake.click(post, "Celebrate", couple.alice)
    assert "for bob to celebrate" in own.text
    carol = await fake.click(post, "Celebrate", couple.carol)
    assert "Only the two partners" in carol.text
    await fake.click(post, "Celebrate", couple.bob)
    assert "Celebrated" in post.text
    assert "by bob" in post.text
    assert post.buttons == ["Celebrated"]
    cheer = await fake.wait_for_message(couple.channel, lambda m: "is celebrating your win" in m.text)
    assert couple.alice.mention in cheer.content


async def test_celebrate_works_after_a_restart(couple: People, fake: Fake, closer: Closer) -> None:
    """A win posted before a restart can be celebrated after it, and it is recorded."""
    post = await share_win(fake, couple)
    await closer.restart()
    await fake.click(post, "Celebrate", couple.bob)
    wins = await repo(closer).wins_between(couple.guild.id, BOTH_AWAKE - WEEK, BOTH_AWAKE)
    assert [w.celebrated_by for w in wins] == [couple.bob.id]


@pytest.mark.allow_violations("channel.missing_access")
async def test_a_win_is_posted_where_the_command_was_used_when_the_shared_channel_is_closed(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Closer can't post in #us: the win is posted in #general, where it was shared, still celebratable."""
    fake.deny_access(couple.channel)
    reply = await fake.slash(couple.alice, "win", text="Got the job!", channel=couple.general)
    assert reply.ephemeral
    assert "shared your win right here" in reply.text
    post = await fake.wait_for_message(couple.general, lambda m: "Celebrate" in m.buttons)
    assert not post.ephemeral
    assert "Got the job!" in post.text
    await fake.click(post, "Celebrate", couple.bob)
    assert "Celebrated" in post.text


async def test_an_empty_win_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    """Only spaces: nothing is posted."""
    reply = await fake.slash(couple.alice, "win", text="  ")
    assert reply.ephemeral
    assert "empty" in reply.text
    assert [m for m in fake.messages(couple.channel) if "Celebrate" in m.buttons] == []


# -- /lovelanguage ------------------------------------------------------------------------------------


async def test_love_languages_are_saved_and_shown_in_status(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Primary and secondary are confirmed and appear in /couple status."""
    reply = await fake.slash(couple.bob, "lovelanguage set", primary="time", secondary="words")
    assert reply.ephemeral
    assert "quality time" in reply.text
    assert "words of affirmation" in reply.text
    status = await fake.slash(couple.alice, "couple status")
    assert "bob: quality time, words of affirmation" in status.text


async def test_the_same_love_language_twice_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    """Secondary equal to primary: an explanation, nothing saved."""
    reply = await fake.slash(couple.bob, "lovelanguage set", primary="gifts", secondary="gifts")
    assert reply.ephemeral
    assert "same as your primary" in reply.text
    assert await repo(closer).love_languages(couple.guild.id, couple.bob.id) is None


@pytest.mark.parametrize("command", ["appreciate", "win", "lovelanguage set"])
async def test_only_partners_can_appreciate_share_wins_or_set_love_languages(
    couple: People, fake: Fake, command: str
) -> None:
    """Carol is refused."""
    options = {
        "appreciate": {"message": "hi"},
        "win": {"text": "hi"},
        "lovelanguage set": {"primary": "time"},
    }
    reply = await fake.slash(couple.carol, command, **options[command])
    assert reply.ephemeral
    assert "Only the two partners" in reply.text


# -- the weekly digest ------------------------------------------------------------------------------


async def a_week_together(fake: Fake, closer: Closer, people: People) -> None:
    """Tue-Sat: Alice checks in 2 then 5 (avg 3.5), Bob checks in but shares nothing; 3 appreciations;
    2 wins, one celebrated."""
    await fake.slash(people.bob, "checkin sharing", level="nothing")
    for day, (alice_mood, bob_mood) in enumerate([(2, 1), (5, 1)]):
        await closer.at(BOTH_AWAKE + timedelta(days=day))
        for user, mood in ((people.alice, alice_mood), (people.bob, bob_mood)):
            card = await fake.slash(user, "checkin now")
            await fake.click(card, str(mood), user)
    await fake.slash(people.alice, "appreciate", message="one")
    await fake.slash(people.alice, "appreciate", message="two")
    await fake.slash(people.bob, "appreciate", message="three")
    post = await share_win(fake, people, "Ran 10k")
    await fake.click(post, "Celebrate", people.bob)
    await fake.slash(people.bob, "win", text="Fixed the sink")


async def test_the_weekly_digest_counts_the_week(couple: People, fake: Fake, closer: Closer) -> None:
    """Sunday 19:00 Berlin: check-in averages as shared, appreciations per partner, both wins."""
    await a_week_together(fake, closer, couple)
    await closer.at(SUNDAY_DIGEST - timedelta(minutes=1))
    assert digests(fake, couple) == []
    await closer.at(SUNDAY_DIGEST)
    (digest,) = digests(fake, couple)
    assert couple.alice.mention in digest.content
    assert couple.bob.mention in digest.content
    assert "alice: average **3.5/5** over 2 check-ins" in digest.text
    assert "bob: 🔒 keeps check-ins private" in digest.text
    assert "1/5" not in digest.text
    assert "alice sent 2 · bob sent 1" in digest.text
    assert "Ran 10k" in digest.text
    assert "Fixed the sink" in digest.text


async def test_the_next_digest_counts_only_its_own_week(couple: People, fake: Fake, closer: Closer) -> None:
    """A week later, last week's check-ins, notes and wins are not counted again."""
    await a_week_together(fake, closer, couple)
    await closer.at(SUNDAY_DIGEST)
    await closer.at(SUNDAY_DIGEST + timedelta(days=2))
    await fake.slash(couple.alice, "appreciate", message="new week")
    await closer.at(SUNDAY_DIGEST + WEEK)
    first, second = digests(fake, couple)
    assert "alice sent 2" in first.text
    assert "alice sent 1 · bob sent 0" in second.text
    assert "alice: no check-ins this week" in second.text
    assert "Ran 10k" not in second.text


async def test_the_digest_is_a_ritual_that_can_be_paused(couple: People, fake: Fake, closer: Closer) -> None:
    """It is listed by /ritual list, can't be removed, and nothing is posted while it is paused."""
    listing = await fake.slash(couple.alice, "ritual list")
    assert "Weekly digest" in listing.text
    assert closer.bot is not None
    ritual = await closer.bot.rituals.repo.find_template(couple.guild.id, "digest")
    assert ritual is not None
    removal = await fake.slash(couple.alice, "ritual remove", id=ritual.id)
    assert "built in" in removal.text
    await fake.slash(couple.bob, "ritual pause", id=ritual.id)
    await closer.at(SUNDAY_DIGEST)
    assert digests(fake, couple) == []
    await fake.slash(couple.bob, "ritual resume", id=ritual.id)
    await closer.at(SUNDAY_DIGEST + WEEK)
    assert len(digests(fake, couple)) == 1


async def test_the_digest_follows_the_first_partners_home_zone(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice moves to Tokyo: the digest comes at Sunday 19:00 Tokyo time."""
    await fake.slash(couple.alice, "couple timezone", timezone="Asia/Tokyo")
    await closer.at(datetime(2026, 11, 29, 10, 0, tzinfo=UTC))  # Sunday 19:00 Tokyo
    assert len(digests(fake, couple)) == 1


async def test_the_digest_includes_other_features_lines(couple: People, fake: Fake, closer: Closer) -> None:
    """Lines a feature adds to the digest section appear in it."""
    assert closer.bot is not None

    async def coming_up(couple_, now):
        return [("📅 Coming up", "Visit in 12 days")]

    closer.bot.registry.add("test", Contribution(sections=((Place.DIGEST, coming_up),)))
    await closer.at(SUNDAY_DIGEST)
    (digest,) = digests(fake, couple)
    assert "Visit in 12 days" in digest.text


async def test_a_busy_week_is_split_within_discords_limits(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Twelve long wins: ten are listed with links, and the rest are counted."""
    await closer.at(BOTH_AWAKE)
    for n in range(12):
        await fake.slash(couple.alice, "win", text=f"win {n} " + "x" * 900)
    await closer.at(SUNDAY_DIGEST)
    (digest,) = digests(fake, couple)
    assert "…and 2 more" in digest.text
    assert "https://discord.com/channels/" in digest.text
