"""The export format: a versioned document of everything one partner may see, and its zip.

Pure code (no Discord, no database): :func:`build` turns a :class:`~bot.db.repositories.data.Snapshot`
into an :class:`ExportDocument`; :func:`memory_book` writes the readable Markdown book;
:func:`pack` puts both and the photo files into zip parts under a size limit; :func:`unpack`
reads an uploaded export back, refusing anything that is not a valid export (the schema below,
limits on sizes, counts and string lengths); :func:`plan` turns a document into the rows an
import writes. The schema is documented in ``docs/export-format.md`` (generated from
:func:`json_schema`; a test keeps the two equal).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.db.repositories.data import ImportPlan, Row, Snapshot
from bot.errors import UserError

FORMAT = "closer-export"
VERSION = 1
JSON_NAME = "closer-export.json"
BOOK_NAME = "memory-book.md"
PART_NAME = "closer-export-part.json"
PART_FORMAT = "closer-export-part"

# What an upload may hold (an export from a real couple is far below all of these).
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_PHOTO_BYTES = 100 * 1024 * 1024
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_ENTRIES = 20_000

INSTANT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
PHOTO_FILE_PATTERN = r"^photos/[A-Za-z0-9._-]{1,120}$"
_PHOTO_FILE = re.compile(PHOTO_FILE_PATTERN)

# -------------------------------------------------------------------------------------------------
# The schema (version 1)
# -------------------------------------------------------------------------------------------------

Snowflake = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,20}$")]
Instant = Annotated[str, StringConstraints(pattern=INSTANT_PATTERN)]
Day = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
Clock = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
ZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$")]
Key = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")]
Weekday = Annotated[int, Field(ge=0, le=6)]
Short = Annotated[str, StringConstraints(max_length=300)]
Text = Annotated[str, StringConstraints(max_length=10_000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
LOVE = Literal["words", "time", "gifts", "service", "touch"]

MANY = 100_000  # entries of one kind (question days, check-ins, memories ...)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PartnerDoc(_Model):
    """One partner: their Discord id, name and own settings."""

    user_id: Snowflake
    position: Literal[1, 2] = Field(description="1: the partner who ran /couple setup")
    display_name: Name
    zone: ZoneName | None = Field(description="their home time zone (IANA)")
    quiet_start: Clock
    quiet_end: Clock
    travel_zone: ZoneName | None
    travel_until: Instant | None


class CoupleDoc(_Model):
    server_id: Snowflake = Field(description="the Discord server the space was in")
    channel_id: Snowflake = Field(description="the shared channel there")
    created_at: Instant
    paired_at: Instant | None
    partners: Annotated[list[PartnerDoc], Field(min_length=1, max_length=2)] = Field(
        description="both partners; one when the other deleted their data and unpaired"
    )


class QuestionSettingsDoc(_Model):
    categories: Annotated[list[Key], Field(max_length=50)]
    tiers: Annotated[list[Annotated[int, Field(ge=1, le=3)]], Field(max_length=3)]


class OwnQuestionDoc(_Model):
    id: int = Field(ge=1, description="this export's id; question days name it as own-{id}")
    text: Short
    category: Key
    added_by: Snowflake
    added_at: Instant


class AnswerDoc(_Model):
    user_id: Snowflake
    answer: Text
    answered_at: Instant
    updated_at: Instant
    local_date: Day = Field(description="the partner's own date when they first answered")
    on_time: bool = Field(description="in time for the streak")


class QuestionDayDoc(_Model):
    id: int = Field(ge=1, description="this export's id of the day (repeat_of refers to it)")
    question_id: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9_-]+$")]
    question: Text
    category: Key
    tier: Literal[1, 2, 3]
    day_number: int = Field(ge=0, le=10_000_000)
    local_date: Day
    zone: ZoneName
    round: int = Field(ge=1, le=1_000_000)
    new_round: bool
    repeat_of: int | None = Field(description="the earlier day this one asks again ('then and now')")
    created_at: Instant
    posted_at: Instant | None
    status: Literal["open", "revealed", "skipped"]
    revealed_at: Instant | None
    skipped_by: Snowflake | None
    skipped_at: Instant | None
    answers: Annotated[list[AnswerDoc], Field(max_length=2)] = Field(
        description="the requester's own answer, and the partner's only once revealed"
    )


class VetoDoc(_Model):
    question_id: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9_-]+$")]
    question: Text
    category: Key
    vetoed_by: Snowflake
    vetoed_at: Instant


class QuestionsDoc(_Model):
    settings: QuestionSettingsDoc | None = Field(description="null: every category and depth")
    own: Annotated[list[OwnQuestionDoc], Field(max_length=MANY)]
    days: Annotated[list[QuestionDayDoc], Field(max_length=MANY)]
    vetoes: Annotated[list[VetoDoc], Field(max_length=MANY)]


class SharingDoc(_Model):
    user_id: Snowflake
    level: Literal["full", "mood", "nothing"]


class LoveLanguagesDoc(_Model):
    user_id: Snowflake
    primary: LOVE
    secondary: LOVE | None


class CheckinDoc(_Model):
    user_id: Snowflake
    day: Day
    mood: int = Field(ge=1, le=5)
    note: Text | None = Field(description="null when there is none, or the partner shares moods only")
    zone: ZoneName
    created_at: Instant
    updated_at: Instant


class CheckinsDoc(_Model):
    sharing: Annotated[list[SharingDoc], Field(max_length=2)]
    love_languages: Annotated[list[LoveLanguagesDoc], Field(max_length=2)]
    entries: Annotated[list[CheckinDoc], Field(max_length=MANY)] = Field(
        description="the requester's check-ins, and the partner's as they share them"
    )


class AppreciationDoc(_Model):
    from_user: Snowflake
    to_user: Snowflake
    message: Text
    created_at: Instant


class WinDoc(_Model):
    user_id: Snowflake
    text: Text
    created_at: Instant
    celebrated_by: Snowflake | None
    celebrated_at: Instant | None


class GoodnightDoc(_Model):
    from_user: Snowflake
    to_user: Snowflake
    message: Text
    sent_at: Instant


class PhotoDoc(_Model):
    file: Annotated[str, StringConstraints(pattern=PHOTO_FILE_PATTERN)] = Field(
        description="the photo's file in the export's zip"
    )
    filename: Name = Field(description="the name it was uploaded with")
    content_type: Annotated[str, StringConstraints(pattern=r"^image/[a-z0-9.+-]{1,40}$")]
    size: int = Field(ge=0, le=MAX_PHOTO_BYTES)
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class SourceDoc(_Model):
    channel_id: Snowflake
    message_id: Snowflake
    author_id: Snowflake | None = Field(description="who wrote the message")


class MemoryDoc(_Model):
    author_id: Snowflake
    title: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    happened_on: Day
    description: Text
    tags: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[^,]+$")]],
        Field(max_length=20),
    ]
    quote: Text = Field(description="'Save as memory': the saved message's text")
    source: SourceDoc | None = Field(description="'Save as memory': the message it was saved from")
    created_at: Instant
    updated_at: Instant
    updated_by: Snowflake
    photos: Annotated[list[PhotoDoc], Field(max_length=10)]


class RitualAnswerDoc(_Model):
    user_id: Snowflake
    step: int = Field(ge=0, le=100)
    answer: Text
    answered_at: Instant


class RitualRunDoc(_Model):
    scheduled_at: Instant
    step: int = Field(ge=0, le=100)
    completed_at: Instant | None
    answers: Annotated[list[RitualAnswerDoc], Field(max_length=200)] = Field(
        description="the requester's answers, and the partner's to steps both answered"
    )


class RitualDoc(_Model):
    template: Key
    weekdays: Annotated[list[Weekday], Field(min_length=1, max_length=7)]
    time: Clock
    zone: ZoneName
    message: Text | None
    created_by: Snowflake
    created_at: Instant
    paused: bool
    runs: Annotated[list[RitualRunDoc], Field(max_length=MANY)]


class CallChangeDoc(_Model):
    occurrence_at: Instant
    status: Literal["skipped", "moved"]
    moved_to: Instant | None
    changed_by: Snowflake
    changed_at: Instant


class CallRsvpDoc(_Model):
    occurrence_at: Instant
    user_id: Snowflake
    answer: Literal["yes", "move"]
    answered_at: Instant


class CallProposalDoc(_Model):
    occurrence_at: Instant
    proposed_by: Snowflake
    proposed_at: Instant = Field(description="the start it proposed")
    note: Text | None
    status: Literal["pending", "accepted", "declined", "superseded"]
    created_at: Instant
    decided_by: Snowflake | None
    decided_at: Instant | None


class CallNightDoc(_Model):
    occurrence_at: Instant
    started_at: Instant
    activity: Text
    posted_at: Instant


class CallDoc(_Model):
    kind: Literal["weekly", "once"]
    weekday: Weekday | None = Field(description="weekly: Monday = 0")
    time: Clock | None = Field(description="weekly: the wall time in zone")
    zone: ZoneName
    once_at: Instant | None = Field(description="once: when it starts")
    reminders: Annotated[list[Annotated[int, Field(ge=0, le=100_000)]], Field(max_length=10)]
    memory_after: int = Field(ge=0, le=100_000)
    created_by: Snowflake
    created_at: Instant
    cancelled_at: Instant | None
    changes: Annotated[list[CallChangeDoc], Field(max_length=MANY)]
    rsvps: Annotated[list[CallRsvpDoc], Field(max_length=MANY)]
    proposals: Annotated[list[CallProposalDoc], Field(max_length=MANY)]
    nights: Annotated[list[CallNightDoc], Field(max_length=MANY)]


class VisitDoc(_Model):
    date: Day
    time: Clock | None
    zone: ZoneName
    starts_at: Instant
    set_by: Snowflake
    set_at: Instant
    cleared_at: Instant | None


class DateDoc(_Model):
    kind: Literal["anniversary", "birthday", "other"]
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    year: int | None = Field(ge=1, le=9999)
    label: Short
    zone: ZoneName
    created_by: Snowflake
    created_at: Instant


class ScheduleDoc(_Model):
    kind: Literal["question", "question_dm", "checkin"] = Field(
        description="question: the daily question post; question_dm: a partner's copy by DM; "
        "checkin: a partner's daily check-in ask"
    )
    user_id: Snowflake | None = Field(description="whose it is (question: who set the time)")
    time: Clock
    weekdays: Annotated[list[Weekday], Field(min_length=1, max_length=7)]
    zone: ZoneName | None = Field(description="the zone of a shared time; null: the partner's own zone")
    paused: bool


class ExportDocument(_Model):
    """closer-export.json: everything one partner may see of their couple's space."""

    format: Literal["closer-export"]
    version: Literal[1]
    exported_at: Instant
    exported_by: Snowflake
    couple: CoupleDoc
    questions: QuestionsDoc
    checkins: CheckinsDoc
    appreciations: Annotated[list[AppreciationDoc], Field(max_length=MANY)]
    wins: Annotated[list[WinDoc], Field(max_length=MANY)]
    goodnights: Annotated[list[GoodnightDoc], Field(max_length=MANY)]
    memories: Annotated[list[MemoryDoc], Field(max_length=MANY)]
    rituals: Annotated[list[RitualDoc], Field(max_length=500)]
    calls: Annotated[list[CallDoc], Field(max_length=5_000)]
    visits: Annotated[list[VisitDoc], Field(max_length=MANY)]
    dates: Annotated[list[DateDoc], Field(max_length=5_000)]
    schedules: Annotated[list[ScheduleDoc], Field(max_length=20)]


