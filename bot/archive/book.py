"""The memory book's Markdown: what a feature's chapter writes with.

``memory-book.md`` is the couple's book to read: a header, then each feature's chapter (its
:class:`~bot.archive.parts.Chapter`, in the chapters' order). Every text in full; anything a
person typed is made safe for one Markdown line where it sits on one (headings, list items).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date


def long_date(text: str) -> str:
    """ "2025-07-14" (or an instant starting with it) -> "14 July 2025"."""
    day = date.fromisoformat(text[:10])
    return f"{day.day} {day:%B %Y}"


def inline(text: str) -> str:
    """Text fit for one Markdown line (headings, list items): no line breaks, no stray markup."""
    flat = " ".join(text.split())
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", flat)


def quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


class Book:
    """What a chapter writes with: the partners' names by id."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = dict(names)

    def who(self, user_id: str | None) -> str:
        return inline(self.names.get(user_id or "", "your partner"))
