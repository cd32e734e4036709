"""The rituals' parts of the export: goodnight notes (``goodnights``) and the rituals with their
sessions (``rituals``: the requester's answers, and the partner's to the steps both answered,
the repository's rule). Their schedules are armed again by the service on ``Hook.SPACE_RESTORED``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field

from bot.archive import (
    MANY,
    ArchivePart,
    Clock,
    Counts,
    Exported,
    ExportRequest,
    Importing,
    Instant,
    Key,
    Model,
    Rows,
    Section,
    Snowflake,
    Text,
    Weekday,
    ZoneName,
    entries,
)
from bot.archive.values import days, instant, mask, sid, unique, unix, zone
from bot.db.connection import Row, Tx
from bot.db.repositories.rituals import RitualExport, RitualRepository

# -- goodnight notes ---------------------------------------------------------------------------------


class GoodnightDoc(Model):
    from_user: Snowflake
    to_user: Snowflake
    message: Text
    sent_at: Instant


def plan_goodnights(notes: list[GoodnightDoc], importing: Importing) -> Rows:
    uid = importing.uid
    return {
        "goodnights": tuple(
            {
                "from_user": uid(g.from_user),
                "to_user": uid(g.to_user),
                "message": g.message,
                "sent_at": unix(g.sent_at),
            }
            for g in notes
        )
    }


GOODNIGHTS = Section(
    key="goodnights",
    position=50,
    schema=entries(GoodnightDoc),
    plan=plan_goodnights,
)


class GoodnightsArchive(ArchivePart[RitualRepository]):
    section = GOODNIGHTS

    async def export(self, request: ExportRequest) -> Exported:
        return Exported(
            [
                {
                    "from_user": sid(g["from_user"]),
                    "to_user": sid(g["to_user"]),
                    "message": g["message"],
                    "sent_at": instant(g["sent_at"]),
                }
                for g in await self.repo.export_goodnights(request.couple_key)
            ]
        )

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        return [("goodnights", await self.repo.restore_goodnights(tx, guild_id, rows["goodnights"]))]


# -- rituals -----------------------------------------------------------------------------------------


class RitualAnswerDoc(Model):
    user_id: Snowflake
    step: int = Field(ge=0, le=100)
    answer: Text
    answered_at: Instant


class RitualRunDoc(Model):
    scheduled_at: Instant
    step: int = Field(ge=0, le=100)
    completed_at: Instant | None
    answers: Annotated[list[RitualAnswerDoc], Field(max_length=200)] = Field(
        description="the requester's answers, and the partner's to steps both answered"
    )


class RitualDoc(Model):
    template: Key
    weekdays: Annotated[list[Weekday], Field(min_length=1, max_length=7)]
    time: Clock
    zone: ZoneName
    message: Text | None
    created_by: Snowflake
    created_at: Instant
    paused: bool
    runs: Annotated[list[RitualRunDoc], Field(max_length=MANY)]


def rituals_doc(stored: RitualExport) -> list[dict[str, Any]]:
    runs_by_ritual: dict[int, list[Row]] = {}
    for run in stored.runs:
        runs_by_ritual.setdefault(run["ritual_id"], []).append(run)
    answers_by_run: dict[int, list[Row]] = {}
    for answer in stored.answers:
        answers_by_run.setdefault(answer["run_id"], []).append(answer)
    return [
        {
            "template": r["template"],
            "weekdays": days(r["weekdays"]),
            "time": r["local_time"],
            "zone": r["zone"],
            "message": r["message"],
            "created_by": sid(r["created_by"]),
            "created_at": instant(r["created_at"]),
            "paused": bool(r["paused"]),
            "runs": [
                {
                    "scheduled_at": instant(run["scheduled_at"]),
                    "step": run["step"],
                    "completed_at": instant(run["completed_at"]),
                    "answers": [
                        {
                            "user_id": sid(a["user_id"]),
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
        for r in stored.rituals
    ]


def plan_rituals(rituals: list[RitualDoc], importing: Importing) -> Rows:
    uid = importing.uid
    planned = []
    for r in rituals:
        runs = []
        unique((run.scheduled_at for run in r.runs), "A ritual in that export lists one occurrence twice.")
        for run in r.runs:
            unique(
                ((a.user_id, a.step) for a in run.answers),
                "A ritual in that export holds two answers of one partner to one step.",
            )
            runs.append(
                {
                    "scheduled_at": unix(run.scheduled_at),
                    "step": run.step,
                    "completed_at": unix(run.completed_at),
                    "answers": tuple(
                        {
                            "user_id": uid(a.user_id),
                            "step": a.step,
                            "answer": a.answer,
                            "answered_at": unix(a.answered_at),
                        }
                        for a in run.answers
                    ),
                }
            )
        planned.append(
            {
                "template": r.template,
                "weekdays": mask(r.weekdays),
                "local_time": r.time,
                "zone": zone(r.zone),
                "message": r.message,
                "created_by": uid(r.created_by),
                "created_at": unix(r.created_at),
                "paused": int(r.paused),
                "runs": tuple(runs),
            }
        )
    return {"rituals": tuple(planned)}


RITUALS = Section(
    key="rituals",
    position=70,
    schema=entries(RitualDoc, 500),
    plan=plan_rituals,
)


class RitualsArchive(ArchivePart[RitualRepository]):
    section = RITUALS

    async def export(self, request: ExportRequest) -> Exported:
        return Exported(rituals_doc(await self.repo.export_rituals(request.couple_key, request.user_id)))

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        rituals, runs = await self.repo.restore_rituals(tx, guild_id, rows["rituals"])
        return [("rituals", rituals), ("ritual_runs", runs)]
