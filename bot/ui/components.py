"""Restart-proof components, each custom_id declared once.

Buttons and selects are discord.py ``DynamicItem``s with a namespaced ``custom_id``
(``closer:...``), so a button posted months ago still works after any number of restarts. Modals
are handled from their ``custom_id`` alone for the same reason: someone typing a long answer while
the bot restarts must not lose it.

A custom_id format is a public interface: messages in the couple's channel carry it for ever. It is
declared once, as a :class:`CustomId`, and the regex ``template`` discord.py matches, the builder
and the parser all come from that one declaration, so they cannot drift apart::

    class AnswerButton(SafeCallback, discord.ui.DynamicItem[discord.ui.Button],
                       custom_id=CustomId("closer:question:answer:{day:int}")):
        def __init__(self, day: int) -> None:
            super().__init__(discord.ui.Button(label="Answer", custom_id=self.spec.build(day=day)))

``from_custom_id`` is then ``cls(*spec.parse(match).values())`` (the id's fields, in order, are the
first arguments of ``__init__``), unless the class needs more than its id.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

import discord

from bot import errors

_INT = r"\d+"
_TEXT = r"[^:]+"


class CustomId:
    """One custom_id format: ``"closer:win:{win:int}"``, fields ``{name}`` (text) or ``{name:int}``.

    A field's regex defaults to ``\\d+`` (int) or ``[^:]+`` (text); pass ``name=regex`` to narrow
    it. ``template`` is the regex discord.py matches; :meth:`build` makes an id (refusing values
    its own template would not match); :meth:`parse` reads a match back into typed values.
    """

    def __init__(self, pattern: str, **regexes: str) -> None:
        self.pattern = pattern
        self.fields: dict[str, Callable[[str], Any]] = {}
        parts: list[str] = []
        literal_format: list[str] = []
        for literal, name, spec, _ in string.Formatter().parse(pattern):
            parts.append(re.escape(literal))
            literal_format.append(literal.replace("{", "{{").replace("}", "}}"))
            if name is None:
                continue
            if spec not in ("", "int"):
                raise ValueError(f"field {name!r} of {pattern!r}: only {{name}} or {{name:int}}")
            convert: Callable[[str], Any] = int if spec == "int" else str
            self.fields[name] = convert
            regex = regexes.pop(name, _INT if spec == "int" else _TEXT)
            parts.append(f"(?P<{name}>{regex})")
            literal_format.append(f"{{{name}}}")
        if regexes:
            raise ValueError(f"{pattern!r} has no field {', '.join(regexes)}")
        self.template = "".join(parts)
        self._format = "".join(literal_format)
        self._compiled = re.compile(self.template)

    def build(self, **values: Any) -> str:
        """The custom_id for ``values``; a value its template would not match is refused."""
        if set(values) != set(self.fields):
            raise ValueError(f"{self.pattern!r} needs {sorted(self.fields)}, got {sorted(values)}")
        custom_id = self._format.format(**{name: str(value) for name, value in values.items()})
        if not self._compiled.fullmatch(custom_id) or len(custom_id) > 100:
            raise ValueError(f"{custom_id!r} does not fit {self.pattern!r}")
        return custom_id

    def match(self, custom_id: str) -> re.Match[str] | None:
        return self._compiled.fullmatch(custom_id)

    def parse(self, match: re.Match[str] | str) -> dict[str, Any]:
        """The typed values of a matched custom_id (a match, or the id itself)."""
        if isinstance(match, str):
            found = self._compiled.fullmatch(match)
            if found is None:
                raise ValueError(f"{match!r} does not fit {self.pattern!r}")
            match = found
        return {name: convert(match[name]) for name, convert in self.fields.items()}

    def __repr__(self) -> str:
        return f"CustomId({self.pattern!r})"


class SafeCallback:
    """Mixin for dynamic items: a :class:`CustomId` declared once, and ``handle`` run inside the
    one error boundary.

    discord.py logs and swallows exceptions raised by dynamic items (the user sees "This
    interaction failed"); routing them through :func:`errors.report` gives a clear reply instead.
    """

    spec: ClassVar[CustomId]

    def __init_subclass__(cls, *, custom_id: CustomId | None = None, **kwargs: Any) -> None:
        if custom_id is not None:
            cls.spec = custom_id
            kwargs["template"] = custom_id.template
        super().__init_subclass__(**kwargs)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: Any, match: re.Match[str]) -> Self:
        return cls(*cls.spec.parse(match).values())

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.handle(interaction)
        except Exception as error:
            await errors.report(interaction, error)

    async def handle(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError


class PersistentModal(discord.ui.Modal):
    """A modal whose submission is handled from its ``custom_id``, across restarts.

    Subclasses declare ``custom_id=CustomId(...)`` and implement the classmethod
    :meth:`submitted`; a feature lists them in its contribution so the registry routes their
    submissions. Open one with :meth:`open`; the instance is only the form.
    """

    spec: ClassVar[CustomId]

    def __init_subclass__(cls, *, custom_id: CustomId | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if custom_id is not None:
            cls.spec = custom_id

    async def open(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(self)
        # Not kept in memory: the registry routes the submission, now or after a restart.
        self.stop()

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        """Handle a submission: ``key`` holds the custom_id's fields, ``values`` the inputs."""
        raise NotImplementedError


def modal_values(data: Mapping[str, Any]) -> dict[str, str]:
    """Text input values of a modal submission, by custom_id."""
    values: dict[str, str] = {}

    def walk(component: Mapping[str, Any]) -> None:
        if "custom_id" in component and "value" in component:
            values[component["custom_id"]] = component["value"] or ""
        for child in component.get("components", []) or []:
            walk(child)
        if isinstance(component.get("component"), dict):
            walk(component["component"])

    for component in data.get("components", []) or []:
        walk(component)
    return values
