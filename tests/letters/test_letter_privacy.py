"""A letter is its recipient's to read only once it was delivered or opened: one test per path
(DMs and the channel, /couple status, /memory search, /question history, /data export); the
writer's export has everything they wrote; export → import keeps letters; /data delete removes
them per its scope."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from emulator import Fake
from tests.data.test_data_export import export_of, export_zips
from tests.data.test_data_import import import_file, new_server, table_count
from tests.letters.helpers import dm_text, write_letter
from tests.support import Closer, People, post_now

SEALED_TEXT = "sealed-words-nobody-reads-4471"
SEALED_TITLE = "Sealed title 0093"
CAPSULE_TEXT = "capsule-words-for-spring-8826"
CAPSULE_TITLE = "Capsule title 5510"
SECRETS = (SEALED_TEXT, SEALED_TITLE, CAPSULE_TEXT, CAPSULE_TITLE)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def two_letters(fake: Fake, people: People, closer: Closer) -> None:
    """Alice writes Bob a sealed letter and a capsule for next spring; a day goes by."""
    await write_letter(fake, people.alice, "when you miss me", SEALED_TITLE, SEALED_TEXT)
    await write_letter(fake, people.alice, "2027-04-01", CAPSULE_TITLE, CAPSULE_TEXT)
    await closer.at(utc(2026, 11, 25, 18, 0))


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


async def test_not_in_dms_or_the_channel(couple: People, fake: Fake, closer: Closer) -> None:
    await two_letters(fake, couple, closer)
    assert "sealed letter" in dm_text(fake, couple.bob)  # he hears one waits, nothing of it
    assert leaks(dm_text(fake, couple.bob)) == []
    channel = "\n".join(m.text for m in fake.messages(couple.channel))
    threads = "\n".join(m.text for t in fake.threads(couple.channel) for m in fake.messages(t))
    assert leaks(channel + threads) == []


async def test_not_in_couple_status(couple: People, fake: Fake, closer: Closer) -> None:
    await two_letters(fake, couple, closer)
    status = await fake.slash(couple.bob, "couple status")
    assert status.text
    assert leaks(status.all_text) == []


async def test_not_in_memory_search(couple: People, fake: Fake, closer: Closer) -> None:
    await two_letters(fake, couple, closer)
    for words in ("sealed-words", "nobody reads", "Capsule title"):
        found = await fake.slash(couple.bob, "memory search", query=words)
        assert leaks(found.all_text) == []


async def test_not_in_question_history(couple: People, fake: Fake, closer: Closer) -> None:
    await post_now(fake, couple)
    await two_letters(fake, couple, closer)
    history = await fake.slash(couple.bob, "question history")
    assert history.text
    assert leaks(history.all_text) == []


async def test_not_in_the_recipients_export_until_read(couple: People, fake: Fake, closer: Closer) -> None:
    """Bob's export has no letter while both wait; the opened one once he opened it; Alice's has both."""
    await two_letters(fake, couple, closer)
    bob, _ = await export_of(fake, couple.bob)
    assert bob.letters == []
    assert leaks(json.dumps(bob.model_dump(mode="json"))) == []
    alice, _ = await export_of(fake, couple.alice)
    assert sorted(letter.title for letter in alice.letters) == sorted([SEALED_TITLE, CAPSULE_TITLE])
    capsule = next(letter for letter in alice.letters if letter.open_on)
    assert capsule.open_on == "2027-04-01"
    assert capsule.delivered_at is None

    shown = await fake.slash(couple.bob, "letter open")
    await fake.select(shown, "Choose a letter to open", ["when you miss me"], couple.bob)
    await fake.idle()
    bob, _ = await export_of(fake, couple.bob)
    assert [(letter.title, letter.text, letter.occasion) for letter in bob.letters] == [
        (SEALED_TITLE, SEALED_TEXT, "when you miss me")
    ]
    assert bob.letters[0].opened_at is not None
    assert CAPSULE_TEXT not in json.dumps(bob.model_dump(mode="json"))


async def test_a_letter_survives_export_then_import(couple: People, fake: Fake, closer: Closer) -> None:
    """Alice's export imported in a new server: both letters are back, the capsule planned again
    and delivered on its day there; the sealed one opens."""
    await two_letters(fake, couple, closer)
    first, _ = await export_of(fake, couple.alice)
    [(name, data)] = export_zips(fake, couple.alice)
    place = new_server(fake, couple)
    await fake.sync()
    reply = await import_file(fake, couple.alice, place, name, data)
    assert "Restored your space" in reply.text, reply.text
    assert await table_count(closer, "letters", place.id) == 2
    assert closer.bot is not None
    [capsule] = await closer.bot.schedules.for_guild(place.id, ("letter_capsule",))
    assert capsule.fire_at == utc(2027, 4, 1, 16, 0)  # 09:00 in Los Angeles (daylight time)
    second, _ = await export_of(fake, couple.alice, channel=place.channel("us"))
    assert [letter.model_dump() for letter in second.letters] == [
        letter.model_dump() for letter in first.letters
    ]

    shown = await fake.slash(couple.bob, "letter open", channel=place.channel("us"))
    assert "when you miss me" in shown.text


async def test_delete_mine_removes_the_writers_letters(couple: People, fake: Fake, closer: Closer) -> None:
    """Alice deletes her data: her letters go (counted first); Bob's letter to her is kept for him."""
    await two_letters(fake, couple, closer)
    await write_letter(fake, couple.bob, "when you can't sleep", "From bob", "bob-letter-3321")
    ask = await fake.slash(couple.alice, "data delete", scope="mine")
    assert "2 letters" in ask.text, ask.text
    await fake.click(ask, "Delete", couple.alice)
    assert closer.bot is not None
    db = closer.bot.db
    assert await db.fetchval("SELECT COUNT(*) FROM letters WHERE from_user = ?", (couple.alice.id,)) == 0
    assert await db.fetchval("SELECT COUNT(*) FROM letters WHERE from_user = ?", (couple.bob.id,)) == 1
    assert await closer.bot.schedules.for_guild(couple.guild.id, ("letter_capsule",)) == []


async def test_delete_space_removes_every_letter(couple: People, fake: Fake, closer: Closer) -> None:
    await two_letters(fake, couple, closer)
    ask = await fake.slash(couple.bob, "data delete", scope="space")
    assert "2 letters" in ask.text, ask.text
    await fake.click(ask, "Delete", couple.bob)
    assert await table_count(closer, "letters", couple.guild.id) == 0
