"""Restart-proof components.

Buttons are discord.py ``DynamicItem``s with a namespaced ``custom_id`` (``closer:...``), so a
button posted months ago still works after any number of restarts. Modals are handled from their
``custom_id`` alone for the same reason: someone typing a long answer while the bot restarts must
not lose it.
"""

from __future__ import annotations

import logging
import re
from typing import Any, ClassVar

import discord

from bot import errors

log = logging.getLogger(__name__)


class SafeCallback:
    """Mixin for dynamic items: run ``handle`` inside the one error boundary.

    discord.py logs and swallows exceptions raised by dynamic items (the user sees "This
    interaction failed"); routing them through :func:`errors.report` gives a clear reply instead.
    """

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.handle(interaction)
        except Exception as error:
            await errors.report(interaction, error)

    async def handle(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError


class PersistentModal(discord.ui.Modal):
    """A modal whose submission is handled from its ``custom_id``, across restarts.

    Subclasses declare ``template`` (a regex for the custom_id) and implement the classmethod
    :meth:`submitted`. Open one with :meth:`open`; the instance is only the form.
    """

    # template -> (compiled, class): a reloaded extension's class replaces the old one.
    _registry: ClassVar[dict[str, tuple[re.Pattern[str], type[PersistentModal]]]] = {}

    def __init_subclass__(cls, *, template: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if template is not None:
            PersistentModal._registry[template] = (re.compile(template), cls)

    async def open(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(self)
        # Not kept in memory: dispatch_modal below handles the submission, now or after a restart.
        self.stop()

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, match: re.Match[str], values: dict[str, str]
    ) -> None:
        raise NotImplementedError


def modal_values(data: dict[str, Any]) -> dict[str, str]:
    """Text input values of a modal submission, by custom_id."""
    values: dict[str, str] = {}

    def walk(component: dict[str, Any]) -> None:
        if "custom_id" in component and "value" in component:
            values[component["custom_id"]] = component["value"] or ""
        for child in component.get("components", []) or []:
            walk(child)
        if isinstance(component.get("component"), dict):
            walk(component["component"])

    for component in data.get("components", []) or []:
        walk(component)
    return values


async def dispatch_modal(interaction: discord.Interaction) -> None:
    """``on_interaction`` listener: route our modal submissions to their handlers."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    custom_id = data.get("custom_id", "")
    if not custom_id.startswith("closer:"):
        return
    for pattern, cls in PersistentModal._registry.values():
        match = pattern.fullmatch(custom_id)
        if match:
            try:
                await cls.submitted(interaction, match, modal_values(data))
            except Exception as error:
                await errors.report(interaction, error)
            return
    log.warning("No handler for modal %s", custom_id)
    await errors.send_ephemeral(interaction, "That form has expired. Please run the command again.")
