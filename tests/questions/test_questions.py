"""/question through the emulator: posting, answering, the reveal, skipping, history, own questions
and categories. Scheduling, nudges and the streak: test_questions_schedule.py; privacy:
test_questions_privacy.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cogs.questions.bank import bank
from emulator import Fake
from tests.support import (
    NEXT_POST,
    Closer,
    People,
    answer,
    field_text,
    latest_post,
    post_now,
    question_of,
    question_posts,
    reveal_messages,
    reveal_text,
)

# -- posting -------------------------------------------------------------------------------------


async def test_question_now_posts_todays_question_with_answer_and_skip(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The post shows the question, its category, the day number and that nobody answered yet."""
    reply = await fake.slash(couple.alice, "question now")
    assert reply.ephemeral
    await fake.idle()
    post = latest_post(fake, couple)
    assert post.embed is not None
    assert post.embed["title"].startswith("Day 1 · ")
    assert question_of(post) in {q.text for q in bank()}
    assert post.buttons == ["Answer", "Skip"]
    assert "waiting for alice" in post.text
    assert "waiting for bob" in post.text
    assert post.channel_id == couple.channel.id


async def test_question_now_when_today_has_one_points_to_it(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A second /question now posts nothing and links today's question."""
    post = await post_now(fake, couple)
    again = await fake.slash(couple.bob, "question now")
    assert again.ephemeral
    assert "up already" in again.text
    assert str(post.id) in again.text
    assert len(question_posts(fake, couple)) == 1


# -- answering and the reveal ----------------------------------------------------------------------


async def test_an_answer_is_confirmed_privately_and_the_post_shows_who_answered(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice's answer is saved; the post says she answered, not what; Bob is still awaited."""
    post = await post_now(fake, couple)
    done = await answer(fake, post, couple.alice, "The night train to Vienna.")
    assert done.ephemeral
    assert "Only you can see it" in done.text
    assert "✅ alice has answered" in post.text
    assert "waiting for bob" in post.text
    assert "Vienna" not in post.text
    assert fake.threads(couple.channel) == []


async def test_when_both_answer_the_answers_are_revealed_once_in_a_thread(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """One thread on the post with both answers; the post is locked and points to it."""
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, "The night train to Vienna.")
    done = await answer(fake, post, couple.bob, "Our first call that lasted till sunrise.")
    assert "revealed" in done.text
    threads = fake.threads(couple.channel)
    assert len(threads) == 1
    text = reveal_text(fake, couple)
    assert "The night train to Vienna." in text
    assert "Our first call that lasted till sunrise." in text
    assert len(reveal_messages(fake, couple)) == 1
    assert post.buttons == []
    assert "You've both answered" in post.text
    await closer.run_due()
    assert len(reveal_messages(fake, couple)) == 1


async def test_answering_again_before_the_reveal_replaces_the_answer(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The form comes back filled with the first answer; the later one is what is revealed."""
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, "First thought.")
    form = await fake.click(post, "Answer", couple.alice)
    assert form.modal is not None
    assert form.modal.fields[0].value == "First thought."
    updated = await fake.submit_modal(form, {"Your answer": "Second, truer thought."}, couple.alice)
    assert "replaces the earlier one" in updated.text
    await answer(fake, post, couple.bob, "Bob's answer.")
    text = reveal_text(fake, couple)
    assert "Second, truer thought." in text
    assert "First thought." not in text


async def test_answers_are_locked_after_the_reveal(couple: People, fake: Fake, closer: Closer) -> None:
    """After the reveal there is no Answer button, and /question answer says it's done."""
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, "Alice's answer.")
    await answer(fake, post, couple.bob, "Bob's answer.")
    assert post.buttons == []
    again = await fake.slash(couple.alice, "question answer")
    assert again.ephemeral
    assert again.modal is None
    assert "both answered" in again.text


async def test_an_answer_sent_after_the_reveal_is_handed_back_not_lost(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice edits in an open form while Bob's answer completes the reveal: her edit comes back to her."""
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, "Alice's first answer.")
    editing = await fake.click(post, "Answer", couple.alice)
    await answer(fake, post, couple.bob, "Bob completes the pair.")
    late = await fake.submit_modal(editing, {"Your answer": "An edit that came too late."}, couple.alice)
    assert late.ephemeral
    assert "locked" in late.text
    assert "An edit that came too late." in late.text
    text = reveal_text(fake, couple)
    assert "Alice's first answer." in text
    assert "An edit that came too late." not in text


async def test_a_restart_between_the_two_answers_still_reveals_once(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice answers, Closer restarts, Bob answers on the same post: one reveal with both."""
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, "Before the restart.")
    await closer.restart()
    await answer(fake, post, couple.bob, "After the restart.")
    await closer.restart()
    await closer.run_due()
    assert len(fake.threads(couple.channel)) == 1
    assert len(reveal_messages(fake, couple)) == 1
    text = reveal_text(fake, couple)
    assert "Before the restart." in text
    assert "After the restart." in text


def long_answer(word: str) -> str:
    """Exactly 1,500 characters of words (so a split can only fall between words)."""
    text = " ".join(f"{word}{i}" for i in range(400))[:1499]
    return text.rstrip() + "." * (1500 - len(text.rstrip()))


async def test_answers_of_1500_characters_are_revealed_in_full(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Two answers at the limit: both shown whole, within Discord's limits (no violation)."""
    alice_text, bob_text = long_answer("sunrise"), long_answer("harbour")
    assert len(alice_text) == len(bob_text) == 1500
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, alice_text)
    await answer(fake, post, couple.bob, bob_text)
    descriptions = [e.get("description", "") for m in reveal_messages(fake, couple) for e in m.embeds]
    assert alice_text in descriptions
    assert bob_text in descriptions


async def test_history_shows_a_1500_character_answer_in_full_across_fields(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """An answer longer than one embed field is split across fields, never cut."""
    alice_text = long_answer("moonlight")
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, alice_text)
    await answer(fake, post, couple.bob, "Short and sweet.")
    history = await fake.slash(couple.bob, "question history")
    assert history.message is not None
    assert field_text(history.message, "alice") == alice_text
    assert "alice (cont.)" in history.text


async def test_an_empty_answer_is_refused_and_nothing_is_saved(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Only spaces: an ephemeral explanation, and the post still waits for Alice."""
    post = await post_now(fake, couple)
    done = await answer(fake, post, couple.alice, "    ")
    assert done.ephemeral
    assert "empty" in done.text
    assert "waiting for alice" in post.text


async def test_question_answer_opens_the_form_for_the_current_question(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """/question answer is the same as the Answer button: the question is in the form."""
    post = await post_now(fake, couple)
    form = await fake.slash(couple.bob, "question answer")
    assert form.modal is not None
    assert form.modal.title == "Day 1 · your answer"
    assert question_of(post) in str(form.modal.components)
    done = await fake.submit_modal(form, {"Your answer": "Via the command."}, couple.bob)
    assert "Only you can see it" in done.text


async def test_question_answer_before_any_question_explains_how_to_get_one(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """No question yet: the reply points to /question now."""
    reply = await fake.slash(couple.bob, "question answer")
    assert reply.ephemeral
    assert "/question now" in reply.text


# -- skipping ------------------------------------------------------------------------------------


async def test_skip_offers_two_choices_then_replaces_the_question(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Skip asks "Not today" or "Never ask this"; either way the old post says it was skipped
    (never by whom) and a new question takes its place. (It used to veto at once, naming bob.)"""
    post = await post_now(fake, couple)
    vetoed = question_of(post)
    ask = await fake.click(post, "Skip", couple.bob)
    assert ask.ephemeral
    assert ask.buttons == ["Not today", "Never ask this", "Keep it"]
    assert post.buttons == ["Answer", "Skip"]
    done = await fake.click(ask, "Not today", couple.bob)
    await fake.idle()
    assert "may come back" in done.text
    assert post.embed is not None
    assert post.embed["title"] == "Day 1 · skipped for today"
    assert post.buttons == []
    assert "bob" not in post.text
    fresh = latest_post(fake, couple)
    assert fresh.id != post.id
    assert fresh.embed is not None
    assert fresh.embed["title"].startswith("Day 1 · ")
    assert question_of(fresh) != vetoed
    assert fresh.buttons == ["Answer", "Skip"]


async def test_keeping_a_question_changes_nothing(couple: People, fake: Fake, closer: Closer) -> None:
    """Keep it keeps the question."""
    post = await post_now(fake, couple)
    ask = await fake.slash(couple.alice, "question skip")
    cancelled = await fake.click(ask, "Keep it", couple.alice)
    assert "Nothing was changed" in cancelled.text
    assert question_posts(fake, couple) == [post]
    assert post.buttons == ["Answer", "Skip"]


async def test_skipping_a_revealed_question_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    """Once both answered, the question can't be skipped."""
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, "Alice's answer.")
    await answer(fake, post, couple.bob, "Bob's answer.")
    reply = await fake.slash(couple.alice, "question skip")
    assert reply.ephemeral
    assert "locked" in reply.text
    assert len(question_posts(fake, couple)) == 1


async def test_with_every_question_vetoed_closer_says_what_to_do(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Only fun and light questions, all skipped: /question now and the daily post explain instead."""
    card = await fake.slash(couple.alice, "question categories")
    card = await fake.select(card, "Categories to draw from", ["fun"], couple.alice)
    await fake.select(card, "Depths to draw from", ["1"], couple.alice)
    assert closer.bot is not None
    async with closer.bot.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO question_vetoes (guild_id, question_id, question, category, vetoed_by, vetoed_at) "
            "VALUES (?, ?, ?, 'fun', ?, 0)",
            [
                (couple.guild.id, q.id, q.text, couple.alice.id)
                for q in bank()
                if q.category == "fun" and q.tier == 1
            ],
        )
    reply = await fake.slash(couple.alice, "question now")
    assert "/question categories" in reply.all_text
    await closer.at(NEXT_POST)
    assert question_posts(fake, couple) == []
    assert any("No question today" in m.text for m in fake.messages(couple.channel))


# -- history -------------------------------------------------------------------------------------


async def test_history_lists_revealed_questions_newest_first_with_pages(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Two revealed days: page 1 is the newer one, Next shows the older one."""
    first = await post_now(fake, couple)
    await answer(fake, first, couple.alice, "Alice on day one.")
    await answer(fake, first, couple.bob, "Bob on day one.")
    await closer.at(NEXT_POST + timedelta(days=1))
    second = latest_post(fake, couple)
    assert second.id != first.id
    await answer(fake, second, couple.alice, "Alice on day two.")
    await answer(fake, second, couple.bob, "Bob on day two.")

    page = await fake.slash(couple.alice, "question history")
    assert page.ephemeral
    assert "Day 2" in page.text
    assert "Alice on day two." in page.text
    assert "Question 1 of 2" in page.text
    assert page.buttons == ["Previous", "Next"]
    older = await fake.click(page, "Next", couple.alice)
    assert "Bob on day one." in older.text
    assert "Question 2 of 2" in older.text


async def test_history_before_any_reveal_says_so_and_shows_the_streak_rules(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """No revealed question yet: an explanation, the streak and its rules."""
    reply = await fake.slash(couple.alice, "question history")
    assert reply.ephemeral
    assert "No revealed questions yet" in reply.text
    assert "0 days in a row" in reply.text
    assert "grace day" in reply.text


# -- own questions -------------------------------------------------------------------------------


async def test_an_own_question_is_added_and_asked_next(couple: People, fake: Fake, closer: Closer) -> None:
    """The couple's new question is the next one drawn."""
    reply = await fake.slash(
        couple.bob, "question add", text="Which song should we slow dance to first?", category="fun"
    )
    assert reply.ephemeral
    assert "Added" in reply.text
    post = await post_now(fake, couple)
    assert question_of(post) == "Which song should we slow dance to first?"
    assert "Your own question" in post.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Why?", "a bit short"), (bank()[0].text.upper(), "in your bank already")],
)
async def test_adding_a_question_that_is_too_short_or_already_there_is_refused(
    couple: People, fake: Fake, closer: Closer, text: str, expected: str
) -> None:
    """Clear ephemeral errors; nothing is added."""
    reply = await fake.slash(couple.alice, "question add", text=text, category="dreams")
    assert reply.ephemeral
    assert expected in reply.text
    assert closer.bot is not None
    cog = closer.bot.get_cog("QuestionCog")
    assert await cog.repo.own_questions(couple.guild.id) == []  # type: ignore[union-attr]


async def test_adding_to_a_category_that_is_off_warns(couple: People, fake: Fake, closer: Closer) -> None:
    """The question is kept, with a note that its category isn't drawn."""
    pick = await fake.slash(couple.alice, "question categories")
    await fake.select(pick, "Categories to draw from", ["fun"], couple.alice)
    reply = await fake.slash(
        couple.alice, "question add", text="What do you hope we never stop doing?", category="values"
    )
    assert "Added" in reply.text
    assert "turned off" in reply.text


# -- categories and depths -----------------------------------------------------------------------


async def test_categories_show_unasked_counts_and_save_the_choice(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The card counts unasked questions; choosing fun only makes the next question a fun one."""
    await post_now(fake, couple)
    card = await fake.slash(couple.alice, "question categories")
    assert card.ephemeral
    assert "of 72 unasked" in card.text
    assert "863 questions to go" in card.text  # every category but the opt-in intimacy set
    updated = await fake.select(card, "Categories to draw from", ["fun"], couple.alice)
    assert "✅ 🎲 Fun and quirky" in updated.text
    assert "▫️ 🌠 Dreams and the future" in updated.text
    await closer.at(NEXT_POST + timedelta(days=1))
    post = latest_post(fake, couple)
    assert post.embed is not None
    assert "Fun and quirky" in post.embed["title"]


async def test_the_depth_choice_limits_the_draw(couple: People, fake: Fake, closer: Closer) -> None:
    """Choosing deep questions only makes today's question a deep one."""
    card = await fake.slash(couple.bob, "question categories")
    updated = await fake.select(card, "Depths to draw from", ["3"], couple.bob)
    assert "✅ deep" in updated.text
    assert "▫️ light" in updated.text
    post = await post_now(fake, couple)
    assert "Deep question" in post.text


# -- who may use it ------------------------------------------------------------------------------

COMMANDS = [
    ("question now", {}),
    ("question schedule", {"time": "08:00"}),
    ("question answer", {}),
    ("question add", {"text": "What made you smile today?", "category": "fun"}),
    ("question skip", {}),
    ("question history", {}),
    ("question categories", {}),
]


@pytest.mark.parametrize(("command", "options"), COMMANDS)
async def test_question_commands_refuse_everyone_else(
    couple: People, fake: Fake, closer: Closer, command: str, options: dict
) -> None:
    """A member who is not a partner, and anyone in a DM, gets an explanation; nothing is posted."""
    outsider = await fake.slash(couple.carol, command, options=options)
    assert outsider.ephemeral
    assert "Only the two partners" in outsider.text
    in_dm = await fake.slash(couple.alice, command, dm=True, options=options)
    assert in_dm.ephemeral
    assert "not in DMs" in in_dm.text
    assert question_posts(fake, couple) == []


@pytest.mark.parametrize(("command", "options"), COMMANDS)
async def test_question_commands_before_pairing_explain_how_to_start(
    closer: Closer, fake: Fake, people: People, command: str, options: dict
) -> None:
    """Before pairing, every /question command points to /couple setup."""
    reply = await fake.slash(people.alice, command, options=options)
    assert reply.ephemeral
    assert "/couple setup" in reply.text
