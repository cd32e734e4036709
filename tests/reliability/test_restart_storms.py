"""Restart storms around scheduled occurrences: no duplicate post, no loss beyond the grace policy.

A paired couple has every kind of scheduled post coming up in the next day: a custom ritual, each
partner's check-in ask, the daily question, a call's reminders and card, the question nudges and
the built-in rituals. The clock walks from one occurrence to the next; around each one (just
before, at, just after, a little later) the bot is restarted several times in a row, and once it
is cut off in the middle of sending. At the end the channel, the DMs and the ledger must agree:
every occurrence handled once, posted at most once, none lost.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from emulator import Fake
from tests.support import START, Closer, People

from .support import LONG

END = START + timedelta(hours=26)  # Wednesday 14:00 UTC: every kind has come up at least once
# Around each occurrence: (when, relative to it; how many restarts in a row there).
OFFSETS = (
    (-timedelta(seconds=2), 2),
    (timedelta(0), 1),
    (timedelta(seconds=1), 2),
    (timedelta(seconds=90), 1),
)
if LONG:
    OFFSETS = (
        (-timedelta(minutes=1), 3),
        (-timedelta(seconds=1), 3),
        (timedelta(0), 3),
        (timedelta(seconds=1), 3),
        (timedelta(seconds=30), 3),
        (timedelta(minutes=3), 3),
    )
HANDLED = ("sent", "late", "skipped")


@dataclass(frozen=True)
class Entry:
    """One row of the ledger, with its schedule."""

    kind: str
    key: str
    label: str
    scheduled_at: int
    status: str
    message_id: int | None
    channel_id: int | None
    detail: str | None


async def ledger(closer: Closer) -> list[Entry]:
    assert closer.bot is not None
    rows = await closer.bot.db.fetchall(
        "SELECT s.kind, s.key, s.label, d.scheduled_at, d.status, d.message_id, d.channel_id, d.detail "
        "FROM deliveries d JOIN schedules s ON s.id = d.schedule_id ORDER BY d.scheduled_at, s.id"
    )
    return [Entry(*tuple(row)) for row in rows]


async def next_fire(closer: Closer, after: datetime) -> datetime | None:
    assert closer.bot is not None
    value = await closer.bot.db.fetchval(
        "SELECT MIN(fire_at) FROM schedules WHERE paused = 0 AND fire_at > ?", (int(after.timestamp()),)
    )
    return None if value is None else datetime.fromtimestamp(value, UTC)


async def plan_everything(fake: Fake, couple: People) -> None:
    """Something of every kind within the next day."""
    reply = await fake.slash(
        couple.alice, "ritual add", template="custom", time="14:30", day="daily", message="Hug o'clock"
    )
    assert "Added ritual #" in reply.text, reply.text
    # 21:00 in Berlin: its memory prompt an hour later comes while both are awake (issue 14).
    reply = await fake.slash(couple.alice, "call plan", when="2026-11-24 21:00", reminders="60,10")
    assert "planned" in reply.text, reply.text


async def crash_mid_send(closer: Closer, fake: Fake) -> None:
    """Handle what is due, but stop dead while the first message is on its way (as a crash would)."""
    fake.delay("POST", "/channels/*/messages", 0.3, times=1)
    task = asyncio.create_task(closer.run_due())
    for _ in range(200):  # until a request is on its way (or nothing was due)
        if fake.server.in_flight or task.done():
            break
        await asyncio.sleep(0.005)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    fake.clear_faults()


def scheduled_posts(fake: Fake, couple: People) -> dict[int, str]:
    """The scheduled posts in the shared channel and the DMs: message id -> what it is."""
    found: dict[int, str] = {}
    for msg in fake.messages(couple.channel):
        text = msg.text
        if "Hug o'clock" in text:
            found[msg.id] = "ritual"
        elif (msg.embed or {}).get("title", "").startswith("Day "):
            found[msg.id] = "question"
        elif "Video call in" in text:
            found[msg.id] = "call reminder"
        elif "It's call time" in text:
            found[msg.id] = "call card"
        elif "Log a memory from tonight" in text:
            found[msg.id] = "memory prompt"
        elif "Welcome to Closer" in text:
            found[msg.id] = "welcome"
    for name, user in (("alice", couple.alice), ("bob", couple.bob)):
        for msg in fake.dms(user):
            if any(c.get("custom_id", "").startswith("closer:checkin:") for c in msg.all_components):
                found[msg.id] = f"check-in ask for {name}"
    return found


async def test_restart_storms_around_every_occurrence_post_each_once(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Restarts before, at and after each occurrence, and one mid-send: each posted exactly once."""
    await plan_everything(fake, couple)
    now = closer.clock.now()
    storms = 0
    while (due := await next_fire(closer, now)) is not None and due <= END:
        for offset, restarts in OFFSETS:
            closer.clock.set(due + offset)
            for _ in range(restarts):
                await closer.restart()
                storms += 1
            if offset == timedelta(0):
                await crash_mid_send(closer, fake)
                await closer.restart()
                storms += 1
            await closer.run_due()
        now = due + OFFSETS[-1][0]
    await fake.idle()

    posts = scheduled_posts(fake, couple)
    assert Counter(posts.values()) == {
        "ritual": 2,  # Tuesday and Wednesday 14:30 in Berlin
        "check-in ask for alice": 1,  # 20:00 Berlin
        "check-in ask for bob": 1,  # 20:00 Los Angeles
        "call reminder": 2,  # 60 and 10 minutes before
        "call card": 1,
        "memory prompt": 1,
        "question": 1,  # Wednesday 09:00 Berlin
        "welcome": 1,  # after pairing (issue 14)
    }
    entries = await ledger(closer)
    assert [e for e in entries if e.status not in HANDLED] == []
    keys = Counter((e.kind, e.key, e.scheduled_at) for e in entries)
    assert [k for k, n in keys.items() if n > 1] == []
    # The ledger and the channel agree: the posts are exactly the messages the ledger names.
    named = {e.message_id for e in entries if e.status in ("sent", "late") and e.message_id is not None}
    assert named == set(posts)
    assert storms >= 40
    # The sends cut off mid-flight were made again with the same nonce (and Discord kept one).
    nonces = Counter(
        r.json.get("nonce")
        for r in fake.requests
        if r.method == "POST" and isinstance(r.json, dict) and r.json.get("nonce")
    )
    assert [n for n, count in nonces.items() if count > 1], "no send was ever cut off"


