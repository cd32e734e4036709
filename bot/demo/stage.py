"""The stage: the real Closer against the Discord emulator, on a controlled clock, in a temporary folder.

:class:`Stage` starts the emulator (127.0.0.1 only) and ``CloserBot`` with every feature, on a
database in a temporary folder, with its scheduler driven by hand: :meth:`Stage.advance_to` moves
the clock from one scheduled moment to the next and runs what is due at each, so every post goes
out at its own time. Partners act through the emulator as a user would (slash commands, buttons,
forms); each action is logged for the transcript. A step that fails is recorded, not fatal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.client import EXTENSIONS, CloserBot
from bot.clock import FakeClock
from bot.demo.transcript import Action
from bot.settings import Settings
from emulator import Fake, InteractionResult, Msg
from emulator.state import Channel, Guild, User

log = logging.getLogger(__name__)

BOT_NAME = "Closer"
MAX_STEPS_PER_ADVANCE = 500  # scheduled moments between two scripted actions (a safety net)


@dataclass
class Stage:
    fake: Fake
    clock: FakeClock
    bot: CloserBot
    guild: Guild
    channel: Channel
    actions: list[Action] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    # -- time ----------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    async def advance_to(self, instant: datetime) -> None:
        """Move the clock to ``instant``, stopping at each scheduled moment on the way to deliver
        what is due then (as the running bot would, each at its own time)."""
        for _ in range(MAX_STEPS_PER_ADVANCE):
            now = self.clock.now()
            armed = await self.bot.schedules.armed(until=instant, since=now)
            upcoming = min((fire for _, fire in armed), default=None)
            if upcoming is None:
                break
            self.clock.set(datetime.fromtimestamp(upcoming, tz=instant.tzinfo))
            await self.run_due()
        if instant > self.clock.now():
            self.clock.set(instant)
        await self.run_due()

    async def wait(self, *, minutes: int) -> None:
        """Let ``minutes`` pass (delivering what comes due meanwhile)."""
        await self.advance_to(self.clock.now() + timedelta(minutes=minutes))

    async def run_due(self) -> None:
        await self.bot.scheduler.run_due()
        await self.fake.idle()

    # -- acting as a partner ---------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def step(self, description: str) -> AsyncIterator[None]:
        """A scripted step; if the bot answers differently than the script expects, the step is
        recorded as a problem and the week goes on."""
        try:
            yield
        except Exception as error:
            log.info("Demo step failed: %s: %s", description, error)
            self.problems.append(f"{description}: {error}")
        await self.fake.idle()

    def _log(self, user: User, channel_id: int, kind: str, title: str, fields: tuple = ()) -> None:
        """A press or a form: it shows in the actor's view just before what it caused (the newest
        id so far, plus a half)."""
        order = self.fake.newest_id + 0.5
        self.actions.append(Action(order, user.id, channel_id, self.clock.now(), kind, title, tuple(fields)))

    async def slash(self, user: User, command: str, **options: Any) -> InteractionResult:
        """``/command`` as ``user`` in the shared channel (or ``dm=True``)."""
        dm = bool(options.pop("dm", False))
        if dm:
            result = await self.fake.slash(user, command, dm=True, options=options)
        else:
            result = await self.fake.slash(user, command, channel=self.channel, options=options)
        await self.fake.idle()
        return result

    async def press(self, user: User, message: Msg | InteractionResult, pattern: str) -> InteractionResult:
        """Press the button whose custom_id matches ``pattern`` (a regex; custom ids are stable),
        or whose label is ``pattern``."""
        msg = message.message if isinstance(message, InteractionResult) else message
        if msg is None:
            raise LookupError(f"no message to press {pattern!r} on")
        button = find_button(msg, pattern)
        self._log(user, msg.channel_id, "press", str(button.get("label") or button.get("emoji") or "button"))
        result = await self.fake.click(msg, button["custom_id"], user)
        await self.fake.idle()
        return result

    async def fill(self, user: User, form: InteractionResult, answers: dict[str, str]) -> InteractionResult:
        """Submit the form ``form`` opened; ``answers`` by field custom_id or a word of its label (a
        required field none of them names gets the first answer; optional ones are left as they are)."""
        modal = form.modal
        if modal is None:
            raise LookupError(f"expected a form, the bot answered: {form.text[:120]!r}")
        values: dict[str, str] = {}
        shown: list[tuple[str, str]] = []
        for item in modal.fields:
            value = pick_answer(item.custom_id, item.label or "", answers)
            if value is None and item.required and not item.value:
                value = next(iter(answers.values()), "Yes")  # a field the script doesn't know yet
            if value is None:
                continue
            values[item.custom_id] = value
            shown.append((item.label or item.custom_id, value))
        self._log(user, form.interaction.channel_id, "form", str(modal.title or "Form"), tuple(shown))
        result = await self.fake.submit_modal(form, values, user)
        await self.fake.idle()
        return result

    # -- finding what the bot posted -------------------------------------------------------------

    def posts(self, where: Channel | User | None = None) -> list[Msg]:
        """The bot's messages in the shared channel (or a DM, or a thread), oldest first."""
        place = where if where is not None else self.channel
        return [m for m in self.fake.messages(place) if m.author_id == self.fake.world.bot.id]

    def latest(self, where: Channel | User | None, pattern: str) -> Msg:
        """The newest bot message in ``where`` with a button matching ``pattern``."""
        for msg in reversed(self.posts(where)):
            with contextlib.suppress(LookupError):
                find_button(msg, pattern)
                return msg
        raise LookupError(f"no message with a button {pattern!r} yet")

    def threads(self) -> list[Channel]:
        return self.fake.threads(self.channel)

    # -- lifecycle -------------------------------------------------------------------------------

    async def stop(self) -> None:
        await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._task
        await self.fake.stop()


