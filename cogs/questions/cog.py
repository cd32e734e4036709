"""/question: the daily deep question, answered by both and revealed together.

The commands and the handlers of its buttons and form: they read the interaction, call the
service (:mod:`cogs.questions.service`) and reply. The rules, schedules and deliveries are in the
service's modules; the choosing, the streak and the bank are plain logic
(:mod:`cogs.questions.rules`, :mod:`~cogs.questions.streak`, :mod:`~cogs.questions.bank`).
"""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import couple_for, current, partner_only
from bot.client import CloserBot
from bot.db.models import Couple
from bot.db.question_models import QuestionDay
from bot.db.repositories.checkins import CheckinRepository
from bot.db.repositories.questions import QuestionRepository
from bot.errors import UserError
from bot.feature import Feature
from bot.registry import Contribution, Hook, Place, Section
from bot.timeutil import discord_timestamp, format_clock, parse_clock
from bot.transformers import Clock
from bot.ui.embeds import MUTED
from bot.ui.pages import Page, send_pages
from cogs.questions.archive import QuestionsArchive
from cogs.questions.bank import ANSWER_LIMIT, CATEGORIES, OWN_MAX, category_name
from cogs.questions.cards import QuestionCards
from cogs.questions.deliveries import QuestionDeliveries
from cogs.questions.embeds import (
    NOT_SAVED,
    NOTHING_ENABLED,
    added_reply,
    answer_cards,
    draw_card,
    draw_counts,
    jump,
    saved_reply,
    skip_prompt,
    skipped_reply,
)
from cogs.questions.guess import is_guess
from cogs.questions.guess_archive import GuessArchive
from cogs.questions.guess_cog import GuessHandlers
from cogs.questions.guess_views import GuessModal
from cogs.questions.pool import QuestionPool
from cogs.questions.rules import parse_dm
from cogs.questions.service import QuestionService
from cogs.questions.times import dm_set_text, schedule_summary, time_set_line
from cogs.questions.views import (
    NEVER,
    NOT_TODAY,
    AnswerButton,
    AnswerModal,
    CategorySelect,
    QuestionTimeButton,
    SkipButton,
    TierSelect,
    TimeModal,
    skip_view,
)

CATEGORY_CHOICES = [app_commands.Choice(name=category_name(key), value=key) for key in CATEGORIES]
GUESS_CHOICES = [
    app_commands.Choice(name="never", value="never"),
    app_commands.Choice(name="weekly (Saturdays)", value="weekly"),
    app_commands.Choice(name="twice a week (Wednesdays and Saturdays)", value="twice"),
]


async def keep_text(interaction: discord.Interaction, message: str, text: str) -> None:
    """An ephemeral refusal that hands the user back what they wrote, in full."""
    cards = answer_cards("What you wrote", text, colour=MUTED)
    await interaction.response.send_message(message, embeds=cards[:10], ephemeral=True)


