"""The couple's streak, their answers page by page, and the lines the daily question adds to
other features' posts (/couple status, the weekly digest, the call-night card)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.db.models import Couple
from bot.db.question_models import Answer, StreakDay
from bot.timeutil import zone_info
from bot.ui.pages import Page, clamp_page
from cogs.questions.bank import bank
from cogs.questions.embeds import digest_line, history_card, status_text, talking_points
from cogs.questions.guess import GUESS_DAYS_WORDS, guess_of, is_guess
from cogs.questions.guess_embeds import add_score, history_guess_card
from cogs.questions.rules import enabled_pool, seed_for
from cogs.questions.service import QuestionService
from cogs.questions.streak import DayResult, Streak, StreakState, day_result, fold_streak, streak
from cogs.questions.times import for_both, next_instant, welcome_text

GAME_LINE = "each of you picks your own answer and guesses the other's (`/question categories guesses`)."
STREAK_SETTLED = timedelta(days=7)  # question days older than this can no longer change the streak

# (partners, cutoff), a fingerprint of the days before the cutoff, the streak folded over them
Settled = tuple[tuple[tuple[int, ...], date], tuple[int, ...], StreakState]


class QuestionCards:
    """Reads for the streak and the cards; it keeps each couple's settled streak."""

    def __init__(self, service: QuestionService) -> None:
        self.service = service
        self.repo = service.repo
        self._settled_streaks: dict[int, Settled] = {}  # by guild

    async def streak_of(self, couple: Couple, now: datetime) -> Streak:
        """The couple's streak. Days more than a week old are settled: their part of the streak is
        folded once and kept (with a fingerprint of those days), so only the last week is read
        each time and the cost doesn't grow with the couple's age."""
        zone = await self.service.question_zone(couple, now)
        today = now.astimezone(zone).date()
        cutoff = today - STREAK_SETTLED
        key = (tuple(p.user_id for p in couple.partners), cutoff)
        stamp = await self.repo.streak_stamp(couple.guild_id, cutoff)
        cached = self._settled_streaks.get(couple.guild_id)
        if cached is not None and cached[0] == key and cached[1] == stamp:
            recent = self._results(couple, await self.repo.streak_facts(couple.guild_id, cutoff), now)
            return streak(recent, now, today, cached[2])
        results = self._results(couple, await self.repo.streak_facts(couple.guild_id), now)
        settled = [r for r in results if r.date < cutoff]
        if all(r.open_until is None or r.open_until <= now for r in settled):
            self._settled_streaks[couple.guild_id] = (key, stamp, fold_streak(settled, now))
        return streak(results, now, today)

    @staticmethod
    def _results(couple: Couple, days: list[StreakDay], now: datetime) -> list[DayResult]:
        return [day_result(couple, d, now) for d in days]

    async def history_page(self, couple: Couple, page: int) -> Page:
        """One revealed question per page, newest first, with the streak."""
        now = self.service.clock.now()
        total = await self.repo.revealed_count(couple.guild_id)
        page, pages = clamp_page(page, total, 1)
        current = await self.streak_of(couple, now)
        day = earlier = None
        answers: list[Answer] = []
        if total:
            day = (await self.repo.revealed_page(couple.guild_id, page, 1))[0]
            earlier = await self.repo.day(day.repeat_of) if day.repeat_of else None
            answers = await self.repo.revealed_answers(day.id)
        card = history_card(couple, day, earlier, answers, current, page, pages)
        if day is not None and is_guess(day.question_id):  # a guessing game: picks, guesses, who was right
            plays = await self.service.guesses.revealed_plays(day.id)
            guess_card = history_guess_card(couple, day, guess_of(day.question_id), plays)
            for field in card.fields[-1:]:  # the streak
                guess_card.add_field(name=field.name, value=field.value, inline=False)
            guess_card.set_footer(text=card.footer.text)
            card = guess_card
        add_score(card, couple, await self.service.guesses.score(couple.guild_id))
        return Page(card, page, pages)

    # -- other features' cards -----------------------------------------------------------------

    async def status_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        day = await self.repo.latest_day(couple.guild_id)
        answered = await self.repo.answered_by(day.id) if day is not None and day.open else frozenset()
        post = await self.service.post_schedule(couple)
        return [
            ("Daily question", status_text(couple, day, answered, post, await self.streak_of(couple, now)))
        ]

    async def digest_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        zone = await self.service.question_zone(couple, now)
        since = now.astimezone(zone).date() - timedelta(days=6)
        together = await self.repo.revealed_since(couple.guild_id, since)
        return [("Daily question", digest_line(together, await self.streak_of(couple, now)))]

    async def welcome_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """The welcome post after pairing: when the daily question comes, for each of you."""
        post = await self.service.post_schedule(couple)
        if post is None or post.local_time is None or not post.zone:
            return []
        text = welcome_text(couple, post, now)
        frequency = await self.service.guesses.frequency(couple.guild_id)
        if frequency != "never":
            text += f" {GUESS_DAYS_WORDS[frequency]} it's a guessing game: {GAME_LINE}"
        return [("🌅 The daily question", text)]

    async def zone_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """The reply to a new time zone: when the daily question comes now, for each of you."""
        post = await self.service.post_schedule(couple)
        if post is None or post.local_time is None or not post.zone or post.paused:
            return []
        instant = post.fire_at or next_instant(post.local_time, zone_info(post.zone), now)
        return [("🌅 The daily question", f"comes at {for_both(couple, instant)}.")]

    async def talking_points_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """For a call night: one or two questions (one set aside with "Not today" first, then
        never asked; never a vetoed one, nor one already revealed), and the latest revealed
        answers to follow up on."""
        zone = await self.service.question_zone(couple, now)
        rng = seed_for(couple.guild_id, now.astimezone(zone).date(), 99)
        revealed = await self.repo.revealed_question_ids(couple.guild_id)
        pile = [
            q
            for q in await self.repo.set_aside(couple.guild_id)
            if q.question_id not in revealed and not is_guess(q.question_id)  # a guess is no talking point
        ]
        skipped = rng.choice(pile).question if pile else None
        settings = await self.repo.settings(couple.guild_id)
        history = await self.repo.history(couple.guild_id)
        fresh = [
            q
            for q in enabled_pool(bank(), history.own, settings.categories, settings.tiers, history.vetoed)
            if q.id not in history.asked and q.id not in revealed
        ]
        unasked: list[str] = []
        while len(unasked) + (skipped is not None) < 2 and fresh:
            unasked.append(fresh.pop(rng.randrange(len(fresh))).text)
        latest = await self.repo.revealed_page(couple.guild_id, 0, 1)
        answers = await self.repo.revealed_answers(latest[0].id) if latest else []
        return talking_points(couple, skipped, unasked, latest[0] if latest else None, answers)
