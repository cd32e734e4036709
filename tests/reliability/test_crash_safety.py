"""Crash safety: kill -9 the bot at random moments while both partners write; nothing it confirmed
is lost and the database stays sound.

The bot runs as a real process of its own (``reliability/launcher.py``: ``bot.__main__.run`` with
the real clock), the emulator runs here. Alice and Bob each keep writing: answers to the daily
question (the modal), check-ins (mood buttons and the note form) and memories (``/memory add``).
A seeded random moment later the process gets SIGKILL, wherever it is, and is started again on the
same database; half the time it is also killed once in the middle of starting up (the very first
time, perhaps in the middle of its migrations). Every write the bot confirmed ("Saved ...") must be in the database at the end, and
``PRAGMA integrity_check`` must say ok. CI: 6 kills; ``CLOSER_LONG=1``: 50.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from emulator import Fake, InteractionFailed, InteractionResult
from emulator.state import Channel, Guild, User
from tests.support import pair

from .support import integrity

REPO = Path(__file__).resolve().parents[2]
SEED = 20261124
KILLS = 6  # in CI
LONG_KILLS = 50  # CLOSER_LONG=1
START_TIMEOUT = 30.0


class BotProcess:
    """``python -m reliability.launcher`` on one database, started and SIGKILLed at will."""

    def __init__(self, fake: Fake, database: Path, logs: Path) -> None:
        self.fake = fake
        self.database = database
        self.logs = logs
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        """Start the process and wait until it is connected and has caught up with the gateway."""
        before = self.fake.identify_count
        await self.spawn()
        assert self.proc is not None
        deadline = time.monotonic() + START_TIMEOUT
        while not (self.fake.identify_count > before and self.fake.gateway_connected):
            if self.proc.returncode is not None:
                raise AssertionError(f"the bot exited with {self.proc.returncode}:\n{self.log_text()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot did not connect within {START_TIMEOUT}s:\n{self.log_text()}")
            await asyncio.sleep(0.02)
        await self.fake.sync(timeout=10)

    async def kill_while_starting(self, delay: float) -> None:
        """Start the process and kill it ``delay`` seconds later, wherever its start-up is."""
        await self.spawn()
        await asyncio.sleep(delay)
        await self.kill()

    async def spawn(self) -> None:
        log = (self.logs / f"bot-{self.starts:03d}.log").open("wb")
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "DISCORD_TOKEN": self.fake.token,
        }
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.reliability.launcher",
            self.fake.base_url,
            str(self.database),
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        log.close()
        self.starts += 1

    async def kill(self) -> None:
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        await self.proc.wait()
        deadline = time.monotonic() + 5
        while self.fake.gateway_connected and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("bot-*.log")))

    def problems_logged(self) -> list[str]:
        """Lines at ERROR or CRITICAL, and tracebacks, in every run's log."""
        return [
            line
            for line in self.log_text().splitlines()
            if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")
        ]


@dataclass
class Write:
    """One write a partner asked for, and whether the bot confirmed it."""

    user: str
    kind: str  # "answer" | "mood" | "note" | "memory"
    token: str
    mood: int | None = None
    text: str | None = None
    confirmed: bool = False
    refused: str | None = None  # a reply that was neither the confirmation nor a crash


