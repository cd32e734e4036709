"""Day after day through the emulator: no repeats across the whole enabled pool, and a vetoed
question never returns. The pool is one category at one depth (24 questions) to keep this fast;
the pure tests cover the whole 900-question bank."""

from __future__ import annotations

from datetime import timedelta

from cogs.questions.bank import bank
from emulator import Fake
from tests.support import NEXT_POST, Closer, People, latest_post, question_of

FUN_LIGHT = {q.text for q in bank() if q.category == "fun" and q.tier == 1}


async def only_fun_and_light(fake: Fake, people: People) -> None:
    """The pool of the daily question alone: guess days off (test_guess.py covers theirs)."""
    card = await fake.slash(people.alice, "question categories", guesses="never")
    card = await fake.select(card, "Categories to draw from", ["fun"], people.alice)
    await fake.select(card, "Depths to draw from", ["1"], people.alice)


async def daily_questions(fake: Fake, closer: Closer, people: People, days: range) -> list[str]:
    """The question posted on each of ``days`` (0 = 25 November), by the schedule."""
    asked = []
    for day in days:
        await closer.at(NEXT_POST + timedelta(days=day))
        asked.append(question_of(latest_post(fake, people)))
    return asked


async def test_no_question_repeats_across_the_whole_pool(couple: People, fake: Fake, closer: Closer) -> None:
    """24 days, 24 different questions; on day 25 the pool starts over, and says so."""
    await only_fun_and_light(fake, couple)
    asked = await daily_questions(fake, closer, couple, range(24))
    assert set(asked) == FUN_LIGHT
    assert len(asked) == len(set(asked))
    (again,) = await daily_questions(fake, closer, couple, range(24, 25))
    assert again in FUN_LIGHT
    assert "Starting over" in latest_post(fake, couple).text


async def test_a_vetoed_question_never_returns(couple: People, fake: Fake, closer: Closer) -> None:
    """ "Never ask this" on day one: it is not asked again in the next two rounds."""
    await only_fun_and_light(fake, couple)
    await closer.at(NEXT_POST)
    post = latest_post(fake, couple)
    vetoed = question_of(post)
    ask = await fake.click(post, "Skip", couple.alice)
    await fake.click(ask, "Never ask this", couple.alice)
    await fake.idle()
    replacement = question_of(latest_post(fake, couple))
    later = await daily_questions(fake, closer, couple, range(1, 47))
    assert vetoed not in [replacement, *later]
    assert {replacement, *later} == FUN_LIGHT - {vetoed}
