"""/couple: pairing across time zones, zones, quiet hours, travel, status; who may use it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.models import Couple
from emulator import Fake
from tests.support import START, Closer, People


async def stored_couple(closer: Closer, people: People) -> Couple | None:
    assert closer.bot is not None
    return await closer.bot.couples.get(people.guild.id)


async def invite(fake: Fake, people: People, zone: str = "Europe/Berlin"):
    return await fake.slash(
        people.alice, "couple setup", partner=people.bob, options={"channel": people.channel}, timezone=zone
    )


# -- pairing ------------------------------------------------------------------------------------


async def test_setup_posts_an_invitation_only_the_partner_can_answer(
    closer: Closer, fake: Fake, people: People
) -> None:
    """The partner is mentioned in the shared channel with Accept / Decline; others are refused."""
    reply = await invite(fake, people)
    assert reply.ephemeral
    assert "Invitation sent" in reply.text
    invitation = await fake.wait_for_message(people.channel, lambda m: "Accept" in m.buttons)
    assert people.bob.mention in invitation.content
    assert invitation.buttons == ["Accept", "Decline"]

    for outsider in (people.carol, people.alice):
        refused = await fake.click(invitation, "Accept", outsider)
        assert refused.ephemeral
        assert "only they can answer" in refused.text
    couple = await stored_couple(closer, people)
    assert couple is not None
    assert not couple.paired


async def test_accepting_pairs_the_couple_and_asks_for_the_partners_zone(
    closer: Closer, fake: Fake, people: People
) -> None:
    """Accept pairs the two; the partner is asked for their zone and can set it from a button."""
    await invite(fake, people)
    invitation = await fake.wait_for_message(people.channel, lambda m: "Accept" in m.buttons)
    accepted = await fake.click(invitation, "Accept", people.bob)
    assert "You're paired" in invitation.text
    assert invitation.buttons == []
    welcome = (await accepted.wait_for_followup())[0]
    assert welcome.ephemeral
    assert "Europe/Berlin" in welcome.text  # Bob lives by Alice's zone until he sets his
    form = await fake.click(welcome, "Set my time zone", people.bob)
    assert form.modal is not None
    done = await fake.submit_modal(form, {"City or time zone": "new york"}, people.bob)
    assert "America/New_York" in done.text

    couple = await stored_couple(closer, people)
    assert couple is not None
    assert couple.paired
    assert [p.home_zone for p in couple.partners] == ["Europe/Berlin", "America/New_York"]


async def test_declining_leaves_the_server_free_to_pair_again(
    closer: Closer, fake: Fake, people: People
) -> None:
    """Decline removes the invitation; setup can be run again afterwards."""
    await invite(fake, people)
    invitation = await fake.wait_for_message(people.channel, lambda m: "Accept" in m.buttons)
    await fake.click(invitation, "Decline", people.bob)
    assert "declined" in invitation.text
    assert await stored_couple(closer, people) is None
    again = await invite(fake, people)
    assert "Invitation sent" in again.text


async def test_the_invitation_still_works_after_a_restart(closer: Closer, fake: Fake, people: People) -> None:
    """Buttons survive restarts: Accept pressed after the bot restarted still pairs."""
    await invite(fake, people)
    invitation = await fake.wait_for_message(people.channel, lambda m: "Accept" in m.buttons)
    await closer.restart()
    await fake.click(invitation, "Accept", people.bob)
    couple = await stored_couple(closer, people)
    assert couple is not None
    assert couple.paired


async def test_the_inviter_can_replace_a_pending_invitation(
    closer: Closer, fake: Fake, people: People
) -> None:
    """Running setup again before the answer replaces the invitation, and says so."""
    await invite(fake, people)
    second = await invite(fake, people, zone="Asia/Kolkata")
    assert "replaced" in second.text
    couple = await stored_couple(closer, people)
    assert couple is not None
    assert couple.first.home_zone == "Asia/Kolkata"


@pytest.mark.parametrize(
    ("who", "expected"),
    [("bob", "already invited you"), ("carol", "one couple per server")],
)
async def test_setup_while_an_invitation_is_pending(
    closer: Closer, fake: Fake, people: People, who: str, expected: str
) -> None:
    """The invitee is pointed to the invitation; anyone else is told the server is taken."""
    await invite(fake, people)
    user = getattr(people, who)
    reply = await fake.slash(
        user, "couple setup", partner=people.alice, options={"channel": people.channel}, timezone="UTC"
    )
    assert reply.ephemeral
    assert expected in reply.text


async def test_setup_in_a_paired_server_explains_how_to_change_things(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Re-running setup when paired explains the commands to use instead and changes nothing."""
    reply = await fake.slash(
        couple.alice,
        "couple setup",
        partner=couple.carol,
        options={"channel": couple.general},
        timezone="UTC",
    )
    assert reply.ephemeral
    assert "already paired" in reply.text
    assert "/couple timezone" in reply.text
    stored = await stored_couple(closer, couple)
    assert stored is not None
    assert stored.channel_id == couple.channel.id
    assert stored.partner(couple.carol.id) is None


