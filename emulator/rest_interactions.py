"""REST: interaction callbacks and the interaction webhook (follow-ups, @original)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import errors, rules
from .ops import Ops
from .server import API_PREFIX, json_response, no_content, read_payload
from .state import EPHEMERAL, LOADING, Interaction, Message

if TYPE_CHECKING:
    from .server import EmulatorServer, UploadedFile

# interaction type -> callback types Discord accepts for it
ALLOWED_RESPONSES = {
    2: {4, 5, 9},  # application command
    3: {4, 5, 6, 7, 9},  # message component
    4: {8},  # autocomplete
    5: {4, 5, 6, 7},  # modal submit (6/7 only when the modal came from a component)
}
INTERACTION_TYPE_NAMES = {2: "application command", 3: "component", 4: "autocomplete", 5: "modal submit"}
CALLBACK_NAMES = {
    1: "PONG",
    4: "CHANNEL_MESSAGE_WITH_SOURCE",
    5: "DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE",
    6: "DEFERRED_UPDATE_MESSAGE",
    7: "UPDATE_MESSAGE",
    8: "APPLICATION_COMMAND_AUTOCOMPLETE_RESULT",
    9: "MODAL",
}


def setup(app: web.Application, server: EmulatorServer) -> None:
    routes = InteractionRoutes(server)
    r = app.router
    r.add_post(API_PREFIX + "/interactions/{interaction_id}/{token}/callback", routes.callback)
    hook = API_PREFIX + "/webhooks/{application_id}/{token}"
    r.add_post(hook, routes.followup)
    r.add_get(hook + "/messages/{message_id}", routes.get_message)
    r.add_patch(hook + "/messages/{message_id}", routes.edit_message)
    r.add_delete(hook + "/messages/{message_id}", routes.delete_message)


class InteractionRoutes:
    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.world = server.world
        self.ops = Ops(server)

    # ------------------------------------------------------------------ initial response
    async def callback(self, request: web.Request) -> web.Response:
        raw_id = request.match_info["interaction_id"]
        inter = self.world.interactions.get(int(raw_id)) if raw_id.isdigit() else None
        if inter is None or inter.token != request.match_info["token"]:
            raise errors.unknown_interaction(
                "No interaction with this id and token.", rule="interaction.unknown"
            )
        payload, files = await read_payload(request)
        rtype = payload.get("type")
        try:
            self._check_timing(inter, rtype)
            msg = self._respond(inter, rtype, payload.get("data") or {}, files)
        except errors.APIError as err:
            inter.rejected.append(err.rule or "form")
            self.world.changed.notify()
            raise
        inter.response_type = rtype
        inter.responded_at = self.server.clock()
        inter.response_data = payload.get("data") or {}
        self.world.changed.notify()
        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return no_content()
        info: dict[str, Any] = {"id": str(inter.id), "type": inter.type}
        body: dict[str, Any] = {"interaction": info}
        if rtype in (4, 5, 7) and msg is not None:
            info["response_message_id"] = str(msg.id)
            info["response_message_loading"] = rtype == 5
            info["response_message_ephemeral"] = msg.ephemeral
            body["resource"] = {"type": rtype, "message": self.world.message_payload(msg)}
        else:
            body["resource"] = {"type": rtype}
        return json_response(body)

    def _check_timing(self, inter: Interaction, rtype: Any) -> None:
        if inter.acknowledged:
            raise errors.already_acknowledged(
                f"A second initial response ({CALLBACK_NAMES.get(rtype, rtype)}) to an interaction already "
                f"answered with {CALLBACK_NAMES.get(inter.response_type, inter.response_type)}."
            )
        elapsed = self.server.clock() - inter.dispatched_at
        if elapsed > self.server.interaction_deadline:
            raise errors.unknown_interaction(
                f"Initial response sent {elapsed:.2f}s after the interaction was created "
                f"(Discord allows {self.server.interaction_deadline:g}s); use defer() for slow work."
            )

    def _respond(
        self, inter: Interaction, rtype: Any, data: dict[str, Any], files: list[UploadedFile]
    ) -> Message | None:
        allowed = set(ALLOWED_RESPONSES.get(inter.type, set()))
        if inter.type == 5 and inter.source_message_id is None:
            allowed -= {6, 7}
        if rtype not in allowed:
            kind = INTERACTION_TYPE_NAMES.get(inter.type, inter.type)
            raise errors.invalid_form(
                [
                    rules.Problem(
                        "interaction.response_type",
                        f"{CALLBACK_NAMES.get(rtype, rtype)} is not a valid response to a {kind} interaction"
                        + (" (the modal was not opened from a message component)" if inter.type == 5 else "")
                        + ".",
                        ("type",),
                        "INTERACTION_RESPONSE_TYPE_INVALID",
                    )
                ]
            )
        channel = self.world.channels[inter.channel_id]
        if rtype == 4:
            msg = self.ops.create_message(
                channel,
                self.world.bot,
                data,
                files,
                path=("data",),
                interaction=inter,
                type_=self._msg_type(inter),
            )
            inter.original_message_id = msg.id
            return msg
        if rtype == 5:
            flags = (data.get("flags") or 0) & EPHEMERAL
            msg = self.ops.create_message(
                channel,
                self.world.bot,
                {"flags": flags},
                interaction=inter,
                type_=self._msg_type(inter),
                extra_flags=LOADING,
                validate=False,
            )
            inter.original_message_id = msg.id
            return msg
        if rtype in (6, 7):
            source = self.world.messages.get(inter.source_message_id or 0)
            if source is None or source.deleted:
                raise errors.unknown_message()
            inter.original_message_id = source.id
            if rtype == 7:
                self.ops.edit_message(source, data, files, path=("data",))
            return source
        if rtype == 8:
            problems = rules.check_autocomplete(data)
            if problems:
                raise errors.invalid_form(problems)
            return None
        if rtype == 9:
            problems = rules.check_modal(data)
            if problems:
                raise errors.invalid_form(problems)
            return None
        return None

    @staticmethod
    def _msg_type(inter: Interaction) -> int:
        if inter.type == 2:
            return 20 if (inter.payload.get("data") or {}).get("type", 1) == 1 else 23
        return 0

    # ------------------------------------------------------------------ webhook (follow-ups, @original)
    def _interaction_for(self, request: web.Request) -> Interaction:
        if request.match_info["application_id"] != str(self.world.app_id):
            raise errors.unknown_webhook()
        inter = self.world.interactions_by_token.get(request.match_info["token"])
        if inter is None:
            raise errors.APIError(401, 50027, "Invalid Webhook Token", rule="webhook.token")
        age = self.server.clock() - inter.dispatched_at
        if age > self.server.token_lifetime:
            raise errors.APIError(
                401,
                50027,
                "Invalid Webhook Token",
                rule="interaction.token_expired",
                detail=f"Interaction token used {age:.0f}s after the interaction (valid for "
                f"{self.server.token_lifetime:g}s).",
            )
        if not inter.acknowledged:
            raise errors.APIError(
                404,
                10015,
                "Unknown Webhook",
                rule="interaction.not_acknowledged",
                detail="Follow-up or @original used before the interaction got an initial response.",
            )
        return inter

    def _message_for(self, inter: Interaction, raw: str) -> Message:
        if raw == "@original":
            mid = inter.original_message_id
        elif raw.isdigit() and (int(raw) in inter.followup_ids or int(raw) == inter.original_message_id):
            mid = int(raw)
        else:
            mid = None
        msg = self.world.messages.get(mid) if mid is not None else None
        if msg is None or msg.deleted:
            raise errors.unknown_message()
        return msg

    async def followup(self, request: web.Request) -> web.Response:
        inter = self._interaction_for(request)
        payload, files = await read_payload(request)
        original = self.world.messages.get(inter.original_message_id or 0)
        if (
            inter.response_type == 5
            and original is not None
            and original.flags & LOADING
            and not original.deleted
        ):
            # The first follow-up after a deferred response replaces the "thinking..." message.
            msg = self.ops.edit_message(original, payload, files)
        else:
            channel = self.world.channels[inter.channel_id]
            thread_id = request.query.get("thread_id")
            if thread_id:
                channel = self.ops.channel_for_bot(thread_id)
            msg = self.ops.create_message(
                channel, self.world.bot, payload, files, interaction=inter, type_=self._msg_type(inter)
            )
            inter.followup_ids.append(msg.id)
        self.world.changed.notify()
        if request.query.get("wait", "").lower() in ("1", "true"):
            return json_response(self.world.message_payload(msg))
        return no_content()

    async def get_message(self, request: web.Request) -> web.Response:
        inter = self._interaction_for(request)
        msg = self._message_for(inter, request.match_info["message_id"])
        return json_response(self.world.message_payload(msg))

    async def edit_message(self, request: web.Request) -> web.Response:
        inter = self._interaction_for(request)
        msg = self._message_for(inter, request.match_info["message_id"])
        payload, files = await read_payload(request)
        self.ops.edit_message(msg, payload, files)
        if msg.id == inter.original_message_id:
            inter.edits += 1
        self.world.changed.notify()
        return json_response(self.world.message_payload(msg))

    async def delete_message(self, request: web.Request) -> web.Response:
        inter = self._interaction_for(request)
        msg = self._message_for(inter, request.match_info["message_id"])
        self.ops.delete_message(msg)
        return no_content()
