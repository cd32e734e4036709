"""The check-ins' part of the export (``checkins``): each partner's sharing level and love
languages, the requester's check-ins and the partner's as each was shared (the repository's
rule: an entry's own level, never the current one); each partner's check-in time as a choice (``schedules``), armed again by the service on
``Hook.SPACE_RESTORED``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from bot.archive import (
    MANY,
    ArchivePart,
    Choice,
    Counts,
    Day,
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
    ZoneName,
)
from bot.archive.values import day, instant, sid, unique, unix, zone
from bot.db.connection import Tx
from bot.db.repositories.checkins import CheckinRepository
from cogs.checkins.service import ASK

LOVE = Literal["words", "time", "gifts", "service", "touch"]
LEVEL = Literal["full", "mood", "nothing"]


class SharingDoc(Model):
    user_id: Snowflake
    level: LEVEL


class LoveLanguagesDoc(Model):
    user_id: Snowflake
    primary: LOVE
    secondary: LOVE | None


class CheckinDoc(Model):
    user_id: Snowflake
    day: Day
    mood: int = Field(ge=1, le=5)
    note: Text | None = Field(description="null when there is none, or the partner shares moods only")
    zone: ZoneName
    created_at: Instant
    updated_at: Instant
    sharing: LEVEL | None = Field(
        default=None,
        description="what the partner was shown of this check-in (its level when it was made); "
        "missing in older exports: the partner's sharing level",
    )


class CheckinsDoc(Model):
    sharing: Annotated[list[SharingDoc], Field(max_length=2)]
    love_languages: Annotated[list[LoveLanguagesDoc], Field(max_length=2)]
    entries: Annotated[list[CheckinDoc], Field(max_length=MANY)] = Field(
        description="the requester's check-ins, and the partner's as each was shared"
    )


def plan(c: CheckinsDoc, importing: Importing) -> Rows:
    uid = importing.uid
    unique(
        ((e.user_id, e.day) for e in c.entries), "That export holds two check-ins of one partner on one day."
    )
    if len({s.user_id for s in c.sharing}) != len(c.sharing) or len(
        {ll.user_id for ll in c.love_languages}
    ) != len(c.love_languages):
        raise ExportRefused("That export lists a partner's check-in settings twice.")
    levels = {s.user_id: s.level for s in c.sharing}
    return {
        "checkin_sharing": tuple(
            {"user_id": uid(s.user_id), "level": s.level, "updated_at": importing.exported_at}
            for s in c.sharing
        ),
        "love_languages": tuple(
            {
                "user_id": uid(ll.user_id),
                "primary_language": ll.primary,
                "secondary_language": ll.secondary,
                "updated_at": importing.exported_at,
            }
            for ll in c.love_languages
        ),
        "checkins": tuple(
            {
                "user_id": uid(e.user_id),
                "day": day(e.day),
                "mood": e.mood,
                "note": e.note,
                "zone": zone(e.zone),
                "created_at": unix(e.created_at),
                "updated_at": unix(e.updated_at),
                "sharing": e.sharing or levels.get(e.user_id, "full"),
                # Told and suggested long ago, in the old server: nothing is sent again.
                "told_at": unix(e.updated_at),
                "suggested_at": None,
            }
            for e in c.entries
        ),
    }


SECTION = Section(
    key="checkins",
    position=20,
    schema=CheckinsDoc,
    plan=plan,
    choices=(Choice(ASK, "a partner's daily check-in ask", "Check-in", personal=True),),
)


class CheckinsArchive(ArchivePart[CheckinRepository]):
    section = SECTION

    async def export(self, request: ExportRequest) -> Exported:
        guild_id, repo = request.couple_key, self.repo
        value: dict[str, Any] = {
            "sharing": [
                {"user_id": sid(r["user_id"]), "level": r["level"]}
                for r in await repo.export_sharing(guild_id)
            ],
            "love_languages": [
                {
                    "user_id": sid(r["user_id"]),
                    "primary": r["primary_language"],
                    "secondary": r["secondary_language"],
                }
                for r in await repo.export_love_languages(guild_id)
            ],
            "entries": [
                {
                    "user_id": sid(c["user_id"]),
                    "day": c["day"],
                    "mood": c["mood"],
                    "note": c["note"],
                    "zone": c["zone"],
                    "created_at": instant(c["created_at"]),
                    "updated_at": instant(c["updated_at"]),
                    "sharing": c["sharing"],
                }
                for c in await repo.export_checkins(guild_id, request.user_id)
            ],
        }
        return Exported(value)

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        await self.repo.restore_checkins(
            tx, guild_id, rows["checkin_sharing"], rows["love_languages"], rows["checkins"]
        )
        return [("checkins", len(rows["checkins"]))]
