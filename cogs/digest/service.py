"""The weekly digest: a built-in ritual that looks back on the couple's week in the shared channel.

Every Sunday at 19:00 in the first partner's home zone (it follows them when they move): the
week's check-in averages as each partner shares them, appreciations, wins, and the lines other
features add to the ``Place.DIGEST`` section (what's coming up, ...). No interaction handling.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta

from bot.clock import Clock
from bot.db.models import Couple, Partner
from bot.db.repositories.checkins import CheckinRepository, Sharing
from bot.db.repositories.rituals import Ritual
from bot.moods import day_of
from bot.registry import Place
from bot.rituals import RitualService, RitualTemplate
from bot.scheduler import Occurrence, Sent
from bot.ui.embeds import pack
from cogs.digest.embeds import Week, digest_embeds, week_lines

DIGEST = "digest"  # the weekly digest ritual
DIGEST_TIME = time(19, 0)
DIGEST_DAYS = frozenset({6})  # Sunday

Sections = Callable[[Place, Couple, datetime], Awaitable[list[tuple[str, str]]]]


class WeeklyDigest:
    """The digest ritual: created at pairing, kept in the first partner's zone, posted weekly.

    ``sections`` gives other features' lines for a place (``bot.registry.sections``).
    """

    def __init__(
        self, repo: CheckinRepository, rituals: RitualService, sections: Sections, clock: Clock
    ) -> None:
        self.repo = repo
        self.rituals = rituals
        self.sections = sections
        self.clock = clock

    def template(self) -> RitualTemplate:
        return RitualTemplate(DIGEST, "Weekly digest", self.deliver, addable=False)

    # -- the ritual's schedule -------------------------------------------------------------------

    async def ensure(self, couple: Couple) -> None:
        """``couple_paired``: the weekly digest, Sunday 19:00 in the first partner's zone."""
        await self.rituals.ensure_builtin(
            couple,
            DIGEST,
            weekdays=DIGEST_DAYS,
            at=DIGEST_TIME,
            zone=couple.first.home_zone or couple.zone_of(couple.first, self.clock.now()).key,
        )

    async def follow_first_partner(self, couple: Couple) -> None:
        """``zones_changed``: the digest stays at its wall time in the first partner's home zone."""
        home = couple.first.home_zone
        ritual = await self.rituals.repo.find_template(couple.guild_id, DIGEST)
        if ritual is not None and home and ritual.zone != home:
            await self.rituals.update(couple, ritual, at=ritual.local_time, zone=home)

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
        """What the week ending at ``end`` holds (check-ins by each partner's own days)."""
        start = end - timedelta(days=7)
        moods: list[tuple[Partner, list[int] | None]] = []
        for partner in couple.partners:
            if await self.repo.sharing(couple.guild_id, partner.user_id) is Sharing.NOTHING:
                moods.append((partner, None))
                continue
            last = day_of(couple, partner, end)
            rows = await self.repo.between(couple.guild_id, partner.user_id, last - timedelta(days=6), last)
            moods.append((partner, [c.mood for c in rows]))
        return Week(
            moods,
            await self.repo.appreciations_between(couple.guild_id, start, end),
            await self.repo.wins_between(couple.guild_id, start, end),
        )

    async def deliver(self, occurrence: Occurrence, ritual: Ritual) -> Sent | None:
        couple = occurrence.couple
        assert couple is not None
        end = occurrence.scheduled_at
        zone = occurrence.zone
        first_day = (end - timedelta(days=6)).astimezone(zone)
        last_day = end.astimezone(zone)
        lines = week_lines(couple, await self.week(couple, end))
        lines += await self.sections(Place.DIGEST, couple, end)
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
