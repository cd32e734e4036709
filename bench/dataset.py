"""Realistic databases, built fast: one couple lived through the real bot, then copied N times.

1. :func:`build_template` runs the real CloserBot against the Discord emulator on loopback with a
   controlled clock, pairs Alice (Berlin) and Bob (Los Angeles) through the real flow, sets up
   what an engaged couple sets up (a DM copy of the question, gratitude, a weekly check-in session,
   goodnight, a weekly call, anniversaries and birthdays, love languages), then lives ``days`` days:
   the scheduler posts everything at its time (``run_due`` at each due instant) and the partners
   answer the daily question through its modal, check in from the evening DM (a note on some
   days), send goodnight notes, share gratitude, RSVP to calls, add ~100 memories over two years,
   appreciate each other, share wins, skip a question now and then and plan visits. Every row is
   written by the bot's own code paths.
2. :func:`replicate` copies that couple's rows N times in SQL (one ``INSERT ... SELECT`` per table
   and copy, in one transaction): row ids are shifted by a stride per copy, Discord snowflakes by
   another (or mapped to the ids of a world in the emulator), and the few text columns that hold
   ids (schedule keys and payloads, own-question ids) are rewritten, so each copy is a consistent
   couple of its own. Every table the migrations define is copied without naming it here: columns
   are classified from the schema (primary keys, foreign keys) and from the values (snowflakes).
3. :func:`rebase` moves the template's pending schedules past a given instant (recomputed with the
   scheduler's own maths), so a benchmark that runs on the real clock has nothing due at start.

Run: ``python -m bench.dataset [days] [path]`` builds a template (kept at ``path`` if given, for
``python -m bench --template path``) and prints what it holds.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import logging
import math
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SNOWFLAKE_MIN = 10**15  # ids at least this large are Discord snowflakes, not row ids
ALICE_ZONE, BOB_ZONE = "Europe/Berlin", "America/Los_Angeles"
BERLIN = ZoneInfo(ALICE_ZONE)
LOS_ANGELES = ZoneInfo(BOB_ZONE)
QUESTION_AT = clock_time(9, 0)  # the daily question time the couple chose, Alice's zone
END_AT = clock_time(10, 0)  # the template ends at 10:00 Berlin: today's question is up, unanswered
DAYS = 730

# Zones copies can be moved to (``replicate(spread_zones=True)``): partner pairs far apart, so the
# copies' schedules fall all around the clock instead of on the template's same few minutes.
ZONE_PAIRS = (
    ("Europe/Berlin", "America/Los_Angeles"), ("Europe/London", "America/New_York"),
    ("Asia/Kolkata", "Europe/Paris"), ("Australia/Sydney", "Europe/Madrid"),
    ("America/Sao_Paulo", "Europe/Lisbon"), ("Asia/Tokyo", "America/Chicago"),
    ("Africa/Lagos", "America/Toronto"), ("Asia/Singapore", "Europe/Stockholm"),
    ("America/Mexico_City", "Europe/Rome"), ("Pacific/Auckland", "Asia/Dubai"),
    ("Asia/Manila", "America/Denver"), ("Europe/Athens", "Asia/Seoul"),
)  # fmt: skip

# Keys of schedule payloads that hold row ids (other numbers there are instants, minutes, years).
ROW_ID_KEYS = frozenset({"ritual", "call", "day", "date", "visit", "appreciation", "memory", "run", "win"})

log = logging.getLogger(__name__)

WORDS = str.split(
    """
i you we the and to a of it in that my your our was is for on with so this just me be at
love think feel really miss like want know when time day together always never first home
call night morning laugh little every still remember hope dream future little weekend
talk smile hold hand kiss hug sleep wake coffee tea dinner cook walk beach city train
plane airport visit stay fly soon far close heart happy tired sad proud safe warm cold
rain sun snow music song movie book read write letter photo picture voice text message
family friends mum dad sister brother work study school job week month year years ago
trip travel plan apartment kitchen garden balcony window couch blanket dog cat bird
honest scared brave grateful patient silly quiet loud slow fast together forever
"""
)


def percentile(values: Iterable[float], q: float) -> float:
    """The ``q``-th percentile by the nearest-rank method (p99 of 300 samples: the 297th)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def template_argument(argv: list[str]) -> Template | None:
    """``--template PATH``: a template kept by ``python -m bench.dataset DAYS PATH``."""
    if "--template" in argv:
        return Template.load(Path(argv[argv.index("--template") + 1]))
    return None


def extensions() -> tuple[str, ...]:
    """The bot's extensions that exist in this tree (one may be listed before its module lands)."""
    import importlib.util

    from bot.client import EXTENSIONS

    return tuple(name for name in EXTENSIONS if importlib.util.find_spec(name) is not None)


