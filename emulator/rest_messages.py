"""REST: channel messages, reactions, typing and threads."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote

from aiohttp import web

from . import errors, rules
from .ops import Ops
from .permissions import (
    ADD_REACTIONS,
    ATTACH_FILES,
    CREATE_PRIVATE_THREADS,
    CREATE_PUBLIC_THREADS,
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
)
from .server import API_PREFIX, json_response, no_content, read_payload
from .state import PRIVATE_THREAD, PUBLIC_THREAD, Channel, _emoji_payload

if TYPE_CHECKING:
    from .server import EmulatorServer


def setup(app: web.Application, server: EmulatorServer) -> None:
    routes = MessageRoutes(server)
    r = app.router
    base = API_PREFIX + "/channels/{channel_id}"
    r.add_get(base + "/messages", routes.list_messages)
    r.add_post(base + "/messages", routes.create_message)
    r.add_get(base + "/messages/{message_id}", routes.get_message)
    r.add_patch(base + "/messages/{message_id}", routes.edit_message)
    r.add_delete(base + "/messages/{message_id}", routes.delete_message)
    r.add_post(base + "/typing", routes.typing)
    r.add_put(base + "/messages/{message_id}/reactions/{emoji}/@me", routes.add_reaction)
    r.add_delete(base + "/messages/{message_id}/reactions/{emoji}/@me", routes.remove_own_reaction)
    r.add_get(base + "/messages/{message_id}/reactions/{emoji}", routes.reaction_users)
    r.add_post(base + "/messages/{message_id}/threads", routes.thread_from_message)
    r.add_post(base + "/threads", routes.thread_without_message)
    r.add_put(base + "/thread-members/@me", routes.join_thread)


NONCE_WINDOW_SECONDS = 300.0


class MessageRoutes:
    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.world = server.world
        self.ops = Ops(server)
        # (author, nonce) -> (message id, emulator time): Discord's enforce_nonce dedupe.
        self._nonces: dict[tuple[int, str], tuple[int, float]] = {}

    def _writable(self, request: web.Request) -> Channel:
        chan = self.ops.channel_for_bot(request.match_info["channel_id"])
        if chan.is_dm:
            user = self.world.users[chan.recipient_id]  # type: ignore[index]
            if user.dms_closed or user.bot:
                raise errors.cannot_dm()
            mutual = any(user.id in self.world.guilds[g].members for g in self.world.bot_guilds)
            if not mutual:
                raise errors.APIError(
                    403,
                    50007,
                    "Cannot send messages to this user",
                    rule="dm.no_mutual_guild",
                    detail=f"{user.name} shares no guild with the bot, so Discord refuses the DM.",
                )
        self.ops.require(chan, SEND_MESSAGES_IN_THREADS if chan.is_thread else SEND_MESSAGES)
        if chan.is_thread and chan.archived:
            chan.archived = False  # sending unarchives a thread, as on Discord
        return chan

    async def list_messages(self, request: web.Request) -> web.Response:
        chan = self.ops.channel_for_bot(request.match_info["channel_id"])
        q = request.query
        limit = int(q.get("limit", "50"))
        if not 1 <= limit <= 100:
            raise errors.invalid_form(
                [rules.Problem("messages.limit", "Must be between 1 and 100.", ("limit",), "NUMBER_TYPE_MAX")]
            )
        if not self.ops.can_read_history(chan):
            return json_response([])  # Discord: without Read Message History, no message is returned
        msgs = self.world.channel_messages(chan.id)  # oldest first
        if "before" in q:
            msgs = [m for m in msgs if m.id < int(q["before"])][-limit:]
        elif "after" in q:
            msgs = [m for m in msgs if m.id > int(q["after"])][:limit]
        elif "around" in q:
            pivot = int(q["around"])
            older = [m for m in msgs if m.id <= pivot]
            newer = [m for m in msgs if m.id > pivot]
            half = limit // 2
            msgs = older[-(limit - half) :] + newer[:half]
        else:
            msgs = msgs[-limit:]
        return json_response([self.world.message_payload(m) for m in reversed(msgs)])  # newest first

    async def get_message(self, request: web.Request) -> web.Response:
        chan = self.ops.channel_for_bot(request.match_info["channel_id"])
        self.ops.require(chan, READ_MESSAGE_HISTORY)
        msg = self.ops.message_in(chan, request.match_info["message_id"])
        return json_response(self.world.message_payload(msg))

    async def create_message(self, request: web.Request) -> web.Response:
        chan = self._writable(request)
        payload, files = await read_payload(request)
        # Discord: an embed needs Embed Links and a file Attach Files (403 50013 without them).
        self.ops.require(chan, *([EMBED_LINKS] if payload.get("embeds") else []))
        self.ops.require(chan, *([ATTACH_FILES] if files else []))
        nonce = payload.get("nonce")
        key = (self.world.bot.id, str(nonce))
        if nonce is not None and payload.get("enforce_nonce"):
            # Discord: with enforce_nonce, a nonce seen from the same author in the past few
            # minutes returns the earlier message instead of creating a new one.
            seen = self._nonces.get(key)
            if seen is not None and self.server.clock() - seen[1] < NONCE_WINDOW_SECONDS:
                earlier = self.world.messages.get(seen[0])
                if earlier is not None and not earlier.deleted:
                    return json_response(self.world.message_payload(earlier))
        msg = self.ops.create_message(chan, self.world.bot, payload, files)
        if nonce is not None:
            self._nonces[key] = (msg.id, self.server.clock())
        return json_response(self.world.message_payload(msg))

    async def edit_message(self, request: web.Request) -> web.Response:
        chan = self.ops.channel_for_bot(request.match_info["channel_id"])
        msg = self.ops.message_in(chan, request.match_info["message_id"])
        payload, files = await read_payload(request)
        if msg.author_id != self.world.bot.id and set(payload) - {"flags"}:
            raise errors.APIError(
                403, 50005, "Cannot edit a message authored by another user", rule="message.not_author"
            )
        msg = self.ops.edit_message(msg, payload, files)
        return json_response(self.world.message_payload(msg))

    async def delete_message(self, request: web.Request) -> web.Response:
        chan = self.ops.channel_for_bot(request.match_info["channel_id"])
        msg = self.ops.message_in(chan, request.match_info["message_id"])
        self.ops.delete_message(msg)
        return no_content()

    async def typing(self, request: web.Request) -> web.Response:
        self._writable(request)
        return no_content()

    # ------------------------------------------------------------------ reactions
    async def add_reaction(self, request: web.Request) -> web.Response:
        chan = self.ops.channel_for_bot(request.match_info["channel_id"])
        msg = self.ops.message_in(chan, request.match_info["message_id"])
        emoji = unquote(request.match_info["emoji"])
        if not emoji:
            raise errors.APIError(400, 10014, "Unknown Emoji", rule="reaction.emoji")
        if not msg.reactions.get(emoji):
            self.ops.require(chan, ADD_REACTIONS)  # only a new reaction needs it
        users = msg.reactions.setdefault(emoji, [])
        if self.world.bot.id not in users:
            users.append(self.world.bot.id)
            self.world.changed.notify()
            self.ops.dispatch_reaction("MESSAGE_REACTION_ADD", msg, self.world.bot, _emoji_payload(emoji))
        return no_content()

    async def remove_own_reaction(self, request: web.Request) -> web.Response:
        chan = self.ops.channel_for_bot(request.match_info["channel_id"])
        msg = self.ops.message_in(chan, request.match_info["message_id"])
        emoji = unquote(request.match_info["emoji"])
        users = msg.reactions.get(emoji, [])
        if self.world.bot.id in users:
            users.remove(self.world.bot.id)
            self.world.changed.notify()
            self.ops.dispatch_reaction("MESSAGE_REACTION_REMOVE", msg, self.world.bot, _emoji_payload(emoji))
        return no_content()

    async def reaction_users(self, request: web.Request) -> web.Response:
        chan = self.ops.channel_for_bot(request.match_info["channel_id"])
        msg = self.ops.message_in(chan, request.match_info["message_id"])
        emoji = unquote(request.match_info["emoji"])
        users = [self.world.users[u].payload() for u in msg.reactions.get(emoji, [])]
        return json_response(users[: int(request.query.get("limit", "25"))])

    # ------------------------------------------------------------------ threads
    async def thread_from_message(self, request: web.Request) -> web.Response:
        chan = self.ops.channel_for_bot(request.match_info["channel_id"])
        msg = self.ops.message_in(chan, request.match_info["message_id"])
        payload, _ = await read_payload(request)
        self.ops.require(chan, CREATE_PUBLIC_THREADS)
        thread = self.ops.create_thread(chan, payload.get("name"), self.world.bot, message=msg)
        return json_response(thread.payload(), 201)

    async def thread_without_message(self, request: web.Request) -> web.Response:
        chan = self.ops.channel_for_bot(request.match_info["channel_id"])
        payload, _ = await read_payload(request)
        type_ = payload.get("type") or PRIVATE_THREAD
        if type_ not in (PUBLIC_THREAD, PRIVATE_THREAD):
            raise errors.invalid_form(
                [rules.Problem("thread.type", f"Invalid thread type {type_}.", ("type",))]
            )
        self.ops.require(chan, CREATE_PUBLIC_THREADS if type_ == PUBLIC_THREAD else CREATE_PRIVATE_THREADS)
        thread = self.ops.create_thread(chan, payload.get("name"), self.world.bot, type_=type_)
        return json_response(thread.payload(), 201)

    async def join_thread(self, request: web.Request) -> web.Response:
        self.ops.channel_for_bot(request.match_info["channel_id"])
        return no_content()
