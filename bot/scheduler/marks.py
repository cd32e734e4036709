"""Which servers a start must plan again: the "planned up to" marks (``planning_marks``).

Calls, the visit countdown and yearly dates plan one-off posts from their own rows
(:func:`bot.planning.sync_once`); each delivery of such a post plans again. A start used to plan
every couple again, in case a planning moment passed while Closer was down: half a minute at
10,000 couples, on every start. Now each planning of a (server, kind) is noted here; once the
start-up planning has run (then at once, while Closer runs), the noted ones are marked planned
until their next one-off (:class:`~bot.db.repositories.marks.PlanningMarkRepository`); marks that
run out while Closer runs move on to the next one-off at every refill (that delivery planned). A
start plans a server again only when a mark of its kinds is missing (never planned, or something
it is made from changed: triggers delete it) or ran out while Closer was down. A feature's
start-up job asks :meth:`PlanningMarks.stale` for each server before planning it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from bot.clock import Clock
from bot.db.repositories.marks import PlanningMarkRepository
from bot.shards import ShardScope

log = logging.getLogger(__name__)


class PlanningMarks:
    def __init__(self, repo: PlanningMarkRepository, clock: Clock, scope: ShardScope | None = None) -> None:
        self.repo = repo
        self.clock = clock
        self.scope = scope
        self.started_at: datetime = clock.now()
        self._fresh: set[tuple[int, str]] | None = None  # read once, at the first question
        self._planned: set[tuple[int, str]] = set()
        self._writing = False  # marks are written once the start-up planning has run

    async def stale(self, guild_id: int, kinds: str | Iterable[str]) -> bool:
        """Whether this start must plan the server's posts of ``kinds`` again: a mark is missing,
        or ran out before this start. Servers on another process's shards are never stale here."""
        if self.scope is not None and not self.scope.runs(guild_id):
            return False
        if self._fresh is None:
            self._fresh = await self.repo.fresh(self.started_at)
        kinds = (kinds,) if isinstance(kinds, str) else kinds
        return any((guild_id, kind) not in self._fresh for kind in kinds)

    async def stale_among(self, guild_ids: Iterable[int], kinds: str | Iterable[str]) -> list[int]:
        """Of these servers, those this start must plan again (:meth:`stale`), in order. A start
        asks this first, so a restart with nothing to plan reads none of the features' rows."""
        kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        mine = sorted({g for g in guild_ids if self.scope is None or self.scope.runs(g)})
        return await self.repo.stale_among(mine, kinds, self.started_at)

    async def planned(self, guild_id: int, kind: str) -> None:
        """The server's posts of ``kind`` were just planned (``sync_once``). While Closer runs the
        mark is written at once (a change after it deletes it again); during the start-up planning
        the marks are written together once it has run (one transaction, not thousands)."""
        if self._writing:
            try:
                await self.repo.mark([(guild_id, kind)], self.clock.now())
            except Exception:
                log.exception("Could not mark server %s planned (the next start plans it again)", guild_id)
        else:
            self._planned.add((guild_id, kind))

    async def start_up_done(self) -> None:
        """The start-up planning has run: write its marks, and from now on at every :meth:`flush`."""
        self._writing = True
        await self.flush()

    async def flush(self) -> None:
        """Mark what the start-up planning planned; marks that ran out while Closer ran move on."""
        if not self._writing:
            return
        planned, self._planned = self._planned, set()
        try:
            await self.repo.mark(planned, self.clock.now())
            await self.repo.roll_forward(self.started_at, self.clock.now())
        except Exception:
            self._planned |= planned
            log.exception("Could not write the planning marks (the next start plans those servers again)")
