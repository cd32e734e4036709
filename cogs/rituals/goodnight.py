"""Goodnight: at each partner's own bedtime a DM suggests a note for the other; the note reaches
the other partner as a message of its own (a one-off personal schedule, kind :data:`KIND_NOTE`),
so their quiet hours and the DM budget apply and it goes exactly once; with their DMs closed it
is posted in the shared channel, mentioning only them.

The reminder's words rotate through the ``reminders`` of ``data/rituals.toml`` and its buttons
through the ready-made ``notes``, a few each night (:mod:`cogs.rituals.embeds`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import discord

from bot.clock import Clock
from bot.db.models import Couple
from bot.db.repositories.rituals import Ritual, RitualRepository
from bot.errors import UserError
from bot.scheduler import Kind, Occurrence, Scheduler, Sent
from bot.timeutil import local_date
from cogs.rituals import embeds

GOODNIGHT_LIMIT = 500
BEDTIME_WINDOW = timedelta(hours=2)
KIND_NOTE = "goodnight_note"  # a note on its way to the other partner (key: the note's id)
# A note held by the other's quiet hours or their messages of the day still goes this long after.
NOTE_DEADLINE = timedelta(hours=18)

# The reminder's buttons: (guild_id, tonight's note indexes) -> the view under the reminder.
NoteView = Callable[[int, Sequence[int]], discord.ui.View]


def pick_note(notes: Sequence[str], index: int) -> str:
    if not 0 <= index < len(notes):
        raise UserError("That note is no longer available; write your own instead.")
    return notes[index]


class Goodnight:
    name = "goodnight"
    label = "Goodnight"

    def __init__(
        self, repo: RitualRepository, clock: Clock, scheduler: Scheduler, note_view: NoteView
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.scheduler = scheduler
        self.note_view = note_view

    def kinds(self) -> tuple[Kind, ...]:
        return (Kind(KIND_NOTE, self.deliver_note, self.note_deadline),)

    async def deliver(self, occurrence: Occurrence, ritual: Ritual) -> Sent | None:
        couple = occurrence.couple
        assert couple is not None
        assert occurrence.schedule.owner_id is not None
        owner = couple.partner(occurrence.schedule.owner_id)
        if owner is None:
            return None
        other = couple.other(owner.user_id)
        tonight = local_date(occurrence.scheduled_at, occurrence.zone)
        text = embeds.goodnight_reminder(other.display_name, ritual.message, tonight, owner.position)
        view = self.note_view(couple.guild_id, embeds.note_choices(tonight, owner.position))
        return await occurrence.send_dm(owner.user_id, content=text, view=view)

    @staticmethod
    def deadline(occurrence: Occurrence) -> datetime:
        """A bedtime reminder is only worth sending around bedtime."""
        return occurrence.scheduled_at + BEDTIME_WINDOW

    @staticmethod
    def note_deadline(occurrence: Occurrence) -> datetime:
        return occurrence.fire_at + NOTE_DEADLINE

    @staticmethod
    def quick_note(index: int) -> str:
        """One of the first releases' three quick notes (their buttons still work)."""
        return pick_note(embeds.quick_notes(), index)

    @staticmethod
    def ready_note(index: int) -> str:
        """One of the ready-made notes the reminder's buttons offer."""
        return pick_note(embeds.goodnight_notes(), index)

    @staticmethod
    def written_note(text: str) -> str:
        note = text.strip()
        if not note:
            raise UserError("Your note was empty, so nothing was sent.")
        return note[:GOODNIGHT_LIMIT]

    async def send(self, couple: Couple, sender_id: int, note: str) -> str:
        """Keep the note and send it on its way to the other partner; what the sender is told."""
        sender = couple.partner(sender_id)
        assert sender is not None
        other = couple.other(sender.user_id)
        now = self.clock.now()
        note_id = await self.repo.add_goodnight(couple.guild_id, sender.user_id, other.user_id, note, now)
        schedule = await self.scheduler.once(
            KIND_NOTE,
            guild_id=couple.guild_id,
            key=str(note_id),
            when=now,
            label=f"Goodnight note from {sender.display_name}",
            owner_id=other.user_id,
            personal=True,
            payload={"note": note_id},
        )
        await self.scheduler.process(schedule.id)
        delivery = await self.scheduler.repo.delivery(schedule.id, schedule.once_at or now)
        fresh = await self.scheduler.repo.get(schedule.id)
        name = other.display_name
        if delivery is not None and delivery.status in ("sent", "late"):
            if "shared channel" in (delivery.detail or ""):
                return f"Sent to {name} in your shared channel (their direct messages are closed) 💤"
            return f"Sent to {name} 💤"
        if delivery is not None and delivery.status == "failed":
            return (
                f"Your note is kept, but I couldn't reach {name}: their direct messages are closed and I "
                f"can't post in <#{couple.channel_id}>."
            )
        if fresh is not None and fresh.fire_at is not None and fresh.fire_at > now:
            zone = couple.zone_of(other, fresh.fire_at)
            why = (
                "after their quiet hours"
                if other.quiet.contains(
                    now.astimezone(couple.zone_of(other, now)).time().replace(tzinfo=None)
                )
                else "Closer spaces out its messages to them"
            )
            return f"Saved 💤 It reaches {name} at {fresh.fire_at.astimezone(zone):%H:%M} their time ({why})."
        return f"Saved 💤 It's on its way to {name}."

    async def deliver_note(self, occurrence: Occurrence) -> Sent | None:
        couple, owner = occurrence.couple, occurrence.schedule.owner_id
        note = await self.repo.goodnight(int(occurrence.payload.get("note", 0)))
        if couple is None or owner is None or note is None or couple.partner(owner) is None:
            return None
        card = embeds.goodnight_card(couple.name_of(note.from_user), note.message)
        return await occurrence.send_dm(owner, embed=card)
