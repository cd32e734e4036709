"""Test-only: a Python started with this folder on PYTHONPATH and ``CLOSER_TEST_DISCORD_URL`` set
talks to that Discord emulator instead of Discord (the way ``emulator/patch.py`` points discord.py
at it), so a test runs ``python -m bot doctor`` exactly as a host types it. Python imports
``sitecustomize`` by itself at start-up; nothing in bot/ knows about this."""

from __future__ import annotations

import os

_URL = os.environ.get("CLOSER_TEST_DISCORD_URL")
if _URL:
    from emulator.patch import DiscordPatch

    DiscordPatch(_URL).apply()
