"""/letter: writing a sealed letter, opening it once (the writer told once), replying, changing
and withdrawing it until it is read, the list, bad input, and who may use it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.checks import NO_COUPLE, NOT_PARTNER
from emulator import Fake
from tests.letters.helpers import dm_text, letter_dms, write_letter
from tests.support import ALICE_ZONE, BOB_ZONE, Closer, People, pair

SECRET = "the-pineapple-under-the-stairs-5521"
TITLE = "For a grey Tuesday"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def letter_ids(fake: Fake, user, command: str = "letter edit") -> dict[str, int]:
    """The letters the autocomplete of ``command`` offers ``user`` (name -> value)."""
    return {c.name: int(c.value) for c in await fake.autocomplete(user, command, "letter")}


async def test_a_sealed_letter_opens_once_and_the_writer_is_told_once(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob hears a letter waits (its occasion only), opens it from the list by DM, with a button
    to reply; Alice is told once that he opened it; it can't be opened twice."""
    done = await write_letter(fake, couple.alice, "when you miss me", TITLE, SECRET)
    assert done.ephemeral
    assert "Sealed" in done.text, done.text
    assert "when you miss me" in done.text

    # 04:00 in Los Angeles: Bob's quiet hours hold the news until 08:00 (16:00 UTC).
    assert "sealed letter" not in dm_text(fake, couple.bob)
    await closer.at(utc(2026, 11, 24, 16, 0))
    news = dm_text(fake, couple.bob)
    assert "alice left you a sealed letter: 'when you miss me'" in news
    assert SECRET not in news
    assert TITLE not in news

    await closer.at(utc(2026, 11, 24, 17, 0))
    shown = await fake.slash(couple.bob, "letter open")
    stale = await fake.slash(couple.bob, "letter open")  # the same list, open in another window
    assert shown.ephemeral
    assert "when you miss me" in shown.text
    assert "from alice, written 24 Nov 2026" in shown.text
    assert SECRET not in shown.text
    assert TITLE not in shown.text
    opened = await fake.select(shown, "Choose a letter to open", ["when you miss me"], couple.bob)
    await fake.idle()
    assert "it's in your DMs" in opened.all_text, opened.all_text
    assert "no sealed letters for you" in opened.text  # the list now shows what is left
    assert opened.message is not None
    assert opened.message.selects == []
    [letter] = letter_dms(fake, couple.bob)
    assert SECRET in letter.text
    assert TITLE in letter.text
    assert "Reply with a letter" in letter.buttons

    told = [m for m in fake.dms(couple.alice) if "opened" in m.text]
    assert len(told) == 1
    assert "bob opened 'when you miss me'" in told[0].text
    assert SECRET not in told[0].text

    again = await fake.select(stale, "Choose a letter to open", ["when you miss me"], couple.bob)
    assert "opened “when you miss me” already" in again.text
    await closer.at(utc(2026, 11, 25, 17, 0))
    assert len([m for m in fake.dms(couple.alice) if "opened" in m.text]) == 1
    assert len(letter_dms(fake, couple.bob)) == 1
    nothing = await fake.slash(couple.bob, "letter open")
    assert "no sealed letters for you" in nothing.text

    # It stays readable in /letter list, for both; it can no longer be changed.
    mine = await fake.slash(couple.bob, "letter list")
    assert SECRET in mine.text
    assert "opened" in mine.text
    theirs = await fake.slash(couple.alice, "letter list")
    assert "Opened by bob" in theirs.text
    assert await letter_ids(fake, couple.alice) == {}


async def test_reply_with_a_letter_from_the_dm(couple: People, fake: Fake, closer: Closer) -> None:
    """The button under an opened letter opens the form addressed back; the reply waits for Alice."""
    await write_letter(fake, couple.alice, "after a hard day", TITLE, SECRET)
    await closer.at(utc(2026, 11, 24, 17, 0))
    shown = await fake.slash(couple.bob, "letter open")
    await fake.select(shown, "Choose a letter to open", ["after a hard day"], couple.bob)
    await fake.idle()
    [letter] = letter_dms(fake, couple.bob)
    form = await fake.click(letter, "Reply with a letter", couple.bob)
    assert form.modal is not None
    assert "alice" in (form.modal.title or "")
    done = await fake.submit_modal(form, {"title": "Back at you", "letter": "bob-reply-8812"}, couple.bob)
    await fake.idle()
    assert "Sealed" in done.text, done.text
    shown = await fake.slash(couple.alice, "letter open")
    assert "whenever you like" in shown.text
    assert "bob-reply-8812" not in shown.text


