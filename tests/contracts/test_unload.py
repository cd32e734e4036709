"""Unloading a feature takes back everything it added; loading it again restores the same bot."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.client import EXTENSIONS, CloserBot
from tests.support import Closer

Entry = tuple[str, str, str]  # (what, name, module that added it)


def module_of(thing: Any) -> str:
    thing = getattr(thing, "__func__", thing)
    target = getattr(thing, "func", thing)  # functools.partial
    target = getattr(target, "__func__", target)
    return getattr(target, "__module__", "") or ""


def registrations(bot: CloserBot) -> set[Entry]:
    """Everything features can add to a running bot, wherever discord.py or Closer keeps it."""
    entries: set[Entry] = set()
    for name, kind in bot.scheduler.kinds.items():
        entries.add(("kind", name, module_of(kind.deliver)))
    for name, template in bot.rituals.templates.items():
        entries.add(("ritual", name, module_of(template.deliver)))
    for pattern, item in bot._connection._view_store._dynamic_items.items():
        entries.add(("item", pattern.pattern, item.__module__))
    for template, modal in bot.registry._modals.items():
        entries.add(("form", template, modal.__module__))
    for name, handler in bot.registry.confirmations.items():
        entries.add(("confirmation", name, module_of(handler)))
    for name, source in bot.registry.pages.items():
        entries.add(("page", name, module_of(source)))
    for hook, handlers in bot.registry._hooks.items():
        entries |= {("hook", f"{hook}:{h.__qualname__}", module_of(h)) for h in handlers}
    for place, sections in bot.registry._sections.items():
        entries |= {("section", f"{place}:{s.__qualname__}", module_of(s)) for s in sections}
    for kind in discord.AppCommandType:
        for command in bot.tree.get_commands(type=kind):
            entries.add(
                ("command", f"{kind.name}:{command.name}", module_of(getattr(command, "callback", None)))
            )
    for name, cog in bot.cogs.items():
        entries.add(("cog", name, type(cog).__module__))
    return entries


@pytest.mark.parametrize("extension", EXTENSIONS)
async def test_unloading_a_feature_leaves_nothing_of_it_behind(closer: Closer, extension: str) -> None:
    """After unload, nothing registered comes from the feature; after reload, all is as before."""
    bot = closer.bot
    assert bot is not None
    before = registrations(bot)
    assert any(module.startswith(extension) for _, _, module in before), "the feature adds nothing?"
    await bot.unload_extension(extension)
    after = registrations(bot)
    left = {entry for entry in after if entry[2].startswith(extension)}
    assert left == set()
    assert after < before
    await bot.load_extension(extension)
    assert registrations(bot) == before
