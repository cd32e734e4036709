"""The daily question's part of the export (``questions``): the settings, the couple's own
questions, every day asked with the answers the requester may see (their partner's only once
revealed: the repository's rule), and the vetoes; the question time and DM copies as choices
(``schedules``), armed again by the service on ``Hook.SPACE_RESTORED``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from bot.archive import (
    MANY,
    ArchivePart,
    Book,
    Chapter,
    Choice,
    Counts,
    Day,
    Exported,
    ExportRefused,
    ExportRequest,
    Importing,
    Instant,
    Key,
    Model,
    Rows,
    Section,
    Short,
    Snowflake,
    Text,
    ZoneName,
    inline,
    long_date,
)
from bot.archive.values import csv_list, day, instant, instant_of, sid, unique, unix, zone
from bot.db.connection import Tx
from bot.db.repositories.question_archive import QuestionExport
from bot.db.repositories.questions import QuestionRepository
from cogs.questions.service import KIND_DM, KIND_POST

QuestionId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9_-]+$")]


class QuestionSettingsDoc(Model):
    categories: Annotated[list[Key], Field(max_length=50)]
    tiers: Annotated[list[Annotated[int, Field(ge=1, le=3)]], Field(max_length=3)]


class OwnQuestionDoc(Model):
    id: int = Field(ge=1, description="this export's id; question days name it as own-{id}")
    text: Short
    category: Key
    added_by: Snowflake
    added_at: Instant


class AnswerDoc(Model):
    user_id: Snowflake
    answer: Text
    answered_at: Instant
    updated_at: Instant
    local_date: Day = Field(description="the partner's own date when they first answered")
    on_time: bool = Field(description="in time for the streak")


class QuestionDayDoc(Model):
    id: int = Field(ge=1, description="this export's id of the day (repeat_of refers to it)")
    question_id: QuestionId
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


class VetoDoc(Model):
    question_id: QuestionId
    question: Text
    category: Key
    vetoed_by: Snowflake
    vetoed_at: Instant


class QuestionsDoc(Model):
    settings: QuestionSettingsDoc | None = Field(description="null: every category and depth")
    own: Annotated[list[OwnQuestionDoc], Field(max_length=MANY)]
    days: Annotated[list[QuestionDayDoc], Field(max_length=MANY)]
    vetoes: Annotated[list[VetoDoc], Field(max_length=MANY)]


# -- out --------------------------------------------------------------------------------------------


def questions_doc(stored: QuestionExport) -> dict[str, Any]:
    days = []
    for d, answers in stored.days:
        days.append(
            {
                "id": d.id,
                "question_id": d.question_id,
                "question": d.question,
                "category": d.category,
                "tier": d.tier,
                "day_number": d.day_number,
                "local_date": d.local_date.isoformat(),
                "zone": d.zone,
                "round": d.round,
                "new_round": d.new_round,
                "repeat_of": d.repeat_of,
                "created_at": instant_of(d.created_at),
                "posted_at": instant_of(d.posted_at),
                "status": d.status,
                "revealed_at": instant_of(d.revealed_at),
                "skipped_by": sid(d.skipped_by),
                "skipped_at": instant_of(d.skipped_at),
                "answers": [
                    {
                        "user_id": sid(a.user_id),
                        "answer": a.answer,
                        "answered_at": instant_of(a.answered_at),
                        "updated_at": instant_of(a.updated_at),
                        "local_date": a.local_date.isoformat(),
                        "on_time": a.on_time,
                    }
                    for a in sorted(answers, key=lambda a: (a.answered_at, a.user_id))
                ],
            }
        )
    # A repeat of a day the export does not hold (impossible in Closer, but never point nowhere).
    ids = {item["id"] for item in days}
    for item in days:
        if item["repeat_of"] not in ids:
            item["repeat_of"] = None
    settings = stored.settings
    return {
        "settings": None
        if settings is None
        else {
            "categories": csv_list(settings["categories"]),
            "tiers": [int(t) for t in settings["tiers"].split(",") if t.strip().isdigit()],
        },
        "own": [
            {
                "id": q["id"],
                "text": q["text"],
                "category": q["category"],
                "added_by": sid(q["added_by"]),
                "added_at": instant(q["added_at"]),
            }
            for q in stored.own
        ],
        "days": days,
        "vetoes": [
            {
                "question_id": v["question_id"],
                "question": v["question"],
                "category": v["category"],
                "vetoed_by": sid(v["vetoed_by"]),
                "vetoed_at": instant(v["vetoed_at"]),
            }
            for v in stored.vetoes
        ],
    }


# -- back in ----------------------------------------------------------------------------------------


def plan(q: QuestionsDoc, importing: Importing) -> Rows:
    uid = importing.uid
    unique((o.id for o in q.own), "That export lists one of your own questions twice.")
    unique((d.id for d in q.days), "That export lists a question day twice.")
    live_dates: set[str] = set()
    days = []
    for d in q.days:
        if d.status != "skipped":
            if d.local_date in live_dates:
                raise ExportRefused(f"That export has two questions for {d.local_date}.")
            live_dates.add(d.local_date)
        if d.status == "revealed" and d.revealed_at is None:
            raise ExportRefused(f"Question day {d.day_number} is revealed but says not when.")
        answers: list[dict[str, Any]] = []
        for a in d.answers:
            user = importing.user(a.user_id)
            if any(other["user_id"] == user for other in answers):
                raise ExportRefused(f"Question day {d.day_number} holds two answers of one partner.")
            answers.append(
                {
                    "user_id": user,
                    "answer": a.answer,
                    "answered_at": unix(a.answered_at),
                    "updated_at": unix(a.updated_at),
                    "local_date": day(a.local_date),
                    "on_time": int(a.on_time),
                }
            )
        days.append(
            {
                "ref": d.id,
                "repeat_ref": d.repeat_of,
                "question_id": d.question_id,
                "question": d.question,
                "category": d.category,
                "tier": d.tier,
                "day_number": d.day_number,
                "local_date": day(d.local_date),
                "zone": zone(d.zone),
                "round": d.round,
                "new_round": int(d.new_round),
                "created_at": unix(d.created_at),
                "posted_at": unix(d.posted_at),
                "status": d.status,
                "revealed_at": unix(d.revealed_at),
                # The reveal was posted in the old server: never post it again here.
                "reveal_message_id": 0 if d.status == "revealed" else None,
                "skipped_by": uid(d.skipped_by),
                "skipped_at": unix(d.skipped_at),
                "answers": tuple(answers),
            }
        )
    unique((v.question_id for v in q.vetoes), "That export lists a skipped question twice.")
    settings = None
    if q.settings is not None:
        settings = {
            "categories": ",".join(sorted(set(q.settings.categories))),
            "tiers": ",".join(str(t) for t in sorted(set(q.settings.tiers))),
            "updated_by": None,
            "updated_at": importing.exported_at,
        }
    return {
        "question_settings": settings,
        "own_questions": tuple(
            {
                "ref": o.id,
                "text": o.text,
                "category": o.category,
                "added_by": uid(o.added_by),
                "added_at": unix(o.added_at),
            }
            for o in q.own
        ),
        "question_days": tuple(days),
        "question_vetoes": tuple(
            {
                "question_id": v.question_id,
                "question": v.question,
                "category": v.category,
                "vetoed_by": uid(v.vetoed_by),
                "vetoed_at": unix(v.vetoed_at),
            }
            for v in q.vetoes
        ),
    }


def content(questions: dict[str, Any]) -> dict[str, Any]:
    """The export's own ids (own questions, days) replaced by their order."""
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
    return questions


def chapter(questions: QuestionsDoc, book: Book) -> list[str]:
    revealed = [d for d in questions.days if d.status == "revealed"]
    lines = ["## Questions we answered together", ""]
    if not revealed:
        lines += ["None yet.", ""]
    for d in revealed:
        lines += [f"### Day {d.day_number} · {long_date(d.local_date)}", "", f"**{inline(d.question)}**", ""]
        for answer in d.answers:
            lines += [f"**{book.who(answer.user_id)}:**", "", answer.answer, ""]
    return lines


SECTION = Section(
    key="questions",
    position=10,
    schema=QuestionsDoc,
    plan=plan,
    chapter=Chapter(20, chapter),
    content=content,
    choices=(
        Choice(KIND_POST, "the daily question post", "Daily question", personal=False),
        Choice(KIND_DM, "a partner's copy by DM", "Question by DM", personal=True),
    ),
)


class QuestionsArchive(ArchivePart[QuestionRepository]):
    section = SECTION

    async def export(self, request: ExportRequest) -> Exported:
        return Exported(questions_doc(await self.repo.export_rows(request.couple_key, request.user_id)))

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        return await self.repo.restore_rows(tx, guild_id, rows)
