"""Helpers shared by the reliability tests: the run length, the bot's log, database snapshots,
and what a refusal must look like."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

from emulator import InteractionResult

# CLOSER_LONG=1: the long runs (50+ kills, many more generated inputs).
LONG = os.environ.get("CLOSER_LONG", "").strip().lower() not in ("", "0", "false", "no")

_COMMON: dict[str, Any] = {
    "deadline": None,  # one example drives a real bot over loopback: timing is not the property
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}
# CI: few examples, the same ones on every run; long runs: many, freshly drawn.
HYPOTHESIS = settings(**_COMMON) if LONG else settings(derandomize=True, database=None, **_COMMON)
EXAMPLES_PER_COMMAND = 150 if LONG else 10
EXAMPLES_PER_FORM = 300 if LONG else 25

APOLOGY_START = "Sorry, something went wrong on my side"


# -- the bot's log ---------------------------------------------------------------------------------


class BotLog(logging.Handler):
    """Collects the WARNING-or-worse records logged while a test runs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def errors(self) -> list[str]:
        """ERROR records: unexpected exceptions (the error boundary logs them as "Unhandled error")."""
        return [
            f"{r.name}: {r.getMessage()}" + (f" ({r.exc_info[1]!r})" if r.exc_info else "")
            for r in self.records
            if r.levelno >= logging.ERROR
        ]

    def mark(self) -> int:
        return len(self.records)

    def errors_since(self, mark: int) -> list[str]:
        return [
            f"{r.name}: {r.getMessage()}" + (f" ({r.exc_info[1]!r})" if r.exc_info else "")
            for r in self.records[mark:]
            if r.levelno >= logging.ERROR
        ]


# -- database snapshots ----------------------------------------------------------------------------


Snapshot = dict[str, Counter[tuple[Any, ...]]]


def snapshot(database: Path) -> Snapshot:
    """Every row of every table (a multiset per table), read through a separate connection."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: Counter(tuple(row) for row in conn.execute(f'SELECT * FROM "{t}"')) for t in tables}
    finally:
        conn.close()


@dataclass
class Change:
    table: str
    removed: list[tuple[Any, ...]] = field(default_factory=list)
    added: list[tuple[Any, ...]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.table}: -{self.removed} +{self.added}"


def changes(before: Snapshot, after: Snapshot) -> list[Change]:
    found = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, Counter()), after.get(table, Counter())
        if old != new:
            found.append(Change(table, sorted((old - new).elements()), sorted((new - old).elements())))
    return found


def integrity(database: Path) -> tuple[str, list[tuple[Any, ...]]]:
    """``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` of a database file."""
    conn = sqlite3.connect(database)
    try:
        check = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
        foreign = list(conn.execute("PRAGMA foreign_key_check"))
        return check, foreign
    finally:
        conn.close()


# -- replies -----------------------------------------------------------------------------------------


def reply_text(result: InteractionResult) -> str:
    """Everything the user was shown: the response (or the edited message), follow-ups, a modal."""
    parts = [result.all_text]
    if result.modal is not None:
        parts.append(str(result.modal.title))
        parts += [str(f.label or "") + "\n" + str(f.value or "") for f in result.modal.fields]
    return "\n".join(parts)


def is_private(result: InteractionResult) -> bool:
    """Only the user saw the answer: an ephemeral message (or an edit of one), or a modal."""
    if result.type == 9:
        return True
    messages = result.messages
    return bool(messages) and all(m.ephemeral for m in messages)
