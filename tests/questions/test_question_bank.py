"""The shipped question bank (data/questions.toml): original, well stocked, no restatements, and
fitting Discord's limits."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

import pytest

from cogs.questions.bank import (
    BANK_TEXT_LIMIT,
    CATEGORIES,
    CATEGORY_EMOJI,
    DEFAULT_CATEGORIES,
    OPT_IN,
    TIERS,
    Question,
    bank,
    bank_problems,
    category_label,
    parse_bank,
)

BANK_FILE = Path(__file__).resolve().parents[2] / "data" / "questions.toml"
# Questions per category and depth: the nine first categories and the three added for issue 14,
# and the opt-in intimacy set.
PER_CELL = {**{key: 24 for key in CATEGORIES if key != "intimacy"}, "intimacy": 12}
NEAR_DUPLICATE = 0.6  # shared content words / all content words (Jaccard) at or above this: a restatement
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "about",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "you",
        "your",
        "yours",
        "yourself",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "ours",
        "it",
        "its",
        "that",
        "this",
        "these",
        "those",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "if",
        "would",
        "could",
        "should",
        "will",
        "can",
        "may",
        "might",
        "must",
        "have",
        "has",
        "had",
        "there",
        "their",
        "they",
        "them",
        "one",
        "ones",
        "than",
        "then",
        "so",
        "just",
        "very",
        "really",
        "more",
        "most",
        "some",
        "any",
        "all",
        "each",
        "every",
        "not",
        "no",
        "like",
        "into",
        "out",
        "up",
        "down",
        "over",
        "under",
        "again",
        "other",
        "such",
        "own",
        "same",
        "too",
        "don't",
        "what's",
        "that's",
        "you're",
        "it's",
    ]
)


def test_the_bank_has_900_questions_and_no_problems() -> None:
    """Unique ids, known categories and tiers, lengths that fit an embed, no duplicate texts."""
    questions = bank()
    assert len(questions) == 900
    assert bank_problems(questions) == []


def test_each_category_has_its_questions_at_every_depth() -> None:
    """24 per depth in each of the twelve categories drawn by default, 12 in the opt-in set."""
    cells = Counter((q.category, q.tier) for q in bank())
    assert cells == Counter({(key, tier): PER_CELL[key] for key in CATEGORIES for tier in TIERS})


def test_question_texts_are_unique() -> None:
    texts = [" ".join(q.text.lower().split()) for q in bank()]
    assert len(texts) == len(set(texts))


def content_words(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z']+", text.lower())
    return frozenset(w.removesuffix("'s") for w in words if w not in STOP_WORDS and len(w) > 2)


def test_no_question_restates_another() -> None:
    """No two questions share most of their words (the restating clusters were merged)."""
    words = [(q.id, content_words(q.text)) for q in bank()]
    close = [
        (a, b, round(len(wa & wb) / len(wa | wb), 2))
        for (a, wa), (b, wb) in itertools.combinations(words, 2)
        if wa and wb and len(wa & wb) / len(wa | wb) >= NEAR_DUPLICATE
    ]
    assert close == []


def test_the_overlap_check_catches_a_restatement() -> None:
    one = content_words("What do you find attractive about me that has nothing to do with how I look?")
    other = content_words(
        "What do you find attractive in a person that has nothing to do with how they look?"
    )
    assert len(one & other) / len(one | other) >= NEAR_DUPLICATE


def test_only_deep_questions_carry_care() -> None:
    """`care = true` (a "share only what you want" line) is for tender deep questions only."""
    tender = [q for q in bank() if q.care]
    assert tender
    assert {q.tier for q in tender} == {3}


def retired_ids() -> set[str]:
    header = next(
        line for line in BANK_FILE.read_text("utf-8").splitlines() if line.startswith("# retired ids")
    )
    return {part.strip() for part in header.split(":", 1)[1].split(",") if part.strip()}


def test_retired_ids_are_never_reused() -> None:
    """Couples' histories refer to questions by id: an id retired when questions were merged
    never names another question."""
    retired = retired_ids()
    assert len(retired) > 50
    assert retired.isdisjoint(q.id for q in bank())


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
    """The thirteen categories, each with a readable label and its emoji; intimacy is opt-in."""
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
        "conflict and repair",
        "money and home",
        "family and the future",
        "intimacy and closeness",
    }
    assert set(CATEGORY_EMOJI) == set(CATEGORIES)
    assert category_label("distance") == "🌍 Us and the distance"
    assert category_label("conflict") == "🕊️ Conflict and repair"
    assert {"intimacy"} == OPT_IN
    assert set(CATEGORIES) - {"intimacy"} == DEFAULT_CATEGORIES


def test_the_validator_catches_a_broken_bank() -> None:
    """Duplicate ids and texts, unknown categories, bad tiers and long texts are all reported."""
    broken = [
        Question("dreams-001", "dreams", 1, "What would you like to learn next year?"),
        Question("dreams-001", "dreams", 1, "What would you like to learn next year!"),
        Question("space-001", "space", 1, "Which planet would you visit first, and why?"),
        Question("fun-001", "fun", 4, "What is the silliest song you know by heart?"),
        Question("mind-001", "mind", 2, "Why? " * 80),
        Question("fun-002", "fun", 1, "What is the silliest song you know by heart?", care=True),
    ]
    problems = "\n".join(bank_problems(broken, minimum=1, per_cell=0))
    assert "duplicate id" in problems
    assert "same text as dreams-001" in problems
    assert "unknown category 'space'" in problems
    assert "tier 4" in problems
    assert "mind-001: 400 characters" in problems
    assert "fun-002: only deep questions carry care = true" in problems


def test_a_malformed_entry_is_a_clear_error() -> None:
    """A question missing its text names the entry instead of failing later."""
    with pytest.raises(ValueError, match="question #1"):
        parse_bank({"question": [{"id": "fun-001", "category": "fun", "tier": 1}]})
    with pytest.raises(ValueError, match="care must be true or false"):
        parse_bank(
            {"question": [{"id": "fun-001", "category": "fun", "tier": 3, "text": "Why so?", "care": "yes"}]}
        )
