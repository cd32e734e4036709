"""The scripted week: what the two partners do, day by day, each at a plausible time of their own day.

Every act is ``(day, partner, local time, description, what they do)``; the week sorts the acts of
all days by the instant they happen and plays them in order, letting the clock run between them
so Closer posts everything scheduled meanwhile at its own time (the daily question, the evening
check-in asks, reminders, rituals, the digest). An act finds what it needs the way a person does
(the newest question post, the check-in ask in their DMs) and presses buttons by their custom id,
which Closer keeps stable, so the week keeps working as wording changes.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.demo import story
from bot.demo.stage import Stage
from bot.demo.transcript import Moment
from bot.timeutil import QuietHours, nearest_shared_time, wall_to_utc
from emulator import InteractionResult, Msg
from emulator.state import User

QUESTION_ANSWER = r"closer:question:answer:(\d+)"
CHECKIN_MOOD = r"closer:checkin:\d+:\d+:{mood}"
CHECKIN_NOTE = r"closer:checkin:\d+:\d+:note"
SESSION_STEP = r"closer:session:\d+:\d+"
GRATITUDE = r"closer:gratitude:\d+"
WIN = r"closer:win:\d+"
CALL_YES = r"closer:call:rsvp:\d+:\d+:yes"
MEMORY_NEW = r"closer:memory:new"
INVITE_ACCEPT = r"closer:invite:accept:\d+"


@dataclass(frozen=True)
class Partner:
    user: User
    zone: ZoneInfo
    index: int  # 0: the one who sets up Closer, 1: the other

    @property
    def name(self) -> str:
        return self.user.name


Run = Callable[["Week", Partner], Awaitable[None]]


@dataclass(frozen=True)
class Act:
    at: datetime  # when (UTC)
    partner: int
    description: str
    run: Run


@dataclass
class Week:
    stage: Stage
    partners: tuple[Partner, Partner]
    start: date  # day 1, in the first partner's zone
    days: int
    moments: list[Moment] = field(default_factory=list)
    answered: set[tuple[int, int]] = field(default_factory=set)  # (partner index, question day)
    session: set[tuple[int, str]] = field(default_factory=set)  # (partner index, step's custom id)

    def other(self, partner: Partner) -> Partner:
        return self.partners[1 - partner.index]

    def local_day(self, day: int) -> date:
        return self.start + timedelta(days=day - 1)

    def at(self, partner: int, day: int, wall: time) -> datetime:
        """``wall`` on ``day`` (1: the first) in ``partner``'s zone."""
        return wall_to_utc(self.local_day(day), wall, self.partners[partner].zone)

    def awake(self, partner: int, instant: datetime) -> datetime:
        """``instant``, or when ``partner``'s night ends if they are asleep then (default quiet hours)."""
        released = QuietHours().release(instant, self.partners[partner].zone)
        return instant if released == instant else released + timedelta(minutes=25)

    async def play(self, acts: list[Act]) -> None:
        for act in sorted(acts, key=lambda a: a.at):  # stable: acts at one moment keep their order
            await self.stage.advance_to(max(act.at, self.stage.now()))
            partner = self.partners[act.partner]
            before, started = len(self.stage.problems), self.stage.now()
            local = started.astimezone(partner.zone)
            async with self.stage.step(
                f"{local:%a %H:%M} for {partner.name}: {partner.name} {act.description}"
            ):
                await act.run(self, partner)
            ok = len(self.stage.problems) == before
            self.moments.append(Moment(started, partner.name, act.description, ok))
        await self.stage.advance_to(max(self.end, self.stage.now()))

    @property
    def end(self) -> datetime:
        """When the last day is over for both partners."""
        return max(self.at(p.index, self.days + 1, time(0, 0)) for p in self.partners)

    # -- what the partners find ------------------------------------------------------------------

    def open_question(self, partner: Partner) -> tuple[Msg, int] | None:
        """The newest question post still open that ``partner`` has not answered."""
        for msg in reversed(self.stage.posts()):
            for component in msg.all_components:
                found = re.fullmatch(QUESTION_ANSWER, str(component.get("custom_id", "")))
                if found and (partner.index, int(found[1])) not in self.answered:
                    return msg, int(found[1])
        return None

    def checkin_ask(self, partner: Partner) -> Msg | None:
        """Today's check-in ask in ``partner``'s DMs, if it is still open."""
        for msg in reversed(self.stage.posts(partner.user)):
            if any(re.fullmatch(CHECKIN_NOTE, str(c.get("custom_id", ""))) for c in msg.all_components):
                return msg
        return None


def city(partner: Partner) -> str:
    return partner.zone.key.rsplit("/", 1)[-1].replace("_", " ")


# -- the acts -------------------------------------------------------------------------------------


