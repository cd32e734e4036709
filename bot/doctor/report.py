"""What the doctor found, one line each (✓ or ✗ and, for a problem, what to do), then the verdict."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True, slots=True)
class Finding:
    ok: bool
    what: str  # what was checked: "Token", "Database", '"Our place" #us'
    says: str  # what was found, in plain words
    fix: str = ""  # for a problem: what to do about it

    def lines(self) -> str:
        text = f"{'✓' if self.ok else '✗'} {self.what}: {self.says}"
        return f"{text}\n    → {self.fix}" if self.fix and not self.ok else text


def good(what: str, says: str) -> Finding:
    return Finding(True, what, says)


def bad(what: str, says: str, fix: str) -> Finding:
    return Finding(False, what, says, fix)


class Report:
    """Prints each finding as it comes (some checks take a while), then the list of problems."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.findings: list[Finding] = []

    def add(self, *findings: Finding) -> None:
        for finding in findings:
            self.findings.append(finding)
            print(finding.lines(), file=self.out, flush=True)

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    def verdict(self) -> int:
        """Print the verdict; the exit status (0: all is well, 1: problems)."""
        problems = self.problems
        if not problems:
            self.say("\nAll is well.")
            return 0
        self.say(f"\n{len(problems)} {'problem' if len(problems) == 1 else 'problems'} to look at:")
        for number, finding in enumerate(problems, 1):
            self.say(f"  {number}. {finding.what}: {finding.says}\n     → {finding.fix}")
        return 1
