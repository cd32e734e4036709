"""News of a memory: when one partner adds a memory, the other hears about it.

A short direct message to the other partner, sent as a one-off personal schedule (kind
:data:`KIND_NEWS`, owned by the partner it tells), so their quiet hours and the DM budget apply
and it goes exactly once. A DM rather than a post in the shared channel: the memory is already in
the book both can open, so only the partner who didn't write it needs telling; a channel post
would ping the writer too and add to the evening's shared posts. Memories added while a message
waits (quiet hours, the budget) join it: one message tells of up to :data:`MOST` memories. When
another message to that partner goes out first, the news travels inside it (``attach``).

The news is planned before the memory's reply and sent by the scheduler's own job a moment later
(not inside the command): a command never waits on it, and a shutdown right after the reply
leaves it planned, not half sent.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import discord

from bot.db.models import Couple, Partner
from bot.db.repositories.memories import MemoryRepository
from bot.db.repositories.memory_search import Memory
from bot.scheduler import Attachment, Kind, Occurrence, Scheduler, Sent
from bot.timeutil import local_date
from cogs.memories.embeds import memory_embeds

KIND_NEWS = "memory_news"
MOST = 5  # memories one message tells of
NEWS_DEADLINE = timedelta(days=2)


def headline(couple: Couple, author_id: int, count: int) -> str:
    who = couple.name_of(author_id)
    return f"📖 {who} added {'a memory' if count == 1 else f'{count} memories'} to your book"


def news_text(couple: Couple, author_id: int, count: int) -> str:
    how = (
        "`/memory show` opens it (start typing its title)" if count == 1 else "`/memory list` shows them all"
    )
    return f"{headline(couple, author_id, count)}. {how}."


def news_cards(memories: list[Memory], couple: Couple, today: date) -> list[discord.Embed]:
    """Each memory's card (its first one: photos stay in the book, a line says how many)."""
    return [memory_embeds(memory, couple, today, posted=True)[0] for memory in memories[:MOST]]


class MemoryNews:
    """Tells the other partner about new memories (the memory repository, the scheduler)."""

    def __init__(self, repo: MemoryRepository, scheduler: Scheduler) -> None:
        self.repo = repo
        self.scheduler = scheduler

    def kinds(self) -> tuple[Kind, ...]:
        return (Kind(KIND_NEWS, self.deliver, self.deadline, attach=self.attach),)

    @staticmethod
    def deadline(occurrence: Occurrence) -> datetime:
        return occurrence.fire_at + NEWS_DEADLINE

    async def tell(self, couple: Couple, author: Partner, memory: Memory) -> None:
        """``author`` added ``memory``: the other partner hears of it (joining news still waiting)."""
        other = couple.other(author.user_id)
        for waiting in await self.scheduler.repo.for_guild(couple.guild_id, KIND_NEWS):
            ids = list(waiting.payload.get("memories", []))
            if (
                waiting.owner_id == other.user_id
                and waiting.next_due is not None
                and waiting.payload.get("by") == author.user_id
                and len(ids) < MOST
            ):
                await self.scheduler.repo.set_payload(
                    waiting.id, {**waiting.payload, "memories": [*ids, memory.id]}
                )
                return
        await self.scheduler.once(
            KIND_NEWS,
            guild_id=couple.guild_id,
            key=f"{other.user_id}:{memory.id}",
            when=self.scheduler.now(),
            label=f"News of a memory, for {other.display_name}",
            owner_id=other.user_id,
            personal=True,
            payload={"memories": [memory.id], "by": author.user_id},
        )

    async def _memories(self, occurrence: Occurrence) -> list[Memory]:
        couple = occurrence.couple
        if couple is None:
            return []
        found = []
        for memory_id in occurrence.payload.get("memories", []):
            memory = await self.repo.get(int(memory_id), couple.guild_id)
            if memory is not None:
                found.append(memory)
        return found

    async def deliver(self, occurrence: Occurrence) -> Sent | None:
        couple, owner = occurrence.couple, occurrence.schedule.owner_id
        memories = await self._memories(occurrence)
        if couple is None or owner is None or couple.partner(owner) is None or not memories:
            return None  # deleted meanwhile: nothing to tell
        today = local_date(occurrence.now, occurrence.zone)
        by = int(occurrence.payload.get("by", memories[0].author_id))
        return await occurrence.send_dm(
            owner, content=news_text(couple, by, len(memories)), embeds=news_cards(memories, couple, today)
        )

    async def attach(self, occurrence: Occurrence) -> Attachment | None:
        """The news inside another message to the same partner going out first."""
        couple = occurrence.couple
        memories = await self._memories(occurrence)
        if couple is None or not memories:
            return None
        today = local_date(occurrence.now, occurrence.zone)
        by = int(occurrence.payload.get("by", memories[0].author_id))
        cards = news_cards(memories, couple, today)
        cards[0].set_author(name=headline(couple, by, len(memories))[:256])
        return Attachment(embeds=cards)
