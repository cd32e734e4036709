"""The guessing game through the emulator: a guess day on its weekday, both partners play, the
reveal scores right (both right, one right, none), nothing shows before it, the score in
/question history, how often guess days come, and the errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cogs.questions.guess import guess_of
from emulator import Fake
from emulator.results import Msg
from emulator.state import User
from tests.support import NEXT_POST, Closer, People, answer, latest_post, question_posts, reveal_text

SATURDAY_POST = NEXT_POST + timedelta(days=4)  # Saturday 28 November, 18:00 in Berlin
WEDNESDAY_POST = NEXT_POST + timedelta(days=1)


def options_of(post: Msg) -> tuple[str, ...]:
    assert post.embed is not None
    assert "🎯" in post.embed["title"]
    question = post.embed["description"].split("\n")[0].strip("*")
    found = [q for q in guess_questions() if q.text == question]
    assert found, question
    return found[0].options


def guess_questions() -> tuple:
    from cogs.questions.guess import guesses

    return guesses()


async def guess_day(fake: Fake, couple: People, closer: Closer, at=SATURDAY_POST) -> Msg:
    await closer.at(at)
    post = latest_post(fake, couple)
    assert post.buttons == ["Play", "Skip"], post.buttons
    return post


async def play(fake: Fake, post: Msg, user: User, pick: int, guess: int, other: str) -> object:
    form = await fake.click(post, "Play", user)
    assert form.modal is not None, form.text
    done = await fake.submit_modal(
        form, {"My answer": [str(pick)], f"My guess for {other}": [str(guess)]}, user
    )
    await fake.idle()
    return done


async def answer_or_play(fake: Fake, post: Msg, user: User, text: str, other: str) -> object:
    """Answer a daily question, or play a guess day (picking the first option, guessing the second)."""
    if "Play" in post.buttons:
        return await play(fake, post, user, 0, 1, other=other)
    return await answer(fake, post, user, text)


async def test_a_guess_day_comes_on_saturday_by_default(couple: People, fake: Fake, closer: Closer) -> None:
    """Tuesday to Friday: the daily question; Saturday: a guess question with its options and Play."""
    for days in range(4):
        await closer.at(NEXT_POST + timedelta(days=days))
        assert latest_post(fake, couple).buttons == ["Answer", "Skip"]
    post = await guess_day(fake, couple, closer)
    options = options_of(post)
    assert all(option in post.text for option in options)
    assert "waiting for alice" in post.text
    assert "waiting for bob" in post.text
    assert len(question_posts(fake, couple)) == 5


@pytest.mark.parametrize(
    ("alice", "bob", "words", "alice_right", "bob_right"),
    [
        ((0, 1), (1, 0), "You both guessed right", True, True),
        ((0, 1), (1, 1), "alice guessed right", True, False),
        ((0, 0), (1, 1), "Neither of you guessed it", False, False),
    ],
)
async def test_both_play_and_the_reveal_says_who_guessed_right(
    couple: People,
    fake: Fake,
    closer: Closer,
    alice: tuple[int, int],
    bob: tuple[int, int],
    words: str,
    alice_right: bool,
    bob_right: bool,
) -> None:
    post = await guess_day(fake, couple, closer)
    options = options_of(post)
    first = await play(fake, post, couple.alice, *alice, other="bob")
    assert "Only you can see it until bob plays too" in first.text
    assert reveal_text(fake, couple) == ""
    done = await play(fake, post, couple.bob, *bob, other="alice")
    assert "revealed" in done.text
    text = reveal_text(fake, couple)
    assert words in text
    assert f"picked **🇦 {options[0]}**" in text  # alice's pick
    assert f"picked **🇧 {options[1]}**" in text  # bob's pick
    assert text.count("✅ right!") == alice_right + bob_right
    assert post.buttons == []
    assert "You've both played" in post.text
    await closer.run_due()
    assert len([m for t in fake.threads(couple.channel) for m in fake.messages(t)]) == 1


async def test_nothing_of_a_play_shows_before_the_reveal(couple: People, fake: Fake, closer: Closer) -> None:
    """Alice played: the post says so, never what; Bob's status, history, DMs and export hold
    nothing of it; her own export holds her play."""
    from tests.data.test_data_export import export_of

    post = await guess_day(fake, couple, closer)
    options = options_of(post)
    before = post.text
    await play(fake, post, couple.alice, 2 if len(options) > 2 else 1, 0, other="bob")
    assert "✅ alice has played" in post.text
    assert post.text.replace("✅ alice has played", "⏳ waiting for alice") == before
    status = await fake.slash(couple.bob, "couple status")
    history = await fake.slash(couple.bob, "question history")
    assert "alice" not in "".join(m.text for m in fake.dms(couple.bob) if "picked" in m.text)
    assert "picked" not in status.all_text
    assert "picked" not in history.all_text
    doc, _ = await export_of(fake, couple.bob)
    assert doc.guesses.days == []
    day = [d for d in doc.questions.days if d.question_id.startswith("guess-")]
    assert day
    assert day[0].answers == []
    mine, _ = await export_of(fake, couple.alice)
    assert [len(d.plays) for d in mine.guesses.days] == [1]
    assert mine.guesses.days[0].plays[0].user_id == str(couple.alice.id)


async def test_the_score_per_category_shows_in_history(couple: People, fake: Fake, closer: Closer) -> None:
    post = await guess_day(fake, couple, closer)
    day = await _day_of(closer, couple)
    await play(fake, post, couple.alice, 0, 1, other="bob")
    await play(fake, post, couple.bob, 1, 1, other="alice")
    history = await fake.slash(couple.alice, "question history")
    text = history.all_text
    assert "How well you know each other" in text
    assert "**1 of 2** guesses right" in text
    from cogs.questions.bank import category_label

    assert f"{category_label(day.category)}: 1/2" in text
    assert "alice 1/1" in text
    assert "bob 0/1" in text


async def _day_of(closer: Closer, couple: People):  # type: ignore[no-untyped-def]
    from tests.support import question_cog

    day = await question_cog(closer).repo.latest_day(couple.guild.id)
    assert day is not None
    assert guess_of(day.question_id) is not None
    return day


async def test_how_often_never_and_twice(couple: People, fake: Fake, closer: Closer) -> None:
    """Twice a week brings Wednesday's; never keeps Saturday a plain question."""
    reply = await fake.slash(couple.alice, "question categories", guesses="twice")
    assert "twice a week, on Wednesdays and Saturdays" in reply.text
    await closer.at(NEXT_POST)
    assert latest_post(fake, couple).buttons == ["Answer", "Skip"]  # Tuesday
    await guess_day(fake, couple, closer, WEDNESDAY_POST)
    reply = await fake.slash(couple.bob, "question categories", guesses="never")
    assert "Guess questions are off" in reply.text
    await closer.at(SATURDAY_POST)
    assert latest_post(fake, couple).buttons == ["Answer", "Skip"]
    card = await fake.slash(couple.bob, "question categories")
    assert "Never" in card.all_text


