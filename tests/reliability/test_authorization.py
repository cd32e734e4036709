"""The authorization matrix: outsiders against every command, button, select and form.

After a full day of use (``scenario.py``), three kinds of outsider try everything Closer has:

- Carol, a member of the couple's server who is not a partner;
- Dave, a partner of another server's couple, who is a member of this server too;
- anyone in a DM (Carol, Dave, and Alice herself for commands: Closer works in the shared server).

Each attempt must be refused with an ephemeral message, change nothing (every row of every table
is compared before and after) and reveal nothing (no private text of the couple in the reply).
Dave also presses copies of the couple's buttons in his own server: whatever that does for his
own couple, it must not touch or show anything of Alice and Bob's. ``/help`` is for everyone.

The commands are walked from the synced command tree and the components and forms collected from
what the day produced, so new features are covered without touching this file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from emulator import Fake, InteractionResult
from emulator.state import Channel, User
from tests.support import Closer, People

from . import scenario as day
from .support import Change, changes, is_private, reply_text, snapshot

OPEN_TO_ALL = {"help"}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
    b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
)


@dataclass(frozen=True)
class Actor:
    """Who tries, and from where: a server channel, or their DM (``where`` None)."""

    name: str
    user: User
    where: Channel | None
    strict: bool = True  # False: Dave in his own server, where he may act for his own couple
    hidden: tuple[str, ...] = tuple(day.SECRETS)  # the private texts this actor must never see

    def __str__(self) -> str:
        return self.name


def outsiders(s: day.Scenario, *, partner_in_dm: bool = False) -> list[Actor]:
    people = s.people
    actors = [
        Actor("carol (not a partner) in the server", people.carol, people.channel),
        Actor("dave (another couple's partner) in the server", s.dave, people.channel),
        Actor("carol in a DM", people.carol, None),
        Actor("dave in a DM", s.dave, None),
    ]
    if partner_in_dm:
        actors.append(Actor("alice in a DM", people.alice, None))
    return actors


def leaves(node: dict[str, Any], prefix: str) -> list[tuple[str, dict[str, Any]]]:
    subs = [o for o in node.get("options") or [] if o["type"] in (1, 2)]
    if not subs:
        return [(prefix, node)]
    return [leaf for sub in subs for leaf in leaves(sub, f"{prefix} {sub['name']}")]


def chat_commands(fake: Fake) -> list[tuple[str, dict[str, Any]]]:
    return [leaf for c in fake.commands() if c["type"] == 1 for leaf in leaves(c, c["name"])]


PLAUSIBLE = {
    "time": "20:00",
    "start": "23:00",
    "end": "07:00",
    "timezone": "Berlin",
    "date": "2026-12-24",
    "until": "2026-12-24",
    "when": "tomorrow 20:00",
    "dm_me": "07:30",
    "day": "daily",
    "reminders": "60,10",
    "query": "SECRET",
}


def plausible(fake: Fake, s: day.Scenario, leaf: dict[str, Any]) -> dict[str, Any]:
    """Values a real user could send for every option (outsiders are refused before they matter)."""
    values: dict[str, Any] = {}
    for option in leaf.get("options") or []:
        name, kind = option["name"], option["type"]
        if option.get("choices"):
            values[name] = option["choices"][0]["value"]
        elif kind == 3:
            values[name] = PLAUSIBLE.get(name, "A few kind words")[: option.get("max_length", 6000)]
        elif kind in (4, 10):
            values[name] = max(option.get("min_value", 1), s.memory_id or 1)
        elif kind == 5:
            values[name] = True
        elif kind == 6:
            values[name] = s.people.bob
        elif kind == 7:
            values[name] = s.people.channel
        elif kind == 11:
            values[name] = fake.upload("photo.png", PNG, "image/png")
    return values


@dataclass
class Matrix:
    """Runs attempts, compares the database around each, and gathers every problem found."""

    scenario: day.Scenario
    problems: list[str]

    async def attempt(self, actor: Actor, what: str, act: Callable[[], Awaitable[InteractionResult]]) -> None:
        s = self.scenario
        database = s.closer.database
        before = snapshot(database)
        result = await act()
        await s.fake.idle(quiet=0.01)
        after = snapshot(database)
        shown = reply_text(result)
        where = f"{what} by {actor}"
        leaked = s.leaked(shown, actor.hidden)
        if leaked:
            self.problems.append(f"{where} revealed {leaked}: {shown[:200]!r}")
        if actor.strict:
            if result.type not in (4, 5) or not is_private(result):
                self.problems.append(f"{where} was not refused with an ephemeral message: {result!r}")
            if diff := changes(before, after):
                self.problems.append(f"{where} changed {[str(d) for d in diff]}")
        else:
            if not is_private(result):
                self.problems.append(f"{where} answered in public: {result!r}")
            if diff := [d for d in changes(before, after) if not self.theirs(d)]:
                self.problems.append(f"{where} changed the other couple's data: {[str(d) for d in diff]}")

    def theirs(self, change: Change) -> bool:
        """A change made for Dave and Erin's own couple (rows naming their server or them)."""
        s = self.scenario
        own = {s.their_guild.id, s.dave.id, s.erin.id}
        return all(own & set(row) for row in [*change.removed, *change.added])


def place(fake: Fake, actor: Actor) -> dict[str, Any]:
    return {"dm": True} if actor.where is None else {"channel": actor.where}


