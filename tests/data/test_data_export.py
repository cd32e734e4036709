"""/data export: a zip by DM with everything the requester may see (and nothing more), valid
against the documented schema, a readable memory book, split into parts when it is large."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.db.repositories.checkins import CheckinRepository, Sharing
from emulator import Fake
from emulator.results import Msg
from tests.data.archive import BOOK_NAME, JSON_NAME, PART_NAME, ExportDocument, parse_document
from tests.support import Closer, People, answer, latest_post, png, post_now

ROOT = Path(__file__).resolve().parents[2]

# Texts that must never reach the other partner's export.
BOB_UNREVEALED = "bob-unrevealed-4417"
BOB_NOTE = "bob-mood-only-note-9051"
ALICE_SKIPPED = "alice-answer-to-a-skipped-question-2208"
ALICE_ON_ITS_WAY = "alice-appreciation-still-waiting-6630"
BOB_GRATITUDE = "bob-gratitude-alice-has-not-answered-3312"


# -- helpers (other test_data*.py files use them too) ---------------------------------------------


def zips_in(messages: list[Msg]) -> list[tuple[str, bytes]]:
    return [(a.filename, a.data) for m in messages for a in m.attachments if a.filename.endswith(".zip")]


def export_zips(fake: Fake, user: Any) -> list[tuple[str, bytes]]:
    """The export zips in ``user``'s DMs (oldest first)."""
    return zips_in(fake.dms(user))


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


async def export_of(fake: Fake, user: Any, **where: Any) -> tuple[ExportDocument, dict[str, bytes]]:
    """Run /data export as ``user``; the document and every file of the newest export."""
    before = len(export_zips(fake, user))
    reply = await fake.slash(user, "data export", **where)
    assert reply.ephemeral
    assert "Sent to your DMs" in reply.text, reply.text
    await fake.idle()
    files: dict[str, bytes] = {}
    for _, data in export_zips(fake, user)[before:]:
        files.update(unzip(data))
    return parse_document(files[JSON_NAME]), files


def everything_said(document: ExportDocument, files: dict[str, bytes]) -> str:
    return json.dumps(document.model_dump(mode="json"), ensure_ascii=False) + files[BOOK_NAME].decode()


