"""/data delete: "mine" deletes exactly the requester's entries and unpairs (the partner's are kept
for them 30 days), "space" deletes everything of the server; both after a confirmation only the
requester can press, checked in the database and on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.db.repositories.data import DataRepository
from emulator import Fake
from tests.data.test_data_export import export_of, fill
from tests.support import Closer, People, png


def photo_files(closer: Closer) -> set[Path]:
    assert closer.bot is not None
    root = closer.bot.settings.photos_dir
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


async def rows_of(closer: Closer, guild_id: int) -> dict[str, int]:
    """Rows per table that belong to ``guild_id`` (every table with a guild_id column, and the
    tables hanging off them)."""
    assert closer.bot is not None
    db = closer.bot.db
    tables = [r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]
    counts: dict[str, int] = {}
    for table in tables:
        columns = {r[1] for r in await db.fetchall(f"PRAGMA table_info({table})")}
        if "guild_id" in columns:
            counts[table] = int(
                await db.fetchval(f"SELECT COUNT(*) FROM {table} WHERE guild_id = ?", (guild_id,))
            )
    counts["question_answers"] = int(
        await db.fetchval(
            "SELECT COUNT(*) FROM question_answers WHERE day_id IN (SELECT id FROM question_days WHERE guild_id = ?)",
            (guild_id,),
        )
    )
    counts["memory_photos"] = int(
        await db.fetchval(
            "SELECT COUNT(*) FROM memory_photos WHERE memory_id IN (SELECT id FROM memories WHERE guild_id = ?)",
            (guild_id,),
        )
    )
    return {k: v for k, v in counts.items() if v}


async def by_user(closer: Closer, sql: str, *params: Any) -> int:
    assert closer.bot is not None
    return int(await closer.bot.db.fetchval(sql, params))


async def entries_of(closer: Closer, user_id: int) -> dict[str, int]:
    """Each kind of entry ``user_id`` wrote, wherever it is stored now."""
    return {
        "answers": await by_user(closer, "SELECT COUNT(*) FROM question_answers WHERE user_id = ?", user_id),
        "checkins": await by_user(closer, "SELECT COUNT(*) FROM checkins WHERE user_id = ?", user_id),
        "appreciations": await by_user(
            closer, "SELECT COUNT(*) FROM appreciations WHERE from_user = ?", user_id
        ),
        "wins": await by_user(closer, "SELECT COUNT(*) FROM wins WHERE user_id = ?", user_id),
        "memories": await by_user(closer, "SELECT COUNT(*) FROM memories WHERE author_id = ?", user_id),
        "partners": await by_user(closer, "SELECT COUNT(*) FROM partners WHERE user_id = ?", user_id),
    }


@pytest.fixture
async def filled(couple: People, fake: Fake, closer: Closer) -> People:
    await fill(closer, fake, couple)
    await fake.slash(
        couple.bob,
        "memory add",
        title="Bob's photo",
        date="2025-03-03",
        photo=fake.upload("b.png", png(9), "image/png"),
    )
    return couple


async def ask(fake: Fake, user: Any, scope: str) -> Any:
    reply = await fake.slash(user, "data delete", scope=scope)
    assert reply.ephemeral
    assert reply.buttons == ["Delete", "Cancel"]
    return reply


# -- delete mine ----------------------------------------------------------------------------------


async def test_delete_mine_says_exactly_what_goes_and_what_is_kept(filled: People, fake: Fake) -> None:
    """The confirmation counts Alice's entries, says she is unpaired, and what stays for Bob."""
    reply = await ask(fake, filled.alice, "mine")
    text = reply.text
    assert "2 answers" in text  # the skipped question's and the revealed one
    assert "1 check-in" in text
    assert "2 notes of appreciation" not in text
    assert "1 note of appreciation" in text
    assert "1 win" in text
    assert "1 memory" in text
    assert "1 photo file" in text
    assert "unpairs you and bob" in text.lower()
    assert "Kept for bob" in text
    assert "Nothing of bob's is deleted now" in text


