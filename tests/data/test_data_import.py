"""/data import: an export restores a couple into a server with no couple yet, schedules included;
import then export gives the same content; a split export comes back part by part; bad files
are refused and write nothing."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.archive.values import VERSION
from emulator import Fake
from emulator.state import Guild
from tests.data.archive import JSON_NAME, content_of, parse_document
from tests.data.test_data_export import export_of, export_zips, fill, unzip
from tests.support import Closer, People, png


def new_server(fake: Fake, people: People, *members: Any) -> Guild:
    """Another server with the bot, for the couple to move to."""
    return fake.create_guild(
        "New place", members=list(members or (people.alice, people.bob)), text_channels=["general", "us"]
    )


async def import_file(fake: Fake, user: Any, guild: Guild, name: str, data: bytes, **options: Any) -> Any:
    upload = fake.upload(name, data, "application/zip" if name.endswith(".zip") else "application/json")
    return await fake.slash(
        user, "data import", channel=guild.channel("us"), options={"file": upload, **options}
    )


async def table_count(closer: Closer, table: str, guild_id: int) -> int:
    assert closer.bot is not None
    return int(await closer.bot.db.fetchval(f"SELECT COUNT(*) FROM {table} WHERE guild_id = ?", (guild_id,)))


# -- the round trip -------------------------------------------------------------------------------


async def test_import_then_export_gives_the_same_content(couple: People, fake: Fake, closer: Closer) -> None:
    """A lived-in space exported, imported in a new server, exported again: the same content,
    the same photo bytes."""
    await fill(closer, fake, couple)
    first, first_files = await export_of(fake, couple.alice)
    [(name, data)] = export_zips(fake, couple.alice)
    place = new_server(fake, couple)
    await fake.sync()

    reply = await import_file(fake, couple.alice, place, name, data)
    assert "Restored your space" in reply.text, reply.text
    second, second_files = await export_of(fake, couple.alice, channel=place.channel("us"))
    assert content_of(second) == content_of(first)
    assert second.couple.server_id == str(place.id)
    photos = {k: v for k, v in first_files.items() if k.startswith("photos/")}
    assert photos
    assert {k: v for k, v in second_files.items() if k.startswith("photos/")} == photos


async def test_an_import_rebuilds_every_features_schedules(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Question time, DM copy, nudges, check-ins, rituals, the calls with their reminders, the
    visit countdown and the anniversary are all scheduled in the new server."""
    await fill(closer, fake, couple)
    await fake.slash(couple.bob, "call plan", when="2026-11-27 20:00")
    _, files = await export_of(fake, couple.alice)
    place = new_server(fake, couple)
    await fake.sync()
    await import_file(fake, couple.alice, place, "closer-export.json", files[JSON_NAME])
    assert closer.bot is not None
    kinds = {s.kind for s in await closer.bot.schedules.for_guild(place.id)}
    expected = {
        "question",
        "question_dm",
        "question_nudge",
        "checkin",
        "ritual",
        "call",
        "call_reminder",
        "visit",
        "special_date",
    }
    assert expected <= kinds
    original = {s.kind for s in await closer.bot.schedules.for_guild(couple.guild.id)}
    assert expected <= original


async def test_the_imported_space_posts_again_on_its_schedule(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """After the move, the next question comes at the couple's own time, in the new server."""
    await fake.slash(couple.alice, "question schedule", time="10:30")
    _, files = await export_of(fake, couple.alice)
    fake.remove_bot(couple.guild)
    await fake.sync()
    place = new_server(fake, couple)
    await fake.sync()
    await import_file(fake, couple.bob, place, "closer-export.json", files[JSON_NAME])

    def posts() -> list[Any]:
        return [
            m for m in fake.messages(place.channel("us")) if m.embed and "Day" in str(m.embed.get("title"))
        ]

    await closer.at(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))  # 09:00 in Berlin: not the couple's time
    assert posts() == []
    await closer.at(datetime(2026, 11, 25, 9, 30, tzinfo=UTC))  # 10:30 in Berlin
    assert len(posts()) == 1


