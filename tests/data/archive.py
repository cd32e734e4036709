"""Closer's export format as the bot composes it with every feature loaded, for the data tests:
the composed document and its functions under the names these tests use."""

from __future__ import annotations

from typing import Any

from bot import archive
from bot.archive import BOOK_NAME, JSON_NAME, PART_NAME, ArchiveFormat, Entry, Section, pack
from cogs import appreciate, win
from cogs.calls import archive as calls
from cogs.checkins import archive as checkins
from cogs.checkins.archive import SharingDoc
from cogs.couple import archive as together
from cogs.dates import archive as dates
from cogs.gestures import archive as gestures
from cogs.letters import archive as letters
from cogs.memories import archive as memories
from cogs.questions import archive as questions
from cogs.questions import guess_archive as guesses
from cogs.rituals import archive as rituals
from cogs.visits import archive as visits

# Every feature's section of the document (the order here doesn't matter: positions decide).
SECTIONS: tuple[Section, ...] = (
    questions.SECTION,
    guesses.SECTION,
    checkins.SECTION,
    appreciate.SECTION,
    win.SECTION,
    rituals.GOODNIGHTS,
    memories.SECTION,
    rituals.RITUALS,
    calls.SECTION,
    calls.ROOM,
    visits.SECTION,
    dates.SECTION,
    letters.SECTION,
    gestures.SECTION,
    together.SECTION,
)
FORMAT = ArchiveFormat.of(SECTIONS)

ExportDocument = FORMAT.document
json_schema = FORMAT.json_schema
parse_document = FORMAT.parse
plan = FORMAT.plan
memory_book = FORMAT.book
content_of = FORMAT.content


def unpack(data: bytes, filename: str) -> archive.Unpacked:
    return archive.unpack(data, filename, FORMAT.parse)


def to_json(document: Any) -> bytes:
    return FORMAT.to_json(document)


__all__ = [
    "BOOK_NAME",
    "FORMAT",
    "JSON_NAME",
    "PART_NAME",
    "SECTIONS",
    "Entry",
    "ExportDocument",
    "SharingDoc",
    "content_of",
    "json_schema",
    "memory_book",
    "pack",
    "parse_document",
    "plan",
    "to_json",
    "unpack",
]


def write_documented_schema() -> None:
    """Print the composed schema into docs/export-format.md's ```json block (after adding a
    section: ``python -m tests.data.archive``)."""
    import re
    from pathlib import Path

    from bot.archive.schema import schema_text

    doc = Path(__file__).resolve().parents[2] / "docs" / "export-format.md"
    text = doc.read_text("utf-8")
    block = "```json\n" + schema_text(json_schema()) + "\n```"
    doc.write_text(re.sub(r"```json\n.*?\n```", lambda _: block, text, count=1, flags=re.S), "utf-8")


if __name__ == "__main__":
    write_documented_schema()
