"""Fault injection for REST routes: error statuses and slow responses."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass


def _glob(pattern: str) -> str:
    # "/channels/{channel_id}/messages" and "/channels/*/messages" mean the same thing
    pattern = re.sub(r"\{[^}]+\}", "*", pattern)
    if pattern.startswith("/api/v10"):
        pattern = pattern[len("/api/v10") :]
    return pattern


@dataclass
class Fault:
    """Matches ``method`` (or ``"*"``) and a glob over the API path (without ``/api/v10``)."""

    method: str
    pattern: str
    status: int | None = None  # None: only delay
    times: int | None = 1  # None: forever
    delay: float = 0.0
    code: int = 0
    message: str | None = None
    retry_after: float = 0.1  # for status 429
    after: bool = False  # handle the request first, then answer with ``status`` (a lost response)

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.method != "*" and self.method.upper() != method:
            return False
        return fnmatch.fnmatchcase(path, _glob(self.pattern))


class Faults:
    def __init__(self) -> None:
        self.items: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self.items.append(fault)
        return fault

    def clear(self) -> None:
        self.items.clear()

    def take(self, method: str, path: str) -> list[Fault]:
        """The faults that apply to this request (their counters are consumed)."""
        hits = []
        for fault in self.items:
            if fault.matches(method, path):
                if fault.times is not None:
                    fault.times -= 1
                hits.append(fault)
        self.items = [f for f in self.items if f.times is None or f.times > 0]
        return hits
