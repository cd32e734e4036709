"""/call: video-call nights, in both partners' time.

The commands read what partners type and answer; the rules are in :mod:`cogs.calls.service`,
the planning of posts in :mod:`cogs.calls.planner`, the posts in :mod:`cogs.calls.deliveries`.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import couple_for, current, partner_only
from bot.client import CloserBot
from bot.db.models import Couple, Partner
from bot.db.repositories.call_rooms import CallRoomRepository
from bot.db.repositories.calls import Call, CallRepository
from bot.errors import UserError
from bot.feature import Feature
from bot.registry import Contribution, Hook, Place
from bot.timeutil import WEEKDAY_NAMES, format_clock
from bot.transformers import Clock
from bot.ui.confirm import confirm_view
from bot.ui.embeds import clip, embed
from bot.ui.pages import Page, clamp_page, send_pages
from cogs.calls.archive import CallRoomArchive, CallsArchive
from cogs.calls.deliveries import CallDeliveries
from cogs.calls.embeds import (
    call_name,
    call_title,
    created_notice,
    created_reply,
    describe_call,
    list_entry,
    next_card,
    room_reply,
    skipped_notice,
    skipped_reply,
)
from cogs.calls.events import CallEvents
from cogs.calls.nights import parse_length
from cogs.calls.planner import CallPlanner
from cogs.calls.room import CallRoom
from cogs.calls.rules import CallTime, parse_reminders, parse_when
from cogs.calls.service import CallService
from cogs.calls.views import MoveModal, ProposalButton, RsvpButton

PER_PAGE = 8
MEMORY_EXTENSION = "cogs.memories"

WEEKDAY_CHOICES = [
    app_commands.Choice(name=name.title(), value=index) for index, name in enumerate(WEEKDAY_NAMES)
]


class CallCog(
    Feature, commands.GroupCog, group_name="call", group_description="Video-call nights, in both your times"
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.repo = CallRepository(bot.db)
        rooms = CallRoomRepository(bot.db)
        self.room = CallRoom(bot, rooms, self.repo, bot.couples, bot.clock)
        self.events = CallEvents(bot, rooms, bot.clock, self.room.room_of)
        # Looked up on each use (not bound once), so whether the memory book is there stays current.
        self.planner = CallPlanner(
            self.repo,
            bot.scheduler,
            bot.couples,
            bot.clock,
            lambda: self.memory_book_planned(),
            room=self.room,
            events=self.events,
        )
        self.service = CallService(self.repo, self.planner, bot.clock, bot.scheduler.messenger)
        self.deliveries = CallDeliveries(self.service, bot.registry, lambda: self.memory_book_loaded())

    def contribution(self) -> Contribution:
        return Contribution(
            kinds=self.deliveries.kinds(),
            items=(RsvpButton, ProposalButton),
            modals=(MoveModal,),
            confirmations={"call_cancel": self.confirm_cancel},
            pages={"calls": self.list_page},
            hooks=(
                (Hook.ZONES_CHANGED, self.planner.zones_changed),
                (Hook.SPACE_RESTORED, self.planner.restored),
            ),
            sections=(
                (Place.STATUS, self.service.status_section),
                (Place.DIGEST, self.service.digest_section),
                (Place.WELCOME, self.service.welcome_section),
            ),
            archive=(CallsArchive(self.repo, self.bot.clock), CallRoomArchive(self.room.repo)),
        )

    async def loaded(self) -> None:
        await self.room.load()
        self.bot.after_ready("plan-calls", self.planner.plan_everything)
        self.bot.after_ready("call-rooms", self.room.catch_up)

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        await self.room.voice_update(member, before, after)  # nothing at all unless a linked room

    @commands.Cog.listener()
    async def on_scheduled_event_delete(self, event: discord.ScheduledEvent) -> None:
        await self.events.deleted(event)

    def memory_book_planned(self) -> bool:
        return MEMORY_EXTENSION in self.bot.extension_names or MEMORY_EXTENSION in self.bot.extensions

    def memory_book_loaded(self) -> bool:
        return MEMORY_EXTENSION in self.bot.extensions

    # What other code (the data import, the benchmarks) calls on the cog.

    async def plan(self, call: Call, couple: Couple) -> None:
        await self.planner.plan(call, couple)

    async def plan_everything(self) -> None:
        await self.planner.plan_everything()

    # -- commands ------------------------------------------------------------------------------------

    async def call_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        couple = await self.bot.couples.get(interaction.guild_id)
        if couple is None or not couple.is_partner(interaction.user.id):
            return []
        needle = current_text.strip().lower().lstrip("#")
        choices = []
        for call, item in await self.service.upcoming(couple, self.bot.clock.now()):
            zone = couple.zone_of(couple.partner(interaction.user.id) or couple.first, item.start)
            when = f"{item.start.astimezone(zone):%a %d %b %H:%M}"
            label = f"#{call.id} " + (
                f"weekly, {WEEKDAY_NAMES[call.weekday or 0].title()}s · next {when}"
                if call.weekly
                else f"one-off · {when}"
            )
            if not needle or needle in label.lower():
                choices.append(app_commands.Choice(name=clip(label, 100), value=call.id))
        return choices[:25]

    async def _created(
        self,
        interaction: discord.Interaction,
        couple: Couple,
        partner: Partner,
        call: Call,
        first: CallTime,
        headline: str,
    ) -> None:
        await interaction.response.send_message(
            created_reply(headline, couple, call, first, partner, self.bot.clock.now()), ephemeral=True
        )
        other = couple.other(partner.user_id)
        await self.service.tell(couple, other, created_notice(couple, call, first, partner, other))

    @app_commands.command(name="schedule")
    @app_commands.describe(
        weekday="The day of the week for your call",
        time="The time, in your own time zone, like 20:00",
        reminders="Minutes before the call, comma-separated (default 60; up to 5; none for no reminders)",
        length="How long the call lasts, like 90 or 1h30 (default 1 hour): the event's end in Discord",
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    @partner_only()
    async def schedule(
        self,
        interaction: discord.Interaction,
        weekday: app_commands.Choice[int],
        time: Clock,
        reminders: app_commands.Range[str, 1, 60] | None = None,
        length: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        """Set a weekly video-call night, with reminders before it."""
        couple, partner = current(interaction)
        minutes = parse_reminders(reminders)
        lasts = parse_length(length)
        call, first = await self.service.add_weekly(couple, partner, weekday.value, time, minutes, lasts)
        await self._created(
            interaction,
            couple,
            partner,
            call,
            first,
            f"📞 Weekly call #{call.id} set: {weekday.name}s at {format_clock(time)} your time (`{call.zone}`).",
        )

    @app_commands.command(name="plan")
    @app_commands.describe(
        when="In your time zone: YYYY-MM-DD HH:MM, tomorrow 20:00, or a weekday like friday 20:30",
        reminders="Minutes before the call, comma-separated (default 60; up to 5; none for no reminders)",
        length="How long the call lasts, like 90 or 1h30 (default 1 hour): the event's end in Discord",
    )
    @partner_only()
    async def plan_call(
        self,
        interaction: discord.Interaction,
        when: app_commands.Range[str, 1, 40],
        reminders: app_commands.Range[str, 1, 60] | None = None,
        length: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        """Plan a one-off video call."""
        couple, partner = current(interaction)
        now = self.bot.clock.now()
        zone = couple.zone_of(partner, now)
        start = parse_when(when, now, zone)
        minutes = parse_reminders(reminders)
        lasts = parse_length(length)
        call, first = await self.service.add_once(couple, partner, start, zone.key, minutes, lasts)
        await self._created(
            interaction,
            couple,
            partner,
            call,
            first,
            f"📞 Call #{call.id} planned for {start.astimezone(zone):%A %d %B at %H:%M} your time (`{zone.key}`).",
        )

    @app_commands.command(name="next")
    @partner_only()
    async def next_(self, interaction: discord.Interaction) -> None:
        """The next call, in both your local times, and how long until it."""
        couple, _ = current(interaction)
        now = self.bot.clock.now()
        found = await self.service.soonest(couple, now)
        if found is None:
            raise UserError(
                "No call is planned. Set a weekly one with `/call schedule` or a one-off with `/call plan`."
            )
        call, item = found
        rsvps = await self.repo.rsvps(call.id, item.original)
        note = await self.service.event_note(couple, call, item)
        await interaction.response.send_message(
            embed=next_card(couple, call, item, now, rsvps, note), ephemeral=True
        )

    @app_commands.command(name="list")
    @partner_only()
    async def list_(self, interaction: discord.Interaction) -> None:
        """Your planned calls and their reminders."""
        await send_pages(interaction, "calls")

    async def list_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        couple = await couple_for(interaction)
        now = self.bot.clock.now()
        rows = [
            list_entry(call, item, skipped, await self.service.last_night(call, now), now)
            for call, item, skipped in await self.service.listing(couple, now)
        ]
        page, pages = clamp_page(page, len(rows), PER_PAGE)
        card = embed("Your calls 📞")
        if rows:
            card.description = "\n\n".join(rows[page * PER_PAGE : (page + 1) * PER_PAGE])
        else:
            card.description = "No calls planned. `/call schedule` sets a weekly one, `/call plan` a one-off."
        card.set_footer(
            text=f"Page {page + 1} of {pages} · /call skip skips the next one, /call cancel stops one"
        )
        return Page(card, page, pages)

    @app_commands.command(name="room")
    @app_commands.describe(channel="The voice channel you two call in (leave empty to unlink your room)")
    @partner_only()
    async def room_(
        self, interaction: discord.Interaction, channel: discord.abc.GuildChannel | None = None
    ) -> None:
        """Link the voice channel you call in: Closer sees when you're both there."""
        couple, partner = current(interaction)
        await self.room.link(couple, channel, partner.user_id)
        await interaction.response.send_message(
            room_reply(channel.name if channel else None, self.events.why_not(couple.guild_id)),
            ephemeral=True,
        )
        await self.planner.room_changed(couple)

    @app_commands.command(name="skip")
    @app_commands.rename(call_id="id")
    @app_commands.describe(call_id="Which weekly call (default: the next call coming up)")
    @app_commands.autocomplete(call_id=call_choices)
    @partner_only()
    async def skip(
        self, interaction: discord.Interaction, call_id: app_commands.Range[int, 1] | None = None
    ) -> None:
        """Skip the next call only; the ones after it stay."""
        couple, partner = current(interaction)
        item, following = await self.service.skip(couple, partner, call_id)
        await interaction.response.send_message(skipped_reply(item, following), ephemeral=True)
        await self.service.tell(
            couple, couple.other(partner.user_id), skipped_notice(partner, item, following)
        )

    @app_commands.command(name="cancel")
    @app_commands.rename(call_id="id")
    @app_commands.describe(call_id="The call to cancel (start typing: #id, day or time)")
    @app_commands.autocomplete(call_id=call_choices)
    @partner_only()
    async def cancel(self, interaction: discord.Interaction, call_id: app_commands.Range[int, 1]) -> None:
        """Cancel a call and its reminders (asks to confirm)."""
        couple, _ = current(interaction)
        call = await self.service.active_call(couple, call_id)
        what = "every week's call and its reminders" if call.weekly else "this call and its reminders"
        await interaction.response.send_message(
            f"Cancel {call_title(call)} ({describe_call(call)})? This stops {what}.",
            view=confirm_view(
                "call_cancel", interaction.user.id, str(call.id), confirm_label="Cancel the call"
            ),
            ephemeral=True,
        )

    async def confirm_cancel(self, interaction: discord.Interaction, arg: str) -> str:
        couple = await couple_for(interaction)
        call = await self.service.cancel(couple, int(arg))
        if call is None:
            return "That call was already cancelled."
        partner = couple.partner(interaction.user.id)
        await self.service.tell(
            couple,
            couple.other(interaction.user.id),
            f"{partner.display_name if partner else 'Your partner'} cancelled "
            f"{call_name(call)} ({describe_call(call)}).",
        )
        return f"Cancelled {call_title(call)} ({describe_call(call)}). Its reminders won't come."
