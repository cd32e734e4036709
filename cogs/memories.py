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

import hashlib
import logging
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Self

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.checks import bot_of, couple_for, current, partner_only
from bot.client import CloserBot
from bot.db.models import Couple, Partner
from bot.db.repositories.memories import (
    DESCRIPTION_LIMIT,
    PHOTOS_LIMIT,
    TAG_LIMIT,
    TAGS_LIMIT,
    TITLE_LIMIT,
    DraftAttachment,
    MemoryRepository,
    PhotoFile,
    normalise_tags,
)
from bot.db.repositories.memory_search import Memory, search_terms
from bot.db.repositories.rituals import Ritual
from bot.errors import UserError
from bot.feature import Feature
from bot.photos import Incoming, PhotoRefused, PhotoStore, format_size, safe_filename
from bot.registry import Contribution, Hook
from bot.rituals import RitualTemplate
from bot.scheduler import Occurrence, Sent
from bot.timeutil import ALL_DAYS, local_date, parse_date
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from bot.ui.confirm import confirm_view
from bot.ui.embeds import (
    DESCRIPTION_LIMIT as EMBED_DESCRIPTION_LIMIT,
)
from bot.ui.embeds import (
    EMBED_TOTAL_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_LIMIT,
    chunks,
    clip,
    embed,
    embed_size,
    pack,
)
from bot.ui.pages import Page, clamp_page, send_pages

log = logging.getLogger(__name__)

PER_PAGE = 10
ON_THIS_DAY = "on_this_day"
ON_THIS_DAY_AT = time(9, 0)
ON_THIS_DAY_MOST = 10  # memories in one "on this day" post
EARLIEST_YEAR = 1900
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024  # Discord's upload limit for a server without boosts
SEARCH_ARG_LIMIT = 50  # the page buttons carry the search words when they fit
SEARCHES_KEPT = 500  # longer searches are kept in memory under a short key for the buttons
DATE_HELP = "Use YYYY-MM-DD, `today` or `yesterday`"


# =============================================================================================
# Plain logic: checking what a partner typed
# =============================================================================================


def clean_title(text: str) -> str:
    title = " ".join((text or "").replace("\x00", " ").split())  # SQLite's length() stops at a NUL
    if not title:
        raise UserError("A memory needs a title, like `Our first video call`.")
    if len(title) > TITLE_LIMIT:
        raise UserError(
            f"Titles can be up to {TITLE_LIMIT} characters; yours has {len(title)}. "
            "Put the rest in the description."
        )
    return title


def clean_description(text: str | None) -> str:
    description = (text or "").strip()
    if len(description) > DESCRIPTION_LIMIT:
        raise UserError(
            f"Descriptions can be up to {DESCRIPTION_LIMIT:,} characters; yours has {len(description):,}."
        )
    return description


def clean_tags(text: str | None) -> tuple[str, ...]:
    tags = normalise_tags(text or "")
    long = [t for t in tags if len(t) > TAG_LIMIT]
    if long:
        raise UserError(f"Tags can be up to {TAG_LIMIT} characters; `{clip(long[0], 40)}` is longer.")
    if len(tags) > TAGS_LIMIT:
        raise UserError(f"A memory can have up to {TAGS_LIMIT} tags; you gave {len(tags)}.")
    return tags


def memory_date(text: str | None, today: date) -> date:
    """A memory's date: YYYY-MM-DD, "today" or "yesterday"; never in the future."""
    if not (text or "").strip():
        return today
    day = parse_date(text or "", today)
    if day > today:
        raise UserError(
            f"{day:%Y-%m-%d} is in the future: a memory is something that already happened. "
            f"{DATE_HELP}, like `{today:%Y-%m-%d}`."
        )
    if day.year < EARLIEST_YEAR:
        raise UserError(f"{day:%Y-%m-%d} is a little too long ago. {DATE_HELP}, like `{today:%Y-%m-%d}`.")
    return day


