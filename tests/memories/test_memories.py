"""/memory and "Save as memory": writing the shared book, photos kept by Closer, browsing, editing."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import discord
import pytest

from bot.db.models import Couple, Partner
from bot.db.repositories.memories import DESCRIPTION_LIMIT, MemoryRepository, NewMemory
from bot.db.repositories.memory_search import Memory
from bot.errors import UserError
from bot.timeutil import QuietHours
from bot.ui.embeds import EMBED_TOTAL_LIMIT, embed_size, pack
from cogs.memories import MemoryCog
from cogs.memories.embeds import anniversary_heading, memory_embeds
from cogs.memories.rules import clean_description, clean_tags, clean_title
from cogs.memories.views import NewMemoryButton
from emulator import Fake
from emulator.results import Att, InteractionResult
from tests.support import START, Closer, People, png


def cog(closer: Closer) -> MemoryCog:
    assert closer.bot is not None
    found = closer.bot.get_cog(MemoryCog.__cog_name__)
    assert found is not None
    return found  # type: ignore[return-value]


def repo(closer: Closer) -> MemoryRepository:
    return cog(closer).repo


async def stored(closer: Closer, people: People, memory_id: int) -> Memory | None:
    return await repo(closer).get(memory_id, people.guild.id)


def attachments(result: InteractionResult) -> list[Att]:
    return [a for m in result.messages for a in m.attachments]


def photo_files(closer: Closer) -> list[Path]:
    assert closer.bot is not None
    root = closer.bot.settings.photos_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def seed(closer: Closer, people: People, count: int, **fields: object) -> None:
    """``count`` memories, #1 the oldest (dated 2020-01-01 + n days)."""
    items = [
        NewMemory(
            author_id=people.alice.id,
            title=f"Memory number {n}",
            happened_on=date.fromordinal(date(2020, 1, 1).toordinal() + n),
            **fields,  # type: ignore[arg-type]
        )
        for n in range(1, count + 1)
    ]
    assert closer.bot is not None
    await repo(closer).add_many(people.guild.id, items, closer.bot.clock.now())


async def add_with_photo(
    fake: Fake, people: People, data: bytes, name: str = "beach.png"
) -> InteractionResult:
    upload = fake.upload(name, data, "image/png")
    return await fake.slash(people.alice, "memory add", title="Beach day", date="2025-07-14", photo=upload)


# -- /memory add ------------------------------------------------------------------------------------


async def test_adding_a_memory_confirms_with_its_card(couple: People, fake: Fake, closer: Closer) -> None:
    """The reply shows the memory as it will appear: title, date, description, tags, who saved it."""
    reply = await fake.slash(
        couple.alice,
        "memory add",
        title="Our first video call",
        date="2025-03-14",
        description="We talked until the sun came up in Berlin.",
        tags="Calls, #Firsts ,calls",
    )
    assert reply.ephemeral
    assert "Saved to your memory book as #1" in reply.text
    assert reply.embed is not None
    assert reply.embed["title"] == "Our first video call"
    assert "sun came up" in reply.text
    assert "Friday 14 March 2025" in reply.text
    assert "#calls · #firsts" in reply.text
    memory = await stored(closer, couple, 1)
    assert memory is not None
    assert memory.author_id == couple.alice.id
    assert memory.tags == ("calls", "firsts")
    assert memory.happened_on == date(2025, 3, 14)


@pytest.mark.parametrize(
    ("typed", "expected"), [("today", date(2026, 11, 24)), ("yesterday", date(2026, 11, 23))]
)
async def test_today_and_yesterday_are_the_partners_own_dates(
    couple: People, fake: Fake, closer: Closer, typed: str, expected: date
) -> None:
    """ "today" and "yesterday" are read in the writer's own zone."""
    await fake.slash(couple.bob, "memory add", title="A walk", date=typed)
    memory = await stored(closer, couple, 1)
    assert memory is not None
    assert memory.happened_on == expected
    assert memory.author_id == couple.bob.id


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027-01-01", "in the future"),
        ("tomorrow", "in the future"),
        ("2026-02-30", "not a real date"),
        ("14/03/2025", "not a date I understand"),
    ],
)
async def test_a_future_or_impossible_date_is_refused_with_an_example(
    couple: People, fake: Fake, closer: Closer, typed: str, expected: str
) -> None:
    """Bad dates get an ephemeral explanation with an example, and nothing is saved."""
    reply = await fake.slash(couple.alice, "memory add", title="Someday", date=typed)
    assert reply.ephemeral
    assert expected in reply.text
    assert "2026-11-24" in reply.text
    assert await repo(closer).count(couple.guild.id) == 0


