"""What features add to the bot, typed and kept in one place.

A feature declares everything it adds in one :class:`Contribution` (scheduled kinds, rituals,
buttons, forms, confirmations, pages, hooks, sections, context menus, its part of the export).
:meth:`Registry.add` applies it as a whole and :meth:`Registry.remove` takes all of it back, so
unloading a cog leaves nothing behind.

Features never import each other: they talk through :class:`Hook` events (``emit``), add lines
to each other's posts through :class:`Place` sections and buttons to each other's messages
through :class:`Slot` buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors
from bot.archive.parts import ArchivePart
from bot.db.models import Couple
from bot.rituals import RitualService, RitualTemplate
from bot.scheduler import Kind, Scheduler
from bot.ui.components import PersistentModal, modal_values
from bot.ui.types import ConfirmHandler, PageSource

log = logging.getLogger(__name__)


class Hook(StrEnum):
    """Events one feature emits and others hear (``await registry.emit(Hook.X, *args)``)."""

    COUPLE_PAIRED = "couple_paired"  # (couple): the second partner accepted
    ZONES_CHANGED = "zones_changed"  # (couple): a partner's zone, trip or quiet hours changed
    QUESTION_TIME_CHANGED = "question_time_changed"  # (couple, at: time, zone: str)
    SPACE_RESTORED = "space_restored"  # (couple): an import wrote the space: re-arm your schedules


class Place(StrEnum):
    """Shared posts other features add lines to: ``(title, text)`` pairs."""

    STATUS = "status"  # /couple status
    DIGEST = "digest"  # the weekly digest
    QUESTION_POST = "question_post"  # the daily question
    TALKING_POINTS = "talking_points"  # the call-night card
    WELCOME = "welcome"  # the welcome post after pairing: what comes when, in both local times
    # The top of the weekly check-in session's thread: a post falling on the same evening (the
    # weekly digest) can give its lines here instead of posting on its own.
    WEEKLY_SESSION = "weekly_session"
    # The reply to a partner setting a time zone: what moved with it, in both local times.
    ZONE_SET = "zone_set"


class Slot(StrEnum):
    """Messages other features add buttons to: ``(couple, receiver id) -> items``."""

    CHECKIN_NEWS = "checkin_news"  # a partner's check-in news, by DM: a reply in one tap


Handler = Callable[..., Awaitable[None]]
Section = Callable[[Couple, datetime], Awaitable[list[tuple[str, str]]]]
DynamicItemType = type[discord.ui.DynamicItem[Any]]
Buttons = Callable[[Couple, int], Sequence[discord.ui.Item[Any]]]


@dataclass(frozen=True)
class Contribution:
    """Everything one feature adds to the bot."""

    kinds: Sequence[Kind] = ()
    rituals: Sequence[RitualTemplate] = ()
    items: Sequence[DynamicItemType] = ()
    modals: Sequence[type[PersistentModal]] = ()
    confirmations: Mapping[str, ConfirmHandler] = field(default_factory=dict)
    pages: Mapping[str, PageSource] = field(default_factory=dict)
    hooks: Sequence[tuple[Hook, Handler]] = ()
    sections: Sequence[tuple[Place, Section]] = ()
    menus: Sequence[app_commands.ContextMenu] = ()
    buttons: Sequence[tuple[Slot, Buttons]] = ()  # buttons in other features' messages
    archive: Sequence[ArchivePart[Any]] = ()  # its part of /data export and /data import


class Registry:
    """The bot's registrations, by feature; hooks, sections, confirmations, pages and forms."""

    def __init__(
        self, bot: commands.Bot | commands.AutoShardedBot, scheduler: Scheduler, rituals: RitualService
    ) -> None:
        self._bot = bot
        self._scheduler = scheduler
        self._rituals = rituals
        self._owners: dict[str, Contribution] = {}
        self.confirmations: dict[str, ConfirmHandler] = {}
        self.pages: dict[str, PageSource] = {}
        self._hooks: dict[Hook, list[Handler]] = {}
        self._sections: dict[Place, list[Section]] = {}
        self._buttons: dict[Slot, list[Buttons]] = {}
        self._modals: dict[str, type[PersistentModal]] = {}

    # -- a feature's contribution, added and removed as a whole -----------------------------------

    def add(self, owner: str, contribution: Contribution) -> None:
        if owner in self._owners:
            self.remove(owner)
        self._owners[owner] = contribution
        for kind in contribution.kinds:
            self._scheduler.register(kind)
        for template in contribution.rituals:
            self._rituals.register(template)
        if contribution.items:
            self._bot.add_dynamic_items(*contribution.items)
        for modal in contribution.modals:
            self._modals[modal.spec.template] = modal
        self.confirmations.update(contribution.confirmations)
        self.pages.update(contribution.pages)
        for hook, handler in contribution.hooks:
            self._hooks.setdefault(hook, []).append(handler)
        for place, section in contribution.sections:
            self._sections.setdefault(place, []).append(section)
        for menu in contribution.menus:
            self._bot.tree.add_command(menu)
        for slot, buttons in contribution.buttons:
            self._buttons.setdefault(slot, []).append(buttons)

    def remove(self, owner: str) -> None:
        contribution = self._owners.pop(owner, None)
        if contribution is None:
            return
        for kind in contribution.kinds:
            self._scheduler.unregister(kind.name)
        for template in contribution.rituals:
            self._rituals.unregister(template.name)
        if contribution.items:
            self._bot.remove_dynamic_items(*contribution.items)
        for modal in contribution.modals:
            self._modals.pop(modal.spec.template, None)
        for name in contribution.confirmations:
            self.confirmations.pop(name, None)
        for name in contribution.pages:
            self.pages.pop(name, None)
        for hook, handler in contribution.hooks:
            if handler in self._hooks.get(hook, []):
                self._hooks[hook].remove(handler)
        for place, section in contribution.sections:
            if section in self._sections.get(place, []):
                self._sections[place].remove(section)
        for menu in contribution.menus:
            self._bot.tree.remove_command(menu.name, type=menu.type)
        for slot, buttons in contribution.buttons:
            if buttons in self._buttons.get(slot, []):
                self._buttons[slot].remove(buttons)

    def owners(self) -> dict[str, Contribution]:
        return dict(self._owners)

    def archive_parts(self) -> list[ArchivePart[Any]]:
        """Every loaded feature's part of the export, in the document's order (by position)."""
        parts = [part for contribution in self._owners.values() for part in contribution.archive]
        return sorted(parts, key=lambda p: (p.section.position, p.section.key))

    # -- hooks and sections ----------------------------------------------------------------------

    async def emit(self, hook: Hook, *args: Any) -> None:
        """Run every handler of ``hook`` in order, awaited (unlike discord.py's ``dispatch``)."""
        for handler in list(self._hooks.get(hook, [])):
            await handler(*args)

    async def sections(self, place: Place, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """Every feature's lines for ``place``; one failing feature never breaks the post."""
        lines: list[tuple[str, str]] = []
        for section in self._sections.get(place, []):
            try:
                lines.extend(await section(couple, now))
            except Exception:
                log.exception("Section %r of %s failed", place, getattr(section, "__qualname__", section))
        return lines

    def buttons(self, slot: Slot, couple: Couple, receiver_id: int) -> list[discord.ui.Item[Any]]:
        """Every feature's buttons for ``slot`` in a message to ``receiver_id``; one failing
        feature never breaks the message."""
        items: list[discord.ui.Item[Any]] = []
        for buttons in self._buttons.get(slot, []):
            try:
                items.extend(buttons(couple, receiver_id))
            except Exception:
                log.exception("Buttons for %r of %s failed", slot, getattr(buttons, "__qualname__", buttons))
        return items

    # -- forms -------------------------------------------------------------------------------------

    def modal_for(self, custom_id: str) -> tuple[type[PersistentModal], dict[str, Any]] | None:
        """The form class a submitted custom_id belongs to, and the id's fields."""
        for modal in self._modals.values():
            match = modal.spec.match(custom_id)
            if match:
                return modal, modal.spec.parse(match)
        return None

    async def dispatch_modal(self, interaction: discord.Interaction) -> None:
        """``on_interaction`` listener: route Closer's form submissions to their handlers."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: Mapping[str, Any] = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        if not custom_id.startswith("closer:"):
            return
        found = self.modal_for(custom_id)
        if found is None:
            log.warning("No handler for modal %s", custom_id)
            await errors.send_ephemeral(interaction, "That form has expired. Please run the command again.")
            return
        modal, key = found
        try:
            await modal.submitted(interaction, key, modal_values(data))
        except Exception as error:
            await errors.report(interaction, error)


def registry_of(client: discord.Client) -> Registry:
    """The registry of the bot behind an interaction (``interaction.client``)."""
    registry = getattr(client, "registry", None)
    if not isinstance(registry, Registry):
        raise RuntimeError("this client has no Closer registry")
    return registry
