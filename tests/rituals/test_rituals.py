"""/ritual and its templates end to end: weekly session, gratitude, goodnight, custom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from emulator import Fake
from tests.support import Closer, People

# Tuesday 2026-11-24; Alice is in Berlin (UTC+1), Bob in Los Angeles (UTC-8).
TUESDAY_20_BERLIN = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)


async def add(fake: Fake, user, **options):
    return await fake.slash(user, "ritual add", **options)


def ritual_id(reply) -> int:
    return int(reply.text.split("#", 1)[1].split(":", 1)[0])


async def added_rituals(closer: Closer, people: People) -> list:
    """The rituals the couple added themselves (built-ins of other features left out)."""
    assert closer.bot is not None
    rituals = await closer.bot.rituals.repo.for_guild(people.guild.id)
    return [r for r in rituals if (t := closer.bot.rituals.template(r.template)) is None or t.addable]


# -- the weekly check-in session ------------------------------------------------------------------


async def answer_step(fake: Fake, step_message, user, text: str):
    form = await fake.click(step_message, "Answer", user)
    assert form.modal is not None
    return await fake.submit_modal(form, {"answer": text}, user)


async def test_the_weekly_session_walks_both_through_its_prompts_and_ends_with_a_recap(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A thread opens; each step shows both answers once both replied; a recap ends it."""
    await add(fake, couple.alice, template="weekly_checkin", time="20:00", day="tuesday")
    await closer.at(TUESDAY_20_BERLIN)
    post = await fake.wait_for_message(couple.channel, lambda m: "Weekly check-in" in m.text)
    assert couple.bob.mention in post.content
    (thread,) = fake.threads(couple.channel)
    for step in range(5):
        prompt = await fake.wait_for_message(
            thread, lambda m, s=step: f"Step {s + 1} of 5" in m.text and "Answer" in m.buttons
        )
        saved = await answer_step(fake, prompt, couple.alice, f"alice answer {step}")
        assert saved.ephemeral
        assert "It shows when bob has answered" in saved.text
        assert f"alice answer {step}" not in " ".join(m.text for m in fake.messages(thread))
        assert "Answered: alice" in prompt.text
        await answer_step(fake, prompt, couple.bob, f"bob answer {step}")
        reveal = await fake.wait_for_message(thread, lambda m, s=step: f"bob answer {s}" in m.text)
        assert f"alice answer {step}" in reveal.text
        assert prompt.buttons == []
    recap = await fake.wait_for_message(thread, lambda m: "Recap" in m.text)
    texts = (
        " ".join(m.text for m in fake.messages(thread) if m.created_after(recap) or m.id == recap.id)
        if hasattr(recap, "created_after")
        else " ".join(m.text for m in fake.messages(thread)[-3:])
    )
    for step in range(5):
        assert f"alice answer {step}" in texts
        assert f"bob answer {step}" in texts


