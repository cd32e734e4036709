"""The guess questions (data/guess.toml): enough of them, each well formed, every category the
bank's header promises used, and every text within what Discord shows."""

from __future__ import annotations

import random
from datetime import date

from bot.db.question_models import CATEGORIES, Asked, History
from cogs.questions.bank import bank, normalised
from cogs.questions.guess import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_LIMIT,
    GuessQuestion,
    choose_guess,
    guess_categories,
    guess_problems,
    guesses,
    is_guess_day,
    right_guesses,
)

# The categories the bank holds guess questions in: the daily question's, but fears and gratitude
# (they don't suit guessing, see the file's header).
GUESS_CATEGORIES = frozenset(CATEGORIES) - {"fears", "gratitude", "conflict", "intimacy"}


def test_the_guess_bank_is_sound() -> None:
    assert guess_problems(guesses()) == []
    assert len(guesses()) >= 120


def test_every_guess_question_fits_discord() -> None:
    """2-4 options of at most 80 characters (a button label), a question within an embed title
    (256) and a form's text; the reveal card stays far below an embed's 6,000."""
    for q in guesses():
        assert MIN_OPTIONS <= len(q.options) <= MAX_OPTIONS, q.id
        assert all(1 <= len(o) <= OPTION_LIMIT for o in q.options), q.id
        assert len(q.text) <= 200, q.id
        assert len(q.text) + sum(len(o) + 4 for o in q.options) < 1000, q.id


def test_ids_and_texts_are_unique_and_new() -> None:
    assert len({q.id for q in guesses()}) == len(guesses())
    assert len({normalised(q.text) for q in guesses()}) == len(guesses())
    daily = {normalised(q.text) for q in bank()}
    assert not daily & {normalised(q.text) for q in guesses()}


def test_every_category_is_used_and_each_is_a_daily_question_category() -> None:
    assert guess_categories() == GUESS_CATEGORIES
    assert guess_categories() <= set(CATEGORIES)


def test_the_checks_catch_what_is_wrong() -> None:
    bad = (
        GuessQuestion("guess-001", "fun", "Which one would I choose?", ("Only one",)),
        GuessQuestion("guess-001", "nope", "Which one would I choose?", ("A", "B", "C", "D", "E")),
        GuessQuestion("g-3", "fun", "Another question of mine?", ("x" * 81, "Same", "same")),
    )
    problems = "\n".join(guess_problems(bad, minimum=120))
    for expected in (
        "only 3 guess questions",
        "1 options",
        "5 options",
        "duplicate id",
        "unknown category",
        "same text",
        "ids look like",
        "81 characters",
        "two options are the same",
    ):
        assert expected in problems


def test_guess_days_fall_on_their_weekdays() -> None:
    saturday, wednesday, tuesday = date(2026, 11, 28), date(2026, 11, 25), date(2026, 11, 24)
    assert [is_guess_day("weekly", d) for d in (saturday, wednesday, tuesday)] == [True, False, False]
    assert [is_guess_day("twice", d) for d in (saturday, wednesday, tuesday)] == [True, True, False]
    assert [is_guess_day("never", d) for d in (saturday, wednesday, tuesday)] == [False, False, False]


def test_a_guess_question_is_never_asked_twice() -> None:
    """Drawing day after day: every guess question once, then none (a plain question that day)."""
    asked: dict[str, Asked] = {}
    categories = frozenset(CATEGORIES)
    today = date(2026, 1, 3)
    for n in range(len(guesses())):
        pick = choose_guess(guesses(), History(asked=asked), categories, today, random.Random(n))
        assert pick is not None
        assert pick.question.id not in asked
        asked[pick.question.id] = Asked(1, today)
    assert choose_guess(guesses(), History(asked=asked), categories, today, random.Random(0)) is None


def test_vetoed_and_resting_guess_questions_are_not_drawn_and_categories_are_honoured() -> None:
    today = date(2026, 1, 3)
    fun = [q.id for q in guesses() if q.category == "fun"]
    history = History(vetoed=frozenset(fun[:8]), set_aside=dict.fromkeys(fun[8:], today))
    for seed in range(20):
        pick = choose_guess(guesses(), history, frozenset({"fun", "love"}), today, random.Random(seed))
        assert pick is not None
        assert pick.question.category == "love"


def test_who_guessed_right() -> None:
    assert right_guesses({1: 0, 2: 1}, {1: 1, 2: 0}) == {1: True, 2: True}
    assert right_guesses({1: 0, 2: 1}, {1: 1, 2: 2}) == {1: True, 2: False}
    assert right_guesses({1: 0, 2: 1}, {1: 0, 2: 1}) == {1: False, 2: False}
