"""What ``/mood history`` shows: each partner's moods over a window, each check-in as it was shared.

A viewer sees all their own check-ins and, of their partner's, those made under a level that
shares (the check-in's own level, never the partner's current one: a day kept private stays
private after sharing is turned back on)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.clock import Clock
from bot.db.models import Couple
from bot.db.repositories.checkins import CheckinRepository, Sharing
from bot.moods import day_of
from cogs.mood.chart import Series


@dataclass(frozen=True, slots=True)
class History:
    """The days a chart covers, the partners' lines on it, and who keeps check-ins private."""

    first: date
    last: date
    series: list[Series]
    hidden: list[str]

    @property
    def empty(self) -> bool:
        return not any(line.points for line in self.series)


class MoodHistory:
    def __init__(self, repo: CheckinRepository, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    async def history(self, couple: Couple, viewer_id: int, days: int) -> History:
        """The last ``days`` check-in days (ending on the later of the partners' todays)."""
        now = self.clock.now()
        last = max(day_of(couple, p, now) for p in couple.partners)
        first = last - timedelta(days=days - 1)
        series, hidden = [], []
        for partner in couple.partners:
            own = partner.user_id == viewer_id
            rows = await self.repo.between(couple.guild_id, partner.user_id, first, last)
            points = tuple((c.day, c.mood) for c in rows if own or c.shared)
            private_now = await self.repo.sharing(couple.guild_id, partner.user_id) is Sharing.NOTHING
            if not own and private_now:
                hidden.append(partner.display_name)
            if own or points or not private_now:
                series.append(Series(partner.display_name, points))
        return History(first, last, series, hidden)
