"""The guessing game's part of the export (``guesses``, added in format version 2): how often guess
questions come, and each guess day's plays (a partner's pick and guess), both once revealed, only
the requester's own before. A day is named by its date and question (the ``questions`` section
holds the day itself, and each play's pick as its player's answer); the score is counted from
these, so it comes back with them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from bot.archive import (
    MANY,
    ArchivePart,
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
)
from bot.archive.values import day, instant, sid, unix
from bot.db.connection import Tx
from bot.db.repositories.guesses import DEFAULT_FREQUENCY, GuessRepository

GuessId = Annotated[str, StringConstraints(pattern=r"^guess-[0-9]{3}$")]
Option = Annotated[int, Field(ge=0, le=3, description="an option of the question, counted from 0")]


class PlayDoc(Model):
    user_id: Snowflake
    pick: Option = Field(description="the option the partner picked for themselves")
    guess: Option = Field(description="the option they guessed the other partner picked")
    played_at: Instant


class GuessDayDoc(Model):
    local_date: Day = Field(description="the question day (its date in the questions section)")
    question_id: GuessId
    plays: Annotated[list[PlayDoc], Field(max_length=2)] = Field(
        description="both once revealed; before that only the requester's own"
    )


class GuessesDoc(Model):
    frequency: Literal["never", "weekly", "twice"] = Field(
        description="how often the daily question is a guess question: weekly on Saturday, twice on "
        "Wednesday and Saturday"
    )
    days: Annotated[list[GuessDayDoc], Field(max_length=MANY)]


def guesses_doc(frequency: str, days: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "frequency": frequency,
        "days": [
            {
                "local_date": d["local_date"],
                "question_id": d["question_id"],
                "plays": [
                    {
                        "user_id": sid(p["user_id"]),
                        "pick": p["pick"],
                        "guess": p["guess"],
                        "played_at": instant(p["played_at"]),
                    }
                    for p in d["plays"]
                ],
            }
            for d in days
        ],
    }


def plan(doc: GuessesDoc, importing: Importing) -> Rows:
    seen: set[str] = set()
    plays = []
    for d in doc.days:
        if d.local_date in seen:
            raise ExportRefused(f"That export has two guessing games for {d.local_date}.")
        seen.add(d.local_date)
        players: set[int] = set()
        for p in d.plays:
            user = importing.user(p.user_id)
            if user in players:
                raise ExportRefused(f"The guessing game of {d.local_date} holds two plays of one partner.")
            players.add(user)
            plays.append(
                {
                    "local_date": day(d.local_date),
                    "question_id": d.question_id,
                    "user_id": user,
                    "pick": p.pick,
                    "guess": p.guess,
                    "played_at": unix(p.played_at),
                }
            )
    return {
        "guess_settings": {
            "frequency": doc.frequency,
            "updated_by": None,
            "updated_at": importing.exported_at,
        },
        "guess_plays": tuple(plays),
    }


SECTION = Section(
    key="guesses",
    position=15,
    schema=GuessesDoc,
    plan=plan,
    added_in=2,
    before={"frequency": DEFAULT_FREQUENCY, "days": []},
)


class GuessArchive(ArchivePart[GuessRepository]):
    section = SECTION

    async def export(self, request: ExportRequest) -> Exported:
        frequency, days = await self.repo.export_rows(request.couple_key, request.user_id)
        return Exported(guesses_doc(frequency, days))

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        return await self.repo.restore_rows(tx, guild_id, rows)
