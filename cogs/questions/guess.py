"""The guessing game's plain logic: its bank (``data/guess.toml``), which days are guess days,
choosing a guess question, and who guessed right.

A guess day is a question day like any other (posted at the question's time, closed at the end of
its day, counted in the streak); its question is a guess question (id ``guess-001``) with 2-4
options. Guess days come on fixed weekdays in the question's zone: weekly on Saturday, twice a
week on Wednesday and Saturday (:data:`GUESS_WEEKDAYS`). A guess question is never asked twice to
a couple; one set aside with "Not today" rests three weeks, one vetoed never comes back.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from bot.content import load
from bot.db.question_models import CATEGORIES, History, Pick, Question
from cogs.questions.bank import normalised
from cogs.questions.rules import resting

GUESS_PREFIX = "guess-"
GUESS_TIER = 1  # a guess day counts as a light question
OPTION_LIMIT = 80  # an option fits a button label (80) and a select option's label (100)
TEXT_LIMIT = 200  # a question fits an embed title-sized line and a modal's text
MIN_OPTIONS, MAX_OPTIONS = 2, 4

# Python weekdays (Monday 0) of guess days, in the question's zone.
GUESS_WEEKDAYS: dict[str, frozenset[int]] = {
    "never": frozenset(),
    "weekly": frozenset({5}),  # Saturday
    "twice": frozenset({2, 5}),  # Wednesday and Saturday
}
# The welcome post's words for it.
GUESS_DAYS_WORDS = {"weekly": "On Saturdays", "twice": "On Wednesdays and Saturdays"}
FREQUENCY_WORDS = {
    "never": "never",
    "weekly": "once a week, on Saturdays",
    "twice": "twice a week, on Wednesdays and Saturdays",
}
LETTERS = ("🇦", "🇧", "🇨", "🇩")

_ID = re.compile(r"^guess-\d{3}$")


@dataclass(frozen=True, slots=True)
class GuessQuestion:
    id: str
    category: str
    text: str
    options: tuple[str, ...]

    @property
    def question(self) -> Question:
        return Question(self.id, self.category, GUESS_TIER, self.text)


def is_guess(question_id: str) -> bool:
    return question_id.startswith(GUESS_PREFIX)


def parse_guesses(raw: Mapping[str, Any]) -> tuple[GuessQuestion, ...]:
    """The ``[[guess]]`` entries of data/guess.toml; raises ValueError when one is malformed."""
    found: list[GuessQuestion] = []
    for index, entry in enumerate(raw.get("guess", [])):
        try:
            options = entry["options"]
            if not isinstance(options, list):
                raise ValueError("options must be a list")
            found.append(
                GuessQuestion(
                    str(entry["id"]),
                    str(entry["category"]),
                    str(entry["text"]).strip(),
                    tuple(str(o).strip() for o in options),
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"guess question #{index + 1} is malformed: {error!r}") from error
    return tuple(found)


def guess_problems(questions: Sequence[GuessQuestion], *, minimum: int = 120) -> list[str]:
    """What is wrong with the guess bank (empty when it is fine)."""
    problems: list[str] = []
    if len(questions) < minimum:
        problems.append(f"only {len(questions)} guess questions (at least {minimum} wanted)")
    ids: set[str] = set()
    texts: dict[str, str] = {}
    for q in questions:
        if not _ID.match(q.id):
            problems.append(f"{q.id}: ids look like 'guess-001'")
        if q.id in ids:
            problems.append(f"{q.id}: duplicate id")
        ids.add(q.id)
        if q.category not in CATEGORIES:
            problems.append(f"{q.id}: unknown category {q.category!r}")
        if not 10 <= len(q.text) <= TEXT_LIMIT:
            problems.append(f"{q.id}: {len(q.text)} characters (10-{TEXT_LIMIT})")
        key = normalised(q.text)
        if key in texts:
            problems.append(f"{q.id}: same text as {texts[key]}")
        texts.setdefault(key, q.id)
        if not MIN_OPTIONS <= len(q.options) <= MAX_OPTIONS:
            problems.append(f"{q.id}: {len(q.options)} options ({MIN_OPTIONS}-{MAX_OPTIONS})")
        if len({normalised(o) for o in q.options}) != len(q.options):
            problems.append(f"{q.id}: two options are the same")
        for option in q.options:
            if not 1 <= len(option) <= OPTION_LIMIT:
                problems.append(
                    f"{q.id}: option {option[:20]!r} is {len(option)} characters (1-{OPTION_LIMIT})"
                )
    return problems


@cache
def guesses() -> tuple[GuessQuestion, ...]:
    """The shipped guess questions, read on first use."""
    return parse_guesses(load("guess"))


@cache
def guess_index() -> dict[str, GuessQuestion]:
    return {q.id: q for q in guesses()}


def guess_of(question_id: str) -> GuessQuestion | None:
    return guess_index().get(question_id)


def guess_categories() -> frozenset[str]:
    """The categories guess questions come in."""
    return frozenset(q.category for q in guesses())


def is_guess_day(frequency: str, day: date) -> bool:
    return day.weekday() in GUESS_WEEKDAYS.get(frequency, frozenset())


def choose_guess(
    questions: Sequence[GuessQuestion],
    history: History,
    categories: frozenset[str],
    today: date,
    rng: random.Random,
) -> Pick | None:
    """A guess question never asked to this couple (nor vetoed, nor set aside in the last three
    weeks), from the couple's categories (from every category when theirs have none left);
    None when none is left."""
    waiting = resting(history, today)
    fresh = [
        q
        for q in questions
        if q.id not in history.asked and q.id not in history.vetoed and q.id not in waiting
    ]
    mine = [q for q in fresh if q.category in categories] or fresh
    if not mine:
        return None
    return Pick(rng.choice(sorted(mine, key=lambda q: q.id)).question, round=1)


def right_guesses(picks: Mapping[int, int], guesses_made: Mapping[int, int]) -> dict[int, bool]:
    """Who guessed right: a partner's guess equals the other partner's pick."""
    result: dict[int, bool] = {}
    for user, guess in guesses_made.items():
        others = [pick for other, pick in picks.items() if other != user]
        result[user] = bool(others) and guess == others[0]
    return result