async def test_delete_mine_removes_exactly_the_requesters_entries_and_files(
    filled: People, fake: Fake, closer: Closer
) -> None:
    """Alice's rows and photo files are gone; every entry of Bob's and his photo file remain."""
    bob_before = await entries_of(closer, filled.bob.id)
    files_before = photo_files(closer)
    assert len(files_before) == 2
    reply = await ask(fake, filled.alice, "mine")
    await fake.click(reply, "Delete", filled.alice)
    assert "Deleted: 2 answers" in reply.text
    assert "You're unpaired" in reply.text

    alice_after = await entries_of(closer, filled.alice.id)
    assert alice_after == dict.fromkeys(alice_after, 0)
    assert await entries_of(closer, filled.bob.id) == {**bob_before, "partners": 1}
    remaining = photo_files(closer)
    assert len(remaining) == 1
    assert remaining < files_before
    assert closer.bot is not None
    assert await closer.bot.couples.get(filled.guild.id) is None
    assert await rows_of(closer, filled.guild.id) == {"kept_spaces": 1}  # Bob's, under a key of its own


async def test_after_delete_mine_the_partner_is_told_and_can_still_export_their_entries(
    filled: People, fake: Fake, closer: Closer
) -> None:
    """Bob gets a DM; his /data export here holds his entries and none of Alice's."""
    reply = await ask(fake, filled.alice, "mine")
    await fake.click(reply, "Delete", filled.alice)
    await fake.idle()
    assert any("deleted their data" in m.text and "/data export" in m.text for m in fake.dms(filled.bob))
    document, files = await export_of(fake, filled.bob)
    said = document.model_dump_json()
    assert [p.user_id for p in document.couple.partners] == [str(filled.bob.id)]
    assert "Bob: the sea, with you." in said
    assert "Alice: the mountains, always." not in said
    assert "Alice finished the marathon" not in said
    assert [m.title for m in document.memories] == ["Snow in Kyoto", "Bob's photo"]
    assert sum(1 for name in files if name.startswith("photos/")) == 1


async def test_after_delete_mine_the_server_can_be_paired_again(
    filled: People, fake: Fake, closer: Closer
) -> None:
    """Unpaired: /couple setup works again in the same server."""
    reply = await ask(fake, filled.alice, "mine")
    await fake.click(reply, "Delete", filled.alice)
    again = await fake.slash(
        filled.bob, "couple setup", partner=filled.carol, options={"channel": filled.channel}, timezone="UTC"
    )
    assert "Invitation sent" in again.text


async def test_the_partner_can_delete_what_is_kept_for_them_now(
    filled: People, fake: Fake, closer: Closer
) -> None:
    """Bob's /data delete mine after the unpairing deletes his kept entries and their photo."""
    reply = await ask(fake, filled.alice, "mine")
    await fake.click(reply, "Delete", filled.alice)
    space = await fake.slash(filled.bob, "data delete", scope="space")
    assert "no couple of yours" in space.text
    kept = await ask(fake, filled.bob, "mine")
    assert "entries kept for you" in kept.text
    await fake.click(kept, "Delete", filled.bob)
    assert "Deleted the entries kept for you" in kept.text
    assert await entries_of(closer, filled.bob.id) == dict.fromkeys(
        await entries_of(closer, filled.bob.id), 0
    )
    assert photo_files(closer) == set()
    assert closer.bot is not None
    assert await DataRepository(closer.bot.db).kept_for(filled.guild.id, filled.bob.id) == []


# -- delete space ---------------------------------------------------------------------------------


async def test_delete_space_counts_everything_for_both(filled: People, fake: Fake) -> None:
    """The confirmation names both partners and counts the whole space."""
    reply = await ask(fake, filled.bob, "space")
    assert "alice and bob" in reply.text.lower()
    assert "3 memories" in reply.text
    assert "2 photo files" in reply.text
    assert "can't be undone" in reply.text


