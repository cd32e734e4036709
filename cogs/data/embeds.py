"""What /data says: counts as words, the replies to an export and an import, and the questions
before a deletion. Pure text (no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.archive import Part
from bot.archive.values import VERSION
from bot.db.models import Couple
from bot.db.repositories.data import Kept, Tally
from bot.photos import format_size
from bot.timeutil import discord_timestamp

# How each count reads: (one, many).
NOUNS: dict[str, tuple[str, str]] = {
    "question_days": ("question day", "question days"),
    "answers": ("answer", "answers"),
    "own_questions": ("question you added", "questions you added"),
    "checkins": ("check-in", "check-ins"),
    "appreciations": ("note of appreciation", "notes of appreciation"),
    "wins": ("win", "wins"),
    "goodnights": ("goodnight note", "goodnight notes"),
    "gestures": ("gesture", "gestures"),
    "ritual_answers": ("session or gratitude answer", "session or gratitude answers"),
    "call_replies": ("reply to a call", "replies to calls"),
    "memories": ("memory", "memories"),
    "photos": ("photo file", "photo files"),
    "rituals": ("ritual", "rituals"),
    "ritual_runs": ("ritual session", "ritual sessions"),
    "calls": ("call", "calls"),
    "visits": ("visit", "visits"),
    "dates": ("special date", "special dates"),
    "letters": ("letter", "letters"),
    "schedules": ("scheduled post", "scheduled posts"),
    "kept_spaces": ("space kept for you", "spaces kept for you"),
    "couples": ("space", "spaces"),
}
SPACE_NOUNS = {**NOUNS, "own_questions": ("question of your own", "questions of your own")}

# What an import's reply lists, in this order (the parts' other counts are left out).
RESTORED = (
    "question_days",
    "answers",
    "checkins",
    "memories",
    "photos",
    "appreciations",
    "wins",
    "goodnights",
    "rituals",
    "calls",
    "visits",
    "dates",
    "letters",
)


def amount(count: int, key: str, nouns: dict[str, tuple[str, str]] = NOUNS) -> str:
    one, many = nouns.get(key, (key, key))
    return f"{count:,} {one if count == 1 else many}"


def listing(tally: Tally | Iterable[tuple[str, int]], nouns: dict[str, tuple[str, str]] = NOUNS) -> str:
    """ "12 answers, 3 memories and 4 photo files" (zero counts left out), or "nothing"."""
    items = tally.items if isinstance(tally, Tally) else tuple(tally)
    parts = [amount(n, key, nouns) for key, n in items if n]
    if not parts:
        return "nothing"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# -- /data export ------------------------------------------------------------------------------------


def export_reply(parts: Sequence[Part], limit: int, notes: Sequence[str], *, by_dm: bool) -> str:
    if len(parts) <= 3:
        names = ", ".join(f"`{p.filename}` ({format_size(len(p.data))})" for p in parts)
    else:
        total = format_size(sum(len(p.data) for p in parts))
        names = f"`{parts[0].filename}` … `{parts[-1].filename}` ({len(parts)} files, {total} in all)"
    lines = [
        ("📦 Sent to your DMs: " if by_dm else "📦 Your DMs are closed, so here it is (only you see this): ")
        + names
        + "."
    ]
    lines.append(
        "Inside: `closer-export.json` (everything you can see in Closer: the format is documented with "
        f"Closer, version {VERSION}) and `memory-book.md`, your memory book with its photos."
    )
    if len(parts) > 1:
        lines.append(
            f"It's larger than Discord lets me send at once ({format_size(limit)} here), so it's split into "
            f"{len(parts)} parts, each under that: unzip them into one folder and the memory book's photos "
            "show. To bring it to another server, run `/data import` with part 1, then with each other part."
        )
    return "\n".join([*lines, *notes])


def left_out_note(left_out: int, limit: int) -> str:
    return (
        f"{amount(left_out, 'photos')} larger than Discord lets me send here "
        f"({format_size(limit)}) {'is' if left_out == 1 else 'are'} not in it "
        "(the JSON still lists them; Closer keeps them)."
    )


def missing_note(missing: int) -> str:
    return f"{amount(missing, 'photos')} missing on Closer's disk could not be included."


# -- /data import ------------------------------------------------------------------------------------


def import_reply(
    exported_at: str, counts: Sequence[tuple[str, int]], channel_mention: str, waiting: int, refused: int
) -> str:
    totals: dict[str, int] = {}
    for key, n in counts:
        totals[key] = totals.get(key, 0) + n
    lines = [
        f"✅ Restored your space from the export of {exported_at[:10]}: "
        + listing([(k, totals.get(k, 0)) for k in RESTORED])
        + ".",
        f"Closer posts in {channel_mention}; your rituals, question time, check-ins, calls and dates run again here.",
    ]
    if waiting:
        lines.append(
            f"{amount(waiting, 'photos')} {'is' if waiting == 1 else 'are'} not in this file: run `/data import` "
            "with each other part of the export to add them."
        )
    if refused:
        lines.append(
            f"{amount(refused, 'photos')} in the file didn't match what the export says (damaged or "
            f"changed), so {'it was' if refused == 1 else 'they were'} left out."
        )
    return "\n".join(lines)


def files_added_reply(added: int, left: int) -> str:
    text = f"🖼️ Added {amount(added, 'photos')} to your memories."
    if left:
        text += f" {amount(left, 'photos')} still {'waits' if left == 1 else 'wait'} for another part of the export."
    else:
        text += " Every photo of your memory book is here now."
    return text


# -- /data delete ------------------------------------------------------------------------------------


def mine_question(couple: Couple, user_id: int, mine: Tally, theirs: Tally, kept: Sequence[Kept]) -> str:
    other = couple.other(user_id)
    lines = [
        "**Delete your data and unpair?**",
        f"This deletes what you wrote here: {listing(mine)}. Your check-in sharing and love languages go too.",
        f"It also **unpairs you and {other.display_name}**: Closer stops posting in this server, and the "
        "server can be paired again.",
        f"**Kept for {other.display_name}**, for 30 days and then deleted: {other.display_name}'s own "
        f"entries ({listing(theirs)}) and what you set up together (questions, rituals, calls, dates), "
        f"so {other.display_name} can still download them with `/data export` here. Nothing of "
        f"{other.display_name}'s is deleted now.",
    ]
    if kept:
        lines.append(f"The {amount(len(kept), 'kept_spaces')} here from an earlier space go too.")
    lines.append("This can't be undone: `/data export` first if you want a copy.")
    return "\n".join(lines)


def space_question(couple: Couple, tally: Tally, kept: Sequence[Kept]) -> str:
    names = " and ".join(p.display_name for p in couple.partners)
    lines = [
        "**Delete everything of this space?**",
        f"For both of you ({names}): {listing(tally, SPACE_NOUNS)}, with your check-in settings and "
        "love languages. Closer stops posting in this server, and the server can be paired again.",
    ]
    if kept:
        lines.append(f"The {amount(len(kept), 'kept_spaces')} here from an earlier space go too.")
    lines.append("This can't be undone: `/data export` first if you want a copy.")
    return "\n".join(lines)


def kept_question(kept: Sequence[Kept], until: datetime) -> str:
    return (
        "**Delete the entries kept for you here?**\n"
        f"Your partner unpaired, so your own entries from that space were kept until "
        f"{discord_timestamp(until, 'D')}. This deletes them now ({amount(len(kept), 'kept_spaces')}). "
        "This can't be undone: `/data export` first if you want a copy."
    )


def partner_told(couple: Couple, user_id: int, guild_name: str | None, until: datetime) -> str:
    """What the other partner is told after "delete mine" (DM, or the channel with DMs closed)."""
    me = couple.partner(user_id)
    where = f" in **{guild_name}**" if guild_name else ""
    return (
        f"{me.display_name if me else 'Your partner'} deleted their data in Closer and unpaired your "
        f"space{where}. Your own entries are kept for you until {discord_timestamp(until, 'D')}: "
        "download them with `/data export` in that server (or delete them now with `/data delete mine`)."
    )