async def test_edit_and_withdraw_until_it_is_read(couple: People, fake: Fake, closer: Closer) -> None:
    """Alice changes her letter (into a capsule for a day), then withdraws it after confirming:
    Bob never sees it, and nothing arrives on that day."""
    await write_letter(fake, couple.alice, "when you can't sleep", TITLE, SECRET)
    [(name, letter_id)] = (await letter_ids(fake, couple.alice)).items()
    assert TITLE in name

    form = await fake.slash(couple.alice, "letter edit", letter=letter_id)
    assert form.modal is not None
    changed = await fake.submit_modal(
        form, {"title": "Changed title", "letter": "changed-text-1203", "to_open": "2026-12-01"}, couple.alice
    )
    assert "Changed" in changed.text, changed.text
    assert "Tuesday 01 December 2026" in changed.text
    waiting = await fake.slash(couple.bob, "letter open")
    assert "arrives on Tuesday 01 December 2026" in waiting.text
    assert "Changed title" not in waiting.text
    assert "changed-text-1203" not in waiting.text

    ask = await fake.slash(couple.alice, "letter withdraw", letter=letter_id)
    assert ask.ephemeral
    assert "Withdraw" in ask.buttons
    cancelled = await fake.click(ask, "Cancel", couple.alice)
    assert "Nothing was changed" in cancelled.text
    ask = await fake.slash(couple.alice, "letter withdraw", letter=letter_id)
    gone = await fake.click(ask, "Withdraw", couple.alice)
    await fake.idle()
    assert "Withdrawn" in gone.all_text + (gone.message.text if gone.message else ""), gone.text
    assert await letter_ids(fake, couple.alice) == {}

    await closer.at(utc(2026, 12, 1, 18, 0))
    assert letter_dms(fake, couple.bob) == []
    assert "changed-text-1203" not in dm_text(fake, couple.bob)
    nothing = await fake.slash(couple.bob, "letter open")
    assert "no sealed letters" in nothing.text


async def test_a_delivered_capsule_can_no_longer_be_changed(
    couple: People, fake: Fake, closer: Closer
) -> None:
    await write_letter(fake, couple.alice, "2026-11-26", TITLE, SECRET)
    [(_, letter_id)] = (await letter_ids(fake, couple.alice)).items()
    await closer.at(utc(2026, 11, 26, 17, 0))  # 09:00 in Los Angeles
    assert len(letter_dms(fake, couple.bob)) == 1
    refused = await fake.slash(couple.alice, "letter withdraw", letter=letter_id)
    assert refused.ephemeral
    assert "already delivered" in refused.text
    refused = await fake.slash(couple.alice, "letter edit", letter=letter_id)
    assert refused.modal is None
    assert "already delivered" in refused.text


async def test_the_list_pages_when_long(couple: People, fake: Fake, closer: Closer) -> None:
    for n in range(6):
        await write_letter(fake, couple.alice, "when you miss me", f"Letter number {n}", f"text {n}")
    first = await fake.slash(couple.alice, "letter list")
    assert "6 in all" in first.text
    assert "Page 1 of 2" in first.text
    assert "Letter number 5" in first.text
    assert "Letter number 0" not in first.text
    second = await fake.click(first, "Next", couple.alice)
    assert "Letter number 0" in second.text
    read = await fake.slash(
        couple.alice,
        "letter read",
        letter=(await letter_ids(fake, couple.alice, "letter read"))[
            "To bob: Letter number 0 (to open when you miss me)"
        ],
    )
    assert "text 0" in read.text


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("to_open", "said"),
    [
        ("2026-11-01", "has passed"),
        ("2026-02-30", "is not a real date"),
        ("2040-01-01", "up to 10 years"),
        ("in 0 days", "say how many"),
        ("in 11 years", "up to 10 years"),
        ("12/24/2026", "not a date I understand"),
        ("our anniversary", "haven't set an anniversary"),
        ("   ", "was empty"),
    ],
)
async def test_bad_to_open_is_refused_before_the_form(
    couple: People, fake: Fake, closer: Closer, to_open: str, said: str
) -> None:
    """Nothing typed is lost: ``to_open`` is checked before the form opens."""
    reply = await fake.slash(couple.alice, "letter write", to_open=to_open)
    assert reply.modal is None
    assert reply.ephemeral
    assert said in reply.text, reply.text
    assert "`to_open`" in reply.text


