"""/visit and /date: the countdown to being together, and yearly special dates.

The countdown posts (30, 7 and 1 days before, and on the day) and the yearly reminders (the day
before and on the day) are scheduler one-offs (kinds ``visit`` and ``special_date``) planned from
the rows, at a moment of the day when both partners are awake.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from bot.calls import (
    countdown_phrase,
    friendly_instant,
    next_yearly,
    on_year,
    parse_special_date,
    plural,
    ts,
    years_on,
)
from bot.checks import couple_for, current, partner_only
from bot.client import CloserBot
from bot.db.models import Couple, Schedule
from bot.db.repositories.calls import DateRepository, SpecialDate, Visit, VisitRepository
from bot.errors import UserError
from bot.feature import Feature
from bot.registry import Contribution, Hook, Place
from bot.scheduler import Kind as ScheduleKind
from bot.scheduler import Occurrence, Sent
from bot.timeutil import format_clock, parse_date, wall_to_utc
from bot.transformers import Clock
from bot.ui.confirm import confirm_view
from bot.ui.embeds import clip, embed
from bot.ui.pages import Page, clamp_page, send_pages
from cogs.calls import Planned, mentions, post_in_channel, sync_once

log = logging.getLogger(__name__)

KIND_VISIT = "visit"
KIND_DATE = "special_date"

COUNTDOWN_DAYS = (30, 7, 1, 0)
MAX_VISIT_AHEAD = timedelta(days=3 * 366)
MAX_DATES = 50
LABEL_LIMIT = 100
PER_PAGE = 10
DIGEST_DAYS = 30

KIND_CHOICES = [
    app_commands.Choice(name="Anniversary", value="anniversary"),
    app_commands.Choice(name="Birthday", value="birthday"),
    app_commands.Choice(name="Other", value="other"),
]
KIND_ICONS = {"anniversary": "💞", "birthday": "🎂", "other": "🗓️"}


def day_month(day: date) -> str:
    return f"{day.day} {day:%B}"


# -- the visit ---------------------------------------------------------------------------------------


def visit_days(visit: Visit, now: datetime) -> int:
    """Days from today to the visit, counted in the zone it was set in."""
    return (visit.visit_date - now.astimezone(ZoneInfo(visit.zone)).date()).days


def visit_when(visit: Visit) -> str:
    if visit.visit_time is None:
        return ts(visit.starts_at, "D")
    return ts(visit.starts_at, "F")


def visit_over(visit: Visit, now: datetime) -> bool:
    return visit_days(visit, now) < 0


def countdown_text(visit: Visit, days: int) -> tuple[str, str]:
    """(title, text) of a countdown post ``days`` before the visit."""
    if days == 0:
        at = f" at {ts(visit.starts_at, 't')}" if visit.visit_time else ""
        return "Today's the day 💞", f"Today you're together{at}. Enjoy every minute."
    if days == 1:
        return "Tomorrow 💞", f"Tomorrow you're together: {visit_when(visit)} ({ts(visit.starts_at, 'R')})."
    if days == 7:
        return "One week to go 💞", f"In 7 days you're together: {visit_when(visit)}."
    return f"{days} days to go 💞", f"In {days} days you're together: {visit_when(visit)}."


# -- special dates ----------------------------------------------------------------------------------


def occurrence_text(special: SpecialDate, day: date) -> str:
    """ "**Our anniversary** · 7 years" for the date's occurrence on ``day``."""
    text = f"{KIND_ICONS.get(special.kind, '🗓️')} **{special.label}**"
    years = years_on(special.year, day)
    if years is not None:
        text += f" · {plural(years, 'year')}"
    return text


def date_zone(special: SpecialDate) -> ZoneInfo:
    return ZoneInfo(special.zone)


def first_written(special: SpecialDate) -> str:
    written = f"{special.day} {date(2000, special.month, special.day):%B}"
    return f"{written} {special.year}" if special.year else written