async def test_the_other_partner_hears_about_the_import_in_the_shared_channel(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob is told in the channel that Alice restored the space."""
    _, files = await export_of(fake, couple.alice)
    place = new_server(fake, couple)
    await fake.sync()
    await import_file(fake, couple.alice, place, "closer-export.json", files[JSON_NAME])
    await fake.idle()
    [notice] = fake.messages(place.channel("us"))
    assert couple.bob.mention in notice.content
    assert "restored your space" in notice.content


# -- split exports --------------------------------------------------------------------------------


async def test_a_split_export_comes_back_part_by_part(
    couple: People, fake: Fake, closer: Closer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Part 1 restores the space and says photos are waiting; the other parts add them; the
    export afterwards holds every photo again."""
    import emulator.actions
    import emulator.ops

    # What the interaction says, and what the emulator enforces on every upload.
    monkeypatch.setattr(emulator.actions, "ATTACHMENT_SIZE_LIMIT", 64 * 1024)
    monkeypatch.setattr(emulator.ops, "ATTACHMENT_SIZE_LIMIT", 64 * 1024)
    for n in range(3):
        photo = png(n) + bytes(30 * 1024)
        await fake.slash(
            couple.alice,
            "memory add",
            title=f"Trip {n}",
            date="2025-05-01",
            photo=fake.upload(f"t{n}.png", photo, "image/png"),
        )
    await fake.slash(couple.alice, "data export")
    parts = export_zips(fake, couple.alice)
    assert len(parts) >= 2
    original = {k: v for _, data in parts for k, v in unzip(data).items() if k.startswith("photos/")}
    place = new_server(fake, couple)
    await fake.sync()

    later = await import_file(fake, couple.alice, place, *parts[1])
    assert "import part 1 first" in later.text
    first = await import_file(fake, couple.alice, place, *parts[0])
    assert "Restored your space" in first.text
    assert "each other part" in first.text
    for name, data in parts[1:]:
        added = await import_file(fake, couple.bob, place, name, data)
        assert "Added" in added.text
    assert "Every photo of your memory book is here now" in added.text

    await fake.slash(couple.alice, "data export", channel=place.channel("us"))
    again = {
        k: v
        for _, data in export_zips(fake, couple.alice)[len(parts) :]
        for k, v in unzip(data).items()
        if k.startswith("photos/")
    }
    assert again == original


# -- refusals -------------------------------------------------------------------------------------


async def test_import_into_a_server_that_has_a_couple_is_refused(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The couple's own server: import says it needs a server with no couple yet; nothing changes."""
    _, files = await export_of(fake, couple.alice)
    upload = fake.upload("closer-export.json", files[JSON_NAME], "application/json")
    reply = await fake.slash(couple.carol, "data import", file=upload)
    assert reply.ephemeral
    assert "already has its couple" in reply.text
    own = await fake.slash(
        couple.alice, "data import", file=fake.upload("closer-export.json", files[JSON_NAME])
    )
    assert "already has your couple" in own.text


async def test_only_a_partner_named_in_the_export_can_import_it(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Carol can't restore Alice and Bob's space anywhere."""
    _, files = await export_of(fake, couple.alice)
    place = new_server(fake, couple, couple.alice, couple.bob, couple.carol)
    await fake.sync()
    reply = await import_file(fake, couple.carol, place, "closer-export.json", files[JSON_NAME])
    assert "only one of them can import it" in reply.text
    assert await table_count(closer, "partners", place.id) == 0


@pytest.mark.allow_violations("member.unknown")  # how Closer learns it without the members intent
async def test_the_other_partner_must_be_a_member_of_the_server(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob isn't in the new server yet: Alice is asked to invite him first."""
    _, files = await export_of(fake, couple.alice)
    place = new_server(fake, couple, couple.alice)
    await fake.sync()
    reply = await import_file(fake, couple.alice, place, "closer-export.json", files[JSON_NAME])
    assert "isn't a member of this server" in reply.text
    assert couple.bob.mention in reply.text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"hello", "isn't an export"),
        ("closer-export.zip", b"this is no zip", "isn't a zip"),
        (
            "closer-export.json",
            b'{"format": "closer-export", "version": 1}',
            "doesn't match Closer's export format",
        ),
    ],
)
async def test_a_file_that_is_not_a_valid_export_is_refused_and_nothing_is_written(
    couple: People, fake: Fake, closer: Closer, name: str, data: bytes, message: str
) -> None:
    """Wrong type, broken zip, off-schema JSON: a clear ephemeral error and no couple."""
    place = new_server(fake, couple)
    await fake.sync()
    reply = await import_file(fake, couple.alice, place, name, data)
    assert reply.ephemeral
    assert message in reply.all_text
    assert closer.bot is not None
    assert await closer.bot.couples.get(place.id) is None


