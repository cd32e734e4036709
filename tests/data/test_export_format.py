"""The export format as plain logic: the documented schema, reading uploads back (never trusting
them), the checks an import makes, zip parts under a size limit, and the memory book."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.archive import ArchiveFormat, Section
from bot.archive.parts import entries
from bot.archive.values import VERSION, Model
from bot.errors import UserError
from tests.data.archive import (
    BOOK_NAME,
    JSON_NAME,
    PART_NAME,
    SECTIONS,
    Entry,
    ExportDocument,
    content_of,
    json_schema,
    memory_book,
    pack,
    parse_document,
    plan,
    unpack,
)

ROOT = Path(__file__).resolve().parents[2]
STAMP = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ALICE, BOB = "1001", "1002"


# -- the documented schema, and a small JSON Schema validator to check documents against it -------


def documented_schema() -> dict[str, Any]:
    """The JSON Schema printed in docs/export-format.md."""
    text = (ROOT / "docs" / "export-format.md").read_text("utf-8")
    block = re.search(r"```json\n(.*?)\n```", text, re.S)
    assert block is not None, "docs/export-format.md has no ```json block"
    return json.loads(block.group(1))


_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def validate(
    value: Any, schema: dict[str, Any], root: dict[str, Any] | None = None, at: str = "$"
) -> list[str]:
    """Problems of ``value`` against ``schema`` (the JSON Schema keywords the export's schema uses)."""
    root = root or schema
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return validate(value, root["$defs"][name], root, at)
    if "anyOf" in schema:
        if any(not validate(value, option, root, at) for option in schema["anyOf"]):
            return []
        return [f"{at}: matches none of anyOf"]
    problems: list[str] = []
    kind = schema.get("type")
    if kind is not None and not _TYPES[kind](value):
        return [f"{at}: not {kind}"]
    if "const" in schema and value != schema["const"]:
        problems.append(f"{at}: not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{at}: not one of {schema['enum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 1 << 60):
            problems.append(f"{at}: length {len(value)}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{at}: {value!r} does not match {schema['pattern']}")
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and not schema.get("minimum", value) <= value <= schema.get("maximum", value):
        problems.append(f"{at}: {value} out of range")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", 1 << 60):
            problems.append(f"{at}: {len(value)} items")
        for index, item in enumerate(value):
            problems += validate(item, schema.get("items", {}), root, f"{at}[{index}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        problems += [f"{at}: {name} missing" for name in schema.get("required", []) if name not in value]
        if schema.get("additionalProperties") is False:
            problems += [f"{at}: {name} not allowed" for name in value if name not in properties]
        for name, item in value.items():
            if name in properties:
                problems += validate(item, properties[name], root, f"{at}.{name}")
    return problems


def document(**changes: Any) -> dict[str, Any]:
    """A small valid export as JSON data (a question day, a memory with a photo, a check-in);
    the keys version 2 added hold what a version-1 file reads as (``version_1()`` leaves them out)."""
    data: dict[str, Any] = {
        "format": "closer-export",
        "version": VERSION,
        "exported_at": "2026-11-24T12:00:00Z",
        "exported_by": ALICE,
        "couple": {
            "server_id": "9",
            "channel_id": "10",
            "created_at": "2026-01-01T10:00:00Z",
            "paired_at": "2026-01-01T10:05:00Z",
            "partners": [
                {
                    "user_id": ALICE,
                    "position": 1,
                    "display_name": "Alice",
                    "zone": "Europe/Berlin",
                    "quiet_start": "23:00",
                    "quiet_end": "08:00",
                    "travel_zone": None,
                    "travel_until": None,
                },
                {
                    "user_id": BOB,
                    "position": 2,
                    "display_name": "Bob",
                    "zone": "America/Los_Angeles",
                    "quiet_start": "23:00",
                    "quiet_end": "08:00",
                    "travel_zone": None,
                    "travel_until": None,
                },
            ],
        },
        "questions": {
            "settings": None,
            "own": [
                {
                    "id": 4,
                    "text": "What made you laugh?",
                    "category": "fun",
                    "added_by": BOB,
                    "added_at": "2026-02-01T10:00:00Z",
                }
            ],
            "days": [
                {
                    "id": 7,
                    "question_id": "own-4",
                    "question": "What made you laugh?",
                    "category": "fun",
                    "tier": 2,
                    "day_number": 1,
                    "local_date": "2026-02-02",
                    "zone": "Europe/Berlin",
                    "round": 1,
                    "new_round": False,
                    "repeat_of": None,
                    "created_at": "2026-02-02T08:00:00Z",
                    "posted_at": "2026-02-02T08:00:00Z",
                    "status": "revealed",
                    "revealed_at": "2026-02-02T20:00:00Z",
                    "skipped_by": None,
                    "skipped_at": None,
                    "answers": [
                        {
                            "user_id": ALICE,
                            "answer": "The cat.",
                            "answered_at": "2026-02-02T09:00:00Z",
                            "updated_at": "2026-02-02T09:00:00Z",
                            "local_date": "2026-02-02",
                            "on_time": True,
                        }
                    ],
                }
            ],
            "vetoes": [],
        },
        "checkins": {
            "sharing": [{"user_id": BOB, "level": "mood"}],
            "love_languages": [],
            "entries": [
                {
                    "user_id": BOB,
                    "day": "2026-02-02",
                    "mood": 3,
                    "note": None,
                    "zone": "America/Los_Angeles",
                    "created_at": "2026-02-03T04:00:00Z",
                    "updated_at": "2026-02-03T04:00:00Z",
                }
            ],
        },
        "appreciations": [],
        "wins": [],
        "goodnights": [],
        "memories": [
            {
                "author_id": ALICE,
                "title": "Beach *day*",
                "happened_on": "2025-07-14",
                "description": "Line one\n# not a heading",
                "tags": ["beach"],
                "quote": "",
                "source": None,
                "created_at": "2025-07-15T10:00:00Z",
                "updated_at": "2025-07-15T10:00:00Z",
                "updated_by": ALICE,
                "photos": [
                    {
                        "file": "photos/0001-1-beach-day.png",
                        "filename": "beach.png",
                        "content_type": "image/png",
                        "size": 3,
                        "sha256": "a" * 64,
                    }
                ],
            }
        ],
        "rituals": [],
        "calls": [],
        "visits": [],
        "dates": [],
        "schedules": [],
    }
    data.update({s.key: s.before for s in SECTIONS if s.added_in > 1})
    data.update(changes)
    return data


def version_1(**changes: Any) -> dict[str, Any]:
    """The sample as a version-1 file: without the keys version 2 added."""
    data = {
        k: v for k, v in document(**changes).items() if k not in {s.key for s in SECTIONS if s.added_in > 1}
    }
    return {**data, "version": 1}


def as_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# -- the schema -----------------------------------------------------------------------------------


def test_the_documented_schema_is_the_one_closer_validates_with() -> None:
    """docs/export-format.md prints exactly the schema generated from the code."""
    assert documented_schema() == json_schema()


def test_a_sample_export_is_valid_against_the_documented_schema() -> None:
    """The sample document passes both the documented schema and the code's own check."""
    assert validate(document(), documented_schema()) == []
    assert parse_document(as_bytes(document())).exported_by == ALICE


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"exported_by": 1001}, "exported_by"),
        ({"exported_at": "yesterday"}, "exported_at"),
        ({"extra": True}, "extra"),
        ({"memories": [{**document()["memories"][0], "title": "x" * 101}]}, "title"),
    ],
)
def test_a_document_off_the_schema_is_refused_naming_the_field(change: dict[str, Any], named: str) -> None:
    """Wrong types, patterns, unknown keys and too-long texts are refused, saying where."""
    assert validate(document(**change), documented_schema()) != []
    with pytest.raises(UserError, match=named):
        parse_document(as_bytes(document(**change)))


