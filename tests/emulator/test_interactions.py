"""Slash commands, components, modals, autocomplete and context menus against the real discord.py."""

from __future__ import annotations

import asyncio
import io

import discord
import pytest
from discord.webhook.async_ import async_context, interaction_response_params

from emulator.errors import FakeUsageError, InteractionFailed
from emulator.fake import Fake

from .minibot import MiniBot, World


async def test_slash_command_reply(fake: Fake, world: World, bot: MiniBot) -> None:
    r = await fake.slash(world.alice, "ping")
    assert r.type == 4
    assert r.content == "pong"
    assert not r.ephemeral
    assert r.latency is not None
    assert 0 <= r.latency < 1
    general = world.home.channel("general")
    assert [m.content for m in fake.messages(general)] == ["pong"]
    assert r.message is not None
    assert r.message.author_id == fake.bot_user.id
    fake.assert_no_violations()


async def test_options_are_converted_and_validated(fake: Fake, world: World, bot: MiniBot) -> None:
    r = await fake.slash(world.alice, "echo", text="hi", times=2, loud=True)
    assert r.content == "HI HI"
    with pytest.raises(FakeUsageError, match="no option"):
        await fake.slash(world.alice, "echo", text="hi", volume=3)
    with pytest.raises(FakeUsageError, match="required option"):
        await fake.slash(world.alice, "echo")
    with pytest.raises(FakeUsageError, match="expected an int"):
        await fake.slash(world.alice, "echo", text="x", times="2")
    with pytest.raises(FakeUsageError, match="no slash command 'nope'"):
        await fake.slash(world.alice, "nope")


async def test_subcommand_group_and_choices(fake: Fake, world: World, bot: MiniBot) -> None:
    r = await fake.slash(world.alice, "couple timezone set", zone="Berlin")  # a choice by its name
    assert r.content == "zone=Europe/Berlin"
    r = await fake.slash(world.alice, "couple timezone set", zone="Asia/Tokyo")  # or by value
    assert r.content == "zone=Asia/Tokyo"
    with pytest.raises(FakeUsageError, match="not one of the choices"):
        await fake.slash(world.alice, "couple timezone set", zone="Mars")
    with pytest.raises(FakeUsageError, match="needs a subcommand"):
        await fake.slash(world.alice, "couple")


async def test_user_and_channel_options_resolve(fake: Fake, world: World, bot: MiniBot) -> None:
    us = world.home.channel("us")
    r = await fake.slash(world.alice, "greet", who=world.bob, where=us)
    assert r.ephemeral
    assert r.content == "greeted bob (us)"
    assert [m.content for m in fake.dms(world.bob)] == ["hello bob from alice"]


