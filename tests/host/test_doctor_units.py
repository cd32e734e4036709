"""The doctor's pure parts: permissions from REST data agree with the emulator's (Discord's)
computation, the intents check, the report's verdict."""

from __future__ import annotations

import io

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.doctor.discord_side import check_intents
from bot.doctor.report import Report, bad, good
from bot.permissions import NEEDED_PERMISSIONS, channel_permissions, label, lacking
from emulator import permissions as discord_rules

GUILD, OWNER, BOT = 100, 101, 102
ROLES = [GUILD, 200, 201, 202]
some_bits = st.integers(min_value=0, max_value=(1 << 41) - 1)


@settings(max_examples=300, deadline=None)
@given(
    role_perms=st.lists(some_bits, min_size=len(ROLES), max_size=len(ROLES)),
    member_roles=st.lists(st.sampled_from(ROLES[1:]), unique=True),
    overwrites=st.dictionaries(st.sampled_from([*ROLES, BOT]), st.tuples(some_bits, some_bits), max_size=5),
)
def test_permissions_from_rest_data_agree_with_discords_rules(
    role_perms: list[int], member_roles: list[int], overwrites: dict[int, tuple[int, int]]
) -> None:
    roles = dict(zip(ROLES, role_perms, strict=True))
    rest = [
        {"id": str(i), "type": 1 if i == BOT else 0, "allow": str(a), "deny": str(d)}
        for i, (a, d) in overwrites.items()
    ]
    ours = channel_permissions(
        guild_id=GUILD, owner_id=OWNER, roles=roles, member_id=BOT, member_roles=member_roles, overwrites=rest
    )
    base = discord_rules.base_permissions(GUILD, OWNER, roles, BOT, member_roles)
    theirs = discord_rules.channel_permissions(
        base,
        GUILD,
        BOT,
        member_roles,
        {i: discord_rules.Overwrite(i, 1 if i == BOT else 0, a, d) for i, (a, d) in overwrites.items()},
    )
    needed = NEEDED_PERMISSIONS.value
    assert ours.value & needed == theirs & needed


def test_lacking_names_permissions_as_discord_shows_them() -> None:
    assert label("read_messages") == "View Channel"
    assert lacking(discord.Permissions.none())[:2] == ["View Channel", "Send Messages"]
    assert "Send Messages in Threads" in lacking(discord.Permissions.none())
    assert lacking(NEEDED_PERMISSIONS) == []


def test_intents() -> None:
    plain = discord.Intents.none()
    plain.guilds = True
    assert check_intents(plain, None).ok
    members = discord.Intents.none()
    members.members = True
    refused = check_intents(members, 0)
    assert not refused.ok
    assert "Server Members Intent" in refused.fix
    assert check_intents(members, 1 << 15).ok  # "limited" counts (under 100 servers)


def test_the_verdict_lists_the_problems() -> None:
    out = io.StringIO()
    report = Report(out)
    report.add(good("Disk", "plenty"), bad("Backup", "none yet", "wait for 03:00 UTC"))
    assert report.verdict() == 1
    text = out.getvalue()
    assert "✓ Disk: plenty" in text
    assert "✗ Backup: none yet\n    → wait for 03:00 UTC" in text
    assert "1 problem to look at:\n  1. Backup: none yet" in text
    clean = Report(io.StringIO())
    clean.add(good("Disk", "plenty"))
    assert clean.verdict() == 0
