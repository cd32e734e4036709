"""Every custom_id the release posts keeps working: buttons in old messages never die.

``RELEASED`` holds one id of every format Closer posted before the feature packages (collected
from the code of that release), with the regex template that parsed it then. Each must still be
parsed by exactly one registered button, select or form, into an item whose own custom_id is the
same string, and under the same template.
"""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.client import CloserBot
from bot.ui.components import SafeCallback
from tests.support import Closer

# (an id as posted, the template that parsed it in the release)
RELEASED: list[tuple[str, str]] = [
    (
        "closer:page:memories:3:nature:n",
        r"closer:page:(?P<source>[a-z_]{1,20}):(?P<page>\d{1,5}):(?P<arg>[^:]{0,50}):(?P<slot>[pn])",
    ),
    (
        "closer:page:questions:0::p",
        r"closer:page:(?P<source>[a-z_]{1,20}):(?P<page>\d{1,5}):(?P<arg>[^:]{0,50}):(?P<slot>[pn])",
    ),
    (
        "closer:confirm:question_skip:1579338025421373441:42:yes",
        r"closer:confirm:(?P<action>[a-z_]{1,24}):(?P<user_id>\d+):(?P<arg>[\w.-]{0,40}):(?P<answer>yes|no)",
    ),
    (
        "closer:confirm:data_delete:1579338025421373441:space:no",
        r"closer:confirm:(?P<action>[a-z_]{1,24}):(?P<user_id>\d+):(?P<arg>[\w.-]{0,40}):(?P<answer>yes|no)",
    ),
    (
        "closer:invite:accept:1579338025421373441",
        r"closer:invite:(?P<action>accept|decline):(?P<invitee>\d+)",
    ),
    (
        "closer:invite:decline:1579338025421373441",
        r"closer:invite:(?P<action>accept|decline):(?P<invitee>\d+)",
    ),
    ("closer:zone:set", r"closer:zone:set"),
    ("closer:question:answer:17", r"closer:question:answer:(?P<day>\d+)"),
    ("closer:question:skip:17", r"closer:question:skip:(?P<day>\d+)"),
    ("closer:question:categories", r"closer:question:categories"),
    ("closer:question:tiers", r"closer:question:tiers"),
    (
        "closer:checkin:1579338025421373440:1579338025421373441:4",
        r"closer:checkin:(?P<guild>\d+):(?P<user>\d+):(?P<choice>[1-5]|note)",
    ),
    (
        "closer:checkin:1579338025421373440:1579338025421373441:note",
        r"closer:checkin:(?P<guild>\d+):(?P<user>\d+):(?P<choice>[1-5]|note)",
    ),
    ("closer:win:8", r"closer:win:(?P<win>\d+)"),
    ("closer:session:3:2", r"closer:session:(?P<run>\d+):(?P<step>\d+)"),
    ("closer:gratitude:5", r"closer:gratitude:(?P<run>\d+)"),
    ("closer:goodnight:1579338025421373440:write", r"closer:goodnight:(?P<guild>\d+):(?P<choice>write|q\d)"),
    ("closer:goodnight:1579338025421373440:q2", r"closer:goodnight:(?P<guild>\d+):(?P<choice>write|q\d)"),
    ("closer:memory:new", r"closer:memory:new"),
    (
        "closer:call:rsvp:4:1795111200:yes",
        r"closer:call:rsvp:(?P<call>\d+):(?P<occ>\d+):(?P<answer>yes|move)",
    ),
    (
        "closer:call:rsvp:4:1795111200:move",
        r"closer:call:rsvp:(?P<call>\d+):(?P<occ>\d+):(?P<answer>yes|move)",
    ),
    ("closer:call:move:6:accept", r"closer:call:move:(?P<proposal>\d+):(?P<answer>accept|decline)"),
    ("closer:call:move:6:decline", r"closer:call:move:(?P<proposal>\d+):(?P<answer>accept|decline)"),
    # issue 14: the daily question's "Change the question's time" (the welcome post, /question schedule)
    ("closer:question:time", r"closer:question:time"),
    # Issue 14: the welcome's settings, and the goodnight reminder's rotating ready-made notes.
    (
        "closer:welcome:1579338025421373440:quiet",
        r"closer:welcome:(?P<guild>\d+):(?P<setting>question|checkin|quiet)",
    ),
    (
        "closer:welcome:1579338025421373440:question",
        r"closer:welcome:(?P<guild>\d+):(?P<setting>question|checkin|quiet)",
    ),
    ("closer:goodnight:1579338025421373440:note:17", r"closer:goodnight:(?P<guild>\d+):note:(?P<index>\d+)"),
    # Issue 19: letters for later, the choice of a sealed letter to open and "Reply with a letter".
    ("closer:letter:open:1579338025421373440", r"closer:letter:open:(?P<guild>\d+)"),
    ("closer:letter:reply:1579338025421373440:7", r"closer:letter:reply:(?P<guild>\d+):(?P<letter>\d+)"),
    # Issue 19: a gesture in one tap (on a gesture DM and on the check-in news).
    (
        "closer:gesture:1579338025421373440:hug",
        r"closer:gesture:(?P<guild>\d+):(?P<kind>thinking|hug|miss|call|proud)",
    ),
]