async def pair(week: Week, partner: Partner) -> None:
    stage, other = week.stage, week.other(partner)
    await stage.slash(
        partner.user, "couple setup", partner=other.user, channel=stage.channel, timezone=partner.zone.key
    )
    invitation = stage.latest(None, INVITE_ACCEPT)
    await stage.wait(minutes=4)
    await stage.press(other.user, invitation, INVITE_ACCEPT)
    await stage.slash(other.user, "couple timezone", timezone=other.zone.key)


async def answer_question(week: Week, partner: Partner) -> None:
    found = week.open_question(partner)
    if found is None:
        return  # revealed already, or not posted yet: nothing to answer now
    post, day = found
    form = await week.stage.press(partner.user, post, QUESTION_ANSWER)
    question = (post.embed or {}).get("description", "")
    here, there = city(partner), city(week.other(partner))
    text = story.answer(partner.index, question, day, here, there)
    await week.stage.fill(partner.user, form, {"answer": text})
    week.answered.add((partner.index, day))


def check_in(mood: int, note: str | None) -> Callable[[Week, Partner], Awaitable[None]]:
    async def run(week: Week, partner: Partner) -> None:
        stage = week.stage
        ask: Msg | InteractionResult | None = week.checkin_ask(partner)
        if ask is None:
            ask = await stage.slash(partner.user, "checkin now")
        await stage.press(partner.user, ask, CHECKIN_MOOD.format(mood=mood))
        if note:
            form = await stage.press(partner.user, ask, CHECKIN_NOTE)
            await stage.fill(partner.user, form, {"note": note})

    return run


def command(name: str, **options: object) -> Callable[[Week, Partner], Awaitable[None]]:
    async def run(week: Week, partner: Partner) -> None:
        await week.stage.slash(partner.user, name, **options)

    return run


async def add_memory_with_photo(week: Week, partner: Partner) -> None:
    stage = week.stage
    photo = stage.fake.upload("cabo-da-roca.jpg", story.sample_photo(), "image/jpeg")
    await stage.slash(
        partner.user,
        "memory add",
        title=story.MEMORY_TITLE,
        date=f"{week.start.year - 1}-08-16",
        description=story.MEMORY_TEXT,
        tags="lisbon, summer, us",
        photo=photo,
    )


async def celebrate_win(week: Week, partner: Partner) -> None:
    stage = week.stage
    await stage.press(partner.user, stage.latest(None, WIN), WIN)


async def share_gratitude(week: Week, partner: Partner) -> None:
    stage = week.stage
    post = stage.latest(None, GRATITUDE)
    form = await stage.press(partner.user, post, GRATITUDE)
    things = story.GRATITUDE[partner.index]
    await stage.fill(partner.user, form, {f"g{n}": thing for n, thing in enumerate(things)})


async def rsvp_call(week: Week, partner: Partner) -> None:
    stage = week.stage
    await stage.press(partner.user, stage.latest(None, CALL_YES), CALL_YES)


async def log_call_memory(week: Week, partner: Partner) -> None:
    stage = week.stage
    form = await stage.press(partner.user, stage.latest(None, MEMORY_NEW), MEMORY_NEW)
    await stage.fill(partner.user, form, {"title": story.CALL_MEMORY[0], "description": story.CALL_MEMORY[1]})


async def weekly_session(week: Week, partner: Partner) -> None:
    """The session is done together (often on a call): step by step, each answers in turn."""
    stage = week.stage
    order = (partner, week.other(partner))
    for _ in range(12):
        step = newest_session_step(week)
        if step is None:
            return
        msg, custom_id = step
        pending = [p for p in order if (p.index, custom_id) not in week.session]
        if not pending:
            return
        for who in pending:
            form = await stage.press(who.user, msg, custom_id)
            fields = form.modal.fields if form.modal is not None else []
            title = (fields[0].label or "") if fields else ""
            await stage.fill(who.user, form, {"answer": story.session_answer(who.index, title)})
            week.session.add((who.index, custom_id))
            await stage.wait(minutes=3)


def newest_session_step(week: Week) -> tuple[Msg, str] | None:
    for thread in reversed(week.stage.threads()):
        for msg in reversed(week.stage.posts(thread)):
            for component in msg.all_components:
                custom_id = str(component.get("custom_id", ""))
                if re.fullmatch(SESSION_STEP, custom_id) and not component.get("disabled"):
                    return msg, custom_id
    return None


# -- the plan -------------------------------------------------------------------------------------

A, B = 0, 1  # the partner who sets Closer up, and the other
MINUTE = timedelta(minutes=1)


def shared(week: Week, partner: int, day: int, wanted: time) -> datetime:
    """``wanted`` on ``day`` in ``partner``'s zone, or the nearest moment both are awake."""
    candidate = week.at(partner, day, wanted)
    people = [(p.zone, QuietHours()) for p in week.partners]
    return nearest_shared_time(candidate, people) or candidate


