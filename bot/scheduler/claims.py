"""Claims in the ledger: an occurrence is claimed under a unique key before anything is sent.

``claim_and_deliver`` claims, delivers (retrying what Discord may let through a moment later) and
records the outcome; ``settle_stale_claims`` decides, at start, what a crash mid-send left behind.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.db.repositories.schedules import ScheduleRepository
from bot.scheduler.delivery import Deferred, DeliveryFailed, Kind, Occurrence, describe, retryable

log = logging.getLogger(__name__)

# Discord enforces a message nonce for "the past few minutes": a claim younger than this that
# never completed is re-sent with the same nonce, so Discord drops it if the first went through.
NONCE_WINDOW = timedelta(minutes=2)
# The ledger row of an occurrence the DM budget holds back says this (it is not a delivery missed).
WAITING = "waiting for a better moment to message them"
# ... and when it held it back until it meant nothing any more.
HELD_BACK = "not sent: that day already had enough messages for them"


@dataclass(frozen=True, slots=True)
class Later:
    """Try the occurrence again: at ``at`` (the DM budget said when), or after the usual delay."""

    at: datetime | None = None


async def settle_stale_claims(repo: ScheduleRepository, now: datetime) -> None:
    """Claims a stop interrupted: re-send within the nonce window, else record a possible miss."""
    for schedule_id, key, claimed_at in await repo.stale_claims():
        if now - claimed_at <= NONCE_WINDOW:
            # Safe to send again: the nonce makes Discord drop it if the first attempt landed.
            await repo.record(schedule_id, key, "retry", now, detail="interrupted by a restart")
        else:
            await repo.record(
                schedule_id,
                key,
                "failed",
                now,
                detail="Closer stopped while sending this; it may not have been posted",
            )


async def claim_and_deliver(
    repo: ScheduleRepository,
    kind: Kind,
    occurrence: Occurrence,
    retry_delays: Sequence[float],
    clock: Clock,
) -> Later | None:
    """Claim and deliver one occurrence; :class:`Later` when it should be tried again."""
    schedule, key = occurrence.schedule, occurrence.scheduled_at
    if not await repo.claim(schedule.id, key, occurrence.now):
        return None  # already handled: by another firing, or before a restart
    last_error: BaseException | None = None
    for delay in (0.0, *retry_delays):
        if delay:
            await asyncio.sleep(delay)
        try:
            sent = await kind.deliver(occurrence)
        except Deferred as held:
            await repo.record(schedule.id, key, "retry", clock.now(), detail=WAITING)
            return Later(held.until)
        except DeliveryFailed as error:
            await repo.record(schedule.id, key, "failed", clock.now(), detail=str(error))
            return None
        except Exception as error:
            if retryable(error):
                last_error = error
                log.warning(
                    "Delivery of %s at %s failed (%s); retrying", schedule.label, key, describe(error)
                )
                continue
            log.exception("Delivery of %s at %s failed", schedule.label, key)
            await repo.record(schedule.id, key, "failed", clock.now(), detail=describe(error))
            return None
        if sent is None:
            detail = "; ".join(occurrence.notes) or "nothing to post"
            await repo.record(schedule.id, key, "skipped", clock.now(), detail=detail)
        else:
            notes = "; ".join(n for n in [sent.detail, *occurrence.notes] if n) or None
            await repo.record(
                schedule.id,
                key,
                "late" if occurrence.late else "sent",
                clock.now(),
                message_id=sent.message_id,
                channel_id=sent.channel_id,
                detail=notes,
            )
        return None
    await repo.record(
        schedule.id,
        key,
        "retry",
        clock.now(),
        detail=f"Discord unavailable ({describe(last_error) if last_error else 'unknown'}); retrying",
    )
    return Later()
