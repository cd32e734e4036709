"""/checkin, /mood, /appreciate, /win, /lovelanguage and the weekly digest.

Each partner is asked "how are you doing?" by DM at their own time (a personal schedule: their
zone, trips and quiet hours), answers with a mood button and an optional note, and decides what
the other partner sees. The other partner is told (a personal one-off ping, so never in their
quiet hours), with an idea fitted to the love languages on a low day, and a gentle note when the
low days or the silence last three days. A weekly digest gathers the week in the shared channel.

The rules (days, streaks, averages, the chart) are plain code in ``bot.mood``; this module does
the Discord side and the scheduling.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import mood as rules
from bot.checks import bot_of, couple_for, current, partner_only
from bot.client import CloserBot
from bot.content import load
from bot.db.models import Couple, Partner, Schedule
from bot.db.repositories.checkins import KEEP, CheckIn, CheckinRepository, Win
from bot.db.repositories.rituals import Ritual
from bot.errors import UserError
from bot.feature import Feature
from bot.mood import LOVE_LANGUAGES, NOTE_LIMIT, Series, Sharing
from bot.registry import Contribution, Hook, Place
from bot.rituals import RitualTemplate
from bot.scheduler import DeliveryFailed, Kind, Occurrence, Sent, default_deadline, describe
from bot.timeutil import discord_timestamp, format_clock, parse_clock
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from bot.ui.embeds import FIELDS_LIMIT, add_long_field, clip, embed, embed_size, pack

log = logging.getLogger(__name__)

ASK = "checkin"  # the daily "how are you doing?" (personal, key = user id)
SHARE = "checkin_share"  # telling the other partner (personal to them, key = the user checking in)
NOTE = "checkin_note"  # a gentle note after three low or silent days (key names the streak)
APPRECIATION = "appreciation"  # a note of appreciation on its way (key = its id)
DIGEST = "digest"  # the weekly digest ritual

DEFAULT_ASK_TIME = time(20, 0)
DIGEST_TIME = time(19, 0)
DIGEST_DAYS = frozenset({6})  # Sunday
# Telling the partner waits this long after a check-in, so a note added right after the mood
# arrives in the same message (each change within the delay restarts it).
NOTIFY_DELAY = timedelta(minutes=2)
APPRECIATION_DEADLINE = timedelta(days=30)
DIGEST_WINS = 10  # wins listed in the digest (each links to its post)
DIGEST_WIN_CHARS = 150
DIGEST_EMBED_CHARS = 4000  # one digest embed stays well under Discord's 6,000 per message
TEXT_LIMIT = 1000

SHARING_CHOICES = [
    app_commands.Choice(name="Full: my mood and my note", value=Sharing.FULL.value),
    app_commands.Choice(name="Mood only: notes stay with me", value=Sharing.MOOD.value),
    app_commands.Choice(name="Nothing: keep my check-ins private", value=Sharing.NOTHING.value),
]
LANGUAGE_CHOICES = [
    app_commands.Choice(name=label.capitalize(), value=key) for key, label in LOVE_LANGUAGES.items()
]


# =============================================================================================
# Texts
# =============================================================================================


def texts() -> dict[str, Any]:
    return load("checkin")


def mood_label(mood: int) -> str:
    content = texts()
    return f"{mood}/5 {content['mood_emoji'][mood - 1]} {content['moods'][mood - 1]}"


def scale_line() -> str:
    content = texts()
    return " · ".join(
        f"{mood} {content['mood_emoji'][mood - 1]} {content['moods'][mood - 1].lower()}"
        for mood in rules.MOODS
    )


def sharing_hint(level: Sharing, other: Partner) -> str:
    return {
        Sharing.FULL: f"{other.display_name} will see your mood and your note.",
        Sharing.MOOD: f"{other.display_name} will see your mood, not your note.",
        Sharing.NOTHING: "Your check-ins stay private.",
    }[level]


def quote(text: str) -> str:
    """``text`` as a block quote, for embed descriptions (room for a marker on every line)."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def block(text: str) -> str:
    """``text`` quoted to the end of a message: four characters, whatever its number of lines."""
    return f">>> {text}"


def ask_content(question: str, level: Sharing, other: Partner) -> str:
    return f"🌙 **{question}**\n-# {scale_line()}\n-# {sharing_hint(level, other)} `/checkin sharing` changes it."


def saved_content(checkin: CheckIn, level: Sharing, other: Partner) -> str:
    thanks = rules.pick(texts()["thanks"], f"{checkin.user_id}:{checkin.day}:{checkin.mood}")
    lines = [
        f"✅ **Checked in for today: {mood_label(checkin.mood)}**",
        thanks,
        f"-# {sharing_hint(level, other)} You can change your mood or note until the day ends.",
    ]
    if checkin.note:
        lines.append(block(checkin.note))  # last: a block quote runs to the end of the message
    return "\n".join(lines)


def span(first: date, last: date) -> str:
    """ "26 Oct to 24 Nov 2026", or with both years when they differ."""
    start = f"{first:%d %b}" if first.year == last.year else f"{first:%d %b %Y}"
    return f"{start} to {last:%d %b %Y}"


def private_place(interaction: discord.Interaction) -> bool:
    """A DM or an ephemeral message: the check-in can be shown there; not in the shared channel."""
    if interaction.guild_id is None:
        return True
    message = interaction.message
    return message is not None and message.flags.ephemeral


def name_in(couple: Couple, user_id: int) -> str:
    partner = couple.partner(user_id)
    return partner.display_name if partner else f"<@{user_id}>"