def today_for(couple: Couple, partner: Partner, now: datetime) -> date:
    return local_date(now, couple.zone_of(partner, now))


def years_ago(happened: date, today: date) -> str:
    years = today.year - happened.year - ((today.month, today.day) < (happened.month, happened.day))
    if years >= 1:
        return "1 year ago" if years == 1 else f"{years} years ago"
    days = (today - happened).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    return f"{days // 30} months ago"


def anniversary_heading(memory: Memory, today: date) -> str:
    """ "2 years ago today: Title" (Feb 29 memories on Feb 28: "... ago (29 February): ")."""
    years = today.year - memory.happened_on.year
    ago = "1 year ago" if years == 1 else f"{years} years ago"
    if (memory.happened_on.month, memory.happened_on.day) != (today.month, today.day):
        return f"{ago} ({memory.happened_on.day} {memory.happened_on:%B}): {memory.title}"
    return f"{ago} today: {memory.title}"


def format_day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def message_text(message: discord.Message) -> str:
    """What a message says: its text, then its embeds' text (a bot's post is mostly embeds)."""
    parts = [message.content.strip()] if message.content and message.content.strip() else []
    for item in message.embeds:
        pieces = [item.title or "", item.description or ""]
        pieces += [f"{f.name}: {f.value}" for f in item.fields]
        text = "\n".join(p for p in pieces if p and p.strip())
        if text:
            parts.append(text)
    return "\n\n".join(parts)


def draft_title(quote: str, author_name: str) -> str:
    first = next((line.strip() for line in quote.splitlines() if line.strip()), "")
    if not first:
        return clip(f"A message from {author_name}", TITLE_LIMIT)
    return clip(" ".join(first.split()), TITLE_LIMIT)


# =============================================================================================
# Showing a memory
# =============================================================================================


def name_of(couple: Couple, user_id: int | None) -> str:
    if user_id is None:
        return "someone"
    partner = couple.partner(user_id)
    return partner.display_name if partner else f"<@{user_id}>"


def photo_name(memory: Memory, index: int, content_type: str) -> str:
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}.get(
        content_type, "png" if "/" not in content_type else content_type.split("/")[1][:5]
    )
    return f"memory-{memory.id}-{index + 1}.{extension}"


@dataclass
class Attached:
    """The photo files that go with a card, and what could not be attached."""

    files: list[discord.File]
    first: str | None  # attachment name of the photo shown in the card
    notes: list[str]


def attach_photos(
    store: PhotoStore, memory: Memory, upload_limit: int, *, most: int = PHOTOS_LIMIT
) -> Attached:
    files: list[discord.File] = []
    first: str | None = None
    missing = too_large = 0
    for index, photo in enumerate(memory.photos[:most]):
        if photo.size > upload_limit:
            too_large += 1
            continue
        name = photo_name(memory, index, photo.content_type)
        file = store.file(photo.path, name)
        if file is None:
            missing += 1
            continue
        files.append(file)
        first = first or name
    notes = []
    if missing:
        notes.append(
            "1 photo is missing from Closer's data folder"
            if missing == 1
            else f"{missing} photos are missing from Closer's data folder"
        )
    if too_large:
        notes.append(
            f"{too_large} photo{'s are' if too_large > 1 else ' is'} kept but too large to show here "
            f"(over {format_size(upload_limit)})"
        )
    return Attached(files, first, notes)


