"""What ``/mood history`` shows: each partner's moods over a window, as each of them shares them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.clock import Clock
from bot.db.models import Couple, Partner
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
        shown, hidden = await self.visible(couple, viewer_id)
        last = max(day_of(couple, p, now) for p in couple.partners)
        first = last - timedelta(days=days - 1)
        series = await self.series(couple, shown, first, last)
        return History(first, last, series, [p.display_name for p in hidden])

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
