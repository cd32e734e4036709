"""The memory book's cards and texts: a memory, a page of the book or of a search, the
"on this day" headings (pure builders, no I/O)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import discord
from discord.utils import escape_markdown

from bot.db.models import Couple
from bot.db.repositories.memory_search import Memory, SearchPage
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
)


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


def photos_phrase(memory: Memory) -> str:
    """ " and its 2 photos" (nothing without photos), for the delete question and answer."""
    if not memory.photos:
        return ""
    return f" and its {len(memory.photos)} photo{'s' if len(memory.photos) > 1 else ''}"


def memory_embeds(
    memory: Memory,
    couple: Couple,
    today: date,
    *,
    heading: str | None = None,
    image: str | None = None,
    notes: Sequence[str] = (),
    posted: bool = False,
) -> list[discord.Embed]:
    """The memory as cards: the main one, then the saved message's text in full if it is long.

    ``posted``: Closer posts it on its own (on this day, news of a new memory), so the footer says
    how to open it again instead of naming its number."""
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
    footer = f"/memory show id:{memory.id} opens it again" if posted else f"Memory #{memory.id}"
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


def saved_line(memory: Memory) -> str:
    return f"✨ Saved to your memory book as #{memory.id}."


def saved_with_notes(memory: Memory, notes: Sequence[str]) -> str:
    """The answer to a saved message: the memory's number, then what could not be kept."""
    content = saved_line(memory)
    if notes:
        content += "\n" + "\n".join(f"• {clip(n, 300)}" for n in notes)
    return clip(content, 2000)


def choice_name(memory: Memory) -> str:
    """A memory in an id's autocomplete."""
    return clip(f"#{memory.id} {memory.title} · {memory.happened_on:%Y-%m-%d}", 100)


def book_card(memories: Sequence[Memory], total: int, page: int, pages: int) -> discord.Embed:
    """A page of ``/memory list``."""
    card = embed("📖 Your memory book")
    if total == 0:
        card.description = (
            "Your memory book is empty. Add the first memory with `/memory add`, or keep a message "
            "with **Save as memory** (open a message's menu → Apps)."
        )
    else:
        card.description = "\n".join(list_line(m) for m in memories)
    plural = "memory" if total == 1 else "memories"
    card.set_footer(text=f"Page {page + 1} of {pages} · {total} {plural} · /memory show opens one")
    return card


def search_card(result: SearchPage, page: int, pages: int) -> discord.Embed:
    """A page of ``/memory search``: the matches, each with the line around a word found."""
    words = clip(" ".join(result.terms), 80)
    card = embed(f"🔎 {words}")
    if result.total == 0:
        card.description = (
            f"Nothing found for **{escape_markdown(words)}**. Try other or fewer words, "
            "or browse everything with `/memory list`."
        )
        card.set_footer(text="Searches titles, descriptions, saved messages and tags")
        return card
    lines = []
    if not result.every_word:
        lines.append("_No memory has all of those words; these have some of them._\n")
    for memory in result.memories:
        line = list_line(memory)
        found = snippet(memory, result.terms)
        if found:
            line += f"\n> {found}"
        lines.append(line)
    card.description = clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT)
    count = f"{result.total:,}+" if result.capped else f"{result.total:,}"
    plural = "memory" if result.total == 1 else "memories"
    card.set_footer(text=f"Page {page + 1} of {pages} · {count} {plural} found, best first")
    return card


def on_this_day_intro(shown: int, total: int) -> str:
    intro = "🕰️ **On this day**"
    if total > shown:
        intro += f" (the first {shown} of {total} memories; `/memory list` has them all)"
    return intro
