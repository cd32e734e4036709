"""Unit tests of the rule checks, the snowflakes and the discord.py patching (no bot needed)."""

from __future__ import annotations

import string

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator import rules
from emulator.fake import Fake
from emulator.patch import patch_discord
from emulator.snowflake import Snowflakes, snowflake_time
from emulator.state import now_utc


@given(st.text(alphabet=string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=32))
def test_lowercase_ascii_names_are_valid(name: str) -> None:
    assert rules.valid_command_name(name)


@given(st.text(min_size=1, max_size=32))
def test_names_with_uppercase_or_punctuation_are_invalid(name: str) -> None:
    if name != name.lower() or any(ch in " .,!?/\\@#:;'\"" for ch in name):
        assert not rules.valid_command_name(name)


@pytest.mark.parametrize("name", ["zeit", "héllo", "привет", "日本語", "नमस्ते", "a-b_c", "x" * 32, "١٢٣"])
def test_unicode_letters_and_numbers_are_valid(name: str) -> None:
    assert rules.valid_command_name(name)


@pytest.mark.parametrize("name", ["Ping", "with space", "emoji🙂", "dot.name", "", "x" * 33])
def test_invalid_names(name: str) -> None:
    assert not rules.valid_command_name(name)


@pytest.mark.parametrize(
    ("field", "limit"),
    [("title", 256), ("description", 4096)],
)
def test_embed_boundaries(field: str, limit: int) -> None:
    assert rules.check_embeds([{field: "x" * limit}]) == []
    [problem] = rules.check_embeds([{field: "x" * (limit + 1)}])
    assert problem.rule == f"embed.{field}"
    assert problem.path == ("embeds", 0, field)


def test_total_embed_size_counts_all_embeds() -> None:
    embeds = [{"description": "x" * 3000}, {"description": "x" * 3000}]
    assert rules.check_embeds(embeds) == []
    embeds[1]["title"] = "y"
    assert [p.rule for p in rules.check_embeds(embeds)] == ["embed.total"]


def test_form_error_body_shape() -> None:
    body = rules.form_error_body(
        [rules.Problem("r", "Must be 2000 or fewer in length.", ("data", "content"), "X")]
    )
    assert body == {
        "code": 50035,
        "message": "Invalid Form Body",
        "errors": {
            "data": {"content": {"_errors": [{"code": "X", "message": "Must be 2000 or fewer in length."}]}}
        },
    }


def test_modal_rules() -> None:
    text_input = {"type": 4, "custom_id": "a", "label": "L", "style": 1}
    good = {"title": "t", "custom_id": "m", "components": [{"type": 1, "components": [text_input]}]}
    assert rules.check_modal(good) == []
    labelled = {
        **good,
        "components": [{"type": 18, "label": "L", "component": {**text_input, "label": None}}],
    }
    assert rules.check_modal(labelled) == []
    too_long = {**good, "components": [{"type": 1, "components": [{**text_input, "max_length": 4001}]}]}
    assert [p.rule for p in rules.check_modal(too_long)] == ["modal.text_input.max_length"]
    crowded = {
        **good,
        "components": [{"type": 1, "components": [{**text_input, "custom_id": str(i)}]} for i in range(6)],
    }
    assert [p.rule for p in rules.check_modal(crowded)] == ["modal.components"]
    assert [p.rule for p in rules.check_modal({**good, "title": ""})] == ["modal.title"]


def test_components_v2_cannot_have_content() -> None:
    payload = {"content": "hi", "flags": 1 << 15, "components": [{"type": 10, "content": "text"}]}
    assert [p.rule for p in rules.check_message(payload)] == ["components.v2.content"]
    assert rules.check_message({**payload, "content": None}) == []


def test_snowflakes_are_time_based_and_increasing() -> None:
    gen = Snowflakes()
    ids = [gen.next() for _ in range(5000)]
    assert ids == sorted(set(ids))
    assert abs((snowflake_time(ids[-1]) - now_utc()).total_seconds()) < 5
    assert discord.utils.snowflake_time(ids[0]).tzinfo is not None


async def test_patch_is_restored() -> None:
    original = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    fake = await Fake.start()
    try:
        assert f"http://127.0.0.1:{fake.port}/api/v10" == discord.http.Route.BASE
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == f"ws://127.0.0.1:{fake.port}/gateway"
    finally:
        await fake.stop()
    assert original == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    with patch_discord("http://127.0.0.1:1"):
        assert discord.http.Route.BASE == "http://127.0.0.1:1/api/v10"
    assert original[0] == discord.http.Route.BASE


async def test_two_fakes_side_by_side() -> None:
    async with await Fake.start(patch=False) as one, await Fake.start(patch=False) as two:
        assert one.port != two.port
        assert one.app_id != two.app_id