@dataclass
class Writer:
    """A partner writing as fast as the bot answers, one write at a time."""

    name: str
    user: User
    kinds: tuple[str, ...]
    rng: random.Random
    forms: dict[str, InteractionResult]
    writes: list[Write] = field(default_factory=list)
    stopped: bool = False

    async def run(self, fake: Fake) -> None:
        self.stopped = False
        while not self.stopped:
            kind = self.rng.choice(self.kinds)
            token = f"{self.name}-{len(self.writes):04d}"
            write = Write(
                self.name, kind, token, mood=self.rng.randint(1, 5), text=f"{kind} {token} ✍️ ünïcode"
            )
            self.writes.append(write)
            try:
                outcome = await self.perform(fake, write)
            except InteractionFailed as error:
                if not self.stopped:
                    write.refused = f"no answer while the bot was up: {error}"
                continue
            write.confirmed, write.refused = outcome, None if outcome else "not confirmed"

    async def perform(self, fake: Fake, write: Write) -> bool:
        if write.kind == "answer":
            reply = await fake.submit_modal(self.forms["answer"], {"answer": write.text}, self.user)
            return reply.ephemeral and reply.text.startswith(("Saved ✍️", "Updated ✍️"))
        if write.kind == "mood":
            reply = await fake.click(self.forms["checkin"], str(write.mood), self.user)
            return f"Checked in for today: {write.mood}/5" in reply.text
        if write.kind == "note":
            reply = await fake.submit_modal(
                self.forms["note"], {"mood": str(write.mood), "note": write.text}, self.user
            )
            return f"Checked in for today: {write.mood}/5" in reply.text and str(write.text) in reply.text
        reply = await fake.slash(
            self.user, "memory add", title=f"Memory {write.token}", description=write.text
        )
        return reply.ephemeral and "Saved to your memory book" in reply.text


def possible_finals(writes: list[Write], sets: Callable[[Write], bool]) -> list[Write]:
    """The writes whose value may be the final one: the last confirmed write among those that set
    the value, and any attempted after it (the bot may have saved one just before a kill)."""
    relevant = [w for w in writes if sets(w)]
    confirmed = [i for i, w in enumerate(relevant) if w.confirmed]
    if not confirmed:
        return relevant
    return relevant[confirmed[-1] :]


@dataclass
class Couple:
    alice: User
    bob: User
    guild: Guild
    channel: Channel


async def setup_couple(fake: Fake) -> Couple:
    alice, bob = fake.create_user("alice"), fake.create_user("bob")
    guild = fake.create_guild("Our place", members=[alice, bob], text_channels=["general", "us"])
    return Couple(alice, bob, guild, guild.channel("us"))


async def pair_and_open_forms(fake: Fake, couple: Couple) -> dict[str, dict[str, InteractionResult]]:
    """Pair through the real flow, post today's question, and open each partner's forms."""
    await pair(
        fake, couple.alice, couple.bob, couple.channel, alice_zone="Berlin", bob_zone="America/Los_Angeles"
    )
    posted = await fake.slash(couple.alice, "question now")
    assert "Posted today's question" in posted.all_text, posted.all_text
    post = await fake.wait_for_message(couple.channel, lambda m: "Answer" in m.buttons)
    forms: dict[str, dict[str, InteractionResult]] = {}
    for name, user in (("alice", couple.alice), ("bob", couple.bob)):
        checkin = await fake.slash(user, "checkin now")
        note = await fake.click(checkin, "Add a note", user)
        assert note.modal is not None
        forms[name] = {"checkin": checkin, "note": note}
    answer = await fake.click(post, "Answer", couple.alice)
    assert answer.modal is not None
    forms["alice"]["answer"] = answer
    return forms


async def run_until_killed(
    fake: Fake, bot: BotProcess, writers: list[Writer], delay: float, kill: Callable[[], Awaitable[None]]
) -> None:
    tasks = [asyncio.create_task(w.run(fake)) for w in writers]
    try:
        await asyncio.sleep(delay)
        await kill()
    finally:
        for writer in writers:
            writer.stopped = True
        for task in tasks:
            while not task.done():
                task.cancel()
                await asyncio.wait({task}, timeout=0.05)
            with contextlib.suppress(asyncio.CancelledError):
                task.result()
    for writer in writers:
        # The writes in flight when the process died: their fate is unknown (saved or not).
        if writer.writes and not writer.writes[-1].confirmed:
            writer.writes[-1].refused = None


