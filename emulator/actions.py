"""Acting as Discord users: slash commands, autocomplete, buttons, selects, modals, context menus.

``UserActions`` is mixed into :class:`~.fake.Fake`. Every action builds the interaction payload a
real Discord client would produce, dispatches INTERACTION_CREATE, and waits for the bot's answer.
"""

from __future__ import annotations

import contextlib
import secrets
from typing import TYPE_CHECKING, Any

from .errors import FakeUsageError, InteractionFailed
from .results import Att, Choice, InteractionResult, Msg
from .rules import SELECT_TYPES, walk_components
from .state import (
    ATTACHMENT_SIZE_LIMIT,
    BOT_PERMISSIONS,
    LOADING,
    Attachment,
    Channel,
    Command,
    Guild,
    Interaction,
    Message,
    Role,
    User,
)

if TYPE_CHECKING:
    from .ops import Ops
    from .server import EmulatorServer
    from .state import World

OPTION_TYPE_NAMES = {
    1: "subcommand",
    2: "subcommand group",
    3: "string",
    4: "integer",
    5: "boolean",
    6: "user",
    7: "channel",
    8: "role",
    9: "mentionable",
    10: "number",
    11: "attachment",
}

MessageLike = Msg | Message | InteractionResult | int


class UserActions:
    server: EmulatorServer
    world: World
    ops: Ops
    response_timeout: float
    defer_timeout: float
    update_wait: float

    # ================================================================== public actions
    async def slash(
        self,
        user: User,
        command: str,
        *,
        guild: Guild | None = None,
        channel: Channel | None = None,
        dm: bool = False,
        options: dict[str, Any] | None = None,
        locale: str = "en-US",
        **kwargs: Any,
    ) -> InteractionResult:
        """Run ``/command [group] [sub]`` as ``user`` with the given option values.

        Option values: str/int/float/bool, ``User`` for user options, ``Channel`` for channel options,
        ``Role`` for roles, an uploaded attachment (``fake.upload``) for attachment options. Use
        ``options={"my-option": ...}`` for option names that are not Python identifiers.
        """
        values = {**(options or {}), **kwargs}
        guild, channel = self._place(user, guild, channel, dm)
        cmd, leaf, chain = self._resolve_chat_command(command, guild)
        resolved: dict[str, dict[str, Any]] = {}
        leaf_options = self._build_options(cmd, leaf, values, resolved, guild)
        data = self._command_data(cmd, chain, leaf_options)
        if any(resolved.values()):
            data["resolved"] = {k: v for k, v in resolved.items() if v}
        inter = self._dispatch(2, user, channel, data, locale=locale)
        return await self._await_result(inter, f"/{command}")

    async def autocomplete(
        self,
        user: User,
        command: str,
        option: str,
        typed: str = "",
        *,
        guild: Guild | None = None,
        channel: Channel | None = None,
        dm: bool = False,
        options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> list[Choice]:
        """Type ``typed`` into ``option`` of ``/command``; returns the choices the bot offered."""
        guild, channel = self._place(user, guild, channel, dm)
        cmd, leaf, chain = self._resolve_chat_command(command, guild)
        defs = {o["name"]: o for o in leaf.get("options") or [] if o.get("type") not in (1, 2)}
        if option not in defs:
            raise FakeUsageError(f"/{command} has no option {option!r}; options: {sorted(defs)}")
        if not defs[option].get("autocomplete"):
            raise FakeUsageError(f"option {option!r} of /{command} does not use autocomplete")
        values = {**(options or {}), **kwargs}
        built = []
        for name, value in values.items():
            if name not in defs:
                raise FakeUsageError(f"/{command} has no option {name!r}; options: {sorted(defs)}")
            built.append({"name": name, "type": defs[name]["type"], "value": _raw_id(value)})
        built.append({"name": option, "type": defs[option]["type"], "value": typed, "focused": True})
        data = self._command_data(cmd, chain, built)
        inter = self._dispatch(4, user, channel, data)
        result = await self._await_result(inter, f"autocomplete for /{command} {option}")
        return result.choices

    async def click(
        self, target: MessageLike, label_or_custom_id: str, user: User | None = None
    ) -> InteractionResult:
        """Click a button (by label or custom_id) on a message, ephemeral ones included."""
        msg, comp = self._find_component(target, label_or_custom_id, (2,))
        if comp.get("disabled"):
            raise FakeUsageError(f"button {label_or_custom_id!r} is disabled")
        if comp.get("style") == 5 or "custom_id" not in comp:
            raise FakeUsageError(
                f"button {label_or_custom_id!r} is a link/premium button; it sends no interaction"
            )
        user = self._actor(user, target, msg)
        data = {"custom_id": comp["custom_id"], "component_type": 2, "id": comp.get("id")}
        inter = self._dispatch(3, user, self.world.channels[msg.channel_id], data, message=msg)
        return await self._await_result(inter, f"click on {label_or_custom_id!r}")

    async def select(
        self,
        target: MessageLike,
        placeholder_or_custom_id: str,
        values: list[Any] | tuple[Any, ...] | Any,
        user: User | None = None,
    ) -> InteractionResult:
        """Pick ``values`` in a select menu (string options by value or label; users/channels/roles as objects)."""
        msg, comp = self._find_component(target, placeholder_or_custom_id, SELECT_TYPES)
        if comp.get("disabled"):
            raise FakeUsageError(f"select {placeholder_or_custom_id!r} is disabled")
        if not isinstance(values, list | tuple):
            values = [values]
        user = self._actor(user, target, msg)
        chosen, resolved = self._select_values(comp, list(values), msg)
        data: dict[str, Any] = {
            "custom_id": comp["custom_id"],
            "component_type": comp["type"],
            "values": chosen,
            "id": comp.get("id"),
        }
        if resolved:
            data["resolved"] = resolved
        inter = self._dispatch(3, user, self.world.channels[msg.channel_id], data, message=msg)
        return await self._await_result(inter, f"select on {placeholder_or_custom_id!r}")

    async def submit_modal(
        self,
        result: InteractionResult,
        values: dict[str, Any] | None = None,
        user: User | None = None,
        *,
        channel: Channel | None = None,
        dm: bool = False,
    ) -> InteractionResult:
        """Fill in and submit the modal the bot opened; keys are field labels or custom_ids.

        ``user``, ``channel`` or ``dm=True`` submit it as someone else or from somewhere else than
        where it was opened (a forged submission, for authorization tests)."""
        modal = result.modal
        if modal is None:
            raise FakeUsageError(f"the bot did not open a modal (response type {result.type})")
        values = dict(values or {})
        components = []
        resolved: dict[str, Any] = {}
        for top in modal.components:
            if top.get("type") == 18:
                inner = top.get("component") or {}
                submitted = self._modal_value(inner, top.get("label"), values, resolved)
                components.append({"type": 18, "id": top.get("id"), "component": submitted})
            elif top.get("type") == 1:
                row = [
                    self._modal_value(c, c.get("label"), values, resolved)
                    for c in top.get("components") or []
                ]
                components.append({"type": 1, "id": top.get("id"), "components": row})
            elif top.get("type") == 10:  # text display: submitted back with its id only
                components.append({"type": 10, "id": top.get("id")})
        if values:
            raise FakeUsageError(
                f"modal {modal.title!r} has no fields {sorted(values)}; fields: {modal.labels}"
            )
        source = self.world.messages.get(result.interaction.source_message_id or 0)
        origin = result.interaction
        data: dict[str, Any] = {"custom_id": modal.custom_id, "components": components}
        if resolved:
            data["resolved"] = resolved
        actor = user or self.world.users[origin.user_id]
        place = self.world.channels[origin.channel_id]
        if dm:
            place = self.world.dm_channel(actor)
        elif channel is not None:
            place = channel
        if source is not None and source.channel_id != place.id:
            source = None
        inter = self._dispatch(5, actor, place, data, message=source)
        return await self._await_result(inter, f"modal {modal.title!r}")

    async def context_menu(
        self,
        user: User,
        name: str,
        target: MessageLike | User,
        *,
        guild: Guild | None = None,
        channel: Channel | None = None,
    ) -> InteractionResult:
        """Use a message command (target: a message) or a user command (target: a User)."""
        if isinstance(target, User):
            ctype = 2
            guild, channel = self._place(user, guild, channel, False)
            resolved: dict[str, Any] = {"users": {str(target.id): target.payload()}}
            if guild is not None and target.id in guild.members:
                perms = guild.member_permissions(target.id)
                member = guild.members[target.id].payload(with_user=False, permissions=perms)
                resolved["members"] = {str(target.id): member}
            target_id = target.id
        else:
            ctype = 3
            msg = self._message(target)
            channel = self.world.channels[msg.channel_id]
            guild = self.world.guild_of(channel)
            resolved = {"messages": {str(msg.id): self.world.message_payload(msg)}}
            target_id = msg.id
        cmd = self._find_command(name, ctype, guild)
        data = self._command_data(cmd, [], None)
        data.update({"target_id": str(target_id), "resolved": resolved})
        inter = self._dispatch(2, user, channel, data)
        return await self._await_result(inter, f"context menu {name!r}")

    def upload(self, filename: str, data: bytes, content_type: str | None = None) -> Att:
        """A file the user attaches to a command option (an ephemeral attachment)."""
        att = self.world.new_attachment(
            filename, data, self.world.app_id, content_type=content_type, ephemeral=True
        )
        return Att(att)

    # ================================================================== interaction plumbing
    def _place(
        self, user: User, guild: Guild | None, channel: Channel | None, dm: bool
    ) -> tuple[Guild | None, Channel]:
        if dm:
            return None, self.world.dm_channel(user)
        if channel is not None:
            if channel.is_dm:
                return None, channel
            guild = self.world.guild_of(channel)
        if guild is None:
            shared = [
                g for gid in sorted(self.world.bot_guilds) if user.id in (g := self.world.guilds[gid]).members
            ]
            if not shared:
                raise FakeUsageError(
                    f"{user} shares no guild with the bot; pass guild=..., channel=... or dm=True"
                )
            guild = shared[0]
        if user.id not in guild.members:
            raise FakeUsageError(f"{user} is not a member of {guild}")
        if not self.world.bot_in(guild):
            raise FakeUsageError(f"the bot is not in {guild}; users there cannot use its commands")
        if channel is None:
            texts = guild.text_channels
            if not texts:
                raise FakeUsageError(f"{guild} has no text channel")
            channel = texts[0]
        if channel.deleted:
            raise FakeUsageError(f"{channel} was deleted")
        return guild, channel

    def _find_command(self, name: str, ctype: int, guild: Guild | None) -> Command:
        scopes = ([guild.id] if guild else []) + [None]
        for scope in scopes:
            for cmd in self.world.commands_for(scope):
                if cmd.name == name and cmd.type == ctype:
                    self._check_context(cmd, guild)
                    return cmd
        kinds = {1: "slash", 2: "user", 3: "message"}
        known = sorted(c.name for s in scopes for c in self.world.commands_for(s) if c.type == ctype)
        raise FakeUsageError(
            f"no {kinds[ctype]} command {name!r} is registered"
            f"{' for ' + guild.name if guild else ''} (did the bot sync its command tree?); registered: {known}"
        )

    @staticmethod
    def _check_context(cmd: Command, guild: Guild | None) -> None:
        contexts = cmd.data.get("contexts")
        wanted = 0 if guild else 1
        if contexts is not None and wanted not in contexts:
            where = "in guilds" if guild else "in DMs"
            raise FakeUsageError(f"command {cmd.name!r} is not available {where} (contexts={contexts})")
        if guild is None and cmd.guild_id is not None:
            raise FakeUsageError(f"guild command {cmd.name!r} cannot be used in DMs")
        if guild is None and cmd.data.get("dm_permission") is False:
            raise FakeUsageError(f"command {cmd.name!r} is disabled in DMs")

    def _resolve_chat_command(
        self, command: str, guild: Guild | None
    ) -> tuple[Command, dict[str, Any], list[dict[str, Any]]]:
        parts = command.strip().lstrip("/").split()
        if not parts:
            raise FakeUsageError("empty command")
        cmd = self._find_command(parts[0], 1, guild)
        node: dict[str, Any] = cmd.data
        chain: list[dict[str, Any]] = []
        for part in parts[1:]:
            subs = {o["name"]: o for o in node.get("options") or [] if o.get("type") in (1, 2)}
            if part not in subs:
                raise FakeUsageError(
                    f"/{' '.join(parts)}: {part!r} is not a subcommand; choose from {sorted(subs)}"
                )
            node = subs[part]
            chain.append(node)
        if any(o.get("type") in (1, 2) for o in node.get("options") or []):
            subs = sorted(o["name"] for o in node.get("options") or [])
            raise FakeUsageError(f"/{' '.join(parts)} needs a subcommand: {subs}")
        return cmd, node, chain

    @staticmethod
    def _command_data(
        cmd: Command, chain: list[dict[str, Any]], leaf_options: list[dict[str, Any]] | None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(cmd.id), "name": cmd.name, "type": cmd.type}
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        if leaf_options is None:
            return data
        options = leaf_options
        for node in reversed(chain):
            options = [{"name": node["name"], "type": node["type"], "options": options}]
        data["options"] = options
        return data

    def _build_options(
        self,
        cmd: Command,
        leaf: dict[str, Any],
        values: dict[str, Any],
        resolved: dict[str, dict[str, Any]],
        guild: Guild | None,
    ) -> list[dict[str, Any]]:
        defs = {o["name"]: o for o in leaf.get("options") or []}
        unknown = sorted(set(values) - set(defs))
        if unknown:
            raise FakeUsageError(f"/{cmd.name} has no option(s) {unknown}; options: {sorted(defs)}")
        missing = [n for n, o in defs.items() if o.get("required") and n not in values]
        if missing:
            raise FakeUsageError(f"/{cmd.name}: required option(s) {missing} missing")
        built = []
        for name, opt in defs.items():  # Discord sends options in the command's order
            if name not in values or values[name] is None:
                continue
            value = self._option_value(cmd.name, opt, values[name], resolved, guild)
            built.append({"name": name, "type": opt["type"], "value": value})
        return built

    def _option_value(
        self,
        command: str,
        opt: dict[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
        guild: Guild | None,
    ) -> Any:
        otype, name = opt["type"], opt["name"]
        where = f"/{command} option {name!r} ({OPTION_TYPE_NAMES.get(otype, otype)})"

        def bad(expected: str) -> FakeUsageError:
            return FakeUsageError(f"{where}: expected {expected}, got {value!r}")

        if otype in (3, 4, 10):
            choices = opt.get("choices") or []
            if choices:
                by_name = {c["name"]: c["value"] for c in choices}
                allowed = [c["value"] for c in choices]
                if value not in allowed and value in by_name:
                    value = by_name[value]
                if value not in allowed:
                    raise FakeUsageError(f"{where}: {value!r} is not one of the choices {allowed}")
        if otype == 3:
            if not isinstance(value, str):
                raise bad("a str")
            lo, hi = opt.get("min_length", 0), opt.get("max_length", 6000)
            if not lo <= len(value) <= hi:
                raise FakeUsageError(f"{where}: length {len(value)} outside {lo}..{hi}")
            return value
        if otype in (4, 10):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (otype == 4 and not isinstance(value, int))
            ):
                raise bad("an int" if otype == 4 else "a number")
            lo, hi = opt.get("min_value"), opt.get("max_value")
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise FakeUsageError(f"{where}: {value} outside {lo}..{hi}")
            return value
        if otype == 5:
            if not isinstance(value, bool):
                raise bad("a bool")
            return value
        if otype in (6, 9) and isinstance(value, User):
            self._resolve_user(value, resolved, guild)
            return str(value.id)
        if otype in (8, 9) and isinstance(value, Role):
            resolved.setdefault("roles", {})[str(value.id)] = value.payload()
            return str(value.id)
        if otype == 7 and isinstance(value, Channel):
            types = opt.get("channel_types")
            if types and value.type not in types:
                raise FakeUsageError(f"{where}: channel type {value.type} not in {types}")
            resolved.setdefault("channels", {})[str(value.id)] = self._partial_channel(value, guild)
            return str(value.id)
        if otype == 11 and isinstance(value, Att | Attachment):
            att = value.state if isinstance(value, Att) else value
            resolved.setdefault("attachments", {})[str(att.id)] = att.payload()
            return str(att.id)
        raise bad(
            {6: "a User", 7: "a Channel", 8: "a Role", 9: "a User or Role", 11: "fake.upload(...)"}.get(
                otype, "?"
            )
        )

    def _resolve_user(self, user: User, resolved: dict[str, dict[str, Any]], guild: Guild | None) -> None:
        resolved.setdefault("users", {})[str(user.id)] = user.payload()
        if guild is not None and user.id in guild.members:
            perms = guild.member_permissions(user.id)
            resolved.setdefault("members", {})[str(user.id)] = guild.members[user.id].payload(
                with_user=False, permissions=perms
            )

    def _partial_channel(self, channel: Channel, guild: Guild | None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(channel.id),
            "type": channel.type,
            "name": channel.name,
            "permissions": str(BOT_PERMISSIONS),
            "parent_id": str(channel.parent_id) if channel.parent_id else None,
        }
        if guild is not None:
            data["guild_id"] = str(guild.id)
        if channel.is_thread:
            data["thread_metadata"] = channel.payload()["thread_metadata"]
        return data

    def _interaction_channel(self, channel: Channel, guild: Guild | None, user: User) -> dict[str, Any]:
        data = channel.payload()
        if guild is not None:
            data["permissions"] = str(guild.permissions_in(channel, user.id))
        return data

    def _dispatch(
        self,
        itype: int,
        user: User,
        channel: Channel,
        data: dict[str, Any],
        *,
        message: Message | None = None,
        locale: str = "en-US",
    ) -> Interaction:
        world = self.world
        gateway = self.server.gateway
        if gateway.current is None:
            raise FakeUsageError("the bot never connected to the gateway (await fake.wait_for_ready() first)")
        guild = world.guild_of(channel)
        iid = world.ids.next()
        token = "emu-interaction." + secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(world.app_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "channel": self._interaction_channel(channel, guild, user),
            "channel_id": str(channel.id),
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild is not None:
            if user.id not in guild.members:
                raise FakeUsageError(f"{user} is not a member of {guild}")
            perms = guild.permissions_in(channel, user.id)  # Discord: in the channel, overwrites applied
            payload.update(
                {
                    "guild_id": str(guild.id),
                    "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
                    "guild_locale": "en-US",
                    "member": guild.members[user.id].payload(permissions=perms),
                    "app_permissions": str(guild.permissions_in(channel, world.bot.id)),
                    "authorizing_integration_owners": {"0": str(guild.id)},
                    "context": 0,
                }
            )
        else:
            payload.update(
                {
                    "user": user.payload(),
                    "app_permissions": str(BOT_PERMISSIONS),
                    "authorizing_integration_owners": {"0": "0"},
                    "context": 1,
                }
            )
        if message is not None:
            payload["message"] = world.message_payload(message)
        inter = Interaction(
            id=iid,
            token=token,
            type=itype,
            payload=payload,
            user_id=user.id,
            channel_id=channel.id,
            guild_id=guild.id if guild else None,
            dispatched_at=self.server.clock(),
            source_message_id=message.id if message is not None else None,
        )
        world.interactions[iid] = inter
        world.interactions_by_token[token] = inter
        inter.violations_before = len(self.server.violations)
        gateway.dispatch("INTERACTION_CREATE", payload)
        return inter

    async def _await_result(self, inter: Interaction, what: str) -> InteractionResult:
        changed = self.world.changed
        wait = max(self.response_timeout, self.server.interaction_deadline + 1.0)
        deadline_at = inter.dispatched_at + self.server.interaction_deadline

        def settled() -> bool:
            # A rejected response (bad form...) still leaves the bot time to answer correctly.
            if inter.acknowledged or "interaction.deadline" in inter.rejected:
                return True
            return bool(inter.rejected) and self.server.clock() > deadline_at

        with contextlib.suppress(TimeoutError):
            await changed.wait_for(settled, wait, poll=0.05)
        if not inter.acknowledged:
            reason = (
                "the bot's initial response was rejected"
                if inter.rejected
                else f"the bot did not respond within {wait:g}s"
            )
            raise InteractionFailed(
                f"{what}: {reason} (Discord would show 'The application did not respond').",
                self.server.violations[inter.violations_before :],
            )
        result = InteractionResult(self, inter)  # type: ignore[arg-type]
        if inter.response_type == 5:

            def completed() -> bool:
                original = self.world.messages.get(inter.original_message_id or 0)
                return (
                    original is None
                    or original.deleted
                    or not original.flags & LOADING
                    or bool(inter.followup_ids)
                )

            try:
                await changed.wait_for(completed, self.defer_timeout)
            except TimeoutError:
                raise InteractionFailed(
                    f"{what}: the bot deferred but did not edit the response or send a follow-up within "
                    f"{self.defer_timeout:g}s (Discord would keep showing 'thinking...').",
                    self.server.violations[inter.violations_before :],
                ) from None
        elif inter.response_type == 6:
            # A deferred update promises an edit of the message (or a follow-up) soon: give the bot
            # a moment to make it, so tests read the settled message. Not making one is allowed.
            with contextlib.suppress(TimeoutError):
                await changed.wait_for(lambda: inter.edits > 0 or bool(inter.followup_ids), self.update_wait)
        return result

    # ================================================================== components
    def _message(self, target: MessageLike) -> Message:
        if isinstance(target, InteractionResult):
            msg = target.message
            if msg is None:
                raise FakeUsageError(f"{target} has no response message")
            return msg.state
        if isinstance(target, Msg):
            return target.state
        if isinstance(target, Message):
            return target
        if isinstance(target, int) and target in self.world.messages:
            return self.world.messages[target]
        raise FakeUsageError(f"not a message: {target!r}")

    def _find_component(
        self, target: MessageLike, key: str, types: tuple[int, ...]
    ) -> tuple[Message, dict[str, Any]]:
        if isinstance(target, InteractionResult):
            candidates = [m.state for m in target.messages]
        else:
            candidates = [self._message(target)]
        seen: list[str] = []
        for msg in candidates:
            if msg.deleted:
                continue
            for comp in walk_components(msg.components):
                if comp.get("type") not in types:
                    continue
                names = (comp.get("label"), comp.get("custom_id"), comp.get("placeholder"))
                if key in names:
                    return msg, comp
                seen.append(comp.get("label") or comp.get("placeholder") or comp.get("custom_id") or "?")
        kind = "button" if types == (2,) else "select menu"
        raise FakeUsageError(f"no {kind} {key!r} on the message; found: {seen}")

    def _actor(self, user: User | None, target: MessageLike, msg: Message) -> User:
        if user is not None:
            return user
        if isinstance(target, InteractionResult):
            return target.user
        if msg.interaction_metadata:
            return self.world.users[int(msg.interaction_metadata["user"]["id"])]
        raise FakeUsageError("pass the user who clicks (user=...)")

    def _select_values(
        self, comp: dict[str, Any], values: list[Any], msg: Message
    ) -> tuple[list[str], dict[str, Any]]:
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if not lo <= len(values) <= hi:
            raise FakeUsageError(
                f"select {comp.get('custom_id')!r} takes {lo}..{hi} values, got {len(values)}"
            )
        resolved: dict[str, Any] = {}
        guild = self.world.guilds.get(msg.guild_id) if msg.guild_id else None
        if comp["type"] == 3:
            options = comp.get("options") or []
            out = []
            for v in values:
                match = next((o["value"] for o in options if v in (o.get("value"), o.get("label"))), None)
                if match is None:
                    raise FakeUsageError(
                        f"{v!r} is not an option of {comp.get('custom_id')!r}: {[o['label'] for o in options]}"
                    )
                out.append(match)
            return out, resolved
        out = []
        for v in values:
            if isinstance(v, User) and comp["type"] in (5, 7):
                self._resolve_user(v, resolved, guild)
            elif isinstance(v, Role) and comp["type"] in (6, 7):
                resolved.setdefault("roles", {})[str(v.id)] = v.payload()
            elif isinstance(v, Channel) and comp["type"] == 8:
                resolved.setdefault("channels", {})[str(v.id)] = self._partial_channel(v, guild)
            else:
                raise FakeUsageError(f"{v!r} cannot be picked in a select of type {comp['type']}")
            out.append(str(v.id))
        return out, resolved

    def _modal_value(
        self, comp: dict[str, Any], label: str | None, values: dict[str, Any], resolved: dict[str, Any]
    ) -> dict[str, Any]:
        """The submitted form of one modal input (text input, select, file upload, radio, checkbox)."""
        label = label or comp.get("label")
        cid = comp.get("custom_id")
        key = label if label in values else cid if cid in values else None
        name = label or cid
        ctype = comp.get("type")
        base = {"type": ctype, "id": comp.get("id"), "custom_id": cid}
        required = comp.get("required", True)
        if ctype == 4:  # text input
            value = values.pop(key) if key is not None else comp.get("value") or ""
            if not isinstance(value, str):
                raise FakeUsageError(f"modal field {name!r} takes a str, got {value!r}")
            if required and not value:
                raise FakeUsageError(f"modal field {name!r} is required")
            lo, hi = comp.get("min_length") or 0, comp.get("max_length") or 4000
            if value and not lo <= len(value) <= hi:
                raise FakeUsageError(f"modal field {name!r}: length {len(value)} outside {lo}..{hi}")
            return {**base, "value": value}
        if ctype in SELECT_TYPES or ctype in (19, 22):  # selects, file upload, checkbox group
            picked = values.pop(key) if key is not None else []
            if not isinstance(picked, list | tuple):
                picked = [picked]
            if required and not picked and comp.get("min_values", 1) > 0:
                raise FakeUsageError(f"modal field {name!r} is required")
            if ctype == 19:
                for item in picked:
                    if not isinstance(item, Att):
                        raise FakeUsageError(
                            f"file upload {name!r} takes fake.upload(...) results, got {item!r}"
                        )
                    resolved.setdefault("attachments", {})[str(item.id)] = item.state.payload()
            return {**base, "values": [_raw_id(v) for v in picked]}
        if ctype == 21:  # radio group
            value = values.pop(key) if key is not None else None
            if required and value is None:
                raise FakeUsageError(f"modal field {name!r} is required")
            return {**base, "value": value}
        if ctype == 23:  # checkbox
            return {**base, "value": bool(values.pop(key)) if key is not None else False}
        return {"type": ctype, "id": comp.get("id")}


def _raw_id(value: Any) -> Any:
    if isinstance(value, User | Channel | Role):
        return str(value.id)
    if isinstance(value, Att):
        return str(value.id)
    return value


__all__ = ["Choice", "UserActions"]
