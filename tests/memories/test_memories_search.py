"""/memory search: FTS5 over titles, descriptions, saved messages and tags; any input is plain words."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.db import Database, migrate
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.memories import MemoryRepository, NewMemory, normalise_tags
from bot.db.repositories.memory_search import CANDIDATES, MAX_TERMS, anniversary_keys, fts_query, search_terms
from bot.errors import APOLOGY
from emulator import Fake
from tests.memories.test_memories import seed
from tests.support import Closer, People

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


async def add(fake: Fake, people: People, title: str, **options: str) -> None:
    await fake.slash(
        people.alice, "memory add", title=title, date=options.pop("date", "2025-05-01"), **options
    )


# -- through Discord ---------------------------------------------------------------------------------


async def test_search_finds_titles_descriptions_and_tags_best_first(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A title match ranks above a description match; tags are searched too; matches are bold."""
    await add(fake, couple, "Dinner downtown", description="We ended the night at the beach bar")
    await add(fake, couple, "Beach day", description="Sand everywhere")
    await add(fake, couple, "Road trip", tags="beach, coast")
    await add(fake, couple, "Snow", description="Nothing to do with it")
    reply = await fake.slash(couple.bob, "memory search", query="beach")
    assert reply.ephemeral
    text = reply.text
    assert "Beach day" in text
    assert "Road trip" in text
    assert "Dinner downtown" in text
    assert "Snow" not in text
    assert text.index("Beach day") < text.index("Dinner downtown")
    assert "at the **beach** bar" in text
    assert "3 memories found" in text


async def test_search_matches_word_forms_and_accents(couple: People, fake: Fake, closer: Closer) -> None:
    """ "hiking" finds "hike" and "cafe" finds "Café" (stemming, accents folded)."""
    await add(fake, couple, "Morning hike", description="Breakfast at the Café")
    assert "Morning hike" in (await fake.slash(couple.alice, "memory search", query="hiking")).text
    assert "Morning hike" in (await fake.slash(couple.alice, "memory search", query="CAFE")).text


async def test_search_finds_the_text_of_a_saved_message(couple: People, fake: Fake, closer: Closer) -> None:
    """A memory saved from a message is found by that message's words."""
    posted = await fake.user_message(couple.bob, couple.channel, "The lighthouse at dawn")
    form = await fake.context_menu(couple.alice, "Save as memory", posted)
    await fake.submit_modal(form, {"title": "Morning"})
    assert "Morning" in (await fake.slash(couple.alice, "memory search", query="lighthouse")).text