def test_a_newer_version_asks_for_an_update_instead_of_guessing() -> None:
    """A version after this Closer's is refused with a sentence about updating Closer."""
    with pytest.raises(UserError, match="newer Closer"):
        parse_document(as_bytes(document(version=VERSION + 1)))


def test_a_version_1_file_still_reads() -> None:
    """A file made before version 2 reads: what version 2 added reads as it was before it."""
    old = parse_document(as_bytes(version_1()))
    new = parse_document(as_bytes(document()))
    assert old.version == VERSION
    assert content_of(old) == content_of(new)


class _Letter(Model):
    title: str


_ADDED = Section(
    key="zz_added",
    position=10_000,
    schema=entries(_Letter),
    plan=lambda value, _: {"zz": tuple(value)},
    added_in=2,
    before=[],
)


def test_a_key_version_2_added_is_filled_for_a_version_1_file_and_required_of_a_version_2_one() -> None:
    """The upgrade fills only keys added after the file's version; a version-2 file must have them."""
    fmt = ArchiveFormat.of((*SECTIONS, _ADDED))
    old = {k: v for k, v in document().items() if k not in {s.key for s in SECTIONS if s.added_in > 1}}
    read = fmt.parse(as_bytes({**old, "version": 1}))
    assert read.zz_added == []
    kept = fmt.parse(as_bytes({**old, "version": 1, "zz_added": [{"title": "kept"}]}))
    assert [letter.title for letter in kept.zz_added] == ["kept"]
    with pytest.raises(UserError, match="zz_added"):
        fmt.parse(as_bytes(document()))  # version 2, without the key


