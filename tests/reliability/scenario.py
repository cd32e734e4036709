"""A full day of Closer, to collect every button, select and form a couple meets.

``build`` pairs Alice and Bob through the real flow (keeping the invitation's buttons), then uses
every feature: the question (answered by Alice only, so her answer stays private), check-ins with a
note, memories (enough for a second page), a win, an appreciation, a weekly check-in session,
gratitude, goodnight, a call with its reminder, card, memory prompt and a proposal to move it,
special dates and the confirmations of every destructive command. Private texts carry markers
(``SECRET-...``) so a test can tell whether any of them leaked.

It also pairs Dave and Erin in a second server, "Their place"; Dave is a member of "Our place" too.
``components`` are collected from every message and ephemeral reply (the component as first seen,
so buttons later removed, such as the invitation's, can still be pressed); ``forms`` are the modals
that pressing them, or a command, opened for the partner they belong to.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from emulator import Fake, InteractionResult, Msg
from emulator.state import Channel, Guild, User
from tests.support import Closer, People

SECRETS = {
    "answer": "SECRET-ANSWER hidden until both answered",
    "note": "SECRET-NOTE about a rough day",
    "title": "SECRET-TITLE our hidden cove",
    "memory": "SECRET-MEMORY the description only we know",
    "appreciation": "SECRET-APPRECIATION you listened all night",
    "session": "SECRET-SESSION what worried me this week",
    "gratitude": "SECRET-GRATITUDE your laugh",
    "goodnight": "SECRET-GOODNIGHT sleep well my love",
}

# The clock's stops (UTC): rituals, the call's reminder, its card and memory prompt, the evening.
SESSION_AND_REMINDER = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)  # 14:00 Berlin
CALL_START = datetime(2026, 11, 24, 13, 10, tzinfo=UTC)  # 14:10 Berlin; its reminder: 10 minutes before
MEMORY_PROMPT = datetime(2026, 11, 24, 14, 10, tzinfo=UTC)
ALICE_EVENING = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # her check-in ask
ALICE_BEDTIME = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)  # her goodnight reminder


@dataclass
class Seen:
    """A component as it was first seen, and the message it was on."""

    custom_id: str
    component: dict[str, Any]
    message: Msg
    ephemeral: bool
    dm: bool

    @property
    def label(self) -> str:
        return str(self.component.get("label") or self.component.get("placeholder") or self.custom_id)

    @property
    def is_select(self) -> bool:
        return self.component.get("type") != 2

    def still_there(self) -> bool:
        """Still on its message, and enabled: a user can press it as it is."""
        msg = self.message
        return not msg.deleted and any(
            c.get("custom_id") == self.custom_id and not c.get("disabled") for c in msg.all_components
        )


@dataclass
class Scenario:
    fake: Fake
    closer: Closer
    people: People
    dave: User
    erin: User
    their_guild: Guild
    their_channel: Channel
    components: dict[str, Seen] = field(default_factory=dict)
    forms: dict[str, InteractionResult] = field(default_factory=dict)
    memory_id: int = 0

    def leaked(self, text: str, kinds: tuple[str, ...] = tuple(SECRETS)) -> list[str]:
        """The private texts (of these kinds) that ``text`` shows."""
        return [SECRETS[k] for k in kinds if SECRETS[k].split()[0] in text]

    def places(self) -> list[Channel]:
        """Where the couple's messages live: the server's channels and threads, and both DMs."""
        guild = self.people.guild
        found: list[Channel] = []
        for channel in guild.text_channels:
            found.append(channel)
            found += self.fake.threads(channel)
        found += [self.fake.dm_channel(self.people.alice), self.fake.dm_channel(self.people.bob)]
        return found

    def keep(self, result: InteractionResult) -> InteractionResult:
        """Remember a form the bot opened (for its partner)."""
        assert result.modal is not None, result.text
        self.forms.setdefault(result.modal.custom_id, result)
        return result

    def collect(self) -> None:
        """Remember every component on every message so far (first sighting wins)."""
        for place in self.places():
            for msg in self.fake.messages(place, include_ephemeral=True):
                for component in msg.all_components:
                    custom_id = component.get("custom_id")
                    if not custom_id or component.get("type") not in (2, 3):
                        continue
                    if custom_id not in self.components:
                        self.components[custom_id] = Seen(
                            custom_id, copy.deepcopy(component), msg, msg.ephemeral, place.is_dm
                        )

    async def slash(self, user: User, command: str, **options: Any) -> InteractionResult:
        reply = await self.fake.slash(user, command, **options)
        await self.fake.idle()
        self.collect()
        return reply

    async def at(self, instant: datetime) -> None:
        await self.closer.at(instant)
        await self.fake.idle()
        self.collect()


def button_message(fake: Fake, where: Channel | User, seen: Seen) -> Msg:
    """A message holding a copy of ``seen``'s component, planted in ``where``."""
    component = {**seen.component, "disabled": False}
    return fake.bot_message(
        where, "copy", components=[{"type": 1, "components": [component]}], ephemeral=seen.ephemeral
    )


