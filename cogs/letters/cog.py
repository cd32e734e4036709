"""/letter: letters for later (the rules and deliveries: :mod:`cogs.letters.service`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import couple_for, current, partner_of, partner_only
from bot.client import CloserBot
from bot.db.models import Couple
from bot.db.repositories.dates import DateRepository
from bot.db.repositories.letters import OCCASION_LIMIT, Letter, LetterRepository
from bot.errors import UserError
from bot.feature import Feature
from bot.registry import Contribution, Hook
from bot.ui.confirm import confirm_view
from bot.ui.embeds import clip, embed
from bot.ui.pages import Page, clamp_page, send_pages
from cogs.letters.archive import LettersArchive
from cogs.letters.embeds import (
    choice_name,
    echo_card,
    letter_card,
    list_entry,
    nothing_sealed,
    open_card,
    to_open_words,
    written_reply,
)
from cogs.letters.rules import ANNIVERSARY_WORDS, OCCASIONS, arrival
from cogs.letters.service import LetterService
from cogs.letters.views import (
    BODY,
    COG_NAME,
    TITLE,
    WHEN,
    EditLetterModal,
    OpenLetterSelect,
    ReplyButton,
    WriteLetterModal,
    open_view,
)

PER_PAGE = 4


class LetterCog(
    Feature,
    commands.GroupCog,
    name=COG_NAME,
    group_name="letter",
    group_description="Letters for later: to open on a day, or when the moment is right",
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.repo = LetterRepository(bot.db)
        self.service = LetterService(
            self.repo, DateRepository(bot.db), bot.scheduler, bot.clock, bot.scheduler.messenger
        )

    def contribution(self) -> Contribution:
        return Contribution(
            kinds=self.service.kinds(),
            hooks=((Hook.ZONES_CHANGED, self.service.replan), (Hook.SPACE_RESTORED, self.service.replan)),
            items=(OpenLetterSelect, ReplyButton),
            modals=(WriteLetterModal, EditLetterModal),
            confirmations={"letter_withdraw": self.confirm_withdraw},
            pages={"letters": self.list_page},
            archive=(LettersArchive(self.repo),),
        )

    # -- autocomplete ------------------------------------------------------------------------------

    async def to_open_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[str]]:
        """What you typed, then the occasions, "in 30 days" and the anniversary when one is set."""
        typed = " ".join(current_text.split())[:OCCASION_LIMIT]
        options = [*OCCASIONS, "in 30 days", "in a year"]
        if interaction.guild_id is not None:
            dates = await self.service.dates.for_guild(interaction.guild_id)
            if any(d.kind == "anniversary" for d in dates):
                options.insert(len(OCCASIONS), ANNIVERSARY_WORDS[0])
        found = [o for o in options if typed.lower() in o.lower()]
        if typed and typed.lower() not in (o.lower() for o in found):
            found.insert(0, typed)
        return [app_commands.Choice(name=o, value=o) for o in found[:25]]

    async def _letter_choices(
        self, interaction: discord.Interaction, current_text: str, *, changeable: bool
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        couple = await self.bot.couples.get(interaction.guild_id)
        if couple is None or not couple.is_partner(interaction.user.id):
            return []
        me = interaction.user.id
        found = (
            await self.repo.changeable_by(couple.guild_id, me)
            if changeable
            else await self.repo.visible_to(couple.guild_id, me)
        )
        typed = current_text.strip().lower()
        return [
            app_commands.Choice(name=choice_name(letter, couple, me), value=letter.id)
            for letter in found
            if not typed or typed in choice_name(letter, couple, me).lower()
        ][:25]

    async def readable_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[int]]:
        return await self._letter_choices(interaction, current_text, changeable=False)

    async def changeable_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[int]]:
        return await self._letter_choices(interaction, current_text, changeable=True)

    # -- writing -------------------------------------------------------------------------------------

    @app_commands.command(name="write")
    @app_commands.describe(
        to_open="When your partner may read it: a date (YYYY-MM-DD, in 30 days, our anniversary) or an occasion"
    )
    @app_commands.autocomplete(to_open=to_open_choices)
    @partner_only()
    async def write(
        self, interaction: discord.Interaction, to_open: app_commands.Range[str, 1, OCCASION_LIMIT]
    ) -> None:
        """Write a letter for your partner to read later: on a day, or when the moment is right."""
        couple, partner = current(interaction)
        when = await self.service.to_open(couple, partner, to_open)  # before the form: nothing typed is lost
        other = couple.other(partner.user_id)
        await WriteLetterModal(couple.guild_id, when.words, other.display_name).open(interaction)

    async def write_from_form(
        self, interaction: discord.Interaction, couple: Couple, values: Mapping[str, str]
    ) -> None:
        partner = partner_of(couple, interaction)
        title, body, typed = values.get(TITLE, ""), values.get(BODY, ""), values.get(WHEN, "")
        try:
            when = await self.service.to_open(couple, partner, typed)
            self.service.check_text(title, body)
        except UserError as error:
            await self.refused(interaction, error, title, body, typed)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        letter = await self.service.write(couple, partner, when, title, body)
        await interaction.edit_original_response(
            content=written_reply(letter, couple, self.arrives(couple, letter))
        )

    def arrives(self, couple: Couple, letter: Letter) -> datetime | None:
        recipient = couple.partner(letter.to_user)
        if letter.open_on is None or recipient is None:
            return None
        return arrival(couple, recipient, letter.open_on)

    @staticmethod
    async def refused(
        interaction: discord.Interaction, error: UserError, title: str, body: str, typed: str
    ) -> None:
        await interaction.response.send_message(
            f"{error.message}\nNothing was saved. Here is what you wrote, so nothing is lost:",
            embed=echo_card(title, body, typed),
            ephemeral=True,
        )

    # -- changing and withdrawing -----------------------------------------------------------------------

    @app_commands.command(name="edit")
    @app_commands.describe(letter="A letter you wrote that hasn't been read yet (start typing its title)")
    @app_commands.autocomplete(letter=changeable_choices)
    @partner_only()
    async def edit(self, interaction: discord.Interaction, letter: app_commands.Range[int, 1]) -> None:
        """Change a letter you wrote, until it is opened or delivered."""
        couple, partner = current(interaction)
        found = await self.service.owned(couple, partner, letter)
        when = found.open_on.isoformat() if found.open_on else found.occasion or ""
        await EditLetterModal(found, when).open(interaction)

    async def edit_from_form(
        self, interaction: discord.Interaction, couple: Couple, letter_id: int, values: Mapping[str, str]
    ) -> None:
        partner = partner_of(couple, interaction)
        title, body, typed = values.get(TITLE, ""), values.get(BODY, ""), values.get(WHEN, "")
        try:
            when = await self.service.to_open(couple, partner, typed)
            letter = await self.service.edit(couple, partner, letter_id, when, title, body)
        except UserError as error:
            await self.refused(interaction, error, title, body, typed)
            return
        await interaction.response.send_message(
            f"Changed ✉️ “{letter.title}”, {to_open_words(letter)}.", ephemeral=True
        )

    @app_commands.command(name="withdraw")
    @app_commands.describe(letter="A letter you wrote that hasn't been read yet (start typing its title)")
    @app_commands.autocomplete(letter=changeable_choices)
    @partner_only()
    async def withdraw(self, interaction: discord.Interaction, letter: app_commands.Range[int, 1]) -> None:
        """Take back a letter you wrote, until it is opened or delivered (asks first)."""
        couple, partner = current(interaction)
        found = await self.service.owned(couple, partner, letter)
        await interaction.response.send_message(
            f"Withdraw “{clip(found.title, 100)}”, {to_open_words(found)}? "
            f"{couple.name_of(found.to_user)} will never see it, and it can't be brought back.",
            view=confirm_view(
                "letter_withdraw", interaction.user.id, str(found.id), confirm_label="Withdraw"
            ),
            ephemeral=True,
        )

    async def confirm_withdraw(self, interaction: discord.Interaction, arg: str) -> str:
        couple = await couple_for(interaction)
        letter = await self.service.withdraw(couple, partner_of(couple, interaction), int(arg))
        return f"Withdrawn: “{letter.title}” is gone, and {couple.name_of(letter.to_user)} never saw it."

    # -- opening and reading -------------------------------------------------------------------------

    @app_commands.command(name="open")
    @partner_only()
    async def open_(self, interaction: discord.Interaction) -> None:
        """The sealed letters waiting for you: choose one to open when the moment is right."""
        couple, partner = current(interaction)
        sealed, coming = await self.service.waiting_for(couple, partner)
        zone = couple.zone_of(partner, self.bot.clock.now())
        if not sealed and not coming:
            await interaction.response.send_message(
                nothing_sealed(couple, couple.other(partner.user_id).user_id), ephemeral=True
            )
            return
        view = open_view(couple, sealed, zone)
        card = open_card(sealed, coming, couple, zone)
        if view is None:
            await interaction.response.send_message(embed=card, ephemeral=True)
        else:
            await interaction.response.send_message(embed=card, view=view, ephemeral=True)

    async def open_chosen(self, interaction: discord.Interaction, couple: Couple, letter_id: int) -> None:
        """Open the chosen letter: it comes by DM, the list shows what is left, and a note says so."""
        partner = partner_of(couple, interaction)
        letter = await self.service.open(couple, partner, letter_id)
        await interaction.response.defer()  # the list is updated in place
        by_dm = await self.service.send_opened(couple, letter)
        sealed, coming = await self.service.waiting_for(couple, partner)
        zone = couple.zone_of(partner, self.bot.clock.now())
        if sealed or coming:
            await interaction.edit_original_response(
                embed=open_card(sealed, coming, couple, zone), view=open_view(couple, sealed, zone)
            )
        else:
            other = couple.other(partner.user_id).user_id
            await interaction.edit_original_response(
                content=nothing_sealed(couple, other), embed=None, view=None
            )
        if by_dm:
            await interaction.followup.send(
                f"💌 Opened “{letter.occasion}”: it's in your DMs, and always in `/letter list`.",
                ephemeral=True,
            )
        else:
            await interaction.followup.send(
                f"💌 Opened “{letter.occasion}”. Your DMs are closed to me, so here it is (only you see this):",
                embed=letter_card(letter, couple),
                ephemeral=True,
            )

    @app_commands.command(name="read")
    @app_commands.describe(
        letter="A letter you wrote, or one you received and opened (start typing its title)"
    )
    @app_commands.autocomplete(letter=readable_choices)
    @partner_only()
    async def read(self, interaction: discord.Interaction, letter: app_commands.Range[int, 1]) -> None:
        """Read a letter in full: one you wrote, or one you received."""
        couple, partner = current(interaction)
        found = await self.service.readable(couple, partner, letter)
        await interaction.response.send_message(embed=letter_card(found, couple), ephemeral=True)

    @app_commands.command(name="list")
    @partner_only()
    async def list_(self, interaction: discord.Interaction) -> None:
        """Letters you wrote (waiting, delivered, opened) and letters you received."""
        await send_pages(interaction, "letters")

    async def list_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        couple = await couple_for(interaction)
        me = interaction.user.id
        letters = await self.repo.visible_to(couple.guild_id, me)
        page, pages = clamp_page(page, len(letters), PER_PAGE)
        shown = letters[page * PER_PAGE : (page + 1) * PER_PAGE]
        if not letters:
            return Page(
                embed(
                    "💌 Your letters",
                    "No letters yet. Write one for later with `/letter write` "
                    "(on a day, or for when the moment is right).",
                ),
                0,
                1,
            )
        card = embed(
            "💌 Your letters",
            f"{len(letters)} in all. Read one in full with `/letter read`; change or take back one "
            "that hasn't been read yet with `/letter edit` or `/letter withdraw`.",
        )
        for letter in shown:
            name, value = list_entry(letter, couple, me)
            card.add_field(name=name, value=value, inline=False)
        if pages > 1:
            card.set_footer(text=f"Page {page + 1} of {pages}")
        return Page(card, page, pages)
