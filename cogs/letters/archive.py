"""Letters' part of the export (``letters``, added in version 2: a version-1 file has none).

What goes out is what the requester may read: every letter they wrote (waiting ones too), and the
letters they received that were delivered or opened. A letter still sealed or on its way to them
stays out of their export. The capsules still on their way are planned again by the service on
``Hook.SPACE_RESTORED``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import StringConstraints

from bot.archive import (
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
    entries,
)
from bot.archive.values import day, instant, sid, unix
from bot.db.connection import Tx
from bot.db.repositories.letters import BODY_LIMIT, OCCASION_LIMIT, TITLE_LIMIT, LetterRepository

Title = Annotated[str, StringConstraints(min_length=1, max_length=TITLE_LIMIT)]
Body = Annotated[str, StringConstraints(min_length=1, max_length=BODY_LIMIT)]
Occasion = Annotated[str, StringConstraints(min_length=1, max_length=OCCASION_LIMIT)]


class LetterDoc(Model):
    from_user: Snowflake
    to_user: Snowflake
    title: Title
    text: Body
    open_on: Day | None  # a time capsule's day, in the recipient's zone
    occasion: Occasion | None  # a sealed letter's occasion
    written_at: Instant
    edited_at: Instant | None
    delivered_at: Instant | None
    opened_at: Instant | None


def plan(letters: list[LetterDoc], importing: Importing) -> Rows:
    rows = []
    for letter in letters:
        if (letter.open_on is None) == (letter.occasion is None):
            raise ExportRefused("A letter in that export has both a day and an occasion to open, or neither.")
        if letter.from_user == letter.to_user:
            raise ExportRefused("A letter in that export is addressed to the one who wrote it.")
        rows.append(
            {
                "from_user": importing.uid(letter.from_user),
                "to_user": importing.uid(letter.to_user),
                "title": letter.title,
                "body": letter.text,
                "open_on": day(letter.open_on) if letter.open_on else None,
                "occasion": letter.occasion,
                "written_at": unix(letter.written_at),
                "edited_at": unix(letter.edited_at),
                "delivered_at": unix(letter.delivered_at),
                "opened_at": unix(letter.opened_at),
            }
        )
    return {"letters": tuple(rows)}


SECTION = Section(
    key="letters",
    position=110,
    schema=entries(LetterDoc, 10_000),
    plan=plan,
    added_in=2,
    before=[],
)


class LettersArchive(ArchivePart[LetterRepository]):
    section = SECTION

    async def export(self, request: ExportRequest) -> Exported:
        return Exported(
            [
                {
                    "from_user": sid(r["from_user"]),
                    "to_user": sid(r["to_user"]),
                    "title": r["title"],
                    "text": r["body"],
                    "open_on": r["open_on"],
                    "occasion": r["occasion"],
                    "written_at": instant(r["written_at"]),
                    "edited_at": instant(r["edited_at"]),
                    "delivered_at": instant(r["delivered_at"]),
                    "opened_at": instant(r["opened_at"]),
                }
                for r in await self.repo.export_rows(request.couple_key, request.user_id)
            ]
        )

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        return [("letters", await self.repo.restore_rows(tx, guild_id, rows["letters"]))]
