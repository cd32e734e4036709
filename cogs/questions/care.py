"""Care in choosing: the day after a partner's low check-in, the question is light or personal,
never deep (:func:`cogs.questions.rules.gentle_tiers`).

Moods are read through the core check-in repository (features never import each other), and only
check-ins whose mood the partner may see count: a hidden check-in never changes the shared
question, or the question would tell the partner what the check-in didn't.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db.models import Couple
from bot.db.repositories.checkins import CheckIn, CheckinRepository, Sharing

LOW_MOOD = 2  # 1/5 and 2/5 are low days


async def mood_shared(checkins: CheckinRepository, checkin: CheckIn) -> bool:
    """Whether the other partner may see this check-in's mood: the one place that decides.

    A check-in made under "nothing" is hidden. Check-ins carry the level they were made under
    once the check-in room stores it (``checkins.sharing``, migration V13); until then this reads
    the partner's current level.
    """
    stored = getattr(checkin, "sharing", None)  # the entry's own level, once check-ins carry it
    level = Sharing(stored) if stored else await checkins.sharing(checkin.guild_id, checkin.user_id)
    return level is not Sharing.NOTHING


async def low_lately(checkins: CheckinRepository, couple: Couple, now: datetime) -> bool:
    """Whether a partner's shared check-in was low (1-2/5) on their previous local day (or
    earlier on their current one): the question of such a day is a gentle one."""
    for partner in couple.partners:
        today = now.astimezone(couple.zone_of(partner, now)).date()
        for checkin in await checkins.between(
            couple.guild_id, partner.user_id, today - timedelta(days=1), today
        ):
            if checkin.mood <= LOW_MOOD and await mood_shared(checkins, checkin):
                return True
    return False
