"""The weekly digest: a built-in ritual that looks back on the couple's week in the shared channel.

Every Sunday in the first partner's home zone, at a time inside both partners' shared awake
hours and apart from the daily question (:mod:`cogs.digest.rules`; chosen again when a zone,
quiet hours or the question's time change): the week's check-in averages over the check-ins
each partner shared (each check-in's own level), appreciations, wins, and the lines other
features add to the ``Place.DIGEST`` section (what's coming up, ...). No interaction handling.

When the couple's weekly check-in session runs the same evening (within :data:`SAME_EVENING`),
the digest does not post on its own: its lines open the session's thread
(``Place.WEEKLY_SESSION``), one post fewer on the busiest evening of the week.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta

from bot.clock import Clock
from bot.db.models import Couple, Partner
from bot.db.repositories.checkins import CheckinRepository, Sharing
from bot.db.repositories.rituals import Ritual
from bot.moods import day_of
from bot.planning import both_times
from bot.registry import Place
from bot.rituals import RitualService, RitualTemplate, occurrence_near, ritual_rule
from bot.scheduler import Occurrence, Sent
from bot.timeutil import zone_info
from bot.ui.embeds import pack
from cogs.digest.embeds import Week, digest_embeds, week_lines
from cogs.digest.rules import SUNDAY, digest_time

DIGEST = "digest"  # the weekly digest ritual
DIGEST_DAYS = frozenset({SUNDAY})
SESSION = "weekly_checkin"  # the weekly check-in session's ritual template (cogs/rituals)
SAME_EVENING = timedelta(hours=3)  # a session this close to the digest takes its lines

Sections = Callable[[Place, Couple, datetime], Awaitable[list[tuple[str, str]]]]
# The daily question's wall time and zone, if the couple has one (read from its schedule).
QuestionTime = Callable[[Couple], Awaitable[tuple[time, str] | None]]


class WeeklyDigest:
    """The digest ritual: created at pairing, kept in the first partner's zone, posted weekly.

    ``sections`` gives other features' lines for a place (``bot.registry.sections``).
    """

    def __init__(
        self,
        repo: CheckinRepository,
        rituals: RitualService,
        sections: Sections,
        clock: Clock,
        question_time: QuestionTime,
    ) -> None:
        self.repo = repo
        self.rituals = rituals
        self.sections = sections
        self.clock = clock
        self.question_time = question_time

    def template(self) -> RitualTemplate:
        return RitualTemplate(DIGEST, "Weekly digest", self.deliver, addable=False, will_post=self.will_post)

    async def joins_session(self, couple: Couple, at: datetime) -> bool:
        """The weekly session runs within :data:`SAME_EVENING` of the digest due ``at``."""
        return await self.rituals.runs_near(couple.guild_id, SESSION, at, SAME_EVENING) is not None

    async def will_post(self, couple: Couple, ritual: Ritual, at: datetime) -> bool:
        """Posted on its own unless the weekly session takes its lines that evening."""
        return not await self.joins_session(couple, at)

    async def welcome_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """The welcome post: when the week's look back comes, in both times."""
        ritual = await self.rituals.repo.find_template(couple.guild_id, DIGEST)
        if ritual is None or ritual.paused:
            return []
        return [
            (
                "🗓️ A look back each week",
                f"{both_times(couple, ritual_rule(ritual).next_after(now), weekday=True)}: a look back "
                "at the check-ins you shared, the kind words and wins, and what's coming.",
            )
        ]

    async def session_section(self, couple: Couple, at: datetime) -> list[tuple[str, str]]:
        """``Place.WEEKLY_SESSION``: the digest's lines, when the session starting ``at`` falls on
        the digest's evening (the week counted up to the digest's own time, as it would post)."""
        ritual = await self.rituals.repo.find_template(couple.guild_id, DIGEST)
        if ritual is None or ritual.paused:
            return []
        due = occurrence_near(ritual, at, SAME_EVENING)
        if due is None:
            return []
        return await self.lines(couple, due)

    # -- the ritual's schedule -------------------------------------------------------------------

    def default_time(self, couple: Couple, question: tuple[time, str] | None) -> tuple[time, str]:
        """Sunday's wall time and zone (the first partner's home) from both home zones, quiet
        hours and the daily question's time. Trips don't move it: they end by themselves."""
        home = zone_info(couple.first.home_zone or couple.zone_of(couple.first, self.clock.now()).key)
        people = [(zone_info(p.home_zone or home.key), p.quiet) for p in couple.partners]
        today = self.clock.now().astimezone(home).date()
        asked = (question[0], zone_info(question[1])) if question else None
        return digest_time(people, home, today, asked), home.key

    async def ensure(self, couple: Couple) -> None:
        """``couple_paired``: the weekly digest, on Sunday at its default time."""
        at, zone = self.default_time(couple, await self.question_time(couple))
        await self.rituals.ensure_builtin(couple, DIGEST, weekdays=DIGEST_DAYS, at=at, zone=zone)

    async def follow_zones(self, couple: Couple) -> None:
        """``zones_changed``: a zone or quiet hours changed (the second partner set theirs, one
        moved): the digest moves with them, inside the shared awake hours."""
        await self.move(couple, await self.question_time(couple))

    async def follow_question(self, couple: Couple, at: time, zone: str) -> None:
        """``question_time_changed``: keep apart from the daily question."""
        await self.move(couple, (at, zone))

    async def move(self, couple: Couple, question: tuple[time, str] | None) -> None:
        ritual = await self.rituals.repo.find_template(couple.guild_id, DIGEST)
        if ritual is None:
            return
        at, zone = self.default_time(couple, question)
        if (ritual.local_time, ritual.zone) != (at, zone):
            await self.rituals.update(couple, ritual, at=at, zone=zone)

    async def rearm(self, couple: Couple) -> None:
        """``space_restored``: the restored digest runs again as the space had it (its days, time
        and pause); a space without one gets it as at pairing."""
        ritual = await self.rituals.repo.find_template(couple.guild_id, DIGEST)
        if ritual is None:
            await self.ensure(couple)
        else:
            await self.rituals.schedule(couple, ritual)

    # -- the post --------------------------------------------------------------------------------

    async def week(self, couple: Couple, end: datetime) -> Week:
        """What the week ending at ``end`` holds: each partner's seven check-in days before the
        digest's day (each day counted in one digest only), only the check-ins they shared."""
        start = end - timedelta(days=7)
        moods: list[tuple[Partner, list[int], bool]] = []
        for partner in couple.partners:
            last = day_of(couple, partner, end) - timedelta(days=1)
            rows = await self.repo.between(couple.guild_id, partner.user_id, last - timedelta(days=6), last)
            private_now = await self.repo.sharing(couple.guild_id, partner.user_id) is Sharing.NOTHING
            moods.append((partner, [c.mood for c in rows if c.shared], private_now))
        return Week(
            moods,
            await self.repo.appreciations_between(couple.guild_id, start, end),
            await self.repo.wins_between(couple.guild_id, start, end),
        )

    async def lines(self, couple: Couple, end: datetime) -> list[tuple[str, str]]:
        """The digest's lines for the week ending at ``end``, other features' after its own."""
        lines = week_lines(couple, await self.week(couple, end))
        return lines + await self.sections(Place.DIGEST, couple, end)

    async def deliver(self, occurrence: Occurrence, ritual: Ritual) -> Sent | None:
        couple = occurrence.couple
        assert couple is not None
        end = occurrence.scheduled_at
        if await self.joins_session(couple, end):
            occurrence.notes.append("in the weekly session's thread")
            return None
        zone = occurrence.zone
        first_day = (end - timedelta(days=7)).astimezone(zone)
        last_day = (end - timedelta(days=1)).astimezone(zone)
        lines = await self.lines(couple, end)
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