# =============================================================================================
# Buttons and the note form
# =============================================================================================


def ask_view(
    guild_id: int, user_id: int, *, selected: int | None = None, has_note: bool = False
) -> discord.ui.View:
    """Five mood buttons (1-5 with emoji) and Add a note; the chosen mood is highlighted."""
    view = discord.ui.View(timeout=None)
    for mood in rules.MOODS:
        view.add_item(CheckinButton(guild_id, user_id, str(mood), selected=selected == mood))
    view.add_item(CheckinButton(guild_id, user_id, "note", has_note=has_note))
    return view


class CheckinButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:checkin:{guild:int}:{user:int}:{choice}", choice="[1-5]|note"),
):
    """A mood (1-5) or "Add a note" on a check-in; only the partner it asks can press it."""

    def __init__(
        self, guild_id: int, user_id: int, choice: str, *, selected: bool = False, has_note: bool = False
    ) -> None:
        self.guild_id, self.user_id, self.choice = guild_id, user_id, choice
        if choice == "note":
            button = discord.ui.Button(
                label="Edit your note" if has_note else "Add a note",
                emoji="📝",
                style=discord.ButtonStyle.secondary,
                custom_id=self.spec.build(guild=guild_id, user=user_id, choice="note"),
                row=1,
            )
        else:
            mood = int(choice)
            button = discord.ui.Button(
                label=choice,
                emoji=texts()["mood_emoji"][mood - 1],
                style=discord.ButtonStyle.success if selected else discord.ButtonStyle.secondary,
                custom_id=self.spec.build(guild=guild_id, user=user_id, choice=choice),
                row=0,
            )
        super().__init__(button)

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction, guild_id=self.guild_id)
        if interaction.user.id != self.user_id:
            raise UserError(
                f"This check-in is for {name_in(couple, self.user_id)}. `/checkin now` opens your own."
            )
        partner = couple.partner(self.user_id)
        assert partner is not None
        service = service_of(interaction)
        if self.choice == "note":
            today = await service.repo.get(couple.guild_id, partner.user_id, service.today(couple, partner))
            await NoteModal(couple.guild_id, partner.user_id, today).open(interaction)
            return
        checkin, before = await service.check_in(couple, partner, int(self.choice))
        await service.after_check_in(couple, partner, checkin, before)
        await respond_saved(interaction, service, couple, partner, checkin)


class NoteModal(
    PersistentModal,
    title="How are you doing?",
    custom_id=CustomId("closer:modal:checkin:{guild:int}:{user:int}"),
):
    """Mood (kept from today's check-in when there is one) and a note of up to 1,000 characters."""

    def __init__(self, guild_id: int, user_id: int, today: CheckIn | None) -> None:
        super().__init__(custom_id=self.spec.build(guild=guild_id, user=user_id))
        self.add_item(
            discord.ui.TextInput(
                label="Mood, 1 (rough) to 5 (great)",
                custom_id="mood",
                placeholder="1, 2, 3, 4 or 5",
                default=str(today.mood) if today else None,
                min_length=1,
                max_length=10,
            )
        )
        self.add_item(
            discord.ui.TextInput(
                label="Your note",
                custom_id="note",
                style=discord.TextStyle.paragraph,
                placeholder="What made today what it was? (optional)",
                default=today.note if today and today.note else None,
                required=False,
                max_length=NOTE_LIMIT,
            )
        )

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction, guild_id=int(key["guild"]))
        if interaction.user.id != int(key["user"]):
            raise UserError("This form belongs to your partner's check-in. `/checkin now` opens your own.")
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        note = values.get("note", "").strip()
        try:
            mood = rules.parse_mood(values.get("mood", ""), texts()["moods"])
        except ValueError:
            kept = f"\nYour note, so nothing is lost:\n{block(note)}" if note else ""
            raise UserError(
                f"`{clip(values.get('mood', ''), 20)}` is not a mood: use a number from 1 (rough) to 5 (great)."
                f" Nothing was saved; press the button again to retry.{kept}"
            ) from None
        if len(note) > NOTE_LIMIT:
            raise UserError(f"Your note is longer than {NOTE_LIMIT:,} characters; nothing was saved.")
        service = service_of(interaction)
        checkin, before = await service.check_in(couple, partner, mood, note=note or None)
        await service.after_check_in(couple, partner, checkin, before)
        await respond_saved(interaction, service, couple, partner, checkin)


async def respond_saved(
    interaction: discord.Interaction, service: Checkins, couple: Couple, partner: Partner, checkin: CheckIn
) -> None:
    """Show the saved check-in where it was made: in place in a DM or ephemeral message, else privately."""
    other = couple.other(partner.user_id)
    level = await service.repo.sharing(couple.guild_id, partner.user_id)
    content = saved_content(checkin, level, other)
    view = ask_view(couple.guild_id, partner.user_id, selected=checkin.mood, has_note=bool(checkin.note))
    if private_place(interaction) and interaction.message is not None:
        await interaction.response.edit_message(content=content, embed=None, view=view)
    else:
        await interaction.response.send_message(content, view=view, ephemeral=True)