async def test_delete_space_removes_everything_of_the_server_and_its_files(
    filled: People, fake: Fake, closer: Closer
) -> None:
    """No row of the server in any table, no photo folder, no schedule armed, a notice posted."""
    assert closer.bot is not None
    before = await rows_of(closer, filled.guild.id)
    assert before["memories"] == 3
    assert before["schedules"] > 0
    reply = await ask(fake, filled.bob, "space")
    await fake.click(reply, "Delete", filled.bob)
    assert "Deleted everything of this space" in reply.text
    assert await rows_of(closer, filled.guild.id) == {}
    assert not (closer.bot.settings.photos_dir / str(filled.guild.id)).exists()
    armed = {job.id for job in closer.bot.scheduler.aps.get_jobs()}
    host_wide = {
        f"schedule:{s.id}"
        for kind in ("data_backup", "data_purge")
        if (s := await closer.bot.schedules.find(kind, None))
    } | {"scheduler:refill"}
    assert armed <= host_wide
    await fake.idle()
    assert "deleted everything Closer kept" in fake.messages(filled.channel)[-1].text


async def test_another_server_is_untouched_by_delete_space(
    filled: People, fake: Fake, closer: Closer
) -> None:
    """A second couple's data survives the first server's deletion."""
    other = fake.create_guild("Their place", members=[filled.alice, filled.carol], text_channels=["us"])
    await fake.sync()
    await fake.slash(
        filled.alice,
        "couple setup",
        partner=filled.carol,
        channel=other.channel("us"),
        options={"channel": other.channel("us")},
        timezone="UTC",
    )
    invitation = await fake.wait_for_message(other.channel("us"), lambda m: "Accept" in m.buttons)
    await fake.click(invitation, "Accept", filled.carol)
    await fake.slash(
        filled.carol, "memory add", title="Elsewhere", date="2025-01-01", channel=other.channel("us")
    )
    before = await rows_of(closer, other.id)
    reply = await ask(fake, filled.alice, "space")
    await fake.click(reply, "Delete", filled.alice)
    assert await rows_of(closer, other.id) == before


# -- the confirmation -----------------------------------------------------------------------------


async def test_cancel_changes_nothing(filled: People, fake: Fake, closer: Closer) -> None:
    """Cancel: nothing deleted, the buttons go."""
    before = await rows_of(closer, filled.guild.id)
    reply = await ask(fake, filled.alice, "space")
    await fake.click(reply, "Cancel", filled.alice)
    assert "Nothing was changed" in reply.text
    assert await rows_of(closer, filled.guild.id) == before


async def test_only_the_requester_can_press_delete(filled: People, fake: Fake, closer: Closer) -> None:
    """Bob pressing Alice's confirmation is refused and nothing is deleted."""
    before = await rows_of(closer, filled.guild.id)
    reply = await ask(fake, filled.alice, "space")
    pressed = await fake.click(reply, "Delete", filled.bob)
    assert "Only the person who asked" in pressed.text
    assert await rows_of(closer, filled.guild.id) == before


async def test_a_confirmation_still_works_after_a_restart(filled: People, fake: Fake, closer: Closer) -> None:
    """The Delete button is restart-proof."""
    reply = await ask(fake, filled.alice, "space")
    await closer.restart()
    await fake.click(reply, "Delete", filled.alice)
    assert await rows_of(closer, filled.guild.id) == {}


@pytest.mark.parametrize(("who", "expected"), [("carol", "Only the two partners"), ("alice", "not in DMs")])
async def test_who_may_not_delete(couple: People, fake: Fake, who: str, expected: str) -> None:
    """A non-partner, or anyone in a DM, gets a clear refusal and no buttons."""
    reply = await fake.slash(getattr(couple, who), "data delete", scope="space", dm=who == "alice")
    assert expected in reply.text
    assert reply.buttons == []


async def test_delete_before_pairing_explains_how_to_start(
    closer: Closer, fake: Fake, people: People
) -> None:
    """Before pairing there is nothing to delete, and the reply says how to begin."""
    reply = await fake.slash(people.alice, "data delete", scope="mine")
    assert "/couple setup" in reply.text
