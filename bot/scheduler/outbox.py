"""Personal messages, owned by one piece of code: the DM budget and what travels together.

Every DM a scheduled delivery sends goes through :class:`Outbox` (``Occurrence.send_dm``):

- **The budget.** At most ``DM_PER_DAY`` DMs per partner per local day, never two within
  ``DM_GAP``, none in their quiet hours. A DM that may not go now is *deferred*: the occurrence is
  tried again at the first moment it may go (while its deadline allows; after that it is dropped
  and the ledger says so). The budget counts DMs, not deliveries: what travels together is one.
- **Travelling together.** A kind may offer an ``attach`` function: what it would add to a DM to
  the same partner. When Closer DMs a partner, each of their personal schedules due within
  ``BUNDLE_WITHIN`` whose kind can attach is asked; what it gives is added to that DM, and its
  occurrence is recorded as sent with it, so the evening's check-in ask and question nudge arrive
  as one message.

The rules (:func:`next_allowed`) are pure; the ledger of what was sent is ``dm_log``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db.models import Couple
from bot.db.repositories.schedules import ScheduleRepository
from bot.scheduler.delivery import Bundle, Deferred, Kind, Occurrence, Sent
from bot.scheduler.rules import fire_time
from bot.timeutil import QuietHours, wall_to_utc

log = logging.getLogger(__name__)

DM_PER_DAY = 3
DM_GAP = timedelta(minutes=10)
BUNDLE_WITHIN = timedelta(hours=1)


def next_allowed(
    sent: Sequence[datetime],
    at: datetime,
    zone: ZoneInfo,
    quiet: QuietHours,
    *,
    per_day: int = DM_PER_DAY,
    gap: timedelta = DM_GAP,
) -> datetime:
    """The first instant from ``at`` a DM may reach this partner, given the DMs ``sent`` already."""
    candidate = at
    for _ in range(16):  # each rule only moves it later; a few passes settle it
        moved = quiet.release(candidate, zone)
        earlier = [s for s in sent if s <= moved]
        if earlier and moved - max(earlier) < gap:
            moved = max(earlier) + gap
        day = moved.astimezone(zone).date()
        if sum(1 for s in sent if s.astimezone(zone).date() == day) >= per_day:
            moved = wall_to_utc(day + timedelta(days=1), time(0, 0), zone)
        if moved == candidate:
            return moved
        candidate = moved
    return candidate


class DmOutbox:
    """The DM budget and bundling for one scheduler (see the module docstring)."""

    def __init__(
        self,
        repo: ScheduleRepository,
        kinds: Mapping[str, Kind],
        clock: Clock,
        *,
        per_day: int = DM_PER_DAY,
        gap: timedelta = DM_GAP,
        bundle_within: timedelta = BUNDLE_WITHIN,
    ) -> None:
        self.repo = repo
        self.kinds = kinds
        self.clock = clock
        self.per_day = per_day
        self.gap = gap
        self.bundle_within = bundle_within
        self._locks: dict[tuple[int, int], tuple[asyncio.Lock, int]] = {}  # lock, tasks using it

    @contextlib.asynccontextmanager
    async def lock(self, couple: Couple | None, user_id: int) -> AsyncIterator[None]:
        """One DM at a time per partner, from the budget check to its record in ``dm_log``."""
        key = (couple.guild_id if couple is not None else 0, user_id)
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def check(self, couple: Couple | None, user_id: int) -> None:
        """Raise :class:`Deferred` when a DM to ``user_id`` may not go now."""
        partner = couple.partner(user_id) if couple is not None else None
        if couple is None or partner is None:
            return  # not a partner (a host-wide job): no budget applies
        now = self.clock.now()
        zone = couple.zone_of(partner, now)
        sent = await self.repo.dms_since(couple.guild_id, user_id, now - timedelta(days=2))
        allowed = next_allowed(sent, now, zone, partner.quiet, per_day=self.per_day, gap=self.gap)
        if allowed > now:
            raise Deferred(allowed)

    async def gather(self, occurrence: Occurrence, user_id: int) -> Bundle:
        """Claim the partner's personal occurrences due soon that can travel with this DM."""
        couple = occurrence.couple
        bundle = Bundle()
        if couple is None or couple.partner(user_id) is None:
            return bundle
        now = self.clock.now()
        for schedule in await self.repo.companions(
            couple.guild_id, user_id, now + self.bundle_within, exclude=occurrence.schedule.id
        ):
            kind = self.kinds.get(schedule.kind)
            if kind is None or kind.attach is None or schedule.next_due is None:
                continue
            companion = occurrence.sibling(
                schedule, schedule.next_due, fire_time(schedule, couple, schedule.next_due)
            )
            try:
                attachment = await kind.attach(companion)
            except Exception:
                log.exception("Could not attach %s to a DM", schedule.label)
                continue
            if attachment is None or not await self.repo.claim(schedule.id, schedule.next_due, now):
                continue
            bundle.parts.append((companion, attachment))
        return bundle

    async def sent(self, occurrence: Occurrence, user_id: int, sent: Sent, bundle: Bundle) -> None:
        """Count the DM, and record what travelled with it."""
        couple = occurrence.couple
        now = self.clock.now()
        if couple is not None and couple.partner(user_id) is not None:
            await self.repo.dm_sent(couple.guild_id, user_id, now)
        for companion, attachment in bundle.parts:
            await self.repo.record(
                companion.schedule.id,
                companion.scheduled_at,
                "sent",
                now,
                message_id=sent.message_id,
                channel_id=sent.channel_id,
                detail=f"sent together with {occurrence.schedule.label}",
            )
            if attachment.done is not None:
                try:
                    await attachment.done(sent)
                except Exception:
                    log.exception("After sending %s together", companion.schedule.label)

    async def release(self, bundle: Bundle) -> None:
        """The DM did not go out: what was claimed to travel with it is free to go on its own."""
        for companion, _ in bundle.parts:
            await self.repo.unclaim(companion.schedule.id, companion.scheduled_at)