def local(week: Week, partner: int, instant: datetime) -> tuple[str, str]:
    """(weekday name, "HH:MM") of ``instant`` for ``partner``: what they type in a command."""
    moment = instant.astimezone(week.partners[partner].zone)
    return moment.strftime("%A").lower(), f"{moment:%H:%M}"


def plan(week: Week) -> list[Act]:
    """Every act of the run: setting up on the first morning, each day's, each week's."""
    paired = week.at(A, 1, time(8, 0))
    session = shared(week, A, 7, time(10, 0))
    call = shared(week, B, 6, time(20, 0))
    gratitude = week.at(B, 4, time(20, 30))
    session_day, session_time = local(week, A, session)
    call_day, call_time = local(week, B, call)
    gratitude_day, gratitude_time = local(week, B, gratitude)
    acts = [
        Act(paired, A, "sets Closer up in #us and invites their partner, who accepts", pair),
        Act(paired + 12 * MINUTE, A, "chooses love languages", command("lovelanguage set", **story.LOVE[A])),
        Act(
            paired + 15 * MINUTE,
            A,
            f"adds a weekly check-in session for {session_day.title()}s",
            command("ritual add", template="weekly_checkin", time=session_time, day=session_day),
        ),
        Act(paired + 20 * MINUTE, B, "chooses love languages", command("lovelanguage set", **story.LOVE[B])),
        Act(
            paired + 25 * MINUTE,
            B,
            "plans a weekly call night",
            command("call schedule", weekday=WEEKDAYS.index(call_day), time=call_time, reminders="60, 10"),
        ),
        Act(
            paired + 30 * MINUTE,
            B,
            f"adds a gratitude ritual on {gratitude_day.title()}s",
            command("ritual add", template="gratitude", time=gratitude_time, day=gratitude_day),
        ),
    ]
    weeks = range(0, week.days, 7)
    for day in range(1, week.days + 1):
        acts += daily(week, day)
    for offset in weeks:
        acts += weekly(week, timedelta(days=offset), session, call, gratitude)
    acts += once(week)
    last = week.days
    acts += [
        Act(week.at(A, last, time(21, 0)), A, "looks at the mood chart", command("mood history", days=7)),
        Act(week.at(B, last, time(21, 0)), B, "looks at /couple status", command("couple status")),
    ]
    return [act for act in acts if paired <= act.at < week.end]  # nothing before they pair


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def daily(week: Week, day: int) -> list[Act]:
    """Every day: the question answered by both, and the evening check-ins."""
    mood_a, note_a = story.CHECKINS[A][(day - 1) % 7]
    mood_b, note_b = story.CHECKINS[B][(day - 1) % 7]
    first, second = story.ANSWER_TIMES[(day - 1) % 7]
    return [
        Act(week.at(A, day, first), A, "answers the daily question", answer_question),
        Act(week.at(B, day, second), B, "answers the daily question", answer_question),
        Act(week.at(B, day, time(20, 25)), B, f"checks in ({mood_b}/5)", check_in(mood_b, note_b)),
        Act(week.at(A, day, time(20, 35)), A, f"checks in ({mood_a}/5)", check_in(mood_a, note_a)),
    ]


def weekly(
    week: Week, offset: timedelta, session: datetime, call: datetime, gratitude: datetime
) -> list[Act]:
    """Each week: a win on Wednesday evening, gratitude, the call night, the session together."""
    win = week.at(A, 3, time(18, 5)) + offset
    call, session, gratitude = call + offset, session + offset, gratitude + offset
    return [
        Act(win, A, "shares a win", command("win", text=story.WIN)),
        Act(week.awake(B, win + 40 * MINUTE), B, "celebrates the win", celebrate_win),
        Act(gratitude + 10 * MINUTE, B, "shares three good things", share_gratitude),
        Act(week.awake(A, gratitude + 40 * MINUTE), A, "shares three good things", share_gratitude),
        Act(call - 50 * MINUTE, B, "says they'll be at the call", rsvp_call),
        Act(call - 45 * MINUTE, A, "says they'll be at the call", rsvp_call),
        Act(call + 75 * MINUTE, B, "logs a memory of the call", log_call_memory),
        Act(session + 5 * MINUTE, A, "does the weekly check-in session together", weekly_session),
    ]


def once(week: Week) -> list[Act]:
    """The first week's one-offs: a memory with its photo, a note of thanks, the next visit."""
    visit = week.local_day(3) + timedelta(days=38)
    return [
        Act(
            week.at(A, 2, time(13, 10)),
            A,
            "sends an appreciation",
            command("appreciate", message=story.APPRECIATION),
        ),
        Act(week.at(B, 2, time(21, 40)), B, "adds a memory with a photo", add_memory_with_photo),
        Act(
            week.at(B, 3, time(22, 10)),
            B,
            "sets the date of the next visit",
            command("visit set", date=visit.isoformat()),
        ),
    ]
