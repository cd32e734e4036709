"""Application command registration: what Discord accepts at sync, and what it refuses."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord import app_commands

from emulator.fake import Fake

from .minibot import MiniBot, World, running


def _cmd(name: str = "ok", description: str = "fine", **extra: Any) -> dict[str, Any]:
    return {"name": name, "description": description, "type": 1, **extra}


def _opt(name: str, type_: int = 3, description: str = "an option", **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, "description": description, **extra}


BAD_COMMANDS = [
    ("command.name", [_cmd(name="Hello")]),
    ("command.name", [_cmd(name="two words")]),
    ("command.name", [_cmd(name="x" * 33)]),
    ("command.name", [_cmd(name="")]),
    ("command.description", [_cmd(description="")]),
    ("command.description", [_cmd(description="d" * 101)]),
    ("command.options.count", [_cmd(options=[_opt(f"o{i}") for i in range(26)])]),
    (
        "command.choices.count",
        [_cmd(options=[_opt("o", choices=[{"name": f"c{i}", "value": f"{i}"} for i in range(26)])])],
    ),
    ("command.choice.name", [_cmd(options=[_opt("o", choices=[{"name": "n" * 101, "value": "v"}])])]),
    ("command.options.order", [_cmd(options=[_opt("a"), _opt("b", required=True)])]),
    ("command.option.name", [_cmd(options=[_opt("Bad")])]),
    ("command.option.description", [_cmd(options=[_opt("a", description="")])]),
    ("command.option.duplicate", [_cmd(options=[_opt("a"), _opt("a")])]),
    ("command.options.nesting", [_cmd(options=[_opt("sub", 1), _opt("plain")])]),
    ("command.options.nesting", [_cmd(options=[_opt("sub", 1, options=[_opt("inner", 1)])])]),
    (
        "command.options.nesting",
        [_cmd(options=[_opt("grp", 2, options=[_opt("g2", 2, options=[_opt("s", 1)])])])],
    ),
    ("command.context_menu.description", [{"name": "Save it", "type": 3, "description": "no!"}]),
    ("command.limit", [{"name": f"User {i}", "type": 2, "description": ""} for i in range(6)]),
    ("command.limit", [{"name": f"Msg {i}", "type": 3, "description": ""} for i in range(6)]),
    ("command.limit", [_cmd(name=f"c{i}") for i in range(101)]),
    ("command.duplicate_name", [_cmd(name="same"), _cmd(name="same")]),
]


@pytest.mark.parametrize(
    ("rule", "commands"), BAD_COMMANDS, ids=[f"{r}-{i}" for i, (r, _) in enumerate(BAD_COMMANDS)]
)
async def test_invalid_command_sets_are_refused(
    fake: Fake, world: World, bot: MiniBot, rule: str, commands: list[dict[str, Any]]
) -> None:
    before = sorted(c["name"] for c in fake.commands())
    with pytest.raises(discord.HTTPException) as info:
        await bot.http.bulk_upsert_global_commands(fake.app_id, commands)
    assert info.value.status == 400
    assert info.value.code == 50035
    assert rule in [v.rule for v in fake.violations]
    assert sorted(c["name"] for c in fake.commands()) == before  # all or nothing


async def test_valid_edge_cases_are_accepted(fake: Fake, world: World, bot: MiniBot) -> None:
    commands = [
        _cmd(name="x" * 32, description="d" * 100, options=[_opt(f"o{i}") for i in range(25)]),
        _cmd(name="héllo-wörld_2"),
        _cmd(
            name="grp",
            options=[_opt("g", 2, options=[_opt("s", 1, options=[_opt("a", required=True), _opt("b")])])],
        ),
        {"name": "Save As Memory!", "type": 3, "description": ""},
        *[{"name": f"User {i}", "type": 2, "description": ""} for i in range(5)],
    ]
    result = await bot.http.bulk_upsert_global_commands(fake.app_id, commands)
    assert len(result) == len(commands)
    fake.assert_no_violations()


async def test_tree_sync_registers_commands(fake: Fake, world: World, bot: MiniBot) -> None:
    names = sorted(c["name"] for c in fake.commands())
    assert "ping" in names
    assert "couple" in names
    assert "Save as memory" in names
    fetched = await bot.tree.fetch_commands()
    assert sorted(c.name for c in fetched) == names
    ids_before = {c["name"]: c["id"] for c in fake.commands()}
    await bot.tree.sync()
    assert {c["name"]: c["id"] for c in fake.commands()} == ids_before  # ids are stable across syncs


async def test_tree_with_bad_commands_fails_at_sync(fake: Fake, world: World) -> None:
    mini = MiniBot()

    async def setup_hook() -> None:
        @mini.tree.command(description="d" * 101)
        async def wordy(interaction: discord.Interaction) -> None: ...

        @mini.tree.command(description="too many choices")
        @app_commands.choices(pick=[app_commands.Choice(name=f"c{i}", value=str(i)) for i in range(26)])
        async def choosy(interaction: discord.Interaction, pick: str) -> None: ...

        with pytest.raises(discord.HTTPException) as info:
            await mini.tree.sync()
        assert info.value.status == 400

    mini.setup_hook = setup_hook  # type: ignore[method-assign]
    async with running(mini, fake):
        pass
    assert {v.rule for v in fake.violations} == {"command.description", "command.choices.count"}
    assert fake.commands() == []


async def test_guild_commands_take_precedence(fake: Fake, world: World, bot: MiniBot) -> None:
    guild = discord.Object(world.home.id)

    @app_commands.command(name="ping", description="Guild-only ping")
    async def guild_ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("guild pong")

    bot.tree.add_command(guild_ping, guild=guild)
    await bot.tree.sync(guild=guild)
    assert [c["name"] for c in fake.commands(world.home)] == ["ping"]
    r = await fake.slash(world.alice, "ping")
    assert r.content == "guild pong"
    r = await fake.slash(world.alice, "ping", dm=True)  # DMs only see global commands
    assert r.content == "pong"


async def test_command_crud(fake: Fake, world: World, bot: MiniBot) -> None:
    created = await bot.http.upsert_global_command(fake.app_id, _cmd(name="extra"))
    assert created["name"] == "extra"
    edited = await bot.http.edit_global_command(fake.app_id, created["id"], {"description": "changed"})
    assert edited["description"] == "changed"
    await bot.http.delete_global_command(fake.app_id, created["id"])
    assert "extra" not in [c["name"] for c in fake.commands()]
    with pytest.raises(discord.NotFound):
        await bot.http.get_global_command(fake.app_id, created["id"])
