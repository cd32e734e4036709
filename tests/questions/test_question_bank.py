"""The shipped question bank: original, well stocked, and fitting Discord's limits."""

from __future__ import annotations

import pytest

from cogs.questions.bank import (
    BANK_TEXT_LIMIT,
    CATEGORIES,
    TIERS,
    Question,
    bank,
    bank_problems,
    category_label,
    parse_bank,
)


def test_the_bank_has_at_least_400_questions_and_no_problems() -> None:
    """Unique ids, known categories and tiers, lengths that fit an embed, no duplicate texts."""
    questions = bank()
    assert len(questions) >= 400
    assert bank_problems(questions) == []


def test_question_ids_are_unique() -> None:
    """No two questions share an id (ids are how a couple's history refers to them)."""
    ids = [q.id for q in bank()]
    assert len(ids) == len(set(ids))


def test_every_question_fits_an_embed_title() -> None:
    """Each text is short enough for any place it is shown (titles, modals, cards)."""
    assert max(len(q.text) for q in bank()) <= BANK_TEXT_LIMIT
    assert min(len(q.text) for q in bank()) >= 20


@pytest.mark.parametrize("category", list(CATEGORIES))
@pytest.mark.parametrize("tier", list(TIERS))
def test_every_category_and_tier_is_well_stocked(category: str, tier: int) -> None:
    """At least 12 questions in each category at each depth, so no draw runs dry early."""
    count = sum(1 for q in bank() if q.category == category and q.tier == tier)
    assert count >= 12


def test_categories_carry_the_names_users_see() -> None:
    """The nine categories of the issue, each with a readable label."""
    assert set(CATEGORIES.values()) == {
        "dreams and the future",
        "fears and vulnerability",
        "gratitude and appreciation",
        "memories and the past",
        "love languages and needs",
        "values and beliefs",
        "us and the distance",
        "fun and quirky",
        "mind and ideas",
    }
    assert category_label("distance") == "🌍 Us and the distance"


def test_the_validator_catches_a_broken_bank() -> None:
    """Duplicate ids and texts, unknown categories, bad tiers and long texts are all reported."""
    broken = [
        Question("dreams-001", "dreams", 1, "What would you like to learn next year?"),
        Question("dreams-001", "dreams", 1, "What would you like to learn next year!"),
        Question("space-001", "space", 1, "Which planet would you visit first, and why?"),
        Question("fun-001", "fun", 4, "What is the silliest song you know by heart?"),
        Question("mind-001", "mind", 2, "Why? " * 80),
    ]
    problems = "\n".join(bank_problems(broken, minimum=1, per_cell=0))
    assert "duplicate id" in problems
    assert "same text as dreams-001" in problems
    assert "unknown category 'space'" in problems
    assert "tier 4" in problems
    assert "mind-001: 400 characters" in problems


def test_a_malformed_entry_is_a_clear_error() -> None:
    """A question missing its text names the entry instead of failing later."""
    with pytest.raises(ValueError, match="question #1"):
        parse_bank({"question": [{"id": "fun-001", "category": "fun", "tier": 1}]})
