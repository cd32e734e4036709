"""Gestures: keeping them, the DM that carries them to the partner (merged, see :mod:`.rules`),
and their line in the weekly digest. No interaction handling.

The DM is a personal one-off of the receiver (kind ``gesture``, key: their id), so their quiet
hours, the DM budget and exactly-once apply; every gesture waits in the table until a DM carried
it, and the DM reads what is waiting when it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import discord

from bot.clock import Clock
from bot.db.models import Couple, Delivery, Partner, Schedule
from bot.db.repositories.gestures import Gesture, GestureRepository
from bot.db.repositories.schedules import ScheduleRepository
from bot.errors import UserError
from bot.scheduler import Attachment, Kind, Occurrence, Scheduler, Sent
from cogs.gestures import rules
from cogs.gestures.embeds import gesture_card

GESTURE = "gesture"  # the DM carrying a partner's waiting gestures (personal, key = receiver id)

# (guild id, receiver id) -> the buttons a gesture DM carries: a gesture back, in one tap.
ReplyItems = Callable[[int, int], Sequence[discord.ui.Item[Any]]]


@dataclass(frozen=True, slots=True)
class Sending:
    """How a gesture went: at once, or waiting (for quiet hours, or with others), and when."""

    gesture: Gesture
    at: datetime | None  # when the DM carrying it goes (None: it went now)
    quiet: bool  # held by the partner's quiet hours
    delivery: Delivery | None = None  # the attempt at once, if one was made


class GestureService:
    def __init__(
        self,
        repo: GestureRepository,
        scheduler: Scheduler,
        schedules: ScheduleRepository,
        clock: Clock,
        replies: ReplyItems,
    ) -> None:
        self.repo = repo
        self.scheduler = scheduler
        self.schedules = schedules
        self.clock = clock
        self.replies = replies

    def kinds(self) -> list[Kind]:
        return [Kind(GESTURE, self.deliver, self.deadline, attach=self.attach)]

    @staticmethod
    def deadline(occurrence: Occurrence) -> datetime:
        return occurrence.fire_at + rules.KEEP_WAITING

    # -- sending ---------------------------------------------------------------------------------

    async def send(self, couple: Couple, sender: Partner, kind: str) -> Sending:
        """Keep ``sender``'s gesture and have it reach the other partner (see rules: merging)."""
        if kind not in rules.KINDS:
            raise UserError("Choose one of the gestures in `kind`, like Thinking of you.")
        now = self.clock.now()
        today = now.astimezone(couple.zone_of(sender, now)).date()
        other = couple.other(sender.user_id)
        if await self.repo.count_day(couple.guild_id, sender.user_id, today) >= rules.DAILY_LIMIT:
            raise UserError(
                f"That's {rules.DAILY_LIMIT} little gestures today, as many as Closer passes on in a day: "
                f"{other.display_name} knows you're thinking of them 💞 You can send more tomorrow."
            )
        gesture = await self.repo.add(couple.guild_id, sender.user_id, other.user_id, kind, today, now)
        pending = await self.schedules.find(GESTURE, couple.guild_id, str(other.user_id))
        if pending is not None and pending.next_due is not None:
            return Sending(gesture, pending.fire_at, quiet=self._quiet(couple, other, now))
        schedule = await self.plan(couple, other)
        if schedule.fire_at is not None and schedule.fire_at > now:
            return Sending(gesture, schedule.fire_at, quiet=self._quiet(couple, other, now))
        await self.scheduler.process(schedule.id)
        delivery = await self.schedules.delivery(schedule.id, now)
        if delivery is not None and delivery.status == "retry":
            later = await self.schedules.get(schedule.id)
            return Sending(gesture, later.fire_at if later else None, quiet=False, delivery=delivery)
        return Sending(gesture, None, quiet=False, delivery=delivery)

    @staticmethod
    def _quiet(couple: Couple, partner: Partner, now: datetime) -> bool:
        local = now.astimezone(couple.zone_of(partner, now)).time().replace(tzinfo=None)
        return partner.quiet.contains(local)

    async def plan(self, couple: Couple, receiver: Partner) -> Schedule:
        """A new gesture DM for ``receiver``, at the first moment the merging rule allows."""
        now = self.clock.now()
        told = await self.repo.told_since(couple.guild_id, receiver.user_id, now - timedelta(days=2))
        return await self.scheduler.once(
            GESTURE,
            guild_id=couple.guild_id,
            key=str(receiver.user_id),
            when=rules.next_dm(now, told, couple.zone_of(receiver, now)),
            owner_id=receiver.user_id,
            personal=True,
            label=f"Little gestures for {receiver.display_name}",
        )

    # -- the DM ----------------------------------------------------------------------------------

    async def _waiting(self, occurrence: Occurrence) -> tuple[Couple, Partner, list[Gesture]] | None:
        couple, owner_id = occurrence.couple, occurrence.schedule.owner_id
        receiver = couple.partner(owner_id) if couple is not None and owner_id is not None else None
        if couple is None or receiver is None:
            return None
        now = self.clock.now()
        waiting = await self.repo.waiting(couple.guild_id, receiver.user_id)
        old = [g.id for g in waiting if now - g.sent_at > rules.KEEP_WAITING]
        await self.repo.mark_told(old, now)  # waited too long to mean much: left out
        fresh = [g for g in waiting if now - g.sent_at <= rules.KEEP_WAITING]
        return (couple, receiver, fresh) if fresh else None

    def card(self, couple: Couple, receiver: Partner, gestures: Sequence[Gesture]) -> discord.Embed:
        now = self.clock.now()
        zone = couple.zone_of(receiver, now)
        when = rules.when_phrase(gestures[0].sent_at, now, zone, receiver.quiet)
        lines = [
            rules.sentence(couple.name_of(sender), [g.kind for g in gestures if g.from_user == sender], when)
            for sender in dict.fromkeys(g.from_user for g in gestures)
        ]
        return gesture_card(lines)

    async def deliver(self, occurrence: Occurrence) -> Sent | None:
        found = await self._waiting(occurrence)
        if found is None:
            return None
        couple, receiver, gestures = found
        kwargs: dict[str, Any] = {"embed": self.card(couple, receiver, gestures)}
        items = self.replies(couple.guild_id, receiver.user_id)
        if items:
            kwargs["view"] = discord.ui.View(timeout=None)
            for item in items:
                kwargs["view"].add_item(item)
        sent = await occurrence.send_dm(receiver.user_id, **kwargs)
        await self.told(couple, receiver, gestures)
        return sent

    async def attach(self, occurrence: Occurrence) -> Attachment | None:
        """The waiting gestures inside another DM to the same partner, due within the hour."""
        found = await self._waiting(occurrence)
        if found is None:
            return None
        couple, receiver, gestures = found

        async def done(sent: Sent) -> None:
            await self.told(couple, receiver, gestures)

        return Attachment(
            embeds=(self.card(couple, receiver, gestures),),
            items=tuple(self.replies(couple.guild_id, receiver.user_id)),
            done=done,
        )

    async def told(self, couple: Couple, receiver: Partner, gestures: Sequence[Gesture]) -> None:
        """Carried: marked, and one sent while the DM was on its way gets a DM of its own."""
        await self.repo.mark_told([g.id for g in gestures], self.clock.now())
        if await self.repo.waiting(couple.guild_id, receiver.user_id):
            await self.plan(couple, receiver)

    # -- the weekly digest -----------------------------------------------------------------------

    async def digest_section(self, couple: Couple, end: datetime) -> list[tuple[str, str]]:
        gestures = await self.repo.between(couple.guild_id, end - timedelta(days=7), end)
        if not gestures:
            return []
        by_kind = [(k, n) for k in rules.KINDS if (n := sum(1 for g in gestures if g.kind == k))]
        by_sender = [
            (p.display_name, sum(1 for g in gestures if g.from_user == p.user_id)) for p in couple.partners
        ]
        by_sender.sort(key=lambda item: -item[1])
        return [("Little gestures 💭", rules.digest_line(by_kind, by_sender))]
