"""Discord-style API errors, violation records, and the exceptions the test API raises."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .rules import Problem, form_error_body


@dataclass(frozen=True)
class Violation:
    """A request Discord would have rejected (the emulator rejected it too)."""

    rule: str
    detail: str
    route: str  # "POST /channels/{channel_id}/messages"
    status: int
    code: int
    path: str = ""  # e.g. "data.embeds.0.title" (empty when not a form error)

    def __str__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        return f"[{self.rule}] {self.detail}{where} ({self.route} -> {self.status}/{self.code})"


class APIError(Exception):
    """Raised inside handlers; rendered as Discord's JSON error body."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        rule: str | None = None,
        problems: Iterable[Problem] = (),
        headers: dict[str, str] | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.detail = detail or message
        self.status = status
        self.code = code
        self.message = message
        self.rule = rule
        self.problems = list(problems)
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        if self.problems:
            return form_error_body(self.problems)
        return {"code": self.code, "message": self.message}

    def violations(self, route: str) -> list[Violation]:
        if self.problems:
            return [
                Violation(p.rule, p.detail, route, self.status, self.code, ".".join(map(str, p.path)))
                for p in self.problems
            ]
        if self.rule is None:
            return []
        return [Violation(self.rule, self.detail, route, self.status, self.code)]


def invalid_form(problems: list[Problem]) -> APIError:
    return APIError(400, 50035, "Invalid Form Body", problems=problems)


def unknown_channel() -> APIError:
    return APIError(404, 10003, "Unknown Channel", rule="channel.unknown")


def unknown_message() -> APIError:
    return APIError(404, 10008, "Unknown Message", rule="message.unknown")


def unknown_user() -> APIError:
    return APIError(404, 10013, "Unknown User", rule="user.unknown")


def unknown_guild() -> APIError:
    return APIError(404, 10004, "Unknown Guild", rule="guild.unknown")


def unknown_member() -> APIError:
    return APIError(404, 10007, "Unknown Member", rule="member.unknown")


def unknown_webhook() -> APIError:
    return APIError(404, 10015, "Unknown Webhook", rule="webhook.unknown")


def unknown_command() -> APIError:
    return APIError(404, 10063, "Unknown application command", rule="command.unknown")


def missing_access(code: int = 50001, detail: str | None = None) -> APIError:
    if code == 50013:
        return APIError(403, 50013, "Missing Permissions", rule="channel.missing_permissions", detail=detail)
    return APIError(403, 50001, "Missing Access", rule="channel.missing_access", detail=detail)


def cannot_dm() -> APIError:
    return APIError(403, 50007, "Cannot send messages to this user", rule="dm.closed")


def empty_message() -> APIError:
    return APIError(400, 50006, "Cannot send an empty message", rule="message.empty")


def unknown_interaction(detail: str = "Unknown interaction", rule: str = "interaction.deadline") -> APIError:
    return APIError(404, 10062, "Unknown interaction", rule=rule, detail=detail)


def already_acknowledged(detail: str | None = None) -> APIError:
    return APIError(
        400,
        40060,
        "Interaction has already been acknowledged.",
        rule="interaction.already_acknowledged",
        detail=detail,
    )


class FakeUsageError(AssertionError):
    """The test asked for something a Discord user could not do (unknown command, missing option...)."""


@dataclass
class InteractionFailed(AssertionError):
    """The bot did not produce a valid response to a user's interaction."""

    message: str
    violations: list[Violation] = field(default_factory=list)

    def __str__(self) -> str:
        if not self.violations:
            return self.message
        return self.message + "\nViolations:\n" + "\n".join(f"  {v}" for v in self.violations)
