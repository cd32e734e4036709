"""The scheduler: every recurring or one-off post, exactly once (see :mod:`bot.scheduler.engine`).

- :mod:`~bot.scheduler.rules`: pure occurrence maths (next occurrence, quiet hours, deadlines).
- :mod:`~bot.scheduler.delivery`: :class:`Occurrence`, :class:`Sent`, :class:`Kind`, and the
  :class:`Messenger` protocol through which a delivery reaches Discord.
- :mod:`~bot.scheduler.engine`: :class:`Scheduler`: arming from the table, catch-up, retries later.
- :mod:`~bot.scheduler.claims`: claims in the ledger, so each occurrence is delivered once.
- :mod:`~bot.scheduler.outbox`: the DM budget (a few a day, spaced, none at night) and what
  travels together in one DM.
"""

from bot.scheduler.claims import NONCE_WINDOW
from bot.scheduler.delivery import (
    LATE_AFTER,
    PACED,
    Attachment,
    Deferred,
    DeliverFn,
    DeliveryFailed,
    Kind,
    Messenger,
    Occurrence,
    RateGate,
    Sent,
    default_deadline,
    describe,
    retryable,
)
from bot.scheduler.engine import ARM_WINDOW, REFILL_EVERY, Couples, Scheduler
from bot.scheduler.rules import fire_time, next_occurrence, schedule_zone

__all__ = [
    "ARM_WINDOW",
    "LATE_AFTER",
    "NONCE_WINDOW",
    "PACED",
    "REFILL_EVERY",
    "Attachment",
    "Couples",
    "Deferred",
    "DeliverFn",
    "DeliveryFailed",
    "Kind",
    "Messenger",
    "Occurrence",
    "RateGate",
    "Scheduler",
    "Sent",
    "default_deadline",
    "describe",
    "fire_time",
    "next_occurrence",
    "retryable",
    "schedule_zone",
]
