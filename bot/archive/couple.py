"""The document's core: the couple and its partners (``couple``), and the couple's own choices
of time (``schedules``: the kinds the features declare as :class:`~bot.archive.parts.Choice`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, create_model

from bot.archive.parts import Choice, Importing, entries
from bot.archive.values import (
    Clock,
    ExportRefused,
    Instant,
    Model,
    Name,
    Snowflake,
    Weekday,
    ZoneName,
    days,
    instant,
    mask,
    sid,
    unique,
    unix,
    zone,
)
from bot.db.connection import Row
from bot.timeutil import to_unix


class PartnerDoc(Model):
    """One partner: their Discord id, name and own settings."""

    user_id: Snowflake
    position: Literal[1, 2] = Field(description="1: the partner who ran /couple setup")
    display_name: Name
    zone: ZoneName | None = Field(description="their home time zone (IANA)")
    quiet_start: Clock
    quiet_end: Clock
    travel_zone: ZoneName | None
    travel_until: Instant | None


class CoupleDoc(Model):
    server_id: Snowflake = Field(description="the Discord server the space was in")
    channel_id: Snowflake = Field(description="the shared channel there")
    created_at: Instant
    paired_at: Instant | None
    partners: Annotated[list[PartnerDoc], Field(min_length=1, max_length=2)] = Field(
        description="both partners; one when the other deleted their data and unpaired"
    )


def couple_doc(server_id: int, couple: Row, partners: Sequence[Row]) -> dict[str, Any]:
    return {
        "server_id": sid(server_id),
        "channel_id": sid(couple["channel_id"]),
        "created_at": instant(couple["created_at"]),
        "paired_at": instant(couple["paired_at"]),
        "partners": [
            {
                "user_id": sid(p["user_id"]),
                "position": p["position"],
                "display_name": p["display_name"],
                "zone": p["zone"],
                "quiet_start": p["quiet_start"],
                "quiet_end": p["quiet_end"],
                "travel_zone": p["travel_zone"],
                "travel_until": instant(p["travel_until"]),
            }
            for p in partners
        ],
    }


def plan_couple(couple: CoupleDoc, channel_id: int) -> tuple[dict[str, Any], tuple[dict[str, Any], ...]]:
    """The couple's row and its partners' rows; refused unless the export holds two partners."""
    partners = couple.partners
    if (
        len(partners) != 2
        or {p.position for p in partners} != {1, 2}
        or partners[0].user_id == partners[1].user_id
    ):
        raise ExportRefused(
            "That export holds one partner's entries only (the other deleted theirs and unpaired), so it "
            "can't be restored as a couple. Its memory book and JSON stay yours to keep."
        )
    first = next(p for p in partners if p.position == 1)
    second = next(p for p in partners if p.position == 2)
    row = {
        "channel_id": channel_id,
        "status": "paired",
        "inviter_id": int(first.user_id),
        "invitee_id": int(second.user_id),
        "created_at": unix(couple.created_at),
        "paired_at": unix(couple.paired_at) or unix(couple.created_at),
    }
    partner_rows = tuple(
        {
            "user_id": int(p.user_id),
            "position": p.position,
            "display_name": p.display_name,
            "zone": zone(p.zone),
            "quiet_start": p.quiet_start,
            "quiet_end": p.quiet_end,
            "travel_zone": zone(p.travel_zone),
            "travel_until": unix(p.travel_until),
        }
        for p in partners
    )
    return row, partner_rows


# -- schedules: the couple's own choices of time ------------------------------------------------------

SCHEDULES = "schedules"
SCHEDULES_LIMIT = 20


def schedules_field(choices: Sequence[Choice]) -> Any:
    """The ``schedules`` key's type: a list of :func:`schedule_doc` entries."""
    return entries(schedule_doc(choices), SCHEDULES_LIMIT)


def schedule_doc(choices: Sequence[Choice]) -> Any:
    """The model of one ``schedules`` entry, for the choice kinds the features declare."""
    kinds: Any = Literal.__getitem__(tuple(c.kind for c in choices))
    setters = "; ".join(f"{c.kind}: who set the time" for c in choices if not c.personal)
    return create_model(
        "ScheduleDoc",
        __base__=Model,
        kind=(kinds, Field(description="; ".join(f"{c.kind}: {c.meaning}" for c in choices))),
        user_id=(
            Snowflake | None,
            Field(description=f"whose it is ({setters})" if setters else "whose it is"),
        ),
        time=(Clock, ...),
        weekdays=(Annotated[list[Weekday], Field(min_length=1, max_length=7)], ...),
        zone=(ZoneName | None, Field(description="the zone of a shared time; null: the partner's own zone")),
        paused=(bool, ...),
    )


def schedule_docs(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Stored choice schedules (see ScheduleRepository.choices) as the document's entries."""
    return [
        {
            "kind": r["kind"],
            "user_id": sid(r["owner_id"]),
            "time": r["local_time"],
            "weekdays": days(r["weekdays"]),
            "zone": None if r["personal"] else r["zone"],
            "paused": bool(r["paused"]),
        }
        for r in rows
        if r["local_time"]
    ]


def plan_schedules(entries: Sequence[Any], importing: Importing) -> tuple[dict[str, Any], ...]:
    unique(((s.kind, s.user_id) for s in entries), "That export lists one schedule twice.")
    return tuple(
        {
            "kind": s.kind,
            "user_id": importing.uid(s.user_id),
            "time": s.time,
            "weekdays": tuple(sorted(set(s.weekdays))),
            "zone": zone(s.zone),
            "paused": s.paused,
        }
        for s in entries
    )


def schedule_rows(
    planned: Sequence[Row], choices: Sequence[Choice], partners: Sequence[Row], guild_id: int, now: datetime
) -> list[dict[str, Any]]:
    """The schedules table's rows of the planned choices: written, not armed (no next time);
    the feature owning each kind arms it on ``Hook.SPACE_RESTORED``."""
    by_kind = {c.kind: c for c in choices}
    names = {p["user_id"]: p["display_name"] for p in partners}
    rows = []
    for entry in planned:
        choice = by_kind[entry["kind"]]
        owner = entry["user_id"]
        if choice.personal and owner is None:
            continue  # a personal time of nobody in particular: nothing to restore
        rows.append(
            {
                "guild_id": guild_id,
                "kind": choice.kind,
                "key": str(owner) if choice.personal else "",
                "label": f"{choice.label} for {names[owner]}" if choice.personal else choice.label,
                "owner_id": owner,
                "personal": int(choice.personal),
                "local_time": entry["time"],
                "weekdays": mask(entry["weekdays"]),
                "zone": None if choice.personal else entry["zone"],
                "paused": int(entry["paused"]),
                "created_at": to_unix(now),
            }
        )
    return rows