async def test_date_autocomplete_offers_today_and_yesterday(couple: People, fake: Fake) -> None:
    """The date option suggests today and yesterday with their dates."""
    choices = await fake.autocomplete(couple.alice, "memory add", "date", "", title="x")
    assert [c.value for c in choices] == ["today", "yesterday"]
    assert "2026-11-24" in choices[0].name


async def test_a_memory_with_a_photo_shows_the_photo(couple: People, fake: Fake, closer: Closer) -> None:
    """The photo is kept by Closer and attached to the card (as its image)."""
    image = png(1)
    reply = await add_with_photo(fake, couple, image)
    files = attachments(reply)
    assert [a.data for a in files] == [image]
    card = reply.messages[-1].embed
    assert card is not None
    assert card["image"]["url"] == f"attachment://{files[0].filename}"
    kept = photo_files(closer)
    assert len(kept) == 1
    assert kept[0].read_bytes() == image
    assert kept[0].parent.name == str(couple.guild.id)
    assert "beach" not in kept[0].name  # a generated name, not the uploaded one


async def test_the_photo_is_still_shown_after_discord_expired_its_link(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Once saved, the photo no longer depends on Discord's expiring attachment URL."""
    image = png(2)
    await add_with_photo(fake, couple, image)
    fake.expire_attachments()
    shown = await fake.slash(couple.bob, "memory show", id=1)
    assert [a.data for a in attachments(shown)] == [image]
    assert "Beach day" in shown.all_text


async def test_a_file_that_is_not_an_image_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    """A non-image photo gets a clear error; the memory isn't saved and nothing is downloaded."""
    upload = fake.upload("notes.txt", b"just words", "text/plain")
    reply = await fake.slash(couple.alice, "memory add", title="Notes", photo=upload)
    assert reply.ephemeral
    assert "`notes.txt` isn't an image" in reply.text
    assert await repo(closer).count(couple.guild.id) == 0
    assert photo_files(closer) == []


async def test_a_photo_over_the_configured_size_is_refused(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """PHOTO_MAX_BYTES is the largest photo kept; a larger one is refused with both sizes."""
    original = closer.settings
    closer.settings = lambda: original().model_copy(update={"photo_max_bytes": 2048})  # type: ignore[method-assign]
    await closer.restart()
    upload = fake.upload("huge.png", png(3) + b"\0" * 4096, "image/png")
    reply = await fake.slash(couple.alice, "memory add", title="Too big", photo=upload)
    assert "photos can be up to 2 KB" in reply.text
    assert await repo(closer).count(couple.guild.id) == 0


async def test_a_missing_photo_file_never_breaks_showing_or_listing(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """If a photo file disappeared from the data folder, the memory still shows, saying so."""
    await add_with_photo(fake, couple, png(5))
    for path in photo_files(closer):
        path.unlink()
    shown = await fake.slash(couple.alice, "memory show", id=1)
    assert "Beach day" in shown.all_text
    assert "missing" in shown.all_text
    assert attachments(shown) == []
    listed = await fake.slash(couple.alice, "memory list")
    assert "Beach day" in listed.text


# -- who may use it -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("memory add", {"title": "Mine now"}),
        ("memory list", {}),
        ("memory show", {"id": 1}),
        ("memory search", {"query": "beach"}),
        ("memory random", {}),
        ("memory edit", {"id": 1}),
        ("memory delete", {"id": 1}),
    ],
)
async def test_someone_who_is_not_a_partner_can_do_nothing(
    couple: People, fake: Fake, closer: Closer, command: str, options: dict[str, object]
) -> None:
    """Carol, a member of the server but not a partner, is refused every memory command."""
    await fake.slash(couple.alice, "memory add", title="Ours", date="2025-01-01")
    reply = await fake.slash(couple.carol, command, **options)
    assert reply.ephemeral
    assert "Only the two partners" in reply.text
    assert "Ours" not in reply.text
    assert await repo(closer).count(couple.guild.id) == 1


async def test_memory_commands_in_a_dm_point_to_the_server(couple: People, fake: Fake) -> None:
    """In a DM the commands explain where they work."""
    reply = await fake.slash(couple.alice, "memory list", dm=True)
    assert "not in DMs" in reply.text


async def test_memory_commands_before_pairing_explain_how_to_start(
    closer: Closer, fake: Fake, people: People
) -> None:
    """Before anyone paired, the book asks for /couple setup first."""
    reply = await fake.slash(people.alice, "memory add", title="Too soon")
    assert "/couple setup" in reply.text


async def test_memory_ids_autocomplete_from_titles_for_partners_only(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Typing part of a title offers the memory; an outsider gets no suggestions."""
    await fake.slash(couple.alice, "memory add", title="Beach day", date="2025-07-14")
    await fake.slash(couple.alice, "memory add", title="Snow in Kyoto", date="2025-01-20")
    choices = await fake.autocomplete(couple.bob, "memory show", "id", "kyo")
    assert [(c.name, c.value) for c in choices] == [("#2 Snow in Kyoto · 2025-01-20", 2)]
    by_id = await fake.autocomplete(couple.bob, "memory delete", "id", "1")
    assert by_id[0].value == 1
    assert await fake.autocomplete(couple.carol, "memory show", "id", "") == []


# -- list, show, random ------------------------------------------------------------------------------


async def test_the_list_is_newest_first_and_pages_with_buttons(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """23 memories: 10 a page, newest memory date first; Next and Previous move between pages."""
    await seed(closer, couple, 23)
    first = await fake.slash(couple.alice, "memory list")
    assert first.ephemeral
    assert "Memory number 23" in first.text
    assert "Memory number 14" in first.text
    assert "Memory number 13" not in first.text
    assert first.text.index("number 23") < first.text.index("number 14")
    assert "Page 1 of 3 · 23 memories" in first.text
    await fake.click(first, "Next")
    assert "Memory number 13" in first.text
    assert "Page 2 of 3" in first.text
    await fake.click(first, "Next")
    assert "Memory number 3" in first.text
    assert "Memory number 1 ·" in first.text
    assert "Page 3 of 3" in first.text
    await fake.click(first, "Previous")
    assert "Page 2 of 3" in first.text


async def test_an_empty_book_says_how_to_start(couple: People, fake: Fake) -> None:
    """An empty list explains /memory add and Save as memory; random says the book is empty."""
    listed = await fake.slash(couple.alice, "memory list")
    assert "/memory add" in listed.text
    assert "Save as memory" in listed.text
    picked = await fake.slash(couple.alice, "memory random")
    assert "empty" in picked.text


async def test_random_shows_one_of_your_memories(couple: People, fake: Fake, closer: Closer) -> None:
    """/memory random shows a memory of this couple's book."""
    await seed(closer, couple, 3)
    picked = await fake.slash(couple.bob, "memory random")
    assert picked.ephemeral
    assert "Memory number" in picked.text


async def test_showing_an_unknown_memory_is_a_clear_error(couple: People, fake: Fake) -> None:
    """An id that isn't in the book points to list and search."""
    reply = await fake.slash(couple.alice, "memory show", id=42)
    assert reply.ephemeral
    assert "no memory #42" in reply.text


# -- edit and delete ---------------------------------------------------------------------------------


async def test_editing_opens_a_prefilled_form_and_saves_the_changes(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Either partner edits any memory; the form holds its current text; search follows the change."""
    await fake.slash(couple.alice, "memory add", title="Beach day", date="2025-07-14", tags="beach")
    form = await fake.slash(couple.bob, "memory edit", id=1)
    assert form.modal is not None
    values = {f.custom_id: f.value for f in form.modal.fields}
    assert values["title"] == "Beach day"
    assert values["date"] == "2025-07-14"
    assert values["tags"] == "beach"
    done = await fake.submit_modal(
        form,
        {"title": "Lake day", "date": "2025-07-15", "description": "Cold water!", "tags": "lake, Summer"},
    )
    assert "Saved your changes to memory #1" in done.all_text
    memory = await stored(closer, couple, 1)
    assert memory is not None
    assert (memory.title, memory.happened_on, memory.tags) == (
        "Lake day",
        date(2025, 7, 15),
        ("lake", "summer"),
    )
    assert memory.updated_by == couple.bob.id
    assert "edited by bob" in done.all_text
    assert "Lake day" in (await fake.slash(couple.alice, "memory search", query="lake")).text
    assert "Nothing found" in (await fake.slash(couple.alice, "memory search", query="beach")).text


async def test_an_edit_with_a_future_date_changes_nothing(couple: People, fake: Fake, closer: Closer) -> None:
    """A bad date in the edit form is explained and the memory stays as it was."""
    await fake.slash(couple.alice, "memory add", title="Beach day", date="2025-07-14")
    form = await fake.slash(couple.alice, "memory edit", id=1)
    done = await fake.submit_modal(form, {"title": "Changed", "date": "2030-01-01"})
    assert done.ephemeral
    assert "in the future" in done.text
    memory = await stored(closer, couple, 1)
    assert memory is not None
    assert memory.title == "Beach day"


async def test_deleting_asks_first_and_cancel_keeps_the_memory(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Delete shows what will go, with Delete / Cancel; Cancel changes nothing."""
    await add_with_photo(fake, couple, png(6))
    asked = await fake.slash(couple.alice, "memory delete", id=1)
    assert asked.ephemeral
    assert "Delete memory #1 **Beach day**" in asked.text
    assert "its 1 photo" in asked.text
    assert asked.buttons == ["Delete", "Cancel"]
    await fake.click(asked, "Cancel")
    assert "Nothing was changed" in asked.text
    assert await stored(closer, couple, 1) is not None
    assert len(photo_files(closer)) == 1


async def test_confirming_a_delete_removes_the_memory_and_its_photo_file(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """After Delete, the memory, its search entry and its photo file are gone."""
    await add_with_photo(fake, couple, png(7))
    asked = await fake.slash(couple.bob, "memory delete", id=1)
    await fake.click(asked, "Delete")
    assert "Deleted memory #1 **Beach day** and its 1 photo" in asked.text
    assert await stored(closer, couple, 1) is None
    assert photo_files(closer) == []
    assert "Nothing found" in (await fake.slash(couple.alice, "memory search", query="beach")).text


# -- Save as memory ----------------------------------------------------------------------------------


async def test_save_as_memory_keeps_a_message_with_two_images(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The form is prefilled from the message; the memory keeps its text, both images, author, link."""
    first, second = png(8), png(9)
    posted = await fake.user_message(
        couple.bob,
        couple.channel,
        "Sunset from the ferry\nwish you were here",
        attachments=[("ferry.png", first, "image/png"), ("sky.png", second, "image/png")],
    )
    form = await fake.context_menu(couple.alice, "Save as memory", posted)
    assert form.modal is not None
    values = {f.custom_id: f.value for f in form.modal.fields}
    assert values["title"] == "Sunset from the ferry"
    assert values["date"] == "2026-11-24"
    done = await fake.submit_modal(form, {"tags": "ferry"})
    assert "Saved to your memory book as #1" in done.all_text
    memory = await stored(closer, couple, 1)
    assert memory is not None
    assert memory.quote == "Sunset from the ferry\nwish you were here"
    assert memory.source_author_id == couple.bob.id
    assert memory.author_id == couple.alice.id
    assert memory.source_url is not None
    assert memory.source_url.endswith(f"/{couple.channel.id}/{posted.id}")
    assert len(memory.photos) == 2
    fake.expire_attachments()
    shown = await fake.slash(couple.alice, "memory show", id=1)
    assert [a.data for a in attachments(shown)] == [first, second]
    assert "wish you were here" in shown.all_text
    assert "From a message by bob" in shown.all_text
    assert "Jump to the message" in shown.all_text


async def test_save_as_memory_leaves_out_files_that_are_not_images(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Only images become photos; the reply names what was left out."""
    posted = await fake.user_message(
        couple.bob,
        couple.channel,
        "Tickets and a selfie",
        attachments=[("tickets.pdf", b"%PDF-1.4", "application/pdf"), ("selfie.png", png(10), "image/png")],
    )
    form = await fake.context_menu(couple.alice, "Save as memory", posted)
    done = await fake.submit_modal(form, {})
    assert "`tickets.pdf` was left out" in done.all_text
    memory = await stored(closer, couple, 1)
    assert memory is not None
    assert [p.filename for p in memory.photos] == ["selfie.png"]


async def test_save_as_memory_keeps_the_words_when_an_image_link_expired(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """If an image can't be downloaded any more, the memory is saved without it and the reply says so."""
    posted = await fake.user_message(
        couple.bob, couple.channel, "Our picnic", attachments=[("picnic.png", png(11), "image/png")]
    )
    form = await fake.context_menu(couple.alice, "Save as memory", posted)
    fake.expire_attachments()
    done = await fake.submit_modal(form, {"description": "The ants won."})
    assert "Saved to your memory book as #1" in done.all_text
    assert "couldn't download `picnic.png`" in done.all_text
    memory = await stored(closer, couple, 1)
    assert memory is not None
    assert (memory.quote, memory.description, memory.photos) == ("Our picnic", "The ants won.", ())


async def test_save_as_memory_form_survives_a_restart(couple: People, fake: Fake, closer: Closer) -> None:
    """A restart while the form is open loses nothing: the message's text is still saved."""
    posted = await fake.user_message(couple.bob, couple.channel, "The night we watched the meteor shower")
    form = await fake.context_menu(couple.alice, "Save as memory", posted)
    await closer.restart()
    done = await fake.submit_modal(form, {"title": "Meteors"})
    assert "Saved" in done.all_text
    memory = await stored(closer, couple, 1)
    assert memory is not None
    assert memory.title == "Meteors"
    assert memory.quote == "The night we watched the meteor shower"


async def test_save_as_memory_by_someone_else_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    """Carol can't save the couple's messages into their book."""
    posted = await fake.user_message(couple.bob, couple.general, "hello")
    reply = await fake.context_menu(couple.carol, "Save as memory", posted)
    assert reply.modal is None
    assert "Only the two partners" in reply.text
    assert await repo(closer).count(couple.guild.id) == 0


async def test_a_saved_form_cannot_be_submitted_twice(couple: People, fake: Fake, closer: Closer) -> None:
    """Submitting the same Save-as-memory form again doesn't make a copy."""
    posted = await fake.user_message(couple.bob, couple.channel, "Once")
    form = await fake.context_menu(couple.alice, "Save as memory", posted)
    await fake.submit_modal(form, {})
    again = await fake.submit_modal(form, {})
    assert "already saved" in again.text
    assert await repo(closer).count(couple.guild.id) == 1


# -- the "log a memory" button (posted by other features) ---------------------------------------------


async def test_the_log_a_memory_button_opens_the_form_with_todays_date(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """closer:memory:new opens "Add a memory" dated today; submitting saves it."""
    assert closer.bot is not None
    view = discord.ui.View(timeout=None)
    view.add_item(NewMemoryButton("Log a memory from tonight?"))
    channel = closer.bot.get_partial_messageable(couple.channel.id, guild_id=couple.guild.id)
    sent = await channel.send("How was the call?", view=view)
    await closer.restart()  # the button keeps working after a restart
    form = await fake.click(fake.message(sent.id), "Log a memory from tonight?", couple.bob)
    assert form.modal is not None
    assert form.modal.title == "Add a memory"
    assert {f.custom_id: f.value for f in form.modal.fields}["date"] == "2026-11-24"
    done = await fake.submit_modal(form, {"title": "Movie night", "description": "We synced the film"})
    assert "Saved to your memory book as #1" in done.all_text
    memory = await stored(closer, couple, 1)
    assert memory is not None
    assert (memory.title, memory.author_id) == ("Movie night", couple.bob.id)
    refused = await fake.click(fake.message(sent.id), "Log a memory from tonight?", couple.carol)
    assert refused.modal is None
    assert "Only the two partners" in refused.text


# -- plain logic: checking input and rendering cards ----------------------------------------------


def a_memory(**fields: object) -> Memory:
    base: dict[str, object] = {
        "id": 7,
        "guild_id": 1,
        "author_id": 11,
        "title": "Ferry",
        "happened_on": date(2024, 5, 1),
        "description": "",
        "tags": (),
        "quote": "",
        "source_channel_id": 2,
        "source_message_id": 3,
        "source_author_id": 12,
        "created_at": START,
        "updated_at": START,
        "updated_by": 11,
    }
    base.update(fields)
    return Memory(**base)  # type: ignore[arg-type]


def a_couple() -> Couple:
    quiet = QuietHours(time(23), time(8))
    return Couple(
        guild_id=1,
        channel_id=2,
        status="paired",
        inviter_id=11,
        invitee_id=12,
        invite_message_id=None,
        created_at=START,
        paired_at=START,
        partners=(Partner(1, 11, 1, "Alice", "UTC", quiet), Partner(1, 12, 2, "Bob", "UTC", quiet)),
    )


@pytest.mark.parametrize("length", [10, 1500, 4000, 9000])
def test_a_saved_message_is_shown_in_full_within_discords_limits(length: int) -> None:
    """However long the saved text, every character is shown, split across fields or embeds."""
    words = ("word " * (length // 5 + 1))[:length].strip() + " END"
    memory = a_memory(description="d" * DESCRIPTION_LIMIT, quote=words)
    embeds = memory_embeds(memory, a_couple(), date(2026, 11, 24))
    shown = "".join(
        (e.description or "")
        if e is not embeds[0]
        else "".join(f.value or "" for f in e.fields if "message" in (f.name or ""))
        for e in embeds
    )
    assert shown.replace(" ", "") == words.replace(" ", "")
    for message in pack(embeds):
        assert len(message) <= 10
        assert sum(embed_size(e) for e in message) <= EMBED_TOTAL_LIMIT
    for item in embeds:
        assert len(item.fields) <= 25
        assert all(len(f.value or "") <= 1024 for f in item.fields)
        assert len(item.description or "") <= 4096


def test_a_title_over_100_characters_is_refused() -> None:
    """Titles are limited to 100 characters; the error says how long it was."""
    with pytest.raises(UserError, match="yours has 101"):
        clean_title("x" * 101)
    assert clean_title("  Our   first call ") == "Our first call"


def test_tags_have_limits() -> None:
    """At most 10 tags of 30 characters each."""
    with pytest.raises(UserError, match="up to 10 tags"):
        clean_tags(",".join(f"t{n}" for n in range(11)))
    with pytest.raises(UserError, match="up to 30 characters"):
        clean_tags("x" * 31)


def test_a_description_over_2000_characters_is_refused() -> None:
    """Descriptions are limited to 2,000 characters."""
    with pytest.raises(UserError, match="2,000"):
        clean_description("x" * 2001)


@pytest.mark.parametrize(
    ("happened", "expected"),
    [
        (date(2024, 11, 24), "2 years ago today: Ferry"),
        (date(2025, 11, 24), "1 year ago today: Ferry"),
        (date(2024, 2, 29), "3 years ago (29 February): Ferry"),
    ],
)
def test_anniversary_headings(happened: date, expected: str) -> None:
    """How a memory is introduced on its anniversary."""
    today = date(2027, 2, 28) if happened.month == 2 else date(2026, 11, 24)
    assert anniversary_heading(a_memory(happened_on=happened), today) == expected