class _Book(Model):
    title: str
    pages: int


def _add_pages(value: Any, version: int) -> Any:
    """A version-1 book had no pages: it reads as 0 of them (anything else is the schema's)."""
    if version < 2 and isinstance(value, list):
        return [{"pages": 0, **book} if isinstance(book, dict) else book for book in value]
    return value


_GROWN = Section(
    key="zz_grown",
    position=10_001,
    schema=entries(_Book),
    plan=lambda value, _: {"zz": tuple(value)},
    upgrade=_add_pages,
)


def test_a_key_that_grew_in_version_2_is_upgraded_for_a_version_1_file_only() -> None:
    """A section's ``upgrade`` fills in what version 2 added inside its value for a version-1 file;
    a version-2 file without it is refused, naming the field (no default hides it)."""
    fmt = ArchiveFormat.of((*SECTIONS, _GROWN))
    old = {k: v for k, v in document().items() if k not in {s.key for s in SECTIONS if s.added_in > 1}}
    read = fmt.parse(as_bytes({**old, "version": 1, "zz_grown": [{"title": "Dune"}]}))
    assert [(b.title, b.pages) for b in read.zz_grown] == [("Dune", 0)]
    kept = fmt.parse(as_bytes({**old, "version": 1, "zz_grown": [{"title": "Dune", "pages": 412}]}))
    assert [b.pages for b in kept.zz_grown] == [412]
    with pytest.raises(UserError, match="pages"):
        fmt.parse(as_bytes(document(zz_grown=[{"title": "Dune"}])))  # version 2 must say it
    with pytest.raises(UserError, match="zz_grown"):
        fmt.parse(as_bytes({**old, "version": 1, "zz_grown": "not a list"}))  # the schema judges


@pytest.mark.parametrize(
    "raw", [b"not json at all", b"[1, 2]", b'{"format": "closer-export"', b"[" * 100_000]
)
def test_garbage_is_refused_with_a_plain_sentence(raw: bytes) -> None:
    """Broken or deeply nested JSON never raises anything but a user-facing refusal."""
    with pytest.raises(UserError):
        parse_document(raw)


# -- reading uploads ------------------------------------------------------------------------------


def test_a_zip_with_the_document_and_photos_is_read() -> None:
    """The document and the photo files come back; other files are ignored."""
    data = zipped(
        {
            JSON_NAME: as_bytes(document()),
            BOOK_NAME: b"# book",
            "photos/0001-1-beach-day.png": b"abc",
            "notes.txt": b"x",
        }
    )
    unpacked = unpack(data, "closer-export.zip")
    assert unpacked.document is not None
    assert dict(unpacked.photos) == {"photos/0001-1-beach-day.png": b"abc"}


def test_a_zip_of_the_unzipped_folder_is_read_too() -> None:
    """Someone unzipped the export and zipped the folder again: still an export."""
    data = zipped({"mine/" + JSON_NAME: as_bytes(document()), "mine/photos/0001-1-beach-day.png": b"abc"})
    assert dict(unpack(data, "mine.zip").photos) == {"photos/0001-1-beach-day.png": b"abc"}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"hello.txt": b"hi"}, "no `closer-export.json`"),
        ({PART_NAME: b"{not json"}, "damaged"),
    ],
)
def test_a_zip_that_is_no_export_is_refused(files: dict[str, bytes], message: str) -> None:
    """A zip without the document (or a broken part manifest) is refused, saying why."""
    with pytest.raises(UserError, match=message):
        unpack(zipped(files), "x.zip")


def test_a_file_that_is_no_zip_is_refused() -> None:
    """A .zip that isn't one is refused before anything is read."""
    with pytest.raises(UserError, match="isn't a zip"):
        unpack(b"\x00\x01garbage", "export.zip")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A photo unpacking to more than a photo can be is refused without reading it."""
    import bot.archive.zips

    monkeypatch.setattr(bot.archive.zips, "MAX_PHOTO_BYTES", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, as_bytes(document()))
        archive.writestr("photos/0001-1-big.png", bytes(2 * 1024 * 1024))  # 2 KB compressed
    with pytest.raises(UserError, match="too large"):
        unpack(buffer.getvalue(), "bomb.zip")


# -- what an import checks ------------------------------------------------------------------------


def parsed(**changes: Any) -> ExportDocument:
    return parse_document(as_bytes(document(**changes)))


def test_a_plan_maps_own_questions_and_keeps_every_text() -> None:
    """The plan carries the export's own ids as references and the texts as written."""
    made = plan(parsed(), channel_id=55)
    assert made.couple["channel_id"] == 55
    assert made.own_questions[0]["ref"] == 4
    assert made.question_days[0]["question_id"] == "own-4"
    assert made.question_days[0]["reveal_message_id"] == 0  # revealed in the old server: never again
    assert made.memories[0]["description"] == "Line one\n# not a heading"


