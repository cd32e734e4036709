"""The export's mechanics: a versioned document of everything one partner may see, and its zip.

Each feature contributes its part (:class:`ArchivePart`, declared in its ``contribution()``):
its top-level key of the document with its schema (:class:`Section`), what goes out and how it
comes back. This package composes them (:class:`ArchiveFormat`: the document model, its JSON
Schema printed in docs/export-format.md, reading it back with clear refusals, the rows an
import writes, the memory book), reads and writes a whole space (:class:`SpaceArchive`) and
packs the zip (:func:`pack`, :func:`unpack`).

- :mod:`.values`: the value types (Snowflake, Instant, Day, Clock, ...) and conversions;
- :mod:`.parts`: what a feature implements; :mod:`.couple`: the core keys (couple, schedules);
- :mod:`.document`: the composition; :mod:`.schema`: the JSON Schema; :mod:`.book`: the
  memory book's Markdown; :mod:`.zips`: the zip parts; :mod:`.space`: the database side.
"""

from bot.archive.book import Book, inline, long_date, quoted
from bot.archive.document import JSON_NAME, MAX_JSON_BYTES, ArchiveFormat, ImportPlan
from bot.archive.parts import (
    ArchivePart,
    Chapter,
    Choice,
    Counts,
    Exported,
    ExportRequest,
    FileRef,
    FileSource,
    Importing,
    Rows,
    Section,
    entries,
)
from bot.archive.schema import schema_text
from bot.archive.space import Gathered, SpaceArchive
from bot.archive.values import (
    MANY,
    Clock,
    Day,
    ExportRefused,
    Instant,
    Key,
    Model,
    Name,
    Short,
    Snowflake,
    Text,
    Weekday,
    ZoneName,
)
from bot.archive.zips import (
    BOOK_NAME,
    MAX_PHOTO_BYTES,
    MAX_UPLOAD_BYTES,
    PART_NAME,
    PHOTO_FILE_PATTERN,
    Entry,
    Packed,
    Part,
    PartInfo,
    Unpacked,
    pack,
    unpack,
)
from bot.db.models import StoredFile

__all__ = [
    "BOOK_NAME",
    "JSON_NAME",
    "MANY",
    "MAX_JSON_BYTES",
    "MAX_PHOTO_BYTES",
    "MAX_UPLOAD_BYTES",
    "PART_NAME",
    "PHOTO_FILE_PATTERN",
    "ArchiveFormat",
    "ArchivePart",
    "Book",
    "Chapter",
    "Choice",
    "Clock",
    "Counts",
    "Day",
    "Entry",
    "ExportRefused",
    "ExportRequest",
    "Exported",
    "FileRef",
    "FileSource",
    "Gathered",
    "ImportPlan",
    "Importing",
    "Instant",
    "Key",
    "Model",
    "Name",
    "Packed",
    "Part",
    "PartInfo",
    "Rows",
    "Section",
    "Short",
    "Snowflake",
    "SpaceArchive",
    "StoredFile",
    "Text",
    "Unpacked",
    "Weekday",
    "ZoneName",
    "entries",
    "inline",
    "long_date",
    "pack",
    "quoted",
    "schema_text",
    "unpack",
]