async def test_not_today_on_a_guess_day_brings_another_guess_and_none_repeats(
    couple: People, fake: Fake, closer: Closer
) -> None:
    post = await guess_day(fake, couple, closer)
    first = options_of(post)
    prompt = await fake.click(post, "Skip", couple.bob)
    await fake.click(prompt, "Not today", couple.bob)
    await fake.idle()
    fresh = latest_post(fake, couple)
    assert fresh.buttons == ["Play", "Skip"]
    assert options_of(fresh) != first or fresh.embed["description"] != post.embed["description"]  # type: ignore[index]


async def test_errors_bad_option_not_a_partner_and_after_the_reveal(
    couple: People, fake: Fake, closer: Closer
) -> None:
    post = await guess_day(fake, couple, closer)
    form = await fake.click(post, "Play", couple.alice)
    bad = await fake.submit_modal(form, {"My answer": ["7"], "My guess for bob": ["0"]}, couple.alice)
    assert bad.ephemeral
    assert "My answer" in bad.text
    assert "Nothing was saved" in bad.text
    carol = await fake.click(post, "Play", couple.carol)
    assert carol.ephemeral
    assert carol.modal is None
    assert "alice has played" not in post.text
    forged = await fake.submit_modal(form, {"My answer": ["0"], "My guess for bob": ["0"]}, couple.carol)
    assert forged.ephemeral
    assert "alice has played" not in post.text
    await play(fake, post, couple.alice, 0, 0, other="bob")
    await play(fake, post, couple.bob, 0, 0, other="alice")
    late = await fake.submit_modal(form, {"My answer": ["1"], "My guess for bob": ["1"]}, couple.alice)
    assert "locked" in late.text


async def test_the_score_survives_export_and_import(couple: People, fake: Fake, closer: Closer) -> None:
    from tests.data.test_data_export import export_of
    from tests.data.test_data_import import import_file, new_server

    post = await guess_day(fake, couple, closer)
    await play(fake, post, couple.alice, 0, 1, other="bob")
    await play(fake, post, couple.bob, 1, 1, other="alice")
    doc, files = await export_of(fake, couple.alice)
    assert len(doc.guesses.days[0].plays) == 2
    place = new_server(fake, couple)
    await fake.sync()
    from tests.data.archive import JSON_NAME

    reply = await import_file(fake, couple.alice, place, "closer-export.json", files[JSON_NAME])
    assert "Restored your space" in reply.text, reply.text
    history = await fake.slash(couple.alice, "question history", channel=place.channel("us"))
    assert "**1 of 2** guesses right" in history.all_text
    again, _ = await export_of(fake, couple.alice, channel=place.channel("us"))
    assert again.guesses == doc.guesses


async def plays_of(closer: Closer, user_id: int) -> int:
    assert closer.bot is not None
    return int(await closer.bot.db.fetchval("SELECT COUNT(*) FROM guess_plays WHERE user_id = ?", (user_id,)))