async def press(fake: Fake, seen: Seen, user: User, where: Channel | User | None = None) -> InteractionResult:
    """Press (or pick the first option of) a component as ``user``: on its own message when it is
    still there and ``where`` is None, else on a copy planted in ``where``."""
    target = (
        seen.message
        if where is None and seen.still_there()
        else button_message(fake, where or seen.message.channel, seen)
    )
    if seen.is_select:
        options = seen.component.get("options") or []
        return await fake.select(target, seen.custom_id, [options[0]["value"]] if options else [], user)
    return await fake.click(target, seen.custom_id, user)


async def pair_with_invitation(fake: Fake, scenario: Scenario) -> None:
    people = scenario.people
    await scenario.slash(
        people.alice,
        "couple setup",
        partner=people.bob,
        options={"channel": people.channel},
        timezone="Berlin",
    )
    invitation = await fake.wait_for_message(people.channel, lambda m: "Accept" in m.buttons)
    scenario.collect()
    accepted = await fake.click(invitation, "Accept", people.bob)
    await accepted.wait_for_followup()
    await scenario.slash(people.bob, "couple timezone", timezone="America/Los_Angeles")


async def pair_second_couple(fake: Fake, scenario: Scenario) -> None:
    """Dave and Erin in "Their place"; Dave also joins "Our place" (a friend of both couples)."""
    await scenario.fake.sync()
    await fake.slash(
        scenario.dave,
        "couple setup",
        partner=scenario.erin,
        options={"channel": scenario.their_channel},
        timezone="Europe/Paris",
        guild=scenario.their_guild,
    )
    invitation = await fake.wait_for_message(scenario.their_channel, lambda m: "Accept" in m.buttons)
    await fake.click(invitation, "Accept", scenario.erin)
    await fake.idle()


async def use_everything(fake: Fake, scenario: Scenario) -> None:
    people = scenario.people
    alice, bob = people.alice, people.bob
    s = scenario

    await s.slash(alice, "question now")
    post = await fake.wait_for_message(people.channel, lambda m: "Answer" in m.buttons)
    form = s.keep(await fake.click(post, "Answer", alice))
    await fake.submit_modal(form, {"answer": SECRETS["answer"]}, alice)
    await s.slash(alice, "question skip")
    await s.slash(alice, "question categories")
    await s.slash(alice, "question history")

    checkin = await s.slash(alice, "checkin now")
    await fake.click(checkin, "2", alice)
    note = s.keep(await fake.click(checkin, "Add a note", alice))
    await fake.submit_modal(note, {"mood": "2", "note": SECRETS["note"]}, alice)
    await s.slash(bob, "checkin now")

    first = await s.slash(alice, "memory add", title=SECRETS["title"], description=SECRETS["memory"])
    s.memory_id = number_after("memory book as #", first.text)
    for index in range(10):
        await fake.slash(bob, "memory add", title=f"Walk {index}", description=f"{SECRETS['memory']} {index}")
    await s.slash(alice, "memory list")
    await s.slash(alice, "memory search", query="walk")
    await s.slash(alice, "memory delete", id=s.memory_id)
    await s.slash(alice, "memory edit", id=s.memory_id)

    await s.slash(alice, "win", text="I finished the marathon")
    await s.slash(alice, "appreciate", message=SECRETS["appreciation"])
    added = await s.slash(alice, "date add", kind="anniversary", date="2020-02-29", label="Our day")
    await s.slash(alice, "date list")
    await s.slash(alice, "date remove", id=number_after("#", added.text))

    rituals = []
    for template in ("weekly_checkin", "gratitude", "custom"):
        added = await s.slash(
            alice, "ritual add", template=template, time="14:00", day="daily", message="Together time"
        )
        rituals.append(number_after("ritual #", added.text))
    await s.slash(alice, "ritual add", template="goodnight", time="22:00", day="daily")
    await s.slash(alice, "ritual list")
    await s.slash(alice, "ritual remove", id=rituals[-1])
    # 14:10 in Berlin is 05:10 in Los Angeles: a reminder in the shared channel comes only while
    # both are awake (issue 14), so Bob has no quiet hours here.
    await s.slash(bob, "couple quiet", start="00:00", end="00:00")
    planned = await s.slash(alice, "call plan", when="2026-11-24 14:10", reminders="10")
    await s.slash(alice, "call list")
    await s.slash(alice, "call cancel", id=number_after("Call #", planned.text))

    await s.at(SESSION_AND_REMINDER)
    thread = next(t for t in fake.threads(people.channel) if "Weekly check-in" in t.name)
    step = await fake.wait_for_message(thread, lambda m: "Answer" in m.buttons)
    form = s.keep(await fake.click(step, "Answer", alice))
    await fake.submit_modal(form, {"answer": SECRETS["session"]}, alice)
    gratitude = await fake.wait_for_message(people.channel, lambda m: "Share mine" in m.buttons)
    form = s.keep(await fake.click(gratitude, "Share mine", alice))
    await fake.submit_modal(form, {f"g{i}": f"{SECRETS['gratitude']} {i}" for i in range(3)}, alice)
    reminder = await fake.wait_for_message(people.channel, lambda m: "Need to move it" in m.buttons)
    form = s.keep(await fake.click(reminder, "Need to move it", alice))
    await fake.submit_modal(form, {"when": "tomorrow 20:00", "note": "Work runs late"}, alice)
    s.collect()

    await s.at(CALL_START)
    await s.at(MEMORY_PROMPT)
    await s.at(ALICE_EVENING)
    await s.at(ALICE_BEDTIME)
    goodnight = await fake.wait_for_message(alice, lambda m: "Write a goodnight note" in m.buttons)
    form = s.keep(await fake.click(goodnight, "Write a goodnight note", alice))
    await fake.submit_modal(form, {"note": SECRETS["goodnight"]}, alice)

    words = await fake.user_message(alice, people.channel, "Remember the lake?")
    await fake.context_menu(alice, "Save as memory", words)
    scope = data_delete_scope(fake)
    if scope is not None:  # the data feature: an export, and the confirmation before deleting
        await s.slash(alice, "data export")
        await s.slash(alice, "data delete", scope=scope)
    s.collect()


