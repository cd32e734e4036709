"""The memory book's rules: writing memories with their photos, finding them, and the
"on this day" ritual. No interaction here: the cog answers, this decides and stores."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

import discord

from bot.clock import Clock
from bot.db.models import Couple, Partner
from bot.db.repositories.memories import PHOTOS_LIMIT, Draft, DraftAttachment, MemoryRepository, PhotoFile
from bot.db.repositories.memory_search import Memory, SearchPage
from bot.db.repositories.rituals import Ritual
from bot.errors import UserError
from bot.photos import Fetch, Incoming, PhotoRefused, PhotoStore, format_size, safe_filename
from bot.planning import both_times
from bot.rituals import RitualService, RitualTemplate, ritual_rule
from bot.scheduler import Occurrence, Sent
from bot.timeutil import ALL_DAYS, local_date, zone_info
from bot.ui.embeds import pack
from bot.ui.pages import clamp_page
from cogs.memories.embeds import anniversary_heading, memory_embeds, on_this_day_intro, photo_name
from cogs.memories.rules import Entry, draft_title, entry, message_text, today_for

PER_PAGE = 10
ON_THIS_DAY = "on_this_day"
ON_THIS_DAY_AT = time(9, 0)
ON_THIS_DAY_MOST = 10  # memories in one "on this day" post
SEARCH_ARG_LIMIT = 50  # the page buttons carry the search words when they fit
SEARCHES_KEPT = 500  # longer searches are kept in memory under a short key for the buttons


@dataclass
class Attached:
    """The photo files that go with a card, and what could not be attached."""

    files: list[discord.File]
    first: str | None  # attachment name of the photo shown in the card
    notes: list[str]


@dataclass(frozen=True, slots=True)
class SaveForm:
    """A message kept as a draft, and what its "Save as memory" form starts with."""

    draft_id: int
    title: str
    day: date


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


class MemoryService:
    """The memory book: its repository, the photo store, the ritual service and a clock;
    ``fetch`` downloads an attachment, ``upload_limit`` is a server's largest upload."""

    def __init__(
        self,
        repo: MemoryRepository,
        photos: PhotoStore,
        rituals: RitualService,
        clock: Clock,
        *,
        fetch: Fetch,
        upload_limit: Callable[[int], int],
    ) -> None:
        self.repo = repo
        self.photos = photos
        self.rituals = rituals
        self.clock = clock
        self.fetch = fetch
        self.upload_limit = upload_limit
        self.searches: OrderedDict[str, tuple[str, ...]] = OrderedDict()

    def ritual(self) -> RitualTemplate:
        return RitualTemplate(
            ON_THIS_DAY, "On this day", self.deliver_on_this_day, addable=False, will_post=self.will_post
        )

    async def will_post(self, couple: Couple, ritual: Ritual, when: datetime) -> bool:
        """Whether "on this day" has a memory to bring back at ``when`` (its local date)."""
        return bool(await self.repo.on_this_day(couple.guild_id, local_date(when, zone_info(ritual.zone))))

    async def welcome_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        """The welcome's line: how the book works, and when memories come back, in both times."""
        text = (
            "Keep moments with `/memory add`, or **Save as memory** on any message. When one of you "
            "adds a memory, the other gets a short message about it."
        )
        ritual = await self.rituals.repo.find_template(couple.guild_id, ON_THIS_DAY)
        if ritual is not None and not ritual.paused:
            text += (
                " On a memory's date in later years it comes back here, at "
                f"{both_times(couple, ritual_rule(ritual).next_after(now))}."
            )
        return [("📖 Your memory book", text)]

    def today(self, couple: Couple, partner: Partner) -> date:
        return today_for(couple, partner, self.clock.now())

    def entry(
        self,
        couple: Couple,
        partner: Partner,
        *,
        title: str | None,
        day: str | None,
        description: str | None,
        tags: str | None,
    ) -> Entry:
        """What the partner wrote, checked (a date like "yesterday" is read in their zone)."""
        return entry(self.today(couple, partner), title, day, description, tags)

    # -- writing -----------------------------------------------------------------------------------

    async def add(
        self, couple: Couple, partner: Partner, written: Entry, photos: Sequence[Incoming] = ()
    ) -> Memory:
        """A new memory; its photos are downloaded first, and any refused refuses it all."""
        kept, _ = await self.keep_photos(couple.guild_id, photos, strict=True)
        return await self.write(kept, couple, partner, written)

    async def start_draft(self, couple: Couple, partner: Partner, message: discord.Message) -> SaveForm:
        """Keep a message picked with "Save as memory" until its form comes back."""
        now = self.clock.now()
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
        return SaveForm(draft_id, title, day)

    async def draft(self, couple: Couple, user_id: int, draft_id: int) -> Draft:
        draft = await self.repo.draft(draft_id)
        if draft is None or draft.guild_id != couple.guild_id or draft.user_id != user_id:
            raise UserError(
                "This form has expired (or was already saved). Use **Save as memory** on the message again."
            )
        return draft

    async def save_draft(
        self, couple: Couple, partner: Partner, draft: Draft, written: Entry
    ) -> tuple[Memory, list[str]]:
        """The saved message as a memory with its images, and notes on what was left out."""
        incoming = [Incoming(a.url, a.filename, a.content_type, a.size) for a in draft.attachments]
        images = [i for i in incoming if self.photos.is_image(i)]
        others = [i for i in incoming if not self.photos.is_image(i)]
        kept, problems = await self.keep_photos(couple.guild_id, images[:PHOTOS_LIMIT], strict=False)
        memory = await self.write(kept, couple, partner, written, draft)
        notes = list(problems)
        if others:
            names = ", ".join(f"`{safe_filename(o.filename)}`" for o in others[:3])
            notes.append(
                f"Only images are kept with a memory, so {names} {'was' if len(others) == 1 else 'were'} left out."
            )
        if len(images) > PHOTOS_LIMIT:
            notes.append(f"A memory keeps up to {PHOTOS_LIMIT} photos; the first {PHOTOS_LIMIT} were kept.")
        return memory, notes

    async def edit(self, couple: Couple, partner: Partner, memory_id: int, written: Entry) -> Memory:
        memory = await self.repo.update(
            memory_id,
            couple.guild_id,
            title=written.title,
            happened_on=written.happened_on,
            description=written.description,
            tags=written.tags,
            by=partner.user_id,
            now=self.clock.now(),
        )
        if memory is None:
            raise UserError(f"Memory #{memory_id} was deleted meanwhile, so there was nothing to change.")
        return memory

    async def delete(self, guild_id: int, memory_id: int) -> Memory | None:
        """Delete a memory and its photo files; None when it was already gone."""
        memory = await self.repo.delete(memory_id, guild_id)
        if memory is not None:
            await self.photos.delete(p.path for p in memory.photos)
        return memory

    async def keep_photos(
        self, guild_id: int, incoming: Sequence[Incoming], *, strict: bool
    ) -> tuple[list[PhotoFile], list[str]]:
        """Download and keep images; ``strict``: a failure refuses everything (and keeps nothing)."""
        kept: list[PhotoFile] = []
        problems: list[str] = []
        for item in incoming:
            try:
                kept.append(await self.photos.download(item, guild_id, self.fetch))
            except PhotoRefused as error:
                if strict:
                    await self.photos.delete(p.path for p in kept)
                    raise
                problems.append(error.message)
        return kept, problems

    async def write(
        self,
        photos: Sequence[PhotoFile],
        couple: Couple,
        partner: Partner,
        written: Entry,
        draft: Draft | None = None,
    ) -> Memory:
        """Write a memory whose photos are already on disk; if writing fails, remove them."""
        try:
            return await self.repo.add(
                guild_id=couple.guild_id,
                author_id=partner.user_id,
                title=written.title,
                happened_on=written.happened_on,
                description=written.description,
                tags=written.tags,
                quote=draft.quote if draft else "",
                source=(draft.channel_id, draft.message_id, draft.source_author_id) if draft else None,
                photos=photos,
                draft_id=draft.id if draft else None,
                now=self.clock.now(),
            )
        except BaseException:
            await self.photos.delete(p.path for p in photos)
            raise

    # -- reading -----------------------------------------------------------------------------------

    async def owned(self, couple: Couple, memory_id: int) -> Memory:
        memory = await self.repo.get(memory_id, couple.guild_id)
        if memory is None:
            raise UserError(
                f"There's no memory #{memory_id} in your book. `/memory list` or `/memory search` finds yours."
            )
        return memory

    async def random(self, guild_id: int) -> Memory:
        memory = await self.repo.random(guild_id)
        if memory is None:
            raise UserError("Your memory book is empty. Add the first memory with `/memory add`.")
        return memory

    async def page(self, guild_id: int, page: int) -> tuple[list[Memory], int, int, int]:
        """A page of the book: its memories, how many there are, the page (clamped), the pages."""
        total = await self.repo.count(guild_id)
        page, pages = clamp_page(page, total, PER_PAGE)
        memories = await self.repo.page(guild_id, offset=page * PER_PAGE, limit=PER_PAGE) if total else []
        return memories, total, page, pages

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

    async def search(self, guild_id: int, page: int, key: str) -> tuple[SearchPage, int, int]:
        """A page of a search (by its :meth:`search_key`): the matches, the page, the pages."""
        if key.startswith("#"):
            terms = self.searches.get(key)
            if terms is None:
                raise UserError("This search has expired. Run `/memory search` again.")
        else:
            terms = tuple(key.split())
        result = await self.repo.search(guild_id, terms, offset=max(page, 0) * PER_PAGE, limit=PER_PAGE)
        clamped, pages = clamp_page(page, result.total, PER_PAGE)
        if result.total and clamped != page:  # the book changed since the buttons were made
            result = await self.repo.search(guild_id, terms, offset=clamped * PER_PAGE, limit=PER_PAGE)
        return result, clamped, pages

    # -- on this day -----------------------------------------------------------------------------

    async def on_paired(self, couple: Couple) -> None:
        await self.rituals.ensure_builtin(
            couple,
            ON_THIS_DAY,
            weekdays=ALL_DAYS,
            at=ON_THIS_DAY_AT,
            zone=couple.first.home_zone or "UTC",
        )

    async def on_question_time(self, couple: Couple, at: time, zone_key: str) -> None:
        """The memories come back at the daily question's time."""
        ritual = await self.rituals.repo.find_template(couple.guild_id, ON_THIS_DAY)
        if ritual is None:
            await self.rituals.ensure_builtin(couple, ON_THIS_DAY, weekdays=ALL_DAYS, at=at, zone=zone_key)
            return
        if (ritual.local_time, ritual.zone) != (at, zone_key):
            await self.rituals.update(couple, ritual, at=at, zone=zone_key)

    async def deliver_on_this_day(self, occurrence: Occurrence, ritual: Ritual) -> Sent | None:
        couple = occurrence.couple
        assert couple is not None
        today = local_date(occurrence.scheduled_at, occurrence.zone)
        memories = await self.repo.on_this_day(couple.guild_id, today)
        if not memories:
            return None
        shown = memories[:ON_THIS_DAY_MOST]
        limit = self.upload_limit(couple.guild_id)
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
                posted=True,
            )
            cards.append((embeds, attached.files))
        intro = on_this_day_intro(len(shown), len(memories))
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