async def fill(closer: Closer, fake: Fake, people: People) -> None:
    """A lived-in space, through the real commands where it matters:

    - a question Alice answered and Bob skipped; its replacement, answered by both (revealed);
    - tomorrow's question, answered by Bob only (unrevealed);
    - check-ins of both, Bob sharing moods only; a memory with a photo by Alice, one by Bob;
    - appreciations both ways (Alice's waits for the end of Bob's night), a win, a ritual,
      a weekly call, a visit and an anniversary.
    """
    bot = closer.bot
    assert bot is not None
    post = await post_now(fake, people)
    await answer(fake, post, people.alice, ALICE_SKIPPED)
    ask = await fake.click(post, "Skip", people.bob)
    await fake.click(ask, "Not today", people.bob)
    await fake.idle()
    fresh = latest_post(fake, people)
    await answer(fake, fresh, people.alice, "Alice: the mountains, always.")
    await answer(fake, fresh, people.bob, "Bob: the sea, with you.")

    checkins = CheckinRepository(bot.db)
    now = closer.clock.now()
    await fake.slash(people.bob, "checkin sharing", level="mood")  # before: each check-in keeps its level
    await checkins.save(
        people.guild.id,
        people.alice.id,
        date(2026, 11, 23),
        mood=4,
        zone="Europe/Berlin",
        now=now,
        note="Alice feels good",
    )
    await checkins.save(
        people.guild.id,
        people.bob.id,
        date(2026, 11, 23),
        mood=2,
        zone="America/Los_Angeles",
        now=now,
        note=BOB_NOTE,
    )

    upload = fake.upload("beach.png", png(1), "image/png")
    await fake.slash(
        people.alice,
        "memory add",
        title="Beach day",
        date="2025-07-14",
        photo=upload,
        description="Sand everywhere.",
    )
    await fake.slash(
        people.bob, "memory add", title="Snow in Kyoto", date="2025-01-20", tags="winter, travel"
    )

    await fake.slash(people.bob, "appreciate", message="Bob thanks Alice for the call.")
    await fake.slash(people.alice, "win", text="Alice finished the marathon")
    await fake.slash(people.alice, "ritual add", template="gratitude", time="20:00", day="sunday")
    await fake.slash(people.alice, "call schedule", weekday=5, time="19:30")
    await fake.slash(people.bob, "visit set", date="2026-12-20")
    await fake.slash(people.alice, "date add", kind="anniversary", date="2021-06-12", label="Our anniversary")
    await fake.slash(people.bob, "question add", text="What song reminds you of us?", category="fun")
    await fake.slash(people.bob, "question schedule", dm_me="07:30")
    await fake.slash(people.alice, "lovelanguage set", primary="time", secondary="words")
    await fake.slash(people.alice, "call skip")
    rituals = bot.rituals.repo
    gratitude = next(r for r in await rituals.for_guild(people.guild.id) if r.template == "gratitude")
    run = await rituals.start_run(gratitude.id, now - timedelta(days=2))
    await rituals.answer(run.id, people.alice.id, 0, "Alice is grateful for tea", now)
    await rituals.answer(run.id, people.bob.id, 0, "Bob is grateful for Alice", now)
    lonely = await rituals.start_run(gratitude.id, now - timedelta(days=1))
    await rituals.answer(lonely.id, people.bob.id, 0, BOB_GRATITUDE, now)
    await rituals.add_goodnight(people.guild.id, people.bob.id, people.alice.id, "Sleep well, Alice", now)
    await fake.idle()

    # Tomorrow's question (18:00 Berlin, 09:00 for Bob), answered by Bob only.
    await closer.at(closer.clock.now() + timedelta(hours=29))
    tomorrow = latest_post(fake, people)
    await answer(fake, tomorrow, people.bob, BOB_UNREVEALED)
    closer.clock.set(closer.clock.now() + timedelta(hours=15))
    await fake.slash(people.alice, "appreciate", message=ALICE_ON_ITS_WAY)  # 00:00 for Bob: it waits


@pytest.fixture
async def filled(couple: People, fake: Fake, closer: Closer) -> People:
    await fill(closer, fake, couple)
    return couple


# -- what the export holds ------------------------------------------------------------------------


async def test_the_export_arrives_by_dm_as_a_zip_with_the_json_and_the_memory_book(
    filled: People, fake: Fake
) -> None:
    """A deferred reply, then one zip in the requester's DMs holding the JSON, the book and the photo."""
    document, files = await export_of(fake, filled.alice)
    assert {JSON_NAME, BOOK_NAME} <= set(files)
    photos = [name for name in files if name.startswith("photos/")]
    assert photos == ["photos/0002-1-beach-day.png"]
    assert files[photos[0]] == png(1)
    assert document.exported_by == str(filled.alice.id)
    assert [m.title for m in document.memories] == ["Snow in Kyoto", "Beach day"]
    assert len(export_zips(fake, filled.alice)) == 1