async def test_every_command_refuses_outsiders_and_reveals_nothing(
    closer: Closer, fake: Fake, people: People
) -> None:
    """Every slash command, every autocomplete and the message menu, by each outsider: refused, unchanged."""
    s = await day.build(fake, closer, people)
    matrix = Matrix(s, [])
    commands = chat_commands(fake)
    assert len(commands) >= 40
    target = fake.messages(people.channel)[0]
    for actor in outsiders(s, partner_in_dm=True):
        for name, leaf in commands:
            values = plausible(fake, s, leaf)
            if name in OPEN_TO_ALL:
                result = await fake.slash(actor.user, name, options=values, **place(fake, actor))
                assert not s.leaked(result.text)
                continue
            await matrix.attempt(
                actor,
                f"/{name}",
                lambda a=actor, n=name, v=values: fake.slash(a.user, n, options=v, **place(fake, a)),
            )
            for option in leaf.get("options") or []:
                if option.get("autocomplete"):
                    choices = await fake.autocomplete(
                        actor.user, name, option["name"], "", **place(fake, actor)
                    )
                    shown = " ".join(f"{c.name} {c.value}" for c in choices)
                    if s.leaked(shown):
                        matrix.problems.append(
                            f"autocomplete of /{name} {option['name']} by {actor} revealed {shown[:200]!r}"
                        )
        message = target if actor.where is not None else fake.bot_message(actor.user, "Remember the lake?")
        await matrix.attempt(
            actor, "Save as memory", lambda a=actor, m=message: fake.context_menu(a.user, "Save as memory", m)
        )
    assert not matrix.problems, "\n".join(matrix.problems)


async def test_every_button_and_select_refuses_outsiders_and_reveals_nothing(
    closer: Closer, fake: Fake, people: People
) -> None:
    """Every component of the day, pressed by each outsider (copies where they could not see it)."""
    s = await day.build(fake, closer, people)
    matrix = Matrix(s, [])
    assert len(s.components) >= 30
    actors = [
        *outsiders(s),
        Actor("dave in his own server", s.dave, s.their_channel, strict=False),
    ]
    for actor in actors:
        for seen in list(s.components.values()):
            where: Channel | User | None
            if actor.where is None:
                where = actor.user  # a copy in their DM
            elif actor.where.guild_id == people.guild.id and not seen.dm:
                where = None if seen.still_there() else actor.where  # the real thing when it is there
            else:
                where = actor.where
            await matrix.attempt(
                actor,
                f"{seen.label!r} ({seen.custom_id})",
                lambda a=actor, c=seen, w=where: day.press(fake, c, a.user, w),
            )
    assert not matrix.problems, "\n".join(matrix.problems)


FORM_VALUES = {
    "mood": "3",
    "date": "2026-11-20",
    "when": "tomorrow 21:00",
    "zone": "Berlin",
    "title": "Forged",
}


async def test_every_form_refuses_outsiders_and_reveals_nothing(
    closer: Closer, fake: Fake, people: People
) -> None:
    """Every form the day opened, submitted by each outsider (a forged submission of its custom_id)."""
    s = await day.build(fake, closer, people, forms=True)
    matrix = Matrix(s, [])
    assert len(s.forms) >= 10
    actors = [*outsiders(s), Actor("dave in his own server", s.dave, s.their_channel, strict=False)]
    for actor in actors:
        for custom_id, form in s.forms.items():
            assert form.modal is not None
            values = {f.custom_id: FORM_VALUES.get(f.custom_id, "Forged words") for f in form.modal.fields}
            await matrix.attempt(
                actor,
                f"form {custom_id}",
                lambda a=actor, f=form, v=values: fake.submit_modal(f, v, a.user, **place(fake, a)),
            )
    assert not matrix.problems, "\n".join(matrix.problems)


# What one partner may not see of the other's before both have answered.
UNTIL_BOTH = ("answer", "session", "gratitude")


async def test_what_names_one_partner_refuses_the_other(closer: Closer, fake: Fake, people: People) -> None:
    """Buttons and forms made for one partner (their id in the custom_id: a check-in, a confirmation,
    the invitation) are refused to the other partner, and show nothing they may not see yet."""
    s = await day.build(fake, closer, people, forms=True)
    matrix = Matrix(s, [])
    tried = 0
    for owner, other in ((people.alice, people.bob), (people.bob, people.alice)):
        actor = Actor(f"{other.name} (the other partner)", other, people.channel, hidden=UNTIL_BOTH)
        for seen in list(s.components.values()):
            if str(owner.id) not in seen.custom_id:
                continue
            where = None if seen.still_there() and not seen.dm else (other if seen.dm else people.channel)
            tried += 1
            await matrix.attempt(
                actor,
                f"{seen.label!r} ({seen.custom_id})",
                lambda a=actor, c=seen, w=where: day.press(fake, c, a.user, w),
            )
        for custom_id, form in s.forms.items():
            if str(owner.id) not in custom_id:
                continue
            assert form.modal is not None
            values = {f.custom_id: FORM_VALUES.get(f.custom_id, "Forged words") for f in form.modal.fields}
            tried += 1
            await matrix.attempt(
                actor, f"form {custom_id}", lambda a=actor, f=form, v=values: fake.submit_modal(f, v, a.user)
            )
    assert tried >= 20
    assert not matrix.problems, "\n".join(matrix.problems)