async def test_a_session_answer_can_be_changed_until_both_answered(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Answering again before the reveal replaces the answer; the reveal shows the later one."""
    await add(fake, couple.alice, template="weekly_checkin", time="20:00", day="tuesday")
    await closer.at(TUESDAY_20_BERLIN)
    await fake.wait_for_message(couple.channel, lambda m: "Weekly check-in" in m.text)
    (thread,) = fake.threads(couple.channel)
    prompt = await fake.wait_for_message(thread, lambda m: "Step 1 of 5" in m.text)
    await answer_step(fake, prompt, couple.alice, "first thought")
    form = await fake.click(prompt, "Answer", couple.alice)
    assert "first thought" in str(form.modal.fields)
    await fake.submit_modal(form, {"answer": "second thought"}, couple.alice)
    await answer_step(fake, prompt, couple.bob, "bob's view")
    reveal = await fake.wait_for_message(thread, lambda m: "bob's view" in m.text)
    assert "second thought" in reveal.text
    assert "first thought" not in reveal.text


async def test_a_session_keeps_working_after_a_restart(couple: People, fake: Fake, closer: Closer) -> None:
    """The Answer button and the modal posted before a restart still work after it."""
    await add(fake, couple.alice, template="weekly_checkin", time="20:00", day="tuesday")
    await closer.at(TUESDAY_20_BERLIN)
    await fake.wait_for_message(couple.channel, lambda m: "Weekly check-in" in m.text)
    (thread,) = fake.threads(couple.channel)
    prompt = await fake.wait_for_message(thread, lambda m: "Step 1 of 5" in m.text)
    form = await fake.click(prompt, "Answer", couple.alice)
    await closer.restart()
    await fake.submit_modal(form, {"answer": "typed across a restart"}, couple.alice)
    await answer_step(fake, prompt, couple.bob, "bob too")
    reveal = await fake.wait_for_message(thread, lambda m: "bob too" in m.text)
    assert "typed across a restart" in reveal.text


async def test_only_partners_can_answer_a_session(couple: People, fake: Fake, closer: Closer) -> None:
    """Carol can't open the answer form."""
    await add(fake, couple.alice, template="weekly_checkin", time="20:00", day="tuesday")
    await closer.at(TUESDAY_20_BERLIN)
    await fake.wait_for_message(couple.channel, lambda m: "Weekly check-in" in m.text)
    (thread,) = fake.threads(couple.channel)
    prompt = await fake.wait_for_message(thread, lambda m: "Step 1 of 5" in m.text)
    refused = await fake.click(prompt, "Answer", couple.carol)
    assert refused.ephemeral
    assert "Only the two partners" in refused.text


async def test_a_long_session_answer_is_revealed_in_full(couple: People, fake: Fake, closer: Closer) -> None:
    """1,000-character answers from both are shown whole, within Discord's limits."""
    await add(fake, couple.alice, template="weekly_checkin", time="20:00", day="tuesday")
    await closer.at(TUESDAY_20_BERLIN)
    await fake.wait_for_message(couple.channel, lambda m: "Weekly check-in" in m.text)
    (thread,) = fake.threads(couple.channel)
    prompt = await fake.wait_for_message(thread, lambda m: "Step 1 of 5" in m.text)
    long_a, long_b = "a" * 999 + "!", "b" * 999 + "?"
    await answer_step(fake, prompt, couple.alice, long_a)
    await answer_step(fake, prompt, couple.bob, long_b)
    reveal = await fake.wait_for_message(thread, lambda m: "b" * 100 in m.text)
    assert long_a in reveal.text
    assert long_b in reveal.text


# -- gratitude --------------------------------------------------------------------------------


async def share(fake: Fake, post, user, items: list[str]):
    form = await fake.click(post, "Share mine", user)
    assert form.modal is not None
    return await fake.submit_modal(form, {"g0": items[0], "g1": items[1], "g2": items[2]}, user)


async def test_gratitude_lists_are_revealed_together(couple: People, fake: Fake, closer: Closer) -> None:
    """Alice's three things stay hidden until Bob shared his; then both lists are shown."""
    await add(fake, couple.alice, template="gratitude", time="20:00", day="tuesday")
    await closer.at(TUESDAY_20_BERLIN)
    post = await fake.wait_for_message(couple.channel, lambda m: "Share mine" in m.buttons)
    first = await share(fake, post, couple.alice, ["coffee", "your laugh", "sunshine"])
    assert "once bob has shared" in first.text
    assert "your laugh" not in " ".join(m.text for m in fake.messages(couple.channel))
    assert "Answered: alice" in post.text
    await share(fake, post, couple.bob, ["rain", "our call", "pancakes"])
    reveal = await fake.wait_for_message(
        couple.channel, lambda m: "grateful for" in m.text and "pancakes" in m.text
    )
    assert "your laugh" in reveal.text
    assert post.buttons == []


async def test_gratitude_needs_all_three_things(couple: People, fake: Fake, closer: Closer) -> None:
    """Blank entries are refused with an explanation and nothing is saved."""
    await add(fake, couple.alice, template="gratitude", time="20:00", day="tuesday")
    await closer.at(TUESDAY_20_BERLIN)
    post = await fake.wait_for_message(couple.channel, lambda m: "Share mine" in m.buttons)
    reply = await share(fake, post, couple.alice, ["coffee", "   ", "sunshine"])
    assert reply.ephemeral
    assert "all three" in reply.text
    assert "Answered" not in post.text


# -- goodnight ---------------------------------------------------------------------------------


def is_reminder(message) -> bool:
    return "Write a goodnight note" in message.buttons


async def test_goodnight_reaches_each_partner_at_their_own_bedtime(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """22:30 in Berlin for Alice, 22:30 in Los Angeles for Bob; a button sends the note.

    (Changed with issue 14: Bob's note used to reach Alice by DM at once, at 07:30 in her quiet
    hours; a note now goes as a message of its own to her, so it waits until her quiet hours end.)"""
    await add(fake, couple.bob, template="goodnight", time="22:30")
    await closer.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))  # Alice's evening check-in, 20:00
    await closer.at(datetime(2026, 11, 24, 21, 30, tzinfo=UTC))  # 22:30 Berlin
    reminder = await fake.wait_for_message(couple.alice, is_reminder)
    assert "bob" in reminder.text
    assert [m for m in fake.dms(couple.bob) if is_reminder(m)] == []
    sent = await fake.click(reminder, reminder.buttons[1], couple.alice)
    assert "Sent to bob" in sent.text
    note = await fake.wait_for_message(couple.bob, lambda m: "Goodnight from alice" in m.text)
    assert note is not None
    await closer.at(datetime(2026, 11, 25, 4, 0, tzinfo=UTC))  # Bob's evening check-in, 20:00
    await closer.at(datetime(2026, 11, 25, 6, 30, tzinfo=UTC))  # 22:30 Los Angeles, 07:30 Berlin
    bobs = await fake.wait_for_message(couple.bob, is_reminder)
    form = await fake.click(bobs, "Write a goodnight note", couple.bob)
    saved = await fake.submit_modal(form, {"note": "Sleep well, see you in my dreams"}, couple.bob)
    assert "It reaches alice at 08:00 their time (after their quiet hours)" in saved.all_text
    assert [m for m in fake.dms(couple.alice) if "see you in my dreams" in m.text] == []
    await closer.at(datetime(2026, 11, 25, 7, 0, tzinfo=UTC))  # 08:00 Berlin: her quiet hours end
    written = await fake.wait_for_message(couple.alice, lambda m: "see you in my dreams" in m.text)
    assert "Goodnight from bob" in written.text


