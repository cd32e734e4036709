"""The question bank: the shipped questions (``data/questions.toml``), checked, and how
categories are named.

The small types (:class:`Question`, the category and depth keys) are core
(:mod:`bot.db.question_models`): the repository speaks them too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from bot.content import load
from bot.db.question_models import (
    CATEGORIES,
    DEFAULT_CATEGORIES,
    OPT_IN,
    OWN_PREFIX,
    OWN_TIER,
    TIERS,
    Question,
    own_id,
)

__all__ = [
    "ANSWER_LIMIT",
    "BANK_TEXT_LIMIT",
    "CATEGORIES",
    "CATEGORY_EMOJI",
    "DEFAULT_CATEGORIES",
    "OPT_IN",
    "OWN_MAX",
    "OWN_MIN",
    "OWN_PREFIX",
    "OWN_TIER",
    "TIERS",
    "Question",
    "bank",
    "bank_index",
    "bank_problems",
    "cares",
    "category_label",
    "category_name",
    "normalised",
    "own_id",
    "parse_bank",
]

CATEGORY_EMOJI: dict[str, str] = {
    "dreams": "🌠",
    "fears": "🫂",
    "gratitude": "🙏",
    "memories": "📷",
    "love": "💌",
    "values": "🧭",
    "distance": "🌍",
    "fun": "🎲",
    "mind": "💡",
    "conflict": "🕊️",
    "home": "🏡",
    "family": "🌳",
    "intimacy": "🕯️",
}
ANSWER_LIMIT = 1500
OWN_MIN, OWN_MAX = 10, 300
BANK_TEXT_LIMIT = 256  # fits an embed title, a modal text, a select option description (clipped)

_ID = re.compile(r"^[a-z]+-\d{3}$")


def category_name(key: str) -> str:
    """ "Dreams and the future" for ``dreams``."""
    name = CATEGORIES.get(key, key)
    return name[:1].upper() + name[1:]


def category_label(key: str) -> str:
    """ "🌠 Dreams and the future": the name with its emoji."""
    return f"{CATEGORY_EMOJI.get(key, '💬')} {category_name(key)}"


def normalised(text: str) -> str:
    """For duplicate checks: lowercase letters and digits only."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def parse_bank(raw: Mapping[str, Any]) -> tuple[Question, ...]:
    """The ``[[question]]`` entries of data/questions.toml; raises ValueError when one is malformed."""
    questions: list[Question] = []
    for index, entry in enumerate(raw.get("question", [])):
        try:
            care = entry.get("care", False)
            if not isinstance(care, bool):
                raise ValueError(f"care must be true or false, not {care!r}")
            questions.append(
                Question(
                    str(entry["id"]),
                    str(entry["category"]),
                    int(entry["tier"]),
                    str(entry["text"]).strip(),
                    care,
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"question #{index + 1} in the bank is malformed: {error!r}") from error
    return tuple(questions)


def bank_problems(questions: Sequence[Question], *, minimum: int = 400, per_cell: int = 10) -> list[str]:
    """What is wrong with a bank (empty when it is fine): ids, categories, tiers, lengths, stock."""
    problems: list[str] = []
    if len(questions) < minimum:
        problems.append(f"only {len(questions)} questions (at least {minimum} wanted)")
    seen_ids: set[str] = set()
    seen_texts: dict[str, str] = {}
    cells: dict[tuple[str, int], int] = {}
    for q in questions:
        if not _ID.match(q.id) or q.id.startswith(OWN_PREFIX):
            problems.append(f"{q.id}: ids look like 'dreams-001'")
        if q.id in seen_ids:
            problems.append(f"{q.id}: duplicate id")
        seen_ids.add(q.id)
        if q.category not in CATEGORIES:
            problems.append(f"{q.id}: unknown category {q.category!r}")
        elif not q.id.startswith(q.category + "-"):
            problems.append(f"{q.id}: id does not start with its category {q.category!r}")
        if q.tier not in TIERS:
            problems.append(f"{q.id}: tier {q.tier} is not 1, 2 or 3")
        if q.care and q.tier != 3:
            problems.append(f"{q.id}: only deep questions carry care = true")
        if not 20 <= len(q.text) <= BANK_TEXT_LIMIT:
            problems.append(f"{q.id}: {len(q.text)} characters (20-{BANK_TEXT_LIMIT})")
        key = normalised(q.text)
        if key in seen_texts:
            problems.append(f"{q.id}: same text as {seen_texts[key]}")
        seen_texts.setdefault(key, q.id)
        cells[(q.category, q.tier)] = cells.get((q.category, q.tier), 0) + 1
    for category in CATEGORIES:
        for tier in TIERS:
            if cells.get((category, tier), 0) < per_cell:
                problems.append(
                    f"{category} tier {tier}: {cells.get((category, tier), 0)} questions (at least {per_cell})"
                )
    return problems


@cache
def bank() -> tuple[Question, ...]:
    """The shipped bank, read on first use."""
    return parse_bank(load("questions"))


@cache
def bank_index() -> dict[str, Question]:
    return {q.id: q for q in bank()}


def cares(question_id: str) -> bool:
    """A tender bank question (``care = true``): its post, DM and form say "share only what you want"."""
    question = bank_index().get(question_id)
    return question is not None and question.care