class DateCog(Feature):
    """/visit and /date (two groups, one cog: they share the planning of posts)."""

    visit_group = app_commands.Group(name="visit", description="The countdown to being together")
    date_group = app_commands.Group(
        name="date", description="Anniversaries, birthdays and other yearly dates"
    )

    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.visits = VisitRepository(bot.db)
        self.dates = DateRepository(bot.db)

    def contribution(self) -> Contribution:
        return Contribution(
            kinds=(ScheduleKind(KIND_VISIT, self.deliver_visit), ScheduleKind(KIND_DATE, self.deliver_date)),
            confirmations={"date_remove": self.confirm_remove},
            pages={"dates": self.list_page},
            hooks=((Hook.ZONES_CHANGED, self.zones_changed),),
            sections=(
                (Place.STATUS, self.status_section),
                (Place.DIGEST, self.digest_section),
                (Place.QUESTION_POST, self.question_section),
            ),
        )

    async def loaded(self) -> None:
        self.bot.after_ready("plan-dates", self.plan_everything)

    async def plan_everything(self) -> None:
        """Once ready: plan every visit and date again (a planning moment may have passed while
        Closer was down). One read of each server's schedules; only missing posts are written."""
        couples = {c.guild_id: c for c in await self.bot.couples.all_paired()}
        visits: dict[int, Visit] = {v.guild_id: v for v in await self.visits.all_current()}
        specials: dict[int, list[SpecialDate]] = {}
        for special in await self.dates.all():
            specials.setdefault(special.guild_id, []).append(special)
        for guild_id in sorted(visits.keys() | specials.keys()):
            couple = couples.get(guild_id)
            if couple is None:
                continue
            schedules = await self.bot.schedules.for_guild(guild_id, (KIND_VISIT, KIND_DATE))
            try:
                if guild_id in visits:
                    await self.plan_visit(couple, visits[guild_id], schedules)
                for special in specials.get(guild_id, []):
                    await self.plan_date(couple, special, schedules)
            except Exception:
                log.exception("Could not plan the dates of server %s", guild_id)

    async def zones_changed(self, couple: Couple) -> None:
        """Quiet hours or zones changed: posts move to a moment both are awake (handled ones stay)."""
        visit = await self.visits.current(couple.guild_id)
        if visit is not None:
            await self.plan_visit(couple, visit)
        for special in await self.dates.for_guild(couple.guild_id):
            await self.plan_date(couple, special)

    # -- planning ----------------------------------------------------------------------------------

    async def plan_visit(
        self, couple: Couple, visit: Visit | None, schedules: Sequence[Schedule] | None = None
    ) -> None:
        desired: dict[str, Planned] = {}
        if visit is not None and visit.cleared_at is None:
            zone = ZoneInfo(visit.zone)
            for days in COUNTDOWN_DAYS:
                when = friendly_instant(visit.visit_date - timedelta(days=days), zone, couple)
                if days == 0 and visit.visit_time is not None:
                    when = min(when, visit.starts_at)
                label = "Visit countdown: today" if days == 0 else f"Visit countdown: {plural(days, 'day')}"
                desired[f"{visit.id}:{days}"] = Planned(when, label, {"visit": visit.id, "days": days})
        await sync_once(
            self.bot,
            guild_id=couple.guild_id,
            kind=KIND_VISIT,
            prefix="",
            desired=desired,
            owner_id=visit.set_by if visit else None,
            schedules=schedules,
        )

    async def plan_date(
        self, couple: Couple, special: SpecialDate, schedules: Sequence[Schedule] | None = None
    ) -> None:
        zone = date_zone(special)
        today = self.bot.clock.now().astimezone(zone).date()
        desired: dict[str, Planned] = {}
        for year in (today.year, today.year + 1):
            day = on_year(special.month, special.day, year)
            for which, post_day in (("eve", day - timedelta(days=1)), ("day", day)):
                desired[f"{special.id}:{year}:{which}"] = Planned(
                    friendly_instant(post_day, zone, couple),
                    clip(f"{special.label} ({'the day before' if which == 'eve' else 'the day'})", 100),
                    {"date": special.id, "year": year, "which": which},
                )
        await sync_once(
            self.bot,
            guild_id=couple.guild_id,
            kind=KIND_DATE,
            prefix=f"{special.id}:",
            desired=desired,
            owner_id=special.created_by,
            schedules=schedules,
        )

    # -- deliveries --------------------------------------------------------------------------------

    async def deliver_visit(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        visit = await self.visits.get(int(occurrence.payload["visit"]))
        if couple is None or visit is None or visit.cleared_at is not None:
            return None
        days = int(occurrence.payload["days"])
        title, text = countdown_text(visit, days)
        return await occurrence.send_channel(content=mentions(couple), embed=embed(title, text))

    async def deliver_date(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        special = await self.dates.get(int(occurrence.payload["date"]))
        if couple is None or special is None:
            return None
        day = on_year(special.month, special.day, int(occurrence.payload["year"]))
        what = occurrence_text(special, day)
        if occurrence.payload["which"] == "eve":
            card = embed("Tomorrow 🗓️", f"{what}\nTomorrow, {day_month(day)}. A little something ready?")
        else:
            greeting = {"anniversary": "Happy anniversary!", "birthday": "Happy birthday!"}.get(
                special.kind, "Today!"
            )
            card = embed(f"{greeting} 🎉", f"{what}\nToday, {day_month(day)}.")
        if special.month == 2 and special.day == 29 and day.day == 28:
            card.set_footer(text="No 29 February this year, so it's celebrated today.")
        sent = await occurrence.send_channel(content=mentions(couple), embed=card)
        try:
            await self.plan_date(couple, special)
        except Exception:
            log.exception("Could not plan date %s", special.id)
        return sent

    # -- sections for other posts --------------------------------------------------------------------

    async def visit_line(self, couple: Couple, now: datetime) -> str | None:
        visit = await self.visits.current(couple.guild_id)
        if visit is None or visit_over(visit, now):
            return None
        days = visit_days(visit, now)
        if days == 0:
            return f"Today 💞 {visit_when(visit)}"
        if days == 1:
            return f"{visit_when(visit)} · tomorrow!"
        return f"{visit_when(visit)} · {days} days to go"

    async def upcoming_dates(self, couple: Couple, now: datetime) -> list[tuple[date, SpecialDate]]:
        found = []
        for special in await self.dates.for_guild(couple.guild_id):
            today = now.astimezone(date_zone(special)).date()
            found.append((next_yearly(special.month, special.day, today), special))
        found.sort(key=lambda pair: (pair[0], pair[1].id))
        return found

    def date_line(self, special: SpecialDate, day: date, now: datetime) -> str:
        today = now.astimezone(date_zone(special)).date()
        return f"{occurrence_text(special, day)} · {day_month(day)}, {countdown_phrase((day - today).days)}"

    async def status_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        lines: list[tuple[str, str]] = []
        visit = await self.visit_line(couple, now)
        if visit:
            lines.append(("Together again 💞", visit))
        upcoming = await self.upcoming_dates(couple, now)
        if upcoming:
            day, special = upcoming[0]
            lines.append(("Next special date", self.date_line(special, day, now)))
        return lines

    async def digest_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        lines: list[tuple[str, str]] = []
        visit = await self.visit_line(couple, now)
        if visit:
            lines.append(("Together again 💞", visit))
        soon = [
            self.date_line(special, day, now)
            for day, special in await self.upcoming_dates(couple, now)
            if (day - now.astimezone(date_zone(special)).date()).days <= DIGEST_DAYS
        ]
        if soon:
            lines.append(("Special dates coming up", clip("\n".join(soon), 1024)))
        return lines

    async def question_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        visit = await self.visits.current(couple.guild_id)
        if visit is None or visit_over(visit, now):
            return []
        days = visit_days(visit, now)
        line = (
            "Today's the day 💞" if days == 0 else f"💞 {countdown_phrase(days).capitalize()} you're together"
        )
        return [("Together again", line)]

    # -- /visit ---------------------------------------------------------------------------------------

    @visit_group.command(name="set")
    @app_commands.rename(day="date")
    @app_commands.describe(
        day="The day you're together again: YYYY-MM-DD (or tomorrow), in your time zone",
        time="Optional: the time you arrive, like 18:30, in your time zone",
    )
    @partner_only()
    async def visit_set(
        self,
        interaction: discord.Interaction,
        day: app_commands.Range[str, 1, 20],
        time: Clock | None = None,
    ) -> None:
        """Set the countdown to the next time you're together."""
        couple, partner = current(interaction)
        now = self.bot.clock.now()
        zone = couple.zone_of(partner, now)
        today = now.astimezone(zone).date()
        when = parse_date(day, today)
        starts = wall_to_utc(when, time or datetime.min.time(), zone)
        if when < today or (time is not None and starts <= now):
            raise UserError(
                f"That's in the past. Use a date from today on, like `{today + timedelta(days=30):%Y-%m-%d}`."
            )
        if starts - now > MAX_VISIT_AHEAD:
            raise UserError("A countdown can reach up to three years ahead. Choose a nearer date.")
        visit = await self.visits.set(
            guild_id=couple.guild_id,
            visit_date=when,
            visit_time=time,
            zone=zone.key,
            starts_at=starts,
            set_by=partner.user_id,
            now=now,
        )
        await self.plan_visit(couple, visit)
        days = visit_days(visit, now)
        at = f" at {format_clock(time)} your time" if time else ""
        before = [str(d) for d in COUNTDOWN_DAYS if 0 < d <= days]
        if before:
            counts = before[0] if len(before) == 1 else f"{', '.join(before[:-1])} and {before[-1]}"
            plan = f"{counts} day{'s' if before != ['1'] else ''} before, and on the day"
        else:
            plan = "on the day"
        await interaction.response.send_message(
            f"💞 Countdown set: together again on {when:%A %d %B %Y}{at} ({countdown_phrase(days)}). "
            f"I'll post in your channel {plan}."
            if days > 0
            else f"💞 Countdown set: you're together today{at}!",
            ephemeral=True,
        )
        other = couple.other(partner.user_id)
        await post_in_channel(
            self.bot,
            couple,
            content=f"{other.mention} 💞 {partner.display_name} set the countdown: together again "
            f"{visit_when(visit)}, {countdown_phrase(days)}.",
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(other.user_id)]),
        )

    @visit_group.command(name="clear")
    @partner_only()
    async def visit_clear(self, interaction: discord.Interaction) -> None:
        """Clear the countdown (set a new one any time with /visit set)."""
        couple, _ = current(interaction)
        cleared = await self.visits.clear(couple.guild_id, self.bot.clock.now())
        if cleared is None:
            raise UserError("There's no countdown to clear. Set one with `/visit set`.")
        await self.bot.scheduler.cancel_where(couple.guild_id, KIND_VISIT)
        await interaction.response.send_message(
            f"Countdown to {cleared.visit_date:%d %B %Y} cleared. Set a new one any time with `/visit set`.",
            ephemeral=True,
        )

    # -- /date ----------------------------------------------------------------------------------------

    async def date_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        couple = await self.bot.couples.get(interaction.guild_id)
        if couple is None or not couple.is_partner(interaction.user.id):
            return []
        needle = current_text.strip().lower().lstrip("#")
        choices = []
        for special in await self.dates.for_guild(couple.guild_id):
            label = f"#{special.id} {special.label} · {first_written(special)}"
            if not needle or needle in label.lower():
                choices.append(app_commands.Choice(name=clip(label, 100), value=special.id))
        return choices[:25]

    @date_group.command(name="add")
    @app_commands.rename(day="date")
    @app_commands.describe(
        kind="Anniversary, birthday or something else",
        day="The date it first happened, YYYY-MM-DD (the year counts the years), or MM-DD",
        label='What it is, like "Our anniversary" or "Sam\'s birthday"',
    )
    @app_commands.choices(kind=KIND_CHOICES)
    @partner_only()
    async def date_add(
        self,
        interaction: discord.Interaction,
        kind: app_commands.Choice[str],
        day: app_commands.Range[str, 1, 20],
        label: app_commands.Range[str, 1, LABEL_LIMIT],
    ) -> None:
        """Add a yearly date: reminders the day before and on the day."""
        couple, partner = current(interaction)
        year, month, day_of_month = parse_special_date(day)
        text = " ".join(label.split())
        if not text:
            raise UserError("The label is empty. Say what the date is, like `Our anniversary`.")
        if await self.dates.count(couple.guild_id) >= MAX_DATES:
            raise UserError(f"You have {MAX_DATES} dates already. Remove one with `/date remove` first.")
        now = self.bot.clock.now()
        zone = partner.home_zone or couple.first.home_zone or "UTC"
        special = await self.dates.add(
            guild_id=couple.guild_id,
            kind=kind.value,
            month=month,
            day=day_of_month,
            year=year,
            label=text[:LABEL_LIMIT],
            zone=zone,
            created_by=partner.user_id,
            now=now,
        )
        await self.plan_date(couple, special)
        today = now.astimezone(ZoneInfo(zone)).date()
        upcoming = next_yearly(month, day_of_month, today)
        reply = (
            f"Added #{special.id}: {occurrence_text(special, upcoming)} on {day_month(upcoming)}, "
            f"{countdown_phrase((upcoming - today).days)}. I'll remind you both the day before and on the day."
        )
        if month == 2 and day_of_month == 29:
            reply += " In years without 29 February it's celebrated on the 28th."
        await interaction.response.send_message(reply, ephemeral=True)

    @date_group.command(name="list")
    @partner_only()
    async def date_list(self, interaction: discord.Interaction) -> None:
        """Your special dates, soonest first."""
        await send_pages(interaction, "dates")

    async def list_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        couple = await couple_for(interaction)
        now = self.bot.clock.now()
        upcoming = await self.upcoming_dates(couple, now)
        page, pages = clamp_page(page, len(upcoming), PER_PAGE)
        card = embed("Your special dates")
        if upcoming:
            card.description = "\n".join(
                f"`#{special.id}` {self.date_line(special, day, now)} (since {first_written(special)})"
                for day, special in upcoming[page * PER_PAGE : (page + 1) * PER_PAGE]
            )
        else:
            card.description = "No dates yet. Add an anniversary or birthday with `/date add`."
        card.set_footer(text=f"Page {page + 1} of {pages} · /date remove deletes one by its id")
        return Page(card, page, pages)

    @date_group.command(name="remove")
    @app_commands.rename(date_id="id")
    @app_commands.describe(date_id="The date to remove (start typing its label)")
    @app_commands.autocomplete(date_id=date_choices)
    @partner_only()
    async def date_remove(
        self, interaction: discord.Interaction, date_id: app_commands.Range[int, 1]
    ) -> None:
        """Remove a special date and its reminders (asks to confirm)."""
        couple, _ = current(interaction)
        special = await self.dates.get(date_id, couple.guild_id)
        if special is None:
            raise UserError(f"There's no date #{date_id}. `/date list` shows yours.")
        await interaction.response.send_message(
            f"Remove #{special.id} **{special.label}** ({first_written(special)}) and its reminders?",
            view=confirm_view("date_remove", interaction.user.id, str(special.id), confirm_label="Remove"),
            ephemeral=True,
        )

    async def confirm_remove(self, interaction: discord.Interaction, arg: str) -> str:
        couple = await couple_for(interaction)
        special = await self.dates.get(int(arg), couple.guild_id)
        if special is None or not await self.dates.remove(special.id, couple.guild_id):
            return "That date was already removed."
        await self.bot.scheduler.cancel_where(couple.guild_id, KIND_DATE, f"{special.id}:")
        return f"Removed #{special.id} {special.label}."


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(DateCog(bot))