RELEASED_FORMS: list[tuple[str, str]] = [
    ("closer:modal:zone", r"closer:modal:zone"),
    ("closer:modal:question:17", r"closer:modal:question:(?P<day>\d+)"),
    (
        "closer:modal:checkin:1579338025421373440:1579338025421373441",
        r"closer:modal:checkin:(?P<guild>\d+):(?P<user>\d+)",
    ),
    ("closer:modal:session:3:2", r"closer:modal:session:(?P<run>\d+):(?P<step>\d+)"),
    ("closer:modal:gratitude:5", r"closer:modal:gratitude:(?P<run>\d+)"),
    ("closer:modal:goodnight:1579338025421373440", r"closer:modal:goodnight:(?P<guild>\d+)"),
    ("closer:modal:memory:new:1579338025421373440", r"closer:modal:memory:new:(?P<guild>\d+)"),
    ("closer:modal:memory:edit:12", r"closer:modal:memory:edit:(?P<memory>\d+)"),
    ("closer:modal:memory:save:3", r"closer:modal:memory:save:(?P<draft>\d+)"),
    ("closer:modal:callmove:4:1795111200", r"closer:modal:callmove:(?P<call>\d+):(?P<occ>\d+)"),
    ("closer:modal:question-time", r"closer:modal:question\-time"),
    # Issue 14: the welcome's quiet-hours form.
    ("closer:modal:quiet:1579338025421373440", r"closer:modal:quiet:(?P<guild>\d+)"),
    # Issue 19: letters for later, writing (also a reply from a DM) and changing one.
    ("closer:modal:letter:write:1579338025421373440", r"closer:modal:letter:write:(?P<guild>\d+)"),
    ("closer:modal:letter:edit:7", r"closer:modal:letter:edit:(?P<letter>\d+)"),
    # Issue 19: the guessing game's form (my answer, my guess), opened by the question's Answer button.
    ("closer:modal:guess:17", r"closer:modal:guess:(?P<day>\d+)"),
]


def registered_items(bot: CloserBot) -> list[type[Any]]:
    return [item for c in bot.registry.owners().values() for item in c.items]


def component_for(custom_id: str) -> discord.ui.Item[Any]:
    """The component Discord sends back when a user presses or picks it."""
    if custom_id in ("closer:question:categories", "closer:question:tiers"):
        return discord.ui.Select(custom_id=custom_id, options=[discord.SelectOption(label="x")])
    return discord.ui.Button(custom_id=custom_id, label="Pressed")


@pytest.mark.parametrize(("custom_id", "template"), RELEASED, ids=[c for c, _ in RELEASED])
async def test_a_released_button_still_parses_into_the_same_id(
    closer: Closer, custom_id: str, template: str
) -> None:
    """The id is parsed by exactly one registered item, under its release template, back into itself."""
    assert closer.bot is not None
    matching = [
        item
        for item in registered_items(closer.bot)
        if item.__discord_ui_compiled_template__.fullmatch(custom_id)
    ]
    assert len(matching) == 1, matching
    (item_class,) = matching
    assert issubclass(item_class, SafeCallback)
    assert item_class.spec.template == template
    match = item_class.__discord_ui_compiled_template__.fullmatch(custom_id)
    rebuilt = await item_class.from_custom_id(None, component_for(custom_id), match)  # type: ignore[arg-type]
    assert rebuilt.custom_id == custom_id


@pytest.mark.parametrize(("custom_id", "template"), RELEASED_FORMS, ids=[c for c, _ in RELEASED_FORMS])
async def test_a_released_form_still_routes_to_its_handler(
    closer: Closer, custom_id: str, template: str
) -> None:
    """A form opened before an upgrade and submitted after it reaches its handler with the same key."""
    assert closer.bot is not None
    found = closer.bot.registry.modal_for(custom_id)
    assert found is not None
    form, key = found
    assert form.spec.template == template
    assert form.spec.build(**key) == custom_id


async def test_every_registered_format_is_in_the_release_list_or_new(closer: Closer) -> None:
    """No two registered items claim the same id, and each declares its format once (a spec)."""
    assert closer.bot is not None
    templates = [item.spec.template for item in registered_items(closer.bot)]
    assert len(templates) == len(set(templates))
    released = {template for _, template in RELEASED}
    assert released <= set(templates)