def memory_embeds(
    memory: Memory,
    couple: Couple,
    today: date,
    *,
    heading: str | None = None,
    image: str | None = None,
    notes: Sequence[str] = (),
) -> list[discord.Embed]:
    """The memory as cards: the main one, then the saved message's text in full if it is long."""
    card = embed(heading or memory.title, memory.description or None)
    card.add_field(
        name="When", value=f"{format_day(memory.happened_on)} · {years_ago(memory.happened_on, today)}"
    )
    if memory.tags:
        card.add_field(name="Tags", value=clip(" · ".join(f"#{t}" for t in memory.tags), FIELD_VALUE_LIMIT))
    saved_by = name_of(couple, memory.author_id)
    if memory.updated_by != memory.author_id:
        saved_by += f" · edited by {name_of(couple, memory.updated_by)}"
    card.add_field(name="Saved by", value=saved_by)
    extra: list[discord.Embed] = []
    if memory.source_url:
        who = name_of(couple, memory.source_author_id)
        label = f"From a message by {who}"
        if memory.quote:
            pieces = chunks(memory.quote, FIELD_VALUE_LIMIT)
            fits = embed_size(card) + len(memory.quote) + 200 * len(pieces) < EMBED_TOTAL_LIMIT - 500
            if fits and len(card.fields) + len(pieces) <= FIELDS_LIMIT:
                for index, piece in enumerate(pieces):
                    card.add_field(
                        name=label if index == 0 else f"{label} (cont.)", value=piece, inline=False
                    )
            else:
                for index, piece in enumerate(chunks(memory.quote, EMBED_DESCRIPTION_LIMIT)):
                    extra.append(embed(label if index == 0 else f"{label} (cont.)", piece))
        card.add_field(name="Link", value=f"[Jump to the message]({memory.source_url})", inline=False)
    if image:
        card.set_image(url=f"attachment://{image}")
    footer = f"Memory #{memory.id}"
    if memory.photos:
        footer += f" · 📷 {len(memory.photos)} photo{'s' if len(memory.photos) > 1 else ''}"
    if notes:
        footer += " · " + "; ".join(notes)
    card.set_footer(text=footer)
    return [card, *extra]


def list_line(memory: Memory) -> str:
    line = f"**#{memory.id}** {escape_markdown(memory.title)} · {memory.happened_on.day} {memory.happened_on:%b %Y}"
    if memory.photos:
        line += " · 📷"
    if memory.tags:
        line += " · " + clip(" ".join(f"#{t}" for t in memory.tags), 60)
    return line


def snippet(memory: Memory, terms: Sequence[str], width: int = 150) -> str:
    """A line of the description (or saved message) around the first searched word, in bold."""
    pattern = re.compile(r"(?i)(?<!\w)(" + "|".join(re.escape(t) for t in terms) + r")\w*") if terms else None
    for text in (memory.description, memory.quote):
        flat = " ".join(text.split())
        if not flat or pattern is None:
            continue
        found = pattern.search(flat)
        if found is None:
            continue
        start = max(0, found.start() - width // 3)
        piece = flat[start : start + width]
        out, cursor = [], 0
        for match in pattern.finditer(piece):
            out.append(escape_markdown(piece[cursor : match.start()]))
            out.append(f"**{escape_markdown(match.group(0))}**")
            cursor = match.end()
        out.append(escape_markdown(piece[cursor:]))
        prefix = "…" if start > 0 else ""
        suffix = "…" if start + width < len(flat) else ""
        return prefix + "".join(out) + suffix
    flat = " ".join(memory.description.split())
    return escape_markdown(clip(flat, width)) if flat else ""


def upload_limit(interaction: discord.Interaction | None = None, guild: discord.Guild | None = None) -> int:
    # discord.py exposes the interaction's attachment_size_limit as ``filesize_limit``.
    limit = interaction.filesize_limit if interaction is not None else None
    if limit:
        return int(limit)
    if guild is not None:
        return guild.filesize_limit
    return DEFAULT_UPLOAD_LIMIT


# =============================================================================================
# Components: the "log a memory" button and the three forms
# =============================================================================================


def book(interaction: discord.Interaction) -> MemoryCog:
    """The loaded memory cog (by name: a reloaded extension has a new class)."""
    cog = bot_of(interaction).get_cog(MemoryCog.__cog_name__)
    if cog is None:
        raise UserError("The memory book is not available right now. Please try again in a moment.")
    return cog  # type: ignore[return-value]


def _title_input(default: str | None = None) -> discord.ui.TextInput:
    return discord.ui.TextInput(
        label="Title", custom_id="title", max_length=TITLE_LIMIT, default=default or None
    )


def _date_input(default: str) -> discord.ui.TextInput:
    return discord.ui.TextInput(
        label="Date (YYYY-MM-DD, today or yesterday)", custom_id="date", max_length=20, default=default
    )


def _description_input(label: str, default: str | None = None) -> discord.ui.TextInput:
    return discord.ui.TextInput(
        label=label,
        custom_id="description",
        style=discord.TextStyle.paragraph,
        max_length=DESCRIPTION_LIMIT,
        required=False,
        default=default or None,
    )


def _tags_input(default: str | None = None) -> discord.ui.TextInput:
    return discord.ui.TextInput(
        label="Tags (comma-separated, optional)",
        custom_id="tags",
        max_length=200,
        required=False,
        placeholder="beach, first trip",
        default=default or None,
    )


class NewMemoryButton(
    SafeCallback, discord.ui.DynamicItem[discord.ui.Button], custom_id=CustomId("closer:memory:new")
):
    """Opens the "add a memory" form; other features post it (after a call night, ...)."""

    def __init__(self, label: str = "Log a memory") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, emoji="📖", style=discord.ButtonStyle.primary, custom_id=self.spec.build()
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: Any, match: re.Match[str]) -> Self:
        return cls(item.label or "Log a memory")

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction)
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        today = today_for(couple, partner, bot_of(interaction).clock.now())
        await NewMemoryModal(couple.guild_id, today).open(interaction)