async def test_setup_refuses_yourself_and_bots(closer: Closer, fake: Fake, people: People) -> None:
    """You can't pair with yourself or with a bot."""
    me = await fake.slash(
        people.alice,
        "couple setup",
        partner=people.alice,
        options={"channel": people.channel},
        timezone="UTC",
    )
    assert "yourself" in me.text
    robot = fake.create_user("robot", bot=True)
    fake.add_member(people.guild, robot)
    await fake.sync()
    other = await fake.slash(
        people.alice, "couple setup", partner=robot, options={"channel": people.channel}, timezone="UTC"
    )
    assert "is a bot" in other.text
    assert await stored_couple(closer, people) is None


async def test_setup_with_an_unknown_zone_changes_nothing(closer: Closer, fake: Fake, people: People) -> None:
    """A zone typo is an ephemeral error with suggestions; no invitation is posted."""
    reply = await invite(fake, people, zone="Berlinn")
    assert reply.ephemeral
    assert "Europe/Berlin" in reply.text
    assert fake.messages(people.channel) == []
    assert await stored_couple(closer, people) is None


@pytest.mark.allow_violations("channel.missing_access")
async def test_setup_in_a_channel_closed_to_closer_is_a_clear_error(
    closer: Closer, fake: Fake, people: People
) -> None:
    """When the invitation can't be posted, the inviter is told and nothing is kept."""
    fake.deny_access(people.channel)
    reply = await invite(fake, people)
    assert reply.ephemeral
    assert "couldn't post the invitation" in reply.text
    assert await stored_couple(closer, people) is None


# -- zones ----------------------------------------------------------------------------------------


async def test_zone_autocomplete_matches_cities(couple: People, fake: Fake) -> None:
    """Typing a city offers its zone first, at most 25 suggestions."""
    for typed, zone in [
        ("berl", "Europe/Berlin"),
        ("sao paulo", "America/Sao_Paulo"),
        ("new york", "America/New_York"),
    ]:
        choices = await fake.autocomplete(couple.alice, "couple timezone", "timezone", typed)
        assert 0 < len(choices) <= 25
        assert zone in [c.value for c in choices]
    first = await fake.autocomplete(couple.alice, "couple timezone", "timezone", "berl")
    assert first[0].value == "Europe/Berlin"
    everything = await fake.autocomplete(couple.alice, "couple timezone", "timezone", "a")
    assert len(everything) == 25


async def test_setting_a_zone_by_city_name(couple: People, fake: Fake, closer: Closer) -> None:
    """ "sao paulo" resolves to America/Sao_Paulo and the reply shows the local time there."""
    reply = await fake.slash(couple.bob, "couple timezone", timezone="sao paulo")
    assert reply.ephemeral
    assert "America/Sao_Paulo" in reply.text
    assert "09:00" in reply.text  # 12:00 UTC
    stored = await stored_couple(closer, couple)
    assert stored is not None
    partner = stored.partner(couple.bob.id)
    assert partner is not None
    assert partner.home_zone == "America/Sao_Paulo"


async def test_an_unknown_zone_suggests_the_closest(couple: People, fake: Fake, closer: Closer) -> None:
    """An unknown zone gets the closest matches and changes nothing."""
    reply = await fake.slash(couple.bob, "couple timezone", timezone="Los Angelos")
    assert reply.ephemeral
    assert "America/Los_Angeles" in reply.text
    stored = await stored_couple(closer, couple)
    assert stored is not None
    partner = stored.partner(couple.bob.id)
    assert partner is not None
    assert partner.home_zone == "America/Los_Angeles"


# -- status, quiet hours, travel ------------------------------------------------------------------


async def test_status_shows_both_local_times_and_shared_awake_hours(couple: People, fake: Fake) -> None:
    """Each partner's local time and zone, the channel, and when both are awake, with its day.

    (Changed with issue 14: the awake window used to be "alice 17:00-23:00 · bob 08:00-14:00",
    without the day it belongs to; it is now said from the asking partner's side, with days.)"""
    reply = await fake.slash(couple.bob, "couple status")
    assert reply.ephemeral
    assert "13:00" in reply.text
    assert "Europe/Berlin" in reply.text
    assert "04:00" in reply.text
    assert "America/Los_Angeles" in reply.text
    assert couple.channel.mention in reply.text
    assert "Today 08:00-14:00 your time (Tue 17:00-23:00 for alice)" in reply.text