async def test_a_day_whose_morning_has_passed_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    closer.clock.set(utc(2026, 11, 24, 18, 0))  # 10:00 in Los Angeles: Bob's morning has passed
    reply = await fake.slash(couple.alice, "letter write", to_open="2026-11-24")
    assert reply.modal is None
    assert "already past 09:00" in reply.text
    ok = await fake.slash(couple.alice, "letter write", to_open="2026-11-25")
    assert ok.modal is not None


async def test_our_anniversary_once_one_is_set(couple: People, fake: Fake, closer: Closer) -> None:
    await fake.slash(couple.alice, "date add", kind="anniversary", date="2024-02-14", label="Our anniversary")
    choices = await fake.autocomplete(couple.alice, "letter write", "to_open", "anniv")
    assert "our anniversary" in [c.value for c in choices]
    done = await write_letter(fake, couple.alice, "our anniversary", TITLE, SECRET)
    assert "Sunday 14 February 2027" in done.text, done.text


async def test_a_bad_form_gives_its_text_back(couple: People, fake: Fake, closer: Closer) -> None:
    """The form's own "To open" changed to a date that isn't real, or a blank letter: refused,
    nothing saved, and the text written comes back so nothing is lost."""
    done = await write_letter(fake, couple.alice, "when you miss me", TITLE, SECRET, when="2026-13-01")
    assert done.ephemeral
    assert "not a real date" in done.text
    assert SECRET in done.text
    assert "Nothing was saved" in done.text
    blank = await write_letter(fake, couple.alice, "when you miss me", TITLE, "   \n  ")
    assert "was empty" in blank.text
    long = await write_letter(fake, couple.alice, "when you miss me", TITLE, SECRET, when="x" * 100)
    assert "Sealed" in long.text  # a 100-character occasion is fine
    assert len(await letter_ids(fake, couple.alice)) == 1


async def test_autocomplete_offers_occasions_and_what_you_typed(
    couple: People, fake: Fake, closer: Closer
) -> None:
    offered = [c.value for c in await fake.autocomplete(couple.alice, "letter write", "to_open", "")]
    assert offered[:3] == ["when you miss me", "when you can't sleep", "after a hard day"]
    assert "our anniversary" not in offered
    typed = [
        c.value for c in await fake.autocomplete(couple.alice, "letter write", "to_open", "when it snows")
    ]
    assert typed[0] == "when it snows"


# -- who may -------------------------------------------------------------------------------------


async def test_not_a_partner_cannot_write_open_or_forge_a_form(
    couple: People, fake: Fake, closer: Closer
) -> None:
    for command, options in (
        ("letter write", {"to_open": "when you miss me"}),
        ("letter open", {}),
        ("letter list", {}),
    ):
        reply = await fake.slash(couple.carol, command, **options)
        assert reply.ephemeral
        assert NOT_PARTNER in reply.text
    form = await fake.slash(couple.alice, "letter write", to_open="when you miss me")
    forged = await fake.submit_modal(form, {"title": "t", "letter": "carol-forgery"}, couple.carol)
    assert NOT_PARTNER in forged.text
    assert "carol-forgery" not in (await fake.slash(couple.alice, "letter list")).text


async def test_before_pairing(closer: Closer, fake: Fake, people: People) -> None:
    reply = await fake.slash(people.alice, "letter write", to_open="when you miss me")
    assert reply.modal is None
    assert NO_COUPLE in reply.text
    await fake.slash(
        people.alice,
        "couple setup",
        partner=people.bob,
        options={"channel": people.channel},
        timezone=ALICE_ZONE,
    )
    waiting = await fake.slash(people.alice, "letter open")
    assert "Waiting for" in waiting.text


