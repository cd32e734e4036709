"""Answer rounds: both partners answer a step of a run (a session step, a gratitude list); when
both have, the step closes and its reveal goes out through the scheduler.

Shared by the weekly session and gratitude. The reveal is a one-off of kind :data:`REVEAL`, so a
Discord failure is retried, not lost, and it happens exactly once (the ledger).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord

from bot.clock import Clock
from bot.db.models import Couple
from bot.db.repositories.rituals import Ritual, RitualAnswer, RitualRepository, RitualRun
from bot.errors import UserError
from bot.scheduler import Occurrence, Scheduler

REVEAL = "ritual_reveal"  # both answered a step: show the answers (key = run:step)
REVEAL_DEADLINE = timedelta(days=2)
# How a reveal is named where partners read it (/couple status), by what is revealed.
REVEAL_LABELS = {
    "session": "Weekly check-in: both answers to step {step}",
    "gratitude": "Gratitude: both lists",
}

# A channel or thread by (channel_id, guild_id), to post in and edit posts of.
ChannelOf = Callable[[int, int], discord.PartialMessageable]


@dataclass(frozen=True)
class Answered:
    """An answer saved: the step's answers so far, and whether both partners have answered."""

    run: RitualRun
    ritual: Ritual
    answers: list[RitualAnswer]
    both: bool
    at: datetime


@dataclass(frozen=True)
class Reveal:
    """A step both answered, being revealed: where its answers go, and the answers."""

    occurrence: Occurrence
    where: discord.abc.Messageable
    couple: Couple
    ritual: Ritual
    run: RitualRun
    step: int
    answers: list[RitualAnswer]


class Rounds:
    """Runs, answers and reveals over the ritual repository, the scheduler and a clock."""

    def __init__(self, repo: RitualRepository, scheduler: Scheduler, clock: Clock) -> None:
        self.repo = repo
        self.scheduler = scheduler
        self.clock = clock

    async def run(self, couple: Couple, run_id: int, gone: str) -> tuple[RitualRun, Ritual]:
        """The couple's run and its ritual; ``gone`` is the reason when either no longer exists."""
        run = await self.repo.run(run_id)
        ritual = await self.repo.get(run.ritual_id, couple.guild_id) if run else None
        if run is None or ritual is None:
            raise UserError(gone)
        return run, ritual

    async def save(
        self, couple: Couple, run_id: int, user_id: int, step: int, text: str, *, gone: str, closed: str
    ) -> Answered:
        """Save (or replace) an answer to the run's open step; ``closed`` if the step moved on."""
        run, ritual = await self.run(couple, run_id, gone)
        now = self.clock.now()
        answers = await self.repo.answer(run_id, user_id, step, text, now)
        if answers is None:
            raise UserError(closed)
        both = {a.user_id for a in answers} >= {p.user_id for p in couple.partners}
        return Answered(run, ritual, answers, both, now)

    async def close(
        self,
        couple: Couple,
        answered: Answered,
        step: int,
        last_step: int,
        what: str,
        *,
        channel_id: int | None,
        message_id: int | None,
    ) -> None:
        """Both answered: move the run on and reveal the step (once, whoever answered last)."""
        run = answered.run
        if not await self.repo.advance(run.id, step, last_step, answered.at):
            return
        # The run has already moved on (nobody can answer this step again), so the reveal must
        # happen exactly once: the ledger gives that, and its retries survive a 503 or a restart.
        schedule = await self.scheduler.once(
            REVEAL,
            guild_id=couple.guild_id,
            key=f"{run.id}:{step}",
            when=self.clock.now(),
            label=REVEAL_LABELS.get(what, "Both answers").format(step=step + 1),
            payload={"run": run.id, "step": step, "what": what, "channel": channel_id, "message": message_id},
        )
        await self.scheduler.process(schedule.id)
