"""``data/activities.toml``: the call-night ideas are checked as content (issue 14).

Unique titles, texts that fit the call card, a ``prep`` line only where something must be ready
(and then a real sentence), and enough ideas that need nothing ready for a call planned late.
"""

from __future__ import annotations

import re

from bot.content import load


def test_every_activity_fits_the_card_and_says_what_to_prepare() -> None:
    activities = load("activities")["activity"]
    assert len(activities) >= 40
    titles = [a["title"] for a in activities]
    assert len(titles) == len(set(titles))
    texts = [a["text"] for a in activities]
    assert len(texts) == len(set(texts))
    for activity in activities:
        assert set(activity) <= {"title", "text", "prep"}, activity["title"]
        assert 3 <= len(activity["title"]) <= 60
        assert 40 <= len(activity["text"]) <= 400
        assert not re.search(r"[{}]", activity["title"] + activity["text"] + activity.get("prep", ""))
        if "prep" in activity:
            assert 30 <= len(activity["prep"]) <= 300, activity["title"]
            assert activity["prep"].endswith("."), activity["title"]
    ready = [a for a in activities if "prep" not in a]
    assert len(ready) >= 20  # a call planned for tonight picks only among these
