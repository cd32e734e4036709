"""A month with Closer, lived by a couple in Berlin and Los Angeles (issue 14's acceptance).

Thirty days through the emulator on the controlled clock. The clock jumps from one thing to the
next: whatever Closer has planned (the earliest armed schedule) or whatever the couple does next.
The couple does what couples do: both answer most daily questions (Bob lets one in six go),
both answer the evening check-in from its DM, the weekly session and a Sunday call are on, and a
memory comes back on its day. Bob keeps his check-ins private from day 10 to day 14 (`/checkin
sharing nothing`), checking in low with a note, then shares everything again.

Everything each partner received is written down with the clock's time, and the month is judged
as the couple would judge it:

- at most 3 direct messages a partner's local day, never two within 10 minutes, none in their
  quiet hours (23:00-08:00);
- nothing Closer posts on its own in the shared channel outside the hours both are awake
  (17:00-23:00 in Berlin, 08:00-14:00 in Los Angeles), at most 6 such posts a local evening (a
  thread counts as its one post);
- no check-in Bob kept private reaches Alice, by any path (DM, channel, digest, status, history);
- every question post is closed once its day is over (no live Answer button);
- no internal term (#id, run N, retry, occurrence, ledger, HTTP codes) in any text either saw.

Run it with ``-s`` to read the month: the per-day counts are printed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from emulator import Fake
from emulator.state import Channel, User
from tests.questions.test_guess import play
from tests.support import START, Closer, People, answer

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
DAYS = 30
END = START + timedelta(days=DAYS)
QUIET = (time(23, 0), time(8, 0))  # the default quiet hours, both partners
SHARED_AWAKE_BERLIN = (time(17, 0), time(23, 0))  # 08:00-14:00 in Los Angeles
HIDDEN_DAYS = range(10, 15)  # Bob's local days (counted from pairing) with sharing "nothing"
AN_ID = re.compile(r"(?<![<@!&])#\d+")  # an id ("#12"), not a channel mention "<#123>"
INTERNAL = [
    re.compile(r"\brun \d+", re.I),
    re.compile(r"\b(retry|retries|retried|occurrence|occurrences|ledger)\b", re.I),
    re.compile(r"\bHTTP\b|\b(4\d\d|5\d\d) (Service|Bad|Internal|Forbidden|Not Found)"),
]

Action = Callable[[], Awaitable[None]]


@dataclass
class Seen:
    """One message a partner received: when (the clock), where, what it said."""

    at: datetime
    where: str  # "dm", "channel" or "thread"
    text: str
    scheduled: bool  # posted by Closer on its own (not in answer to something a partner did)


@dataclass
class Month:
    fake: Fake
    closer: Closer
    people: People
    seen: dict[str, list[Seen]] = field(default_factory=lambda: defaultdict(list))
    replies: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # command replies
    known: set[int] = field(default_factory=set)
    actions: list[tuple[datetime, int, Action]] = field(default_factory=list)
    questions: list[tuple[int, datetime]] = field(default_factory=list)  # (post, when posted)
    guess_days: int = 0  # plays on guess days (Saturdays)
    bob_hidden_checkins: int = 0

    # -- the couple's side ----------------------------------------------------------------------

    def zone(self, user: User) -> ZoneInfo:
        return BERLIN if user.id == self.people.alice.id else LOS_ANGELES

    def day_number(self, user: User, instant: datetime) -> int:
        """Days since pairing, in ``user``'s own calendar."""
        zone = self.zone(user)
        return (instant.astimezone(zone).date() - START.astimezone(zone).date()).days

    def later(self, when: datetime, action: Action) -> None:
        self.actions.append((when, len(self.actions), action))

    async def slash(self, user: User, command: str, **options: object) -> str:
        reply = await self.fake.slash(user, command, **options)
        await self.fake.idle()
        self.replies[user.name].append(reply.all_text)
        self.collect(scheduled=False)
        return reply.all_text

    # -- what they received ---------------------------------------------------------------------

    def collect(self, *, scheduled: bool) -> list[tuple[str, Seen]]:
        """New messages from Closer since the last look, stamped with the clock's time."""
        now = self.closer.clock.now()
        found: list[tuple[str, Seen]] = []
        bot_id = self.fake.world.bot.id
        channels: list[tuple[Channel, str]] = [(self.people.channel, "channel")]
        channels += [(t, "thread") for t in self.fake.threads(self.people.channel)]
        for channel, where in channels:
            for message in self.fake.messages(channel):
                if message.id in self.known or message.author.id != bot_id:
                    continue
                self.known.add(message.id)
                for user in (self.people.alice, self.people.bob):
                    seen = Seen(now, where, message.text, scheduled)
                    self.seen[user.name].append(seen)
                found.append(("both", Seen(now, where, message.text, scheduled)))
                if where == "channel" and (message.embed or {}).get("title", "").startswith("Day "):
                    self.questions.append((message.id, now))
                    self.on_question(message.id, now)
        for user in (self.people.alice, self.people.bob):
            for message in self.fake.dms(user):
                if message.id in self.known:
                    continue
                self.known.add(message.id)
                seen = Seen(now, "dm", message.text, scheduled)
                self.seen[user.name].append(seen)
                found.append((user.name, seen))
                if "Add a note" in message.buttons and "1" in message.buttons:
                    self.on_checkin_ask(user, message.id, now)
        return found

    def on_question(self, message_id: int, now: datetime) -> None:
        """Alice answers (or plays, on a guess day) an hour after the post; Bob three hours after,
        but one day in six."""
        alice, bob = self.people.alice, self.people.bob

        async def answer_as(user: User, text: str) -> None:
            post = self.fake.message(message_id)
            if "Play" in post.buttons and not self.disabled(post, "Play"):  # a guess day (Saturdays)
                other = "bob" if user == alice else "alice"
                await play(self.fake, post, user, 0, 1, other=other)
                self.guess_days += 1
            elif "Answer" in post.buttons and not self.disabled(post, "Answer"):
                await answer(self.fake, post, user, text)
            self.collect(scheduled=False)

        day = self.day_number(alice, now)
        self.later(now + timedelta(hours=1), lambda: answer_as(alice, f"Alice on day {day}: you, mostly."))
        if day % 6 != 5:
            self.later(now + timedelta(hours=3), lambda: answer_as(bob, f"Bob on day {day}: the sea."))

    def on_checkin_ask(self, user: User, message_id: int, now: datetime) -> None:
        """Each answers the evening ask half an hour later; Bob's hidden days are low, with a note."""
        day = self.day_number(user, now)
        hidden = user.id == self.people.bob.id and day in HIDDEN_DAYS
        mood = 1 if hidden else (3 + day % 3 if user.id == self.people.alice.id else 3 + day % 2)
        note = f"hidden-{day}: a hard day" if hidden else None

        async def check_in() -> None:
            ask = self.fake.message(message_id)
            if str(mood) not in ask.buttons:
                return
            await self.fake.click(ask, str(mood), user)
            if note is not None:
                form = await self.fake.click(ask, "Add a note", user)
                await self.fake.submit_modal(form, {"note": note}, user)
                self.bob_hidden_checkins += 1
            await self.fake.idle()
            self.collect(scheduled=False)

        self.later(now + timedelta(minutes=30), check_in)

    @staticmethod
    def disabled(message: object, label: str) -> bool:
        button = message.button(label)  # type: ignore[attr-defined]
        return bool(button.get("disabled"))

    # -- the clock ------------------------------------------------------------------------------

    async def next_planned(self) -> datetime | None:
        assert self.closer.bot is not None
        value = await self.closer.bot.db.fetchval(
            "SELECT MIN(fire_at) FROM schedules WHERE fire_at IS NOT NULL AND paused = 0"
        )
        return None if value is None else datetime.fromtimestamp(value, UTC)

    async def live(self, until: datetime) -> None:
        now = self.closer.clock.now()
        while now < until:
            candidates = [until]
            planned = await self.next_planned()
            if planned is not None:
                candidates.append(max(planned, now + timedelta(seconds=1)))
            if self.actions:
                candidates.append(min(self.actions)[0])
            now = max(min(candidates), now)
            await self.closer.at(now)
            self.collect(scheduled=True)
            due = sorted(a for a in self.actions if a[0] <= now)
            self.actions = [a for a in self.actions if a[0] > now]
            for _, _, action in due:
                await action()