async def test_the_export_holds_what_the_requester_may_see(filled: People, fake: Fake) -> None:
    """Revealed answers, the requester's own unrevealed one, moods shared, memories, rituals,
    calls, visits, dates, appreciations and wins are all there."""
    document, files = await export_of(fake, filled.alice)
    said = everything_said(document, files)
    for expected in (
        "Alice: the mountains, always.",
        "Bob: the sea, with you.",
        ALICE_SKIPPED,
        ALICE_ON_ITS_WAY,
        "Bob thanks Alice for the call.",
        "Alice finished the marathon",
        "Sand everywhere.",
        "Our anniversary",
    ):
        assert expected in said
    moods = {(c.user_id, c.mood, c.note) for c in document.checkins.entries}
    assert moods == {(str(filled.alice.id), 4, "Alice feels good"), (str(filled.bob.id), 2, None)}
    assert [r.template for r in document.rituals if r.template == "gratitude"] == ["gratitude"]
    assert [(c.kind, c.weekday, c.time) for c in document.calls] == [("weekly", 5, "19:30")]
    assert [v.date for v in document.visits] == ["2026-12-20"]
    assert {s.kind for s in document.schedules} == {"question", "question_dm", "checkin"}
    assert [q.text for q in document.questions.own] == ["What song reminds you of us?"]
    assert [(ll.primary, ll.secondary) for ll in document.checkins.love_languages] == [("time", "words")]
    assert [c.status for c in document.calls[0].changes] == ["skipped"]
    both, alone = next(r for r in document.rituals if r.template == "gratitude").runs
    assert sorted(a.answer for a in both.answers) == [
        "Alice is grateful for tea",
        "Bob is grateful for Alice",
    ]
    assert alone.answers == []  # Bob's, until Alice answers too
    assert [g.message for g in document.goodnights] == ["Sleep well, Alice"]


async def test_a_partners_unrevealed_answer_and_unshared_notes_never_appear(
    filled: People, fake: Fake
) -> None:
    """Alice's export has none of Bob's unrevealed answer, the note he keeps to himself, or his
    gratitude answer she hasn't matched yet."""
    document, files = await export_of(fake, filled.alice)
    said = everything_said(document, files)
    assert BOB_UNREVEALED not in said
    assert BOB_NOTE not in said
    assert BOB_GRATITUDE not in said
    tomorrow = document.questions.days[-1]
    assert tomorrow.status == "open"
    assert tomorrow.answers == []


async def test_a_partner_sees_neither_the_others_skipped_answer_nor_a_note_on_its_way(
    filled: People, fake: Fake
) -> None:
    """Bob's export keeps Alice's answer to the skipped question and her waiting note out, and
    has his own unrevealed answers and his own note."""
    document, files = await export_of(fake, filled.bob)
    said = everything_said(document, files)
    assert ALICE_SKIPPED not in said
    assert ALICE_ON_ITS_WAY not in said
    assert BOB_UNREVEALED in said
    assert BOB_NOTE in said
    assert BOB_GRATITUDE in said


async def test_check_ins_shared_as_nothing_are_left_out_entirely(
    filled: People, fake: Fake, closer: Closer
) -> None:
    """A check-in made while sharing "nothing" is not in the partner's export, even once sharing is
    back on; one shared before stays as it was shared (issue 14: privacy is per check-in)."""
    await fake.slash(filled.bob, "checkin sharing", level="nothing")
    assert closer.bot is not None
    await CheckinRepository(closer.bot.db).save(
        filled.guild.id, filled.bob.id, date(2026, 11, 22), mood=1, zone="UTC", now=closer.clock.now()
    )
    await fake.slash(filled.bob, "checkin sharing", level="full")
    document, _ = await export_of(fake, filled.alice)
    bobs = [(c.day, c.mood, c.note) for c in document.checkins.entries if c.user_id == str(filled.bob.id)]
    assert bobs == [("2026-11-23", 2, None)]


async def test_the_export_is_valid_against_the_documented_schema(filled: People, fake: Fake) -> None:
    """closer-export.json validates against the JSON Schema printed in docs/export-format.md."""
    from tests.data.test_export_format import documented_schema, validate

    _, files = await export_of(fake, filled.alice)
    problems = validate(json.loads(files[JSON_NAME]), documented_schema())
    assert problems == []


async def test_the_memory_book_links_its_photos_and_holds_every_memory(filled: People, fake: Fake) -> None:
    """memory-book.md names each memory with its date and links each photo to its file."""
    _, files = await export_of(fake, filled.alice)
    book = files[BOOK_NAME].decode()
    assert "### Beach day · 14 July 2025" in book
    assert "### Snow in Kyoto · 20 January 2025" in book
    for link in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", book):
        assert link in files
    assert "Bob: the sea, with you." in book


# -- split exports --------------------------------------------------------------------------------


