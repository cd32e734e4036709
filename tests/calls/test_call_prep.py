"""The night's idea the day before (issue 14): an idea that needs something ready is announced in
the shared channel the day before the call, when both are awake, once per call night; with no
such announcement, the call-time card only offers ideas that need nothing ready."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.content import load
from emulator import Fake
from emulator.results import Msg
from tests.support import Closer, People

# Monday 1 March 2027, 12:00 UTC: 13:00 in Berlin, 04:00 in Los Angeles.
MARCH = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
RECIPE = {
    "title": "Cook the same recipe",
    "text": "Pick a simple recipe, cook it together on camera, and eat 'together'.",
    "prep": "Agree on the recipe and buy what's missing the day before.",
}
CHAT = {
    "title": "Rewind your day",
    "text": "Tell each other about your day backwards, from now to waking up.",
}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def ideas(fake: Fake, people: People) -> list[Msg]:
    return [m for m in fake.messages(people.channel) if "Tomorrow's call idea" in m.text]


def card_ideas(fake: Fake, people: People) -> list[str]:
    return [
        f["name"]
        for m in fake.messages(people.channel)
        if m.embed and (m.embed.get("title") or "").startswith("It's call time")
        for f in m.embed.get("fields", [])
        if f["name"].startswith("A shared idea")
    ]


@pytest.fixture
async def march(couple: People, closer: Closer) -> People:
    closer.clock.set(MARCH)
    return couple


def only(closer: Closer, monkeypatch: pytest.MonkeyPatch, *activities: dict[str, Any]) -> None:
    """The call-night ideas are just these (in the module the running bot loaded)."""
    assert closer.bot is not None
    module = sys.modules[type(closer.bot.get_cog("CallCog").deliveries).__module__]  # type: ignore[union-attr]
    monkeypatch.setattr(
        module, "load", lambda name: {"activity": list(activities)} if name == "activities" else load(name)
    )


async def test_an_idea_that_needs_shopping_is_announced_the_day_before(
    march: People, fake: Fake, closer: Closer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Friday 20:00 Berlin call: on Thursday at 18:00 Berlin (09:00 Los Angeles) the idea and what
    to get ready come once; Friday's card offers the same idea."""
    only(closer, monkeypatch, RECIPE)
    await fake.slash(march.alice, "call schedule", weekday="Friday", time="20:00")
    await closer.at(utc(2027, 3, 4, 16, 59))
    assert ideas(fake, march) == []
    await closer.at(utc(2027, 3, 4, 17))
    (idea,) = ideas(fake, march)
    assert "Cook the same recipe" in idea.text
    assert "To get ready" in idea.text
    assert "buy what's missing" in idea.text
    assert march.alice.mention in idea.content
    assert march.bob.mention in idea.content
    await closer.restart()
    only(closer, monkeypatch, RECIPE)
    await closer.at(utc(2027, 3, 4, 18))
    await closer.at(utc(2027, 3, 5, 19))
    assert len(ideas(fake, march)) == 1
    assert card_ideas(fake, march) == ["A shared idea: Cook the same recipe"]


async def test_without_an_announcement_the_card_offers_an_idea_needing_nothing(
    march: People, fake: Fake, closer: Closer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call planned for tonight had no day before: its card never offers the recipe night."""
    only(closer, monkeypatch, RECIPE, CHAT)
    await fake.slash(march.alice, "call plan", when="today 20:00")
    await closer.at(utc(2027, 3, 1, 19))
    assert ideas(fake, march) == []
    assert card_ideas(fake, march) == ["A shared idea: Rewind your day"]


async def test_an_idea_needing_nothing_is_not_announced(
    march: People, fake: Fake, closer: Closer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing to get ready: no post the day before; the card brings the idea."""
    only(closer, monkeypatch, CHAT)
    await fake.slash(march.alice, "call schedule", weekday="Friday", time="20:00")
    await closer.at(utc(2027, 3, 4, 17))
    await closer.at(utc(2027, 3, 5, 19))
    assert ideas(fake, march) == []
    assert card_ideas(fake, march) == ["A shared idea: Rewind your day"]
