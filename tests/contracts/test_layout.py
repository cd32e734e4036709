"""One room per feature: a command's code is found from its name, and no file grows into a room of its own."""

from __future__ import annotations

from pathlib import Path

import discord

from bot.client import EXTENSIONS
from tests.support import Closer

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 450  # lines; split a module that grows past it
# Commands whose room is named for what they do, not the command: /nudge sends a gesture.
ROOMS = {"nudge": "cogs.gestures"}


def rooms_for(command: str) -> set[str]:
    """The module names a newcomer would look in for `/command`: x, xs, or x -> xies."""
    names = {command, f"{command}s"}
    if command.endswith("y"):
        names.add(f"{command[:-1]}ies")
    return {f"cogs.{name}" for name in names} | ({ROOMS[command]} if command in ROOMS else set())


def test_no_file_in_bot_or_cogs_is_over_450_lines() -> None:
    """Every module of the running code stays readable in one sitting."""
    long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("bot", "cogs")
        for path in (ROOT / folder).rglob("*.py")
        if (lines := len(path.read_text("utf-8").splitlines())) > LIMIT
    }
    assert long == {}


async def test_every_slash_command_lives_in_the_room_named_after_it(closer: Closer) -> None:
    """`/memory search` is in cogs/memories/, `/win` in cogs/win.py: one step from the name."""
    assert closer.bot is not None
    misplaced = {}
    for command in closer.bot.tree.get_commands(type=discord.AppCommandType.chat_input):
        module = command.module or ""
        room = next((r for r in rooms_for(command.name) if module == r or module.startswith(r + ".")), None)
        if room is None:
            misplaced[command.name] = module
    assert misplaced == {}


def test_every_extension_is_a_room_under_cogs() -> None:
    """The extension list names feature rooms only (a package or a single module under cogs/)."""
    for name in EXTENSIONS:
        assert name.startswith("cogs.")
        path = ROOT / Path(*name.split("."))
        assert path.with_suffix(".py").exists() or (path / "__init__.py").exists(), name
