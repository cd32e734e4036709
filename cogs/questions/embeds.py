"""What the daily question's posts and replies look like: pure builders of embeds and text, no
I/O (the service gathers the facts, the cog and the deliveries send what these return)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import discord

from bot.db.models import Couple, Schedule
from bot.db.question_models import Answer, QuestionDay, QuestionSettings, Saved
from bot.timeutil import discord_timestamp, format_clock
from bot.ui.embeds import COLOUR, DESCRIPTION_LIMIT, MUTED, add_long_field, chunks, clip, embed
from cogs.questions.bank import CATEGORIES, OPT_IN, TIERS, category_label, category_name
from cogs.questions.rules import Remaining
from cogs.questions.streak import STREAK_RULES, Streak

NOTHING_ENABLED = (
    "Every question in your categories has been skipped, so there's nothing left to draw. "
    "Turn more on with `/question categories`, or add your own with `/question add`."
)


def name_of(couple: Couple, user_id: int | None) -> str:
    partner = couple.partner(user_id) if user_id is not None else None
    return partner.display_name if partner else "Someone"


def jump(couple: Couple, channel_id: int | None, message_id: int | None) -> str:
    """A link to a message: in the shared server, or in a DM when the post fell back there."""
    if channel_id is None or message_id is None:
        return "(not posted)"
    where = couple.guild_id if channel_id == couple.channel_id else "@me"
    return f"https://discord.com/channels/{where}/{channel_id}/{message_id}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


CARE_LINE = "🤍 A tender one: share only what you want."
KEPT = "Anything already written is kept for whoever wrote it."


def question_text(day: QuestionDay, care: bool) -> str:
    """The question in bold, with "share only what you want" under a tender one."""
    return f"**{day.question}**" + (f"\n-# {CARE_LINE}" if care else "")


# ---------------------------------------------------------------------------------------------
# The posts
# ---------------------------------------------------------------------------------------------


def answered_line(couple: Couple, answered: frozenset[int]) -> str:
    """Who has answered, never what."""
    parts = [
        f"✅ {p.display_name} has answered" if p.user_id in answered else f"⏳ waiting for {p.display_name}"
        for p in couple.partners
    ]
    return " · ".join(parts)


def closed_line(couple: Couple, answered: frozenset[int]) -> str:
    """A closed day's answers line: who didn't answer, kindly; an answer stays with its writer."""
    missing = [p.display_name for p in couple.partners if p.user_id not in answered]
    if len(missing) == len(couple.partners):
        return "🌙 No answers this time."
    wrote = [p.display_name for p in couple.partners if p.user_id in answered]
    return f"🌙 {' and '.join(missing)} didn't answer this one; {wrote[0]}'s answer stays private."


def post_embed(
    couple: Couple,
    day: QuestionDay,
    answered: frozenset[int],
    sections: Sequence[tuple[str, str]] = (),
    earlier: QuestionDay | None = None,
    *,
    care: bool = False,
    never: bool = False,
) -> discord.Embed:
    """The daily post: question, category, day number, who has answered, other features' lines.
    Skipped: never by whom (``never``: "Never ask this"); closed: who didn't answer, no blame."""
    if day.skipped:
        title, note = (
            ("set aside", "This one won't be asked again.")
            if never
            else ("skipped for today", "This one may come back another day.")
        )
        card = embed(f"Day {day.day_number} · {title}", f"~~{day.question}~~", colour=MUTED)
        card.add_field(name="Skipped", value=f"A new question took its place. {note} {KEPT}", inline=False)
        return card
    card = embed(
        f"Day {day.day_number} · {category_label(day.category)}",
        question_text(day, care),
        colour=MUTED if day.closed else COLOUR,
    )
    if earlier is not None:
        card.add_field(
            name="🔁 Then and now",
            value=f"You answered this on Day {earlier.day_number} ({long_date(earlier.local_date)}). Once "
            "you've both answered, your earlier answers show beside the new ones.",
            inline=False,
        )
    if day.new_round:
        card.add_field(
            name="🔄 Starting over",
            value=f"You've had every question in your categories, so they start again (round {day.round}). "
            "Add your own with `/question add`, or choose others with `/question categories`.",
            inline=False,
        )
    if day.revealed:
        where = f" in <#{day.thread_id}>" if day.thread_id else " below"
        card.add_field(
            name="Answers", value=f"💞 You've both answered: they're revealed{where}.", inline=False
        )
    elif day.closed:
        card.add_field(name="Answers", value=closed_line(couple, answered), inline=False)
    else:
        card.add_field(name="Answers", value=answered_line(couple, answered), inline=False)
    for title, text in list(sections)[:20]:
        card.add_field(name=clip(title or "-", 256), value=clip(text or "-", 1024), inline=False)
    depth = (
        "Your own question"
        if day.question_id.startswith("own-")
        else f"{TIERS[day.tier].capitalize()} question"
    )
    after = "answers stay hidden until you've both answered"
    if day.closed:
        after = "this question's day is over"
    elif day.revealed:
        after = "answered together"
    card.set_footer(text=f"{depth} · {after}")
    return card


