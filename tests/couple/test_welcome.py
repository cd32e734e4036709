"""The welcome after pairing (issue 14): one post to both, in plain words, once per couple.

What comes when in both local times (from every feature's ``Place.WELCOME`` lines), when both
are awake, and the three settings couples change most as buttons. It waits for the second
partner's zone, or says which zone is used for them when they never set one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db.models import Couple
from bot.registry import Contribution, Place
from emulator import Fake
from emulator.results import Msg
from tests.support import ALICE_ZONE, BOB_ZONE, START, Closer, People, pair

SETTINGS = ["Question time", "Check-in time", "Quiet hours"]


def welcomes(fake: Fake, people: People) -> list[Msg]:
    return [m for m in fake.messages(people.channel) if "Welcome to Closer" in m.text]


async def stored(closer: Closer, people: People) -> Couple:
    assert closer.bot is not None
    couple = await closer.bot.couples.get(people.guild.id)
    assert couple is not None
    return couple


async def test_the_welcome_comes_once_when_the_second_partner_sets_a_zone(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """One post to both: what comes when in both local times, the shared awake hours, the buttons;
    a second zone change, a restart and the hours after never post it again."""
    (welcome,) = welcomes(fake, couple)
    assert couple.alice.mention in welcome.content
    assert couple.bob.mention in welcome.content
    text = welcome.text
    assert "17:00-23:00 for alice and 08:00-14:00 for bob" in text
    assert "alice: Berlin" in text
    assert "bob: Los Angeles" in text
    # The memory book's line gives "on this day" in both local times.
    assert "at 18:00 for alice, 09:00 for bob" in text
    # The evening DM, each in their own time, and what the other learns; the week's look back.
    assert "in your own time (20:00 for alice · 20:00 for bob)" in text
    assert "`/checkin sharing`" in text
    assert "Sun 19:30 for alice, Sun 10:30 for bob: a look back" in text
    assert welcome.buttons == SETTINGS
    for internal in ("#", "run", "retry", "occurrence", "ledger", "HTTP"):
        assert internal not in text.replace(couple.alice.mention, "").replace(couple.bob.mention, "")

    await fake.slash(couple.bob, "couple timezone", timezone="America/Denver")
    await fake.slash(couple.bob, "couple timezone", timezone=BOB_ZONE)
    await closer.restart()
    await closer.at(START + timedelta(hours=2))
    await closer.at(START + timedelta(days=2))
    assert len(welcomes(fake, couple)) == 1


async def test_features_add_their_lines_to_the_welcome(closer: Closer, fake: Fake, people: People) -> None:
    """What a feature gives ``Place.WELCOME`` shows in the welcome (here: the daily question's line)."""

    async def question(couple: Couple, now: datetime) -> list[tuple[str, str]]:
        return [("☀️ Daily question", "Every day at 18:00 for alice, 09:00 for bob.")]

    assert closer.bot is not None
    closer.bot.registry.add("test", Contribution(sections=((Place.WELCOME, question),)))
    await pair(fake, people.alice, people.bob, people.channel, alice_zone=ALICE_ZONE, bob_zone=BOB_ZONE)
    (welcome,) = welcomes(fake, people)
    assert "Every day at 18:00 for alice, 09:00 for bob." in welcome.text


async def test_without_the_second_zone_the_welcome_says_which_zone_is_used(
    closer: Closer, fake: Fake, people: People
) -> None:
    """Bob never sets a zone: an hour after pairing the welcome comes, saying he lives by Berlin's
    time until he sets his; setting it later brings no second welcome. A restart in between
    changes nothing."""
    await pair(fake, people.alice, people.bob, people.channel, alice_zone=ALICE_ZONE, bob_zone=None)
    assert welcomes(fake, people) == []
    await closer.restart()
    await closer.at(START + timedelta(minutes=59))
    assert welcomes(fake, people) == []
    await closer.at(START + timedelta(hours=1))
    (welcome,) = welcomes(fake, people)
    assert "bob hasn't set a time zone, so Closer uses alice's (Berlin) for them" in welcome.text
    assert "`/couple timezone`" in welcome.text
    await fake.slash(people.bob, "couple timezone", timezone=BOB_ZONE)
    await closer.restart()
    await closer.run_due()
    assert len(welcomes(fake, people)) == 1


async def test_the_welcome_waits_for_both_to_be_awake(closer: Closer, fake: Fake, people: People) -> None:
    """Paired at 23:30 in Berlin without Bob's zone: the welcome waits for the morning, not 00:30."""
    closer.clock.set(datetime.fromisoformat("2026-11-24T22:30:00+00:00"))
    await pair(fake, people.alice, people.bob, people.channel, alice_zone=ALICE_ZONE, bob_zone=None)
    await closer.at(datetime.fromisoformat("2026-11-24T23:30:00+00:00"))
    await closer.at(datetime.fromisoformat("2026-11-25T06:59:00+00:00"))
    assert welcomes(fake, people) == []
    await closer.at(datetime.fromisoformat("2026-11-25T07:00:00+00:00"))  # 08:00 in Berlin
    assert len(welcomes(fake, people)) == 1


async def test_the_welcome_buttons_change_quiet_hours_or_say_the_command(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Quiet hours opens a form filled with your hours; the others say which command to use."""
    (welcome,) = welcomes(fake, couple)
    form = await fake.click(welcome, "Quiet hours", couple.bob)
    assert form.modal is not None
    done = await fake.submit_modal(form, {"start": "22:00", "end": "07:00"}, couple.bob)
    assert "Quiet hours set to 22:00-07:00 your time" in done.text
    partner = (await stored(closer, couple)).partner(couple.bob.id)
    assert partner is not None
    assert str(partner.quiet) == "22:00-07:00"
    bad_form = await fake.click(welcome, "Quiet hours", couple.bob)
    bad = await fake.submit_modal(bad_form, {"start": "late", "end": "07:00"}, couple.bob)
    assert "Nothing was changed" in bad.text

    question = await fake.click(welcome, "Question time", couple.alice)
    assert question.ephemeral
    assert "`/question schedule`" in question.text
    assert "`time`" in question.text
    checkin = await fake.click(welcome, "Check-in time", couple.alice)
    assert "`/checkin schedule`" in checkin.text
    outsider = await fake.click(welcome, "Quiet hours", couple.carol)
    assert "Only the two partners" in outsider.text


async def test_setting_a_zone_says_when_the_question_comes_now_with_a_button(
    closer: Closer, fake: Fake, people: People
) -> None:
    """Bob sets his zone: the reply says the daily question moved to 18:00 for alice, 09:00 for
    him (a time both are awake), with the button to change it; before both zones are known,
    Alice's reply says nothing of the kind."""
    first = await fake.slash(people.alice, "couple setup", partner=people.bob,
                             options={"channel": people.channel}, timezone=ALICE_ZONE)  # fmt: skip
    assert "daily question" not in first.text
    invitation = await fake.wait_for_message(people.channel, lambda m: "Accept" in m.buttons)
    await fake.click(invitation, "Accept", people.bob)
    reply = await fake.slash(people.bob, "couple timezone", timezone=BOB_ZONE)
    assert reply.ephemeral
    assert "🌅 The daily question comes at **18:00** for alice · **09:00** for bob." in reply.text
    assert reply.message is not None
    assert reply.message.buttons == ["Question time"]
    hint = await fake.click(reply.message, "Question time", people.bob)
    assert "/question schedule" in hint.text
    # Moving again moves the question with the shared hours, and the reply says so.
    again = await fake.slash(people.bob, "couple timezone", timezone="America/New_York")
    assert "comes at **15:00** for alice · **09:00** for bob." in again.text