async def test_quiet_hours_change_shared_awake_hours(couple: People, fake: Fake) -> None:
    """Bob's quiet hours from 21:00 shorten the shared window; bad times are refused."""
    reply = await fake.slash(couple.bob, "couple quiet", start="21:00", end="7:30")
    assert "21:00-07:30" in reply.text
    status = await fake.slash(couple.alice, "couple status")
    assert "Today 16:30-23:00 your time (Tue 07:30-14:00 for bob)" in status.text
    bad = await fake.slash(couple.bob, "couple quiet", start="25:00", end="07:00")
    assert bad.ephemeral
    assert "`25:00` is not a time I understand for `start`: try `20:30`" in bad.text


async def test_travel_switches_zone_and_back_by_itself(couple: People, fake: Fake, closer: Closer) -> None:
    """A trip to Tokyo until a date; afterwards Bob is back in Los Angeles without doing anything."""
    reply = await fake.slash(couple.bob, "couple travel", timezone="Tokyo", until="2026-12-01")
    assert "Asia/Tokyo" in reply.text
    status = await fake.slash(couple.alice, "couple status")
    assert "Asia/Tokyo" in status.text
    assert "traveling" in status.text
    closer.clock.set(START + timedelta(days=8))
    later = await fake.slash(couple.alice, "couple status")
    assert "Asia/Tokyo" not in later.text
    assert "America/Los_Angeles" in later.text


@pytest.mark.parametrize(
    ("until", "expected"),
    [
        ("2026-02-30", "not a real date"),
        ("2026-11-01", "after today"),
        ("soon", "YYYY-MM-DD"),
        ("2030-01-01", "up to a year"),
    ],
)
async def test_travel_with_a_bad_date_changes_nothing(
    couple: People, fake: Fake, closer: Closer, until: str, expected: str
) -> None:
    """Impossible, past or too distant dates get an example and change nothing."""
    reply = await fake.slash(couple.bob, "couple travel", timezone="Tokyo", until=until)
    assert reply.ephemeral
    assert expected in reply.text
    stored = await stored_couple(closer, couple)
    assert stored is not None
    partner = stored.partner(couple.bob.id)
    assert partner is not None
    assert partner.travel_zone is None


async def test_coming_home_early(couple: People, fake: Fake) -> None:
    """`home` ends a trip now."""
    await fake.slash(couple.bob, "couple travel", timezone="Tokyo", until="2026-12-01")
    reply = await fake.slash(couple.bob, "couple travel", timezone="home")
    assert "America/Los_Angeles" in reply.text


# -- who may use it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("couple status", {}),
        ("couple timezone", {"timezone": "Berlin"}),
        ("couple quiet", {"start": "22:00", "end": "07:00"}),
        ("couple travel", {"timezone": "Tokyo", "until": "2026-12-01"}),
    ],
)
async def test_couple_commands_refuse_everyone_else(
    couple: People, fake: Fake, closer: Closer, command: str, options: dict
) -> None:
    """A member who is not a partner, and anyone in a DM, gets an explanation and changes nothing."""
    before = await stored_couple(closer, couple)
    outsider = await fake.slash(couple.carol, command, options=options)
    assert outsider.ephemeral
    assert "Only the two partners" in outsider.text
    in_dm = await fake.slash(couple.alice, command, dm=True, options=options)
    assert in_dm.ephemeral
    assert "not in DMs" in in_dm.text
    assert await stored_couple(closer, couple) == before


async def test_couple_commands_before_pairing_explain_how_to_start(
    closer: Closer, fake: Fake, people: People
) -> None:
    """Before pairing, commands explain /couple setup; while pending, they point to the invitation."""
    reply = await fake.slash(people.alice, "couple status")
    assert "/couple setup" in reply.text
    await invite(fake, people)
    waiting = await fake.slash(people.alice, "couple status")
    assert "Waiting for" in waiting.text
    invited = await fake.slash(people.bob, "couple status")
    assert "Accept" in invited.text


async def test_setup_in_a_dm_is_refused(closer: Closer, fake: Fake, people: People) -> None:
    """Setup needs the shared server."""
    reply = await fake.slash(
        people.alice,
        "couple setup",
        dm=True,
        partner=people.bob,
        options={"channel": people.channel},
        timezone="UTC",
    )
    assert reply.ephemeral
    assert "server you share" in reply.text
