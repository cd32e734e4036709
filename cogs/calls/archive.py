"""The calls' parts of the export: ``calls``, weekly and one-off calls (with their length) and
their skips and moves, replies, proposals to move them and call nights (held in the linked room or
not, and the time together); ``call_room``, the voice room the couple linked. Their schedules are
armed again by the planner on ``Hook.SPACE_RESTORED``, which also unlinks a room that isn't a
voice channel of the server imported into (the room stays behind when a couple moves).

The Discord scheduled events of the calls are not in it: they are Closer's own posts, made again
for the next call after an import.

Version 2 added ``length`` to each call and ``held`` and ``together_minutes`` to each night
(:func:`upgrade` reads a version-1 file's calls as an hour long, their nights not held), and the
``call_room`` key (``null`` for a version-1 file)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from bot.archive import (
    MANY,
    ArchivePart,
    Clock,
    Counts,
    Exported,
    ExportRefused,
    ExportRequest,
    Importing,
    Instant,
    Model,
    Rows,
    Section,
    Snowflake,
    Text,
    Weekday,
    ZoneName,
    entries,
)
from bot.archive.values import instant, sid, unique, unix, zone
from bot.clock import Clock as Now
from bot.db.connection import Row, Tx
from bot.db.repositories.call_archive import CallExport
from bot.db.repositories.call_rooms import CallRoomRepository
from bot.db.repositories.calls import CallRepository
from bot.timeutil import to_unix
from cogs.calls.nights import DEFAULT_LENGTH, MAX_LENGTH, MIN_LENGTH


class CallChangeDoc(Model):
    occurrence_at: Instant
    status: Literal["skipped", "moved"]
    moved_to: Instant | None
    changed_by: Snowflake
    changed_at: Instant


class CallRsvpDoc(Model):
    occurrence_at: Instant
    user_id: Snowflake
    answer: Literal["yes", "move"]
    answered_at: Instant


class CallProposalDoc(Model):
    occurrence_at: Instant
    proposed_by: Snowflake
    proposed_at: Instant = Field(description="the start it proposed")
    note: Text | None
    status: Literal["pending", "accepted", "declined", "superseded"]
    created_at: Instant
    decided_by: Snowflake | None
    decided_at: Instant | None


class CallNightDoc(Model):
    occurrence_at: Instant
    started_at: Instant
    activity: Text
    posted_at: Instant
    held: bool = Field(description="both partners were in the linked voice room together (version 2)")
    together_minutes: int = Field(
        ge=0, le=100_000, description="minutes both were in the room together; 0 if not held (version 2)"
    )


class CallDoc(Model):
    kind: Literal["weekly", "once"]
    weekday: Weekday | None = Field(description="weekly: Monday = 0")
    time: Clock | None = Field(description="weekly: the wall time in zone")
    zone: ZoneName
    once_at: Instant | None = Field(description="once: when it starts")
    reminders: Annotated[list[Annotated[int, Field(ge=0, le=100_000)]], Field(max_length=10)]
    memory_after: int = Field(ge=0, le=100_000)
    length: int = Field(ge=MIN_LENGTH, le=MAX_LENGTH, description="minutes it is planned to last (version 2)")
    created_by: Snowflake
    created_at: Instant
    cancelled_at: Instant | None
    changes: Annotated[list[CallChangeDoc], Field(max_length=MANY)]
    rsvps: Annotated[list[CallRsvpDoc], Field(max_length=MANY)]
    proposals: Annotated[list[CallProposalDoc], Field(max_length=MANY)]
    nights: Annotated[list[CallNightDoc], Field(max_length=MANY)]


class CallRoomDoc(Model):
    channel_id: Snowflake = Field(description="the voice channel, in the server the export was made in")
    set_by: Snowflake
    set_at: Instant


def upgrade(calls: Any, version: int) -> Any:
    """A version-1 file's calls read as version 2's: each call an hour long (the length every call
    had then), each night not held in a room (there was none). Anything off the schema is left to
    it: a version-2 file must say all of this itself."""
    if version >= 2 or not isinstance(calls, list):
        return calls
    return [_upgrade_call(call) if isinstance(call, dict) else call for call in calls]


def _upgrade_call(call: dict[str, Any]) -> dict[str, Any]:
    nights = call.get("nights")
    if isinstance(nights, list):
        nights = [
            {"held": False, "together_minutes": 0, **night} if isinstance(night, dict) else night
            for night in nights
        ]
    return {"length": DEFAULT_LENGTH, **call, **({"nights": nights} if "nights" in call else {})}


def together_minutes(row: Row, now: int) -> int:
    """Minutes both were in the room on a night, as /call list shows them (a stretch under way counts)."""
    seconds = int(row["together_seconds"])
    if row["together_since"] is not None:
        seconds += max(0, now - row["together_since"])
    return round(seconds / 60)


def calls_doc(stored: CallExport, now: int) -> list[dict[str, Any]]:
    children: dict[str, dict[int, list[Row]]] = {"changes": {}, "rsvps": {}, "proposals": {}, "nights": {}}
    for key, rows in (
        ("changes", stored.changes),
        ("rsvps", stored.rsvps),
        ("proposals", stored.proposals),
        ("nights", stored.nights),
    ):
        for row in rows:
            children[key].setdefault(row["call_id"], []).append(row)
    held = {
        (x["call_id"], x["occurrence_at"]): together_minutes(x, now)
        for x in stored.presence
        if x["held_at"] is not None
    }
    return [_call(c, children, held) for c in stored.calls]


def _call(
    c: Row, children: Mapping[str, Mapping[int, list[Row]]], held: Mapping[tuple[int, int], int]
) -> dict[str, Any]:
    return {
        "kind": c["kind"],
        "weekday": c["weekday"],
        "time": c["local_time"],
        "zone": c["zone"],
        "once_at": instant(c["once_at"]),
        "reminders": [int(m) for m in c["reminders"].split(",") if m.strip()],
        "memory_after": c["memory_after"],
        "length": c["length"],
        "created_by": sid(c["created_by"]),
        "created_at": instant(c["created_at"]),
        "cancelled_at": instant(c["cancelled_at"]),
        "changes": [
            {
                "occurrence_at": instant(x["occurrence_at"]),
                "status": x["status"],
                "moved_to": instant(x["moved_to"]),
                "changed_by": sid(x["changed_by"]),
                "changed_at": instant(x["changed_at"]),
            }
            for x in children["changes"].get(c["id"], [])
        ],
        "rsvps": [
            {
                "occurrence_at": instant(x["occurrence_at"]),
                "user_id": sid(x["user_id"]),
                "answer": x["answer"],
                "answered_at": instant(x["answered_at"]),
            }
            for x in children["rsvps"].get(c["id"], [])
        ],
        "proposals": [
            {
                "occurrence_at": instant(x["occurrence_at"]),
                "proposed_by": sid(x["proposed_by"]),
                "proposed_at": instant(x["proposed_at"]),
                "note": x["note"],
                "status": x["status"],
                "created_at": instant(x["created_at"]),
                "decided_by": sid(x["decided_by"]),
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
                "held": (c["id"], x["occurrence_at"]) in held,
                "together_minutes": held.get((c["id"], x["occurrence_at"]), 0),
            }
            for x in children["nights"].get(c["id"], [])
        ],
    }


def plan(calls: list[CallDoc], importing: Importing) -> Rows:
    return {"calls": tuple(_plan_call(call, importing) for call in calls)}


def _plan_call(call: CallDoc, importing: Importing) -> dict[str, Any]:
    uid = importing.uid
    if call.kind == "weekly" and (call.weekday is None or call.time is None):
        raise ExportRefused("A weekly call in that export has no weekday or time.")
    if call.kind == "once" and call.once_at is None:
        raise ExportRefused("A one-off call in that export has no start.")
    for change in call.changes:
        if change.status == "moved" and change.moved_to is None:
            raise ExportRefused("A moved call in that export doesn't say where to.")
    unique((x.occurrence_at for x in call.changes), "A call in that export lists one change twice.")
    unique(((x.occurrence_at, x.user_id) for x in call.rsvps), "A call in that export lists one reply twice.")
    unique((x.occurrence_at for x in call.nights), "A call in that export lists one call night twice.")
    if any(x.together_minutes and not x.held for x in call.nights):
        raise ExportRefused("A call night in that export has time together but wasn't held.")
    return {
        "kind": call.kind,
        "weekday": call.weekday if call.kind == "weekly" else None,
        "local_time": call.time if call.kind == "weekly" else None,
        "zone": zone(call.zone),
        "once_at": unix(call.once_at) if call.kind == "once" else None,
        "reminders": ",".join(str(m) for m in call.reminders),
        "memory_after": call.memory_after,
        "length": call.length,
        "created_by": uid(call.created_by),
        "created_at": unix(call.created_at),
        "cancelled_at": unix(call.cancelled_at),
        "changes": tuple(
            {
                "occurrence_at": unix(x.occurrence_at),
                "status": x.status,
                "moved_to": unix(x.moved_to),
                "changed_by": uid(x.changed_by),
                "changed_at": unix(x.changed_at),
            }
            for x in call.changes
        ),
        "rsvps": tuple(
            {
                "occurrence_at": unix(x.occurrence_at),
                "user_id": uid(x.user_id),
                "answer": x.answer,
                "answered_at": unix(x.answered_at),
            }
            for x in call.rsvps
        ),
        "proposals": tuple(
            {
                "occurrence_at": unix(x.occurrence_at),
                "proposed_by": uid(x.proposed_by),
                "proposed_at": unix(x.proposed_at),
                "note": x.note,
                "status": x.status,
                "created_at": unix(x.created_at),
                "decided_by": uid(x.decided_by),
                "decided_at": unix(x.decided_at),
            }
            for x in call.proposals
        ),
        "nights": tuple(
            {
                "occurrence_at": unix(x.occurrence_at),
                "started_at": unix(x.started_at),
                "activity": x.activity,
                "posted_at": unix(x.posted_at),
                "held": x.held,
                "together_seconds": x.together_minutes * 60,
            }
            for x in call.nights
        ),
    }


SECTION = Section(
    key="calls",
    position=80,
    schema=entries(CallDoc, 5_000),
    plan=plan,
    upgrade=upgrade,
)


def plan_room(room: CallRoomDoc | None, importing: Importing) -> Rows:
    if room is None:
        return {"call_rooms": ()}
    row = {
        "channel_id": int(room.channel_id),
        "set_by": importing.user(room.set_by),
        "set_at": unix(room.set_at),
    }
    return {"call_rooms": (row,)}


ROOM = Section(
    key="call_room",
    position=81,
    schema=CallRoomDoc | None,
    plan=plan_room,
    # The room is a channel of the server the export was made in: a move leaves it behind.
    content=lambda room: None,
    added_in=2,
    before=None,
)


class CallsArchive(ArchivePart[CallRepository]):
    section = SECTION

    def __init__(self, repo: CallRepository, clock: Now) -> None:
        super().__init__(repo)
        self.clock = clock  # a night under way counts its time together up to now

    async def export(self, request: ExportRequest) -> Exported:
        stored = await self.repo.export_rows(request.couple_key)
        return Exported(calls_doc(stored, to_unix(self.clock.now())))

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        return [("calls", await self.repo.restore_rows(tx, guild_id, rows["calls"]))]


class CallRoomArchive(ArchivePart[CallRoomRepository]):
    """The linked voice room (``call_room``); the planner checks it on ``Hook.SPACE_RESTORED``."""

    section = ROOM

    async def export(self, request: ExportRequest) -> Exported:
        row = await self.repo.room_row(request.couple_key)
        if row is None:
            return Exported(None)
        return Exported(
            {
                "channel_id": sid(row["channel_id"]),
                "set_by": sid(row["set_by"]),
                "set_at": instant(row["set_at"]),
            }
        )

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        return [("call_room", await self.repo.restore_room(tx, guild_id, rows["call_rooms"]))]