# Value types named once in the schema's $defs instead of repeated at every field.
_SHARED: dict[str, Any] = {
    "Snowflake": Snowflake,
    "Instant": Instant,
    "Day": Day,
    "Clock": Clock,
    "Zone": ZoneName,
    "Key": Key,
    "Weekday": Weekday,
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``closer-export.json`` (as documented in docs/export-format.md)."""
    from pydantic import TypeAdapter

    shared = {name: _without_titles(TypeAdapter(kind).json_schema()) for name, kind in _SHARED.items()}
    schema = _without_titles(ExportDocument.model_json_schema())
    schema = _factor(schema, shared)
    schema["$defs"] = {**shared, **schema.get("$defs", {})}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://closer.invalid/export-format/v{VERSION}",
        **schema,
    }


def schema_text(schema: Any | None = None, width: int = 100) -> str:
    """The schema as compact, readable JSON: anything that fits on one line stays on one."""
    schema = json_schema() if schema is None else schema

    def render(node: Any, indent: int, taken: int = 0) -> str:
        flat = json.dumps(node, ensure_ascii=False)
        if indent + taken + len(flat) <= width or not isinstance(node, (dict, list)) or not node:
            return flat
        pad = " " * (indent + 2)
        if isinstance(node, dict):
            items = [
                f"{pad}{json.dumps(k)}: {render(v, indent + 2, len(json.dumps(k)) + 2)}"
                for k, v in node.items()
            ]
            return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
        items = [pad + render(v, indent + 2) for v in node]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"

    return render(schema, 0)


def _factor(node: Any, shared: Mapping[str, Any]) -> Any:
    """Replace inline copies of the shared value types with a $ref to them."""
    if isinstance(node, dict):
        plain = {k: v for k, v in node.items() if k != "description"}
        for name, definition in shared.items():
            if plain == definition:
                described = {"description": node["description"]} if "description" in node else {}
                return {"$ref": f"#/$defs/{name}", **described}
        return {k: _factor(v, shared) for k, v in node.items()}
    if isinstance(node, list):
        return [_factor(v, shared) for v in node]
    return node


def _without_titles(node: Any) -> Any:
    """Drop pydantic's generated "title" keywords (a property named "title" stays)."""
    if isinstance(node, dict):
        return {k: _without_titles(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(node, list):
        return [_without_titles(v) for v in node]
    return node


# -------------------------------------------------------------------------------------------------
# Stored values <-> document values
# -------------------------------------------------------------------------------------------------


def instant(unix: int | None) -> str | None:
    if unix is None:
        return None
    return datetime.fromtimestamp(unix, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _instant_of(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sid(value: int | None) -> str | None:
    return None if value is None else str(int(value))


def _days(mask: int) -> list[int]:
    return [day for day in range(7) if mask & (1 << day)]


def _mask(days: Iterable[int]) -> int:
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/bmp": "bmp",
    "image/tiff": "tiff",
    "image/heic": "heic",
    "image/heif": "heif",
    "image/avif": "avif",
}


def slug(text: str, limit: int = 40) -> str:
    """ "Beach day in Nice!" -> "beach-day-in-nice" (ASCII letters and digits only)."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned[:limit].rstrip("-") or "memory"


def photo_file(index: int, position: int, title: str, content_type: str) -> str:
    """The zip name of a memory's photo: ``photos/0007-1-beach-day.jpg``."""
    extension = _EXTENSIONS.get(content_type, "img")
    return f"photos/{index:04d}-{position + 1}-{slug(title)}.{extension}"


# -------------------------------------------------------------------------------------------------
# Building the document
# -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhotoSource:
    """A photo to put in the zip: its name there and where Closer keeps it."""

    file: str
    path: str
    size: int


def build(snapshot: Snapshot, now: datetime) -> tuple[ExportDocument, list[PhotoSource]]:
    """The export document of a snapshot, and the photo files it names."""
    s = snapshot
    couple = s.couple
    photos_by_memory: dict[int, list[Row]] = {}
    for photo in s.memory_photos:
        photos_by_memory.setdefault(photo["memory_id"], []).append(photo)
    sources: list[PhotoSource] = []
    memories = []
    for index, m in enumerate(s.memories, start=1):
        photos = []
        for p in photos_by_memory.get(m["id"], []):
            name = photo_file(index, p["position"], m["title"], p["content_type"])
            sources.append(PhotoSource(name, p["path"], p["size"]))
            photos.append(
                {
                    "file": name,
                    "filename": p["filename"],
                    "content_type": p["content_type"],
                    "size": p["size"],
                    "sha256": p["sha256"],
                }
            )
        source = None
        if m["source_channel_id"] is not None and m["source_message_id"] is not None:
            source = {
                "channel_id": _sid(m["source_channel_id"]),
                "message_id": _sid(m["source_message_id"]),
                "author_id": _sid(m["source_author_id"]),
            }
        memories.append(
            {
                "author_id": _sid(m["author_id"]),
                "title": m["title"],
                "happened_on": m["happened_on"],
                "description": m["description"],
                "tags": [t for t in m["tags"].split(",") if t],
                "quote": m["quote"],
                "source": source,
                "created_at": instant(m["created_at"]),
                "updated_at": instant(m["updated_at"]),
                "updated_by": _sid(m["updated_by"]),
                "photos": photos,
            }
        )

    days = []
    for day, answers in s.question_days:
        days.append(
            {
                "id": day.id,
                "question_id": day.question_id,
                "question": day.question,
                "category": day.category,
                "tier": day.tier,
                "day_number": day.day_number,
                "local_date": day.local_date.isoformat(),
                "zone": day.zone,
                "round": day.round,
                "new_round": day.new_round,
                "repeat_of": day.repeat_of,
                "created_at": _instant_of(day.created_at),
                "posted_at": _instant_of(day.posted_at),
                "status": day.status,
                "revealed_at": _instant_of(day.revealed_at),
                "skipped_by": _sid(day.skipped_by),
                "skipped_at": _instant_of(day.skipped_at),
                "answers": [
                    {
                        "user_id": _sid(a.user_id),
                        "answer": a.answer,
                        "answered_at": _instant_of(a.answered_at),
                        "updated_at": _instant_of(a.updated_at),
                        "local_date": a.local_date.isoformat(),
                        "on_time": a.on_time,
                    }
                    for a in sorted(answers, key=lambda a: (a.answered_at, a.user_id))
                ],
            }
        )
    # A repeat of a day the export does not hold (impossible in Closer, but never point nowhere).
    ids = {d["id"] for d in days}
    for d in days:
        if d["repeat_of"] not in ids:
            d["repeat_of"] = None

    settings = s.question_settings
    runs_by_ritual: dict[int, list[Row]] = {}
    for run in s.ritual_runs:
        runs_by_ritual.setdefault(run["ritual_id"], []).append(run)
    answers_by_run: dict[int, list[Row]] = {}
    for answer in s.ritual_answers:
        answers_by_run.setdefault(answer["run_id"], []).append(answer)
    by_call: dict[str, dict[int, list[Row]]] = {"changes": {}, "rsvps": {}, "proposals": {}, "nights": {}}
    for key, rows in (
        ("changes", s.call_changes),
        ("rsvps", s.call_rsvps),
        ("proposals", s.call_proposals),
        ("nights", s.call_nights),
    ):
        for row in rows:
            by_call[key].setdefault(row["call_id"], []).append(row)

    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _instant_of(now),
        "exported_by": _sid(s.requester_id),
        "couple": {
            "server_id": _sid(s.server_id),
            "channel_id": _sid(couple["channel_id"]),
            "created_at": instant(couple["created_at"]),
            "paired_at": instant(couple["paired_at"]),
            "partners": [
                {
                    "user_id": _sid(p["user_id"]),
                    "position": p["position"],
                    "display_name": p["display_name"],
                    "zone": p["zone"],
                    "quiet_start": p["quiet_start"],
                    "quiet_end": p["quiet_end"],
                    "travel_zone": p["travel_zone"],
                    "travel_until": instant(p["travel_until"]),
                }
                for p in s.partners
            ],
        },
        "questions": {
            "settings": None
            if settings is None
            else {
                "categories": [c for c in settings["categories"].split(",") if c],
                "tiers": [int(t) for t in settings["tiers"].split(",") if t.strip().isdigit()],
            },
            "own": [
                {
                    "id": q["id"],
                    "text": q["text"],
                    "category": q["category"],
                    "added_by": _sid(q["added_by"]),
                    "added_at": instant(q["added_at"]),
                }
                for q in s.own_questions
            ],
            "days": days,
            "vetoes": [
                {
                    "question_id": v["question_id"],
                    "question": v["question"],
                    "category": v["category"],
                    "vetoed_by": _sid(v["vetoed_by"]),
                    "vetoed_at": instant(v["vetoed_at"]),
                }
                for v in s.question_vetoes
            ],
        },
        "checkins": {
            "sharing": [{"user_id": _sid(r["user_id"]), "level": r["level"]} for r in s.checkin_sharing],
            "love_languages": [
                {
                    "user_id": _sid(r["user_id"]),
                    "primary": r["primary_language"],
                    "secondary": r["secondary_language"],
                }
                for r in s.love_languages
            ],
            "entries": [
                {
                    "user_id": _sid(c["user_id"]),
                    "day": c["day"],
                    "mood": c["mood"],
                    "note": c["note"],
                    "zone": c["zone"],
                    "created_at": instant(c["created_at"]),
                    "updated_at": instant(c["updated_at"]),
                }
                for c in s.checkins
            ],
        },
        "appreciations": [
            {
                "from_user": _sid(a["from_user"]),
                "to_user": _sid(a["to_user"]),
                "message": a["message"],
                "created_at": instant(a["created_at"]),
            }
            for a in s.appreciations
        ],
        "wins": [
            {
                "user_id": _sid(w["user_id"]),
                "text": w["text"],
                "created_at": instant(w["created_at"]),
                "celebrated_by": _sid(w["celebrated_by"]),
                "celebrated_at": instant(w["celebrated_at"]),
            }
            for w in s.wins
        ],
        "goodnights": [
            {
                "from_user": _sid(g["from_user"]),
                "to_user": _sid(g["to_user"]),
                "message": g["message"],
                "sent_at": instant(g["sent_at"]),
            }
            for g in s.goodnights
        ],
        "memories": memories,
        "rituals": [
            {
                "template": r["template"],
                "weekdays": _days(r["weekdays"]),
                "time": r["local_time"],
                "zone": r["zone"],
                "message": r["message"],
                "created_by": _sid(r["created_by"]),
                "created_at": instant(r["created_at"]),
                "paused": bool(r["paused"]),
                "runs": [
                    {
                        "scheduled_at": instant(run["scheduled_at"]),
                        "step": run["step"],
                        "completed_at": instant(run["completed_at"]),
                        "answers": [
                            {
                                "user_id": _sid(a["user_id"]),
                                "step": a["step"],
                                "answer": a["answer"],
                                "answered_at": instant(a["answered_at"]),
                            }
                            for a in answers_by_run.get(run["id"], [])
                        ],
                    }
                    for run in runs_by_ritual.get(r["id"], [])
                ],
            }
            for r in s.rituals
        ],
        "calls": [_call(c, by_call) for c in s.calls],
        "visits": [
            {
                "date": v["visit_date"],
                "time": v["visit_time"],
                "zone": v["zone"],
                "starts_at": instant(v["starts_at"]),
                "set_by": _sid(v["set_by"]),
                "set_at": instant(v["set_at"]),
                "cleared_at": instant(v["cleared_at"]),
            }
            for v in s.visits
        ],
        "dates": [
            {
                "kind": d["kind"],
                "month": d["month"],
                "day": d["day"],
                "year": d["year"],
                "label": d["label"],
                "zone": d["zone"],
                "created_by": _sid(d["created_by"]),
                "created_at": instant(d["created_at"]),
            }
            for d in s.special_dates
        ],
        "schedules": [
            {
                "kind": r["kind"],
                "user_id": _sid(r["owner_id"]),
                "time": r["local_time"],
                "weekdays": _days(r["weekdays"]),
                "zone": None if r["personal"] else r["zone"],
                "paused": bool(r["paused"]),
            }
            for r in s.schedules
            if r["local_time"]
        ],
    }
    return ExportDocument.model_validate(document), sources


def _call(c: Row, children: Mapping[str, Mapping[int, list[Row]]]) -> dict[str, Any]:
    return {
        "kind": c["kind"],
        "weekday": c["weekday"],
        "time": c["local_time"],
        "zone": c["zone"],
        "once_at": instant(c["once_at"]),
        "reminders": [int(m) for m in c["reminders"].split(",") if m.strip()],
        "memory_after": c["memory_after"],
        "created_by": _sid(c["created_by"]),
        "created_at": instant(c["created_at"]),
        "cancelled_at": instant(c["cancelled_at"]),
        "changes": [
            {
                "occurrence_at": instant(x["occurrence_at"]),
                "status": x["status"],
                "moved_to": instant(x["moved_to"]),
                "changed_by": _sid(x["changed_by"]),
                "changed_at": instant(x["changed_at"]),
            }
            for x in children["changes"].get(c["id"], [])
        ],
        "rsvps": [
            {
                "occurrence_at": instant(x["occurrence_at"]),
                "user_id": _sid(x["user_id"]),
                "answer": x["answer"],
                "answered_at": instant(x["answered_at"]),
            }
            for x in children["rsvps"].get(c["id"], [])
        ],
        "proposals": [
            {
                "occurrence_at": instant(x["occurrence_at"]),
                "proposed_by": _sid(x["proposed_by"]),
                "proposed_at": instant(x["proposed_at"]),
                "note": x["note"],
                "status": x["status"],
                "created_at": instant(x["created_at"]),
                "decided_by": _sid(x["decided_by"]),
                "decided_at": instant(x["decided_at"]),
            }
            for x in children["proposals"].get(c["id"], [])
        ],
        "nights": [
            {
                "occurrence_at": instant(x["occurrence_at"]),
                "started_at": instant(x["started_at"]),
                "activity": x["activity"],
                "posted_at": instant(x["posted_at"]),
            }
            for x in children["nights"].get(c["id"], [])
        ],
    }


def to_json(document: ExportDocument) -> bytes:
    return json.dumps(document.model_dump(mode="json"), ensure_ascii=False, indent=2).encode("utf-8")


def content_of(document: ExportDocument) -> dict[str, Any]:
    """What an export says, without what a move changes: when it was made, the server and channel
    ids, and the export's own ids (question days, own questions) replaced by their order. An
    import followed by an export gives the same content."""
    data = document.model_dump(mode="json")
    data.pop("exported_at")
    data["couple"].pop("server_id")
    data["couple"].pop("channel_id")
    questions = data["questions"]
    own = {f"own-{q['id']}": f"own-#{n}" for n, q in enumerate(questions["own"])}
    for q in questions["own"]:
        q.pop("id")
    days = {d["id"]: n for n, d in enumerate(questions["days"])}
    for d in questions["days"]:
        d.pop("id")
        d["repeat_of"] = days.get(d["repeat_of"]) if d["repeat_of"] is not None else None
        d["question_id"] = own.get(d["question_id"], d["question_id"])
    for v in questions["vetoes"]:
        v["question_id"] = own.get(v["question_id"], v["question_id"])
    return data


# -------------------------------------------------------------------------------------------------
# The memory book
# -------------------------------------------------------------------------------------------------


def _long_date(text: str) -> str:
    day = date.fromisoformat(text)
    return f"{day.day} {day:%B %Y}"


def _inline(text: str) -> str:
    """Text fit for one Markdown line (headings, list items): no line breaks, no stray markup."""
    flat = " ".join(text.split())
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", flat)


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def memory_book(document: ExportDocument) -> str:
    """The couple's memory book in Markdown: memories with their photos (linked to the files in
    the zip), the questions answered together, notes of appreciation and wins. Every text in full."""
    names = {p.user_id: p.display_name for p in document.couple.partners}

    def who(user_id: str | None) -> str:
        return _inline(names.get(user_id or "", "your partner"))

    exported = document.exported_at[:10]
    title = " & ".join(_inline(p.display_name) for p in document.couple.partners)
    lines = [
        "# Our memory book",
        "",
        f"*{title} · exported from Closer on {_long_date(exported)} by {who(document.exported_by)}*",
        "",
    ]
    lines += ["## Memories", ""]
    if not document.memories:
        lines += ["No memories yet.", ""]
    for memory in sorted(document.memories, key=lambda m: m.happened_on):
        lines += [f"### {_inline(memory.title)} · {_long_date(memory.happened_on)}", ""]
        meta = f"*Written by {who(memory.author_id)}"
        if memory.tags:
            meta += " · " + ", ".join(_inline(t) for t in memory.tags)
        lines += [meta + "*", ""]
        if memory.description:
            lines += [memory.description, ""]
        if memory.quote:
            lines += [_quoted(memory.quote), ""]
        for photo in memory.photos:
            lines += [f"![{_inline(photo.filename)}]({photo.file})", ""]
    revealed = [d for d in document.questions.days if d.status == "revealed"]
    lines += ["## Questions we answered together", ""]
    if not revealed:
        lines += ["None yet.", ""]
    for day in revealed:
        lines += [
            f"### Day {day.day_number} · {_long_date(day.local_date)}",
            "",
            f"**{_inline(day.question)}**",
            "",
        ]
        for answer in day.answers:
            lines += [f"**{who(answer.user_id)}:**", "", answer.answer, ""]
    if document.appreciations:
        lines += ["## Notes of appreciation", ""]
        for note in document.appreciations:
            lines += [
                f"### {who(note.from_user)} to {who(note.to_user)} · {_long_date(note.created_at[:10])}",
                "",
                note.message,
                "",
            ]
    if document.wins:
        lines += ["## Wins", ""]
        for win in document.wins:
            cheered = f" · 🎉 celebrated by {who(win.celebrated_by)}" if win.celebrated_by else ""
            lines += [
                f"### {who(win.user_id)} · {_long_date(win.created_at[:10])}{cheered}",
                "",
                win.text,
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


# -------------------------------------------------------------------------------------------------
# Zip parts under a size limit
# -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """A file to put in the export's zip."""

    name: str
    data: bytes
    compress: bool = False


@dataclass(frozen=True, slots=True)
class Part:
    filename: str
    data: bytes
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Packed:
    parts: tuple[Part, ...]
    left_out: tuple[Entry, ...]  # files larger than a part can be


def _overhead(name: str) -> int:
    """Bytes a zip entry costs beyond its data: local header, central directory, zip64 extras."""
    encoded = len(name.encode("utf-8"))
    return 30 + 46 + 2 * encoded + 64


def _stored_size(entry: Entry) -> int:
    if not entry.compress:
        return len(entry.data)
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return len(compressor.compress(entry.data) + compressor.flush())


def _zip(entries: Sequence[Entry], stamp: datetime) -> bytes:
    buffer = io.BytesIO()
    when = stamp.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED if entry.compress else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            archive.writestr(info, entry.data, compresslevel=6 if entry.compress else None)
    return buffer.getvalue()


def pack(first: Sequence[Entry], rest: Sequence[Entry], limit: int, stem: str, stamp: datetime) -> Packed:
    """Zip ``first`` (the document and the book) and then ``rest`` (photos, in order) into as few
    parts as fit, each smaller than ``limit`` bytes. One part is ``{stem}.zip``; several are
    ``{stem}-part1-of-3.zip`` ..., each a complete zip holding a small part manifest."""
    margin = max(1024, min(64 * 1024, limit // 20))
    for _ in range(4):
        packed = _pack_once(first, rest, limit, margin, stem, stamp)
        if all(len(p.data) < limit for p in packed.parts):
            return packed
        margin *= 2
    raise ValueError("could not fit the export into parts under the limit")


def _pack_once(
    first: Sequence[Entry], rest: Sequence[Entry], limit: int, margin: int, stem: str, stamp: datetime
) -> Packed:
    budget = limit - margin - 22 - _overhead(PART_NAME) - 256
    groups: list[list[Entry]] = [[]]
    used = 0
    for entry in first:
        used += _stored_size(entry) + _overhead(entry.name)
        groups[0].append(entry)
    if used > budget:
        raise ValueError("the export document alone is larger than the limit")
    left_out: list[Entry] = []
    for entry in rest:
        size = _stored_size(entry) + _overhead(entry.name)
        if size > budget:
            left_out.append(entry)
            continue
        if used + size > budget:
            groups.append([])
            used = 0
        groups[-1].append(entry)
        used += size
    total = len(groups)
    parts = []
    for number, group in enumerate(groups, start=1):
        entries = list(group)
        if total == 1:
            filename = f"{stem}.zip"
        else:
            filename = f"{stem}-part{number}-of-{total}.zip"
            manifest = {
                "format": PART_FORMAT,
                "version": VERSION,
                "exported_at": _instant_of(stamp),
                "part": number,
                "parts": total,
            }
            entries.append(Entry(PART_NAME, json.dumps(manifest, indent=2).encode(), compress=True))
        parts.append(Part(filename, _zip(entries, stamp), tuple(e.name for e in entries)))
    return Packed(tuple(parts), tuple(left_out))


# -------------------------------------------------------------------------------------------------
# Reading an upload back
# -------------------------------------------------------------------------------------------------


class ExportRefused(UserError):
    """An upload that is not a valid Closer export (what is wrong, said plainly)."""


@dataclass(frozen=True, slots=True)
class PartInfo:
    exported_at: str
    part: int
    parts: int


@dataclass(frozen=True)
class Unpacked:
    document: ExportDocument | None
    part: PartInfo | None
    photos: Mapping[str, bytes]


def _where(loc: Sequence[str | int]) -> str:
    text = ""
    for item in loc:
        text += f"[{item}]" if isinstance(item, int) else (f".{item}" if text else str(item))
    return text or "the file"


def parse_document(raw: bytes) -> ExportDocument:
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
    try:
        return ExportDocument.model_validate(data)
    except ValidationError as error:
        problems = error.errors()
        shown = "; ".join(f"`{_where(p['loc'])}`: {p['msg']}" for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise ExportRefused(
            f"That export doesn't match Closer's export format: {shown}{more}. Nothing was imported."
        ) from None


def unpack(data: bytes, filename: str) -> Unpacked:
    """Read an uploaded export: a zip from ``/data export`` (or one of its parts), or the bare
    ``closer-export.json``. Never trusts it: names, sizes and counts are checked before reading."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ExportRefused("That file is too large to be an export of Closer's.")
    if not data.startswith(b"PK"):
        if filename.lower().endswith(".zip"):
            raise ExportRefused(
                f"`{filename[:80]}` isn't a zip file; attach the export `/data export` sent you."
            )
        return Unpacked(parse_document(data), None, {})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ExportRefused(
            "That file isn't a Closer export: attach the `.zip` (or `closer-export.json`) that `/data export` sent you."
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise ExportRefused("That zip holds too many files to be an export of Closer's.")
        if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise ExportRefused("That zip unpacks to more than an export of Closer's can hold.")
        files = [i for i in infos if not i.is_dir()]
        # The export's files, also when someone unzipped it and zipped the folder again.
        marker = next((i for i in files if i.filename.rsplit("/", 1)[-1] in (JSON_NAME, PART_NAME)), None)
        root = marker.filename.rsplit("/", 1)[0] + "/" if marker and "/" in marker.filename else ""
        by_name = {i.filename[len(root) :]: i for i in files if i.filename.startswith(root)}

        def read(info: zipfile.ZipInfo, limit: int) -> bytes:
            if info.file_size > limit:
                raise ExportRefused(f"`{info.filename[:80]}` in that zip is too large.")
            try:
                with archive.open(info) as handle:
                    content = handle.read(limit + 1)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError):
                raise ExportRefused(
                    f"`{info.filename[:80]}` in that zip is damaged; export again and retry."
                ) from None
            if len(content) > limit:
                raise ExportRefused(f"`{info.filename[:80]}` in that zip is too large.")
            return content

        document = parse_document(read(by_name[JSON_NAME], MAX_JSON_BYTES)) if JSON_NAME in by_name else None
        part = _part_info(read(by_name[PART_NAME], 64 * 1024)) if PART_NAME in by_name else None
        if document is None and part is None:
            raise ExportRefused(
                f"That zip has no `{JSON_NAME}`, so it isn't a Closer export (or one of its parts)."
            )
        photos = {
            name: read(info, MAX_PHOTO_BYTES) for name, info in by_name.items() if _PHOTO_FILE.match(name)
        }
    return Unpacked(document, part, photos)


def _part_info(raw: bytes) -> PartInfo:
    try:
        data = json.loads(raw.decode("utf-8"))
        if data.get("format") != PART_FORMAT:
            raise ValueError
        info = PartInfo(str(data["exported_at"]), int(data["part"]), int(data["parts"]))
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, RecursionError):
        raise ExportRefused(f"`{PART_NAME}` in that zip is damaged; export again and retry.") from None
    if not 1 <= info.part <= info.parts <= 10_000:
        raise ExportRefused(f"`{PART_NAME}` in that zip is damaged; export again and retry.")
    return info


# -------------------------------------------------------------------------------------------------
# From a document to the rows an import writes
# -------------------------------------------------------------------------------------------------


def _unix(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
    except ValueError:
        raise ExportRefused(f"`{text}` in that export isn't a real date and time.") from None


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ExportRefused(f"`{text}` in that export isn't a real date.") from None


def _zone(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ExportRefused(f"`{name}` in that export isn't a time zone Closer knows.") from None
    return name


def plan(document: ExportDocument, *, channel_id: int) -> ImportPlan:
    """The rows an import writes for ``document``, after checking what the schema can't: two
    partners, everyone named is one of them, real dates and zones, calls that make sense."""
    d = document
    partners = d.couple.partners
    if (
        len(partners) != 2
        or {p.position for p in partners} != {1, 2}
        or partners[0].user_id == partners[1].user_id
    ):
        raise ExportRefused(
            "That export holds one partner's entries only (the other deleted theirs and unpaired), so it "
            "can't be restored as a couple. Its memory book and JSON stay yours to keep."
        )
    people = {int(p.user_id) for p in partners}

    def uid(value: str | None) -> int | None:
        if value is None:
            return None
        number = int(value)
        if number not in people:
            raise ExportRefused(f"That export names <@{number}>, who isn't one of its two partners.")
        return number

    first = next(p for p in partners if p.position == 1)
    second = next(p for p in partners if p.position == 2)
    couple = {
        "channel_id": channel_id,
        "status": "paired",
        "inviter_id": int(first.user_id),
        "invitee_id": int(second.user_id),
        "created_at": _unix(d.couple.created_at),
        "paired_at": _unix(d.couple.paired_at) or _unix(d.couple.created_at),
    }
    partner_rows = tuple(
        {
            "user_id": int(p.user_id),
            "position": p.position,
            "display_name": p.display_name,
            "zone": _zone(p.zone),
            "quiet_start": p.quiet_start,
            "quiet_end": p.quiet_end,
            "travel_zone": _zone(p.travel_zone),
            "travel_until": _unix(p.travel_until),
        }
        for p in partners
    )
    q = d.questions
    own_ids = {q_.id for q_ in q.own}
    if len(own_ids) != len(q.own):
        raise ExportRefused("That export lists one of your own questions twice.")
    day_ids = [day.id for day in q.days]
    if len(set(day_ids)) != len(day_ids):
        raise ExportRefused("That export lists a question day twice.")
    live_dates: set[str] = set()
    days = []
    for day in q.days:
        if day.status != "skipped":
            if day.local_date in live_dates:
                raise ExportRefused(f"That export has two questions for {day.local_date}.")
            live_dates.add(day.local_date)
        if day.status == "revealed" and day.revealed_at is None:
            raise ExportRefused(f"Question day {day.day_number} is revealed but says not when.")
        answers = []
        seen: set[int] = set()
        for a in day.answers:
            user = uid(a.user_id)
            assert user is not None
            if user in seen:
                raise ExportRefused(f"Question day {day.day_number} holds two answers of one partner.")
            seen.add(user)
            answers.append(
                {
                    "user_id": user,
                    "answer": a.answer,
                    "answered_at": _unix(a.answered_at),
                    "updated_at": _unix(a.updated_at),
                    "local_date": _day(a.local_date),
                    "on_time": int(a.on_time),
                }
            )
        days.append(
            {
                "ref": day.id,
                "repeat_ref": day.repeat_of,
                "question_id": day.question_id,
                "question": day.question,
                "category": day.category,
                "tier": day.tier,
                "day_number": day.day_number,
                "local_date": _day(day.local_date),
                "zone": _zone(day.zone),
                "round": day.round,
                "new_round": int(day.new_round),
                "created_at": _unix(day.created_at),
                "posted_at": _unix(day.posted_at),
                "status": day.status,
                "revealed_at": _unix(day.revealed_at),
                # The reveal was posted in the old server: never post it again here.
                "reveal_message_id": 0 if day.status == "revealed" else None,
                "skipped_by": uid(day.skipped_by),
                "skipped_at": _unix(day.skipped_at),
                "answers": tuple(answers),
            }
        )
    vetoed = [v.question_id for v in q.vetoes]
    if len(set(vetoed)) != len(vetoed):
        raise ExportRefused("That export lists a skipped question twice.")
    settings = None
    if q.settings is not None:
        settings = {
            "categories": ",".join(sorted(set(q.settings.categories))),
            "tiers": ",".join(str(t) for t in sorted(set(q.settings.tiers))),
            "updated_by": None,
            "updated_at": _unix(d.exported_at),
        }
    c = d.checkins
    checkin_keys = [(e.user_id, e.day) for e in c.entries]
    if len(set(checkin_keys)) != len(checkin_keys):
        raise ExportRefused("That export holds two check-ins of one partner on one day.")
    if len({s.user_id for s in c.sharing}) != len(c.sharing) or len(
        {ll.user_id for ll in c.love_languages}
    ) != len(c.love_languages):
        raise ExportRefused("That export lists a partner's check-in settings twice.")
    memories = []
    files: set[str] = set()
    for m in d.memories:
        photos = []
        for position, p in enumerate(m.photos):
            if p.file in files:
                raise ExportRefused(f"Two photos in that export share the file `{p.file}`.")
            files.add(p.file)
            photos.append(
                {
                    "file": p.file,
                    "position": position,
                    "filename": p.filename,
                    "content_type": p.content_type,
                    "size": p.size,
                    "sha256": p.sha256,
                }
            )
        memories.append(
            {
                "author_id": uid(m.author_id),
                "title": m.title,
                "happened_on": _day(m.happened_on),
                "description": m.description,
                "tags": ",".join(m.tags),
                "quote": m.quote,
                "source_channel_id": int(m.source.channel_id) if m.source else None,
                "source_message_id": int(m.source.message_id) if m.source else None,
                "source_author_id": int(m.source.author_id) if m.source and m.source.author_id else None,
                "created_at": _unix(m.created_at),
                "updated_at": _unix(m.updated_at),
                "updated_by": uid(m.updated_by),
                "photos": tuple(photos),
            }
        )
    rituals = []
    for r in d.rituals:
        runs = []
        run_times = [run.scheduled_at for run in r.runs]
        if len(set(run_times)) != len(run_times):
            raise ExportRefused("A ritual in that export lists one occurrence twice.")
        for run in r.runs:
            keys = [(a.user_id, a.step) for a in run.answers]
            if len(set(keys)) != len(keys):
                raise ExportRefused("A ritual in that export holds two answers of one partner to one step.")
            runs.append(
                {
                    "scheduled_at": _unix(run.scheduled_at),
                    "step": run.step,
                    "completed_at": _unix(run.completed_at),
                    "answers": tuple(
                        {
                            "user_id": uid(a.user_id),
                            "step": a.step,
                            "answer": a.answer,
                            "answered_at": _unix(a.answered_at),
                        }
                        for a in run.answers
                    ),
                }
            )
        rituals.append(
            {
                "template": r.template,
                "weekdays": _mask(r.weekdays),
                "local_time": r.time,
                "zone": _zone(r.zone),
                "message": r.message,
                "created_by": uid(r.created_by),
                "created_at": _unix(r.created_at),
                "paused": int(r.paused),
                "runs": tuple(runs),
            }
        )
    calls = []
    for call in d.calls:
        if call.kind == "weekly" and (call.weekday is None or call.time is None):
            raise ExportRefused("A weekly call in that export has no weekday or time.")
        if call.kind == "once" and call.once_at is None:
            raise ExportRefused("A one-off call in that export has no start.")
        for change in call.changes:
            if change.status == "moved" and change.moved_to is None:
                raise ExportRefused("A moved call in that export doesn't say where to.")
        for label, keys in (
            ("change", [x.occurrence_at for x in call.changes]),
            ("reply", [(x.occurrence_at, x.user_id) for x in call.rsvps]),
            ("call night", [x.occurrence_at for x in call.nights]),
        ):
            if len(set(keys)) != len(keys):
                raise ExportRefused(f"A call in that export lists one {label} twice.")
        calls.append(
            {
                "kind": call.kind,
                "weekday": call.weekday if call.kind == "weekly" else None,
                "local_time": call.time if call.kind == "weekly" else None,
                "zone": _zone(call.zone),
                "once_at": _unix(call.once_at) if call.kind == "once" else None,
                "reminders": ",".join(str(m) for m in call.reminders),
                "memory_after": call.memory_after,
                "created_by": uid(call.created_by),
                "created_at": _unix(call.created_at),
                "cancelled_at": _unix(call.cancelled_at),
                "changes": tuple(
                    {
                        "occurrence_at": _unix(x.occurrence_at),
                        "status": x.status,
                        "moved_to": _unix(x.moved_to),
                        "changed_by": uid(x.changed_by),
                        "changed_at": _unix(x.changed_at),
                    }
                    for x in call.changes
                ),
                "rsvps": tuple(
                    {
                        "occurrence_at": _unix(x.occurrence_at),
                        "user_id": uid(x.user_id),
                        "answer": x.answer,
                        "answered_at": _unix(x.answered_at),
                    }
                    for x in call.rsvps
                ),
                "proposals": tuple(
                    {
                        "occurrence_at": _unix(x.occurrence_at),
                        "proposed_by": uid(x.proposed_by),
                        "proposed_at": _unix(x.proposed_at),
                        "note": x.note,
                        "status": x.status,
                        "created_at": _unix(x.created_at),
                        "decided_by": uid(x.decided_by),
                        "decided_at": _unix(x.decided_at),
                    }
                    for x in call.proposals
                ),
                "nights": tuple(
                    {
                        "occurrence_at": _unix(x.occurrence_at),
                        "started_at": _unix(x.started_at),
                        "activity": x.activity,
                        "posted_at": _unix(x.posted_at),
                    }
                    for x in call.nights
                ),
            }
        )
    if sum(1 for v in d.visits if v.cleared_at is None) > 1:
        raise ExportRefused("That export has two current visits.")
    schedule_keys = [(s.kind, s.user_id) for s in d.schedules]
    if len(set(schedule_keys)) != len(schedule_keys):
        raise ExportRefused("That export lists one schedule twice.")
    for s in d.schedules:
        uid(s.user_id)
        _zone(s.zone)
    return ImportPlan(
        couple=couple,
        partners=partner_rows,
        question_settings=settings,
        own_questions=tuple(
            {
                "ref": o.id,
                "text": o.text,
                "category": o.category,
                "added_by": uid(o.added_by),
                "added_at": _unix(o.added_at),
            }
            for o in q.own
        ),
        question_days=tuple(days),
        question_vetoes=tuple(
            {
                "question_id": v.question_id,
                "question": v.question,
                "category": v.category,
                "vetoed_by": uid(v.vetoed_by),
                "vetoed_at": _unix(v.vetoed_at),
            }
            for v in q.vetoes
        ),
        checkin_sharing=tuple(
            {"user_id": uid(s.user_id), "level": s.level, "updated_at": _unix(d.exported_at)}
            for s in c.sharing
        ),
        love_languages=tuple(
            {
                "user_id": uid(ll.user_id),
                "primary_language": ll.primary,
                "secondary_language": ll.secondary,
                "updated_at": _unix(d.exported_at),
            }
            for ll in c.love_languages
        ),
        checkins=tuple(
            {
                "user_id": uid(e.user_id),
                "day": _day(e.day),
                "mood": e.mood,
                "note": e.note,
                "zone": _zone(e.zone),
                "created_at": _unix(e.created_at),
                "updated_at": _unix(e.updated_at),
                # Told and suggested long ago, in the old server: nothing is sent again.
                "told_at": _unix(e.updated_at),
                "suggested_at": None,
            }
            for e in c.entries
        ),
        appreciations=tuple(
            {
                "from_user": uid(a.from_user),
                "to_user": uid(a.to_user),
                "message": a.message,
                "created_at": _unix(a.created_at),
                "delivered_at": _unix(a.created_at),
            }
            for a in d.appreciations
        ),
        wins=tuple(
            {
                "user_id": uid(w.user_id),
                "text": w.text,
                "created_at": _unix(w.created_at),
                "celebrated_by": uid(w.celebrated_by),
                "celebrated_at": _unix(w.celebrated_at),
            }
            for w in d.wins
        ),
        goodnights=tuple(
            {
                "from_user": uid(g.from_user),
                "to_user": uid(g.to_user),
                "message": g.message,
                "sent_at": _unix(g.sent_at),
            }
            for g in d.goodnights
        ),
        memories=tuple(memories),
        rituals=tuple(rituals),
        calls=tuple(calls),
        visits=tuple(
            {
                "visit_date": _day(v.date),
                "visit_time": v.time,
                "zone": _zone(v.zone),
                "starts_at": _unix(v.starts_at),
                "set_by": uid(v.set_by),
                "set_at": _unix(v.set_at),
                "cleared_at": _unix(v.cleared_at),
            }
            for v in d.visits
        ),
        special_dates=tuple(
            {
                "kind": x.kind,
                "month": x.month,
                "day": x.day,
                "year": x.year,
                "label": x.label,
                "zone": _zone(x.zone),
                "created_by": uid(x.created_by),
                "created_at": _unix(x.created_at),
            }
            for x in d.dates
        ),
        schedules=tuple(
            {
                "kind": s.kind,
                "user_id": uid(s.user_id),
                "time": s.time,
                "weekdays": tuple(sorted(set(s.weekdays))),
                "zone": s.zone,
                "paused": s.paused,
            }
            for s in d.schedules
        ),
    )
