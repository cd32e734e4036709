"""The export document, composed: the core fields, then every feature's section by position.

:class:`ArchiveFormat` is the format as the loaded features make it: its pydantic model
(:attr:`ArchiveFormat.document`), its JSON Schema (docs/export-format.md prints it for every
feature loaded), reading a document back with clear refusals (:meth:`ArchiveFormat.parse`),
the rows an import writes (:meth:`ArchiveFormat.plan`), the memory book and the content that an
import followed by an export keeps (:meth:`ArchiveFormat.content`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError, create_model

from bot.archive.book import Book, inline, long_date
from bot.archive.couple import SCHEDULES, CoupleDoc, plan_couple, plan_schedules, schedules_field
from bot.archive.parts import Choice, FileRef, Importing, Rows, Section
from bot.archive.schema import json_schema_of
from bot.archive.values import FORMAT, READABLE, VERSION, ExportRefused, Instant, Model, Snowflake, unix
from bot.db.connection import Row

JSON_NAME = "closer-export.json"
MAX_JSON_BYTES = 64 * 1024 * 1024
CORE_KEYS = ("format", "version", "exported_at", "exported_by", "couple")
DESCRIPTION = "closer-export.json: everything one partner may see of their couple's space."


@dataclass(frozen=True)
class ImportPlan:
    """A couple's space ready to be written, as stored values: the couple, its partners, each
    section's rows by its key, and the choice schedules. ``ref`` fields are the export's own ids,
    mapped to new ids while writing; nested rows sit inside their parent's row.

    A section's table reads as an attribute too (``plan.question_days``)."""

    couple: Row
    partners: tuple[Row, ...]
    parts: Mapping[str, Rows] = field(default_factory=dict)
    schedules: tuple[Row, ...] = ()

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_"):
            for rows in self.__dict__.get("parts", {}).values():
                if name in rows:
                    return rows[name]
        raise AttributeError(name)


# Formats made, by their sections (module constants of the features: the same objects each time).
_FORMATS: dict[tuple[int, ...], ArchiveFormat] = {}


def _where(loc: Sequence[str | int]) -> str:
    text = ""
    for item in loc:
        text += f"[{item}]" if isinstance(item, int) else (f".{item}" if text else str(item))
    return text or "the file"