@pytest.mark.allow_violations("dm.closed")
async def test_goodnight_with_dms_closed_goes_to_the_shared_channel(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice's DMs are closed: her reminder is posted in the shared channel mentioning her, and recorded."""
    fake.close_dms(couple.alice)
    await add(fake, couple.bob, template="goodnight", time="22:30")
    await closer.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))  # Alice's evening check-in, 20:00
    await closer.at(datetime(2026, 11, 24, 21, 30, tzinfo=UTC))
    fallback = await fake.wait_for_message(couple.channel, is_reminder)
    assert couple.alice.mention in fallback.content
    assert closer.bot is not None
    recent = await closer.bot.schedules.recent(couple.guild.id, limit=50)
    (delivery,) = [d for d in recent if d.label.startswith("Goodnight for alice")]
    assert delivery.detail is not None
    assert "DMs closed" in delivery.detail


async def test_goodnight_inside_quiet_hours_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    """A bedtime in quiet hours would wait until morning: refused with what to do instead."""
    reply = await add(fake, couple.alice, template="goodnight", time="23:30")
    assert reply.ephemeral
    assert "quiet hours" in reply.text
    assert await added_rituals(closer, couple) == []


async def test_goodnight_follows_a_trip(couple: People, fake: Fake, closer: Closer) -> None:
    """While Bob is in Tokyo, his goodnight comes at 22:30 Tokyo time."""
    await add(fake, couple.bob, template="goodnight", time="22:30")
    await fake.slash(couple.bob, "couple travel", timezone="Tokyo", until="2026-12-01")
    await closer.at(datetime(2026, 11, 24, 13, 30, tzinfo=UTC))  # 22:30 in Tokyo
    reminder = await fake.wait_for_message(couple.bob, is_reminder)
    assert reminder is not None


async def test_goodnight_held_by_new_quiet_hours_is_skipped_not_sent_in_the_morning(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob's quiet hours now start at 22:00: his 22:30 reminder is skipped, not sent at 08:00."""
    await add(fake, couple.bob, template="goodnight", time="21:30")
    await fake.slash(couple.bob, "couple quiet", start="21:00", end="08:00")
    await closer.at(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))  # 08:00 LA next morning
    assert [m for m in fake.dms(couple.bob) if is_reminder(m)] == []
    assert closer.bot is not None
    recent = await closer.bot.schedules.recent(couple.guild.id, limit=5)
    assert any(d.status == "skipped" and "quiet hours" in (d.detail or "") for d in recent)


# -- custom and the commands -------------------------------------------------------------------


async def test_a_custom_ritual_runs_only_on_its_days(couple: People, fake: Fake, closer: Closer) -> None:
    """Monday and Thursday at 19:00 Berlin: nothing on Tuesday or Wednesday."""
    reply = await add(
        fake, couple.alice, template="custom", time="19:00", day="mon,thu", message="Send a selfie!"
    )
    assert "Monday, Thursday" in reply.text
    for day in range(7):
        await closer.at(datetime(2026, 11, 24, 18, 0, tzinfo=UTC) + timedelta(days=day))
    posts = [m for m in fake.messages(couple.channel) if "Send a selfie!" in m.text]
    assert len(posts) == 2  # Thursday 26th and Monday 30th


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"template": "custom", "time": "19:00"}, "needs a `message`"),
        ({"template": "custom", "time": "7", "message": "x"}, "not a time"),
        ({"template": "custom", "time": "19:00", "day": "someday", "message": "x"}, "not a day"),
        ({"template": "gratitude", "time": "25:61"}, "not a time"),
    ],
)
async def test_bad_ritual_input_is_refused_and_nothing_is_added(
    couple: People, fake: Fake, closer: Closer, options: dict, expected: str
) -> None:
    """Each mistake gets an ephemeral explanation and no ritual is created."""
    reply = await add(fake, couple.alice, **options)
    assert reply.ephemeral
    assert expected in reply.text
    assert await added_rituals(closer, couple) == []


