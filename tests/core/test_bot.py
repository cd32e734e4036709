"""The bot as a whole: its extensions, its command tree, /help, and `python -m bot`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import discord
import pytest

from bot.__main__ import MISSING_TOKEN, run
from bot.client import EXTENSIONS
from bot.settings import Settings
from emulator import Fake
from tests.support import Closer, People

ROOT = Path(__file__).resolve().parents[2]


def test_every_extension_exists() -> None:
    """Each name in the extension list is an importable module with a setup function."""
    import importlib

    for name in EXTENSIONS:
        module = importlib.import_module(name)
        assert callable(getattr(module, "setup", None)), name


async def test_all_extensions_load_without_command_collisions(closer: Closer) -> None:
    """Every extension loaded, and no two commands share a name."""
    assert closer.bot is not None
    assert set(closer.bot.extensions) == set(EXTENSIONS)
    names = [c.qualified_name for c in closer.bot.tree.walk_commands()]
    assert len(names) == len(set(names))


async def test_the_whole_command_tree_is_accepted_by_discord(closer: Closer, fake: Fake) -> None:
    """The synced tree passed Discord's schema rules and matches what the bot defines."""
    assert closer.bot is not None
    registered = {c["name"] for c in fake.commands()}
    defined = {c.name for c in closer.bot.tree.get_commands()}
    assert registered == defined
    fake.assert_no_violations()


async def test_an_unchanged_tree_is_not_synced_again(closer: Closer, fake: Fake) -> None:
    """After a restart with the same commands, Closer does not sync again."""
    before = fake.count_requests("PUT", "*/commands")
    await closer.restart()
    assert fake.count_requests("PUT", "*/commands") == before


async def test_help_lists_every_command(closer: Closer, fake: Fake, people: People) -> None:
    """/help names every slash command, for anyone, also in a DM."""
    assert closer.bot is not None
    reply = await fake.slash(people.carol, "help")
    assert reply.ephemeral
    for command in closer.bot.tree.walk_commands():
        if isinstance(command, discord.app_commands.Command):
            assert f"/{command.qualified_name}" in reply.text
    in_dm = await fake.slash(people.alice, "help", dm=True)
    assert "/couple setup" in in_dm.text


def test_without_a_token_it_exits_2_with_one_line(tmp_path: Path) -> None:
    """`python -m bot` with no token prints one line naming DISCORD_TOKEN and exits 2."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DEV_GUILD_ID")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == MISSING_TOKEN
    assert "DISCORD_TOKEN" in done.stderr
    assert ".env.example" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_malformed_setting_is_a_one_line_error(tmp_path: Path) -> None:
    """A non-numeric DEV_GUILD_ID is named, without a traceback, exit 2."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DISCORD_TOKEN": "x", "DEV_GUILD_ID": "my server"}
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "DEV_GUILD_ID" in done.stderr
    assert "Traceback" not in done.stderr


async def test_a_token_discord_rejects_is_a_clear_error(
    fake: Fake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rejected token prints what to do and returns non-zero, without a traceback."""
    fake.reject_token("bad-token")
    settings = Settings(_env_file=None, discord_token="bad-token", database_path=tmp_path / "c.sqlite3")  # type: ignore[call-arg]
    assert await run(settings) == 1
    err = capsys.readouterr().err
    assert "Discord rejected DISCORD_TOKEN" in err
    assert "Traceback" not in err


def command_leaves(node: dict, prefix: str) -> list[tuple[str, ...]]:
    """Every slash command under ``node`` as synced: its name's words, then its option names."""
    subs = [o for o in node.get("options") or [] if o["type"] in (1, 2)]
    if not subs:
        return [(*prefix.split(), *(o["name"] for o in node.get("options") or []))]
    return [leaf for sub in subs for leaf in command_leaves(sub, f"{prefix} {sub['name']}")]


def readme_commands() -> set[tuple[str, ...]]:
    """The README's command table, each `...` in a row's first cell as words: `/couple status`
    is ("couple", "status"); a following `show id` in the same cell is ("memory", "show", "id")."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    documented: set[tuple[str, ...]] = set()
    for line in table.splitlines():
        if not line.startswith("| `/"):
            continue
        group = ""
        for code in line.split("|")[1].split("`")[1::2]:
            words = code.split()
            if words[0].startswith("/"):
                group, words = words[0][1:], words[1:]
            documented.add((group, *words))
    return documented


async def test_the_readme_command_table_matches_the_command_tree(closer: Closer, fake: Fake) -> None:
    """Every slash command is in README.md's table with its options in order, and the table
    names no command or option that doesn't exist."""
    tree = {leaf for c in fake.commands() if c["type"] == 1 for leaf in command_leaves(c, c["name"])}
    documented = readme_commands()
    assert sorted(" ".join(c) for c in tree - documented) == []  # missing or with other options
    assert sorted(" ".join(c) for c in documented - tree) == []  # documented but not real