@pytest.fixture
def small_uploads(monkeypatch: pytest.MonkeyPatch) -> int:
    """Discord's upload limit for the interaction lowered to 64 KB (the emulator sends it)."""
    import emulator.actions
    import emulator.ops

    # What the interaction says, and what the emulator enforces on every upload.
    monkeypatch.setattr(emulator.actions, "ATTACHMENT_SIZE_LIMIT", 64 * 1024)
    monkeypatch.setattr(emulator.ops, "ATTACHMENT_SIZE_LIMIT", 64 * 1024)
    return 64 * 1024


async def test_an_export_larger_than_the_upload_limit_comes_in_parts_each_under_it(
    couple: People, fake: Fake, closer: Closer, small_uploads: int
) -> None:
    """Photos over the limit in total: numbered parts, each under it, and the reply says so."""
    for n in range(3):
        photo = png(n) + bytes(30 * 1024)  # a valid PNG start with 30 KB of padding
        await fake.slash(
            couple.alice,
            "memory add",
            title=f"Trip {n}",
            date="2025-05-01",
            photo=fake.upload(f"t{n}.png", photo, "image/png"),
        )
    reply = await fake.slash(couple.alice, "data export")
    assert "split into" in reply.text
    parts = export_zips(fake, couple.alice)
    assert len(parts) >= 2
    assert all(len(data) < small_uploads for _, data in parts)
    assert [name for name, _ in parts] == [
        f"closer-export-2026-11-24-part{n}-of-{len(parts)}.zip" for n in range(1, len(parts) + 1)
    ]
    files: dict[str, bytes] = {}
    for _, data in parts:
        content = unzip(data)
        assert PART_NAME in content
        files.update(content)
    document = parse_document(files[JSON_NAME])
    assert sorted(p.file for m in document.memories for p in m.photos) == sorted(
        name for name in files if name.startswith("photos/")
    )


@pytest.mark.allow_violations("dm.closed")
async def test_with_dms_closed_the_export_comes_as_ephemeral_files_here(couple: People, fake: Fake) -> None:
    """DMs closed: the zip is sent here, only to the requester."""
    fake.close_dms(couple.alice)
    reply = await fake.slash(couple.alice, "data export")
    assert "DMs are closed" in reply.text
    followups = await reply.wait_for_followup(1)
    assert all(m.ephemeral for m in followups)
    assert [a.filename for m in followups for a in m.attachments] == ["closer-export-2026-11-24.zip"]


# -- who may export -------------------------------------------------------------------------------


async def test_someone_who_is_not_a_partner_cannot_export(couple: People, fake: Fake) -> None:
    """Carol is told only the partners can use Closer here; nothing is sent."""
    reply = await fake.slash(couple.carol, "data export")
    assert reply.ephemeral
    assert "Only the two partners" in reply.text
    assert export_zips(fake, couple.carol) == []


async def test_export_in_a_dm_points_to_the_server(couple: People, fake: Fake) -> None:
    """/data export in a DM says to use it in the shared server."""
    reply = await fake.slash(couple.alice, "data export", dm=True)
    assert "not in DMs" in reply.text


async def test_export_before_pairing_explains_how_to_start(
    closer: Closer, fake: Fake, people: People
) -> None:
    """Before pairing there is nothing to export, and the reply says how to begin."""
    reply = await fake.slash(people.alice, "data export")
    assert "/couple setup" in reply.text


def test_the_bare_json_of_an_export_is_read_like_the_zip() -> None:
    """A hand-made document with a wrong format is refused with a plain sentence."""
    from bot.errors import UserError

    with pytest.raises(UserError, match="isn't a Closer export"):
        parse_document(b'{"format": "something-else"}')


def test_a_sharing_level_is_what_the_mood_module_knows() -> None:
    """The export's sharing levels are the check-in feature's own."""
    from cogs.checkins.archive import SharingDoc

    schema = SharingDoc.model_json_schema()
    assert set(schema["properties"]["level"]["enum"]) == {level.value for level in Sharing}