class CelebrateButton(
    SafeCallback, discord.ui.DynamicItem[discord.ui.Button], custom_id=CustomId("closer:win:{win:int}")
):
    """Celebrate a win; only the partner of whoever shared it can press it, once."""

    def __init__(self, win_id: int, *, celebrated: bool = False) -> None:
        self.win_id = win_id
        super().__init__(
            discord.ui.Button(
                label="Celebrated" if celebrated else "Celebrate",
                emoji="🎉",
                style=discord.ButtonStyle.secondary if celebrated else discord.ButtonStyle.success,
                custom_id=self.spec.build(win=win_id),
                disabled=celebrated,
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction)
        service = service_of(interaction)
        win = await service.repo.win(self.win_id, couple.guild_id)
        if win is None:
            raise UserError("This win is no longer here.")
        if interaction.user.id == win.user_id:
            other = couple.other(win.user_id)
            raise UserError(f"This one is for {other.display_name} to celebrate. Well done, though! 🎉")
        if not await service.repo.celebrate(win.id, interaction.user.id, service.bot.clock.now()):
            raise UserError("You already celebrated this win 🎉")
        celebrated = await service.repo.win(win.id, couple.guild_id)
        assert celebrated is not None
        await interaction.response.edit_message(
            embed=win_embed(couple, celebrated), view=win_view(celebrated.id, celebrated=True)
        )
        winner = couple.partner(win.user_id)
        mention = winner.mention if winner else f"<@{win.user_id}>"
        await interaction.followup.send(
            f"🎉 {mention}, {interaction.user.display_name} is celebrating your win with you!",
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(win.user_id)]),
        )


def win_embed(couple: Couple, win: Win) -> discord.Embed:
    card = embed(f"🏆 {name_in(couple, win.user_id)} has a win to share!", win.text)
    if win.celebrated_by is not None and win.celebrated_at is not None:
        card.add_field(
            name="🎉 Celebrated",
            value=f"by {name_in(couple, win.celebrated_by)} {discord_timestamp(win.celebrated_at, 'R')}",
        )
    return card


