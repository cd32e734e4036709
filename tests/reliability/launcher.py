"""Closer as a process of its own, against an emulator: the crash-safety test's bot.

``python -m tests.reliability.launcher EMULATOR_URL DATABASE`` (from the repository root, with the
token in ``DISCORD_TOKEN``) points discord.py at the emulator the way ``emulator/patch.py`` does, then runs ``bot.__main__.run`` exactly as ``python -m bot`` does:
real clock, scheduler running, its own event loop. The test kills it with SIGKILL and starts it
again on the same database.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.__main__ import run
from bot.log import setup_logging
from bot.settings import Settings
from emulator.patch import DiscordPatch


def main(argv: list[str]) -> int:
    url, database = argv
    DiscordPatch(url).apply()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=os.environ["DISCORD_TOKEN"],
        database_path=Path(database),
        dev_guild_id=None,
        log_level="INFO",
    )
    setup_logging(settings.log_level)
    return asyncio.run(run(settings))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