def quiet_logs() -> None:
    for name in ("discord", "bot", "cogs", "apscheduler", "aiosqlite", "emulator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def to_unix(instant: datetime) -> int:
    return int(instant.timestamp())


def from_unix(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def at_local(day: date, wall: clock_time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def template_end(before: datetime) -> datetime:
    """The last 10:00 in Berlin at or before ``before`` (the template's "now")."""
    local = before.astimezone(BERLIN)
    day = local.date() if local.time() >= END_AT else local.date() - timedelta(days=1)
    return at_local(day, END_AT, BERLIN)


# =============================================================================================
# The template couple
# =============================================================================================


@dataclass(frozen=True)
class Ids:
    """The Discord ids of one couple: its server, shared channel and the two partners."""

    guild: int
    channel: int
    alice: int
    bob: int

    def mapping(self, template: Ids) -> dict[int, int]:
        return {
            template.guild: self.guild,
            template.channel: self.channel,
            template.alice: self.alice,
            template.bob: self.bob,
        }

    def shifted(self, offset: int) -> Ids:
        return Ids(self.guild + offset, self.channel + offset, self.alice + offset, self.bob + offset)


@dataclass
class Template:
    path: Path
    ids: Ids
    start: datetime
    end: datetime  # the couple's "now": 10:00 in Berlin, the day's question posted, unanswered
    days: int
    build_s: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def years(self) -> float:
        return self.days / 365.0

    def save(self) -> Path:
        """Keep the template for later runs (``python -m bench --template PATH``): a JSON beside it."""
        sidecar = self.path.with_suffix(".json")
        data = {
            "ids": [self.ids.guild, self.ids.channel, self.ids.alice, self.ids.bob],
            "start": to_unix(self.start),
            "end": to_unix(self.end),
            "days": self.days,
            "build_s": self.build_s,
            "counts": self.counts,
        }
        sidecar.write_text(json.dumps(data, indent=1))
        return sidecar

    @classmethod
    def load(cls, path: Path) -> Template:
        """A kept template; refused when migrations were added since it was built (the bot would
        migrate every copy inside the measurements)."""
        from bot.db.migrate import load_migrations

        latest = max((m.version for m in load_migrations()), default=0)
        with sqlite3.connect(path) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != latest:
            raise ValueError(f"{path} has schema version {version}, the bot is at {latest}: build it again")
        data = json.loads(path.with_suffix(".json").read_text())
        return cls(
            path, Ids(*data["ids"]), from_unix(data["start"]), from_unix(data["end"]), data["days"],
            data["build_s"], data["counts"],
        )  # fmt: skip


class Texts:
    """Plausible text of plausible lengths (answers, notes, memories), deterministic by seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.weights = [1 / rank for rank in range(1, len(WORDS) + 1)]

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(WORDS, self.weights, k=self.rng.randint(low, high)))

    def sentence(self, low: int, high: int) -> str:
        text = self.words(low, high)
        return text[:1].upper() + text[1:] + "."

    def paragraph(self, sentences: tuple[int, int], words: tuple[int, int] = (6, 18)) -> str:
        return " ".join(self.sentence(*words) for _ in range(self.rng.randint(*sentences)))


async def build_template(
    path: Path, days: int = DAYS, *, seed: int = 10, end: datetime | None = None
) -> Template:
    """Live ``days`` days of one couple through the real bot; the database ends up at ``path``."""
    from bot.client import CloserBot
    from bot.clock import FakeClock
    from bot.settings import Settings
    from emulator import Fake

    quiet_logs()
    began = time.perf_counter()
    end = end or template_end(datetime.now(UTC) - timedelta(days=1))
    start = end - timedelta(days=days)
    clock = FakeClock(start)
    rng = random.Random(seed)
    texts = Texts(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Discord's "now" is the couple's (a call's scheduled event must start in Discord's future).
    fake = await Fake.start(clock=clock.now)
    alice, bob = fake.create_user("alice"), fake.create_user("bob")
    guild = fake.create_guild("Our place", members=[alice, bob], text_channels=["general", "us"])
    channel = guild.channel("us")
    ids = Ids(guild.id, channel.id, alice.id, bob.id)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=fake.token,
        database_path=path,
        dev_guild_id=None,
    )
    bot = CloserBot(
        settings, clock=clock, scheduler_autostart=False, guild_ready_timeout=0.05, extensions=extensions()
    )
    task = asyncio.create_task(bot.start(fake.token))
    life = Life(fake, bot, clock, texts, rng, alice, bob, channel)
    try:
        await fake.wait_for_ready(task)
        await bot.wait_until_ready()
        await bot.settled()
        await life.set_up(start)
        first = start.astimezone(BERLIN).date() + timedelta(days=1)
        last = end.astimezone(BERLIN).date()
        day = first
        while day < last:
            await life.live(day)
            day += timedelta(days=1)
        await life.advance(end)
        if fake.violations:
            raise RuntimeError(f"the template couple broke Discord rules: {fake.violations[:3]}")
    finally:
        await bot.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await task
        await fake.stop()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = {
            name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in copied_tables(conn)
        }
    return Template(path, ids, start, end, days, time.perf_counter() - began, counts)


class Life:
    """What the couple does, day after day, through the emulator (the bot sees real interactions)."""

    def __init__(self, fake: Any, bot: Any, clock: Any, texts: Texts, rng: random.Random, alice: Any,
                 bob: Any, channel: Any) -> None:  # fmt: skip
        self.fake, self.bot, self.clock, self.texts, self.rng = fake, bot, clock, texts, rng
        self.alice, self.bob, self.channel = alice, bob, channel
        self.memories = 0
        self.next_visit: date | None = None

    # -- time ------------------------------------------------------------------------------------

    async def settle(self, quiet: float = 0.003) -> None:
        """Like ``fake.idle``, polling every millisecond: no REST request for ``quiet`` seconds."""
        server = self.fake.server
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if server.in_flight == 0 and time.monotonic() - server.last_activity >= quiet:
                return
            await asyncio.sleep(0.001)
        raise RuntimeError("the bot was still busy after 10 s")

    async def advance(self, to: datetime) -> None:
        """Move the clock to ``to``, handling every scheduled occurrence at its own time on the way."""
        stuck = 0
        last: int | None = None
        while True:
            nxt = await self.bot.db.fetchval(
                "SELECT MIN(fire_at) FROM schedules WHERE paused = 0 AND fire_at IS NOT NULL"
            )
            if nxt is None or nxt > to_unix(to):
                break
            stuck = stuck + 1 if nxt == last else 0
            if stuck > 50:
                raise RuntimeError(f"a schedule due at {from_unix(nxt)} is never handled")
            last = nxt
            self.clock.set(max(self.clock.now(), from_unix(nxt)))
            await self.bot.scheduler.run_due()
            await self.settle()
        if to > self.clock.now():
            self.clock.set(to)

    async def at(self, instant: datetime, action: Callable[[], Awaitable[None]]) -> None:
        await self.advance(instant)
        await action()
        await self.settle()

    # -- setting up --------------------------------------------------------------------------------

    async def set_up(self, start: datetime) -> None:
        fake, alice, bob = self.fake, self.alice, self.bob
        await fake.slash(
            alice, "couple setup", partner=bob, options={"channel": self.channel}, timezone=ALICE_ZONE
        )
        invitation = await fake.wait_for_message(self.channel, lambda m: "Accept" in m.buttons)
        await fake.click(invitation, "Accept", bob)
        await fake.slash(bob, "couple timezone", timezone=BOB_ZONE)
        await fake.slash(alice, "question schedule", time="09:00")  # (the default would be 18:00 Berlin)
        await fake.slash(bob, "question schedule", dm_me="07:30")
        await fake.slash(alice, "ritual add", template="gratitude", time="20:00", day="sunday")
        await fake.slash(alice, "ritual add", template="weekly_checkin", time="19:00", day="sunday")
        await fake.slash(bob, "ritual add", template="goodnight", time="22:30")
        await fake.slash(alice, "call schedule", weekday=5, time="19:00")
        await fake.slash(alice, "date add", kind="anniversary", date="2019-06-14", label="Our anniversary")
        await fake.slash(alice, "date add", kind="birthday", date="1994-03-02", label="Alice's birthday")
        await fake.slash(bob, "date add", kind="birthday", date="1993-10-21", label="Bob's birthday")
        await fake.slash(alice, "lovelanguage set", primary="time", secondary="words")
        await fake.slash(bob, "lovelanguage set", primary="touch", secondary="gifts")
        await fake.slash(
            alice, "question add", text="What would our perfect slow Sunday look like?", category="dreams"
        )
        await fake.slash(
            bob, "question add", text="Which song should play when we finally meet again?", category="fun"
        )
        await self.settle()

    # -- one day -----------------------------------------------------------------------------------

    async def live(self, day: date) -> None:
        """One day (a Berlin date) of the couple's life, in time order."""
        rng = self.rng
        actions: list[tuple[datetime, Callable[[], Awaitable[None]]]] = []
        if rng.random() < 0.015:
            actions.append((at_local(day, clock_time(9, 20), BERLIN), self.skip_question))
        if rng.random() < 0.93:
            actions.append(
                (at_local(day, clock_time(12, rng.randrange(60)), BERLIN), lambda: self.answer(self.alice))
            )
        if rng.random() < 0.9:
            actions.append(
                (
                    at_local(day, clock_time(7, 40 + rng.randrange(20)), LOS_ANGELES),
                    lambda: self.answer(self.bob),
                )
            )
        for user, zone in ((self.alice, BERLIN), (self.bob, LOS_ANGELES)):
            if rng.random() < 0.85:
                when = at_local(day, clock_time(20, 5 + rng.randrange(40)), zone)
                actions.append((when, lambda user=user: self.check_in(user)))
            if rng.random() < 0.3:
                when = at_local(day, clock_time(22, 35 + rng.randrange(20)), zone)
                actions.append((when, lambda user=user: self.goodnight(user)))
        if rng.random() < 100 / DAYS:
            actions.append((at_local(day, clock_time(21, 30), BERLIN), lambda: self.add_memory(day)))
        if rng.random() < 0.1:
            who = rng.choice([self.alice, self.bob])
            actions.append((at_local(day, clock_time(13, 15), BERLIN), lambda who=who: self.appreciate(who)))
        if rng.random() < 0.04:
            actions.append((at_local(day, clock_time(14, 45), BERLIN), self.win))
        if day.weekday() == 6 and rng.random() < 0.6:  # gratitude: Sunday 20:00 Berlin
            actions.append((at_local(day, clock_time(20, 50), BERLIN), self.gratitude))
        if day.weekday() == 5 and rng.random() < 0.5:  # the call's reminder (18:00 Berlin)
            actions.append((at_local(day, clock_time(18, 5), BERLIN), self.rsvp))
        if self.next_visit is None or day >= self.next_visit:
            actions.append((at_local(day, clock_time(11, 0), BERLIN), lambda: self.plan_visit(day)))
        actions.sort(key=lambda pair: pair[0])
        for when, action in actions:
            await self.at(when, action)

    def latest_with(self, messages: list[Any], label: str) -> Any | None:
        for message in reversed(messages):
            if label in message.buttons:
                return message
        return None

    async def answer(self, user: Any) -> None:
        messages = self.fake.messages(self.channel)
        post = self.latest_with(messages, "Answer")
        played = self.latest_with(messages, "Play")  # a guess day (Saturdays): play it
        if played is not None and (post is None or played.id > post.id):
            await self.play(played, user)
            return
        if post is None:
            return
        form = await self.fake.click(post, "Answer", user)
        if form.modal is None:
            return  # revealed or skipped meanwhile: the bot said so
        await self.fake.submit_modal(form, {"Your answer": self.texts.paragraph((1, 6))}, user)

    async def play(self, post: Any, user: Any) -> None:
        """A guess day: my own answer and my guess of my partner's, among the options."""
        form = await self.fake.click(post, "Play", user)
        if form.modal is None:
            return
        values = {}
        for shown in form.modal.fields:
            options = [o["value"] for o in shown.raw.get("options", [])] or ["0", "1"]
            values[shown.label or shown.custom_id] = [self.rng.choice(options)]
        await self.fake.submit_modal(form, values, user)

    async def skip_question(self) -> None:
        post = self.latest_with(self.fake.messages(self.channel), "Skip")
        if post is None:
            return
        ask = await self.fake.click(post, "Skip", self.alice)
        if "Not today" in ask.buttons:
            await self.fake.click(ask, "Not today", self.alice)

    async def check_in(self, user: Any) -> None:
        ask = self.latest_with(self.fake.dms(user), "Add a note")
        if ask is None:
            return
        mood = self.rng.choices([1, 2, 3, 4, 5], [4, 10, 30, 36, 20])[0]
        await self.fake.click(ask, str(mood), user)
        if self.rng.random() < 0.4:
            await self.settle()
            form = await self.fake.click(ask, "Add a note", user)
            if form.modal is not None:
                await self.fake.submit_modal(form, {"note": self.texts.paragraph((1, 3))}, user)

    async def goodnight(self, user: Any) -> None:
        reminder = self.latest_with(self.fake.dms(user), "Write a goodnight note")
        if reminder is None:
            return
        if self.rng.random() < 0.5:
            form = await self.fake.click(reminder, "Write a goodnight note", user)
            if form.modal is not None:
                await self.fake.submit_modal(form, {"note": self.texts.sentence(4, 20)}, user)
        else:
            quick = [b for b in reminder.buttons if b != "Write a goodnight note"]
            if quick:
                await self.fake.click(reminder, self.rng.choice(quick), user)

    async def gratitude(self) -> None:
        post = self.latest_with(self.fake.messages(self.channel), "Share mine")
        if post is None:
            return
        for user in (self.alice, self.bob):
            form = await self.fake.click(post, "Share mine", user)
            if form.modal is None:
                return
            values = {f"g{i}": self.texts.sentence(3, 12) for i in range(3)}
            await self.fake.submit_modal(form, values, user)
            await self.settle()

    async def rsvp(self) -> None:
        reminder = self.latest_with(self.fake.messages(self.channel), "I'll be there")
        if reminder is None:
            return
        for user in (self.alice, self.bob):
            await self.fake.click(reminder, "I'll be there", user)
            await self.settle()

    async def add_memory(self, day: date) -> None:
        user = self.alice if self.memories % 2 == 0 else self.bob
        self.memories += 1
        when = day - timedelta(days=self.rng.choice([0, 0, 1, 3, 30, 200]))
        tags = ", ".join(
            self.rng.sample(
                ["call", "visit", "first", "trip", "food", "home", "funny"], self.rng.randint(0, 3)
            )
        )
        options: dict[str, Any] = {
            "title": self.texts.words(2, 7).capitalize()[:100],
            "date": when.isoformat(),
            "description": self.texts.paragraph((1, 5))[:2000],
        }
        if tags:
            options["tags"] = tags
        await self.fake.slash(user, "memory add", **options)

    async def appreciate(self, user: Any) -> None:
        await self.fake.slash(user, "appreciate", message=self.texts.paragraph((1, 2)))

    async def win(self) -> None:
        user = self.rng.choice([self.alice, self.bob])
        reply = await self.fake.slash(user, "win", text=self.texts.sentence(4, 16))
        await self.settle()
        other = self.bob if user is self.alice else self.alice
        post = self.latest_with(self.fake.messages(self.channel), "Celebrate")
        if post is not None and reply is not None:
            await self.fake.click(post, "Celebrate", other)

    async def plan_visit(self, day: date) -> None:
        self.next_visit = day + timedelta(days=self.rng.randint(45, 100))
        await self.fake.slash(self.bob, "visit set", date=self.next_visit.isoformat())


# =============================================================================================
# Copying the template couple
# =============================================================================================


def copied_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables holding a couple's data: every ordinary table but the bot's own state and FTS."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid").fetchall()
    virtual = [name for name, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL TABLE")]
    return [
        name
        for name, _ in rows
        if not name.startswith("sqlite_")
        and name != "bot_state"
        and name != "call_events"  # ids of events in the template's Discord: no copy's server has them
        and name not in virtual
        and not any(name.startswith(f"{v}_") for v in virtual)
    ]


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "row" (a row id or a reference to one), "snowflake", "text" (ids inside), "zone", "plain"


TEXT_WITH_IDS = {("schedules", "key"), ("schedules", "payload"), ("question_days", "question_id"),
                 ("question_vetoes", "question_id"), ("memory_photos", "path")}  # fmt: skip


def classify(conn: sqlite3.Connection, table: str) -> list[Column]:
    """How each column of ``table`` changes from one copy of the couple to the next."""
    info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    pk = [row[1] for row in info if row[5]]
    row_ids: set[str] = set()
    if len(pk) == 1 and next(r for r in info if r[1] == pk[0])[2].upper() == "INTEGER":
        row_ids.add(pk[0])
    for fk in conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
        target, source, to = fk[2], fk[3], fk[4]
        target_info = conn.execute(f'PRAGMA table_info("{target}")').fetchall()
        target_pk = [r for r in target_info if r[5]]
        to = to or (target_pk[0][1] if target_pk else "rowid")
        if len(target_pk) == 1 and target_pk[0][1] == to and target_pk[0][2].upper() == "INTEGER":
            row_ids.add(source)
        elif any(c.name == to and c.kind == "row" for c in classify(conn, target)):
            row_ids.add(source)  # a composite key's part that is a row id there (guess_plays.day_id)
    columns = []
    for row in info:
        name = row[1]
        biggest = conn.execute(
            f'SELECT MAX(ABS("{name}")) FROM "{table}" WHERE typeof("{name}") = \'integer\''
        ).fetchone()[0]
        if biggest is not None and biggest >= SNOWFLAKE_MIN:
            columns.append(Column(name, "snowflake"))
        elif name in row_ids:
            columns.append(Column(name, "row"))
        elif (table, name) in TEXT_WITH_IDS:
            columns.append(Column(name, "text"))
        elif name in ("zone", "travel_zone"):
            columns.append(Column(name, "zone"))
        else:
            columns.append(Column(name, "plain"))
    return columns


class Rewriter:
    """Maps one copy's ids: row ids shift by ``row_offset``; snowflakes map or shift."""

    SNOWFLAKE = re.compile(r"\d{16,20}")

    def __init__(self) -> None:
        self.row_offset = 0
        self.snow_offset = 0
        self.mapping: dict[int, int] = {}

    def snowflake(self, value: int) -> int:
        return self.mapping.get(value, value + self.snow_offset)

    def _snowflakes(self, text: str) -> str:
        return self.SNOWFLAKE.sub(lambda m: str(self.snowflake(int(m.group()))), text)

    def text(self, column: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if column == "payload":
            data = json.loads(value)
            if isinstance(data, dict):
                for key, item in data.items():
                    if isinstance(item, int) and not isinstance(item, bool):
                        if item >= SNOWFLAKE_MIN:
                            data[key] = self.snowflake(item)
                        elif key in ROW_ID_KEYS:
                            data[key] = item + self.row_offset
                return json.dumps(data, sort_keys=True)
            return value
        if column == "key":
            lead = re.match(r"\d+", value)
            if lead and int(lead.group()) < SNOWFLAKE_MIN:
                value = str(int(lead.group()) + self.row_offset) + value[lead.end() :]
            return self._snowflakes(value)
        if column == "question_id":
            own = re.fullmatch(r"own-(\d+)", value)
            return f"own-{int(own.group(1)) + self.row_offset}" if own else value
        return self._snowflakes(value)


def couple_rows(conn: sqlite3.Connection, table: str) -> str:
    """A condition keeping a table's rows that belong to a couple (host-wide rows, such as the
    backup job's schedule and its ledger, are copied once, not once per couple)."""
    columns = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
    if "guild_id" in columns:
        return '"guild_id" IS NOT NULL'
    conditions = []
    for fk in conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
        parent, source, to = fk[2], fk[3], fk[4] or "rowid"
        parent_columns = {row[1] for row in conn.execute(f'PRAGMA table_info("{parent}")')}
        if "guild_id" in parent_columns and parent != "couples":
            conditions.append(
                f'"{source}" IN (SELECT "{to}" FROM tpl."{parent}" WHERE "guild_id" IS NOT NULL)'
            )
    return " AND ".join(conditions) or "1"


@dataclass
class Plan:
    """The template's tables, how to copy them, and the strides between copies."""

    tables: list[tuple[str, list[Column]]]
    row_stride: int
    snow_stride: int
    template_ids: Ids
    couple_filters: dict[str, str]  # per table: its rows that belong to the couple
    snow_low: int = 0  # the template's smallest and largest snowflake
    snow_high: int = 0

    def snow_offsets(self, couples: int, targets: dict[int, Ids]) -> list[int]:
        """How far each copy's snowflakes move: whole strides, skipping every stride whose copy
        would take an id a target (a world in the emulator) already has."""
        taken = sorted({i for ids in targets.values() for i in (ids.guild, ids.channel, ids.alice, ids.bob)})
        offsets, slot = [], 0
        while len(offsets) < couples:
            offset = slot * self.snow_stride
            low, high = self.snow_low + offset, self.snow_high + offset
            if bisect.bisect_left(taken, low) == bisect.bisect_right(taken, high):
                offsets.append(offset)
            slot += 1
        return offsets


def plan(conn: sqlite3.Connection, ids: Ids) -> Plan:
    tables = [(name, classify(conn, name)) for name in copied_tables(conn)]
    filters = {name: couple_rows(conn, name) for name, _ in tables}
    biggest_row, low, high = 0, None, None
    for name, columns in tables:
        for column in columns:
            if column.kind == "row":
                value = conn.execute(f'SELECT MAX("{column.name}") FROM "{name}"').fetchone()[0]
                biggest_row = max(biggest_row, value or 0)
            elif column.kind == "snowflake":
                lo, hi = conn.execute(
                    f'SELECT MIN("{column.name}"), MAX("{column.name}") FROM "{name}" '
                    f'WHERE "{column.name}" >= ?',
                    (SNOWFLAKE_MIN,),
                ).fetchone()
                low = lo if low is None else min(low, lo)
                high = hi if high is None else max(high, hi)
    row_stride = 10 ** len(str(biggest_row + 1))
    spread = (high - low + 1) if high is not None and low is not None else 1
    snow_stride = 1 << max(22, spread.bit_length())  # a whole number of milliseconds in a snowflake
    return Plan(tables, row_stride, snow_stride, ids, filters, low or 0, high or 0)


def replicate(
    template: Template,
    out: Path,
    couples: int,
    *,
    targets: dict[int, Ids] | None = None,
    source: Path | None = None,
    spread_zones: bool = False,
) -> dict[str, float]:
    """A database at ``out`` with ``couples`` copies of the template couple.

    Copy ``k`` gets row ids shifted by ``k * row_stride`` and snowflakes by whole ``snow_stride``s
    (:meth:`Plan.snow_offsets`: never onto a target's id); ``targets[k]`` gives the server,
    channel and partners of copy ``k`` the ids of a world in the emulator instead (the couple a
    benchmark acts as). ``source`` is a prepared (rebased, trimmed) copy of the template database
    to copy from. ``spread_zones`` moves copy ``k`` to the ``k``-th
    pair of :data:`ZONE_PAIRS` (its schedules then need :func:`rebase_all`).
    """
    began = time.perf_counter()
    source = source or template.path
    targets = targets or {}
    out.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src:
        layout = plan(src, template.ids)
        entries = src.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY rowid"
        ).fetchall()
        virtual = [n for _, n, sql in entries if sql.upper().startswith("CREATE VIRTUAL TABLE")]
        # A virtual table makes its own shadow tables (memories_fts_data, ...); its triggers stay.
        schema = [
            sql
            for kind, n, sql in entries
            if not (kind == "table" and any(n.startswith(f"{v}_") for v in virtual))
        ]
        version = src.execute("PRAGMA user_version").fetchone()[0]
        # Not the synced command tree's hash: the bot syncs its commands to each new emulator.
        state = src.execute("SELECT key, value FROM bot_state WHERE key <> 'command_tree_hash'").fetchall()
    offsets = layout.snow_offsets(couples, targets)
    if offsets and offsets[-1] + layout.snow_high >= 1 << 63:
        raise ValueError("too many copies for 64-bit snowflakes")
    conn = sqlite3.connect(out, isolation_level=None)
    rewriter = Rewriter()
    conn.create_function("closer_text", 2, rewriter.text, deterministic=True)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    conn.execute("BEGIN")
    for sql in schema:
        conn.execute(sql)
    conn.execute(f"PRAGMA user_version = {int(version)}")
    conn.executemany("INSERT INTO bot_state (key, value) VALUES (?, ?)", state)
    conn.execute("ATTACH DATABASE ? AS tpl", (str(source),))
    statements = []
    for name, columns in layout.tables:
        exprs = []
        for column in columns:
            quoted = f'"{column.name}"'
            if column.kind == "row":
                exprs.append(f"{quoted} + :row")
            elif column.kind == "snowflake":
                exprs.append(
                    f"CASE {quoted} WHEN :g THEN :g2 WHEN :c THEN :c2 WHEN :a THEN :a2 WHEN :b THEN :b2 "
                    f"ELSE {quoted} + :snow END"
                )
            elif column.kind == "text":
                exprs.append(f"closer_text('{column.name}', {quoted})")
            elif column.kind == "zone":
                exprs.append(f"CASE {quoted} WHEN :z1 THEN :z1b WHEN :z2 THEN :z2b ELSE {quoted} END")
            else:
                exprs.append(quoted)
        names = ", ".join(f'"{c.name}"' for c in columns)
        insert = f'INSERT INTO main."{name}" ({names}) SELECT {", ".join(exprs)} FROM tpl."{name}"'
        statements.append((insert, f"{insert} WHERE {layout.couple_filters[name]}"))
    base = template.ids
    for k in range(couples):
        target = targets.get(k)
        rewriter.row_offset = k * layout.row_stride
        rewriter.snow_offset = offsets[k]
        target = target or base.shifted(rewriter.snow_offset)
        rewriter.mapping = target.mapping(base)
        params = {
            "row": rewriter.row_offset,
            "snow": rewriter.snow_offset,
            "g": base.guild, "g2": target.guild, "c": base.channel, "c2": target.channel,
            "a": base.alice, "a2": target.alice, "b": base.bob, "b2": target.bob,
            "z1": ALICE_ZONE, "z2": BOB_ZONE,
            "z1b": ZONE_PAIRS[k % len(ZONE_PAIRS)][0] if spread_zones else ALICE_ZONE,
            "z2b": ZONE_PAIRS[k % len(ZONE_PAIRS)][1] if spread_zones else BOB_ZONE,
        }  # fmt: skip
        for everything, couple_only in statements:
            conn.execute(everything if k == 0 else couple_only, params)
    conn.execute("COMMIT")
    conn.execute("DETACH DATABASE tpl")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return {"replicate_s": time.perf_counter() - began, "bytes": float(out.stat().st_size)}


def emulated_couples(fake: Any, count: int, channels: tuple[str, ...] = ("us",)) -> dict[int, Ids]:
    """``count`` servers in the emulator, each with two partners and ``channels`` (the shared one,
    "us", among them): the targets :func:`replicate` copies the template's couple onto."""
    targets = {}
    for k in range(count):
        alice, bob = fake.create_user(f"alice{k}"), fake.create_user(f"bob{k}")
        guild = fake.create_guild(f"Couple {k}", members=[alice, bob], text_channels=list(channels))
        targets[k] = Ids(guild.id, guild.channel("us").id, alice.id, bob.id)
    return targets


def ids_of(template: Template, k: int, targets: dict[int, Ids] | None = None) -> Ids:
    """The ids copy ``k`` of the template ends up with in :func:`replicate`."""
    if targets and k in targets:
        return targets[k]
    with sqlite3.connect(template.path) as conn:
        offset = plan(conn, template.ids).snow_offsets(k + 1, targets or {})[k]
    return template.ids.shifted(offset)


# =============================================================================================
# Preparing a copy of the template: moving its schedules, trimming its history
# =============================================================================================


async def rebase(path: Path, after: datetime, *, keep: Callable[[Any], bool] = lambda s: False) -> int:
    """Move every pending schedule of the database at ``path`` to its first occurrence after
    ``after`` (one-offs already past are closed), except those ``keep`` accepts; how many moved."""
    from bot.db import Database
    from bot.db.repositories.couples import CoupleRepository
    from bot.db.repositories.schedules import ScheduleRepository
    from bot.scheduler import fire_time, next_occurrence

    db = await Database.open(path)
    moved = 0
    try:
        schedules, couples = ScheduleRepository(db), CoupleRepository(db)
        ids = [r[0] for r in await db.fetchall("SELECT id FROM schedules WHERE fire_at IS NOT NULL")]
        for schedule_id in ids:
            schedule = await schedules.get(schedule_id)
            if schedule is None or keep(schedule):
                continue
            couple = await couples.get(schedule.guild_id) if schedule.guild_id else None
            if schedule.recurring:
                nominal = next_occurrence(schedule, couple, after)
                fire = fire_time(schedule, couple, nominal) if nominal else None
            elif schedule.once_at is not None and schedule.once_at > after:
                nominal, fire = schedule.once_at, fire_time(schedule, couple, schedule.once_at)
            else:
                nominal = fire = None
            await schedules.set_next(schedule_id, nominal, fire)
            moved += 1
    finally:
        await db.close()
    return moved


async def rebase_all(path: Path, after: datetime) -> int:
    """:func:`rebase` for big databases: every pending schedule of every couple, read and written
    in bulk (the scheduler's own maths for each); how many moved."""
    from bot.db import Database
    from bot.db.repositories.couples import CoupleRepository
    from bot.db.repositories.schedules import _schedule
    from bot.scheduler import fire_time, next_occurrence

    db = await Database.open(path)
    try:
        couples = {c.guild_id: c for c in await CoupleRepository(db).all_paired()}
        rows = await db.fetchall("SELECT * FROM schedules WHERE fire_at IS NOT NULL")
        updates = []
        for row in rows:
            schedule = _schedule(row)
            couple = couples.get(schedule.guild_id) if schedule.guild_id else None
            if schedule.recurring:
                nominal = next_occurrence(schedule, couple, after)
            else:
                nominal = schedule.once_at if schedule.once_at and schedule.once_at > after else None
            fire = fire_time(schedule, couple, nominal) if nominal else None
            updates.append(
                (to_unix(nominal) if nominal else None, to_unix(fire) if fire else None, schedule.id)
            )
        async with db.transaction() as tx:
            await tx.executemany("UPDATE schedules SET next_due = ?, fire_at = ? WHERE id = ?", updates)
    finally:
        await db.close()
    return len(updates)


# (table, column with the instant a row was written): history older than a cut-off can be dropped.
HISTORY = (
    ("question_days", "created_at"),
    ("checkins", "created_at"),
    ("deliveries", "attempted_at"),
    ("appreciations", "created_at"),
    ("wins", "created_at"),
    ("goodnights", "sent_at"),
    ("ritual_runs", "scheduled_at"),
    ("memories", "created_at"),
    ("call_nights", "posted_at"),
)


def trim(path: Path, keep_since: datetime) -> None:
    """Drop the history written before ``keep_since`` (rows that hang off it go with it)."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        tables = set(copied_tables(conn))
        for table, column in HISTORY:
            if table in tables:
                conn.execute(f'DELETE FROM "{table}" WHERE "{column}" < ?', (to_unix(keep_since),))
        conn.execute(
            "UPDATE question_days SET repeat_of = NULL WHERE repeat_of NOT IN (SELECT id FROM question_days)"
        )
    with sqlite3.connect(path) as conn:
        conn.execute("VACUUM")


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its WAL included)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src:
        src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(source, target)


def database_bytes(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    return int(pages * size)


async def main(days: int, keep: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = await build_template(keep or Path(folder) / "template.sqlite3", days)
        if keep is not None:
            template.save()
        print(f"template: {days} days in {template.build_s:.1f} s, {database_bytes(template.path):,} bytes")
        for name, count in template.counts.items():
            if count:
                print(f"  {name}: {count:,}")
        began = time.perf_counter()
        figures = replicate(template, Path(folder) / "copies.sqlite3", 100)
        print(f"100 copies: {time.perf_counter() - began:.1f} s, {figures['bytes']:,.0f} bytes")


if __name__ == "__main__":
    asyncio.run(
        main(
            int(sys.argv[1]) if len(sys.argv) > 1 else DAYS,
            Path(sys.argv[2]) if len(sys.argv) > 2 else None,
        )
    )