def win_view(win_id: int, *, celebrated: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(CelebrateButton(win_id, celebrated=celebrated))
    return view


def service_of(interaction: discord.Interaction) -> Checkins:
    # By name, not isinstance: an extension module is executed afresh each time it is loaded, and
    # a form opened before a reload is handled by the class registered first.
    service = getattr(bot_of(interaction).get_cog("CheckinCog"), "service", None)
    if service is None:
        raise UserError("Check-ins are not available right now. Please try again in a moment.")
    return service


# =============================================================================================
# The logic: check-ins, telling the partner, notes, appreciations, the digest
# =============================================================================================


class Checkins:
    """What the commands, buttons and scheduled posts of this feature do (no interaction handling)."""

    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.repo = CheckinRepository(bot.db)
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}

    def kinds(self) -> list[Kind]:
        return [
            Kind(ASK, self.deliver_ask, self.ask_deadline),
            Kind(SHARE, self.deliver_share, self.awake_deadline),
            Kind(NOTE, self.deliver_note, self.awake_deadline),
            Kind(APPRECIATION, self.deliver_appreciation, lambda o: o.fire_at + APPRECIATION_DEADLINE),
        ]

    def lock(self, guild_id: int, user_id: int) -> asyncio.Lock:
        return self._locks.setdefault((guild_id, user_id), asyncio.Lock())

    def now(self) -> datetime:
        return self.bot.clock.now()

    def today(self, couple: Couple, partner: Partner, at: datetime | None = None) -> date:
        at = at or self.now()
        return rules.checkin_day(at, couple.zone_of(partner, at))

    # -- schedules -------------------------------------------------------------------------------

    async def ensure(self, couple: Couple) -> None:
        """At pairing: each partner's daily ask (20:00 in their own time) and the weekly digest."""
        for partner in couple.partners:
            if await self.bot.schedules.find(ASK, couple.guild_id, str(partner.user_id)) is None:
                await self.set_ask_time(couple, partner, DEFAULT_ASK_TIME)
        await self.bot.rituals.ensure_builtin(
            couple,
            DIGEST,
            weekdays=DIGEST_DAYS,
            at=DIGEST_TIME,
            zone=couple.first.home_zone or couple.zone_of(couple.first, self.now()).key,
        )

    async def set_ask_time(self, couple: Couple, partner: Partner, at: time) -> Schedule:
        schedule = await self.bot.scheduler.recurring(
            ASK,
            guild_id=couple.guild_id,
            key=str(partner.user_id),
            at=at,
            owner_id=partner.user_id,
            personal=True,
            label=f"Check-in for {partner.display_name}",
        )
        if schedule.paused:
            schedule = await self.bot.scheduler.resume(schedule.id)
        return schedule

    async def stop_asking(self, couple: Couple, partner: Partner) -> bool:
        """Turn the daily ask off (False when it already was)."""
        schedule = await self.bot.schedules.find(ASK, couple.guild_id, str(partner.user_id))
        if schedule is None or schedule.paused:
            return False
        await self.bot.scheduler.pause(schedule.id)
        return True

    async def follow_first_partner(self, couple: Couple) -> None:
        """``zones_changed``: the digest stays at its wall time in the first partner's home zone."""
        home = couple.first.home_zone
        ritual = await self.bot.rituals.repo.find_template(couple.guild_id, DIGEST)
        if ritual is not None and home and ritual.zone != home:
            await self.bot.rituals.update(couple, ritual, at=ritual.local_time, zone=home)

    # -- checking in -------------------------------------------------------------------------------

    async def check_in(
        self, couple: Couple, partner: Partner, mood: int, note: str | object | None = KEEP
    ) -> tuple[CheckIn, CheckIn | None]:
        """Save today's check-in (``note`` sets or clears the note; left out, it is kept): (saved, before)."""
        now = self.now()
        zone = couple.zone_of(partner, now)
        return await self.repo.save(
            couple.guild_id,
            partner.user_id,
            rules.checkin_day(now, zone),
            mood=mood,
            zone=zone.key,
            now=now,
            note=note,
        )

    async def after_check_in(
        self, couple: Couple, partner: Partner, checkin: CheckIn, before: CheckIn | None
    ) -> None:
        """Tell the other partner (soon, outside their quiet hours) and note a third low day."""
        if before is not None and (before.mood, before.note) == (checkin.mood, checkin.note):
            return
        level = await self.repo.sharing(couple.guild_id, partner.user_id)
        if level is Sharing.NOTHING:
            return
        other = couple.other(partner.user_id)
        when = self.now() + NOTIFY_DELAY
        async with self.lock(couple.guild_id, partner.user_id):
            await self.bot.scheduler.once(
                SHARE,
                guild_id=couple.guild_id,
                key=str(partner.user_id),
                when=when,
                owner_id=other.user_id,
                personal=True,
                label=f"{partner.display_name}'s check-in, for {other.display_name}",
                payload={"about": partner.user_id, "day": checkin.day.isoformat()},
            )
            if not rules.is_low(checkin.mood):
                return
            recent = await self.repo.between(
                couple.guild_id, partner.user_id, checkin.day - timedelta(days=31), checkin.day
            )
            start = rules.low_streak_start({c.day: c.mood for c in recent}, checkin.day)
            if start is not None:
                await self.note_once(couple, partner, "low_streak", start, when, day=checkin.day.isoformat())

    async def note_once(
        self, couple: Couple, about: Partner, note: str, since: date, when: datetime, **extra: str
    ) -> None:
        """A gentle note to the other partner, once per streak (the key names the streak)."""
        key = f"{note}:{about.user_id}:{since.isoformat()}"
        if await self.bot.schedules.find(NOTE, couple.guild_id, key) is not None:
            return
        other = couple.other(about.user_id)
        await self.bot.scheduler.once(
            NOTE,
            guild_id=couple.guild_id,
            key=key,
            when=when,
            owner_id=other.user_id,
            personal=True,
            label=f"A gentle note for {other.display_name}",
            payload={"about": about.user_id, "note": note, "since": since.isoformat(), **extra},
        )

    # -- deadlines -------------------------------------------------------------------------------

    def awake_deadline(self, occurrence: Occurrence) -> datetime:
        """Worth delivering until the end of that day, and never once the owner's quiet hours began."""
        deadline = default_deadline(occurrence)
        owner = self.owner(occurrence)
        if owner is not None:
            quiet = rules.next_quiet_start(owner.quiet, occurrence.fire_at, occurrence.zone)
            if quiet is not None:
                deadline = min(deadline, quiet)
        return deadline

    def ask_deadline(self, occurrence: Occurrence) -> datetime:
        """An ask means something until its check-in day ends (04:00) or the owner's quiet hours begin."""
        end = rules.day_end(rules.checkin_day(occurrence.scheduled_at, occurrence.zone), occurrence.zone)
        owner = self.owner(occurrence)
        if owner is not None:
            quiet = rules.next_quiet_start(owner.quiet, occurrence.fire_at, occurrence.zone)
            if quiet is not None:
                end = min(end, quiet)
        return end

    @staticmethod
    def owner(occurrence: Occurrence) -> Partner | None:
        couple, owner_id = occurrence.couple, occurrence.schedule.owner_id
        if couple is None or owner_id is None:
            return None
        return couple.partner(owner_id)

    # -- the daily ask -----------------------------------------------------------------------------

    async def deliver_ask(self, occurrence: Occurrence) -> Sent | None:
        couple, partner = occurrence.couple, self.owner(occurrence)
        if couple is None or partner is None:
            return None
        day = rules.checkin_day(occurrence.scheduled_at, occurrence.zone)
        await self.note_silence(occurrence, couple, partner, day)
        if await self.repo.get(couple.guild_id, partner.user_id, day) is not None:
            return None  # already checked in today (recorded as skipped)
        question = rules.pick(texts()["ask"], f"{partner.user_id}:{day}")
        level = await self.repo.sharing(couple.guild_id, partner.user_id)
        return await occurrence.send_dm(
            partner.user_id,
            content=ask_content(question, level, couple.other(partner.user_id)),
            view=ask_view(couple.guild_id, partner.user_id),
        )

    async def note_silence(self, occurrence: Occurrence, couple: Couple, partner: Partner, day: date) -> None:
        """Three delivered asks in a row without a check-in: one gentle note to the other partner."""
        if await self.repo.sharing(couple.guild_id, partner.user_id) is Sharing.NOTHING:
            return
        asked = [
            rules.checkin_day(d.scheduled_at, occurrence.zone)
            for d in await self.bot.schedules.deliveries(occurrence.schedule.id)
            if d.status in ("sent", "late")
        ]
        last = await self.repo.last_day(couple.guild_id, partner.user_id)
        since = rules.unanswered_since(asked, last, day)
        if since is not None:
            await self.note_once(couple, partner, "quiet_streak", since, self.now() + NOTIFY_DELAY)

    # -- telling the other partner -----------------------------------------------------------------

    async def deliver_share(self, occurrence: Occurrence) -> Sent | None:
        couple, receiver = occurrence.couple, self.owner(occurrence)
        about_id = int(occurrence.payload.get("about", 0))
        if couple is None or receiver is None or couple.partner(about_id) is None:
            return None
        about = couple.partner(about_id)
        assert about is not None
        level = await self.repo.sharing(couple.guild_id, about_id)
        day = date.fromisoformat(str(occurrence.payload.get("day")))
        checkin = await self.repo.get(couple.guild_id, about_id, day)
        if level is Sharing.NOTHING or checkin is None:
            return None
        card = share_embed(about, checkin, level)
        idea = None
        if rules.is_low(checkin.mood) and checkin.suggested_at is None:
            idea = await self.idea_for(couple, about, day)
        if idea is not None:
            with_idea = share_embed(about, checkin, level)
            with_idea.add_field(name="💡 An idea for you", value=idea, inline=False)
            sent = await dm_only(occurrence, receiver.user_id, embed=with_idea)
            if sent is not None:
                await self.repo.mark_told(couple.guild_id, about_id, day, self.now(), suggested=True)
                return sent
        # DMs closed: the shared channel gets the news, never the private idea.
        sent = await occurrence.send_dm(receiver.user_id, embed=card, nonce_suffix="s")
        await self.repo.mark_told(couple.guild_id, about_id, day, self.now(), suggested=False)
        return sent

    async def idea_for(self, couple: Couple, about: Partner, day: date) -> str:
        """An idea fitted to ``about``'s love languages (stable for the day)."""
        languages = await self.repo.love_languages(couple.guild_id, about.user_id)
        language, idea = rules.pick_suggestion(
            load("empathy"),
            languages.primary if languages else None,
            languages.secondary if languages else None,
            seed=f"{couple.guild_id}:{about.user_id}:{day}",
        )
        text = idea.format(name=about.display_name)
        if language is None:
            return (
                text
                + f"\n-# Tip: {about.display_name} can set their love languages with `/lovelanguage set`."
            )
        return text + f"\n-# Fitted to {about.display_name}'s love language: {LOVE_LANGUAGES[language]}."

    async def deliver_note(self, occurrence: Occurrence) -> Sent | None:
        couple, receiver = occurrence.couple, self.owner(occurrence)
        payload = occurrence.payload
        about = couple.partner(int(payload.get("about", 0))) if couple else None
        if couple is None or receiver is None or about is None:
            return None
        if await self.repo.sharing(couple.guild_id, about.user_id) is Sharing.NOTHING:
            return None
        since = date.fromisoformat(str(payload["since"]))
        if payload.get("note") == "low_streak":
            day = date.fromisoformat(str(payload["day"]))
            recent = await self.repo.between(couple.guild_id, about.user_id, since, day)
            if rules.low_streak_start({c.day: c.mood for c in recent}, day) != since:
                return None  # a check-in of the streak was changed since
        else:
            last = await self.repo.last_day(couple.guild_id, about.user_id)
            if last is not None and last >= since:
                return None  # they checked in since
        options = load("empathy")["notes"][str(payload.get("note"))]
        text = rules.pick(options, occurrence.schedule.key).format(name=about.display_name)
        card = embed("💛 A gentle note", text)
        card.set_footer(text="Only you get this note. Closer sends one per stretch of days.")
        sent = await dm_only(occurrence, receiver.user_id, embed=card)
        if sent is None:
            raise DeliveryFailed("DMs closed; a private note is never posted in the shared channel")
        return sent

    # -- appreciations -----------------------------------------------------------------------------

    async def deliver_appreciation(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        appreciation = await self.repo.appreciation(int(occurrence.payload.get("appreciation", 0)))
        if couple is None or appreciation is None or appreciation.guild_id != couple.guild_id:
            return None
        if appreciation.delivered_at is not None:
            return None
        card = embed(f"💌 {name_in(couple, appreciation.from_user)} appreciates you", appreciation.message)
        card.timestamp = appreciation.created_at
        card.set_footer(text="A note of appreciation, kept in your book")
        sent = await occurrence.send_dm(appreciation.to_user, embed=card)
        await self.repo.mark_delivered(appreciation.id, self.now())
        return sent

    # -- what each partner shares, for the chart, the status and the digest --------------------------

    async def visible(self, couple: Couple, viewer_id: int | None) -> tuple[list[Partner], list[Partner]]:
        """(partners whose moods ``viewer_id`` may see, partners who keep them private)."""
        shown, hidden = [], []
        for partner in couple.partners:
            level = await self.repo.sharing(couple.guild_id, partner.user_id)
            if partner.user_id == viewer_id or level is not Sharing.NOTHING:
                shown.append(partner)
            else:
                hidden.append(partner)
        return shown, hidden

    async def series(self, couple: Couple, partners: list[Partner], first: date, last: date) -> list[Series]:
        result = []
        for partner in partners:
            rows = await self.repo.between(couple.guild_id, partner.user_id, first, last)
            result.append(Series(partner.display_name, tuple((c.day, c.mood) for c in rows)))
        return result

    async def status_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """``/couple status``: today's check-ins as each partner shares them, and love languages."""
        lines = []
        languages = []
        for partner in couple.partners:
            level = await self.repo.sharing(couple.guild_id, partner.user_id)
            if level is Sharing.NOTHING:
                lines.append(f"{partner.display_name}: 🔒 keeps check-ins private")
            else:
                today = await self.repo.get(
                    couple.guild_id, partner.user_id, self.today(couple, partner, now)
                )
                if today is None:
                    lines.append(f"{partner.display_name}: not yet today")
                else:
                    noted = " · 📝 with a note" if today.note and level is Sharing.FULL else ""
                    lines.append(f"{partner.display_name}: {mood_label(today.mood)}{noted}")
            chosen = await self.repo.love_languages(couple.guild_id, partner.user_id)
            if chosen is not None:
                names = [LOVE_LANGUAGES[chosen.primary]]
                if chosen.secondary:
                    names.append(LOVE_LANGUAGES[chosen.secondary])
                languages.append(f"{partner.display_name}: {', '.join(names)}")
        result = [("Check-ins today", "\n".join(lines))]
        if languages:
            result.append(("Love languages", "\n".join(languages)))
        return result

    # -- the weekly digest -------------------------------------------------------------------------

    async def digest_lines(self, couple: Couple, end: datetime) -> list[tuple[str, str]]:
        """This feature's lines of the digest: check-in averages (as shared), appreciations, wins."""
        start = end - timedelta(days=7)
        checkins = []
        for partner in couple.partners:
            level = await self.repo.sharing(couple.guild_id, partner.user_id)
            if level is Sharing.NOTHING:
                checkins.append(f"{partner.display_name}: 🔒 keeps check-ins private")
                continue
            last = self.today(couple, partner, end)
            rows = await self.repo.between(couple.guild_id, partner.user_id, last - timedelta(days=6), last)
            if not rows:
                checkins.append(f"{partner.display_name}: no check-ins this week")
                continue
            mean = rules.average(c.mood for c in rows)
            checkins.append(
                f"{partner.display_name}: average **{rules.format_average(mean)}/5** over {len(rows)} "
                f"check-in{'s' if len(rows) != 1 else ''}"
            )
        lines = [("🌙 Check-ins", "\n".join(checkins))]

        appreciations = await self.repo.appreciations_between(couple.guild_id, start, end)
        counts = [
            (p.display_name, sum(1 for a in appreciations if a.from_user == p.user_id))
            for p in couple.partners
        ]
        if appreciations:
            lines.append(("💌 Appreciations", " · ".join(f"{name} sent {n}" for name, n in counts)))
        else:
            lines.append(
                ("💌 Appreciations", "None this week. `/appreciate` sends your partner a kind word.")
            )

        wins = await self.repo.wins_between(couple.guild_id, start, end)
        if wins:
            items = [win_line(couple, win) for win in wins[:DIGEST_WINS]]
            if len(wins) > DIGEST_WINS:
                items.append(f"…and {len(wins) - DIGEST_WINS} more")
            lines.append(("🏆 Wins", "\n".join(items)))
        else:
            lines.append(("🏆 Wins", "None shared this week. `/win` shares one, big or small."))
        return lines

    async def deliver_digest(self, occurrence: Occurrence, ritual: Ritual) -> Sent | None:
        couple = occurrence.couple
        assert couple is not None
        end = occurrence.scheduled_at
        zone = occurrence.zone
        first_day = (end - timedelta(days=6)).astimezone(zone)
        last_day = end.astimezone(zone)
        lines = await self.digest_lines(couple, end)
        lines += await self.bot.registry.sections(Place.DIGEST, couple, end)
        cards = digest_embeds(
            "Your week together 💞",
            f"{first_day:%a %d %b} to {last_day:%a %d %b}: a look back, and what's coming.",
            lines,
        )
        first, *rest = pack(cards)
        sent = await occurrence.send_channel(
            content=" ".join(p.mention for p in couple.partners), embeds=first
        )
        for index, more in enumerate(rest, start=1):
            await occurrence.send_channel(embeds=more, nonce_suffix=f"m{index}")
        return sent


def share_embed(about: Partner, checkin: CheckIn, level: Sharing) -> discord.Embed:
    verb = "updated today's check-in" if checkin.told_at is not None else "checked in"
    card = embed(f"{about.display_name} {verb}: {mood_label(checkin.mood)}")
    if level is Sharing.FULL and checkin.note:
        card.description = quote(checkin.note)
    elif level is Sharing.MOOD:
        card.set_footer(text=f"{about.display_name} shares their mood only.")
    return card


def win_line(couple: Couple, win: Win) -> str:
    """A win in the digest: its start, linking to the post where it is in full."""
    text = clip(" ".join(win.text.split()), DIGEST_WIN_CHARS)
    if win.channel_id and win.message_id:
        text = f"[{text}](https://discord.com/channels/{couple.guild_id}/{win.channel_id}/{win.message_id})"
    cheer = " 🎉" if win.celebrated_at else ""
    return f"• {name_in(couple, win.user_id)}: {text}{cheer}"


def digest_embeds(title: str, description: str, lines: list[tuple[str, str]]) -> list[discord.Embed]:
    """The digest's (title, text) lines as fields, over as many embeds as Discord's limits need
    (``pack`` then groups them into messages)."""
    cards = [embed(title, description)]
    for name, value in lines:
        trial = embed()
        add_long_field(trial, name, value)
        for field in trial.fields:
            card = cards[-1]
            size = embed_size(card) + len(field.name or "") + len(field.value or "")
            if len(card.fields) >= FIELDS_LIMIT or size > DIGEST_EMBED_CHARS:
                card = embed()
                cards.append(card)
            card.add_field(name=field.name, value=field.value, inline=False)
    return cards


async def dm_only(occurrence: Occurrence, user_id: int, **kwargs: Any) -> Sent | None:
    """A private DM, or None when the partner's DMs are closed (no fallback to the shared channel)."""
    try:
        message = await occurrence.messenger.to_user(user_id, nonce=occurrence.nonce("p"), **kwargs)
    except (discord.Forbidden, discord.NotFound) as error:
        occurrence.notes.append(f"private part skipped ({describe(error)})")
        return None
    return Sent(message.id, message.channel.id, message=message)


# =============================================================================================
# The cogs
# =============================================================================================


class CheckinCog(
    Feature, commands.GroupCog, group_name="checkin", group_description="How are you doing? A daily check-in"
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.service = Checkins(bot)

    def contribution(self) -> Contribution:
        return Contribution(
            kinds=self.service.kinds(),
            rituals=(RitualTemplate(DIGEST, "Weekly digest", self.service.deliver_digest, addable=False),),
            items=(CheckinButton, CelebrateButton),
            modals=(NoteModal,),
            hooks=(
                (Hook.COUPLE_PAIRED, self.service.ensure),
                (Hook.ZONES_CHANGED, self.service.follow_first_partner),
            ),
            sections=((Place.STATUS, self.service.status_section),),
        )

    @app_commands.command(name="now")
    @partner_only()
    async def now(self, interaction: discord.Interaction) -> None:
        """Check in now: how are you doing? A mood from 1 to 5 and a note if you like."""
        couple, partner = current(interaction)
        service = self.service
        other = couple.other(partner.user_id)
        level = await service.repo.sharing(couple.guild_id, partner.user_id)
        today = await service.repo.get(couple.guild_id, partner.user_id, service.today(couple, partner))
        if today is not None:
            content = saved_content(today, level, other)
            view = ask_view(couple.guild_id, partner.user_id, selected=today.mood, has_note=bool(today.note))
        else:
            question = rules.pick(texts()["ask"], f"{partner.user_id}:{service.today(couple, partner)}")
            content = ask_content(question, level, other)
            view = ask_view(couple.guild_id, partner.user_id)
        await interaction.response.send_message(content, view=view, ephemeral=True)

    @app_commands.command(name="schedule")
    @app_commands.describe(time="When to ask you each day, in your own time, like 20:00 or 9pm (or `off`)")
    @partner_only()
    async def schedule(self, interaction: discord.Interaction, time: app_commands.Range[str, 1, 10]) -> None:
        """When you are asked "how are you doing?" each day, in your zone."""
        couple, partner = current(interaction)
        if time.strip().lower() in ("off", "stop", "never", "none"):
            stopped = await self.service.stop_asking(couple, partner)
            await interaction.response.send_message(
                "Daily check-in asks are off. `/checkin now` still works whenever you like, and "
                "`/checkin schedule 20:00` turns them back on."
                if stopped
                else "Daily check-in asks were already off. `/checkin schedule 20:00` turns them back on.",
                ephemeral=True,
            )
            return
        at = parse_clock(time)
        if partner.quiet.contains(at):
            raise UserError(
                f"{format_clock(at)} is inside your quiet hours ({partner.quiet}), when Closer doesn't ping you. "
                "Choose a time outside them, or change them with `/couple quiet`."
            )
        schedule = await self.service.set_ask_time(couple, partner, at)
        zone = couple.zone_of(partner, self.bot.clock.now())
        text = f"I'll ask how you're doing every day at **{format_clock(at)}** your time (`{zone.key}`)."
        if schedule.fire_at is not None:
            text += f" Next: {discord_timestamp(schedule.fire_at, 'F')}."
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="sharing")
    @app_commands.describe(level="What your partner sees of your check-ins")
    @app_commands.choices(level=SHARING_CHOICES)
    @partner_only()
    async def sharing(self, interaction: discord.Interaction, level: app_commands.Choice[str]) -> None:
        """What your partner sees of your check-ins: full, mood only, or nothing."""
        couple, partner = current(interaction)
        chosen = Sharing(level.value)
        await self.service.repo.set_sharing(couple.guild_id, partner.user_id, chosen, self.bot.clock.now())
        other = couple.other(partner.user_id)
        extra = {
            Sharing.FULL: f"{other.display_name} is told your mood and note, and gets ideas on a hard day.",
            Sharing.MOOD: f"{other.display_name} is told your mood (not your note), and gets ideas on a hard day.",
            Sharing.NOTHING: f"{other.display_name} learns nothing about your check-ins: no messages, "
            "no chart line, no averages.",
        }[chosen]
        await interaction.response.send_message(
            f"Sharing set: {other.display_name} sees {chosen.describe}. {extra}", ephemeral=True
        )


class MoodCog(commands.GroupCog, group_name="mood", group_description="Your moods over time"):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot

    @app_commands.command(name="history")
    @app_commands.describe(days="How many days to show, 7 to 365 (default 30)")
    @partner_only()
    async def history(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 7, 365] = 30
    ) -> None:
        """A chart of both partners' moods over time (only what each shares)."""
        couple, partner = current(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        service = service_of(interaction)
        now = self.bot.clock.now()
        shown, hidden = await service.visible(couple, partner.user_id)
        last = max(service.today(couple, p, now) for p in couple.partners)
        first = last - timedelta(days=days - 1)
        series = await service.series(couple, shown, first, last)
        hidden_names = [p.display_name for p in hidden]
        if not any(s.points for s in series):
            text = f"No check-ins in the last {days} days yet, so there's no chart to draw."
            if hidden_names:
                text += f" ({', '.join(hidden_names)} keeps check-ins private.)"
            text += " Check in with `/checkin now`; the chart fills in day by day."
            await interaction.edit_original_response(content=text)
            return
        png = await rules.chart_png(series, first, last, title=f"Moods, last {days} days")
        summary = rules.summary(series, hidden_names, days)
        chart = discord.File(io.BytesIO(png), filename="moods.png", description=clip(summary, 1000))
        await interaction.edit_original_response(
            content=f"**Your moods, {span(first, last)}**\n{summary}.", attachments=[chart]
        )


class LoveLanguageCog(
    commands.GroupCog, group_name="lovelanguage", group_description="Your love languages, for better ideas"
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot

    @app_commands.command(name="set")
    @app_commands.describe(
        primary="The way you feel most loved", secondary="A second one, if there is one (optional)"
    )
    @app_commands.choices(primary=LANGUAGE_CHOICES, secondary=LANGUAGE_CHOICES)
    @partner_only()
    async def set_(
        self,
        interaction: discord.Interaction,
        primary: app_commands.Choice[str],
        secondary: app_commands.Choice[str] | None = None,
    ) -> None:
        """Your love languages; ideas your partner gets on your hard days fit them."""
        couple, partner = current(interaction)
        if secondary is not None and secondary.value == primary.value:
            raise UserError(
                f"Your secondary love language is the same as your primary ({LOVE_LANGUAGES[primary.value]}). "
                "Choose a different one, or leave `secondary` out."
            )
        service = service_of(interaction)
        await service.repo.set_love_languages(
            couple.guild_id,
            partner.user_id,
            primary.value,
            secondary.value if secondary else None,
            self.bot.clock.now(),
        )
        names = f"**{LOVE_LANGUAGES[primary.value]}**"
        if secondary is not None:
            names += f" and **{LOVE_LANGUAGES[secondary.value]}**"
        other = couple.other(partner.user_id)
        await interaction.response.send_message(
            f"Saved: your love languages are {names}. On a hard day, the ideas {other.display_name} "
            "gets will fit them.",
            ephemeral=True,
        )


class TogetherCog(commands.Cog, name="Together"):
    """/appreciate and /win: kind words and good news for your partner."""

    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot

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
        service = service_of(interaction)
        other = couple.other(partner.user_id)
        now = self.bot.clock.now()
        appreciation = await service.repo.add_appreciation(
            couple.guild_id, partner.user_id, other.user_id, text, now
        )
        schedule = await self.bot.scheduler.once(
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
            local = now.astimezone(couple.zone_of(other, now))
            await interaction.edit_original_response(
                content=f"Saved 💌 It's {local:%H:%M} for {other.display_name}, inside their quiet hours, so "
                f"your note will reach them {discord_timestamp(schedule.fire_at, 'R')} "
                f"({discord_timestamp(schedule.fire_at, 't')} your time)."
            )
            return
        await self.bot.scheduler.process(schedule.id)
        delivery = await self.bot.schedules.delivery(schedule.id, now)
        if delivery is not None and delivery.status in ("sent", "late"):
            where = (
                f"in <#{couple.channel_id}> (their DMs are closed)"
                if delivery.detail and "shared channel" in delivery.detail
                else "by DM"
            )
            text = f"Sent to {other.display_name} {where} 💌 It's kept with your other notes."
        else:
            reason = f" ({delivery.detail})" if delivery and delivery.detail else ""
            text = (
                f"I couldn't deliver it to {other.display_name} right now{reason}. Your note is saved; "
                "it will be in your data export."
            )
        await interaction.edit_original_response(content=text)

    @app_commands.command(name="win")
    @app_commands.describe(text="Your win, big or small (up to 1,000 characters)")
    @partner_only()
    async def win(
        self, interaction: discord.Interaction, text: app_commands.Range[str, 1, TEXT_LIMIT]
    ) -> None:
        """Share a win so your partner can celebrate it."""
        couple, partner = current(interaction)
        cleaned = text.strip()
        if not cleaned:
            raise UserError("Your win was empty. Tell your partner what went well in `text`.")
        await interaction.response.defer(ephemeral=True, thinking=True)  # posting may be slow
        service = service_of(interaction)
        win = await service.repo.add_win(couple.guild_id, partner.user_id, cleaned, self.bot.clock.now())
        other = couple.other(partner.user_id)
        post = {
            "content": f"{other.mention}, {partner.display_name} has good news!",
            "embed": win_embed(couple, win),
            "view": win_view(win.id),
            "allowed_mentions": discord.AllowedMentions(users=[discord.Object(other.user_id)]),
        }
        channel = self.bot.get_partial_messageable(couple.channel_id, guild_id=couple.guild_id)
        try:
            message = await channel.send(**post)
        except (discord.Forbidden, discord.NotFound) as error:
            log.warning("Could not post a win in %s: %s", couple.channel_id, describe(error))
            await interaction.followup.send(
                f"I can't post in <#{couple.channel_id}>, so I shared your win right here instead.",
                ephemeral=True,
            )
            message = await interaction.followup.send(**post, wait=True)
        except discord.DiscordServerError:
            await service.repo.delete_win(win.id)  # not shared, so not kept: a retry won't double it
            raise
        else:
            await interaction.followup.send(
                f"Shared in <#{couple.channel_id}> 🏆 {other.display_name} can celebrate it there.",
                ephemeral=True,
            )
        await service.repo.set_win_message(win.id, message.channel.id, message.id)


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(CheckinCog(bot))
    await bot.add_cog(MoodCog(bot))
    await bot.add_cog(LoveLanguageCog(bot))
    await bot.add_cog(TogetherCog(bot))