async def test_a_sealed_letter_survives_a_restart(couple: People, fake: Fake, closer: Closer) -> None:
    await write_letter(fake, couple.alice, "when you miss me", TITLE, SECRET)
    await closer.restart()
    await closer.at(utc(2026, 11, 24, 17, 0))
    shown = await fake.slash(couple.bob, "letter open")
    await fake.select(shown, "Choose a letter to open", ["when you miss me"], couple.bob)
    await fake.idle()
    assert SECRET in letter_dms(fake, couple.bob)[0].text


async def test_pair_helper_is_the_real_flow(fake: Fake, people: People, closer: Closer) -> None:
    """(Bob's zone set after pairing: letters use it for his morning.)"""
    await pair(fake, people.alice, people.bob, people.channel, alice_zone=ALICE_ZONE, bob_zone=BOB_ZONE)
    done = await write_letter(fake, people.alice, "2026-11-25", TITLE, SECRET)
    assert "Wednesday 25 November 2026" in done.text


async def test_withdrawing_one_letter_leaves_the_others_on_their_way(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Withdrawing letter 1 keeps letter 11's capsule (their keys share a beginning)."""
    await write_letter(fake, couple.alice, "2026-12-01", "First", "first-text")
    for n in range(9):
        await write_letter(fake, couple.alice, "when you miss me", f"Sealed {n}", f"sealed {n}")
    await write_letter(fake, couple.alice, "2026-12-02", "Eleventh", "eleventh-text-6612")
    ids = await letter_ids(fake, couple.alice, "letter withdraw")
    first = next(v for k, v in ids.items() if "First" in k)
    ask = await fake.slash(couple.alice, "letter withdraw", letter=first)
    await fake.click(ask, "Withdraw", couple.alice)
    await closer.at(utc(2026, 12, 2, 17, 0))
    [letter] = letter_dms(fake, couple.bob)
    assert "eleventh-text-6612" in letter.text


async def test_news_of_several_letters_comes_as_one_message(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Three letters written in Bob's night make one morning message; two opened in Alice's night
    make one message at her morning."""
    for occasion in ("when you miss me", "after a hard day", "when you can't sleep"):
        await write_letter(fake, couple.alice, occasion, f"Title {occasion}", f"text of {occasion}")
    await closer.at(utc(2026, 11, 24, 16, 0))
    news = [m for m in fake.dms(couple.bob) if "sealed letter" in m.text]
    assert len(news) == 1
    assert (
        "3 sealed letters: 'when you miss me', 'after a hard day' and 'when you can't sleep'" in news[0].text
    )
    assert "text of" not in news[0].text

    await closer.at(utc(2026, 11, 24, 22, 30))  # 14:30 in Los Angeles, 23:30 in Berlin
    shown = await fake.slash(couple.bob, "letter open")
    left = await fake.select(shown, "Choose a letter to open", ["when you miss me"], couple.bob)
    assert "when you miss me" not in left.text
    assert "after a hard day" in left.text
    await fake.select(shown, "Choose a letter to open", ["after a hard day"], couple.bob)
    await fake.idle()
    assert len(letter_dms(fake, couple.bob)) == 2
    assert [m for m in fake.dms(couple.alice) if "opened" in m.text] == []
    await closer.at(utc(2026, 11, 25, 7, 0))  # 08:00 in Berlin
    [told] = [m for m in fake.dms(couple.alice) if "opened" in m.text]
    assert "bob opened 'when you miss me' and 'after a hard day'" in told.text
    assert "text of" not in told.text


async def test_the_day_written_is_the_readers_day(couple: People, fake: Fake, closer: Closer) -> None:
    """Written at 03:00 UTC on 25 November, which is still the 24th in Los Angeles for Bob."""
    closer.clock.set(utc(2026, 11, 25, 3, 0))
    await write_letter(fake, couple.alice, "when you miss me", TITLE, SECRET)
    shown = await fake.slash(couple.bob, "letter open")
    assert "written 24 Nov 2026" in shown.text
    assert shown.message is not None
    [select] = shown.message.selects
    assert select["options"][0]["description"] == "from alice, written 24 Nov 2026"
