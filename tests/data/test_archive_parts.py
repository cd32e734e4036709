"""Each feature's part of the export: composed by position into the documented format whatever
the order the features load in; an import tells every feature, and each re-arms its schedules."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from bot.archive import ArchiveFormat, Section, SpaceArchive, schema_text
from bot.registry import Contribution, Hook
from emulator import Fake
from tests.data.archive import FORMAT, JSON_NAME, SECTIONS
from tests.data.test_data_export import export_of, fill
from tests.data.test_data_import import import_file, new_server
from tests.data.test_export_format import document, documented_schema
from tests.support import Closer, People

CORE = ["format", "version", "exported_at", "exported_by", "couple"]


def test_the_document_keeps_its_order_whatever_order_the_parts_come_in() -> None:
    """Sections in any order compose the same fields, in the documented order, and the same schema."""
    expected = schema_text(FORMAT.json_schema())
    for seed in range(5):
        shuffled = list(SECTIONS)
        random.Random(seed).shuffle(shuffled)
        composed = ArchiveFormat(shuffled)
        assert list(composed.document.model_fields) == list(documented_schema()["properties"])
        assert schema_text(composed.json_schema()) == expected


def test_two_parts_cannot_claim_one_key() -> None:
    """A key is one feature's: a second section with it (or a core key) is refused."""
    questions = next(s for s in SECTIONS if s.key == "questions")
    twin = Section("questions", 999, questions.schema, questions.plan)
    with pytest.raises(ValueError, match="share a key"):
        ArchiveFormat([*SECTIONS, twin])
    with pytest.raises(ValueError, match="share a key"):
        ArchiveFormat([Section("couple", 1, questions.schema, questions.plan)])


def test_without_a_feature_its_key_is_not_in_the_document() -> None:
    """The document holds the loaded features' keys: without the calls, no "calls"."""
    composed = ArchiveFormat([s for s in SECTIONS if s.key != "calls"])
    assert "calls" not in composed.document.model_fields
    assert list(composed.document.model_fields)[: len(CORE)] == CORE
    data = document()
    data.pop("calls")
    assert composed.parse(json.dumps(data).encode()).exported_by == data["exported_by"]


async def test_the_running_bot_composes_the_documented_format(closer: Closer) -> None:
    """Every loaded feature registered its part: they make the schema docs/export-format.md
    prints, also after a feature was reloaded (and so registered last)."""
    bot = closer.bot
    assert bot is not None
    assert {p.section.key for p in bot.registry.archive_parts()} == {s.key for s in SECTIONS}
    assert (
        ArchiveFormat.of(p.section for p in bot.registry.archive_parts()).json_schema() == documented_schema()
    )
    await bot.reload_extension("cogs.questions")
    parts = bot.registry.archive_parts()
    assert [p.section.key for p in parts] == [s.key for s in FORMAT.sections]
    assert ArchiveFormat.of(p.section for p in parts).json_schema() == documented_schema()


async def test_an_import_tells_every_feature_once_and_every_schedule_runs(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Hook.SPACE_RESTORED is emitted once, with the new couple; afterwards every schedule of the
    new server is armed (has its next time), the paused ones only excepted."""
    await fill(closer, fake, couple)
    await fake.slash(couple.bob, "call plan", when="2026-11-27 20:00")
    _, files = await export_of(fake, couple.alice)
    place = new_server(fake, couple)
    await fake.sync()
    bot = closer.bot
    assert bot is not None
    heard: list[Any] = []

    async def spy(restored: Any) -> None:
        heard.append(restored)

    bot.registry.add("spy", Contribution(hooks=((Hook.SPACE_RESTORED, spy),)))
    try:
        reply = await import_file(fake, couple.alice, place, "closer-export.json", files[JSON_NAME])
    finally:
        bot.registry.remove("spy")
    assert "Restored your space" in reply.text, reply.text
    assert [c.guild_id for c in heard] == [place.id]
    schedules = await bot.schedules.for_guild(place.id)
    assert {"question", "question_dm", "checkin", "ritual", "call", "visit", "special_date"} <= {
        s.kind for s in schedules
    }
    unarmed = [(s.kind, s.key) for s in schedules if not s.paused and s.fire_at is None]
    assert unarmed == []


async def test_the_import_writes_schedules_unarmed_and_each_feature_arms_its_own(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The space's writing arms nothing (the choice schedules are rows without a next time);
    Hook.SPACE_RESTORED then has each feature arm its own."""
    await fill(closer, fake, couple)
    await fake.slash(couple.alice, "question schedule", dm_me="07:30")
    document, _ = await export_of(fake, couple.alice)
    bot = closer.bot
    assert bot is not None
    space = SpaceArchive(bot.db, bot.couples, bot.schedules, bot.registry.archive_parts)
    plan = space.format().plan(document, channel_id=1)
    paths = {f.file: f"9/missing-{n}.png" for n, f in enumerate(space.format().files(document))}
    await space.restore(9, plan, paths, closer.clock.now())
    written = await bot.schedules.for_guild(9)
    assert {(s.kind, s.fire_at) for s in written} == {
        ("question", None),
        ("question_dm", None),
        ("checkin", None),
    }
    restored = await bot.couples.get(9)
    await bot.registry.emit(Hook.SPACE_RESTORED, restored)
    armed = await bot.schedules.for_guild(9)
    assert {"question", "question_dm", "question_nudge", "checkin", "ritual", "call", "visit"} <= {
        s.kind for s in armed
    }
    assert [(s.kind, s.key) for s in armed if not s.paused and s.fire_at is None] == []
