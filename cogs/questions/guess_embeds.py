"""What the guessing game looks like: the guess day's post, the reveal, the replies and the "how
well you know each other" score. Pure builders, no I/O."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.db.models import Couple
from bot.db.question_models import QuestionDay, Saved
from bot.db.repositories.guesses import Play, Score
from bot.timeutil import discord_timestamp
from bot.ui.embeds import clip, embed
from cogs.questions.bank import category_label
from cogs.questions.guess import FREQUENCY_WORDS, LETTERS, GuessQuestion, right_guesses

HOW_TO_PLAY = (
    "Press **Play**: pick your own answer, then guess {names}. Nothing of either of you shows "
    "until you've both played."
)


def option_line(options: Sequence[str], index: int) -> str:
    if 0 <= index < len(options):
        return f"{LETTERS[index]} {options[index]}"
    return "an option that no longer exists"


def options_text(options: Sequence[str]) -> str:
    return "\n".join(option_line(options, i) for i in range(len(options)))


def played_line(couple: Couple, played: frozenset[int]) -> str:
    """Who has played, never what."""
    return " · ".join(
        f"✅ {p.display_name} has played" if p.user_id in played else f"⏳ waiting for {p.display_name}"
        for p in couple.partners
    )


def shape_post(
    card: discord.Embed, couple: Couple, day: QuestionDay, guess: GuessQuestion | None
) -> discord.Embed:
    """The daily post's card (:func:`cogs.questions.embeds.post_embed`) made a guess day's: the
    options under the question, "played" for "answered", how to play."""
    if day.skipped:
        return card
    card.title = f"Day {day.day_number} · 🎯 A guessing game · {category_label(day.category)}"
    if guess is not None:
        card.description = f"{card.description}\n\n{options_text(guess.options)}"
    names = " and ".join(p.display_name for p in couple.partners)
    for index, field in enumerate(card.fields):
        if field.name == "Answers":
            value = (field.value or "").replace("has answered", "has played").replace("answered", "played")
            if day.revealed:
                where = f" in <#{day.thread_id}>" if day.thread_id else " below"
                value = f"🎯 You've both played: the guesses are revealed{where}."
            card.set_field_at(index, name="Guesses", value=value, inline=False)
    if day.open:
        others = "what the other picked"
        card.insert_field_at(0, name="How to play", value=HOW_TO_PLAY.format(names=others), inline=False)
    after = "picks stay hidden until you've both played"
    if day.closed:
        after = "this game's day is over"
    elif day.revealed:
        after = "played together"
    card.set_footer(text=f"Guessing game for {names} · {after}")
    return card


def shape_dm(card: discord.Embed, day: QuestionDay, guess: GuessQuestion | None) -> discord.Embed:
    """A partner's DM copy or evening nudge of a guess day: the options, and Play for Answer."""
    if guess is not None:
        card.description = f"{card.description}\n\n{options_text(guess.options)}"
    card.title = f"🎯 {card.title}"
    for index, field in enumerate(card.fields):
        value = (field.value or "").replace("Answer here", "Play here").replace("your answer", "your pick")
        card.set_field_at(index, name=field.name, value=value, inline=False)
    return card


def verdict(couple: Couple, right: dict[int, bool]) -> str:
    """The warm words under a reveal: both right, one right, or none."""
    hits = [p for p in couple.partners if right.get(p.user_id)]
    if len(hits) == len(couple.partners):
        return "💞 You both guessed right: you really know each other."
    if hits:
        missed = couple.other(hits[0].user_id).display_name
        return (
            f"🎯 {hits[0].display_name} guessed right, and {missed} learned something new about "
            f"{hits[0].display_name} today."
        )
    return "🌱 Neither of you guessed it this time: two new things to know about each other."