async def test_dm_closed_gives_forbidden_50007(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.close_dms(world.bob)
    r = await fake.slash(world.alice, "greet", who=world.bob)
    assert r.content == "cannot DM (50007)"
    assert fake.dms(world.bob) == []
    assert [v.rule for v in fake.violations] == ["dm.closed"]
    fake.assert_no_violations(allow=["dm.closed"])


async def test_attachment_option_round_trip(fake: Fake, world: World, bot: MiniBot) -> None:
    upload = fake.upload("photo.png", b"\x89PNG-not-really", "image/png")
    r = await fake.slash(world.alice, "inspect", file=upload)
    assert r.content == "photo.png: 15 bytes, image/png"
    [att] = r.attachments
    assert att.filename == "reversed.bin"
    assert fake.attachment_bytes(att) == b"\x89PNG-not-really"[::-1]


async def test_dm_interaction(fake: Fake, world: World, bot: MiniBot) -> None:
    seen: list[tuple[object, object]] = []

    async def handler(interaction: discord.Interaction) -> None:
        seen.append((interaction.guild, type(interaction.user)))
        await interaction.response.send_message("in DM")

    bot.handler = handler
    r = await fake.slash(world.alice, "run", dm=True)
    assert r.content == "in DM"
    assert seen == [(None, discord.User)]
    assert [m.content for m in fake.messages(world.alice)] == ["in DM"]


async def test_deferred_response_waits_for_followup(fake: Fake, world: World, bot: MiniBot) -> None:
    r = await fake.slash(world.alice, "think")
    assert r.type == 5
    assert r.embeds[0]["title"] == "Done"
    assert "thought hard" in r.text
    assert r.message is not None
    assert not r.message.loading


async def test_ephemeral_button_click_updates_message(fake: Fake, world: World, bot: MiniBot) -> None:
    r = await fake.slash(world.alice, "confirm")
    assert r.ephemeral
    assert r.buttons == ["Accept", "Explain", "Later"]
    assert fake.messages(world.home.channel("general")) == []  # ephemeral: not in the channel
    clicked = await fake.click(r, "Accept")
    assert clicked.type == 7
    assert r.content == "accepted by alice"  # the same (live) message
    assert r.components == []
    fake.assert_no_violations()


async def test_deferred_update_then_edit_original(fake: Fake, world: World, bot: MiniBot) -> None:
    r = await fake.slash(world.alice, "confirm")
    clicked = await fake.click(r, "confirm:later")  # by custom_id
    assert clicked.type == 6
    assert r.content == "maybe later"  # click() waits briefly for the edit a deferred update promises


async def test_modal_from_command(fake: Fake, world: World, bot: MiniBot) -> None:
    r = await fake.slash(world.alice, "note")
    assert r.type == 9
    assert r.modal is not None
    assert r.modal.title == "Leave a note"
    assert r.modal.labels == ["Note", "Mood"]
    done = await fake.submit_modal(r, {"Note": "miss you"})
    assert done.ephemeral
    assert done.content == "note: miss you (no mood)"
    with pytest.raises(FakeUsageError, match="required"):
        await fake.submit_modal(r, {"mood": "happy"})


async def test_modal_from_button_can_update_the_message(fake: Fake, world: World, bot: MiniBot) -> None:
    r = await fake.slash(world.alice, "confirm")
    opened = await fake.click(r, "Explain")
    assert opened.modal is not None
    done = await fake.submit_modal(opened, {"Note": "soon", "mood": "calm"})
    assert done.type == 7
    assert r.content == "note: soon (calm)"
    fake.assert_no_violations()


async def test_select_menu(fake: Fake, world: World, bot: MiniBot) -> None:
    r = await fake.slash(world.alice, "colour")
    picked = await fake.select(r, "Pick a colour", ["Blue"], world.bob)
    assert picked.content == "picked b"
    with pytest.raises(FakeUsageError, match="not an option"):
        await fake.select(r, "colour", "Green", world.bob)


async def test_autocomplete(fake: Fake, world: World, bot: MiniBot) -> None:
    choices = await fake.autocomplete(world.alice, "city", "name", "ber")
    assert [c.name for c in choices] == ["Berlin", "Bern", "Bergen"]
    r = await fake.slash(world.alice, "city", name=choices[0].value)
    assert r.content == "city: Berlin"


async def test_autocomplete_over_25_choices_is_a_violation(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.interaction_deadline = 0.3  # how long the fake waits for a corrected answer
    with pytest.raises(InteractionFailed) as info:
        await fake.autocomplete(world.alice, "city", "name", "many")
    assert [v.rule for v in info.value.violations] == ["autocomplete.choices"]
    assert fake.violations[0].status == 400
    assert fake.violations[0].path == "data.choices"


async def test_context_menus(fake: Fake, world: World, bot: MiniBot) -> None:
    general = world.home.channel("general")
    posted = await fake.user_message(
        world.bob, general, "our first date", attachments=[("date.jpg", b"jpeg")]
    )
    r = await fake.context_menu(world.alice, "Save as memory", posted)
    assert r.content == "saved 'our first date' with date.jpg"
    r = await fake.context_menu(world.alice, "Hug", world.bob)
    assert r.content == "alice hugs bob"


async def test_late_initial_response_is_rejected(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.interaction_deadline = 0.2
    caught: list[discord.HTTPException] = []

    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.3)
        try:
            await interaction.response.send_message("too late")
        except discord.NotFound as exc:
            caught.append(exc)

    bot.handler = slow
    with pytest.raises(InteractionFailed, match="rejected") as info:
        await fake.slash(world.alice, "run")
    assert [v.rule for v in info.value.violations] == ["interaction.deadline"]
    await fake.idle()
    assert [e.code for e in caught] == [10062]
    assert fake.messages(world.home.channel("general")) == []


async def test_second_initial_response_is_40060(fake: Fake, world: World, bot: MiniBot) -> None:
    codes: list[int] = []

    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        # discord.py refuses a second response locally; go around it like a buggy bot would
        try:
            await async_context.get().create_interaction_response(
                interaction.id,
                interaction.token,
                session=interaction._session,
                params=interaction_response_params(4, {"content": "second"}),
            )
        except discord.HTTPException as exc:
            codes.append(exc.code)

    bot.handler = twice
    r = await fake.slash(world.alice, "run")
    await fake.idle()
    assert r.content == "first"
    assert codes == [40060]
    assert [v.rule for v in fake.violations] == ["interaction.already_acknowledged"]


async def test_wrong_response_types_are_rejected(fake: Fake, world: World, bot: MiniBot) -> None:
    errors: list[int] = []

    async def update_on_command(interaction: discord.Interaction) -> None:
        try:
            await async_context.get().create_interaction_response(
                interaction.id,
                interaction.token,
                session=interaction._session,
                params=interaction_response_params(7, {"content": "x"}),
            )
        except discord.HTTPException as exc:
            errors.append(exc.status)
            await interaction.response.send_message("fallback")

    bot.handler = update_on_command
    r = await fake.slash(world.alice, "run")
    assert r.content == "fallback"
    assert errors == [400]
    assert [v.rule for v in fake.violations] == ["interaction.response_type"]


async def test_modal_in_response_to_modal_submit_is_rejected(fake: Fake, world: World, bot: MiniBot) -> None:
    statuses: list[int] = []

    class Chained(discord.ui.Modal, title="First"):
        answer: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(label="Answer")

        async def on_submit(self, interaction: discord.Interaction) -> None:
            try:
                await interaction.response.send_modal(NoteModalLike())
            except discord.HTTPException as exc:
                statuses.append(exc.status)
                await interaction.response.send_message("no nested modals")

    class NoteModalLike(discord.ui.Modal, title="Second"):
        x: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(label="X")

    async def open_modal(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Chained())

    bot.handler = open_modal
    r = await fake.slash(world.alice, "run")
    done = await fake.submit_modal(r, {"Answer": "42"})
    assert done.content == "no nested modals"
    assert statuses == [400]
    assert [v.rule for v in fake.violations] == ["interaction.response_type"]


async def test_invalid_modal_is_rejected(fake: Fake, world: World, bot: MiniBot) -> None:
    async def bad_modal(interaction: discord.Interaction) -> None:
        modal = discord.ui.Modal(title="x" * 46)
        modal.add_item(discord.ui.TextInput(label="y" * 46))
        try:
            await interaction.response.send_modal(modal)
        except discord.HTTPException:
            await interaction.response.send_message("could not open")

    bot.handler = bad_modal
    r = await fake.slash(world.alice, "run")
    assert r.content == "could not open"
    assert sorted(v.rule for v in fake.violations) == ["modal.text_input.label", "modal.title"]


async def test_ephemeral_followup_with_clickable_button(fake: Fake, world: World, bot: MiniBot) -> None:
    async def handler(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("public")
        await interaction.followup.send("secret", ephemeral=True, view=ConfirmLike())

    class ConfirmLike(discord.ui.View):
        @discord.ui.button(label="Open")
        async def open(
            self, interaction: discord.Interaction, button: discord.ui.Button[discord.ui.View]
        ) -> None:
            await interaction.response.edit_message(content="opened", view=None)

    bot.handler = handler
    r = await fake.slash(world.alice, "run")
    [follow] = await r.wait_for_followup()
    assert follow.ephemeral
    assert follow.content == "secret"
    await fake.click(follow, "Open", world.alice)
    assert follow.content == "opened"
    assert [m.content for m in fake.messages(world.home.channel("general"))] == ["public"]


async def test_followups_expire_after_15_minutes(fake: Fake, world: World, bot: MiniBot) -> None:
    kept: list[discord.Interaction] = []

    async def handler(interaction: discord.Interaction) -> None:
        kept.append(interaction)
        await interaction.response.send_message("ok")

    bot.handler = handler
    await fake.slash(world.alice, "run")
    fake.advance_clock(15 * 60 + 1)
    with pytest.raises(discord.HTTPException) as info:
        await kept[0].followup.send("much later")
    assert info.value.status == 401
    assert info.value.code == 50027
    assert [v.rule for v in fake.violations] == ["interaction.token_expired"]


async def test_no_response_fails_loudly(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.response_timeout = 0.2
    fake.interaction_deadline = 0.1

    async def silent(interaction: discord.Interaction) -> None:
        return None

    bot.handler = silent
    with pytest.raises(InteractionFailed, match="did not respond"):
        await fake.slash(world.alice, "run")


async def test_defer_without_followup_fails_loudly(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.defer_timeout = 0.2

    async def defer_only(interaction: discord.Interaction) -> None:
        await interaction.response.defer()

    bot.handler = defer_only
    with pytest.raises(InteractionFailed, match="deferred"):
        await fake.slash(world.alice, "run")


async def test_components_v2_layout_is_clickable(fake: Fake, world: World, bot: MiniBot) -> None:
    class Card(discord.ui.LayoutView):
        def __init__(self) -> None:
            super().__init__()
            row: discord.ui.ActionRow[Card] = discord.ui.ActionRow()
            button: discord.ui.Button[Card] = discord.ui.Button(label="Hug back", custom_id="card:hug")
            button.callback = self.hug  # type: ignore[method-assign]
            row.add_item(button)
            self.add_item(discord.ui.Container(discord.ui.TextDisplay("Alice sent you a hug"), row))

        async def hug(self, interaction: discord.Interaction) -> None:
            await interaction.response.send_message("hugged back")

    async def handler(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(view=Card())

    bot.handler = handler
    r = await fake.slash(world.alice, "run")
    assert r.message is not None
    assert r.message.flags & (1 << 15)
    assert r.text == "Alice sent you a hug"
    assert r.buttons == ["Hug back"]
    clicked = await fake.click(r, "Hug back", world.bob)
    assert clicked.content == "hugged back"
    fake.assert_no_violations()


async def test_modal_with_labels_and_file_upload(fake: Fake, world: World, bot: MiniBot) -> None:
    received: list[tuple[str, list[bytes]]] = []

    class Memory(discord.ui.Modal, title="New memory"):
        caption: discord.ui.Label[discord.ui.Modal] = discord.ui.Label(
            text="Caption", component=discord.ui.TextInput(custom_id="caption")
        )
        photos: discord.ui.Label[discord.ui.Modal] = discord.ui.Label(
            text="Photos", component=discord.ui.FileUpload(custom_id="photos", max_values=2)
        )

        async def on_submit(self, interaction: discord.Interaction) -> None:
            caption = self.caption.component
            upload = self.photos.component
            assert isinstance(caption, discord.ui.TextInput)
            assert isinstance(upload, discord.ui.FileUpload)
            received.append((caption.value, [await a.read() for a in upload.values]))
            await interaction.response.send_message("saved")

    async def handler(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Memory())

    bot.handler = handler
    r = await fake.slash(world.alice, "run")
    assert r.modal is not None
    assert r.modal.labels == ["Caption", "Photos"]
    photo = fake.upload("beach.jpg", b"sand")
    done = await fake.submit_modal(r, {"Caption": "beach day", "Photos": [photo]})
    assert done.content == "saved"
    assert received == [("beach day", [b"sand"])]


async def test_followup_file_original_fetch_and_delete(fake: Fake, world: World, bot: MiniBot) -> None:
    seen: list[str] = []

    async def handler(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("working")
        original = await interaction.original_response()
        seen.append(original.content)
        await interaction.followup.send("report", file=discord.File(io.BytesIO(b"csv,data"), "report.csv"))
        await interaction.delete_original_response()

    bot.handler = handler
    r = await fake.slash(world.alice, "run")
    [report] = await r.wait_for_followup()
    await fake.idle()
    assert seen == ["working"]
    assert r.message is None  # the original was deleted
    assert report.attachments[0].data == b"csv,data"
    assert report.attachments[0].content_type == "text/csv"
    assert [m.content for m in fake.messages(world.home.channel("general"))] == ["report"]


async def test_slash_in_a_thread(fake: Fake, world: World, bot: MiniBot) -> None:
    general = world.home.channel("general")
    starter = await fake.user_message(world.alice, general, "trip planning")
    thread = fake.create_thread(general, "Trip", world.alice, message=starter)
    await fake.sync()
    r = await fake.slash(world.alice, "ping", channel=thread)
    assert r.content == "pong"
    assert [m.content for m in fake.messages(thread)] == ["pong"]
    assert starter.thread == thread


async def test_a_planted_message_can_be_clicked_anywhere(fake: Fake, world: World, bot: MiniBot) -> None:
    """``bot_message`` puts a copied button in a DM; the bot gets the click from there."""
    original = await fake.slash(world.alice, "confirm")
    copy = fake.bot_message(world.bob, "copied", components=original.components, ephemeral=True)
    assert copy.ephemeral
    assert copy.channel.is_dm
    seen: list[tuple[int | None, int | None]] = []

    async def on_interaction(interaction: discord.Interaction) -> None:
        if interaction.message is not None and interaction.message.id == copy.id:
            seen.append((interaction.guild_id, interaction.user.id))
            await interaction.response.send_message("from the copy", ephemeral=True)

    bot.add_listener(on_interaction)
    clicked = await fake.click(copy, "Accept", world.bob)
    assert clicked.content == "from the copy"
    assert seen == [(None, world.bob.id)]


async def test_a_modal_can_be_submitted_from_elsewhere(fake: Fake, world: World, bot: MiniBot) -> None:
    """``submit_modal(..., user=, dm=True)`` sends the same form as another user from their DM."""
    opened = await fake.slash(world.alice, "note")
    done = await fake.submit_modal(opened, {"Note": "forged"}, world.bob, dm=True)
    assert done.interaction.guild_id is None
    assert done.user == world.bob
    assert done.content == "note: forged (no mood)"