class NewMemoryModal(
    PersistentModal, title="Add a memory", custom_id=CustomId("closer:modal:memory:new:{guild:int}")
):
    def __init__(self, guild_id: int, today: date) -> None:
        super().__init__(custom_id=self.spec.build(guild=guild_id))
        self.add_item(_title_input())
        self.add_item(_date_input(f"{today:%Y-%m-%d}"))
        self.add_item(_description_input("What happened (optional)"))
        self.add_item(_tags_input())

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction, guild_id=int(key["guild"]))
        await book(interaction).add_from_form(interaction, couple, values)


class EditMemoryModal(
    PersistentModal, title="Edit a memory", custom_id=CustomId("closer:modal:memory:edit:{memory:int}")
):
    def __init__(self, memory: Memory) -> None:
        super().__init__(custom_id=self.spec.build(memory=memory.id), title=f"Edit memory #{memory.id}")
        self.add_item(_title_input(memory.title))
        self.add_item(_date_input(f"{memory.happened_on:%Y-%m-%d}"))
        self.add_item(_description_input("Description", memory.description))
        self.add_item(_tags_input(", ".join(memory.tags)))

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction)
        await book(interaction).edit_from_form(interaction, couple, int(key["memory"]), values)


class SaveMemoryModal(
    PersistentModal, title="Save as memory", custom_id=CustomId("closer:modal:memory:save:{draft:int}")
):
    def __init__(self, draft_id: int, title: str, day: date) -> None:
        super().__init__(custom_id=self.spec.build(draft=draft_id))
        self.add_item(_title_input(title))
        self.add_item(_date_input(f"{day:%Y-%m-%d}"))
        self.add_item(_description_input("Your note (optional)"))
        self.add_item(_tags_input())

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction)
        await book(interaction).save_draft(interaction, couple, int(key["draft"]), values)


# =============================================================================================
# The cog
# =============================================================================================


