"""Care in the daily question (issue 14) through the emulator: skipping is "Not today" or "Never
ask this", never names who skipped and never drops an answer; the day after a low check-in the
question is never deep; tender questions say "share only what you want"; the intimacy set is
opt-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.db import Database, migrate
from bot.db.migrate import load_migrations
from bot.db.question_models import CATEGORIES, Pick
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.questions import QuestionRepository
from bot.registry import Place
from cogs.questions.bank import bank
from emulator import Fake
from tests.support import (
    ALICE_ZONE,
    NEXT_POST,
    Closer,
    People,
    answer,
    latest_post,
    post_now,
    question_cog,
    question_of,
    stored_couple,
)


async def talking_points(closer: Closer, people: People) -> str:
    assert closer.bot is not None
    stored = await stored_couple(closer, people)
    return str(await closer.bot.registry.sections(Place.TALKING_POINTS, stored, closer.clock.now()))


async def only(fake: Fake, people: People, categories: list[str], depths: list[str]) -> None:
    card = await fake.slash(people.alice, "question categories")
    card = await fake.select(card, "Categories to draw from", categories, people.alice)
    await fake.select(card, "Depths to draw from", depths, people.alice)


# -- skipping: two choices -------------------------------------------------------------------------


async def test_not_today_keeps_the_answer_and_brings_it_back_with_the_question(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice answered, then chose "Not today": the channel never learns who skipped, her answer
    is kept (in her export), and when the question comes back weeks later her answer is filled in.
    (Skip used to veto forever, name the skipper and drop the answer.)"""
    await only(fake, couple, ["fun"], ["1"])  # 24 questions: the set-aside one returns within a month
    post = await post_now(fake, couple)
    aside = question_of(post)
    await answer(fake, post, couple.alice, "My answer, written before skipping.")
    ask = await fake.click(post, "Skip", couple.alice)
    assert "Your answer is kept" in ask.text
    done = await fake.click(ask, "Not today", couple.alice)
    await fake.idle()
    assert "Your answer is kept, and filled in for you if it does." in done.text
    assert "alice" not in post.text
    assert "skipped for today" in post.text
    export = str(await question_cog(closer).repo.export(couple.guild.id, couple.alice.id))
    assert "My answer, written before skipping." in export
    assert aside in await talking_points(closer, couple)
    returned = None
    for day in range(1, 30):
        await closer.at(NEXT_POST + timedelta(days=day))
        if question_of(latest_post(fake, couple)) == aside:
            returned = day
            break
    assert returned is not None
    assert returned >= 21  # it rested three weeks first
    form = await fake.click(latest_post(fake, couple), "Answer", couple.alice)
    assert form.modal is not None
    assert form.modal.fields[0].value == "My answer, written before skipping."
    other = await fake.click(latest_post(fake, couple), "Answer", couple.bob)
    assert other.modal is not None
    assert other.modal.fields[0].value is None


