"""The daily question's plain data: categories and depths, a question, what choosing reads of
a couple's history (:class:`History`) and picks (:class:`Pick`), and the rows the question
repository returns.

Core, not the feature: the repository (``bot/db/repositories/questions.py``) speaks these types,
and core never imports ``cogs``. The feature (``cogs/questions/``) re-exports what it uses.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.timeutil import from_unix

# Category keys (as in data/questions.toml) and the names users see, in display order.
CATEGORIES: dict[str, str] = {
    "dreams": "dreams and the future",
    "fears": "fears and vulnerability",
    "gratitude": "gratitude and appreciation",
    "memories": "memories and the past",
    "love": "love languages and needs",
    "values": "values and beliefs",
    "distance": "us and the distance",
    "fun": "fun and quirky",
    "mind": "mind and ideas",
    "conflict": "conflict and repair",
    "home": "money and home",
    "family": "family and the future",
    "intimacy": "intimacy and closeness",
}
# Opt-in categories: drawn only once a couple turns them on (a couple without settings, or whose
# settings were saved before the category existed, does not draw them).
OPT_IN: frozenset[str] = frozenset({"intimacy"})
DEFAULT_CATEGORIES: frozenset[str] = frozenset(CATEGORIES) - OPT_IN
TIERS: dict[int, str] = {1: "light", 2: "personal", 3: "deep"}

OWN_PREFIX = "own-"
OWN_TIER = 2  # the couple's own questions count as "personal"; the tier filter never hides them


@dataclass(frozen=True, slots=True)
class Question:
    id: str  # 'dreams-001' from the bank, 'own-3' for the couple's own
    category: str
    tier: int
    text: str
    care: bool = False  # a tender question: posts say "share only what you want"

    @property
    def own(self) -> bool:
        return self.id.startswith(OWN_PREFIX)


def own_id(row_id: int) -> str:
    return f"{OWN_PREFIX}{row_id}"


@dataclass(frozen=True, slots=True)
class Asked:
    """What a couple's history says about one question."""

    count: int  # times asked as a new question (then-and-now repeats not counted)
    last_date: date  # the last question day it was asked on (repeats included)
    revealed_day: int | None = None  # the latest question day it was revealed on


@dataclass(frozen=True, slots=True)
class History:
    """A couple's question history, as much as choosing needs."""

    asked: Mapping[str, Asked] = field(default_factory=dict)
    vetoed: frozenset[str] = frozenset()
    own: tuple[Question, ...] = ()  # oldest first
    days: int = 0  # question days so far (skipped ones not counted)
    last_was_own: bool = False
    last_repeat: date | None = None  # the last "then and now" day
    # Questions set aside with "Not today" (never vetoed): the date they were last set aside.
    set_aside: Mapping[str, date] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pick:
    question: Question
    round: int  # 1: first pass through the enabled questions; 2+: started over
    new_round: bool = False  # the first question of a new round (the post says so)
    repeat_of: int | None = None  # "then and now": the earlier question day


# ---------------------------------------------------------------------------------------------
# What the repository returns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionSettings:
    categories: frozenset[str]
    tiers: frozenset[int]

    @classmethod
    def everything(cls) -> QuestionSettings:
        """The default: every category but the opt-in ones, at every depth."""
        return cls(DEFAULT_CATEGORIES, frozenset(TIERS))


@dataclass(frozen=True, slots=True)
class OwnQuestion:
    id: int
    guild_id: int
    text: str
    category: str
    added_by: int
    added_at: datetime

    @property
    def question(self) -> Question:
        return Question(own_id(self.id), self.category, OWN_TIER, self.text)


@dataclass(frozen=True, slots=True)
class QuestionDay:
    id: int
    guild_id: int
    question_id: str
    question: str
    category: str
    tier: int
    day_number: int
    local_date: date
    zone: str
    round: int
    new_round: bool
    repeat_of: int | None
    created_at: datetime
    posted_at: datetime | None
    channel_id: int | None
    message_id: int | None
    status: str  # 'open', 'revealed' or 'skipped' (an open day may be closed: ``closed_at``)
    revealed_at: datetime | None
    thread_id: int | None
    reveal_message_id: int | None
    skipped_by: int | None
    skipped_at: datetime | None
    closed_at: datetime | None = None  # its day ended before both answered: the post is closed

    @property
    def open(self) -> bool:
        """Still answerable: neither revealed, skipped nor closed at the end of its day."""
        return self.status == "open" and self.closed_at is None

    @property
    def closed(self) -> bool:
        return self.status == "open" and self.closed_at is not None

    @property
    def revealed(self) -> bool:
        return self.status == "revealed"

    @property
    def skipped(self) -> bool:
        return self.status == "skipped"

    @property
    def reached_at(self) -> datetime:
        """When the question reached the couple: its post, or its creation if it never posted."""
        return self.posted_at or self.created_at


@dataclass(frozen=True, slots=True)
class Answer:
    day_id: int
    user_id: int
    answer: str
    answered_at: datetime
    updated_at: datetime
    local_date: date
    on_time: bool


@dataclass(frozen=True, slots=True)
class Saved:
    """The outcome of saving an answer."""

    state: str  # 'saved', 'replaced', 'locked' (revealed already), 'skipped', 'missing'
    answered: frozenset[int] = frozenset()  # who has answered now (ids only, never the texts)
    revealed: bool = False  # this answer completed the pair: reveal now


@dataclass(frozen=True, slots=True)
class StreakDay:
    """What the streak needs of a question day."""

    local_date: date
    reached_at: datetime
    answered: dict[int, bool]  # who answered, and whether in time


@dataclass(frozen=True, slots=True)
class SetAside:
    """A question set aside with "Not today": it may come back, or be a call night's talking point."""

    question_id: str
    question: str
    category: str
    on: date  # the question day it was set aside on


@dataclass(frozen=True, slots=True)
class Veto:
    question_id: str
    question: str
    category: str
    vetoed_by: int
    vetoed_at: datetime


def _opt_time(value: int | None) -> datetime | None:
    return from_unix(value) if value is not None else None


def day_from_row(row: sqlite3.Row) -> QuestionDay:
    return QuestionDay(
        id=row["id"],
        guild_id=row["guild_id"],
        question_id=row["question_id"],
        question=row["question"],
        category=row["category"],
        tier=row["tier"],
        day_number=row["day_number"],
        local_date=date.fromisoformat(row["local_date"]),
        zone=row["zone"],
        round=row["round"],
        new_round=bool(row["new_round"]),
        repeat_of=row["repeat_of"],
        created_at=from_unix(row["created_at"]),
        posted_at=_opt_time(row["posted_at"]),
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        status=row["status"],
        revealed_at=_opt_time(row["revealed_at"]),
        thread_id=row["thread_id"],
        reveal_message_id=row["reveal_message_id"],
        skipped_by=row["skipped_by"],
        skipped_at=_opt_time(row["skipped_at"]),
        closed_at=_opt_time(row["closed_at"]),
    )


def answer_from_row(row: sqlite3.Row) -> Answer:
    return Answer(
        day_id=row["day_id"],
        user_id=row["user_id"],
        answer=row["answer"],
        answered_at=from_unix(row["answered_at"]),
        updated_at=from_unix(row["updated_at"]),
        local_date=date.fromisoformat(row["local_date"]),
        on_time=bool(row["on_time"]),
    )


def own_from_row(row: sqlite3.Row) -> OwnQuestion:
    return OwnQuestion(
        id=row["id"],
        guild_id=row["guild_id"],
        text=row["text"],
        category=row["category"],
        added_by=row["added_by"],
        added_at=from_unix(row["added_at"]),
    )