class QuestionCog(
    GuessHandlers,
    Feature,
    commands.GroupCog,
    group_name="question",
    group_description="The daily question you both answer",
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.service = QuestionService(
            QuestionRepository(bot.db),
            scheduler=bot.scheduler,
            schedules=bot.schedules,
            couples=bot.couples,
            clock=bot.clock,
            registry=bot.registry,
            channels=bot.get_partial_messageable,
            checkins=CheckinRepository(bot.db),
        )
        self.repo = self.service.repo
        self.pool = QuestionPool(self.repo, bot.clock)
        self.cards = QuestionCards(self.service)
        self.deliveries = QuestionDeliveries(self.service, self.cards)
        self.archive = QuestionsArchive(self.repo)
        self.guess_archive = GuessArchive(self.service.guesses)

    def contribution(self) -> Contribution:
        service, cards = self.service, self.cards
        return Contribution(
            kinds=self.deliveries.kinds(),
            items=(AnswerButton, SkipButton, CategorySelect, TierSelect, QuestionTimeButton),
            modals=(AnswerModal, TimeModal, GuessModal),
            confirmations={
                NOT_TODAY: self.not_today,
                NEVER: self.never_ask,
                "question_skip": self.never_ask,  # the one-choice prompt of earlier versions said "never"
            },
            pages={"questions": self.history_page},
            hooks=(
                (Hook.COUPLE_PAIRED, service.on_paired),
                (Hook.ZONES_CHANGED, service.on_zones_changed),
                (Hook.SPACE_RESTORED, service.on_space_restored),
            ),
            sections=(
                (Place.STATUS, cards.status_section),
                (Place.DIGEST, cards.digest_section),
                (Place.TALKING_POINTS, cards.talking_points_section),
                (Place.WELCOME, cards.welcome_section),
                (Place.ZONE_SET, cards.zone_section),
            ),
            archive=(self.archive, self.guess_archive),
        )

    async def loaded(self) -> None:
        await self.service.catch_up()

    # The cards other features show, by name (tests read them from the cog).
    @property
    def digest_section(self) -> Section:
        return self.cards.digest_section

    @property
    def talking_points_section(self) -> Section:
        return self.cards.talking_points_section

    # -- answering (the Answer button, its form, /question answer) -----------------------------

    async def answerable(self, interaction: discord.Interaction, day_id: int) -> tuple[Couple, QuestionDay]:
        day = await self.repo.day(day_id)
        if day is None:
            raise UserError("This question no longer exists.")
        couple = await couple_for(interaction, guild_id=day.guild_id)
        await self.service.check_answerable(couple, day)
        return couple, day

    async def open_answer(self, interaction: discord.Interaction, day_id: int) -> None:
        couple, day = await self.answerable(interaction, day_id)
        if is_guess(day.question_id):  # a guess day: the game's form
            await self.open_play(interaction, couple, day)
            return
        mine = await self.repo.my_answer(day.id, interaction.user.id) or await self.repo.earlier_answer(
            day.guild_id, day.question_id, interaction.user.id, before=day.id
        )  # a question that comes back brings the answer written before it was skipped
        await AnswerModal(day, mine.answer if mine else None).open(interaction)

    async def receive_answer(self, interaction: discord.Interaction, day_id: int, raw: str) -> None:
        day = await self.repo.day(day_id)
        if day is None:
            raise UserError("This question no longer exists, so your answer wasn't saved.")
        couple = await couple_for(interaction, guild_id=day.guild_id)
        text = raw.strip()
        if not text:
            raise UserError(
                "Your answer was empty, so nothing was saved. Press **Answer** to write it again."
            )
        if len(text) > ANSWER_LIMIT:
            await keep_text(
                interaction,
                f"Your answer is {len(text):,} characters; answers can be up to {ANSWER_LIMIT:,}. Nothing was "
                "saved; here's what you wrote, so you can shorten it:",
                text,
            )
            return
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        saved = await self.service.save_answer(couple, partner, day, text)
        if saved.state in NOT_SAVED:
            await keep_text(
                interaction, f"{NOT_SAVED[saved.state]} Here's what you wrote, so it isn't lost:", text
            )
            return
        other = couple.other(partner.user_id).display_name
        await interaction.response.send_message(saved_reply(saved, other), ephemeral=True)
        await self.service.after_answer(couple, day, saved)

    # -- skipping ------------------------------------------------------------------------------

    async def ask_to_skip(self, interaction: discord.Interaction, day_id: int) -> None:
        """The Skip button (also on posts from before there were two ways) and /question skip."""
        couple, day = await self.answerable(interaction, day_id)
        answered = await self.repo.answered_by(day.id)
        await interaction.response.send_message(
            skip_prompt(couple, day, answered, interaction.user.id),
            view=skip_view(day, interaction.user.id),
            ephemeral=True,
        )

    async def not_today(self, interaction: discord.Interaction, arg: str) -> str:
        return await self.skip_as(interaction, arg, never=False)

    async def never_ask(self, interaction: discord.Interaction, arg: str) -> str:
        return await self.skip_as(interaction, arg, never=True)

    async def skip_as(self, interaction: discord.Interaction, arg: str, *, never: bool) -> str:
        day = await self.repo.day(int(arg))
        if day is None:
            return "That question no longer exists."
        couple = await couple_for(interaction, guild_id=day.guild_id)
        skipped = await self.service.skip(couple, day, interaction.user.id, never=never)
        if skipped.state == "revealed":
            return "You've both answered it in the meantime, so it can't be skipped any more."
        if skipped.state == "closed":
            return "This question's day is over already, so there's nothing to skip."
        if skipped.state == "gone":
            return "That question was skipped already."
        done = skipped_reply(never, skipped.had_answer)
        if skipped.sent is None:
            return f"{done}\n{NOTHING_ENABLED}"
        return f"{done} Here's the new one: {jump(couple, skipped.sent.channel_id, skipped.sent.message_id)}"

    # -- the question's time (the "Change the time" button and its form) ------------------------

    async def open_time_form(self, interaction: discord.Interaction) -> None:
        await couple_for(interaction)
        await TimeModal().open(interaction)

    async def receive_time(self, interaction: discord.Interaction, raw: str) -> None:
        couple = await couple_for(interaction)
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        try:
            at = parse_clock(raw)
        except UserError:
            raise UserError(
                f"`{raw.strip()[:20]}` isn't a time I understand for the question's time: write it like `18:00` "
                "or `6pm`, in your own time zone. Nothing was changed."
            ) from None
        zone = await self.service.choose_question_time(couple, partner, at)
        line = time_set_line(couple, partner, at, zone, self.bot.clock.now())
        await interaction.response.send_message(line, ephemeral=True)

    # -- categories and history ----------------------------------------------------------------

    async def draw_message(self, couple: Couple) -> tuple[discord.Embed, discord.ui.View]:
        settings, remaining, left = await self.pool.draw(couple)
        view = discord.ui.View(timeout=None)
        view.add_item(CategorySelect(settings.categories, draw_counts(remaining)))
        view.add_item(TierSelect(settings.tiers))
        card = draw_card(settings, remaining, left)
        words = await self.frequency_words(couple)
        how_often = f"{words[:1].upper()}{words[1:]} (`/question categories guesses`)."
        card.add_field(name="🎯 Guess questions", value=how_often, inline=False)
        return card, view

    async def choose_draw(
        self,
        interaction: discord.Interaction,
        *,
        categories: Sequence[str] | None = None,
        tiers: Sequence[int] | None = None,
    ) -> None:
        couple = await couple_for(interaction)
        await self.pool.set_draw(couple, interaction.user.id, categories, tiers)
        card, view = await self.draw_message(couple)
        await interaction.response.edit_message(embed=card, view=view)

    async def history_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        return await self.cards.history_page(await couple_for(interaction), page)

    # -- commands ------------------------------------------------------------------------------

    @app_commands.command(name="now")
    @partner_only()
    async def now(self, interaction: discord.Interaction) -> None:
        """Post today's question now, if today has none yet."""
        couple, _ = current(interaction)
        day = await self.service.posted_today(couple)
        if day is not None:
            raise UserError(
                f"Today's question is up already: {jump(couple, day.channel_id, day.message_id)}\n"
                "`/question skip` swaps it for another."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        posted = await self.service.post_today(couple)
        if posted is None:
            raise UserError(NOTHING_ENABLED)
        day, sent = posted
        await interaction.followup.send(
            f"Posted today's question (Day {day.day_number}): {jump(couple, sent.channel_id, sent.message_id)}",
            ephemeral=True,
        )

    async def dm_choices(
        self, interaction: discord.Interaction, typed: str
    ) -> list[app_commands.Choice[str]]:
        options = [
            ("on: at the end of your quiet hours", "on"),
            ("off: no DM", "off"),
            *((f"{h:02d}:00", f"{h:02d}:00") for h in range(6, 12)),
        ]
        needle = typed.strip().lower()
        choices = [app_commands.Choice(name=n, value=v) for n, v in options if needle in n.lower()]
        try:
            exact = format_clock(parse_clock(typed)) if needle else None
        except UserError:
            exact = None
        if exact and exact not in {c.value for c in choices}:
            choices.insert(0, app_commands.Choice(name=exact, value=exact))
        return choices[:25]

    @app_commands.command(name="schedule")
    @app_commands.describe(
        time="When the daily question is posted, in your time zone, like 09:00",
        dm_me="Also DM the question to you at your morning: a time like 07:30, on, or off",
    )
    @app_commands.autocomplete(dm_me=dm_choices)
    @partner_only()
    async def schedule(
        self,
        interaction: discord.Interaction,
        time: Clock | None = None,
        dm_me: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        """When the daily question is posted (your zone), and whether it's DMed to you."""
        couple, partner = current(interaction)
        now = self.bot.clock.now()
        dm_time = parse_dm(dm_me, partner) if dm_me is not None else None
        lines: list[str] = []
        if time is not None:
            zone = await self.service.choose_question_time(couple, partner, time)
            lines.append(time_set_line(couple, partner, time, zone, now))
        if dm_me is not None:
            await self.service.set_dm(couple, partner, dm_time)
            lines.append(dm_set_text(partner, dm_time))
        if not lines:
            post = await self.service.post_schedule(couple)
            dm = await self.service.dm_schedule(couple, partner)
            view = discord.ui.View(timeout=None)
            view.add_item(QuestionTimeButton())
            summary = schedule_summary(couple, partner, post, dm, now)
            await interaction.response.send_message("\n".join(summary), view=view, ephemeral=True)
            return
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @app_commands.command(name="answer")
    @partner_only()
    async def answer(self, interaction: discord.Interaction) -> None:
        """Answer today's question (the same as its Answer button)."""
        couple, _ = current(interaction)
        day = await self.repo.latest_day(couple.guild_id)
        if day is None:
            raise UserError("There's no question yet. `/question now` posts today's.")
        if day.revealed or day.closed:
            schedule = await self.service.post_schedule(couple)
            when = (
                f" The next one comes {discord_timestamp(schedule.fire_at, 'R')}."
                if schedule is not None and schedule.fire_at is not None
                else ""
            )
            if day.closed:
                raise UserError("The last question's day is over, so it can't be answered any more." + when)
            raise UserError(
                "You've both answered the latest question: your answers are in the thread on its post." + when
            )
        await self.open_answer(interaction, day.id)

    @app_commands.command(name="add")
    @app_commands.describe(
        text="Your question, in your own words (10-300 characters)",
        category="The category it belongs to",
    )
    @app_commands.choices(category=CATEGORY_CHOICES)
    @partner_only()
    async def add(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, OWN_MAX],
        category: app_commands.Choice[str],
    ) -> None:
        """Add your own question to the couple's bank."""
        couple, partner = current(interaction)
        cleaned, drawn = await self.pool.add_own(couple, partner, text, category.value)
        await interaction.response.send_message(added_reply(cleaned, category.value, drawn), ephemeral=True)

    @app_commands.command(name="skip")
    @partner_only()
    async def skip(self, interaction: discord.Interaction) -> None:
        """Swap today's question: not today (it may come back), or never ask it again."""
        couple, _ = current(interaction)
        day = await self.repo.latest_day(couple.guild_id)
        if day is None:
            raise UserError("There's no question to skip yet. `/question now` posts today's.")
        await self.ask_to_skip(interaction, day.id)

    @app_commands.command(name="history")
    @partner_only()
    async def history(self, interaction: discord.Interaction) -> None:
        """Past questions with both your answers, newest first; and your streak."""
        await send_pages(interaction, "questions")

    @app_commands.command(name="categories")
    @app_commands.describe(guesses="How often the daily question is a guessing game (default weekly)")
    @app_commands.choices(guesses=GUESS_CHOICES)
    @partner_only()
    async def categories(
        self, interaction: discord.Interaction, guesses: app_commands.Choice[str] | None = None
    ) -> None:
        """Choose which categories and depths are drawn, and how often guess questions come."""
        couple, _ = current(interaction)
        said = await self.set_frequency(couple, interaction.user.id, guesses.value) if guesses else None
        card, view = await self.draw_message(couple)
        await interaction.response.send_message(said, embed=card, view=view, ephemeral=True)