def find_button(msg: Msg, pattern: str) -> dict[str, Any]:
    wanted = re.compile(pattern)
    for component in msg.all_components:
        if component.get("type") != 2 or component.get("disabled") or "custom_id" not in component:
            continue
        if wanted.fullmatch(component["custom_id"]) or component.get("label") == pattern:
            return component
    raise LookupError(f"no button {pattern!r} on the message; buttons: {msg.buttons}")


def pick_answer(custom_id: str, label: str, answers: dict[str, str]) -> str | None:
    if custom_id in answers:
        return answers[custom_id]
    lowered = label.lower()
    for key, value in answers.items():
        if key.lower() in lowered:
            return value
    return None


async def open_stage(
    start: datetime,
    folder: Path,
    names: tuple[str, str],
    *,
    server: str = "Our place",
    guild_id: int | None = None,
) -> tuple[Stage, User, User]:
    """Start the emulator and Closer (database in ``folder``) at ``start``; two partners-to-be in a
    server with a shared channel #us."""
    clock = FakeClock(start)
    fake = await Fake.start(clock=clock.now)
    fake.world.bot.name = BOT_NAME
    first, second = fake.create_user(names[0]), fake.create_user(names[1])
    guild = fake.create_guild(
        server, members=[first, second], text_channels=["general", "us"], owner=first, guild_id=guild_id
    )
    # Built as given, reading neither the environment nor .env: nothing of a real install is used.
    settings = Settings.model_construct(
        discord_token=SecretStr(fake.token),
        database_path=folder / "closer.sqlite3",
        backup_dir=folder / "backups",
        log_level="WARNING",
        dev_guild_id=None,
    )
    bot = CloserBot(
        settings, clock=clock, scheduler_autostart=False, guild_ready_timeout=0.05, extensions=EXTENSIONS
    )
    task = asyncio.create_task(bot.start(fake.token), name="closer-demo")
    try:
        await fake.wait_for_ready(task)
        await asyncio.wait_for(bot.wait_until_ready(), timeout=10)
        await asyncio.wait_for(bot.settled(), timeout=10)
    except BaseException:
        await bot.close()
        await fake.stop()
        raise
    stage = Stage(fake, clock, bot, guild, guild.channel("us"), _task=task)
    return stage, first, second