async def test_never_ask_this_is_gone_everywhere_call_nights_included(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Vetoed: never drawn again and never a call night's talking point."""
    await only(fake, couple, ["fun"], ["1"])
    post = await post_now(fake, couple)
    vetoed = question_of(post)
    ask = await fake.slash(couple.bob, "question skip")
    done = await fake.click(ask, "Never ask this", couple.bob)
    await fake.idle()
    assert "won't be asked again" in done.text
    assert "bob" not in post.text
    assert "won't be asked again" in post.text
    asked = []
    for day in range(1, 26):
        await closer.at(NEXT_POST + timedelta(days=day))
        asked.append(question_of(latest_post(fake, couple)))
        assert vetoed not in await talking_points(closer, couple)
    assert vetoed not in asked


async def test_a_skip_button_posted_before_the_update_offers_the_two_choices(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A post already in the channel carries the old Skip button (and an open confirmation may
    still show the old "Skip it"): both keep working."""
    post = await post_now(fake, couple)
    day = await question_cog(closer).repo.latest_day(couple.guild.id)
    old = fake.bot_message(
        couple.channel,
        components=[
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 2, "label": "Skip", "custom_id": f"closer:question:skip:{day.id}"}
                ],
            }
        ],
    )
    ask = await fake.click(old, "Skip", couple.alice)
    assert ask.buttons == ["Not today", "Never ask this", "Keep it"]
    prompt = fake.bot_message(
        couple.channel,
        components=[
            {
                "type": 1,
                "components": [
                    {
                        "type": 2,
                        "style": 4,
                        "label": "Skip it",
                        "custom_id": f"closer:confirm:question_skip:{couple.alice.id}:{day.id}:yes",
                    }
                ],
            }
        ],
    )
    await fake.click(prompt, "Skip it", couple.alice)
    await fake.idle()
    assert "set aside" in post.text  # what that prompt promised: never asked again
    assert latest_post(fake, couple).id != post.id


# -- the day after a low check-in -----------------------------------------------------------------


async def check_in(fake: Fake, user: Any, mood: int) -> None:
    card = await fake.slash(user, "checkin now")
    await fake.click(card, str(mood), user)
    await fake.idle()


async def test_the_day_after_a_low_check_in_the_question_is_not_deep(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A couple drawing deep questions only; Bob checked in at 1/5: the next question is light or
    personal. (A deep "fears" question used to come the morning after.)"""
    await only(fake, couple, ["fears", "memories", "values"], ["3"])
    await closer.at(NEXT_POST)
    await closer.at(datetime(2026, 11, 25, 4, 0, tzinfo=UTC))  # 20:00 for Bob
    await check_in(fake, couple.bob, 1)
    await closer.at(NEXT_POST + timedelta(days=1))  # the next morning for him
    post = latest_post(fake, couple)
    assert post.embed is not None
    footer = post.embed["footer"]["text"]
    assert footer.startswith(("Light question", "Personal question")), footer


async def test_a_hidden_low_check_in_changes_nothing(couple: People, fake: Fake, closer: Closer) -> None:
    """Bob shares nothing of his check-ins: the question doesn't tell Alice he had a hard day."""
    await only(fake, couple, ["fears", "memories", "values"], ["3"])
    await fake.slash(couple.bob, "checkin sharing", level="nothing")
    await check_in(fake, couple.bob, 1)
    post = await post_now(fake, couple)
    assert post.embed is not None
    assert post.embed["footer"]["text"].startswith("Deep question")


# -- tender questions ------------------------------------------------------------------------------


async def test_a_tender_question_says_share_only_what_you_want_everywhere(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """On the post, in the DM copy, in the nudge and in the answer form."""
    tender = next(q for q in bank() if q.care)
    await question_cog(closer).repo.create_day(
        couple.guild.id,
        Pick(tender, 1),
        day_number=1,
        local_date=date(2026, 11, 24),
        zone=ALICE_ZONE,
        now=closer.clock.now(),
    )
    await fake.slash(couple.bob, "question schedule", dm_me="08:30")
    await closer.at(NEXT_POST - timedelta(minutes=30))  # Bob's copy at 08:30 his time posts it too
    post = latest_post(fake, couple)
    assert question_of(post).startswith(tender.text)
    assert "share only what you want" in post.text
    copy = next(m for m in fake.dms(couple.bob) if tender.text in m.text)
    assert "share only what you want" in copy.text
    form = await fake.click(post, "Answer", couple.alice)
    assert form.modal is not None
    assert "Share only what you want" in str(form.modal.data)
    await closer.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))  # Alice's nudge
    nudge = next(m for m in fake.dms(couple.alice) if "gentle nudge" in m.text)
    assert "share only what you want" in nudge.text


async def test_a_light_question_has_no_care_line(couple: People, fake: Fake, closer: Closer) -> None:
    post = await post_now(fake, couple)
    assert "share only what you want" not in post.text


# -- the opt-in intimacy set -----------------------------------------------------------------------


async def test_intimacy_is_off_until_a_couple_turns_it_on(couple: People, fake: Fake, closer: Closer) -> None:
    card = await fake.slash(couple.alice, "question categories")
    assert "▫️ 🕯️ Intimacy and closeness" in card.text
    assert "off unless you turn it on" in card.text
    assert "✅ 🕊️ Conflict and repair" in card.text
    updated = await fake.select(card, "Categories to draw from", list(CATEGORIES), couple.alice)
    assert "✅ 🕯️ Intimacy and closeness" in updated.text
    assert "intimacy" in (await question_cog(closer).repo.settings(couple.guild.id)).categories


async def test_settings_saved_before_the_new_categories_get_them_but_not_intimacy(tmp_path: Path) -> None:
    """A couple who chose their categories before V12 draws conflict, home and family too (never
    offered to them), and still not the opt-in intimacy set."""
    db = await Database.open(tmp_path / "closer.sqlite3")
    try:
        for migration in load_migrations()[:11]:
            await db.raw.executescript(
                f"BEGIN;\n{migration.sql}\n;PRAGMA user_version = {migration.version};\nCOMMIT;"
            )
        await db.execute(
            "INSERT INTO couples (guild_id, channel_id, status, inviter_id, invitee_id, created_at) "
            "VALUES (1, 2, 'paired', 3, 4, 0)"
        )
        await db.execute(
            "INSERT INTO question_settings (guild_id, categories, tiers, updated_at) VALUES (1, 'dreams,fun', '1,2', 0)"
        )
        await migrate(db)
        settings = await QuestionRepository(db).settings(1)
        assert settings.categories == {"dreams", "fun", "conflict", "home", "family"}
        assert settings.tiers == {1, 2}
    finally:
        await db.close()


async def test_vetoes_written_in_bulk_are_never_drawn_and_keep_their_first_veto(tmp_path: Path) -> None:
    """``import_vetoes`` (the benchmark's long histories): every question is vetoed for the couple,
    a question vetoed already keeps its first veto, and another couple's draw is not touched."""
    first, second = bank()[0], bank()[1]
    at = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    db = await Database.open(tmp_path / "closer.sqlite3")
    try:
        await migrate(db)
        couples = CoupleRepository(db)
        for guild in (1, 2):
            await couples.invite(
                guild_id=guild,
                channel_id=guild * 10,
                inviter_id=guild * 100,
                inviter_name="alice",
                invitee_id=guild * 100 + 1,
                zone="Europe/Berlin",
                now=at,
            )
            await couples.accept(guild, guild * 100 + 1, "bob", at)
        repo = QuestionRepository(db)
        await repo.import_vetoes(1, [first], 100, at)
        await repo.import_vetoes(1, [first, second], 101, at + timedelta(days=1))
        vetoes = {v.question_id: v for v in await repo.vetoes(1)}
        assert set(vetoes) == {first.id, second.id}
        assert (vetoes[first.id].vetoed_by, vetoes[first.id].vetoed_at) == (100, at)
        assert (vetoes[second.id].question, vetoes[second.id].category) == (second.text, second.category)
        assert (await repo.history(1)).vetoed == {first.id, second.id}
        assert (await repo.history(2)).vetoed == frozenset()
    finally:
        await db.close()
