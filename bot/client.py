"""The bot: its lifecycle (``setup_hook`` / ``close``) and what every cog shares."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors
from bot.clock import Clock, SystemClock
from bot.db import Database, migrate
from bot.db.models import Couple
from bot.db.repositories.couples import CoupleRepository, StateRepository
from bot.db.repositories.schedules import ScheduleRepository
from bot.rituals import RitualService
from bot.scheduler import Scheduler
from bot.settings import Settings
from bot.ui.components import dispatch_modal
from bot.ui.confirm import ConfirmButton, ConfirmHandler
from bot.ui.pages import PageButton, PageSource

Hook = Callable[..., Awaitable[None]]
# A cog's contribution to a shared post: (title, text) pairs. Places: "status" (/couple status),
# "digest" (the weekly digest), "question_post" (the daily question), "talking_points" (call card).
Section = Callable[[Couple, datetime], Awaitable[list[tuple[str, str]]]]

log = logging.getLogger(__name__)

# The features, one cog each. bot/ never imports cogs/: it loads them by name.
EXTENSIONS: tuple[str, ...] = (
    "cogs.couple",
    "cogs.questions",
    "cogs.checkins",
    "cogs.memories",
    "cogs.rituals",
    "cogs.calls",
    "cogs.dates",
    "cogs.data",
    "cogs.help",
)

TREE_HASH_KEY = "command_tree_hash"


class CloserTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await errors.report(interaction, error)


def intents() -> discord.Intents:
    """Only the GUILDS intent: Closer works through interactions and REST, so it needs no
    privileged intent (no members, no message content, no presences)."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    return chosen


class CloserBot(commands.Bot):
    db: Database
    couples: CoupleRepository
    state: StateRepository
    schedules: ScheduleRepository
    scheduler: Scheduler
    rituals: RitualService

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        extensions: Sequence[str] = EXTENSIONS,
        scheduler_autostart: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            help_command=None,
            tree_cls=CloserTree,
            allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=True),
            **options,
        )
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.extension_names = tuple(extensions)
        self.confirmations: dict[str, ConfirmHandler] = {}
        self.page_sources: dict[str, PageSource] = {}
        self._hooks: dict[str, list[Hook]] = {}
        self._sections: dict[str, list[Section]] = {}
        self._db: Database | None = None
        self._scheduler_autostart = scheduler_autostart
        self._background: list[asyncio.Task[None]] = []
        self._was_ready = False

    # -- lifecycle -----------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        self._db = self.db = await Database.open(self.settings.database_path)
        await migrate(self.db)
        self.couples = CoupleRepository(self.db)
        self.state = StateRepository(self.db)
        self.schedules = ScheduleRepository(self.db)
        self.scheduler = Scheduler(self, self.schedules, autostart=self._scheduler_autostart)
        self.rituals = RitualService(self)
        self.on_hook("zones_changed", self._refresh_personal_schedules)
        self.add_dynamic_items(ConfirmButton, PageButton)
        self.add_listener(dispatch_modal, "on_interaction")
        for name in self.extension_names:
            await self.load_extension(name)
        # After the cogs registered their kinds: rebuild the jobs from the table, catch up.
        await self.scheduler.start()
        await self.sync_commands()

    async def close(self) -> None:
        try:
            for task in self._background:
                task.cancel()
            if hasattr(self, "scheduler"):
                self.scheduler.shutdown()
            await super().close()
        finally:
            if self._db is not None:
                db, self._db = self._db, None
                await db.close()

    def after_ready(self, name: str, job: Callable[[], Awaitable[None]]) -> None:
        """Start-up catch-up work that need not delay coming online: it runs once the bot is ready.

        The scheduler's jobs are already armed from the table by then; this is for features that
        plan their own future posts (calls, yearly dates) and may have missed a planning moment.
        """

        async def runner() -> None:
            await self.wait_until_ready()
            try:
                await job()
            except Exception:
                log.exception("Start-up job %s failed", name)

        self._background.append(asyncio.create_task(runner(), name=f"closer-{name}"))

    async def settled(self) -> None:
        """Wait for the start-up jobs of :meth:`after_ready` (tests and benchmarks use it)."""
        await asyncio.gather(*self._background, return_exceptions=True)

    # -- cross-feature hooks ---------------------------------------------------------------------

    def on_hook(self, event: str, handler: Hook) -> None:
        """Run ``handler`` when ``event`` is emitted ("couple_paired", "zones_changed", ...)."""
        self._hooks.setdefault(event, []).append(handler)

    def off_hook(self, event: str, handler: Hook) -> None:
        if handler in self._hooks.get(event, []):
            self._hooks[event].remove(handler)

    async def emit(self, event: str, *args: Any) -> None:
        """Run every handler of ``event`` in order, awaited (unlike ``dispatch``)."""
        for handler in list(self._hooks.get(event, [])):
            await handler(*args)

    def add_section(self, place: str, section: Section) -> None:
        """Let a feature add lines to a shared post (see ``Section``)."""
        self._sections.setdefault(place, []).append(section)

    def remove_section(self, place: str, section: Section) -> None:
        if section in self._sections.get(place, []):
            self._sections[place].remove(section)

    async def sections(self, place: str, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """Every feature's lines for ``place``; one failing feature never breaks the post."""
        lines: list[tuple[str, str]] = []
        for section in self._sections.get(place, []):
            try:
                lines.extend(await section(couple, now))
            except Exception:
                log.exception("Section %r of %s failed", place, getattr(section, "__qualname__", section))
        return lines

    # -- commands ------------------------------------------------------------------------------

    def command_tree_payload(self) -> list[dict]:
        commands_ = [c.to_dict(self.tree) for c in self.tree.get_commands()]
        return sorted(commands_, key=lambda c: (c.get("type", 1), c["name"]))

    async def sync_commands(self) -> None:
        """Sync to the dev guild at every start, or globally when the tree changed."""
        dev_guild = self.settings.dev_guild_id
        if dev_guild:
            guild = discord.Object(dev_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to dev guild %s", len(synced), dev_guild)
            return
        digest = hashlib.sha256(json.dumps(self.command_tree_payload(), sort_keys=True).encode()).hexdigest()
        if await self.state.get(TREE_HASH_KEY) == digest:
            log.info("Command tree unchanged; not syncing")
            return
        synced = await self.tree.sync()
        await self.state.set(TREE_HASH_KEY, digest)
        log.info("Synced %d global commands", len(synced))

    async def _refresh_personal_schedules(self, couple: Couple) -> None:
        await self.scheduler.refresh_guild(couple.guild_id)

    async def on_ready(self) -> None:
        # Fires again after a reconnect: nothing is started or synced here, only caught up.
        log.info("Ready as %s in %d servers", self.user, len(self.guilds))
        if self._was_ready:
            await self.scheduler.run_due()
        self._was_ready = True

    async def on_resumed(self) -> None:
        # Jobs whose time came while the gateway was away are handled now (once: the ledger).
        await self.scheduler.run_due()
