"""``data/rituals.toml`` is content couples read for months: each part is checked (issue 14).

Counts (the weekly session's pools, the goodnight reminders and notes), uniqueness, lengths that
fit where Discord shows them, and placeholders (a reminder names the partner once, nothing else).
"""

from __future__ import annotations

import re
import string

from bot.content import load

PLACEHOLDER = re.compile(r"[{}]")


def fields(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def test_the_weekly_session_has_a_pool_of_prompts_for_each_step() -> None:
    """Five steps, each with at least eight prompts of its own (two months of weekly sessions)."""
    session = load("rituals")["weekly_checkin"]
    steps, pools = session["steps"], session["pools"]
    assert len(steps) == len(pools) == 5
    every: list[str] = []
    for step, pool in zip(steps, pools, strict=True):
        assert pool["title"] == step["title"]
        assert len(step["title"]) <= 40  # a form's title holds "Step 5: " and the title
        prompts = pool["prompts"]
        assert len(prompts) >= 8
        assert step["prompt"] in prompts
        for prompt in prompts:
            assert 20 <= len(prompt) <= 300, prompt
            assert not PLACEHOLDER.search(prompt), prompt
            assert prompt == prompt.strip()
        every += prompts
    assert len(every) == len(set(every))


def test_goodnight_has_thirty_reminders_naming_the_partner_once() -> None:
    goodnight = load("rituals")["goodnight"]
    reminders = goodnight["reminders"]
    assert len(reminders) >= 30
    assert len(reminders) == len(set(reminders))
    for text in reminders:
        assert fields(text) == ["partner"], text
        assert len(text.format(partner="x" * 32)) <= 300


def test_goodnight_has_twenty_notes_that_fit_a_button() -> None:
    goodnight = load("rituals")["goodnight"]
    notes = goodnight["notes"]
    assert len(notes) >= 20
    assert len(notes) == len(set(notes))
    assert set(notes).isdisjoint(goodnight["quick"])
    for note in notes:
        assert 5 <= len(note) <= 80, note
        assert not PLACEHOLDER.search(note), note
    # The first release's three quick notes stay: buttons posted with them still send them.
    assert len(goodnight["quick"]) == 3


def test_gratitude_and_the_session_texts_fit_their_places() -> None:
    rituals = load("rituals")
    assert len(rituals["gratitude"]["fields"]) == 3
    assert all(len(label) <= 45 for label in rituals["gratitude"]["fields"])  # a form's labels
    for name in ("weekly_checkin", "gratitude"):
        assert len(rituals[name]["intro"]) <= 1000
        assert not PLACEHOLDER.search(rituals[name]["intro"])