class MemoryCog(Feature, commands.GroupCog, group_name="memory", group_description="Your shared memory book"):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.repo = MemoryRepository(bot.db)
        self.photos = PhotoStore(bot.settings.photos_dir, bot.settings.photo_max_bytes)
        self.searches: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self.save_menu = app_commands.ContextMenu(name="Save as memory", callback=self.save_as_memory)

    def contribution(self) -> Contribution:
        return Contribution(
            rituals=(RitualTemplate(ON_THIS_DAY, "On this day", self.deliver_on_this_day, addable=False),),
            hooks=(
                (Hook.COUPLE_PAIRED, self.on_paired),
                (Hook.QUESTION_TIME_CHANGED, self.on_question_time),
            ),
            items=(NewMemoryButton,),
            modals=(NewMemoryModal, EditMemoryModal, SaveMemoryModal),
            confirmations={"memory_delete": self.confirm_delete},
            pages={"memories": self.list_page, "memory_search": self.search_page},
            menus=(self.save_menu,),
        )

    # -- on this day -----------------------------------------------------------------------------

    async def on_paired(self, couple: Couple) -> None:
        await self.bot.rituals.ensure_builtin(
            couple,
            ON_THIS_DAY,
            weekdays=ALL_DAYS,
            at=ON_THIS_DAY_AT,
            zone=couple.first.home_zone or "UTC",
        )

    async def on_question_time(self, couple: Couple, at: time, zone_key: str) -> None:
        """The memories come back at the daily question's time."""
        ritual = await self.bot.rituals.repo.find_template(couple.guild_id, ON_THIS_DAY)
        if ritual is None:
            await self.bot.rituals.ensure_builtin(
                couple, ON_THIS_DAY, weekdays=ALL_DAYS, at=at, zone=zone_key
            )
            return
        if (ritual.local_time, ritual.zone) != (at, zone_key):
            await self.bot.rituals.update(couple, ritual, at=at, zone=zone_key)

    async def deliver_on_this_day(self, occurrence: Occurrence, ritual: Ritual) -> Sent | None:
        couple = occurrence.couple
        assert couple is not None
        today = local_date(occurrence.scheduled_at, occurrence.zone)
        memories = await self.repo.on_this_day(couple.guild_id, today)
        if not memories:
            return None
        shown = memories[:ON_THIS_DAY_MOST]
        limit = upload_limit(guild=self.bot.get_guild(couple.guild_id))
        cards: list[tuple[list[discord.Embed], list[discord.File]]] = []
        for memory in shown:
            attached = attach_photos(self.photos, memory, limit, most=1)
            embeds = memory_embeds(
                memory,
                couple,
                today,
                heading=anniversary_heading(memory, today),
                image=attached.first,
                notes=attached.notes,
            )
            cards.append((embeds, attached.files))
        intro = "🕰️ **On this day**"
        if len(memories) > len(shown):
            intro += f" (the first {len(shown)} of {len(memories)} memories; `/memory list` has them all)"
        first: Sent | None = None
        for index, group in enumerate(pack(e for embeds, _ in cards for e in embeds)):
            files = [f for embeds, fs in cards if any(e is embeds[0] for e in group) for f in fs]
            sent = await occurrence.send_channel(
                nonce_suffix=f"m{index}" if index else "",
                content=intro if index == 0 else None,
                embeds=group,
                files=files,
            )
            first = first or sent
        return first

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
        return [
            app_commands.Choice(name=clip(f"#{m.id} {m.title} · {m.happened_on:%Y-%m-%d}", 100), value=m.id)
            for m in found
        ]

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

    # -- helpers -----------------------------------------------------------------------------------

    async def owned(self, couple: Couple, memory_id: int) -> Memory:
        memory = await self.repo.get(memory_id, couple.guild_id)
        if memory is None:
            raise UserError(
                f"There's no memory #{memory_id} in your book. `/memory list` or `/memory search` finds yours."
            )
        return memory

    async def send_memory(
        self,
        interaction: discord.Interaction,
        couple: Couple,
        memory: Memory,
        *,
        content: str | None = None,
    ) -> None:
        """Answer with the memory's card and its photos (ephemeral: it's your own look)."""
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        today = today_for(couple, partner, self.bot.clock.now())
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
                content=content if index == 0 else None,
                embeds=group,
                files=attached.files if index == 0 else [],
                ephemeral=True,
            )

    async def keep_photos(
        self, guild_id: int, incoming: Sequence[Incoming], *, strict: bool
    ) -> tuple[list[PhotoFile], list[str]]:
        """Download and keep images; ``strict``: a failure refuses everything (and keeps nothing)."""
        kept: list[PhotoFile] = []
        problems: list[str] = []
        for item in incoming:
            try:
                kept.append(await self.photos.download(item, guild_id, self.bot.http.get_from_cdn))
            except PhotoRefused as error:
                if strict:
                    await self.photos.delete(p.path for p in kept)
                    raise
                problems.append(error.message)
        return kept, problems

    async def write(self, photos: Sequence[PhotoFile], **fields: object) -> Memory:
        """Write a memory whose photos are already on disk; if writing fails, remove them."""
        try:
            return await self.repo.add(photos=photos, now=self.bot.clock.now(), **fields)  # type: ignore[arg-type]
        except BaseException:
            await self.photos.delete(p.path for p in photos)
            raise

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
        today = today_for(couple, partner, self.bot.clock.now())
        fields = {
            "guild_id": couple.guild_id,
            "author_id": partner.user_id,
            "title": clean_title(title),
            "happened_on": memory_date(date, today),
            "description": clean_description(description),
            "tags": clean_tags(tags),
        }
        kept: list[PhotoFile] = []
        if photo is not None:
            incoming = Incoming.of(photo)
            self.photos.check(incoming)  # a clear refusal before anything is downloaded
            await interaction.response.defer(ephemeral=True, thinking=True)
            kept, _ = await self.keep_photos(couple.guild_id, [incoming], strict=True)
        memory = await self.write(kept, **fields)
        await self.send_memory(interaction, couple, memory, content=saved_line(memory))

    async def add_from_form(
        self, interaction: discord.Interaction, couple: Couple, values: dict[str, str]
    ) -> None:
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        today = today_for(couple, partner, self.bot.clock.now())
        memory = await self.write(
            [],
            guild_id=couple.guild_id,
            author_id=partner.user_id,
            title=clean_title(values.get("title", "")),
            happened_on=memory_date(values.get("date"), today),
            description=clean_description(values.get("description")),
            tags=clean_tags(values.get("tags")),
        )
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
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        now = self.bot.clock.now()
        draft_id = await self.repo.add_draft(
            guild_id=couple.guild_id,
            user_id=partner.user_id,
            channel_id=message.channel.id,
            message_id=message.id,
            source_author_id=message.author.id,
            quote=message_text(message),
            attachments=[
                DraftAttachment(a.url, a.filename, a.content_type, a.size) for a in message.attachments
            ],
            message_at=message.created_at,
            now=now,
        )
        today = today_for(couple, partner, now)
        day = min(local_date(message.created_at, couple.zone_of(partner, now)), today)
        title = draft_title(message_text(message), message.author.display_name)
        await SaveMemoryModal(draft_id, title, day).open(interaction)

    async def save_draft(
        self, interaction: discord.Interaction, couple: Couple, draft_id: int, values: dict[str, str]
    ) -> None:
        draft = await self.repo.draft(draft_id)
        if draft is None or draft.guild_id != couple.guild_id or draft.user_id != interaction.user.id:
            raise UserError(
                "This form has expired (or was already saved). Use **Save as memory** on the message again."
            )
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        today = today_for(couple, partner, self.bot.clock.now())
        fields = {
            "guild_id": couple.guild_id,
            "author_id": partner.user_id,
            "title": clean_title(values.get("title", "")),
            "happened_on": memory_date(values.get("date"), today),
            "description": clean_description(values.get("description")),
            "tags": clean_tags(values.get("tags")),
            "quote": draft.quote,
            "source": (draft.channel_id, draft.message_id, draft.source_author_id),
            "draft_id": draft.id,
        }
        await interaction.response.defer(ephemeral=True, thinking=True)
        incoming = [Incoming(a.url, a.filename, a.content_type, a.size) for a in draft.attachments]
        images = [i for i in incoming if self.photos.is_image(i)]
        others = [i for i in incoming if not self.photos.is_image(i)]
        kept, problems = await self.keep_photos(couple.guild_id, images[:PHOTOS_LIMIT], strict=False)
        memory = await self.write(kept, **fields)
        notes = list(problems)
        if others:
            names = ", ".join(f"`{safe_filename(o.filename)}`" for o in others[:3])
            notes.append(
                f"Only images are kept with a memory, so {names} {'was' if len(others) == 1 else 'were'} left out."
            )
        if len(images) > PHOTOS_LIMIT:
            notes.append(f"A memory keeps up to {PHOTOS_LIMIT} photos; the first {PHOTOS_LIMIT} were kept.")
        content = saved_line(memory)
        if notes:
            content += "\n" + "\n".join(f"• {clip(n, 300)}" for n in notes)
        await self.send_memory(interaction, couple, memory, content=clip(content, 2000))

    # -- browsing ----------------------------------------------------------------------------------

    @app_commands.command(name="list")
    @partner_only()
    async def list_(self, interaction: discord.Interaction) -> None:
        """Your memories, newest first, 10 a page."""
        await send_pages(interaction, "memories")

    async def list_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        couple = await couple_for(interaction)
        total = await self.repo.count(couple.guild_id)
        page, pages = clamp_page(page, total, PER_PAGE)
        card = embed("📖 Your memory book")
        if total == 0:
            card.description = (
                "Your memory book is empty. Add the first memory with `/memory add`, or keep a message "
                "with **Save as memory** (open a message's menu → Apps)."
            )
        else:
            memories = await self.repo.page(couple.guild_id, offset=page * PER_PAGE, limit=PER_PAGE)
            card.description = "\n".join(list_line(m) for m in memories)
        plural = "memory" if total == 1 else "memories"
        card.set_footer(text=f"Page {page + 1} of {pages} · {total} {plural} · /memory show opens one")
        return Page(card, page, pages)

    @app_commands.command(name="show")
    @app_commands.rename(memory_id="id")
    @app_commands.describe(memory_id="The memory (start typing its title)")
    @app_commands.autocomplete(memory_id=memory_choices)
    @partner_only()
    async def show(self, interaction: discord.Interaction, memory_id: app_commands.Range[int, 1]) -> None:
        """Open a memory, with its photos."""
        couple, _ = current(interaction)
        await self.send_memory(interaction, couple, await self.owned(couple, memory_id))

    @app_commands.command(name="random")
    @partner_only()
    async def random_(self, interaction: discord.Interaction) -> None:
        """A memory picked at random from your book."""
        couple, _ = current(interaction)
        memory = await self.repo.random(couple.guild_id)
        if memory is None:
            raise UserError("Your memory book is empty. Add the first memory with `/memory add`.")
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
        await send_pages(interaction, "memory_search", self.search_key(terms))

    def search_key(self, terms: tuple[str, ...]) -> str:
        """What the page buttons carry: the words, or a short key to them when they don't fit."""
        joined = " ".join(terms)
        if len(joined) <= SEARCH_ARG_LIMIT and not joined.startswith("#"):
            return joined
        key = "#" + hashlib.blake2s(joined.encode(), digest_size=8).hexdigest()
        self.searches[key] = terms
        self.searches.move_to_end(key)
        while len(self.searches) > SEARCHES_KEPT:
            self.searches.popitem(last=False)
        return key

    async def search_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        couple = await couple_for(interaction)
        if arg.startswith("#"):
            terms = self.searches.get(arg)
            if terms is None:
                raise UserError("This search has expired. Run `/memory search` again.")
        else:
            terms = tuple(arg.split())
        result = await self.repo.search(
            couple.guild_id, terms, offset=max(page, 0) * PER_PAGE, limit=PER_PAGE
        )
        clamped, pages = clamp_page(page, result.total, PER_PAGE)
        if result.total and clamped != page:  # the book changed since the buttons were made
            result = await self.repo.search(couple.guild_id, terms, offset=clamped * PER_PAGE, limit=PER_PAGE)
        page = clamped
        words = clip(" ".join(terms), 80)
        card = embed(f"🔎 {words}")
        if result.total == 0:
            card.description = (
                f"Nothing found for **{escape_markdown(words)}**. Try other or fewer words, "
                "or browse everything with `/memory list`."
            )
            card.set_footer(text="Searches titles, descriptions, saved messages and tags")
            return Page(card, 0, 1)
        lines = []
        if not result.every_word:
            lines.append("_No memory has all of those words; these have some of them._\n")
        for memory in result.memories:
            line = list_line(memory)
            found = snippet(memory, terms)
            if found:
                line += f"\n> {found}"
            lines.append(line)
        card.description = clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT)
        count = f"{result.total:,}+" if result.capped else f"{result.total:,}"
        plural = "memory" if result.total == 1 else "memories"
        card.set_footer(text=f"Page {page + 1} of {pages} · {count} {plural} found, best first")
        return Page(card, page, pages)

    # -- edit and delete ---------------------------------------------------------------------------

    @app_commands.command(name="edit")
    @app_commands.rename(memory_id="id")
    @app_commands.describe(memory_id="The memory (start typing its title)")
    @app_commands.autocomplete(memory_id=memory_choices)
    @partner_only()
    async def edit(self, interaction: discord.Interaction, memory_id: app_commands.Range[int, 1]) -> None:
        """Change a memory's title, date, description or tags."""
        couple, _ = current(interaction)
        await EditMemoryModal(await self.owned(couple, memory_id)).open(interaction)

    async def edit_from_form(
        self, interaction: discord.Interaction, couple: Couple, memory_id: int, values: dict[str, str]
    ) -> None:
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        today = today_for(couple, partner, self.bot.clock.now())
        memory = await self.repo.update(
            memory_id,
            couple.guild_id,
            title=clean_title(values.get("title", "")),
            happened_on=memory_date(values.get("date"), today),
            description=clean_description(values.get("description")),
            tags=clean_tags(values.get("tags")),
            by=partner.user_id,
            now=self.bot.clock.now(),
        )
        if memory is None:
            raise UserError(f"Memory #{memory_id} was deleted meanwhile, so there was nothing to change.")
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
        memory = await self.owned(couple, memory_id)
        photos = ""
        if memory.photos:
            photos = f" and its {len(memory.photos)} photo{'s' if len(memory.photos) > 1 else ''}"
        await interaction.response.send_message(
            f"Delete memory #{memory.id} **{escape_markdown(memory.title)}** "
            f"({memory.happened_on:%Y-%m-%d}){photos}? This can't be undone, for either of you.",
            view=confirm_view("memory_delete", interaction.user.id, str(memory.id), confirm_label="Delete"),
            ephemeral=True,
        )

    async def confirm_delete(self, interaction: discord.Interaction, arg: str) -> str:
        couple = await couple_for(interaction)
        memory = await self.repo.delete(int(arg), couple.guild_id)
        if memory is None:
            return "That memory was already deleted."
        await self.photos.delete(p.path for p in memory.photos)
        photos = ""
        if memory.photos:
            photos = f" and its {len(memory.photos)} photo{'s' if len(memory.photos) > 1 else ''}"
        return f"Deleted memory #{memory.id} **{escape_markdown(memory.title)}**{photos}."


def saved_line(memory: Memory) -> str:
    return f"✨ Saved to your memory book as #{memory.id}."


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(MemoryCog(bot))