def test_someone_who_is_not_a_partner_in_an_entry_is_refused() -> None:
    """An entry naming a third person is refused."""
    day = {**document()["questions"]["days"][0]}
    day["answers"] = [{**day["answers"][0], "user_id": "999"}]
    with pytest.raises(UserError, match="isn't one of its two partners"):
        plan(parsed(questions={**document()["questions"], "days": [day]}), channel_id=1)


def test_an_unknown_time_zone_is_refused() -> None:
    """A zone Closer doesn't know is refused by name."""
    couple = document()["couple"]
    partners = [{**couple["partners"][0], "zone": "Mars/Olympus"}, couple["partners"][1]]
    with pytest.raises(UserError, match="Mars/Olympus"):
        plan(parsed(couple={**couple, "partners": partners}), channel_id=1)


def test_an_export_with_one_partner_left_cannot_become_a_couple() -> None:
    """Entries kept after a partner unpaired are the other's to keep, not to import as a couple."""
    couple = document()["couple"]
    with pytest.raises(UserError, match="one partner's entries only"):
        plan(parsed(couple={**couple, "partners": couple["partners"][:1]}), channel_id=1)


def test_two_check_ins_of_one_partner_on_one_day_are_refused() -> None:
    """Duplicates the database could not hold are refused before anything is written."""
    checkins = document()["checkins"]
    entries = checkins["entries"] * 2
    with pytest.raises(UserError, match="two check-ins"):
        plan(parsed(checkins={**checkins, "entries": entries}), channel_id=1)


def test_content_leaves_out_what_a_move_changes() -> None:
    """Export time, server, channel and the export's own ids don't count as content."""
    first = parsed()
    data = document(exported_at="2027-01-01T00:00:00Z")
    data["couple"] = {**data["couple"], "server_id": "77", "channel_id": "78"}
    data["questions"]["own"][0]["id"] = 40
    data["questions"]["days"][0]["id"] = 70
    data["questions"]["days"][0]["question_id"] = "own-40"
    assert content_of(parse_document(as_bytes(data))) == content_of(first)
    data["memories"][0]["description"] = "changed"
    assert content_of(parse_document(as_bytes(data))) != content_of(first)


# -- parts under a size limit ---------------------------------------------------------------------


def test_a_small_export_is_one_zip_without_a_part_manifest() -> None:
    """Everything fits: one file, named after the day."""
    packed = pack(
        [Entry(JSON_NAME, b"{}", compress=True)],
        [Entry("photos/a.png", b"x" * 100)],
        10_000,
        "closer-export-2026-11-24",
        STAMP,
    )
    assert [p.filename for p in packed.parts] == ["closer-export-2026-11-24.zip"]
    assert PART_NAME not in packed.parts[0].names


def test_a_large_export_is_split_into_parts_each_under_the_limit() -> None:
    """Photos spread over numbered parts, every part a zip under the limit, none lost."""
    photos = [Entry(f"photos/{n:04d}-1-x.png", bytes([n]) * 20_000) for n in range(10)]
    packed = pack([Entry(JSON_NAME, b"{}" * 1000, compress=True)], photos, 50_000, "e", STAMP)
    assert len(packed.parts) >= 4
    assert all(len(p.data) < 50_000 for p in packed.parts)
    names = [n for p in packed.parts for n in zipfile.ZipFile(io.BytesIO(p.data)).namelist()]
    assert sorted(n for n in names if n.startswith("photos/")) == sorted(e.name for e in photos)
    assert packed.parts[0].filename == f"e-part1-of-{len(packed.parts)}.zip"
    assert JSON_NAME in packed.parts[0].names
    assert packed.left_out == ()


def test_a_photo_larger_than_any_part_is_left_out_and_reported() -> None:
    """A single file over the limit can't be sent; it is named in left_out."""
    big = Entry("photos/0001-1-huge.png", bytes(80_000))
    packed = pack([Entry(JSON_NAME, b"{}")], [big], 50_000, "e", STAMP)
    assert packed.left_out == (big,)
    assert len(packed.parts) == 1


# -- the memory book ------------------------------------------------------------------------------


def test_the_memory_book_keeps_texts_whole_and_escapes_titles() -> None:
    """Markup in a title can't break the book; descriptions are kept in full."""
    book = memory_book(parsed())
    assert "### Beach \\*day\\* · 14 July 2025" in book
    assert "Line one\n# not a heading" in book
    assert "![beach.png](photos/0001-1-beach-day.png)" in book
    assert "**What made you laugh?**" in book
    assert "The cat." in book