async def test_delete_mine_removes_my_plays_and_keeps_my_partners(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """/data delete mine: Alice's plays (and the answers they are) go; Bob's stay, kept for him."""
    post = await guess_day(fake, couple, closer)
    await play(fake, post, couple.alice, 0, 1, other="bob")
    await play(fake, post, couple.bob, 1, 0, other="alice")
    reply = await fake.slash(couple.alice, "data delete", scope="mine")
    await fake.click(reply, "Delete", couple.alice)
    assert "Deleted: 1 answer" in reply.text
    assert await plays_of(closer, couple.alice.id) == 0
    assert await plays_of(closer, couple.bob.id) == 1


async def test_delete_space_removes_every_play(couple: People, fake: Fake, closer: Closer) -> None:
    post = await guess_day(fake, couple, closer)
    await play(fake, post, couple.alice, 0, 1, other="bob")
    await play(fake, post, couple.bob, 1, 0, other="alice")
    reply = await fake.slash(couple.bob, "data delete", scope="space")
    await fake.click(reply, "Delete", couple.bob)
    assert await plays_of(closer, couple.alice.id) == 0
    assert await plays_of(closer, couple.bob.id) == 0
    assert closer.bot is not None
    assert await closer.bot.db.fetchval("SELECT COUNT(*) FROM guess_settings") == 0


async def test_a_version_1_export_imports_with_weekly_guesses(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """An export without ``guesses`` (format version 1) reads as weekly, with no plays."""
    import json

    from tests.data.archive import JSON_NAME
    from tests.data.test_data_export import export_of
    from tests.data.test_data_import import import_file, new_server

    await fake.slash(couple.alice, "question categories", guesses="never")
    _, files = await export_of(fake, couple.alice)
    data = json.loads(files[JSON_NAME])
    assert data["guesses"] == {"frequency": "never", "days": []}
    data.pop("guesses")
    data["version"] = 1
    place = new_server(fake, couple)
    await fake.sync()
    reply = await import_file(fake, couple.alice, place, "closer-export.json", json.dumps(data).encode())
    assert "Restored your space" in reply.text, reply.text
    again, _ = await export_of(fake, couple.alice, channel=place.channel("us"))
    assert again.guesses.frequency == "weekly"
    assert again.guesses.days == []


async def test_the_evening_nudge_of_a_guess_day_brings_play_and_nothing_of_the_other(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob hasn't played by 20:00 his time: his evening DM has the options and Play, and only
    that Alice has played, never what."""
    post = await guess_day(fake, couple, closer)
    options = options_of(post)
    await play(fake, post, couple.alice, 1, 0, other="bob")
    await closer.at(SATURDAY_POST + timedelta(hours=11))  # 20:00 in Los Angeles
    await closer.at(SATURDAY_POST + timedelta(hours=11, minutes=2))
    nudges = [m for m in fake.dms(couple.bob) if "nudge" in m.text]
    assert len(nudges) == 1, [m.text[:60] for m in fake.dms(couple.bob)]
    assert "Play" in nudges[0].buttons
    assert all(option in nudges[0].text for option in options)
    assert "alice has answered already" in nudges[0].text
    assert "picked" not in nudges[0].text
    form = await fake.click(nudges[0], "Play", couple.bob)
    assert form.modal is not None
    done = await fake.submit_modal(
        form, {"My answer": ["0"], "My guess for alice": ["1"]}, couple.bob, dm=True
    )
    await fake.idle()
    assert "revealed" in done.text
    assert "You both guessed right" in reveal_text(fake, couple)


async def test_question_answer_on_a_guess_day_opens_the_game(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """/question answer on a guess day opens the same form as Play, filled with an earlier play."""
    post = await guess_day(fake, couple, closer)
    await play(fake, post, couple.alice, 1, 0, other="bob")
    form = await fake.slash(couple.alice, "question answer")
    assert form.modal is not None
    selects = [c["component"] for c in form.modal.components if c.get("type") == 18]
    assert [s["custom_id"] for s in selects] == ["pick", "guess"]
    chosen = [[o["value"] for o in s["options"] if o.get("default")] for s in selects]
    assert chosen == [["1"], ["0"]]


async def test_how_often_before_pairing_and_by_a_non_partner_changes_nothing(
    people: People, fake: Fake, closer: Closer
) -> None:
    before = await fake.slash(people.alice, "question categories", guesses="never")
    assert before.ephemeral
    assert "/couple setup" in before.text
    from tests.support import ALICE_ZONE, BOB_ZONE, pair

    await pair(fake, people.alice, people.bob, people.channel, alice_zone=ALICE_ZONE, bob_zone=BOB_ZONE)
    carol = await fake.slash(people.carol, "question categories", guesses="never")
    assert carol.ephemeral
    assert "Guess questions are off" not in carol.text
    card = await fake.slash(people.alice, "question categories")
    assert "Once a week, on Saturdays" in card.all_text