def local(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone)


def in_quiet(instant: datetime, zone: ZoneInfo) -> bool:
    t = local(instant, zone).time()
    return t >= QUIET[0] or t < QUIET[1]


@pytest.mark.allow_violations("dm.closed")
async def test_a_month_with_closer(couple: People, fake: Fake, closer: Closer) -> None:
    month = Month(fake, closer, couple)
    month.collect(scheduled=False)  # the pairing itself: what they did
    alice, bob = couple.alice, couple.bob

    # The first evening: what the welcome offers, and what couples set up.
    await month.slash(alice, "ritual add", template="weekly_checkin")
    await month.slash(alice, "call schedule", weekday="Sunday", time="20:00")
    await month.slash(bob, "lovelanguage set", primary="Quality time")
    await month.slash(alice, "lovelanguage set", primary="Words of affirmation")
    await month.slash(alice, "memory add", title="Our first snow", date="2025-12-05")

    def at_local(user: User, day: int, hour: int, minute: int = 0) -> datetime:
        zone = month.zone(user)
        first = START.astimezone(zone).date() + timedelta(days=day)
        return datetime.combine(first, time(hour, minute), zone).astimezone(UTC)

    async def sharing(level: str) -> None:
        await month.slash(bob, "checkin sharing", level=level)

    async def looks(user: User) -> None:
        await month.slash(user, "couple status")
        await month.slash(user, "mood history")
        await month.slash(user, "question history")

    month.later(at_local(bob, HIDDEN_DAYS[0], 12), lambda: sharing("nothing"))
    month.later(at_local(bob, HIDDEN_DAYS[-1] + 1, 12), lambda: sharing("full"))
    for day in range(6, DAYS, 7):
        month.later(at_local(alice, day, 18, 30), lambda: looks(alice))
        month.later(at_local(bob, day, 12, 30), lambda: looks(bob))

    await month.live(END)
    await looks(alice)
    await looks(bob)

    # -- the month, printed ---------------------------------------------------------------------
    zones = {"alice": BERLIN, "bob": LOS_ANGELES}
    dms: dict[str, Counter[date]] = {name: Counter() for name in zones}
    shared: Counter[date] = Counter()
    for name, zone in zones.items():
        for seen in month.seen[name]:
            if seen.where == "dm":
                dms[name][local(seen.at, zone).date()] += 1
    for seen in month.seen["alice"]:
        if seen.where == "channel" and seen.scheduled:
            shared[local(seen.at, BERLIN).date()] += 1
    print("\nday (Berlin)   alice DMs   bob DMs (his day)   shared posts (Berlin evening)")
    first = START.astimezone(BERLIN).date()
    for n in range(DAYS):
        d = first + timedelta(days=n)
        print(
            f"{d:%a %d %b}     {dms['alice'][d]:>3}         {dms['bob'][d]:>3}                 {shared[d]:>3}"
        )
    print(f"total: alice {sum(dms['alice'].values())} DMs, bob {sum(dms['bob'].values())} DMs, "
          f"{sum(shared.values())} shared posts by Closer")  # fmt: skip

    # -- the budget -----------------------------------------------------------------------------
    for name, zone in zones.items():
        times = sorted(s.at for s in month.seen[name] if s.where == "dm" and s.scheduled)
        assert max(dms[name].values()) <= 3, (name, dms[name])
        for a, b in pairwise(times):
            assert b - a >= timedelta(minutes=10), (name, local(a, zone), local(b, zone))
        night = [local(t, zone) for t in times if in_quiet(t, zone)]
        assert night == [], (name, night)

    evenings: Counter[tuple[str, date]] = Counter()
    for seen in month.seen["alice"]:
        if seen.where != "channel" or not seen.scheduled:
            continue
        berlin = local(seen.at, BERLIN).time()
        assert SHARED_AWAKE_BERLIN[0] <= berlin < SHARED_AWAKE_BERLIN[1], (
            f"posted at {local(seen.at, BERLIN):%a %H:%M} Berlin, {local(seen.at, LOS_ANGELES):%H:%M} "
            f"Los Angeles: {seen.text[:120]}"
        )
        for name, zone in zones.items():
            if local(seen.at, zone).hour >= 17:
                evenings[(name, local(seen.at, zone).date())] += 1
    assert evenings
    assert max(evenings.values()) <= 6, evenings

    # -- privacy per entry ----------------------------------------------------------------------
    assert month.bob_hidden_checkins == len(HIDDEN_DAYS)
    alice_saw = [s.text for s in month.seen["alice"] if s.where == "dm"]
    alice_saw += [s.text for s in month.seen["alice"] if s.where != "dm"]
    alice_saw += month.replies["alice"]
    assert not [t for t in alice_saw if "hidden-" in t]
    for seen in month.seen["alice"]:
        if seen.where == "dm" and month.day_number(bob, seen.at) in HIDDEN_DAYS:
            assert "bob checked in" not in seen.text.lower(), seen.text
            assert "bob updated" not in seen.text.lower(), seen.text
    averages = [
        float(m.group(1))
        for s in month.seen["alice"]
        for m in re.finditer(r"bob: average \*\*([\d.]+)/5", s.text)
    ]
    assert averages, "no weekly digest counted Bob's check-ins"
    assert min(averages) >= 3, averages  # his shared check-ins were 3 and 4; the hidden ones 1

    # -- every question day finished --------------------------------------------------------------
    assert len(month.questions) >= DAYS - 1
    assert month.guess_days >= 5  # four Saturdays, each played by Alice, and by Bob on most
    for message_id, posted in month.questions:
        if posted > END - timedelta(days=2):
            continue
        post = fake.message(message_id)
        live = [c for c in post.all_components if c.get("type") == 2 and not c.get("disabled")]
        assert live == [], (post.text[:80], [c.get("label") for c in live])

    # -- plain words --------------------------------------------------------------------------------
    for name in zones:
        # A command's reply may name an id where commands need it ("Added ritual #3: **Weekly
        # check-in session**"); what Closer posts or sends on its own names none.
        said = [(s.text, [AN_ID, *INTERNAL]) for s in month.seen[name]]
        said += [(text, INTERNAL) for text in month.replies[name]]
        for text, patterns in said:
            for pattern in patterns:
                found = pattern.search(text)
                assert found is None, (name, found.group(0), text[:300])
