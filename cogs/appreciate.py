"""/appreciate: a note of appreciation for your partner, by DM, kept in the book.

It is delivered at once through the scheduler (a personal one-off, so the partner's quiet hours
hold it until their morning, and closed DMs fall back to the shared channel); the weekly digest
counts them. Its part of the export: the requester's notes and the partner's that reached them
(one still held by the requester's quiet hours is not theirs to see yet).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord
from discord import app_commands

from bot.archive import (
    ArchivePart,
    Book,
    Chapter,
    Counts,
    Exported,
    ExportRequest,
    Importing,
    Instant,
    Model,
    Rows,
    Section,
    Snowflake,
    Text,
    entries,
    long_date,
)
from bot.archive.values import instant, sid, unix
from bot.checks import current, partner_only
from bot.client import CloserBot
from bot.clock import Clock
from bot.db.connection import Tx
from bot.db.models import Couple, Delivery, Partner
from bot.db.repositories.checkins import CheckinRepository
from bot.db.repositories.schedules import ScheduleRepository
from bot.errors import UserError
from bot.feature import Feature
from bot.registry import Contribution
from bot.scheduler import Kind, Occurrence, Scheduler, Sent
from bot.timeutil import discord_timestamp
from bot.ui.embeds import embed

APPRECIATION = "appreciation"  # a note of appreciation on its way (key = its id)
APPRECIATION_DEADLINE = timedelta(days=30)
TEXT_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Sending:
    """How sending a note went: held for the partner's quiet hours, or tried at once."""

    at: datetime  # when it was written
    held_until: datetime | None  # when it reaches a partner in their quiet hours
    delivery: Delivery | None  # the attempt at once (None while held)
    retry_at: datetime | None = None  # held back a moment after the attempt: when it goes