def guess_lines(
    couple: Couple, guess: GuessQuestion | None, plays: Sequence[Play]
) -> tuple[list[tuple[str, str]], str]:
    """One field per partner (their pick, and the other's guess of it), and the verdict."""
    options = guess.options if guess is not None else ()
    by = {p.user_id: p for p in plays}
    right = right_guesses({u: p.pick for u, p in by.items()}, {u: p.guess for u, p in by.items()})
    fields: list[tuple[str, str]] = []
    for partner in couple.partners:
        mine = by.get(partner.user_id)
        other = couple.other(partner.user_id)
        theirs = by.get(other.user_id)
        if mine is None:
            continue
        text = f"picked **{option_line(options, mine.pick)}**"
        if theirs is not None:
            mark = "✅ right!" if right.get(other.user_id) else "❌ not this time"
            text += f"\n{other.display_name} guessed {option_line(options, theirs.guess)}: {mark}"
        fields.append((partner.display_name, text))
    return fields, verdict(couple, right)


def reveal_card(
    couple: Couple, day: QuestionDay, guess: GuessQuestion | None, plays: Sequence[Play]
) -> discord.Embed:
    """The reveal: both picks, both guesses, who guessed right."""
    fields, words = guess_lines(couple, guess, plays)
    card = embed(f"Day {day.day_number} · the guesses are in 🎯", f"**{day.question}**\n\n{words}")
    for name, text in fields:
        card.add_field(name=clip(name, 256), value=clip(text, 1024), inline=False)
    return card


def history_guess_card(
    couple: Couple, day: QuestionDay, guess: GuessQuestion | None, plays: Sequence[Play]
) -> discord.Embed:
    """A revealed guess day in /question history."""
    fields, words = guess_lines(couple, guess, plays)
    text = f"**{day.question}**"
    if day.revealed_at is not None:
        text += f"\n-# Revealed {discord_timestamp(day.revealed_at, 'D')}"
    card = embed(f"Day {day.day_number} · 🎯 {category_label(day.category)}", f"{text}\n\n{words}")
    for name, value in fields:
        card.add_field(name=clip(name, 256), value=clip(value, 1024), inline=False)
    return card


def score_text(couple: Couple, score: Score) -> str:
    """ "How well you know each other": right guesses out of guesses, by category and by partner."""
    right, made = score.total
    if not made:
        return "No guessing game played together yet: guess days come with the daily question."
    lines = [f"**{right} of {made}** guesses right"]
    for partner in couple.partners:
        mine = score.by_user.get(partner.user_id)
        if mine:
            lines[0] += f" · {partner.display_name} {mine[0]}/{mine[1]}"
    for category, (hits, count) in sorted(score.by_category.items(), key=lambda kv: (-kv[1][1], kv[0])):
        lines.append(f"{category_label(category)}: {hits}/{count}")
    return clip("\n".join(lines), 1024)


def add_score(card: discord.Embed, couple: Couple, score: Score) -> discord.Embed:
    card.add_field(name="🎯 How well you know each other", value=score_text(couple, score), inline=False)
    return card


NOT_PLAYED = {
    "locked": "You've both played this one and the guesses are revealed, so they're locked.",
    "skipped": "This question was skipped, so your play wasn't saved.",
    "closed": "This game's day is over, so your play wasn't saved.",
    "missing": "This question no longer exists, so your play wasn't saved.",
}


def played_reply(saved: Saved, other: str, options: Sequence[str], pick: int, guess: int) -> str:
    mine = f"You picked {option_line(options, pick)} and guessed {option_line(options, guess)} for {other}."
    if saved.revealed:
        return f"Saved 🎯 {mine} You've both played: the guesses are revealed in a thread on the question."
    if saved.state == "replaced":
        return f"Updated 🎯 {mine} It stays hidden until {other} plays too."
    return f"Saved 🎯 {mine} Only you can see it until {other} plays too; press **Play** again to change it."


def frequency_reply(frequency: str) -> str:
    if frequency == "never":
        return "Guess questions are off: every daily question is a question to answer in your own words."
    return (
        f"Guess questions come {FREQUENCY_WORDS[frequency]} (in the daily question's time zone): that day's "
        "question is a little game, where you each pick your own answer and guess the other's."
    )