class ArchiveFormat:
    """The export format of a set of sections (the loaded features' parts)."""

    def __init__(self, sections: Iterable[Section]) -> None:
        self.sections = tuple(sorted(sections, key=lambda s: (s.position, s.key)))
        keys = [*CORE_KEYS, SCHEDULES, *(s.key for s in self.sections)]
        if len(set(keys)) != len(keys):
            raise ValueError(f"two parts of the export share a key: {keys}")
        self.choices: tuple[Choice, ...] = tuple(c for s in self.sections for c in s.choices)
        fields: dict[str, Any] = {
            "format": (Literal["closer-export"], ...),
            "version": (Literal[VERSION], ...),
            "exported_at": (Instant, ...),
            "exported_by": (Snowflake, ...),
            "couple": (CoupleDoc, ...),
        }
        for section in self.sections:
            fields[section.key] = (section.schema, ...)
        if self.choices:
            fields[SCHEDULES] = (schedules_field(self.choices), ...)
        self.document: type[Model] = create_model(
            "ExportDocument", __base__=Model, __doc__=DESCRIPTION, **fields
        )

    @classmethod
    def of(cls, sections: Iterable[Section]) -> ArchiveFormat:
        """The format of ``sections`` (made once for the same sections, in whatever order)."""
        ordered = sorted(sections, key=lambda s: (s.position, s.key))
        key = tuple(id(s) for s in ordered)
        if key not in _FORMATS:
            _FORMATS[key] = cls(ordered)
        return _FORMATS[key]

    # -- the schema ------------------------------------------------------------------------------

    def json_schema(self) -> dict[str, Any]:
        return json_schema_of(self.document)

    # -- reading a document ------------------------------------------------------------------------

    def validate(self, data: Mapping[str, Any]) -> Any:
        """The document of JSON data that is known to be right (an export being made)."""
        return self.document.model_validate(data)

    def parse(self, raw: bytes) -> Any:
        """Validate ``closer-export.json`` against the schema; a clear :class:`ExportRefused` if not."""
        if len(raw) > MAX_JSON_BYTES:
            raise ExportRefused(
                f"`{JSON_NAME}` is larger than {MAX_JSON_BYTES // (1024 * 1024)} MB; that's not an export of Closer's."
            )
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise ExportRefused(f"`{JSON_NAME}` isn't valid JSON ({str(error)[:120]}).") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ExportRefused(
                "That file isn't a Closer export: attach the `.zip` (or `closer-export.json`) that `/data export` sent you."
            )
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            raise ExportRefused(
                f"That export was made by a newer Closer (format version {version}; this one reads up to "
                f"{VERSION}). Ask your host to update Closer, then import it again."
            )
        if version in READABLE and version != VERSION:
            data = self.upgrade(data, version)
        try:
            return self.document.model_validate(data)
        except ValidationError as error:
            problems = error.errors()
            shown = "; ".join(f"`{_where(p['loc'])}`: {p['msg']}" for p in problems[:3])
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise ExportRefused(
                f"That export doesn't match Closer's export format: {shown}{more}. Nothing was imported."
            ) from None

    def upgrade(self, data: Mapping[str, Any], version: int) -> dict[str, Any]:
        """An older version's document read as this version's: each key added since ``version``
        takes its section's value from before it (a key the file has anyway is left to the
        schema to judge); a key the file has goes through its section's ``upgrade``, if any."""
        upgraded = {**data, "version": VERSION}
        for section in self.sections:
            if section.added_in > version and section.key not in upgraded:
                upgraded[section.key] = section.before
            elif section.upgrade is not None and section.key in upgraded:
                upgraded[section.key] = section.upgrade(upgraded[section.key], version)
        return upgraded

    @staticmethod
    def to_json(document: BaseModel) -> bytes:
        return json.dumps(document.model_dump(mode="json"), ensure_ascii=False, indent=2).encode("utf-8")

    # -- what an import writes ---------------------------------------------------------------------

    def plan(self, document: Any, *, channel_id: int) -> ImportPlan:
        """The rows an import writes for ``document``, after checking what the schema can't: two
        partners, everyone named is one of them, real dates and zones, no duplicates."""
        couple, partners = plan_couple(document.couple, channel_id)
        exported_at = unix(document.exported_at)
        assert exported_at is not None
        importing = Importing(frozenset(p["user_id"] for p in partners), exported_at)
        parts = {s.key: s.plan(getattr(document, s.key), importing) for s in self.sections}
        schedules = plan_schedules(getattr(document, SCHEDULES, ()), importing)
        return ImportPlan(couple, partners, parts, schedules)

    def files(self, document: Any) -> list[FileRef]:
        """Every file the document names (the photos an import keeps)."""
        return [f for s in self.sections if s.files is not None for f in s.files(getattr(document, s.key))]

    # -- what it says ------------------------------------------------------------------------------

    def content(self, document: BaseModel) -> dict[str, Any]:
        """What an export says, without what a move changes: when it was made, the server and
        channel ids, and the export's own ids (each section says which). An import followed by
        an export gives the same content."""
        data = document.model_dump(mode="json")
        data.pop("exported_at")
        data["couple"].pop("server_id")
        data["couple"].pop("channel_id")
        for section in self.sections:
            if section.content is not None:
                data[section.key] = section.content(data[section.key])
        return data

    def book(self, document: Any) -> str:
        """The couple's memory book in Markdown: each feature's chapter in its place (memories
        with their photos linked to the files in the zip, the questions answered together,
        notes of appreciation and wins). Every text in full."""
        partners = document.couple.partners
        book = Book({p.user_id: p.display_name for p in partners})
        title = " & ".join(inline(p.display_name) for p in partners)
        lines = [
            "# Our memory book",
            "",
            f"*{title} · exported from Closer on {long_date(document.exported_at)} by "
            f"{book.who(document.exported_by)}*",
            "",
        ]
        chapters = sorted(
            ((s.chapter, s.key) for s in self.sections if s.chapter is not None), key=lambda c: c[0].position
        )
        for chapter, key in chapters:
            lines += chapter.write(getattr(document, key), book)
        return "\n".join(lines).rstrip() + "\n"
