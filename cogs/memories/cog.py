"""/memory: the shared memory book both partners write, with photos, search and "on this day".

- ``/memory add`` (photo optional), the message menu **Save as memory**, and the "log a memory"
  button (``closer:memory:new``, posted by other features, e.g. after a call) write memories.
- Photos are downloaded when a memory is saved and kept in the data directory (``bot.photos``):
  Discord's attachment links expire, the memory book must not.
- ``/memory list`` · ``show`` · ``search`` (FTS5, any input is plain words) · ``random`` ·
  ``edit`` (a form) · ``delete`` (asks first, removes the photo files too).
- **On this day**: a built-in ritual, daily at the question time, posts the memories whose date
  is today's month and day in earlier years (Feb 29 memories come back on Feb 28 otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import MISSING, escape_markdown

from bot.checks import couple_for, current, partner_of, partner_only
from bot.client import CloserBot
from bot.db.models import Couple, Partner
from bot.db.repositories.memories import DESCRIPTION_LIMIT, TITLE_LIMIT, MemoryRepository
from bot.db.repositories.memory_search import Memory, search_terms
from bot.errors import UserError
from bot.feature import Feature
from bot.photos import Incoming, PhotoStore
from bot.registry import Contribution, Hook, Place
from bot.ui.confirm import confirm_view
from bot.ui.embeds import clip, pack
from bot.ui.pages import Page, send_pages
from cogs.memories.archive import MemoriesArchive
from cogs.memories.embeds import (
    book_card,
    choice_name,
    memory_embeds,
    photos_phrase,
    saved_line,
    saved_with_notes,
    search_card,
)
from cogs.memories.news import MemoryNews
from cogs.memories.rules import Entry, today_for
from cogs.memories.service import MemoryService, attach_photos
from cogs.memories.views import (
    COG_NAME,
    EditMemoryModal,
    NewMemoryButton,
    NewMemoryModal,
    SaveMemoryModal,
)

DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024  # Discord's upload limit for a server without boosts


def upload_limit(interaction: discord.Interaction | None = None, guild: discord.Guild | None = None) -> int:
    # discord.py exposes the interaction's attachment_size_limit as ``filesize_limit``.
    limit = interaction.filesize_limit if interaction is not None else None
    if limit:
        return int(limit)
    if guild is not None:
        return guild.filesize_limit
    return DEFAULT_UPLOAD_LIMIT


class MemoryCog(
    Feature,
    commands.GroupCog,
    name=COG_NAME,
    group_name="memory",
    group_description="Your shared memory book",
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.repo = MemoryRepository(bot.db)
        self.photos = PhotoStore(bot.settings.photos_dir, bot.settings.photo_max_bytes)
        self.service = MemoryService(
            self.repo,
            self.photos,
            bot.rituals,
            bot.clock,
            fetch=lambda url: bot.http.get_from_cdn(url),
            upload_limit=lambda guild_id: upload_limit(guild=bot.get_guild(guild_id)),
        )
        self.news = MemoryNews(self.repo, bot.scheduler)
        self.save_menu = app_commands.ContextMenu(name="Save as memory", callback=self.save_as_memory)

    def contribution(self) -> Contribution:
        # After an import, the rituals re-arm every restored ritual ("on this day" with them) on
        # Hook.SPACE_RESTORED, so the memory book needs no handler of its own.
        return Contribution(
            rituals=(self.service.ritual(),),
            kinds=self.news.kinds(),
            sections=((Place.WELCOME, self.service.welcome_section),),
            hooks=(
                (Hook.COUPLE_PAIRED, self.service.on_paired),
                (Hook.QUESTION_TIME_CHANGED, self.service.on_question_time),
            ),
            items=(NewMemoryButton,),
            modals=(NewMemoryModal, EditMemoryModal, SaveMemoryModal),
            confirmations={"memory_delete": self.confirm_delete},
            pages={"memories": self.list_page, "memory_search": self.search_page},
            menus=(self.save_menu,),
            archive=(MemoriesArchive(self.repo),),
        )

    # -- autocomplete ------------------------------------------------------------------------------

    async def memory_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        couple = await self.bot.couples.get(interaction.guild_id)
        if couple is None or not couple.is_partner(interaction.user.id):
            return []
        found = await self.repo.suggestions(couple.guild_id, current_text[:100])
        return [app_commands.Choice(name=choice_name(m), value=m.id) for m in found]

    async def date_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[str]]:
        now = self.bot.clock.now()
        couple = await self.bot.couples.get(interaction.guild_id) if interaction.guild_id else None
        partner = couple.partner(interaction.user.id) if couple else None
        today = today_for(couple, partner, now) if couple and partner else now.date()
        options = [
            (f"today ({today:%Y-%m-%d})", "today"),
            (f"yesterday ({today - timedelta(days=1):%Y-%m-%d})", "yesterday"),
        ]
        typed = current_text.strip()
        choices = [app_commands.Choice(name=n, value=v) for n, v in options if typed.lower() in n]
        if typed and not any(c.value == typed for c in choices):
            choices.insert(0, app_commands.Choice(name=clip(typed, 100), value=clip(typed, 20)))
        return choices[:25]

    # -- answering with a memory -------------------------------------------------------------------

    async def send_memory(
        self,
        interaction: discord.Interaction,
        couple: Couple,
        memory: Memory,
        *,
        content: str | None = None,
    ) -> None:
        """Answer with the memory's card and its photos (ephemeral: it's your own look)."""
        today = self.service.today(couple, partner_of(couple, interaction))
        attached = attach_photos(self.photos, memory, upload_limit(interaction, interaction.guild))
        embeds = memory_embeds(memory, couple, today, image=attached.first, notes=attached.notes)
        messages = pack(embeds)
        if not interaction.response.is_done():
            if not attached.files and len(messages) == 1:
                await interaction.response.send_message(content=content, embeds=messages[0], ephemeral=True)
                return
            # Photos take a moment to upload: answer within Discord's 3 seconds first.
            await interaction.response.defer(ephemeral=True, thinking=True)
        for index, group in enumerate(messages):
            await interaction.followup.send(
                content=content if index == 0 and content is not None else MISSING,
                embeds=group,
                files=attached.files if index == 0 else [],
                ephemeral=True,
            )

    # -- /memory add and the forms ---------------------------------------------------------------

    @app_commands.command(name="add")
    @app_commands.describe(
        title="A short title, like Our first video call (up to 100 characters)",
        date="When it happened: YYYY-MM-DD, today or yesterday (default: today)",
        description="What happened, in your words (up to 2,000 characters)",
        photo="A photo to keep with it (any image, Closer keeps a copy)",
        tags="Tags, comma-separated: beach, first trip",
    )
    @app_commands.autocomplete(date=date_choices)
    @partner_only()
    async def add(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, TITLE_LIMIT],
        date: app_commands.Range[str, 1, 20] | None = None,
        description: app_commands.Range[str, 1, DESCRIPTION_LIMIT] | None = None,
        photo: discord.Attachment | None = None,
        tags: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """Add a memory to your shared book (photo optional)."""
        couple, partner = current(interaction)
        written = self.service.entry(
            couple, partner, title=title, day=date, description=description, tags=tags
        )
        photos: list[Incoming] = []
        if photo is not None:
            incoming = Incoming.of(photo)
            self.photos.check(incoming)  # a clear refusal before anything is downloaded
            await interaction.response.defer(ephemeral=True, thinking=True)
            photos.append(incoming)
        memory = await self.service.add(couple, partner, written, photos)
        await self.news.tell(couple, partner, memory)
        await self.send_memory(interaction, couple, memory, content=saved_line(memory))

    def form_entry(self, couple: Couple, partner: Partner, values: Mapping[str, str]) -> Entry:
        """The fields of a memory form (new, edit or save), checked."""
        return self.service.entry(
            couple,
            partner,
            title=values.get("title", ""),
            day=values.get("date"),
            description=values.get("description"),
            tags=values.get("tags"),
        )

    async def add_from_form(
        self, interaction: discord.Interaction, couple: Couple, values: Mapping[str, str]
    ) -> None:
        partner = partner_of(couple, interaction)
        memory = await self.service.add(couple, partner, self.form_entry(couple, partner, values))
        await self.news.tell(couple, partner, memory)
        await self.send_memory(
            interaction,
            couple,
            memory,
            content=saved_line(memory)
            + " To add a photo, use `/memory add` or **Save as memory** on a message.",
        )

    # -- Save as memory ----------------------------------------------------------------------------

    async def save_as_memory(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Message menu: keep this message (text, images, author, link) in your memory book."""
        couple = await couple_for(interaction)
        form = await self.service.start_draft(couple, partner_of(couple, interaction), message)
        await SaveMemoryModal(form.draft_id, form.title, form.day).open(interaction)

    async def save_draft(
        self, interaction: discord.Interaction, couple: Couple, draft_id: int, values: Mapping[str, str]
    ) -> None:
        draft = await self.service.draft(couple, interaction.user.id, draft_id)
        partner = partner_of(couple, interaction)
        written = self.form_entry(couple, partner, values)
        await interaction.response.defer(ephemeral=True, thinking=True)
        memory, notes = await self.service.save_draft(couple, partner, draft, written)
        await self.news.tell(couple, partner, memory)
        await self.send_memory(interaction, couple, memory, content=saved_with_notes(memory, notes))

    # -- browsing ----------------------------------------------------------------------------------

    @app_commands.command(name="list")
    @partner_only()
    async def list_(self, interaction: discord.Interaction) -> None:
        """Your memories, newest first, 10 a page."""
        await send_pages(interaction, "memories")

    async def list_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        couple = await couple_for(interaction)
        memories, total, page, pages = await self.service.page(couple.guild_id, page)
        return Page(book_card(memories, total, page, pages), page, pages)

    @app_commands.command(name="show")
    @app_commands.rename(memory_id="id")
    @app_commands.describe(memory_id="The memory (start typing its title)")
    @app_commands.autocomplete(memory_id=memory_choices)
    @partner_only()
    async def show(self, interaction: discord.Interaction, memory_id: app_commands.Range[int, 1]) -> None:
        """Open a memory, with its photos."""
        couple, _ = current(interaction)
        await self.send_memory(interaction, couple, await self.service.owned(couple, memory_id))

    @app_commands.command(name="random")
    @partner_only()
    async def random_(self, interaction: discord.Interaction) -> None:
        """A memory picked at random from your book."""
        couple, _ = current(interaction)
        memory = await self.service.random(couple.guild_id)
        await self.send_memory(interaction, couple, memory, content="🎲 From your memory book:")

    # -- search --------------------------------------------------------------------------------------

    @app_commands.command(name="search")
    @app_commands.describe(query="Words to look for in titles, descriptions and tags")
    @partner_only()
    async def search(self, interaction: discord.Interaction, query: app_commands.Range[str, 1, 6000]) -> None:
        """Search your memories (titles, descriptions, tags), best matches first."""
        terms = search_terms(query)
        if not terms:
            raise UserError(
                "Nothing found: your search has no words to look for. Search with words or numbers, "
                "like `beach` or `paris 2024`."
            )
        await send_pages(interaction, "memory_search", self.service.search_key(terms))

    async def search_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        couple = await couple_for(interaction)
        result, page, pages = await self.service.search(couple.guild_id, page, arg)
        return Page(search_card(result, page, pages), page, pages)

    # -- edit and delete ---------------------------------------------------------------------------

    @app_commands.command(name="edit")
    @app_commands.rename(memory_id="id")
    @app_commands.describe(memory_id="The memory (start typing its title)")
    @app_commands.autocomplete(memory_id=memory_choices)
    @partner_only()
    async def edit(self, interaction: discord.Interaction, memory_id: app_commands.Range[int, 1]) -> None:
        """Change a memory's title, date, description or tags."""
        couple, _ = current(interaction)
        await EditMemoryModal(await self.service.owned(couple, memory_id)).open(interaction)

    async def edit_from_form(
        self, interaction: discord.Interaction, couple: Couple, memory_id: int, values: Mapping[str, str]
    ) -> None:
        partner = partner_of(couple, interaction)
        memory = await self.service.edit(couple, partner, memory_id, self.form_entry(couple, partner, values))
        await self.send_memory(
            interaction, couple, memory, content=f"Saved your changes to memory #{memory.id}."
        )

    @app_commands.command(name="delete")
    @app_commands.rename(memory_id="id")
    @app_commands.describe(memory_id="The memory (start typing its title)")
    @app_commands.autocomplete(memory_id=memory_choices)
    @partner_only()
    async def delete(self, interaction: discord.Interaction, memory_id: app_commands.Range[int, 1]) -> None:
        """Delete a memory and its photos (asks to confirm)."""
        couple, _ = current(interaction)
        memory = await self.service.owned(couple, memory_id)
        await interaction.response.send_message(
            f"Delete memory #{memory.id} **{escape_markdown(memory.title)}** "
            f"({memory.happened_on:%Y-%m-%d}){photos_phrase(memory)}? This can't be undone, for either of you.",
            view=confirm_view("memory_delete", interaction.user.id, str(memory.id), confirm_label="Delete"),
            ephemeral=True,
        )

    async def confirm_delete(self, interaction: discord.Interaction, arg: str) -> str:
        couple = await couple_for(interaction)
        memory = await self.service.delete(couple.guild_id, int(arg))
        if memory is None:
            return "That memory was already deleted."
        return f"Deleted memory #{memory.id} **{escape_markdown(memory.title)}**{photos_phrase(memory)}."