class Appreciations:
    """Notes of appreciation: kept, then delivered to the partner (no interaction handling)."""

    def __init__(
        self, repo: CheckinRepository, scheduler: Scheduler, schedules: ScheduleRepository, clock: Clock
    ) -> None:
        self.repo = repo
        self.scheduler = scheduler
        self.schedules = schedules
        self.clock = clock

    def kinds(self) -> list[Kind]:
        return [Kind(APPRECIATION, self.deliver, lambda o: o.fire_at + APPRECIATION_DEADLINE)]

    async def send(self, couple: Couple, partner: Partner, text: str) -> Sending:
        """Keep ``partner``'s note and deliver it now, or when the other partner's quiet hours end."""
        other = couple.other(partner.user_id)
        now = self.clock.now()
        appreciation = await self.repo.add_appreciation(
            couple.guild_id, partner.user_id, other.user_id, text, now
        )
        schedule = await self.scheduler.once(
            APPRECIATION,
            guild_id=couple.guild_id,
            key=str(appreciation.id),
            when=now,
            owner_id=other.user_id,
            personal=True,
            label=f"Appreciation for {other.display_name}",
            payload={"appreciation": appreciation.id},
        )
        if schedule.fire_at is not None and schedule.fire_at > now:
            return Sending(now, schedule.fire_at, None)
        await self.scheduler.process(schedule.id)
        delivery = await self.schedules.delivery(schedule.id, now)
        if delivery is not None and delivery.status == "retry":
            # Held back a moment (the DM budget spaces messages out, or Discord is slow): it goes
            # on its own at the next moment it may; the sender hears when, not a failure.
            later = await self.schedules.get(schedule.id)
            return Sending(now, None, delivery, later.fire_at if later else None)
        return Sending(now, None, delivery)

    async def deliver(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        appreciation = await self.repo.appreciation(int(occurrence.payload.get("appreciation", 0)))
        if couple is None or appreciation is None or appreciation.guild_id != couple.guild_id:
            return None
        if appreciation.delivered_at is not None:
            return None
        card = embed(f"💌 {couple.name_of(appreciation.from_user)} appreciates you", appreciation.message)
        card.timestamp = appreciation.created_at
        card.set_footer(text="A note of appreciation, kept in your book")
        sent = await occurrence.send_dm(appreciation.to_user, embed=card)
        await self.repo.mark_delivered(appreciation.id, self.clock.now())
        return sent


def sending_text(couple: Couple, other: Partner, sending: Sending) -> str:
    """What the sender is told: when it will arrive, where it went, or that it is kept."""
    if sending.held_until is not None:
        local = sending.at.astimezone(couple.zone_of(other, sending.at))
        return (
            f"Saved 💌 It's {local:%H:%M} for {other.display_name}, inside their quiet hours, so "
            f"your note will reach them {discord_timestamp(sending.held_until, 'R')} "
            f"({discord_timestamp(sending.held_until, 't')} your time)."
        )
    delivery = sending.delivery
    if delivery is not None and delivery.status in ("sent", "late"):
        where = (
            f"in <#{couple.channel_id}> (their DMs are closed)"
            if delivery.detail and "shared channel" in delivery.detail
            else "by DM"
        )
        return f"Sent to {other.display_name} {where} 💌 It's kept with your other notes."
    if delivery is not None and delivery.status == "retry":
        when = f" {discord_timestamp(sending.retry_at, 'R')}" if sending.retry_at else " soon"
        return (
            f"Saved 💌 It will reach {other.display_name}{when}: Closer spaces out its messages to "
            "them. It's kept with your other notes."
        )
    why = (
        ": their DMs and your shared channel are closed to Closer"
        if delivery is not None and delivery.status == "failed"
        else ""
    )
    return (
        f"I couldn't deliver it to {other.display_name} right now{why}. Your note is saved; "
        "it will be in your data export."
    )


# -- the export -------------------------------------------------------------------------------------


class AppreciationDoc(Model):
    from_user: Snowflake
    to_user: Snowflake
    message: Text
    created_at: Instant


def plan(notes: list[AppreciationDoc], importing: Importing) -> Rows:
    uid = importing.uid
    return {
        "appreciations": tuple(
            {
                "from_user": uid(a.from_user),
                "to_user": uid(a.to_user),
                "message": a.message,
                "created_at": unix(a.created_at),
                "delivered_at": unix(a.created_at),
            }
            for a in notes
        )
    }


def chapter(notes: list[AppreciationDoc], book: Book) -> list[str]:
    if not notes:
        return []
    lines = ["## Notes of appreciation", ""]
    for note in notes:
        heading = f"{book.who(note.from_user)} to {book.who(note.to_user)} · {long_date(note.created_at)}"
        lines += [f"### {heading}", "", note.message, ""]
    return lines


SECTION = Section(
    key="appreciations",
    position=30,
    schema=entries(AppreciationDoc),
    plan=plan,
    chapter=Chapter(30, chapter),
)


class AppreciationsArchive(ArchivePart[CheckinRepository]):
    section = SECTION

    async def export(self, request: ExportRequest) -> Exported:
        rows = await self.repo.export_appreciations(request.couple_key, request.user_id)
        return Exported(
            [
                {
                    "from_user": sid(a["from_user"]),
                    "to_user": sid(a["to_user"]),
                    "message": a["message"],
                    "created_at": instant(a["created_at"]),
                }
                for a in rows
            ]
        )

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        return [("appreciations", await self.repo.restore_appreciations(tx, guild_id, rows["appreciations"]))]


class AppreciationCog(Feature):
    """/appreciate: kind words for your partner."""

    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        repo = CheckinRepository(bot.db)
        self.service = Appreciations(repo, bot.scheduler, bot.schedules, bot.clock)
        self.archive = AppreciationsArchive(repo)

    def contribution(self) -> Contribution:
        return Contribution(kinds=self.service.kinds(), archive=(self.archive,))

    @app_commands.command(name="appreciate")
    @app_commands.describe(message="What you appreciate about your partner (up to 1,000 characters)")
    @partner_only()
    async def appreciate(
        self, interaction: discord.Interaction, message: app_commands.Range[str, 1, TEXT_LIMIT]
    ) -> None:
        """Send your partner a note of appreciation (kept in the book)."""
        couple, partner = current(interaction)
        text = message.strip()
        if not text:
            raise UserError(
                "Your note was empty, so nothing was sent. Write what you appreciate in `message`."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        sending = await self.service.send(couple, partner, text)
        other = couple.other(partner.user_id)
        await interaction.edit_original_response(content=sending_text(couple, other, sending))


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(AppreciationCog(bot))
