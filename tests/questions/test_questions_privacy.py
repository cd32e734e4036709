"""Privacy: before both answered, no path shows one partner's answer to the other; a non-partner
can neither answer nor read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.db.models import Couple
from bot.registry import Place
from emulator import Fake
from tests.support import Closer, People, answer, latest_post, post_now, reveal_text

SECRET = "pineapple-umbrella-7731"


def repo(closer: Closer) -> Any:
    assert closer.bot is not None
    return closer.bot.get_cog("QuestionCog").repo  # type: ignore[union-attr]


async def the_couple(closer: Closer, people: People) -> Couple:
    assert closer.bot is not None
    stored = await closer.bot.couples.get(people.guild.id)
    assert stored is not None
    return stored


async def test_before_both_answered_no_path_shows_an_answer_to_the_other(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Post, thread, history, status, forms, DMs, call card, digest and export: Alice's answer
    reaches Bob nowhere until he has answered too."""
    assert closer.bot is not None
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, f"My answer is {SECRET}.")
    await fake.slash(couple.bob, "question schedule", dm_me="08:30")

    seen: list[str] = [post.text]
    for command in ("question history", "couple status", "question categories", "question schedule"):
        seen.append((await fake.slash(couple.bob, command)).all_text)
    for form in (
        await fake.click(post, "Answer", couple.bob),
        await fake.slash(couple.bob, "question answer"),
    ):
        assert form.modal is not None
        assert form.modal.fields[0].value is None
        seen.append(str(form.modal.data))
    await closer.at(datetime(2026, 11, 24, 16, 30, tzinfo=UTC))  # Bob's morning DM
    await closer.at(datetime(2026, 11, 25, 4, 0, tzinfo=UTC))  # Bob's evening nudge
    assert any("gentle nudge" in m.text for m in fake.dms(couple.bob))
    seen += [m.text for m in fake.dms(couple.bob)]
    seen += [m.text for m in fake.messages(couple.channel)]
    assert fake.threads(couple.channel) == []
    stored = await the_couple(closer, couple)
    now = closer.clock.now()
    for place in Place:
        seen.append(str(await closer.bot.registry.sections(place, stored, now)))
    seen.append(str(await repo(closer).export(couple.guild.id, couple.bob.id)))
    assert all(SECRET not in text for text in seen)

    assert SECRET in str(await repo(closer).export(couple.guild.id, couple.alice.id))
    await answer(fake, post, couple.bob, "Now I can see it.")
    assert SECRET in reveal_text(fake, couple)


async def test_an_answer_to_a_skipped_question_is_never_revealed(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice answered, Bob skipped: her answer stays hers, even after the next reveal."""
    post = await post_now(fake, couple)
    await answer(fake, post, couple.alice, f"Answer to the skipped one: {SECRET}.")
    ask = await fake.click(post, "Skip", couple.bob)
    assert "alice answered it already" in ask.text
    await fake.click(ask, "Not today", couple.bob)
    await fake.idle()
    fresh = latest_post(fake, couple)
    await answer(fake, fresh, couple.alice, "Alice on the new one.")
    await answer(fake, fresh, couple.bob, "Bob on the new one.")
    history = await fake.slash(couple.bob, "question history")
    assert SECRET not in reveal_text(fake, couple)
    assert SECRET not in history.all_text
    assert SECRET not in str(await repo(closer).export(couple.guild.id, couple.bob.id))


async def test_a_member_who_is_not_a_partner_can_neither_answer_nor_read(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Carol can't open the form, skip, read the history, or submit a form opened by Alice."""
    post = await post_now(fake, couple)
    for label in ("Answer", "Skip"):
        refused = await fake.click(post, label, couple.carol)
        assert refused.ephemeral
        assert refused.modal is None
        assert "Only the two partners" in refused.text
    history = await fake.slash(couple.carol, "question history")
    assert "Only the two partners" in history.text
    form = await fake.click(post, "Answer", couple.alice)
    forged = await fake.submit_modal(form, {"Your answer": "Carol pretending."}, couple.carol)
    assert "Only the two partners" in forged.text
    assert "waiting for alice" in post.text
    assert await repo(closer).answered_by((await repo(closer).latest_day(couple.guild.id)).id) == frozenset()
