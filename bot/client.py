"""The bot: its lifecycle (``setup_hook`` / ``close``) and what every cog shares."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors
from bot.clock import Clock, SystemClock
from bot.db import Database, migrate
from bot.db.models import Couple
from bot.db.repositories.couples import CoupleRepository, StateRepository
from bot.db.repositories.marks import PlanningMarkRepository
from bot.db.repositories.rituals import RitualRepository
from bot.db.repositories.schedules import ScheduleRepository
from bot.messenger import DiscordMessenger
from bot.registry import Contribution, Hook, Registry
from bot.rituals import RitualService
from bot.scheduler import Scheduler
from bot.scheduler.marks import PlanningMarks
from bot.settings import Settings
from bot.shards import ArrivalState, IdentifyPacer, ShardScope
from bot.ui.confirm import ConfirmButton
from bot.ui.pages import PageButton

log = logging.getLogger(__name__)

# The features, one cog each. bot/ never imports cogs/: it loads them by name.
EXTENSIONS: tuple[str, ...] = (
    "cogs.couple",
    "cogs.questions",
    "cogs.checkins",
    "cogs.mood",
    "cogs.lovelanguage",
    "cogs.appreciate",
    "cogs.win",
    "cogs.gestures",
    "cogs.digest",
    "cogs.memories",
    "cogs.rituals",
    "cogs.calls",
    "cogs.visits",
    "cogs.dates",
    "cogs.letters",
    "cogs.data",
    "cogs.help",
)

TREE_HASH_KEY = "command_tree_hash"


class CloserTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await errors.report(interaction, error)


def intents() -> discord.Intents:
    """GUILDS, GUILD_VOICE_STATES and GUILD_SCHEDULED_EVENTS: Closer works through interactions
    and REST, so it needs no privileged intent (no members, no message content, no presences).
    Voice states tell it when both partners are in a couple's linked call room; scheduled events
    tell it when a partner deleted a call's event in Discord (so it isn't made again)."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.voice_states = True
    chosen.guild_scheduled_events = True
    return chosen


class CloserBot(commands.AutoShardedBot):
    """Closer on Discord's gateway shards (``bot/shards.py``): as many as Discord recommends, or
    ``SHARD_COUNT``/``SHARD_IDS``; with one shard it behaves as an unsharded bot."""

    db: Database
    couples: CoupleRepository
    state: StateRepository
    schedules: ScheduleRepository
    scheduler: Scheduler
    rituals: RitualService
    registry: Registry

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        extensions: Sequence[str] = EXTENSIONS,
        scheduler_autostart: bool = True,
        **options: Any,
    ) -> None:
        if settings.shard_count is not None:
            options.setdefault("shard_count", settings.shard_count)
        if settings.shards is not None:
            options.setdefault("shard_ids", settings.shards)
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
        self._db: Database | None = None
        self._scheduler_autostart = scheduler_autostart
        self._background: list[asyncio.Task[None]] = []
        self._was_ready = False
        self.identify_pacer = IdentifyPacer(self._max_concurrency)

    def _get_state(self, **options: Any) -> ArrivalState:
        # A shard is ready once the servers its READY announced have arrived (bot/shards.py).
        return ArrivalState(
            dispatch=self.dispatch, handlers=self._handlers, hooks=self._hooks, http=self.http, **options
        )

    async def _max_concurrency(self) -> int:
        return (await self.fetch_session_start_limits()).max_concurrency

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        await self.identify_pacer.wait(shard_id)

    # -- lifecycle -----------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        self._db = self.db = await Database.open(self.settings.database_path)
        await migrate(self.db)
        self.couples = CoupleRepository(self.db)
        self.state = StateRepository(self.db)
        # With SHARD_IDS, this process fires and plans only its own shards' servers.
        scope = ShardScope.of(self.settings.shard_count, self.settings.shards)
        self.schedules = ScheduleRepository(self.db, scope)
        self.scheduler = Scheduler(
            self.schedules,
            self.couples,
            self.clock,
            DiscordMessenger(self),
            autostart=self._scheduler_autostart,
            marks=PlanningMarks(PlanningMarkRepository(self.db), self.clock, scope),
        )
        self.rituals = RitualService(RitualRepository(self.db), self.scheduler, self.clock)
        self.registry = Registry(self, self.scheduler, self.rituals)
        self.registry.add(
            "core",
            Contribution(
                items=(ConfirmButton, PageButton),
                hooks=((Hook.ZONES_CHANGED, self._refresh_personal_schedules),),
            ),
        )
        self.add_listener(self.registry.dispatch_modal, "on_interaction")
        for name in self.extension_names:
            await self.load_extension(name)
        # After the cogs registered their kinds: rebuild the jobs from the table, catch up.
        await self.scheduler.start()
        planning = list(self._background)
        self._background.append(asyncio.create_task(self._start_up_planned(planning), name="closer-marks"))
        await self.sync_commands()

    async def close(self) -> None:
        try:
            for task in self._background:
                task.cancel()
            if self._background:  # a start-up job commits what it wrote before the database closes
                await asyncio.wait(self._background, timeout=5)
            if hasattr(self, "scheduler"):
                with contextlib.suppress(Exception):
                    await self.scheduler.marks.flush()
                self.scheduler.shutdown()
                await self.scheduler.in_flight.drain(
                    within=5
                )  # a post under way goes out before the gateway closes
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
                async with self.db.batched():  # thousands of servers' writes: a few commits
                    await job()
            except Exception:
                log.exception("Start-up job %s failed", name)

        self._background.append(asyncio.create_task(runner(), name=f"closer-{name}"))

    async def _start_up_planned(self, jobs: list[asyncio.Task[None]]) -> None:
        """Once the start-up jobs have run, what they planned is marked: the next start skips it."""
        await asyncio.gather(*jobs, return_exceptions=True)
        await self.scheduler.marks.start_up_done()

    async def settled(self) -> None:
        """Wait for the start-up jobs of :meth:`after_ready` (tests and benchmarks use it)."""
        await asyncio.gather(*self._background, return_exceptions=True)

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
        log.info("Ready as %s in %d servers on %d shard(s)", self.user, len(self.guilds), len(self.shards))
        if self._was_ready:
            await self.scheduler.run_due()
        self._was_ready = True

    async def on_shard_ready(self, shard_id: int) -> None:
        # A shard that had to start a new session after the first ready may have missed events.
        # discord.py fires on_ready again only once every shard of the process did; with several
        # shards, fire it for this one, so the catch-ups written for on_ready (the scheduler's
        # above, the welcome back of servers that invited Closer back) run as they would unsharded.
        if self._was_ready and len(self.shards) > 1:
            log.info("Shard %s has a new session: catching up", shard_id)
            self.dispatch("ready")

    async def on_resumed(self) -> None:
        # Jobs whose time came while the gateway was away are handled now (once: the ledger).
        await self.scheduler.run_due()
