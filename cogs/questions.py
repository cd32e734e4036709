"""/question: the daily deep question, answered by both and revealed together.

Scheduled kinds (all through the scheduler engine, so exactly once and caught up after downtime):

- ``question``: the daily post in the shared channel, at the couple's time in the setter's zone.
- ``question_dm``: a partner's own copy by DM at their morning (``/question schedule dm_me``).
- ``question_nudge``: one gentle evening DM (20:00 local) to a partner who hasn't answered.
- ``question_reveal``: the reveal in a thread, once, when the second answer is saved.

The choosing, the streak and the bank are plain logic in ``bot/questions.py``; the tables are
behind ``bot/db/repositories/questions.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import bot_of, couple_for, current, partner_only
from bot.client import CloserBot
from bot.db.models import Couple, Partner
from bot.db.repositories.questions import Answer, QuestionDay, QuestionRepository, StreakDay
from bot.errors import UserError
from bot.feature import Feature
from bot.questions import (
    ANSWER_LIMIT,
    CATEGORIES,
    CATEGORY_EMOJI,
    OWN_MAX,
    OWN_MIN,
    STREAK_RULES,
    TIERS,
    DayResult,
    Streak,
    StreakState,
    answer_deadline,
    bank,
    category_label,
    category_name,
    choose,
    enabled_pool,
    fold_streak,
    left_in_round,
    normalised,
    remaining_by_category,
    seed_for,
    streak,
)
from bot.registry import Contribution, Hook, Place
from bot.scheduler import Kind, Occurrence, Sent, describe
from bot.timeutil import discord_timestamp, format_clock, parse_clock, wall_to_utc
from bot.transformers import Clock
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from bot.ui.confirm import confirm_view
from bot.ui.embeds import COLOUR, DESCRIPTION_LIMIT, MUTED, add_long_field, chunks, clip, embed, pack
from bot.ui.pages import Page, clamp_page, send_pages

log = logging.getLogger(__name__)

KIND_POST = "question"
KIND_DM = "question_dm"
KIND_NUDGE = "question_nudge"
KIND_REVEAL = "question_reveal"

DEFAULT_TIME = time(9, 0)
NUDGE_TIME = time(20, 0)
STREAK_SETTLED = timedelta(days=7)  # question days older than this can no longer change the streak
NUDGE_AFTER = timedelta(hours=1)  # never nudge about a question posted less than an hour ago
NUDGE_DEADLINE = timedelta(hours=3)  # an evening nudge held past the evening is dropped, not sent at dawn
REVEAL_DEADLINE = timedelta(days=30)  # a reveal held up by downtime is still posted within this
MAX_OWN = 500
OFF_WORDS = {"off", "no", "false", "stop", "none"}
ON_WORDS = {"on", "yes", "true", "morning"}

NOTHING_ENABLED = (
    "Every question in your categories has been skipped, so there's nothing left to draw. "
    "Turn more on with `/question categories`, or add your own with `/question add`."
)

Send = Callable[..., Awaitable[Sent]]


def name_of(couple: Couple, user_id: int | None) -> str:
    partner = couple.partner(user_id) if user_id is not None else None
    return partner.display_name if partner else "Someone"


def jump(couple: Couple, channel_id: int | None, message_id: int | None) -> str:
    """A link to a message: in the shared server, or in a DM when the post fell back there."""
    if channel_id is None or message_id is None:
        return "(not posted)"
    where = couple.guild_id if channel_id == couple.channel_id else "@me"
    return f"https://discord.com/channels/{where}/{channel_id}/{message_id}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# =============================================================================================
# What the posts look like
# =============================================================================================


def answered_line(couple: Couple, answered: frozenset[int]) -> str:
    """Who has answered, never what."""
    parts = [
        f"✅ {p.display_name} has answered" if p.user_id in answered else f"⏳ waiting for {p.display_name}"
        for p in couple.partners
    ]
    return " · ".join(parts)


def post_embed(
    couple: Couple,
    day: QuestionDay,
    answered: frozenset[int],
    sections: Sequence[tuple[str, str]] = (),
    earlier: QuestionDay | None = None,
) -> discord.Embed:
    """The daily post: question, category, day number, who has answered, other features' lines."""
    if day.skipped:
        card = embed(f"Day {day.day_number} · skipped", f"~~{day.question}~~", colour=MUTED)
        card.add_field(
            name="Skipped",
            value=f"{name_of(couple, day.skipped_by)} skipped this one: it won't be asked again, and it's in "
            "your pile for a call night. A new question took its place.",
            inline=False,
        )
        return card
    card = embed(f"Day {day.day_number} · {category_label(day.category)}", f"**{day.question}**")
    if earlier is not None:
        card.add_field(
            name="🔁 Then and now",
            value=f"You answered this on Day {earlier.day_number} ({long_date(earlier.local_date)}). Once "
            "you've both answered, your earlier answers show beside the new ones.",
            inline=False,
        )
    if day.new_round:
        card.add_field(
            name="🔄 Starting over",
            value=f"You've had every question in your categories, so they start again (round {day.round}). "
            "Add your own with `/question add`, or choose others with `/question categories`.",
            inline=False,
        )
    if day.revealed:
        where = f" in <#{day.thread_id}>" if day.thread_id else " below"
        card.add_field(
            name="Answers", value=f"💞 You've both answered: they're revealed{where}.", inline=False
        )
    else:
        card.add_field(name="Answers", value=answered_line(couple, answered), inline=False)
    for title, text in list(sections)[:20]:
        card.add_field(name=clip(title or "-", 256), value=clip(text or "-", 1024), inline=False)
    depth = (
        "Your own question"
        if day.question_id.startswith("own-")
        else f"{TIERS[day.tier].capitalize()} question"
    )
    card.set_footer(text=f"{depth} · answers stay hidden until you've both answered")
    return card