def dm_embed(couple: Couple, day: QuestionDay, care: bool = False) -> discord.Embed:
    card = embed(f"Today's question · Day {day.day_number}", question_text(day, care))
    card.add_field(
        name=category_label(day.category),
        value=f"Answer here or on the post in <#{couple.channel_id}>. Only you see your answer until "
        "you've both answered.",
        inline=False,
    )
    return card


def nudge_embed(
    couple: Couple, day: QuestionDay, user_id: int, answered: frozenset[int], care: bool = False
) -> discord.Embed:
    """The evening nudge, alone or inside another DM (the check-in ask)."""
    other = couple.other(user_id)
    card = embed(f"💭 A gentle nudge · Day {day.day_number}", question_text(day, care))
    if other.user_id in answered:
        note = f"{other.display_name} has answered already: you'll see each other's answers once yours is in."
    else:
        note = "Neither of you has answered yet: whoever goes first, the answers show when you both have."
    card.add_field(name="Whenever you're ready", value=note, inline=False)
    return card


def answer_cards(title: str, text: str, colour: discord.Colour = COLOUR) -> list[discord.Embed]:
    """An answer in full: one embed, or several when it is longer than a description."""
    return [
        embed(title if index == 0 else f"{title} (cont.)", piece, colour=colour)
        for index, piece in enumerate(chunks(text, DESCRIPTION_LIMIT))
    ]


def reveal_embeds(
    couple: Couple,
    day: QuestionDay,
    answers: Sequence[Answer],
    earlier: QuestionDay | None = None,
    earlier_answers: Sequence[Answer] = (),
) -> list[discord.Embed]:
    """Both answers in full (and, for then and now, the earlier ones beside them)."""
    cards = [embed(f"Day {day.day_number} · you both answered 💞", f"**{day.question}**")]
    now_by = {a.user_id: a for a in answers}
    then_by = {a.user_id: a for a in earlier_answers}
    for partner in couple.partners:
        mine = now_by.get(partner.user_id)
        if mine is None:
            continue
        before = then_by.get(partner.user_id)
        if earlier is not None and before is not None:
            cards += answer_cards(
                f"{partner.display_name} · then (Day {earlier.day_number}, {long_date(earlier.local_date)})",
                before.answer,
                colour=MUTED,
            )
            cards += answer_cards(f"{partner.display_name} · now", mine.answer)
        else:
            cards += answer_cards(partner.display_name, mine.answer)
    return cards


# ---------------------------------------------------------------------------------------------
# Replies and cards
# ---------------------------------------------------------------------------------------------

NOT_SAVED = {
    "locked": "You've both answered this one and the answers are revealed, so they're locked.",
    "skipped": "This question was skipped, so your answer wasn't saved.",
    "closed": "This question's day is over, so your answer wasn't saved.",
    "missing": "This question no longer exists, so your answer wasn't saved.",
}


def saved_reply(saved: Saved, other: str) -> str:
    """What a partner is told once their answer is saved."""
    if saved.revealed:
        return "Saved ✍️ You've both answered: your answers are revealed in a thread on the question."
    if saved.state == "replaced":
        return (
            f"Updated ✍️ Your new answer replaces the earlier one. It stays hidden until {other} answers too."
        )
    return (
        f"Saved ✍️ Only you can see it until {other} answers too. You can change it until then: "
        "press **Answer** again."
    )


def skip_prompt(couple: Couple, day: QuestionDay, answered: frozenset[int], user_id: int) -> str:
    """The two ways to skip, what each does, and what happens to answers already written."""
    text = (
        f"Skip **{day.question}**?\n"
        "• **Not today**: a new question now. This one may come back in a few weeks, or on a call "
        "night as something to talk about.\n"
        "• **Never ask this**: it's gone for good, call nights included.\n"
        "The channel only sees that it was skipped, never by whom."
    )
    if user_id in answered:
        text += "\nYour answer is kept: it's filled in for you if this question comes back."
    for other in (name_of(couple, uid) for uid in sorted(answered) if uid != user_id):
        text += f"\n{other} answered it already: that answer is kept for {other}, never shown to you."
    return clip(text, 2000)


def skipped_reply(never: bool, had_answer: bool) -> str:
    """What the partner who skipped is told."""
    if never:
        text = "Done: this question won't be asked again, call nights included."
        if had_answer:
            text += " Your answer stays in your `/data export`."
        return text
    text = "Skipped for today: it may come back in a few weeks."
    if had_answer:
        text += " Your answer is kept, and filled in for you if it does."
    return text


