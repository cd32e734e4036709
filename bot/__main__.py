"""``python -m bot``: start Closer (or ``python -m bot restore FILE``, or ``python -m bot demo``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from pydantic import ValidationError

from bot.log import setup_logging
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.backup import DataLock

log = logging.getLogger("bot")

EXIT_CONFIG = 2
EXIT_FAILURE = 1

MISSING_TOKEN = (
    "DISCORD_TOKEN is not set: put your bot token in .env (copy .env.example) or in the environment."
)


def load_settings() -> Settings | None:
    try:
        return Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"]).upper() or "settings"
            print(f"Configuration error: {name}: {problem['msg']} (see .env.example)", file=sys.stderr)
        return None


async def run(settings: Settings) -> int:
    """Build the bot, run it until it stops or a signal arrives, and close everything."""
    from bot.client import CloserBot

    token = settings.discord_token.get_secret_value().strip()
    bot = CloserBot(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)

    async with bot:
        runner = asyncio.create_task(bot.start(token), name="closer-bot")
        stopper = asyncio.create_task(stop.wait(), name="closer-stop")
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if runner in done:
            error = runner.exception()
            if isinstance(error, discord.LoginFailure):
                print(
                    "Discord rejected DISCORD_TOKEN. Copy the token again from the Bot page of your "
                    "application in the Discord Developer Portal and put it in .env.",
                    file=sys.stderr,
                )
                return EXIT_FAILURE
            if isinstance(error, discord.PrivilegedIntentsRequired):
                print(f"Discord refused the connection: {error}", file=sys.stderr)
                return EXIT_FAILURE
            if error is not None:
                log.critical("Closer stopped because of an error", exc_info=error)
                return EXIT_FAILURE
            return 0
        log.info("Shutting down")
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await runner
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["demo"]:  # needs no token, no settings and no Discord: before any of them
        from bot.demo import main as demo

        return demo(args[1:])
    settings = load_settings()
    if settings is None:
        return EXIT_FAILURE if args == ["doctor"] else EXIT_CONFIG  # the doctor's problems exit 1
    if args == ["doctor"]:  # python -m bot doctor: checks this host's setup (README)
        from bot.doctor import doctor_command

        return doctor_command(settings)
    if args[:1] == ["restore"] and len(args) == 2:
        from bot.backup import restore_command

        return restore_command(settings, Path(args[1]))
    if args:
        print(
            f"Unknown command {' '.join(args)!r}. Usage: python -m bot, python -m bot restore FILE, "
            "or python -m bot demo",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    if not settings.discord_token.get_secret_value().strip():
        print(MISSING_TOKEN, file=sys.stderr)
        return EXIT_CONFIG
    setup_logging(settings.log_level)
    locks = take_locks(settings)
    if locks is None:
        return EXIT_FAILURE
    try:
        return asyncio.run(run(settings))
    except KeyboardInterrupt:
        return 0
    finally:
        for lock in locks:
            lock.release()


def take_locks(settings: Settings) -> list[DataLock] | None:
    """The locks a running Closer holds (a restore refuses meanwhile): the database's, alone; or,
    when this process runs some of the shards (SHARD_IDS), the database's shared with the other
    processes and each of its shards' alone. None (and why, printed) when another process has them."""
    from bot.backup import DataLock

    database = settings.database_path
    shards = settings.shards or []
    locks = [(DataLock(database, shared=bool(shards)), f"Closer is already running on {database}.")]
    locks += [
        (
            DataLock(database.with_name(f"{database.name}.shard{k}")),
            f"Shard {k} of {database} is already running in another process.",
        )
        for k in shards
    ]
    for index, (lock, taken_elsewhere) in enumerate(locks):
        if not lock.acquire():
            for taken, _ in locks[:index]:
                taken.release()
            print(taken_elsewhere, file=sys.stderr)
            return None
    return [lock for lock, _ in locks]


if __name__ == "__main__":
    sys.exit(main())