async def test_a_long_outage_posts_what_is_still_worth_it_and_records_the_rest(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Down from Tuesday 18:55 to Wednesday 05:00 UTC: Bob's ask comes late, once; the rest is
    recorded as missed (and shown), never flooded into the channel."""
    await plan_everything(fake, couple)
    down = datetime(2026, 11, 24, 18, 55, tzinfo=UTC)
    await closer.at(down)
    before = set(scheduled_posts(fake, couple))
    await closer.stop()
    closer.clock.set(datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    for _ in range(3):
        await closer.start()
        await closer.run_due()
        await closer.stop()
    await closer.start()
    await closer.run_due()

    new = {mid: what for mid, what in scheduled_posts(fake, couple).items() if mid not in before}
    assert sorted(new.values()) == ["check-in ask for bob"]
    assert "Posted late" in fake.message(next(iter(new))).text
    entries = {(e.kind, e.label): e.status for e in await ledger(closer) if e.scheduled_at > down.timestamp()}
    # Each partner's ask is their own "Evening check-in": told apart by its key (the user id).
    asks = {
        e.key: e.status
        for e in await ledger(closer)
        if e.kind == "checkin" and e.scheduled_at > down.timestamp()
    }
    assert asks[str(couple.alice.id)] == "missed"
    assert asks[str(couple.bob.id)] == "late"
    # (Changed with issue 14: labels no longer carry the call's id.)
    assert entries[("call_reminder", "Call reminder (1 hour before)")] == "missed"
    assert entries[("call_reminder", "Call reminder (10 minutes before)")] == "missed"
    assert entries[("call", "Video call")] == "missed"
    status = await fake.slash(couple.alice, "couple status")
    assert "missed" in status.text