def draw_card(settings: QuestionSettings, remaining: dict[str, Remaining], left: int) -> discord.Embed:
    """/question categories: what is drawn, and how many unasked questions each category has."""
    lines = []
    for key in CATEGORIES:
        mark = "✅" if key in settings.categories else "▫️"
        opt_in = " · off unless you turn it on" if key in OPT_IN and key not in settings.categories else ""
        lines.append(
            f"{mark} {category_label(key)}: **{remaining[key].unasked}** of {remaining[key].total} unasked{opt_in}"
        )
    card = embed(
        "What your daily question draws from",
        "Pick categories and depths below. Your own questions follow the categories.\n\n" + "\n".join(lines),
    )
    card.add_field(
        name="Depths",
        value=" · ".join(f"{'✅' if tier in settings.tiers else '▫️'} {name}" for tier, name in TIERS.items()),
        inline=False,
    )
    card.set_footer(
        text=f"{left} question{'s' if left != 1 else ''} to go before your categories start over."
    )
    return card


def draw_counts(remaining: dict[str, Remaining]) -> dict[str, str]:
    """Each category's "3 of 40 unasked", for the category select's options."""
    return {key: f"{remaining[key].unasked} of {remaining[key].total} unasked" for key in CATEGORIES}


def added_reply(cleaned: str, category: str, enabled: bool) -> str:
    reply = (
        f"Added to your questions ({category_label(category)}):\n> {cleaned}\n"
        "Your own questions are mixed in with the bank, the ones not asked yet first."
    )
    if not enabled:
        reply += (
            f"\n⚠️ {category_name(category)} is turned off, so it won't be drawn until you turn it on "
            "with `/question categories`."
        )
    return reply


def history_card(
    couple: Couple,
    day: QuestionDay | None,
    earlier: QuestionDay | None,
    answers: Sequence[Answer],
    streak: Streak,
    page: int,
    pages: int,
) -> discord.Embed:
    """One revealed question with both answers (``day`` None: none yet), and the streak."""
    if day is None:
        card = embed(
            "Your answers",
            "No revealed questions yet. Once you've both answered a question, it shows here, newest first.",
        )
    else:
        text = f"**{day.question}**"
        if day.revealed_at is not None:
            text += f"\n-# Revealed {discord_timestamp(day.revealed_at, 'D')}"
        if earlier is not None:
            text += f"\n🔁 Then and now: first answered on Day {earlier.day_number} ({long_date(earlier.local_date)})"
        card = embed(f"Day {day.day_number} · {category_label(day.category)}", text)
        by = {a.user_id: a for a in answers}
        for partner in couple.partners:
            if partner.user_id in by:
                add_long_field(card, partner.display_name, by[partner.user_id].answer)
    card.add_field(name=streak.line(), value=STREAK_RULES, inline=False)
    card.set_footer(text=f"Question {page + 1} of {pages} · newest first")
    return card


# -- other features' cards -------------------------------------------------------------------------


def status_text(
    couple: Couple, day: QuestionDay | None, answered: frozenset[int], post: Schedule | None, streak: Streak
) -> str:
    """/couple status: the current question day, who answered (never what), the next post."""
    lines = []
    if day is not None:
        head = f"Day {day.day_number} ({long_date(day.local_date)})"
        if day.revealed:
            lines.append(f"{head}: 💞 you've both answered")
        elif day.closed:
            lines.append(f"{head}: its day is over")
        elif day.posted_at is None:
            lines.append(f"{head}: not posted yet")
        else:
            lines.append(
                f"{head}, posted {discord_timestamp(day.posted_at, 'R')}: {answered_line(couple, answered)}"
            )
    if post is not None and post.fire_at is not None and post.local_time is not None:
        lines.append(
            f"Next question {discord_timestamp(post.fire_at, 'f')} "
            f"(daily at {format_clock(post.local_time)} `{post.zone}`)"
        )
    lines.append(streak.line())
    return "\n".join(lines)


def digest_line(together: int, streak: Streak) -> str:
    noun = "question" if together == 1 else "questions"
    return f"You answered {together} {noun} together this week. {streak.line()}"


def talking_points(
    couple: Couple,
    skipped: str | None,
    unasked: Sequence[str],
    latest: QuestionDay | None,
    answers: Sequence[Answer],
) -> list[tuple[str, str]]:
    """The call-night card: questions to talk about, and the latest answers to follow up on."""
    picks = [f"• {skipped} _(you saved it for another day)_"] if skipped is not None else []
    picks += [f"• {text} _(not asked yet)_" for text in unasked]
    sections: list[tuple[str, str]] = []
    if picks:
        sections.append(("Questions to talk about", "\n".join(picks)))
    if latest is not None:
        by = {a.user_id: a for a in answers}
        lines = [f"Day {latest.day_number}: **{clip(latest.question, 300)}**"]
        for partner in couple.partners:
            if partner.user_id in by:
                said = " ".join(by[partner.user_id].answer.split())
                lines.append(f"{partner.display_name}: “{clip(said, 200)}”")
        lines.append("-# Your answers in full: `/question history`")
        sections.append(("Follow up on your latest answers", clip("\n".join(lines), 1024)))
    return sections
