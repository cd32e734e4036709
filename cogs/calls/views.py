"""The buttons on call posts and the "move it" form, restart-proof (their custom_ids are public).

- :class:`RsvpButton`: "I'll be there" / "Need to move it" on a reminder (the second opens
  :class:`MoveModal`).
- :class:`ProposalButton`: Accept / Decline on a proposal to move one call.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import discord

from bot.checks import bot_of, couple_for
from bot.db.models import Couple
from bot.errors import UserError
from bot.planning import ts
from bot.timeutil import from_unix, to_unix
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from cogs.calls.embeds import rsvp_line, short_times
from cogs.calls.rules import CARD_GRACE, NOTE_LIMIT
from cogs.calls.service import CallService

log = logging.getLogger(__name__)

MEMORY_BUTTON_ID = "closer:memory:new"


def calls_service(interaction: discord.Interaction) -> CallService:
    """The calls feature's service, through the bot behind the interaction."""
    service = getattr(bot_of(interaction).get_cog("CallCog"), "service", None)
    if not isinstance(service, CallService):
        raise UserError("Video calls are not available right now. Please try again in a moment.")
    return service


class RsvpButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:call:rsvp:{call:int}:{occ:int}:{answer}", answer="yes|move"),
):
    """ "I'll be there" / "Need to move it" on a call reminder."""

    def __init__(self, call_id: int, occurrence: int, answer: str) -> None:
        self.call_id, self.occurrence, self.answer = call_id, occurrence, answer
        super().__init__(
            discord.ui.Button(
                label="I'll be there" if answer == "yes" else "Need to move it",
                emoji="✅" if answer == "yes" else "🔁",
                style=discord.ButtonStyle.success if answer == "yes" else discord.ButtonStyle.secondary,
                custom_id=self.spec.build(call=call_id, occ=occurrence, answer=answer),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction)
        service = calls_service(interaction)
        original = from_unix(self.occurrence)
        call, start = await service.open_occurrence(couple, self.call_id, original)
        now = service.clock.now()
        if self.answer == "move":
            if start <= now:
                raise UserError("This call has already started, so it can't be moved now.")
            await MoveModal(self.call_id, self.occurrence).open(interaction)
            return
        if start + CARD_GRACE <= now:
            raise UserError("This call is over. See the next one with `/call next`.")
        rsvps = await service.rsvp(call, original, interaction.user.id, "yes")
        message = interaction.message
        if message is not None and message.embeds:
            card = message.embeds[0]
            card.set_footer(text=rsvp_line(couple, rsvps))
            await interaction.response.edit_message(embed=card)
        else:
            await interaction.response.send_message("Noted: you'll be there ✅", ephemeral=True)


class MoveModal(
    PersistentModal,
    title="Move this call",
    custom_id=CustomId("closer:modal:callmove:{call:int}:{occ:int}"),
):
    when: discord.ui.TextInput[MoveModal] = discord.ui.TextInput(
        label="New time (your time zone)",
        placeholder="tomorrow 20:00 · friday 20:30 · 2026-12-04 19:00",
        custom_id="when",
        max_length=40,
    )
    note: discord.ui.TextInput[MoveModal] = discord.ui.TextInput(
        label="A note for your partner (optional)",
        style=discord.TextStyle.paragraph,
        custom_id="note",
        required=False,
        max_length=NOTE_LIMIT,
    )

    def __init__(self, call_id: int, occurrence: int) -> None:
        super().__init__(custom_id=self.spec.build(call=call_id, occ=occurrence))

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction)
        await propose_move(
            interaction,
            couple,
            int(key["call"]),
            from_unix(int(key["occ"])),
            values.get("when", ""),
            values.get("note", "").strip()[:NOTE_LIMIT] or None,
        )


async def propose_move(
    interaction: discord.Interaction,
    couple: Couple,
    call_id: int,
    original: datetime,
    when: str,
    note: str | None,
) -> None:
    """The form's answer: put the move to the other partner, then update the reminder's answers."""
    service = calls_service(interaction)
    partner = couple.partner(interaction.user.id)
    assert partner is not None
    call, start, new_start = await service.check_move(couple, partner, call_id, original, when)
    other = couple.other(partner.user_id)
    await interaction.response.defer(ephemeral=True, thinking=True)  # posting may be slow
    await service.propose(couple, partner, call, original, start, new_start, note, proposal_view)
    await interaction.followup.send(
        f"Asked {other.display_name} to move the call to {ts(new_start, 'F')}. "
        f"It stays at {ts(start, 'f')} unless they accept.",
        ephemeral=True,
    )
    reminder = interaction.message
    if reminder is not None and reminder.embeds:
        card = reminder.embeds[0]
        card.set_footer(text=rsvp_line(couple, await service.repo.rsvps(call.id, original)))
        try:
            await reminder.edit(embed=card)
        except discord.HTTPException:
            log.warning("Could not update the reminder's answers", exc_info=True)


class ProposalButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:call:move:{proposal:int}:{answer}", answer="accept|decline"),
):
    """Accept / Decline on a proposal to move one call; only the other partner decides."""

    def __init__(self, proposal_id: int, answer: str) -> None:
        self.proposal_id, self.answer = proposal_id, answer
        super().__init__(
            discord.ui.Button(
                label="Accept" if answer == "accept" else "Decline",
                style=discord.ButtonStyle.success if answer == "accept" else discord.ButtonStyle.secondary,
                custom_id=self.spec.build(proposal=proposal_id, answer=answer),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction)
        service = calls_service(interaction)
        proposal, call, start = await service.open_proposal(couple, self.proposal_id, interaction.user.id)
        proposer = couple.partner(proposal.proposed_by)
        name = couple.partner(interaction.user.id)
        decider = name.display_name if name else "Your partner"
        proposer_mention = proposer.mention if proposer else ""
        if self.answer == "decline":
            await service.decline(proposal, interaction.user.id)
            await interaction.response.edit_message(
                content=f"{proposer_mention} ✖️ {decider} declined: the call stays at {ts(start, 'F')}.",
                embed=None,
                view=None,
            )
            return
        await service.accept(proposal, start, interaction.user.id)
        await interaction.response.edit_message(
            content=(
                f"{proposer_mention} ✅ {decider} accepted: the call on {ts(start, 'f')} moves to "
                f"**{ts(proposal.proposed_at, 'F')}** ({ts(proposal.proposed_at, 'R')}).\n"
                f"{short_times(couple, proposal.proposed_at)}"
            ),
            embed=None,
            view=None,
        )
        await service.planner.plan(call, couple)


def proposal_view(proposal_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ProposalButton(proposal_id, "accept"))
    view.add_item(ProposalButton(proposal_id, "decline"))
    return view


def rsvp_view(call_id: int, occurrence: datetime) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RsvpButton(call_id, to_unix(occurrence), "yes"))
    view.add_item(RsvpButton(call_id, to_unix(occurrence), "move"))
    return view


def memory_view() -> discord.ui.View:
    """The memory book's own button: the memory feature handles ``closer:memory:new``."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="Log a memory", emoji="📸", style=discord.ButtonStyle.primary, custom_id=MEMORY_BUTTON_ID
        )
    )
    return view
