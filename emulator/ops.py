"""Operations shared by REST handlers and the test API: messages, threads and their gateway events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors, rules
from .gateway import DIRECT_MESSAGE_REACTIONS, GUILD_MEMBERS, GUILD_MESSAGE_REACTIONS, GUILDS
from .permissions import READ_MESSAGE_HISTORY, VIEW_CHANNEL, names
from .snowflake import iso_now
from .state import (
    ATTACHMENT_SIZE_LIMIT,
    EPHEMERAL,
    HAS_THREAD,
    LOADING,
    PUBLIC_THREAD,
    Attachment,
    Channel,
    Guild,
    Interaction,
    Message,
    User,
)

if TYPE_CHECKING:
    from .server import EmulatorServer, UploadedFile

ATTACHMENTS_MAX = 10
EDITABLE_FLAGS = 1 << 2  # SUPPRESS_EMBEDS


class Ops:
    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.world = server.world
        self.gateway = server.gateway

    # ------------------------------------------------------------------ lookups with Discord's errors
    def channel_for_bot(self, channel_id: int | str) -> Channel:
        """A channel the bot may use, or the error Discord returns."""
        try:
            chan = self.world.channels.get(int(channel_id))
        except ValueError:
            chan = None
        if chan is None or chan.deleted:
            raise errors.unknown_channel()
        if chan.guild_id is not None:
            guild = self.world.guilds[chan.guild_id]
            if not self.world.bot_in(guild):
                raise errors.missing_access()
            parent = self.world.channels.get(chan.parent_id) if chan.parent_id else None
            denied = chan.denied_code or (parent.denied_code if parent else None)
            if denied:
                raise errors.missing_access(denied)
            if not guild.permissions_in(chan, self.world.bot.id) & VIEW_CHANNEL:
                raise errors.missing_access(detail=f"the bot may not view {chan.name!r} (View Channel)")
        return chan

    def require(self, channel: Channel, *needed: int) -> None:
        """403 Missing Permissions (50013) unless the bot has each of ``needed`` in a guild ``channel``."""
        guild = self.world.guild_of(channel)
        if guild is None:
            return
        have = guild.permissions_in(channel, self.world.bot.id)
        lacking = [name for bit in needed if not have & bit for name in names(bit)]
        if lacking:
            raise errors.missing_access(
                50013, detail=f"the bot lacks {', '.join(lacking)} in {channel.name!r}"
            )

    def can_read_history(self, channel: Channel) -> bool:
        guild = self.world.guild_of(channel)
        return guild is None or bool(guild.permissions_in(channel, self.world.bot.id) & READ_MESSAGE_HISTORY)

    def message_in(self, channel: Channel, message_id: int | str) -> Message:
        try:
            msg = self.world.messages.get(int(message_id))
        except ValueError:
            msg = None
        if msg is None or msg.deleted or msg.channel_id != channel.id or msg.ephemeral:
            raise errors.unknown_message()
        return msg

    # ------------------------------------------------------------------ messages
    def _attachments(
        self,
        payload: dict[str, Any],
        files: list[UploadedFile],
        channel_id: int,
        existing: list[Attachment],
        path: tuple[str | int, ...],
    ) -> tuple[list[Attachment | UploadedFile], list[rules.Problem]]:
        """The message's attachments after this request: kept ones and new files (not stored yet)."""
        for f in files:
            if len(f.data) > ATTACHMENT_SIZE_LIMIT:
                raise errors.APIError(
                    413,
                    40005,
                    "Request entity too large",
                    rule="attachment.size",
                    detail=f"{f.filename} is {len(f.data)} bytes (limit {ATTACHMENT_SIZE_LIMIT})",
                )
        problems: list[rules.Problem] = []
        by_index = {f.index: f for f in files}
        spec = payload.get("attachments")
        result: list[Attachment | UploadedFile] = []
        used: set[int] = set()
        if spec is None:
            result.extend(existing)
        else:
            keep = {a.id: a for a in existing}
            for i, entry in enumerate(spec):
                raw = str(entry.get("id", ""))
                if raw.isdigit() and int(raw) in by_index and int(raw) not in keep:
                    upload = by_index[int(raw)]
                    used.add(upload.index)
                    if entry.get("filename"):
                        upload.filename = entry["filename"]
                    upload.description = entry.get("description")
                    result.append(upload)
                elif raw.isdigit() and int(raw) in keep:
                    result.append(keep[int(raw)])
                else:
                    problems.append(
                        rules.Problem(
                            "message.attachments.unknown",
                            f"Unknown attachment id {raw!r}.",
                            (*path, "attachments", i, "id"),
                        )
                    )
        result.extend(f for f in files if f.index not in used)
        if len(result) > ATTACHMENTS_MAX:
            problems.append(
                rules.Problem(
                    "message.attachments.count",
                    f"Must be {ATTACHMENTS_MAX} or fewer in length ({len(result)} attachments).",
                    (*path, "attachments"),
                    "BASE_TYPE_MAX_LENGTH",
                )
            )
        return result, problems

    def _store(
        self, items: list[Attachment | UploadedFile], channel_id: int, ephemeral: bool
    ) -> list[Attachment]:
        stored = []
        for item in items:
            if isinstance(item, Attachment):
                stored.append(item)
            else:
                stored.append(
                    self.world.new_attachment(
                        item.filename,
                        item.data,
                        channel_id,
                        content_type=item.content_type,
                        description=item.description,
                        ephemeral=ephemeral,
                    )
                )
        return stored

    def validate_new(
        self,
        payload: dict[str, Any],
        files: list[UploadedFile],
        channel_id: int,
        path: tuple[str | int, ...] = (),
    ) -> list[Attachment | UploadedFile]:
        problems = rules.check_message(payload, path=path)
        flags = payload.get("flags") or 0
        if flags & ~rules.ALLOWED_SEND_FLAGS:
            problems.append(rules.Problem("message.flags", f"Flags {flags} cannot be set.", (*path, "flags")))
        atts, att_problems = self._attachments(payload, files, channel_id, [], path)
        problems += att_problems
        if problems:
            raise errors.invalid_form(problems)
        if rules.is_empty_message(payload, len(atts)):
            raise errors.empty_message()
        return atts

    def create_message(
        self,
        channel: Channel,
        author: User,
        payload: dict[str, Any],
        files: list[Any] | None = None,  # UploadedFile, or already stored Attachment when validate=False
        *,
        path: tuple[str | int, ...] = (),
        interaction: Interaction | None = None,
        type_: int = 0,
        extra_flags: int = 0,
        validate: bool = True,
    ) -> Message:
        files = files or []
        atts = self.validate_new(payload, files, channel.id, path) if validate else list(files)
        flags = (payload.get("flags") or 0) | extra_flags
        msg = Message(
            id=self.world.ids.next(),
            channel_id=channel.id,
            author_id=author.id,
            timestamp=self.world.iso_now(),
            content=payload.get("content") or "",
            embeds=[{"type": "rich", **e} for e in payload.get("embeds") or []],
            components=self.normalize_components(payload.get("components") or []),
            flags=flags,
            type=type_,
            guild_id=channel.guild_id,
            tts=bool(payload.get("tts")),
            sticker_ids=list(payload.get("sticker_ids") or []),
            poll=payload.get("poll"),
        )
        msg.attachments = self._store(atts, channel.id, bool(flags & EPHEMERAL))
        ref = payload.get("message_reference")
        if ref and ref.get("message_id"):
            target = self.world.messages.get(int(ref["message_id"]))
            if target is None or target.deleted:
                if ref.get("fail_if_not_exists", True):
                    raise errors.invalid_form(
                        [
                            rules.Problem(
                                "message.reference.unknown",
                                "Unknown message",
                                (*path, "message_reference"),
                                "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                            )
                        ]
                    )
            else:
                msg.reference = {
                    "type": 0,
                    "message_id": str(target.id),
                    "channel_id": str(target.channel_id),
                    "guild_id": str(target.guild_id) if target.guild_id else None,
                }
                if msg.type == 0:
                    msg.type = 19
        if interaction is not None:
            msg.interaction_id = interaction.id
            msg.webhook_id = self.world.app_id
            msg.application_id = self.world.app_id
            msg.interaction_metadata = self.interaction_metadata(interaction)
        self.world.add_message(msg)
        self.dispatch_create(msg)
        return msg

    def interaction_metadata(self, inter: Interaction) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "id": str(inter.id),
            "type": inter.type,
            "user": self.world.users[inter.user_id].payload(),
            "authorizing_integration_owners": inter.payload.get("authorizing_integration_owners", {}),
        }
        data = inter.payload.get("data") or {}
        if inter.type == 2:
            meta["name"] = data.get("name")
            meta["command_type"] = data.get("type", 1)
        if inter.source_message_id is not None:
            meta["interacted_message_id"] = str(inter.source_message_id)
        return meta

    def edit_message(
        self,
        msg: Message,
        payload: dict[str, Any],
        files: list[UploadedFile] | None = None,
        *,
        path: tuple[str | int, ...] = (),
    ) -> Message:
        files = files or []
        merged = {
            "content": payload.get("content", msg.content),
            "embeds": payload.get("embeds", msg.embeds),
            "components": payload.get("components", msg.components),
            "flags": msg.flags,
            "sticker_ids": msg.sticker_ids,
            "poll": msg.poll,
        }
        problems = rules.check_message(merged, path=path)
        atts, att_problems = self._attachments(payload, files, msg.channel_id, msg.attachments, path)
        problems += att_problems
        if problems:
            raise errors.invalid_form(problems)
        if rules.is_empty_message(merged, len(atts)):
            raise errors.empty_message()
        msg.content = merged["content"] or ""
        msg.embeds = [{"type": "rich", **e} for e in merged["embeds"] or []]
        msg.components = self.normalize_components(merged["components"] or [])
        if "flags" in payload and payload["flags"] is not None:
            msg.flags = (msg.flags & ~EDITABLE_FLAGS) | (payload["flags"] & EDITABLE_FLAGS)
        msg.flags &= ~LOADING
        msg.attachments = self._store(atts, msg.channel_id, msg.ephemeral)
        msg.edited_timestamp = self.world.iso_now()
        self.world.changed.notify()
        self.dispatch_update(msg)
        return msg

    def delete_message(self, msg: Message) -> None:
        msg.deleted = True
        self.world.changed.notify()
        if msg.ephemeral:
            return
        data: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id:
            data["guild_id"] = str(msg.guild_id)
        intent = (1 << 9) if msg.guild_id else (1 << 12)
        self.gateway.dispatch("MESSAGE_DELETE", data, intent=intent)

    @staticmethod
    def normalize_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Discord fills in ids for components (discord.py's views ignore them, but tests may not)."""
        counter = 0

        def walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            nonlocal counter
            out = []
            for comp in items:
                counter += 1
                comp = {**comp}
                comp.setdefault("id", counter)
                if "components" in comp:
                    comp["components"] = walk(comp["components"])
                if isinstance(comp.get("accessory"), dict):
                    comp["accessory"] = walk([comp["accessory"]])[0]
                out.append(comp)
            return out

        return walk(components)

    # ------------------------------------------------------------------ dispatch helpers
    def _visible(self, msg: Message) -> bool:
        world = self.world
        chan = world.channels[msg.channel_id]
        return chan.is_dm or msg.author_id == world.bot.id or world.bot.id in world.mentioned_ids(msg.content)

    def _guild_reachable(self, msg: Message) -> bool:
        return msg.guild_id is None or msg.guild_id in self.world.bot_guilds

    def dispatch_create(self, msg: Message) -> None:
        if msg.ephemeral or not self._guild_reachable(msg):
            return
        chan = self.world.channels[msg.channel_id]
        self.gateway.dispatch_message(
            "MESSAGE_CREATE",
            self.world.message_payload(msg),
            dm=chan.is_dm,
            visible_content=self._visible(msg),
        )

    def dispatch_update(self, msg: Message) -> None:
        if msg.ephemeral or not self._guild_reachable(msg):
            return
        chan = self.world.channels[msg.channel_id]
        self.gateway.dispatch_message(
            "MESSAGE_UPDATE",
            self.world.message_payload(msg),
            dm=chan.is_dm,
            visible_content=self._visible(msg),
        )

    def dispatch_reaction(self, event: str, msg: Message, user: User, emoji: dict[str, Any]) -> None:
        if not self._guild_reachable(msg):
            return
        data: dict[str, Any] = {
            "user_id": str(user.id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "message_author_id": str(msg.author_id),
            "emoji": emoji,
            "burst": False,
            "type": 0,
        }
        if msg.guild_id:
            data["guild_id"] = str(msg.guild_id)
            member = self.world.guilds[msg.guild_id].members.get(user.id)
            if member is not None and event == "MESSAGE_REACTION_ADD":
                data["member"] = member.payload()
        intent = GUILD_MESSAGE_REACTIONS if msg.guild_id else DIRECT_MESSAGE_REACTIONS
        self.gateway.dispatch(event, data, intent=intent)

    # ------------------------------------------------------------------ threads & channels
    def create_thread(
        self,
        parent: Channel,
        name: str,
        owner: User,
        *,
        message: Message | None = None,
        type_: int = PUBLIC_THREAD,
    ) -> Channel:
        problems = []
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            problems.append(rules.Problem("thread.name", "Must be between 1 and 100 in length.", ("name",)))
        if parent.is_thread or parent.is_dm:
            problems.append(
                rules.Problem("thread.parent", "Threads can only be created in guild channels.", ())
            )
        if message is not None and message.thread_id is not None:
            raise errors.APIError(
                400, 160004, "A thread has already been created for this message", rule="thread.exists"
            )
        if problems:
            raise errors.invalid_form(problems)
        guild = self.world.guilds[parent.guild_id]  # type: ignore[index]
        thread = self.world.add_channel(guild, name, type_, parent_id=parent.id, owner_id=owner.id)
        if message is not None:
            self.world.rekey_channel(thread, message.id)  # Discord reuses the message id as the thread id
            message.thread_id = thread.id
            message.flags |= HAS_THREAD
        self.world.changed.notify()
        if self.world.bot_in(guild):
            data = {**thread.payload(), "newly_created": True}
            if owner.id == self.world.bot.id:
                data["member"] = {
                    "id": str(thread.id),
                    "user_id": str(owner.id),
                    "join_timestamp": iso_now(),
                    "flags": 1,
                }
            self.gateway.dispatch("THREAD_CREATE", data, intent=GUILDS)
            if message is not None:
                self.dispatch_update(message)
        return thread

    def guild_member_add(self, guild: Guild, user: User) -> None:
        member = self.world.add_member(guild, user)
        if self.world.bot_in(guild):
            self.gateway.dispatch(
                "GUILD_MEMBER_ADD", {**member.payload(), "guild_id": str(guild.id)}, intent=GUILD_MEMBERS
            )

    def guild_member_remove(self, guild: Guild, user: User) -> None:
        guild.members.pop(user.id, None)
        if self.world.bot_in(guild):
            self.gateway.dispatch(
                "GUILD_MEMBER_REMOVE",
                {"guild_id": str(guild.id), "user": user.payload()},
                intent=GUILD_MEMBERS,
            )
