"""The pure rules of gestures: their kinds and words, the daily limit, when a DM carries them
(the merging rule) and how several read as one message. No I/O.

**Merging, so gestures never spam.** Every gesture waits in one pending DM per partner:

- in the partner's quiet hours, the DM waits for them to end: everything sent in the night comes
  as one morning message ("alice thought of you 3 times last night, and sent a hug");
- during the day the first gesture goes at once; one sent within :data:`GAP` (an hour) of the last
  gesture DM joins the DM that goes when that hour is over, with every other gesture sent meanwhile;
- at most :data:`OWN_PER_DAY` gesture DMs a partner's local day; after that, the rest of the
  day's gestures come together the next morning;
- a waiting gesture DM travels inside another DM Closer sends that partner within the hour (the
  DM budget's bundling), and the budget (3 DMs a day, none within 10 minutes) applies to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.timeutil import QuietHours, wall_to_utc

DAILY_LIMIT = 20  # gestures a partner may send in their local day
GAP = timedelta(hours=1)  # between two gesture DMs to one partner
OWN_PER_DAY = 2  # gesture DMs of their own a partner gets in a local day
MORNING = time(8, 0)  # after OWN_PER_DAY, the rest comes the next morning (or when quiet hours end)
FRESH = timedelta(minutes=90)  # a DM this soon after the first gesture says nothing of when
KEEP_WAITING = timedelta(days=3)  # a gesture that waited longer is left out of the DM


@dataclass(frozen=True, slots=True)
class GestureKind:
    key: str
    emoji: str
    choice: str  # in /nudge's list of kinds
    alone: str  # one gesture, just sent: "{name} is thinking of you"
    done: str  # merged, with a count: "thought of you" ("{n} times" added)
    plural: str | None = None  # the count said in the noun instead: "sent {n} hugs"


KINDS: dict[str, GestureKind] = {
    k.key: k
    for k in (
        GestureKind("thinking", "💭", "Thinking of you", "{name} is thinking of you", "thought of you"),
        GestureKind("hug", "🤗", "A hug", "{name} sent you a hug", "sent a hug", "sent {n} hugs"),
        GestureKind("miss", "💗", "Miss you", "{name} misses you", "said they miss you"),
        GestureKind(
            "call", "📞", "Call me when you can", "{name} would love a call when you can", "asked for a call"
        ),
        GestureKind("proud", "🌟", "Proud of you", "{name} is proud of you", "said they're proud of you"),
    )
}
# The gestures the check-in news carries as buttons (a reply in one tap).
QUICK = ("thinking", "hug")


def times(n: int) -> str:
    return "" if n == 1 else " twice" if n == 2 else f" {n} times"


def phrase(kind: str, n: int) -> str:
    """ "thought of you 3 times", "sent 2 hugs", "asked for a call"."""
    found = KINDS[kind]
    if n > 1 and found.plural:
        return found.plural.format(n=n)
    if kind == "call":
        return found.done + " when you can"
    return found.done + times(n)


def counted(kinds: Sequence[str]) -> list[tuple[str, int]]:
    """(kind, how many) in the order they were first sent."""
    order: dict[str, int] = {}
    for kind in kinds:
        order[kind] = order.get(kind, 0) + 1
    return list(order.items())


def when_phrase(first: datetime, now: datetime, zone: ZoneInfo, quiet: QuietHours) -> str:
    """When the gestures were sent, said from ``now`` in the receiver's zone: "" (just now),
    " last night", " this morning", " earlier today" or " yesterday"."""
    if now - first < FRESH:
        return ""
    sent, local_now = first.astimezone(zone), now.astimezone(zone)
    same_day = sent.date() == local_now.date()
    if quiet.contains(sent.time().replace(tzinfo=None)):
        return " this morning" if same_day and sent.hour < 12 else " last night"
    return " earlier today" if same_day else " yesterday"


def sentence(name: str, kinds: Sequence[str], when: str = "") -> str:
    """What the partner reads: "alice is thinking of you", or merged, "alice thought of you
    3 times last night, and sent a hug"."""
    if len(kinds) == 1 and not when:
        found = KINDS[kinds[0]]
        return f"{found.emoji} {found.alone.format(name=name)}."
    parts = [phrase(kind, n) for kind, n in counted(kinds)]
    first = KINDS[counted(kinds)[0][0]]
    text = f"{name} {parts[0]}{when}"
    rest = parts[1:]
    if rest:
        text += ", and " + (rest[0] if len(rest) == 1 else ", ".join(rest[:-1]) + " and " + rest[-1])
    return f"{first.emoji} {text}."


def next_dm(now: datetime, told: Sequence[datetime], zone: ZoneInfo) -> datetime:
    """When a new gesture DM to a partner may go (before their quiet hours and the DM budget):
    now, or an hour after the last gesture DM, or the next morning after two that day."""
    at = now
    if told and now - max(told) < GAP:
        at = max(told) + GAP
    day = at.astimezone(zone).date()
    if sum(1 for t in told if t.astimezone(zone).date() == day) >= OWN_PER_DAY:
        at = wall_to_utc(day + timedelta(days=1), MORNING, zone)
    return at


def digest_line(by_kind: Sequence[tuple[str, int]], by_sender: Sequence[tuple[str, int]]) -> str:
    """ "4 gestures this week (alice sent 3, bob 1): 💭 thinking of you: 3 · 🤗 a hug: 1"."""
    total = sum(n for _, n in by_kind)
    kinds = " · ".join(f"{KINDS[k].emoji} {KINDS[k].choice.lower()}: {n}" for k, n in by_kind)
    senders = ", ".join(
        f"{name} sent {n}" if i == 0 else f"{name} {n}" for i, (name, n) in enumerate(by_sender) if n
    )
    word = "gesture" if total == 1 else "gestures"
    return f"{total} {word} this week ({senders}): {kinds}"