async def test_a_tampered_photo_is_left_out_and_said(couple: People, fake: Fake, closer: Closer) -> None:
    """A photo whose bytes don't match its SHA-256 is not kept; the reply says so."""
    await fake.slash(
        couple.alice,
        "memory add",
        title="Beach",
        date="2025-07-14",
        photo=fake.upload("b.png", png(5), "image/png"),
    )
    _, files = await export_of(fake, couple.alice)
    files = {k: (png(6) if k.startswith("photos/") else v) for k, v in files.items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for k, v in files.items():
            archive.writestr(k, v)
    place = new_server(fake, couple)
    await fake.sync()
    reply = await import_file(fake, couple.alice, place, "closer-export.zip", buffer.getvalue())
    assert "didn't match what the export says" in reply.text
    assert closer.bot is not None
    folder = closer.bot.settings.photos_dir / str(place.id)
    assert not folder.exists() or list(folder.iterdir()) == []


async def test_import_in_a_dm_points_to_the_server(couple: People, fake: Fake) -> None:
    """In a DM, import says to use it in a server."""
    reply = await fake.slash(couple.alice, "data import", dm=True, file=fake.upload("x.json", b"{}"))
    assert "not in DMs" in reply.text


async def test_a_hand_edited_export_naming_a_stranger_is_refused(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """An entry attributed to someone outside the couple: refused, nothing written."""
    _, files = await export_of(fake, couple.alice)
    data = json.loads(files[JSON_NAME])
    data["wins"] = [
        {
            "user_id": "42",
            "text": "Not theirs",
            "created_at": "2026-01-01T00:00:00Z",
            "celebrated_by": None,
            "celebrated_at": None,
        }
    ]
    place = new_server(fake, couple)
    await fake.sync()
    reply = await import_file(fake, couple.alice, place, "closer-export.json", json.dumps(data).encode())
    assert "isn't one of its two partners" in reply.text
    assert closer.bot is not None
    assert await closer.bot.couples.get(place.id) is None


async def test_a_version_1_export_still_imports(couple: People, fake: Fake, closer: Closer) -> None:
    """tests/data/fixtures/closer-export-v1.zip was made by the Closer that wrote version 1 (a
    lived-in space with a photo): it imports, and the export made after it is version 2 with the
    same content."""
    fixture = Path(__file__).parent / "fixtures" / "closer-export-v1.zip"
    files = unzip(fixture.read_bytes())
    old = json.loads(files[JSON_NAME])
    assert old["version"] == 1
    people = [p["user_id"] for p in old["couple"]["partners"]]
    text = files[JSON_NAME].decode()
    for before, after in zip(people, (couple.alice.id, couple.bob.id), strict=True):
        text = text.replace(before, str(after))
    files[JSON_NAME] = text.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    place = new_server(fake, couple)
    await fake.sync()

    reply = await import_file(fake, couple.alice, place, "closer-export-v1.zip", buffer.getvalue())
    assert "Restored your space" in reply.text, reply.text
    again, again_files = await export_of(fake, couple.alice, channel=place.channel("us"))
    assert again.version == VERSION
    assert content_of(again) == content_of(parse_document(files[JSON_NAME]))
    photos = {k: v for k, v in files.items() if k.startswith("photos/")}
    assert photos
    assert {k: v for k, v in again_files.items() if k.startswith("photos/")} == photos