async def test_a_shared_ritual_in_someones_quiet_hours_warns_with_a_better_time(
    couple: People, fake: Fake
) -> None:
    """07:00 is inside Alice's own quiet hours: added, with a warning and the nearest shared time."""
    reply = await add(fake, couple.alice, template="gratitude", time="07:00")
    assert "Added ritual" in reply.text
    assert "inside your own quiet hours (23:00-08:00)" in reply.text
    assert "22:00 your time (13:00 for bob)" in reply.text  # both awake 17:00-23:00 Berlin
    late = await add(fake, couple.alice, template="gratitude", time="08:30")
    # (Changed with issue 14: the warning now says what the time is for bob.)
    assert "23:30 for bob, inside their quiet hours (23:00-08:00)" in late.text


async def test_list_pause_resume_and_remove(couple: People, fake: Fake, closer: Closer) -> None:
    """A paused ritual doesn't post; resumed it does; removing asks first and only the asker confirms."""
    rid = ritual_id(await add(fake, couple.alice, template="custom", time="20:00", message="Daily hello"))
    listing = await fake.slash(couple.bob, "ritual list")
    assert f"#{rid} Custom" in listing.text
    choices = await fake.autocomplete(couple.bob, "ritual pause", "id", "custom")
    assert [c.value for c in choices] == [rid]
    paused = await fake.slash(couple.bob, "ritual pause", id=rid)
    assert "Paused" in paused.text
    await closer.at(TUESDAY_20_BERLIN)
    assert not [m for m in fake.messages(couple.channel) if "Daily hello" in m.text]
    assert "paused" in (await fake.slash(couple.alice, "ritual list")).text
    again = await fake.slash(couple.bob, "ritual pause", id=rid)
    assert "already paused" in again.text
    await fake.slash(couple.alice, "ritual resume", id=rid)
    await closer.at(TUESDAY_20_BERLIN + timedelta(days=1))
    assert len([m for m in fake.messages(couple.channel) if "Daily hello" in m.text]) == 1

    ask = await fake.slash(couple.alice, "ritual remove", id=rid)
    assert "Remove ritual" in ask.text
    other = await fake.click(ask, "Remove", couple.bob)
    assert "Only the person who asked" in other.text
    await fake.click(ask, "Cancel", couple.alice)
    assert "Nothing was changed" in ask.text
    assert closer.bot is not None
    assert len(await added_rituals(closer, couple)) == 1
    ask = await fake.slash(couple.alice, "ritual remove", id=rid)
    await fake.click(ask, "Remove", couple.alice)
    assert "Removed ritual" in ask.text
    assert await added_rituals(closer, couple) == []
    schedules = await closer.bot.schedules.for_guild(couple.guild.id)
    assert [s for s in schedules if s.kind == "ritual" and s.key.startswith(f"{rid}:")] == []


async def test_the_ritual_list_is_paginated(couple: People, fake: Fake) -> None:
    """Twelve rituals make two pages with working Next / Previous buttons."""
    for hour in range(8, 20):
        await add(fake, couple.alice, template="custom", time=f"{hour}:00", message=f"at {hour}")
    first = await fake.slash(couple.alice, "ritual list")
    assert "Page 1 of 2" in first.text
    second = await fake.click(first, "Next", couple.alice)
    assert "Page 2 of 2" in second.message.text
    back = await fake.click(second.message, "Previous", couple.alice)
    assert "Page 1 of 2" in back.message.text


async def test_unknown_ritual_ids_are_explained(couple: People, fake: Fake) -> None:
    """Pausing a ritual that doesn't exist here says so."""
    reply = await fake.slash(couple.alice, "ritual pause", id=999)
    assert reply.ephemeral
    assert "no ritual #999" in reply.text


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("ritual add", {"template": "custom", "time": "20:00", "message": "hi"}),
        ("ritual list", {}),
        ("ritual pause", {"id": 1}),
        ("ritual resume", {"id": 1}),
        ("ritual remove", {"id": 1}),
    ],
)
async def test_ritual_commands_refuse_everyone_else(
    couple: People, fake: Fake, closer: Closer, command: str, options: dict
) -> None:
    """A non-partner and a DM are refused; nothing is created."""
    outsider = await fake.slash(couple.carol, command, options=options)
    assert "Only the two partners" in outsider.text
    in_dm = await fake.slash(couple.bob, command, dm=True, options=options)
    assert "not in DMs" in in_dm.text
    assert await added_rituals(closer, couple) == []
