"""/ritual: recurring rituals (weekly check-in session, gratitude, goodnight, custom)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import bot_of, couple_for, current, partner_only
from bot.client import CloserBot
from bot.content import load
from bot.db.models import Couple
from bot.db.repositories.rituals import Ritual, RitualAnswer, RitualRun
from bot.errors import UserError
from bot.feature import Feature
from bot.registry import Contribution
from bot.rituals import RitualTemplate
from bot.scheduler import Kind, Occurrence, Sent
from bot.timeutil import (
    WEEKDAY_NAMES,
    discord_timestamp,
    format_clock,
    nearest_shared_time,
    parse_weekdays,
    wall_to_utc,
)
from bot.transformers import Clock
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from bot.ui.confirm import confirm_view
from bot.ui.embeds import add_long_field, clip, embed, pack
from bot.ui.pages import Page, clamp_page, send_pages

log = logging.getLogger(__name__)

ANSWER_LIMIT = 1000
GRATITUDE_LIMIT = 300
GOODNIGHT_LIMIT = 500
MAX_RITUALS = 25
PER_PAGE = 10

USER_TEMPLATES = {
    "weekly_checkin": ("sunday", time(19, 0)),
    "gratitude": ("sunday", time(20, 0)),
    "goodnight": ("daily", time(22, 30)),
    "custom": ("daily", time(12, 0)),
}


def prompts(name: str) -> dict[str, Any]:
    return load("rituals")[name]


def name_of(couple: Couple, user_id: int) -> str:
    partner = couple.partner(user_id)
    return partner.display_name if partner else f"<@{user_id}>"


def waiting_line(couple: Couple, answers: list[RitualAnswer]) -> str:
    answered = {a.user_id for a in answers}
    done = [p.display_name for p in couple.partners if p.user_id in answered]
    waiting = [p.display_name for p in couple.partners if p.user_id not in answered]
    parts = []
    if done:
        parts.append("Answered: " + ", ".join(done))
    if waiting:
        parts.append("Waiting for: " + ", ".join(waiting))
    return " · ".join(parts)


async def messageable(bot: CloserBot, channel_id: int, guild_id: int) -> discord.PartialMessageable:
    return bot.get_partial_messageable(channel_id, guild_id=guild_id)


# =============================================================================================
# Weekly check-in session
# =============================================================================================


def session_steps() -> list[dict[str, str]]:
    return list(prompts("weekly_checkin")["steps"])


def step_embed(couple: Couple, run: RitualRun, step: int, answers: list[RitualAnswer]) -> discord.Embed:
    steps = session_steps()
    card = embed(f"Step {step + 1} of {len(steps)} · {steps[step]['title']}", steps[step]["prompt"])
    card.set_footer(text=waiting_line(couple, answers) + " · answers show when you've both replied")
    return card


def step_view(run_id: int, step: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SessionAnswerButton(run_id, step))
    return view


async def deliver_session(bot: CloserBot, occurrence: Occurrence, ritual: Ritual) -> Sent | None:
    couple = occurrence.couple
    assert couple is not None
    repo = bot.rituals.repo
    run = await repo.start_run(ritual.id, occurrence.scheduled_at)
    content = prompts("weekly_checkin")
    steps = session_steps()
    intro = embed("Weekly check-in 💬", content["intro"])
    if ritual.message:
        intro.add_field(name="A note from you two", value=clip(ritual.message, 1024), inline=False)
    intro.add_field(
        name="Tonight's steps",
        value="\n".join(f"{i + 1}. {s['title']}" for i, s in enumerate(steps)),
        inline=False,
    )
    sent = await occurrence.send_channel(
        content=" ".join(p.mention for p in couple.partners), embed=intro, nonce_suffix="s"
    )
    where: discord.abc.Messageable | None = None
    thread_id: int | None = None
    if sent.message is not None and sent.channel_id == couple.channel_id:
        local = occurrence.scheduled_at.astimezone(occurrence.zone)
        try:
            thread = await sent.message.create_thread(name=f"Weekly check-in · {local:%d %b %Y}")
            where, thread_id = thread, thread.id
        except discord.HTTPException as error:
            log.warning("Could not open a thread for session %s: %s", run.id, error)
            where, thread_id = await messageable(bot, couple.channel_id, couple.guild_id), couple.channel_id
            occurrence.notes.append("no thread (missing permission); steps posted in the channel")
    if where is None:
        return sent
    await repo.set_run_posts(run.id, sent.message_id, thread_id)
    await where.send(embed=step_embed(couple, run, 0, []), view=step_view(run.id, 0))
    return sent


class SessionAnswerButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:session:{run:int}:{step:int}"),
):
    def __init__(self, run_id: int, step: int) -> None:
        self.run_id, self.step = run_id, step
        super().__init__(
            discord.ui.Button(
                label="Answer",
                emoji="✍️",
                style=discord.ButtonStyle.primary,
                custom_id=self.spec.build(run=run_id, step=step),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction)
        bot = bot_of(interaction)
        run = await bot.rituals.repo.run(self.run_id)
        if run is None:
            raise UserError("This session no longer exists.")
        ritual = await bot.rituals.repo.get(run.ritual_id, couple.guild_id)
        if ritual is None:
            raise UserError("This session no longer exists.")
        if run.completed_at is not None or run.step != self.step:
            raise UserError("This step is done: both of you answered it. Scroll down for the next one.")
        mine = next(
            (
                a.answer
                for a in await bot.rituals.repo.answers(run.id, self.step)
                if a.user_id == interaction.user.id
            ),
            None,
        )
        await SessionModal(self.run_id, self.step, mine).open(interaction)


class SessionModal(PersistentModal, custom_id=CustomId("closer:modal:session:{run:int}:{step:int}")):
    def __init__(self, run_id: int, step: int, previous: str | None) -> None:
        steps = session_steps()
        super().__init__(
            title=clip(f"Step {step + 1}: {steps[step]['title']}", 45),
            custom_id=self.spec.build(run=run_id, step=step),
        )
        self.add_item(
            discord.ui.TextInput(
                label=clip(steps[step]["title"], 45),
                placeholder=clip(steps[step]["prompt"], 100),
                style=discord.TextStyle.paragraph,
                custom_id="answer",
                max_length=ANSWER_LIMIT,
                default=previous,
            )
        )

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction)
        bot = bot_of(interaction)
        run_id, step = int(key["run"]), int(key["step"])
        text = values.get("answer", "").strip()
        if not text:
            raise UserError("Your answer was empty, so nothing was saved. Press **Answer** to try again.")
        repo = bot.rituals.repo
        run = await repo.run(run_id)
        ritual = await repo.get(run.ritual_id, couple.guild_id) if run else None
        if run is None or ritual is None:
            raise UserError("This session no longer exists.")
        now = bot.clock.now()
        answers = await repo.answer(run_id, interaction.user.id, step, text[:ANSWER_LIMIT], now)
        if answers is None:
            raise UserError("This step was already completed, so your answer wasn't saved.")
        both = {a.user_id for a in answers} >= {p.user_id for p in couple.partners}
        # Defer first: the edits and the reveal below are several requests.
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not both:
            if interaction.message is not None:
                await interaction.message.edit(embed=step_embed(couple, run, step, answers))
            await interaction.followup.send(
                f"Saved ✍️ It shows when {couple.other(interaction.user.id).display_name} has answered too. "
                "You can change it until then.",
                ephemeral=True,
            )
            return
        if await repo.advance(run_id, step, len(session_steps()) - 1, now):
            await schedule_reveal(interaction, couple, run, step, "session")
        await interaction.followup.send("Saved ✍️ You've both answered: here they are.", ephemeral=True)


REVEAL = "ritual_reveal"  # both answered a step: show the answers (key = run:step)
REVEAL_DEADLINE = timedelta(days=2)


async def schedule_reveal(
    interaction: discord.Interaction, couple: Couple, run: RitualRun, step: int, what: str
) -> None:
    """Both answered: reveal through the scheduler, so a Discord failure is retried, not lost.

    The run has already moved on (nobody can answer this step again), so the reveal must happen
    exactly once: the ledger gives that, and its retries survive a 503 or a restart."""
    bot = bot_of(interaction)
    schedule = await bot.scheduler.once(
        REVEAL,
        guild_id=couple.guild_id,
        key=f"{run.id}:{step}",
        when=bot.clock.now(),
        label=f"Reveal of step {step + 1} of ritual run {run.id}",
        payload={
            "run": run.id,
            "step": step,
            "what": what,
            "channel": interaction.channel_id,
            "message": interaction.message.id if interaction.message is not None else None,
        },
    )
    await bot.scheduler.process(schedule.id)


async def deliver_reveal(bot: CloserBot, occurrence: Occurrence) -> Sent | None:
    couple = occurrence.couple
    payload = occurrence.payload
    repo = bot.rituals.repo
    run = await repo.run(int(payload.get("run", 0)))
    ritual = await repo.get(run.ritual_id, couple.guild_id) if run and couple else None
    if couple is None or run is None or ritual is None or not payload.get("channel"):
        return None
    step = int(payload.get("step", 0))
    answers = await repo.answers(run.id, step)
    where = bot.get_partial_messageable(int(payload["channel"]), guild_id=couple.guild_id)
    if payload.get("what") == "gratitude":
        closed = gratitude_embed(couple, answers, ritual.message)
    else:
        closed = step_embed(couple, run, step, answers)
    if payload.get("message"):
        try:  # close the post the answers came from (best effort: it may have been deleted)
            await where.get_partial_message(int(payload["message"])).edit(embed=closed, view=None)
        except (discord.Forbidden, discord.NotFound) as error:
            log.info("Could not close ritual post %s: %s", payload["message"], error)
    if payload.get("what") == "gratitude":
        return await reveal_gratitude(occurrence, where, couple, answers)
    return await reveal_step(bot, occurrence, where, couple, run, step, answers)


async def reveal_step(
    bot: CloserBot,
    occurrence: Occurrence,
    where: discord.abc.Messageable,
    couple: Couple,
    run: RitualRun,
    step: int,
    answers: list[RitualAnswer],
) -> Sent:
    """Both answered a step: show both answers, then the next step (or the recap after the last)."""
    steps = session_steps()
    reveal = embed(f"Step {step + 1} · {steps[step]['title']}")
    for answer in answers:
        add_long_field(reveal, name_of(couple, answer.user_id), answer.answer)
    first: discord.Message | None = None
    for index, group in enumerate(pack([reveal])):
        message = await where.send(embeds=group, nonce=occurrence.nonce(f"r{index}"))
        first = first or message
    if step < len(steps) - 1:
        await where.send(
            embed=step_embed(couple, run, step + 1, []),
            view=step_view(run.id, step + 1),
            nonce=occurrence.nonce("n"),
        )
    else:
        await send_recap(occurrence, where, couple, await bot.rituals.repo.answers(run.id))
    assert first is not None
    return Sent(first.id, first.channel.id)


async def send_recap(
    occurrence: Occurrence, where: discord.abc.Messageable, couple: Couple, answers: list[RitualAnswer]
) -> None:
    steps = session_steps()
    cards: list[discord.Embed] = [
        embed("Recap of this week's check-in 💞", prompts("weekly_checkin")["recap"])
    ]
    for index, step in enumerate(steps):
        card = embed(f"{index + 1}. {step['title']}")
        for answer in (a for a in answers if a.step == index):
            add_long_field(card, name_of(couple, answer.user_id), answer.answer)
        cards.append(card)
    for index, group in enumerate(pack(cards)):
        await where.send(embeds=group, nonce=occurrence.nonce(f"c{index}"))


# =============================================================================================
# Gratitude
# =============================================================================================


def gratitude_embed(couple: Couple, answers: list[RitualAnswer], message: str | None) -> discord.Embed:
    card = embed("Gratitude 🙏", prompts("gratitude")["intro"])
    if message:
        card.add_field(name="A note from you two", value=clip(message, 1024), inline=False)
    card.set_footer(text=waiting_line(couple, answers))
    return card


def gratitude_view(run_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(GratitudeButton(run_id))
    return view


async def deliver_gratitude(bot: CloserBot, occurrence: Occurrence, ritual: Ritual) -> Sent | None:
    couple = occurrence.couple
    assert couple is not None
    repo = bot.rituals.repo
    run = await repo.start_run(ritual.id, occurrence.scheduled_at)
    sent = await occurrence.send_channel(
        content=" ".join(p.mention for p in couple.partners),
        embed=gratitude_embed(couple, [], ritual.message),
        view=gratitude_view(run.id),
    )
    await repo.set_run_posts(run.id, sent.message_id, None)
    return sent


class GratitudeButton(
    SafeCallback, discord.ui.DynamicItem[discord.ui.Button], custom_id=CustomId("closer:gratitude:{run:int}")
):
    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        super().__init__(
            discord.ui.Button(
                label="Share mine",
                emoji="🙏",
                style=discord.ButtonStyle.primary,
                custom_id=self.spec.build(run=run_id),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction)
        repo = bot_of(interaction).rituals.repo
        run = await repo.run(self.run_id)
        if run is None or await repo.get(run.ritual_id, couple.guild_id) is None:
            raise UserError("This gratitude round no longer exists.")
        if run.completed_at is not None:
            raise UserError("You've both shared already: the lists are just below.")
        await GratitudeModal(self.run_id).open(interaction)


class GratitudeModal(
    PersistentModal,
    title="Three things I'm grateful for",
    custom_id=CustomId("closer:modal:gratitude:{run:int}"),
):
    def __init__(self, run_id: int) -> None:
        super().__init__(custom_id=self.spec.build(run=run_id))
        for index, label in enumerate(prompts("gratitude")["fields"]):
            self.add_item(
                discord.ui.TextInput(label=clip(label, 45), custom_id=f"g{index}", max_length=GRATITUDE_LIMIT)
            )

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction)
        bot = bot_of(interaction)
        repo = bot.rituals.repo
        run_id = int(key["run"])
        items = [" ".join(values.get(f"g{i}", "").split())[:GRATITUDE_LIMIT] for i in range(3)]
        if not all(items):
            raise UserError(
                "Share all three things, even small ones. Nothing was saved; press **Share mine** again."
            )
        run = await repo.run(run_id)
        ritual = await repo.get(run.ritual_id, couple.guild_id) if run else None
        if run is None or ritual is None:
            raise UserError("This gratitude round no longer exists.")
        now = bot.clock.now()
        answers = await repo.answer(run_id, interaction.user.id, 0, "\n".join(items), now)
        if answers is None:
            raise UserError("You've both shared already, so this round is closed.")
        both = {a.user_id for a in answers} >= {p.user_id for p in couple.partners}
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not both:
            if interaction.message is not None:
                await interaction.message.edit(embed=gratitude_embed(couple, answers, ritual.message))
            await interaction.followup.send(
                f"Saved 🙏 Both lists show once {couple.other(interaction.user.id).display_name} has shared too.",
                ephemeral=True,
            )
            return
        if await repo.advance(run_id, 0, 0, now):
            await schedule_reveal(interaction, couple, run, 0, "gratitude")
        await interaction.followup.send("Saved 🙏 You've both shared: here they are.", ephemeral=True)


async def reveal_gratitude(
    occurrence: Occurrence, where: discord.abc.Messageable, couple: Couple, answers: list[RitualAnswer]
) -> Sent:
    """Both shared: show both lists together."""
    reveal = embed("What you're grateful for 💞")
    for answer in answers:
        lines = "\n".join(f"{i + 1}. {line}" for i, line in enumerate(answer.answer.split("\n")))
        add_long_field(reveal, name_of(couple, answer.user_id), lines)
    message = await where.send(embed=reveal, nonce=occurrence.nonce("g"))
    return Sent(message.id, message.channel.id)


# =============================================================================================
# Goodnight
# =============================================================================================


async def deliver_goodnight(occurrence: Occurrence, ritual: Ritual) -> Sent | None:
    couple = occurrence.couple
    assert couple is not None
    assert occurrence.schedule.owner_id is not None
    owner = couple.partner(occurrence.schedule.owner_id)
    if owner is None:
        return None
    other = couple.other(owner.user_id)
    text = prompts("goodnight")["reminder"].format(partner=other.display_name)
    if ritual.message:
        text += f"\n> {clip(ritual.message, 300)}"
    return await occurrence.send_dm(owner.user_id, content=text, view=goodnight_view(couple.guild_id))


def goodnight_deadline(occurrence: Occurrence) -> datetime:
    """A bedtime reminder is only worth sending around bedtime."""
    return occurrence.scheduled_at + timedelta(hours=2)


def goodnight_view(guild_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(GoodnightButton(guild_id, "write"))
    for index, _ in enumerate(prompts("goodnight")["quick"][:3]):
        view.add_item(GoodnightButton(guild_id, f"q{index}"))
    return view


class GoodnightButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:goodnight:{guild:int}:{choice}", choice=r"write|q\d"),
):
    def __init__(self, guild_id: int, choice: str) -> None:
        self.guild_id, self.choice = guild_id, choice
        if choice == "write":
            label, style = "Write a goodnight note", discord.ButtonStyle.primary
        else:
            label, style = (
                clip(prompts("goodnight")["quick"][int(choice[1:])], 80),
                discord.ButtonStyle.secondary,
            )
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=self.spec.build(guild=guild_id, choice=choice)
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction, guild_id=self.guild_id)
        if self.choice == "write":
            await GoodnightModal(self.guild_id).open(interaction)
            return
        quick = prompts("goodnight")["quick"]
        index = int(self.choice[1:])
        if index >= len(quick):
            raise UserError("That quick note is no longer available; write your own instead.")
        await send_goodnight(interaction, couple, quick[index])


class GoodnightModal(
    PersistentModal, title="A goodnight note", custom_id=CustomId("closer:modal:goodnight:{guild:int}")
):
    note = discord.ui.TextInput(
        label="Your note", style=discord.TextStyle.paragraph, custom_id="note", max_length=GOODNIGHT_LIMIT
    )

    def __init__(self, guild_id: int) -> None:
        super().__init__(custom_id=self.spec.build(guild=guild_id))

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction, guild_id=int(key["guild"]))
        note = values.get("note", "").strip()
        if not note:
            raise UserError("Your note was empty, so nothing was sent.")
        await send_goodnight(interaction, couple, note[:GOODNIGHT_LIMIT])


async def send_goodnight(interaction: discord.Interaction, couple: Couple, note: str) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)  # a DM may be slow to open
    bot = bot_of(interaction)
    sender = couple.partner(interaction.user.id)
    assert sender is not None
    other = couple.other(sender.user_id)
    await bot.rituals.repo.add_goodnight(
        couple.guild_id, sender.user_id, other.user_id, note, bot.clock.now()
    )
    card = embed(f"🌙 Goodnight from {sender.display_name}", note)
    where = "by DM"
    try:
        dm = await bot.create_dm(discord.Object(other.user_id))
        await dm.send(embed=card)
    except (discord.Forbidden, discord.NotFound):
        channel = bot.get_partial_messageable(couple.channel_id, guild_id=couple.guild_id)
        try:
            await channel.send(content=other.mention, embed=card)
        except (discord.Forbidden, discord.NotFound) as error:
            raise UserError(
                f"I couldn't reach {other.display_name}: their DMs are closed and I can't post in "
                f"<#{couple.channel_id}> ({error.text or error.status}). Your note is kept in your data."
            ) from error
        where = "in your shared channel (their DMs are closed)"
    await interaction.followup.send(f"Sent to {other.display_name} {where} 💤", ephemeral=True)


# =============================================================================================
# Custom
# =============================================================================================


async def deliver_custom(occurrence: Occurrence, ritual: Ritual) -> Sent | None:
    couple = occurrence.couple
    assert couple is not None
    card = embed(f"⏰ Ritual #{ritual.id}", ritual.message or "It's time for your ritual.")
    return await occurrence.send_channel(content=" ".join(p.mention for p in couple.partners), embed=card)


def templates(bot: CloserBot) -> tuple[RitualTemplate, ...]:
    return (
        RitualTemplate("weekly_checkin", "Weekly check-in session", functools.partial(deliver_session, bot)),
        RitualTemplate("gratitude", "Gratitude", functools.partial(deliver_gratitude, bot)),
        RitualTemplate(
            "goodnight", "Goodnight", deliver_goodnight, personal=True, deadline=goodnight_deadline
        ),
        RitualTemplate("custom", "Custom", deliver_custom),
    )


TEMPLATE_CHOICES = [
    app_commands.Choice(name="Weekly check-in session", value="weekly_checkin"),
    app_commands.Choice(name="Gratitude (three things each)", value="gratitude"),
    app_commands.Choice(name="Goodnight (at each partner's bedtime)", value="goodnight"),
    app_commands.Choice(name="Custom message", value="custom"),
]

DAY_SUGGESTIONS = ["daily", "weekdays", "weekends", *WEEKDAY_NAMES, "mon,thu", "tue,fri", "sat,sun"]


# =============================================================================================
# The cog
# =============================================================================================


class RitualCog(
    Feature, commands.GroupCog, group_name="ritual", group_description="Recurring rituals for the two of you"
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot

    def contribution(self) -> Contribution:
        return Contribution(
            rituals=templates(self.bot),
            kinds=(
                Kind(
                    REVEAL, functools.partial(deliver_reveal, self.bot), lambda o: o.fire_at + REVEAL_DEADLINE
                ),
            ),
            items=(SessionAnswerButton, GratitudeButton, GoodnightButton),
            modals=(SessionModal, GratitudeModal, GoodnightModal),
            confirmations={"ritual_remove": self.confirm_remove},
            pages={"rituals": self.list_page},
        )

    async def ritual_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        couple = await self.bot.couples.get(interaction.guild_id)
        if couple is None or not couple.is_partner(interaction.user.id):
            return []
        choices = []
        needle = current_text.strip().lower().lstrip("#")
        for ritual in await self.bot.rituals.repo.for_guild(interaction.guild_id):
            label = (
                f"#{ritual.id} {self.bot.rituals.label(ritual)} · {self.bot.rituals.describe_when(ritual)}"
            )
            if ritual.paused:
                label += " (paused)"
            if not needle or needle in label.lower():
                choices.append(app_commands.Choice(name=clip(label, 100), value=ritual.id))
        return choices[:25]

    async def day_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[str]]:
        needle = current_text.strip().lower()
        return [app_commands.Choice(name=d, value=d) for d in DAY_SUGGESTIONS if needle in d][:25]

    async def owned(self, interaction: discord.Interaction, ritual_id: int) -> tuple[Couple, Ritual]:
        couple, _ = current(interaction)
        ritual = await self.bot.rituals.repo.get(ritual_id, couple.guild_id)
        if ritual is None:
            raise UserError(f"There's no ritual #{ritual_id} here. `/ritual list` shows yours.")
        return couple, ritual

    @app_commands.command(name="add")
    @app_commands.describe(
        template="What kind of ritual",
        day="Which days: daily, weekdays, weekends, sunday, mon,thu ... (default depends on the ritual)",
        time="The time, in your zone (goodnight: each partner's own bedtime), like 20:00",
        message="For a custom ritual, what to post; for the others, an optional note",
    )
    @app_commands.choices(template=TEMPLATE_CHOICES)
    @app_commands.autocomplete(day=day_choices)
    @partner_only()
    async def add(
        self,
        interaction: discord.Interaction,
        template: app_commands.Choice[str],
        time: Clock,
        day: app_commands.Range[str, 1, 60] | None = None,
        message: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        """Add a recurring ritual."""
        couple, partner = current(interaction)
        name = template.value
        weekdays = parse_weekdays(day or USER_TEMPLATES[name][0])
        if name == "custom" and not (message and message.strip()):
            raise UserError("A custom ritual needs a `message`: what Closer should post each time.")
        if len(await self.bot.rituals.repo.for_guild(couple.guild_id)) >= MAX_RITUALS:
            raise UserError(
                f"You have {MAX_RITUALS} rituals already. Remove one with `/ritual remove` first."
            )
        now = self.bot.clock.now()
        zone = couple.zone_of(partner, now)
        warning = ""
        if name == "goodnight":
            for p in couple.partners:
                if p.quiet.contains(time):
                    raise UserError(
                        f"{format_clock(time)} is inside {p.display_name}'s quiet hours ({p.quiet}), so the "
                        "goodnight reminder would wait until morning. Choose an earlier bedtime, or change "
                        "quiet hours with `/couple quiet`."
                    )
        else:
            warning = self.quiet_warning(couple, time, zone.key)
        ritual = await self.bot.rituals.add(
            couple,
            name,
            weekdays=weekdays,
            at=time,
            zone=zone.key,
            message=message.strip() if message else None,
            created_by=partner.user_id,
        )
        next_at = await self.bot.rituals.next_time(ritual)
        text = f"Added ritual #{ritual.id}: **{self.bot.rituals.label(ritual)}**, {self.bot.rituals.describe_when(ritual)}."
        if next_at:
            text += f" Next: {discord_timestamp(next_at, 'F')}."
        await interaction.response.send_message(text + warning, ephemeral=True)

    def quiet_warning(self, couple: Couple, at: time, zone_key: str) -> str:
        """A note when a shared time lands in someone's quiet hours, with a better time."""
        now = self.bot.clock.now()
        zone = ZoneInfo(zone_key)
        instant = wall_to_utc(now.astimezone(zone).date(), at, zone)
        sleepers = [
            p.display_name
            for p in couple.partners
            if p.quiet.contains(instant.astimezone(couple.zone_of(p, now)).time().replace(tzinfo=None))
        ]
        if not sleepers:
            return ""
        better = nearest_shared_time(instant, couple.people(now))
        hint = (
            f" The nearest time you're both awake is {better.astimezone(zone):%H:%M} your time."
            if better
            else ""
        )
        return f"\n⚠️ That's inside {', '.join(sleepers)}'s quiet hours.{hint}"

    @app_commands.command(name="list")
    @partner_only()
    async def list_(self, interaction: discord.Interaction) -> None:
        """Your rituals, when they run next, and which are paused."""
        await send_pages(interaction, "rituals")

    async def list_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        couple = await couple_for(interaction)
        rituals = await self.bot.rituals.repo.for_guild(couple.guild_id)
        page, pages = clamp_page(page, len(rituals), PER_PAGE)
        card = embed("Your rituals")
        if not rituals:
            card.description = "No rituals yet. Add one with `/ritual add`: a weekly check-in session, gratitude, goodnight or your own."
        lines = []
        for ritual in rituals[page * PER_PAGE : (page + 1) * PER_PAGE]:
            line = f"**#{ritual.id} {self.bot.rituals.label(ritual)}** · {self.bot.rituals.describe_when(ritual)}"
            if ritual.paused:
                line += " · ⏸️ paused"
            else:
                next_at = await self.bot.rituals.next_time(ritual)
                if next_at:
                    line += f" · next {discord_timestamp(next_at, 'R')}"
            if ritual.message and ritual.template == "custom":
                line += f"\n> {clip(ritual.message, 80)}"
            lines.append(line)
        if lines:
            card.description = "\n".join(lines)
        card.set_footer(text=f"Page {page + 1} of {pages} · pause, resume or remove by id")
        return Page(card, page, pages)

    @app_commands.command(name="pause")
    @app_commands.rename(ritual_id="id")
    @app_commands.describe(ritual_id="The ritual (start typing its name)")
    @app_commands.autocomplete(ritual_id=ritual_choices)
    @partner_only()
    async def pause(self, interaction: discord.Interaction, ritual_id: app_commands.Range[int, 1]) -> None:
        """Pause a ritual; it keeps its settings and history."""
        _, ritual = await self.owned(interaction, ritual_id)
        if ritual.paused:
            raise UserError(
                f"Ritual #{ritual_id} is already paused. `/ritual resume {ritual_id}` starts it again."
            )
        await self.bot.rituals.pause(ritual)
        await interaction.response.send_message(
            f"Paused #{ritual_id} {self.bot.rituals.label(ritual)}. Its history is kept; `/ritual resume {ritual_id}` starts it again.",
            ephemeral=True,
        )

    @app_commands.command(name="resume")
    @app_commands.rename(ritual_id="id")
    @app_commands.describe(ritual_id="The ritual (start typing its name)")
    @app_commands.autocomplete(ritual_id=ritual_choices)
    @partner_only()
    async def resume(self, interaction: discord.Interaction, ritual_id: app_commands.Range[int, 1]) -> None:
        """Resume a paused ritual from now on."""
        _, ritual = await self.owned(interaction, ritual_id)
        if not ritual.paused:
            raise UserError(f"Ritual #{ritual_id} isn't paused.")
        await self.bot.rituals.resume(ritual)
        next_at = await self.bot.rituals.next_time(ritual)
        text = f"Resumed #{ritual_id} {self.bot.rituals.label(ritual)}."
        if next_at:
            text += f" Next: {discord_timestamp(next_at, 'F')}."
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="remove")
    @app_commands.rename(ritual_id="id")
    @app_commands.describe(ritual_id="The ritual (start typing its name)")
    @app_commands.autocomplete(ritual_id=ritual_choices)
    @partner_only()
    async def remove(self, interaction: discord.Interaction, ritual_id: app_commands.Range[int, 1]) -> None:
        """Remove a ritual (asks to confirm)."""
        _, ritual = await self.owned(interaction, ritual_id)
        template = self.bot.rituals.template(ritual.template)
        if template is not None and not template.addable:
            raise UserError(
                f"#{ritual_id} {self.bot.rituals.label(ritual)} is built in; pause it with `/ritual pause {ritual_id}` instead."
            )
        await interaction.response.send_message(
            f"Remove ritual #{ritual_id} **{self.bot.rituals.label(ritual)}** ({self.bot.rituals.describe_when(ritual)})? "
            "Its schedule and history will be deleted. Pausing keeps them instead.",
            view=confirm_view("ritual_remove", interaction.user.id, str(ritual_id), confirm_label="Remove"),
            ephemeral=True,
        )

    async def confirm_remove(self, interaction: discord.Interaction, arg: str) -> str:
        couple = await couple_for(interaction)
        ritual = await self.bot.rituals.repo.get(int(arg), couple.guild_id)
        if ritual is None:
            return "That ritual was already removed."
        await self.bot.rituals.remove(ritual)
        return f"Removed ritual #{ritual.id} {self.bot.rituals.label(ritual)}."


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(RitualCog(bot))
