"""The weekly digest's cog: no commands (``/ritual`` lists, pauses and resumes it), only what it adds."""

from __future__ import annotations

from datetime import time

from bot.client import CloserBot
from bot.db.models import Couple
from bot.db.repositories.checkins import CheckinRepository
from bot.feature import Feature
from bot.registry import Contribution, Hook, Place
from cogs.digest.service import WeeklyDigest

QUESTION_KIND = "question"  # the daily question's schedule


class DigestCog(Feature):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.service = WeeklyDigest(
            CheckinRepository(bot.db), bot.rituals, bot.registry.sections, bot.clock, self.question_time
        )

    async def question_time(self, couple: Couple) -> tuple[time, str] | None:
        """The daily question's wall time and zone, read from its schedule (by kind name: the
        digest keeps apart from it without importing the question feature)."""
        schedule = await self.bot.schedules.find(QUESTION_KIND, couple.guild_id)
        if schedule is None or schedule.local_time is None or not schedule.zone:
            return None
        return schedule.local_time, schedule.zone

    def contribution(self) -> Contribution:
        return Contribution(
            rituals=(self.service.template(),),
            sections=(
                (Place.WEEKLY_SESSION, self.service.session_section),
                (Place.WELCOME, self.service.welcome_section),
            ),
            hooks=(
                (Hook.COUPLE_PAIRED, self.service.ensure),
                (Hook.ZONES_CHANGED, self.service.follow_zones),
                (Hook.QUESTION_TIME_CHANGED, self.service.follow_question),
                (Hook.SPACE_RESTORED, self.service.rearm),
            ),
        )