async def crash_loop(tmp_path: Path, kills: int) -> None:
    fake = await Fake.start(patch=False)
    logs = tmp_path / "logs"
    logs.mkdir()
    database = tmp_path / "data" / "closer.sqlite3"
    bot = BotProcess(fake, database, logs)
    rng = random.Random(SEED)
    try:
        couple = await setup_couple(fake)
        await bot.kill_while_starting(rng.uniform(0.05, 0.5))  # mid-migration, perhaps
        await bot.start()
        forms = await pair_and_open_forms(fake, couple)
        writers = [
            Writer(
                "alice",
                couple.alice,
                ("answer", "mood", "note", "memory"),
                random.Random(rng.random()),
                forms["alice"],
            ),
            Writer("bob", couple.bob, ("mood", "note", "memory"), random.Random(rng.random()), forms["bob"]),
        ]
        for _ in range(kills):
            await run_until_killed(fake, bot, writers, rng.uniform(0.05, 1.0), bot.kill)
            if rng.random() < 0.5:
                await bot.kill_while_starting(rng.uniform(0.05, 0.5))
            await bot.start()
        # A last stretch of writes, then a last kill: the database is read as a crash left it.
        await run_until_killed(fake, bot, writers, rng.uniform(0.05, 1.0), bot.kill)
        fake.assert_no_violations()
    finally:
        if bot.proc is not None and bot.proc.returncode is None:
            await bot.kill()
        await fake.stop()

    check, foreign = integrity(database)
    assert check == "ok"
    assert foreign == []
    everything = [w for writer in writers for w in writer.writes]
    print(  # the run's shape, shown with -s
        f"{bot.starts} starts, {len(everything)} writes, {sum(w.confirmed for w in everything)} confirmed, "
        f"{sum(not w.confirmed and not w.refused for w in everything)} cut off by a kill"
    )
    refused = [w for w in everything if w.refused]
    assert refused == [], "writes refused or unanswered while the bot was up"
    assert sum(w.confirmed for w in everything) >= kills * 3, "too few confirmed writes to mean anything"
    assert bot.starts > kills + 1

    conn = sqlite3.connect(database)
    try:
        for writer in writers:
            user_id = writer.user.id
            memories = {
                title
                for (title,) in conn.execute("SELECT title FROM memories WHERE author_id = ?", (user_id,))
            }
            lost = [
                w.token
                for w in writer.writes
                if w.kind == "memory" and w.confirmed and f"Memory {w.token}" not in memories
            ]
            assert lost == [], f"{writer.name}'s confirmed memories are missing"
            titles = [
                t for (t,) in conn.execute("SELECT title FROM memories WHERE author_id = ?", (user_id,))
            ]
            assert len(titles) == len(set(titles)), "a memory was saved twice"

            rows = list(conn.execute("SELECT mood, note FROM checkins WHERE user_id = ?", (user_id,)))
            moods = {mood for mood, _ in rows}
            notes = {note for _, note in rows}
            checkins = possible_finals(writer.writes, lambda w: w.kind in ("mood", "note"))
            if any(w.confirmed for w in checkins):
                assert moods & {w.mood for w in checkins}, f"{writer.name}'s confirmed mood is missing"
            notes_written = possible_finals(writer.writes, lambda w: w.kind == "note")
            if any(w.confirmed for w in notes_written):
                assert notes & {w.text for w in notes_written}, f"{writer.name}'s confirmed note is missing"

            answers = {
                a
                for (a,) in conn.execute("SELECT answer FROM question_answers WHERE user_id = ?", (user_id,))
            }
            written = possible_finals(writer.writes, lambda w: w.kind == "answer")
            if any(w.confirmed for w in written):
                assert answers & {w.text for w in written}, f"{writer.name}'s confirmed answer is missing"
    finally:
        conn.close()
    assert bot.problems_logged() == []


async def test_every_confirmed_write_survives_kill_9(tmp_path: Path) -> None:
    """6 SIGKILLs at random moments amid answers, check-ins and memories: nothing confirmed is lost."""
    await crash_loop(tmp_path, KILLS)


@pytest.mark.long
async def test_every_confirmed_write_survives_fifty_kills(tmp_path: Path) -> None:
    """The long run: 50 SIGKILLs (CLOSER_LONG=1)."""
    await crash_loop(tmp_path, LONG_KILLS)
