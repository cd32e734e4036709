"""Discord-like REST rate limits: per-route buckets plus a global limit (off by default)."""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class BucketRule:
    """``limit`` requests per ``per`` seconds for paths matching ``pattern``, keyed by its ``major`` group."""

    name: str
    methods: tuple[str, ...]
    pattern: str
    limit: int
    per: float

    def match(self, method: str, path: str) -> str | None:
        if self.methods and method not in self.methods:
            return None
        m = re.match(self.pattern, path)
        if m is None:
            return None
        return m.groupdict().get("major") or ""

    @property
    def bucket_hash(self) -> str:
        return hashlib.sha1(self.name.encode()).hexdigest()[:32]


DEFAULT_RULES: tuple[BucketRule, ...] = (
    BucketRule("message-create", ("POST",), r"^/channels/(?P<major>\d+)/messages$", 5, 5.0),
    BucketRule("message-edit", ("PATCH",), r"^/channels/(?P<major>\d+)/messages/\d+$", 5, 5.0),
    BucketRule("message-delete", ("DELETE",), r"^/channels/(?P<major>\d+)/messages/\d+$", 5, 5.0),
    BucketRule("reactions", ("PUT", "DELETE"), r"^/channels/(?P<major>\d+)/messages/\d+/reactions/", 1, 0.25),
    BucketRule("webhook", (), r"^/webhooks/\d+/(?P<major>[^/]+)", 5, 2.0),
    BucketRule(
        "commands",
        ("PUT", "POST", "PATCH", "DELETE"),
        r"^/applications/\d+/(guilds/(?P<major>\d+)/)?commands",
        5,
        20.0,
    ),
    BucketRule("dm-create", ("POST",), r"^/users/@me/channels$", 5, 5.0),
    BucketRule("channel", (), r"^/channels/(?P<major>\d+)", 10, 1.0),
    BucketRule("guild", (), r"^/guilds/(?P<major>\d+)", 10, 1.0),
    BucketRule("default", (), r"^(?P<major>)", 10, 1.0),
)


@dataclass
class _Window:
    started: float
    count: int = 0


@dataclass
class RateLimitHit:
    """A 429 the emulator sent."""

    route: str
    bucket: str
    retry_after: float
    is_global: bool
    time: float = field(default_factory=time.monotonic)


class RateLimiter:
    """Counts requests; returns headers, and a 429 when a bucket (or the global limit) is exhausted."""

    def __init__(self, rules: tuple[BucketRule, ...] = DEFAULT_RULES, global_limit: int = 50) -> None:
        self.enabled = False
        self.rules = list(rules)
        self.global_limit = global_limit
        self.global_per = 1.0
        self._windows: dict[tuple[str, str], _Window] = {}
        self._global: deque[float] = deque()
        self.hits: list[RateLimitHit] = []

    def reset(self) -> None:
        self._windows.clear()
        self._global.clear()

    def _rule_for(self, method: str, path: str) -> tuple[BucketRule, str]:
        for rule in self.rules:
            major = rule.match(method, path)
            if major is not None:
                return rule, major
        raise AssertionError("the default rule matches everything")

    def check(
        self, method: str, path: str, route: str, *, exempt_global: bool = False
    ) -> tuple[dict[str, str], dict[str, object] | None]:
        """Count one request. Returns (headers, 429 body or None)."""
        if not self.enabled:
            return {}, None
        now = time.monotonic()
        if not exempt_global:
            while self._global and now - self._global[0] >= self.global_per:
                self._global.popleft()
            if len(self._global) >= self.global_limit:
                retry = max(self.global_per - (now - self._global[0]), 0.001)
                self.hits.append(RateLimitHit(route, "global", retry, True))
                headers = {
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                    "Retry-After": str(math.ceil(retry)),
                }
                body = {
                    "message": "You are being rate limited.",
                    "retry_after": round(retry, 3),
                    "global": True,
                }
                return headers, body
            self._global.append(now)

        rule, major = self._rule_for(method, path)
        key = (rule.name, major if rule.name != "default" else f"{method} {route}")
        window = self._windows.get(key)
        if window is None or now - window.started >= rule.per:
            window = self._windows[key] = _Window(now)
        reset_after = max(rule.per - (now - window.started), 0.0)
        headers = {
            "X-RateLimit-Limit": str(rule.limit),
            "X-RateLimit-Bucket": rule.bucket_hash,
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        }
        if window.count >= rule.limit:
            retry = max(reset_after, 0.001)
            self.hits.append(RateLimitHit(route, rule.name, retry, False))
            headers.update(
                {
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Scope": "user",
                    "Retry-After": str(math.ceil(retry)),
                }
            )
            body = {"message": "You are being rate limited.", "retry_after": round(retry, 3), "global": False}
            return headers, body
        window.count += 1
        headers["X-RateLimit-Remaining"] = str(rule.limit - window.count)
        return headers, None