def number_after(marker: str, text: str) -> int:
    """The number that follows ``marker`` in a reply ("Added ritual #7: ..." -> 7)."""
    rest = text.split(marker, 1)[1]
    digits = ""
    for char in rest:
        if not char.isdigit():
            break
        digits += char
    return int(digits)


def data_delete_scope(fake: Fake) -> str | None:
    """The first scope ``/data delete`` offers (None without that command)."""
    for command in fake.commands():
        if command["name"] == "data":
            for sub in command.get("options") or []:
                if sub["name"] == "delete":
                    return sub["options"][0]["choices"][0]["value"]
    return None


async def open_every_form(fake: Fake, scenario: Scenario) -> None:
    """Press each button as its partner (Alice, else Bob) and keep the forms that open; commands
    that open a form (``/question answer``, ``/memory edit``, Save as memory) too."""
    people = scenario.people
    skip = ("closer:confirm:", "closer:invite:", "closer:call:move:", "closer:page:")
    for seen in list(scenario.components.values()):
        if seen.is_select or seen.custom_id.startswith(skip) or not seen.still_there():
            continue
        for user in (people.alice, people.bob):
            result = await press(fake, seen, user)
            await fake.idle()
            if result.modal is not None:
                scenario.forms.setdefault(result.modal.custom_id, result)
                break
            if not (result.ephemeral and result.type == 4):
                break  # it did something for this partner: not a refusal
    for user, command, options in (
        (people.alice, "question answer", {}),
        (people.alice, "memory edit", {"id": scenario.memory_id}),
    ):
        result = await fake.slash(user, command, **options)
        if result.modal is not None:
            scenario.forms.setdefault(result.modal.custom_id, result)
    words = await fake.user_message(people.bob, people.channel, "The lake, again")
    result = await fake.context_menu(people.bob, "Save as memory", words)
    if result.modal is not None:
        scenario.forms.setdefault(result.modal.custom_id, result)
    memory_button = {"type": 2, "style": 1, "label": "Log a memory", "custom_id": "closer:memory:new"}
    if "closer:memory:new" not in scenario.components:
        planted = fake.bot_message(
            people.channel, "copy", components=[{"type": 1, "components": [memory_button]}]
        )
        result = await fake.click(planted, "closer:memory:new", people.alice)
        if result.modal is not None:
            scenario.forms.setdefault(result.modal.custom_id, result)
    await fake.idle()


async def build(fake: Fake, closer: Closer, people: People, *, forms: bool = False) -> Scenario:
    dave, erin = fake.create_user("dave"), fake.create_user("erin")
    fake.add_member(people.guild, dave)
    their = fake.create_guild("Their place", members=[dave, erin], text_channels=["general", "ours"])
    scenario = Scenario(fake, closer, people, dave, erin, their, their.channel("ours"))
    await pair_with_invitation(fake, scenario)
    await pair_second_couple(fake, scenario)
    await use_everything(fake, scenario)
    if forms:
        await open_every_form(fake, scenario)
    scenario.collect()
    return scenario