async def test_when_no_memory_has_every_word_any_word_counts(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Every word first; if nothing has them all, memories with some of them, saying so."""
    await add(fake, couple, "Paris trip")
    await add(fake, couple, "Rome trip")
    both = await fake.slash(couple.alice, "memory search", query="paris trip")
    assert "Paris trip" in both.text
    assert "Rome trip" not in both.text
    some = await fake.slash(couple.alice, "memory search", query="paris rome")
    assert "Paris trip" in some.text
    assert "Rome trip" in some.text
    assert "No memory has all of those words" in some.text


HOSTILE = [
    '"',
    '"beach',
    "AND OR",
    "beach AND OR NOT",
    "NEAR(",
    "NEAR(beach sand, 5",
    "*",
    "beach*",
    "title: beach",
    "(beach OR",
    ")))",
    "^beach",
    "- beach +",
    "🏖️🌊",
    "🏖️ beach",
    "'; DROP TABLE memories; --",
    "%_\\",
    "x" * 6000,
    ('beach sand NEAR( " * ) AND OR 🏖️ ' * 200)[:6000],
]


@pytest.mark.parametrize("query", HOSTILE, ids=[f"q{i}" for i in range(len(HOSTILE))])
async def test_any_input_is_plain_words_and_never_an_error(
    couple: People, fake: Fake, closer: Closer, query: str
) -> None:
    """Quotes, operators, brackets, emoji and the longest query Discord allows answer results or
    a friendly "nothing found", in time, never an error."""
    await add(fake, couple, "Beach day", description="Sand and sea")
    reply = await fake.slash(couple.alice, "memory search", query=query)
    assert reply.ephemeral
    assert reply.latency is not None
    assert reply.latency < 3
    assert APOLOGY not in reply.text
    assert ("Beach day" in reply.text) or ("Nothing found" in reply.text)
    if "beach" in query.lower():
        assert "Beach day" in reply.text


async def test_search_results_page_with_buttons(couple: People, fake: Fake, closer: Closer) -> None:
    """25 matches: 10 a page, Next and Previous move between pages."""
    await seed(closer, couple, 25, description="a picnic in the park")
    first = await fake.slash(couple.alice, "memory search", query="picnic")
    assert "Page 1 of 3 · 25 memories found" in first.text
    assert first.text.count("Memory number") == 10
    await fake.click(first, "Next")
    await fake.click(first, "Next")
    assert "Page 3 of 3" in first.text
    assert first.text.count("Memory number") == 5
    await fake.click(first, "Previous")
    assert "Page 2 of 3" in first.text


async def test_a_long_search_keeps_its_pages(couple: People, fake: Fake, closer: Closer) -> None:
    """A search whose words don't fit in a button still pages (until a restart, then it says so)."""
    await seed(closer, couple, 12, description="picnic")
    query = "picnic " + " ".join(f"word{n}" for n in range(10))
    first = await fake.slash(couple.alice, "memory search", query=query)
    assert "Page 1 of 2" in first.text
    await fake.click(first, "Next")
    assert "Page 2 of 2" in first.text
    await closer.restart()
    expired = await fake.click(first, "Previous")
    assert "expired" in expired.text


async def test_a_query_without_words_is_a_friendly_nothing_found(couple: People, fake: Fake) -> None:
    """Only punctuation or emoji: nothing to search for, said kindly."""
    reply = await fake.slash(couple.alice, "memory search", query="*** 🙂 ???")
    assert reply.ephemeral
    assert "Nothing found" in reply.text
    assert "words" in reply.text


# -- the repository ------------------------------------------------------------------------------


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = await Database.open(tmp_path / "closer.sqlite3")
    await migrate(database)
    couples = CoupleRepository(database)
    for guild, (a, b) in {1: (11, 12), 2: (21, 22)}.items():
        await couples.invite(
            guild_id=guild,
            channel_id=guild * 100,
            inviter_id=a,
            inviter_name="a",
            invitee_id=b,
            zone="UTC",
            now=NOW,
        )
        await couples.accept(guild, b, "b", NOW)
    yield database  # type: ignore[misc]
    await database.close()


async def test_a_search_only_sees_its_own_couples_memories(db: Database) -> None:
    """Two servers' books never mix in search."""
    memories = MemoryRepository(db)
    await memories.add_many(1, [NewMemory(11, "Beach in Nice", date(2024, 1, 1))], NOW)
    await memories.add_many(2, [NewMemory(21, "Beach in Porto", date(2024, 1, 1))], NOW)
    found = await memories.search(1, ("beach",), offset=0, limit=10)
    assert [m.title for m in found.memories] == ["Beach in Nice"]


async def test_a_ten_thousand_character_query_answers_quickly(db: Database) -> None:
    """A 10,000-character query is cut to its first words and answers far inside 3 seconds."""
    memories = MemoryRepository(db)
    await memories.add_many(1, [NewMemory(11, f"Beach {n}", date(2024, 1, 1)) for n in range(200)], NOW)
    query = ('beach NEAR( " * AND OR 🏖️ (' * 1000)[:10_000]
    started = time.perf_counter()
    found = await memories.search(1, search_terms(query), offset=0, limit=10)
    assert time.perf_counter() - started < 1
    assert len(found.memories) == 10


async def test_a_very_common_word_ranks_a_bounded_number_of_matches(db: Database) -> None:
    """A word in more memories than are ranked still answers, and says there are more."""
    memories = MemoryRepository(db)
    items = [NewMemory(11, f"Love {n}", date(2024, 1, 1)) for n in range(CANDIDATES + 50)]
    await memories.add_many(1, items, NOW)
    found = await memories.search(1, ("love",), offset=0, limit=10)
    assert found.capped
    assert found.total == CANDIDATES
    assert len(found.memories) == 10


# -- plain logic -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ('"beach"', ("beach",)),
        ("AND OR", ("and", "or")),
        ("NEAR(beach, 5)", ("near", "beach", "5")),
        ("beach* sand^", ("beach", "sand")),
        ("🏖️🌊 ", ()),
        ("Beach BEACH beach", ("beach",)),
        ("snake_case", ("snake", "case")),
        ("Café São", ("café", "são")),
    ],
)
def test_search_terms_are_plain_words(query: str, terms: tuple[str, ...]) -> None:
    """Everything but letters and digits separates words; repeats and case are folded."""
    assert search_terms(query) == terms


def test_search_terms_are_capped() -> None:
    """A huge query searches only its first words."""
    terms = search_terms(" ".join(f"w{n}" for n in range(5000)))
    assert len(terms) == MAX_TERMS
    assert terms[0] == "w0"


def test_each_term_is_quoted_for_fts5() -> None:
    """Terms become quoted strings joined by spaces (every word) or OR (any word)."""
    assert fts_query(("a", 'b"c')) == '"a" "b""c"'
    assert fts_query(("a", "b"), every_word=False) == '"a" OR "b"'


def test_tags_are_normalised() -> None:
    """Lowercase, trimmed, no leading #, spaces collapsed, no duplicates, order kept."""
    assert normalise_tags(" Beach, #First   Trip,beach,, ") == ("beach", "first trip")


@pytest.mark.parametrize(
    ("today", "keys"),
    [
        (date(2027, 2, 28), ("02-28", "02-29")),
        (date(2028, 2, 28), ("02-28",)),
        (date(2028, 2, 29), ("02-29",)),
        (date(2100, 2, 28), ("02-28", "02-29")),
        (date(2027, 3, 1), ("03-01",)),
    ],
)
def test_leap_day_memories_come_back_on_feb_28_in_other_years(today: date, keys: tuple[str, ...]) -> None:
    """The month-days resurfacing on a date (Feb 29 on Feb 28 when there is no Feb 29)."""
    assert anniversary_keys(today) == keys
