"""Goodnight: at each partner's own bedtime a DM suggests a note for the other; the note goes by DM
(or to the shared channel when the other's DMs are closed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import discord

from bot.clock import Clock
from bot.db.models import Couple
from bot.db.repositories.rituals import Ritual, RitualRepository
from bot.errors import UserError
from bot.scheduler import Messenger, Occurrence, Sent
from cogs.rituals import embeds

GOODNIGHT_LIMIT = 500
BEDTIME_WINDOW = timedelta(hours=2)

# The reminder's buttons: guild_id -> the view under the reminder.
NoteView = Callable[[int], discord.ui.View]


class Goodnight:
    name = "goodnight"
    label = "Goodnight"

    def __init__(
        self, repo: RitualRepository, clock: Clock, messenger: Messenger, note_view: NoteView
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.messenger = messenger
        self.note_view = note_view

    async def deliver(self, occurrence: Occurrence, ritual: Ritual) -> Sent | None:
        couple = occurrence.couple
        assert couple is not None
        assert occurrence.schedule.owner_id is not None
        owner = couple.partner(occurrence.schedule.owner_id)
        if owner is None:
            return None
        other = couple.other(owner.user_id)
        text = embeds.goodnight_reminder(other.display_name, ritual.message)
        return await occurrence.send_dm(owner.user_id, content=text, view=self.note_view(couple.guild_id))

    @staticmethod
    def deadline(occurrence: Occurrence) -> datetime:
        """A bedtime reminder is only worth sending around bedtime."""
        return occurrence.scheduled_at + BEDTIME_WINDOW

    @staticmethod
    def quick_note(index: int) -> str:
        quick = embeds.quick_notes()
        if index >= len(quick):
            raise UserError("That quick note is no longer available; write your own instead.")
        return quick[index]

    @staticmethod
    def written_note(text: str) -> str:
        note = text.strip()
        if not note:
            raise UserError("Your note was empty, so nothing was sent.")
        return note[:GOODNIGHT_LIMIT]

    async def send(self, couple: Couple, sender_id: int, note: str) -> str:
        """Keep the note and send it to the other partner; where it went ("by DM", ...)."""
        sender = couple.partner(sender_id)
        assert sender is not None
        other = couple.other(sender.user_id)
        await self.repo.add_goodnight(couple.guild_id, sender.user_id, other.user_id, note, self.clock.now())
        card = embeds.goodnight_card(sender.display_name, note)
        try:
            await self.messenger.to_user(other.user_id, embed=card)
        except (discord.Forbidden, discord.NotFound):
            try:
                await self.messenger.to_channel(
                    couple.channel_id, couple.guild_id, content=other.mention, embed=card
                )
            except (discord.Forbidden, discord.NotFound) as error:
                raise UserError(
                    f"I couldn't reach {other.display_name}: their DMs are closed and I can't post in "
                    f"<#{couple.channel_id}> ({error.text or error.status}). Your note is kept in your data."
                ) from error
            return "in your shared channel (their DMs are closed)"
        return "by DM"