def dm_embed(couple: Couple, day: QuestionDay) -> discord.Embed:
    card = embed(f"Today's question · Day {day.day_number}", f"**{day.question}**")
    card.add_field(
        name=category_label(day.category),
        value=f"Answer here or on the post in <#{couple.channel_id}>. Only you see your answer until "
        "you've both answered.",
        inline=False,
    )
    return card


def nudge_embed(couple: Couple, day: QuestionDay, user_id: int, answered: frozenset[int]) -> discord.Embed:
    other = couple.other(user_id)
    card = embed(f"Day {day.day_number} · {category_label(day.category)}", f"**{day.question}**")
    if other.user_id in answered:
        note = f"{other.display_name} has answered already: you'll see each other's answers once yours is in."
    else:
        note = "Neither of you has answered yet: whoever goes first, the answers show when you both have."
    card.add_field(name="Whenever you're ready", value=note, inline=False)
    return card


def answer_cards(title: str, text: str, colour: discord.Colour = COLOUR) -> list[discord.Embed]:
    """An answer in full: one embed, or several when it is longer than a description."""
    return [
        embed(title if index == 0 else f"{title} (cont.)", piece, colour=colour)
        for index, piece in enumerate(chunks(text, DESCRIPTION_LIMIT))
    ]


def reveal_embeds(
    couple: Couple,
    day: QuestionDay,
    answers: Sequence[Answer],
    earlier: QuestionDay | None = None,
    earlier_answers: Sequence[Answer] = (),
) -> list[discord.Embed]:
    """Both answers in full (and, for then and now, the earlier ones beside them)."""
    cards = [embed(f"Day {day.day_number} · you both answered 💞", f"**{day.question}**")]
    now_by = {a.user_id: a for a in answers}
    then_by = {a.user_id: a for a in earlier_answers}
    for partner in couple.partners:
        mine = now_by.get(partner.user_id)
        if mine is None:
            continue
        before = then_by.get(partner.user_id)
        if earlier is not None and before is not None:
            cards += answer_cards(
                f"{partner.display_name} · then (Day {earlier.day_number}, {long_date(earlier.local_date)})",
                before.answer,
                colour=MUTED,
            )
            cards += answer_cards(f"{partner.display_name} · now", mine.answer)
        else:
            cards += answer_cards(partner.display_name, mine.answer)
    return cards


# =============================================================================================
# Buttons, selects and the answer form
# =============================================================================================


def cog_of(interaction: discord.Interaction) -> QuestionCog:
    # No isinstance check: an extension reload makes a new class, and buttons and modals
    # registered by the old module still route here.
    cog = bot_of(interaction).get_cog("QuestionCog")
    if cog is None:
        raise UserError("The daily question isn't available right now. Please try again in a moment.")
    return cog  # type: ignore[return-value]


class AnswerButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:question:answer:{day:int}"),
):
    def __init__(self, day_id: int) -> None:
        self.day_id = day_id
        super().__init__(
            discord.ui.Button(
                label="Answer",
                emoji="✍️",
                style=discord.ButtonStyle.primary,
                custom_id=self.spec.build(day=day_id),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        await cog_of(interaction).open_answer(interaction, self.day_id)


class SkipButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:question:skip:{day:int}"),
):
    def __init__(self, day_id: int) -> None:
        self.day_id = day_id
        super().__init__(
            discord.ui.Button(
                label="Skip",
                emoji="⏭️",
                style=discord.ButtonStyle.secondary,
                custom_id=self.spec.build(day=day_id),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        await cog_of(interaction).ask_to_skip(interaction, self.day_id)


def post_view(day: QuestionDay) -> discord.ui.View | None:
    """Answer and Skip while the question is open; nothing once it is revealed or skipped."""
    if not day.open:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton(day.id))
    view.add_item(SkipButton(day.id))
    return view


def dm_view(day: QuestionDay) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton(day.id))
    return view


class AnswerModal(PersistentModal, custom_id=CustomId("closer:modal:question:{day:int}")):
    def __init__(self, day: QuestionDay, previous: str | None) -> None:
        super().__init__(
            title=clip(f"Day {day.day_number} · your answer", 45),
            custom_id=self.spec.build(day=day.id),
        )
        self.add_item(discord.ui.TextDisplay(clip(f"**{day.question}**", 4000)))
        self.add_item(
            discord.ui.Label(
                text="Your answer",
                description="Up to 1,500 characters. Only you see it until you've both answered.",
                component=discord.ui.TextInput(
                    style=discord.TextStyle.paragraph,
                    custom_id="answer",
                    max_length=ANSWER_LIMIT,
                    default=previous,
                ),
            )
        )

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        await cog_of(interaction).receive_answer(interaction, int(key["day"]), values.get("answer", ""))


class CategorySelect(
    SafeCallback, discord.ui.DynamicItem[discord.ui.Select], custom_id=CustomId("closer:question:categories")
):
    def __init__(self, enabled: frozenset[str] = frozenset(), counts: dict[str, str] | None = None) -> None:
        counts = counts or {}
        options = [
            discord.SelectOption(
                label=category_name(key),
                value=key,
                emoji=CATEGORY_EMOJI[key],
                description=counts.get(key),
                default=key in enabled,
            )
            for key in CATEGORIES
        ]
        super().__init__(
            discord.ui.Select(
                custom_id=self.spec.build(),
                placeholder="Categories to draw from",
                min_values=1,
                max_values=len(options),
                options=options,
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        await cog_of(interaction).choose_draw(interaction, categories=self.item.values)


class TierSelect(
    SafeCallback, discord.ui.DynamicItem[discord.ui.Select], custom_id=CustomId("closer:question:tiers")
):
    def __init__(self, enabled: frozenset[int] = frozenset()) -> None:
        about = {1: "easy, playful questions", 2: "about you and your life", 3: "the big, tender ones"}
        options = [
            discord.SelectOption(
                label=f"{name.capitalize()} questions",
                value=str(tier),
                description=about[tier],
                default=tier in enabled,
            )
            for tier, name in TIERS.items()
        ]
        super().__init__(
            discord.ui.Select(
                custom_id=self.spec.build(),
                placeholder="Depths to draw from",
                min_values=1,
                max_values=len(options),
                options=options,
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        await cog_of(interaction).choose_draw(interaction, tiers=[int(v) for v in self.item.values])


CATEGORY_CHOICES = [app_commands.Choice(name=category_name(key), value=key) for key in CATEGORIES]


# =============================================================================================
# The cog
# =============================================================================================


class QuestionCog(
    Feature, commands.GroupCog, group_name="question", group_description="The daily question you both answer"
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.repo = QuestionRepository(bot.db)
        # guild -> ((partners, cutoff), fingerprint of the days before it, the streak folded over them)
        self._settled_streaks: dict[
            int, tuple[tuple[tuple[int, ...], date], tuple[int, ...], StreakState]
        ] = {}

    def contribution(self) -> Contribution:
        return Contribution(
            kinds=(
                Kind(KIND_POST, self.deliver_post),
                Kind(KIND_DM, self.deliver_dm),
                Kind(KIND_NUDGE, self.deliver_nudge, lambda o: o.scheduled_at + NUDGE_DEADLINE),
                Kind(KIND_REVEAL, self.deliver_reveal, lambda o: o.scheduled_at + REVEAL_DEADLINE),
            ),
            items=(AnswerButton, SkipButton, CategorySelect, TierSelect),
            modals=(AnswerModal,),
            confirmations={"question_skip": self.confirm_skip},
            pages={"questions": self.history_page},
            hooks=((Hook.COUPLE_PAIRED, self.on_paired), (Hook.ZONES_CHANGED, self.on_zones_changed)),
            sections=(
                (Place.STATUS, self.status_section),
                (Place.DIGEST, self.digest_section),
                (Place.TALKING_POINTS, self.talking_points_section),
            ),
        )

    async def loaded(self) -> None:
        # Couples paired before this feature existed get their schedules (one cheap query when
        # there are none: start-up stays fast with thousands of couples); reveals interrupted by
        # a stop are posted (once: the ledger) when the scheduler starts.
        for guild_id in await self.bot.schedules.paired_guilds_without(KIND_POST):
            couple = await self.bot.couples.get(guild_id)
            if couple is not None:
                await self.ensure_schedules(couple)
        for day in await self.repo.unposted_reveals():
            await self.schedule_reveal(day)

    # -- schedules -----------------------------------------------------------------------------

    async def on_paired(self, couple: Couple) -> None:
        at, zone = await self.ensure_schedules(couple)
        await self.bot.registry.emit(Hook.QUESTION_TIME_CHANGED, couple, at, zone)

    async def on_zones_changed(self, couple: Couple) -> None:
        await self.ensure_schedules(couple)  # quiet hours may now cover the evening nudge

    async def ensure_schedules(self, couple: Couple) -> tuple[time, str]:
        """The daily post (09:00 in the first partner's zone, created once) and each partner's
        evening nudge (kept out of their quiet hours); returns the question time and zone."""
        existing = await self.bot.schedules.find(KIND_POST, couple.guild_id)
        if existing is not None and existing.local_time is not None and existing.zone:
            at, zone = existing.local_time, existing.zone
        else:
            at = DEFAULT_TIME
            zone = couple.zone_of(couple.first, self.bot.clock.now()).key
            await self.bot.scheduler.recurring(
                KIND_POST,
                guild_id=couple.guild_id,
                at=at,
                zone=zone,
                label="Daily question",
                owner_id=couple.first.user_id,
            )
        for partner in couple.partners:
            nudge = await self.bot.schedules.find(KIND_NUDGE, couple.guild_id, str(partner.user_id))
            if nudge is None or nudge.local_time != nudge_time(partner):
                await self.bot.scheduler.recurring(
                    KIND_NUDGE,
                    guild_id=couple.guild_id,
                    key=str(partner.user_id),
                    at=nudge_time(partner),
                    owner_id=partner.user_id,
                    personal=True,
                    label=f"Question nudge for {partner.display_name}",
                )
        return at, zone

    async def question_zone(self, couple: Couple, now: datetime) -> ZoneInfo:
        """The zone the couple's question days are counted in: that of whoever set the time."""
        schedule = await self.bot.schedules.find(KIND_POST, couple.guild_id)
        if schedule is not None and schedule.zone:
            return ZoneInfo(schedule.zone)
        return couple.zone_of(couple.first, now)

    async def schedule_reveal(self, day: QuestionDay) -> int:
        """The reveal as a one-off keyed by the day and its reveal instant: posted once, retried
        when Discord fails, caught up after a restart."""
        assert day.revealed_at is not None
        schedule = await self.bot.scheduler.once(
            KIND_REVEAL,
            guild_id=day.guild_id,
            when=day.revealed_at,
            key=str(day.id),
            label=f"Answers of question day {day.day_number}",
            payload={"day": day.id},
        )
        return schedule.id

    # -- choosing and posting ------------------------------------------------------------------

    async def create_for(
        self,
        couple: Couple,
        local_date: date,
        zone: ZoneInfo,
        now: datetime,
        *,
        day_number: int | None = None,
    ) -> QuestionDay | None:
        """The question of ``local_date``: the one already there, or a newly chosen one."""
        existing = await self.repo.live_day(couple.guild_id, local_date)
        if existing is not None:
            return existing
        settings = await self.repo.settings(couple.guild_id)
        history = await self.repo.history(couple.guild_id)
        number = day_number or history.days + 1
        attempt = await self.repo.attempts(couple.guild_id, local_date)
        pick = choose(
            bank(),
            history,
            categories=settings.categories,
            tiers=settings.tiers,
            day_number=number,
            today=local_date,
            rng=seed_for(couple.guild_id, local_date, attempt),
        )
        if pick is None:
            return None
        return await self.repo.create_day(
            couple.guild_id, pick, day_number=number, local_date=local_date, zone=zone.key, now=now
        )

    async def post_card(self, couple: Couple, day: QuestionDay, now: datetime) -> discord.Embed:
        answered = await self.repo.answered_by(day.id)
        sections = [] if day.skipped else await self.bot.registry.sections(Place.QUESTION_POST, couple, now)
        earlier = await self.repo.day(day.repeat_of) if day.repeat_of else None
        return post_embed(couple, day, answered, sections, earlier)

    async def publish(self, couple: Couple, day: QuestionDay, send: Send) -> Sent:
        """Post a question day (through ``send``) and remember where."""
        now = self.bot.clock.now()
        card = await self.post_card(couple, day, now)
        view = post_view(day)
        sent = await send(embed=card, **({"view": view} if view is not None else {}))
        await self.repo.set_posted(day.id, sent.channel_id, sent.message_id, now)
        return sent

    def channel_sender(self, couple: Couple) -> Send:
        """Post in the shared channel now (a command or button), with a clear error when Closer can't."""

        async def send(**kwargs: Any) -> Sent:
            channel = self.bot.get_partial_messageable(couple.channel_id, guild_id=couple.guild_id)
            try:
                message = await channel.send(**kwargs)
            except (discord.Forbidden, discord.NotFound) as error:
                raise UserError(
                    f"I couldn't post in <#{couple.channel_id}> ({describe(error)}). Check that I can send "
                    "messages there, then try again."
                ) from error
            return Sent(message.id, message.channel.id, message=message)

        return send

    @staticmethod
    def occurrence_sender(occurrence: Occurrence, suffix: str) -> Send:
        async def send(**kwargs: Any) -> Sent:
            return await occurrence.send_channel(nonce_suffix=suffix, **kwargs)

        return send

    async def refresh_post(self, couple: Couple, day_id: int) -> None:
        """Show the post's current state: who answered, revealed, or skipped."""
        day = await self.repo.day(day_id)
        if day is None or day.message_id is None or day.channel_id is None:
            return
        card = await self.post_card(couple, day, self.bot.clock.now())
        guild_id = couple.guild_id if day.channel_id == couple.channel_id else None
        message = self.bot.get_partial_messageable(day.channel_id, guild_id=guild_id).get_partial_message(
            day.message_id
        )
        try:
            await message.edit(embed=card, view=post_view(day))
        except discord.HTTPException as error:
            log.warning("Could not update the question post of day %s: %s", day.id, describe(error))

    # -- scheduled deliveries ------------------------------------------------------------------

    async def deliver_post(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        assert couple is not None
        zone = occurrence.zone
        today = occurrence.scheduled_at.astimezone(zone).date()
        day = await self.create_for(couple, today, zone, occurrence.now)
        if day is None:
            return await occurrence.send_channel(embed=embed("No question today", NOTHING_ENABLED))
        if day.posted_at is not None:
            return None  # today's question is up already (/question now, or a partner's early DM)
        return await self.publish(couple, day, self.occurrence_sender(occurrence, "q"))

    async def deliver_dm(self, occurrence: Occurrence) -> Sent | None:
        """A partner's own copy at their morning; posts the day's question early if it isn't up."""
        couple, owner_id = occurrence.couple, occurrence.schedule.owner_id
        if couple is None or owner_id is None or couple.partner(owner_id) is None:
            return None
        zone = await self.question_zone(couple, occurrence.now)
        today = occurrence.now.astimezone(zone).date()
        day = await self.create_for(couple, today, zone, occurrence.now)
        if day is None:
            return None
        if day.posted_at is None:
            await self.publish(couple, day, self.occurrence_sender(occurrence, "q"))
        if not day.open or owner_id in await self.repo.answered_by(day.id):
            return None
        return await occurrence.send_dm(owner_id, embed=dm_embed(couple, day), view=dm_view(day))

    async def deliver_nudge(self, occurrence: Occurrence) -> Sent | None:
        """One gentle evening DM about an open question this partner hasn't answered."""
        couple, owner_id = occurrence.couple, occurrence.schedule.owner_id
        if couple is None or owner_id is None or couple.partner(owner_id) is None:
            return None
        day = await self.repo.latest_day(couple.guild_id)
        if day is None or not day.open or day.posted_at is None:
            return None
        if occurrence.now - day.posted_at < NUDGE_AFTER:
            return None
        answered = await self.repo.answered_by(day.id)
        if owner_id in answered or await self.repo.nudged(day.id, owner_id):
            return None
        sent = await occurrence.send_dm(
            owner_id,
            content="💭 A gentle nudge: today's question is waiting for you.",
            embed=nudge_embed(couple, day, owner_id, answered),
            view=dm_view(day),
        )
        await self.repo.record_nudge(day.id, owner_id, occurrence.now)
        return sent

    async def deliver_reveal(self, occurrence: Occurrence) -> Sent | None:
        """Both answers in full, in a thread on the question post."""
        couple = occurrence.couple
        assert couple is not None
        day = await self.repo.day(int(occurrence.payload["day"]))
        if day is None or not day.revealed or day.reveal_message_id is not None:
            return None
        answers = await self.repo.revealed_answers(day.id)
        earlier = await self.repo.day(day.repeat_of) if day.repeat_of else None
        earlier_answers = await self.repo.revealed_answers(earlier.id) if earlier else []
        cards = reveal_embeds(couple, day, answers, earlier, earlier_answers)
        cards[0].set_footer(text=(await self.streak_of(couple, occurrence.now)).line())
        groups = pack(cards)
        note = "-# ⏰ Revealed late: Closer was offline when you both answered." if occurrence.late else None
        target = await self.reveal_target(couple, day, occurrence)
        first: Sent | None = None
        if target is not None:
            try:
                for index, group in enumerate(groups):
                    message = await target.send(
                        content=note if index == 0 else None,
                        embeds=group,
                        nonce=occurrence.nonce(f"r{index}"),
                    )
                    first = first or Sent(message.id, message.channel.id)
            except (discord.Forbidden, discord.NotFound) as error:
                log.warning("Reveal of day %s could not go in its thread: %s", day.id, describe(error))
                first = None
        if first is None:
            for index, group in enumerate(groups):
                sent = await occurrence.send_channel(embeds=group, nonce_suffix=f"r{index}")
                first = first or sent
        assert first is not None
        await self.repo.set_reveal_posted(day.id, first.channel_id, first.message_id)
        await self.refresh_post(couple, day.id)
        return first

    async def reveal_target(
        self, couple: Couple, day: QuestionDay, occurrence: Occurrence
    ) -> discord.abc.Messageable | None:
        """The thread on the post (opened once); None when the post isn't in the shared channel."""
        if day.message_id is None or day.channel_id != couple.channel_id:
            return None
        if day.thread_id is not None:
            return self.bot.get_partial_messageable(day.thread_id, guild_id=couple.guild_id)
        post = self.bot.get_partial_messageable(
            couple.channel_id, guild_id=couple.guild_id
        ).get_partial_message(day.message_id)
        try:
            thread = await post.create_thread(
                name=f"Day {day.day_number} · your answers", auto_archive_duration=10080
            )
        except (discord.HTTPException, ValueError) as error:
            log.warning("No thread for the reveal of day %s: %s", day.id, error)
            occurrence.notes.append("no thread (missing permission?); answers posted in the channel")
            return self.bot.get_partial_messageable(couple.channel_id, guild_id=couple.guild_id)
        await self.repo.set_thread(day.id, thread.id)
        return thread

    # -- answering -----------------------------------------------------------------------------

    async def answerable(self, interaction: discord.Interaction, day_id: int) -> tuple[Couple, QuestionDay]:
        day = await self.repo.day(day_id)
        if day is None:
            raise UserError("This question no longer exists.")
        couple = await couple_for(interaction, guild_id=day.guild_id)
        if day.skipped:
            latest = await self.repo.latest_day(couple.guild_id)
            where = (
                f" Today's question is here: {jump(couple, latest.channel_id, latest.message_id)}"
                if latest
                else ""
            )
            raise UserError(f"This question was skipped, so it can't be answered any more.{where}")
        if day.revealed:
            raise UserError(
                "You've both answered this one, so the answers are revealed and locked. "
                "See them in its thread or with `/question history`."
            )
        return couple, day

    async def open_answer(self, interaction: discord.Interaction, day_id: int) -> None:
        _, day = await self.answerable(interaction, day_id)
        mine = await self.repo.my_answer(day.id, interaction.user.id)
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
        now = self.bot.clock.now()
        zone = couple.zone_of(partner, now)
        saved = await self.repo.save_answer(
            day.id,
            partner.user_id,
            text,
            now=now,
            local_date=now.astimezone(zone).date(),
            on_time=now < answer_deadline(day.reached_at, zone),
            partners=[p.user_id for p in couple.partners],
        )
        if saved.state in ("locked", "skipped", "missing"):
            reason = {
                "locked": "You've both answered this one and the answers are revealed, so they're locked.",
                "skipped": "This question was skipped, so your answer wasn't saved.",
                "missing": "This question no longer exists, so your answer wasn't saved.",
            }[saved.state]
            await keep_text(interaction, f"{reason} Here's what you wrote, so it isn't lost:", text)
            return
        other = couple.other(partner.user_id).display_name
        if saved.revealed:
            reply = "Saved ✍️ You've both answered: your answers are revealed in a thread on the question."
        elif saved.state == "replaced":
            reply = f"Updated ✍️ Your new answer replaces the earlier one. It stays hidden until {other} answers too."
        else:
            reply = (
                f"Saved ✍️ Only you can see it until {other} answers too. You can change it until then: "
                "press **Answer** again."
            )
        await interaction.response.send_message(reply, ephemeral=True)
        if not saved.revealed:
            await self.refresh_post(couple, day.id)
            return
        revealed = await self.repo.day(day.id)
        assert revealed is not None
        await self.bot.scheduler.process(await self.schedule_reveal(revealed))

    # -- skipping ------------------------------------------------------------------------------

    async def ask_to_skip(self, interaction: discord.Interaction, day_id: int) -> None:
        couple, day = await self.answerable(interaction, day_id)
        answered = await self.repo.answered_by(day.id)
        text = (
            f"Skip **{day.question}**?\nIt won't be asked again (it goes to your pile for a call night), "
            "and a new question takes its place."
        )
        if answered:
            names = " and ".join(name_of(couple, uid) for uid in sorted(answered))
            text += f"\n{names} answered it already; that answer is kept but never revealed."
        await interaction.response.send_message(
            clip(text, 2000),
            view=confirm_view("question_skip", interaction.user.id, str(day.id), confirm_label="Skip it"),
            ephemeral=True,
        )

    async def confirm_skip(self, interaction: discord.Interaction, arg: str) -> str:
        day = await self.repo.day(int(arg))
        if day is None:
            return "That question no longer exists."
        couple = await couple_for(interaction, guild_id=day.guild_id)
        now = self.bot.clock.now()
        skipped = await self.repo.skip(day.id, interaction.user.id, now)
        if skipped is None:
            fresh = await self.repo.day(day.id)
            if fresh is not None and fresh.revealed:
                return "You've both answered it in the meantime, so it can't be skipped any more."
            return "That question was skipped already."
        await self.refresh_post(couple, day.id)
        fresh_day = await self.create_for(
            couple, day.local_date, ZoneInfo(day.zone), now, day_number=day.day_number
        )
        done = "Skipped. That question won't come back; it's in your pile for a call night."
        if fresh_day is None:
            return f"{done}\n{NOTHING_ENABLED}"
        sent = await self.publish(couple, fresh_day, self.channel_sender(couple))
        return f"{done} Here's the new one: {jump(couple, sent.channel_id, sent.message_id)}"

    # -- categories ----------------------------------------------------------------------------

    async def draw_message(self, couple: Couple) -> tuple[discord.Embed, discord.ui.View]:
        settings = await self.repo.settings(couple.guild_id)
        history = await self.repo.history(couple.guild_id)
        remaining = remaining_by_category(bank(), history, settings.tiers)
        lines = []
        counts: dict[str, str] = {}
        for key in CATEGORIES:
            left = remaining[key]
            mark = "✅" if key in settings.categories else "▫️"
            lines.append(f"{mark} {category_label(key)}: **{left.unasked}** of {left.total} unasked")
            counts[key] = f"{left.unasked} of {left.total} unasked"
        card = embed(
            "What your daily question draws from",
            "Pick categories and depths below. Your own questions follow the categories.\n\n"
            + "\n".join(lines),
        )
        card.add_field(
            name="Depths",
            value=" · ".join(
                f"{'✅' if tier in settings.tiers else '▫️'} {name}" for tier, name in TIERS.items()
            ),
            inline=False,
        )
        left = left_in_round(bank(), history, settings.categories, settings.tiers)
        card.set_footer(
            text=f"{left} question{'s' if left != 1 else ''} to go before your categories start over."
        )
        view = discord.ui.View(timeout=None)
        view.add_item(CategorySelect(settings.categories, counts))
        view.add_item(TierSelect(settings.tiers))
        return card, view

    async def choose_draw(
        self,
        interaction: discord.Interaction,
        *,
        categories: Sequence[str] | None = None,
        tiers: Sequence[int] | None = None,
    ) -> None:
        couple = await couple_for(interaction)
        chosen_cats = [c for c in categories if c in CATEGORIES] if categories is not None else None
        chosen_tiers = [t for t in tiers if t in TIERS] if tiers is not None else None
        if chosen_cats is not None and not chosen_cats:
            raise UserError("Keep at least one category.")
        if chosen_tiers is not None and not chosen_tiers:
            raise UserError("Keep at least one depth.")
        await self.repo.set_settings(
            couple.guild_id,
            categories=chosen_cats,
            tiers=chosen_tiers,
            by=interaction.user.id,
            now=self.bot.clock.now(),
        )
        card, view = await self.draw_message(couple)
        await interaction.response.edit_message(embed=card, view=view)

    # -- the streak and other features' cards --------------------------------------------------

    async def streak_of(self, couple: Couple, now: datetime) -> Streak:
        """The couple's streak. Days more than a week old are settled: their part of the streak is
        folded once and kept (with a fingerprint of those days), so only the last week is read
        each time and the cost doesn't grow with the couple's age."""
        zone = await self.question_zone(couple, now)
        today = now.astimezone(zone).date()
        cutoff = today - STREAK_SETTLED
        key = (tuple(p.user_id for p in couple.partners), cutoff)
        stamp = await self.repo.streak_stamp(couple.guild_id, cutoff)
        cached = self._settled_streaks.get(couple.guild_id)
        if cached is not None and cached[0] == key and cached[1] == stamp:
            start = cached[2]
            recent = [
                self.day_result(couple, d, now) for d in await self.repo.streak_facts(couple.guild_id, cutoff)
            ]
            return streak(recent, now, today, start)
        results = [self.day_result(couple, d, now) for d in await self.repo.streak_facts(couple.guild_id)]
        settled = [r for r in results if r.date < cutoff]
        if all(r.open_until is None or r.open_until <= now for r in settled):
            self._settled_streaks[couple.guild_id] = (key, stamp, fold_streak(settled, now))
        return streak(results, now, today)

    @staticmethod
    def day_result(couple: Couple, day: StreakDay, now: datetime) -> DayResult:
        answered = day.answered
        if all(answered.get(p.user_id) for p in couple.partners):
            return DayResult(day.local_date, True)
        if any(p.user_id in answered and not answered[p.user_id] for p in couple.partners):
            return DayResult(day.local_date, False)  # an answer came too late: no rescue
        open_until = min(
            answer_deadline(day.reached_at, couple.zone_of(p, now))
            for p in couple.partners
            if p.user_id not in answered
        )
        return DayResult(day.local_date, False, open_until)

    async def status_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        lines = []
        day = await self.repo.latest_day(couple.guild_id)
        if day is not None:
            head = f"Day {day.day_number} ({long_date(day.local_date)})"
            if day.revealed:
                lines.append(f"{head}: 💞 you've both answered")
            elif day.posted_at is None:
                lines.append(f"{head}: not posted yet")
            else:
                answered = await self.repo.answered_by(day.id)
                lines.append(
                    f"{head}, posted {discord_timestamp(day.posted_at, 'R')}: {answered_line(couple, answered)}"
                )
        schedule = await self.bot.schedules.find(KIND_POST, couple.guild_id)
        if schedule is not None and schedule.fire_at is not None and schedule.local_time is not None:
            lines.append(
                f"Next question {discord_timestamp(schedule.fire_at, 'f')} "
                f"(daily at {format_clock(schedule.local_time)} `{schedule.zone}`)"
            )
        lines.append((await self.streak_of(couple, now)).line())
        return [("Daily question", "\n".join(lines))]

    async def digest_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        zone = await self.question_zone(couple, now)
        since = now.astimezone(zone).date() - timedelta(days=6)
        together = await self.repo.revealed_since(couple.guild_id, since)
        noun = "question" if together == 1 else "questions"
        line = (
            f"You answered {together} {noun} together this week. {(await self.streak_of(couple, now)).line()}"
        )
        return [("Daily question", line)]

    async def talking_points_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """For a call night: one or two questions (skipped pile first, then never asked, never one
        already revealed), and the latest revealed answers to follow up on."""
        zone = await self.question_zone(couple, now)
        rng = seed_for(couple.guild_id, now.astimezone(zone).date(), 99)
        revealed = await self.repo.revealed_question_ids(couple.guild_id)
        picks: list[str] = []
        pile = [v for v in await self.repo.vetoes(couple.guild_id) if v.question_id not in revealed]
        if pile:
            picks.append(f"• {rng.choice(pile).question} _(from your skipped pile)_")
        settings = await self.repo.settings(couple.guild_id)
        history = await self.repo.history(couple.guild_id)
        fresh = [
            q
            for q in enabled_pool(bank(), history.own, settings.categories, settings.tiers, history.vetoed)
            if q.id not in history.asked and q.id not in revealed
        ]
        while len(picks) < 2 and fresh:
            question = fresh.pop(rng.randrange(len(fresh)))
            picks.append(f"• {question.text} _(not asked yet)_")
        sections: list[tuple[str, str]] = []
        if picks:
            sections.append(("Questions to talk about", "\n".join(picks)))
        latest = await self.repo.revealed_page(couple.guild_id, 0, 1)
        if latest:
            day = latest[0]
            by = {a.user_id: a for a in await self.repo.revealed_answers(day.id)}
            lines = [f"Day {day.day_number}: **{clip(day.question, 300)}**"]
            for partner in couple.partners:
                if partner.user_id in by:
                    said = " ".join(by[partner.user_id].answer.split())
                    lines.append(f"{partner.display_name}: “{clip(said, 200)}”")
            lines.append("-# Your answers in full: `/question history`")
            sections.append(("Follow up on your latest answers", clip("\n".join(lines), 1024)))
        return sections

    # -- history -------------------------------------------------------------------------------

    async def history_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        couple = await couple_for(interaction)
        now = self.bot.clock.now()
        total = await self.repo.revealed_count(couple.guild_id)
        page, pages = clamp_page(page, total, 1)
        current_streak = await self.streak_of(couple, now)
        if total == 0:
            card = embed(
                "Your answers",
                "No revealed questions yet. Once you've both answered a question, it shows here, newest first.",
            )
        else:
            day = (await self.repo.revealed_page(couple.guild_id, page, 1))[0]
            text = f"**{day.question}**"
            if day.revealed_at is not None:
                text += f"\n-# Revealed {discord_timestamp(day.revealed_at, 'D')}"
            if day.repeat_of:
                earlier = await self.repo.day(day.repeat_of)
                if earlier is not None:
                    text += (
                        f"\n🔁 Then and now: first answered on Day {earlier.day_number} "
                        f"({long_date(earlier.local_date)})"
                    )
            card = embed(f"Day {day.day_number} · {category_label(day.category)}", text)
            by = {a.user_id: a for a in await self.repo.revealed_answers(day.id)}
            for partner in couple.partners:
                if partner.user_id in by:
                    add_long_field(card, partner.display_name, by[partner.user_id].answer)
        card.add_field(name=current_streak.line(), value=STREAK_RULES, inline=False)
        card.set_footer(text=f"Question {page + 1} of {pages} · newest first")
        return Page(card, page, pages)

    # -- commands ------------------------------------------------------------------------------

    @app_commands.command(name="now")
    @partner_only()
    async def now(self, interaction: discord.Interaction) -> None:
        """Post today's question now, if today has none yet."""
        couple, _ = current(interaction)
        now = self.bot.clock.now()
        zone = await self.question_zone(couple, now)
        today = now.astimezone(zone).date()
        day = await self.repo.live_day(couple.guild_id, today)
        if day is not None and day.posted_at is not None:
            raise UserError(
                f"Today's question is up already: {jump(couple, day.channel_id, day.message_id)}\n"
                "`/question skip` swaps it for another."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        day = await self.create_for(couple, today, zone, now)
        if day is None:
            raise UserError(NOTHING_ENABLED)
        sent = await self.publish(couple, day, self.channel_sender(couple))
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
            zone = couple.zone_of(partner, now)
            await self.bot.scheduler.recurring(
                KIND_POST,
                guild_id=couple.guild_id,
                at=time,
                zone=zone.key,
                label="Daily question",
                owner_id=partner.user_id,
            )
            await self.bot.registry.emit(Hook.QUESTION_TIME_CHANGED, couple, time, zone.key)
            instant = wall_to_utc(now.astimezone(zone).date(), time, zone)
            other = couple.other(partner.user_id)
            other_local = instant.astimezone(couple.zone_of(other, now))
            lines.append(
                f"The daily question now comes at **{format_clock(time)}** your time (`{zone.key}`), "
                f"which is {other_local:%H:%M} for {other.display_name}."
            )
        if dm_me is not None:
            lines.append(await self.set_dm(couple, partner, dm_time))
        if not lines:
            lines = await self.schedule_summary(couple, partner)
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    async def set_dm(self, couple: Couple, partner: Partner, at: time | None) -> str:
        key = str(partner.user_id)
        if at is None:
            await self.bot.scheduler.cancel_where(couple.guild_id, KIND_DM, key)
            return "You won't get the question by DM any more; it's still posted in your shared channel."
        await self.bot.scheduler.recurring(
            KIND_DM,
            guild_id=couple.guild_id,
            key=key,
            at=at,
            owner_id=partner.user_id,
            personal=True,
            label=f"Question by DM for {partner.display_name}",
        )
        text = (
            f"Each day at **{format_clock(at)}** your time I'll DM you the day's question, so you never "
            "have to wait for the other time zone."
        )
        if partner.quiet.contains(at):
            text += f" That's inside your quiet hours ({partner.quiet}), so it will wait until they end."
        return text

    async def schedule_summary(self, couple: Couple, partner: Partner) -> list[str]:
        schedule = await self.bot.schedules.find(KIND_POST, couple.guild_id)
        lines = []
        if schedule is not None and schedule.local_time is not None:
            line = f"The daily question comes at **{format_clock(schedule.local_time)}** `{schedule.zone}`."
            if schedule.fire_at is not None:
                line += f" Next: {discord_timestamp(schedule.fire_at, 'F')}."
            lines.append(line)
        dm = await self.bot.schedules.find(KIND_DM, couple.guild_id, str(partner.user_id))
        if dm is not None and dm.local_time is not None:
            lines.append(f"You also get it by DM at {format_clock(dm.local_time)} your time.")
        else:
            lines.append("You don't get it by DM. `dm_me: 07:30` (or `on`) sends it to you at your morning.")
        lines.append("Change the time with `/question schedule time: 20:00`.")
        return lines

    @app_commands.command(name="answer")
    @partner_only()
    async def answer(self, interaction: discord.Interaction) -> None:
        """Answer today's question (the same as its Answer button)."""
        couple, _ = current(interaction)
        day = await self.repo.latest_day(couple.guild_id)
        if day is None:
            raise UserError("There's no question yet. `/question now` posts today's.")
        if day.revealed:
            schedule = await self.bot.schedules.find(KIND_POST, couple.guild_id)
            when = (
                f" The next one comes {discord_timestamp(schedule.fire_at, 'R')}."
                if schedule is not None and schedule.fire_at is not None
                else ""
            )
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
        cleaned = " ".join(text.split())
        if len(cleaned) < OWN_MIN:
            raise UserError(f"That's a bit short for a question: write at least {OWN_MIN} characters.")
        own = await self.repo.own_questions(couple.guild_id)
        if len(own) >= MAX_OWN:
            raise UserError(
                f"You have {MAX_OWN} questions of your own already, which is as many as Closer keeps."
            )
        key = normalised(cleaned)
        if any(normalised(q.text) == key for q in bank()) or any(normalised(q.text) == key for q in own):
            raise UserError("That question is in your bank already, so it wasn't added twice.")
        await self.repo.add_own(
            couple.guild_id, cleaned, category.value, partner.user_id, self.bot.clock.now()
        )
        reply = (
            f"Added to your questions ({category_label(category.value)}):\n> {cleaned}\n"
            "Your own questions are mixed in with the bank, the ones not asked yet first."
        )
        settings = await self.repo.settings(couple.guild_id)
        if category.value not in settings.categories:
            reply += (
                f"\n⚠️ {category_name(category.value)} is turned off, so it won't be drawn until you turn it on "
                "with `/question categories`."
            )
        await interaction.response.send_message(reply, ephemeral=True)

    @app_commands.command(name="skip")
    @partner_only()
    async def skip(self, interaction: discord.Interaction) -> None:
        """Swap today's question for another; a skipped question never comes back."""
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
    @partner_only()
    async def categories(self, interaction: discord.Interaction) -> None:
        """Choose which categories and depths are drawn; see how many unasked questions remain."""
        couple, _ = current(interaction)
        card, view = await self.draw_message(couple)
        await interaction.response.send_message(embed=card, view=view, ephemeral=True)


def nudge_time(partner: Partner) -> time:
    """20:00, or an hour before quiet hours that already cover 20:00."""
    quiet = partner.quiet
    if not quiet.contains(NUDGE_TIME):
        return NUDGE_TIME
    earlier = (datetime.combine(date(2000, 1, 1), quiet.start) - timedelta(hours=1)).time()
    return earlier if not quiet.contains(earlier) else NUDGE_TIME


def parse_dm(text: str, partner: Partner) -> time | None:
    """``dm_me``: a time, "on" (the end of your quiet hours, or 08:00), or "off" (None)."""
    cleaned = text.strip().lower()
    if cleaned in OFF_WORDS:
        return None
    if cleaned in ON_WORDS:
        quiet = partner.quiet
        return quiet.end if quiet.start != quiet.end else time(8, 0)
    try:
        return parse_clock(cleaned)
    except UserError:
        raise UserError(
            f"`{text[:20]}` isn't something I understand for `dm_me`: use a time like `07:30`, `on` "
            "(at the end of your quiet hours) or `off`."
        ) from None


async def keep_text(interaction: discord.Interaction, message: str, text: str) -> None:
    """An ephemeral refusal that hands the user back what they wrote, in full."""
    cards = answer_cards("What you wrote", text, colour=MUTED)
    await interaction.response.send_message(message, embeds=cards[:10], ephemeral=True)


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(QuestionCog(bot))
