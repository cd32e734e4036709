"""The weekly digest's cog: no commands (``/ritual`` lists, pauses and resumes it), only what it adds."""

from __future__ import annotations

from bot.client import CloserBot
from bot.db.repositories.checkins import CheckinRepository
from bot.feature import Feature
from bot.registry import Contribution, Hook
from cogs.digest.service import WeeklyDigest


class DigestCog(Feature):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.service = WeeklyDigest(CheckinRepository(bot.db), bot.rituals, bot.registry.sections, bot.clock)

    def contribution(self) -> Contribution:
        return Contribution(
            rituals=(self.service.template(),),
            hooks=(
                (Hook.COUPLE_PAIRED, self.service.ensure),
                (Hook.ZONES_CHANGED, self.service.follow_first_partner),
                (Hook.SPACE_RESTORED, self.service.rearm),
            ),
        )
