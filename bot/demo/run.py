"""Run the demo week and write its page: the stage, the script, and what came of it."""

from __future__ import annotations

import tempfile
import time as timer
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.demo import story
from bot.demo.guard import loopback_only
from bot.demo.page import page
from bot.demo.stage import Stage, open_stage
from bot.demo.transcript import Facts, File, Person, Transcript, read_place
from bot.demo.week import Partner, Week, plan
from bot.timeutil import wall_to_utc

START = date(2026, 5, 11)  # a Monday
# The server's id, fixed: the question bank draws the same questions every run, and the story's
# answers fit them.
GUILD_ID = 1_503_127_846_318_080_000


@dataclass(frozen=True)
class Demo:
    """A finished run: its transcript, and the page written from it."""

    transcript: Transcript
    index: Path


async def play(days: int, zones: tuple[ZoneInfo, ZoneInfo]) -> Transcript:
    """Play ``days`` days with the couple in ``zones`` on a fresh database; the transcript."""
    began = timer.monotonic()
    with tempfile.TemporaryDirectory(prefix="closer-demo-") as folder, loopback_only() as network:
        opening = wall_to_utc(START, time(7, 55), zones[0])
        stage, first, second = await open_stage(opening, Path(folder), story.NAMES, guild_id=GUILD_ID)
        try:
            partners = (Partner(first, zones[0], 0), Partner(second, zones[1], 1))
            week = Week(stage, partners, START, days)
            await week.play(plan(week))
        finally:
            await stage.stop()
    facts = Facts(
        days=days,
        seconds=timer.monotonic() - began,
        violations=tuple(f"{v.rule}: {v.detail}" for v in stage.fake.violations),
        hosts=tuple(sorted(network.local)),
        refused=tuple(network.refused),
        problems=tuple(stage.problems),
    )
    return capture(stage, week, facts)


def capture(stage: Stage, week: Week, facts: Facts) -> Transcript:
    world = stage.fake.world
    people = tuple(Person(p.user.id, p.name, p.zone, p.index) for p in week.partners)
    threads = {t.id: read_place(world, t, "thread") for t in stage.threads()}
    dms = {
        p.user.id: read_place(world, world.dm_channel(p.user), "dm", owner_id=p.user.id)
        for p in week.partners
    }
    names = {user.id: user.name for user in world.users.values()}
    names.update({c.id: c.name for c in world.channels.values() if c.name})
    return Transcript(
        bot_name=world.bot.name,
        server=stage.guild.name,
        people=(people[0], people[1]),
        channel=read_place(world, stage.channel, "channel"),
        threads=threads,
        dms=dms,
        actions=tuple(stage.actions),
        moments=tuple(week.moments),
        facts=facts,
        names=names,
        files={a.id: File(a.id, a.filename, a.content_type, a.data) for a in world.attachments.values()},
    )


def write(transcript: Transcript, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    index = out / "index.html"
    index.write_text(page(transcript), encoding="utf-8")
    return index
