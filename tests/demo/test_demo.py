"""``python -m bot demo``: two days of Closer played against the emulator, read back from its page.

What CI checks of the demo: it runs with no token and no network, leaves a real install alone,
and its page shows the question post, the reveal with both answers, a check-in DM and the memory
with its photo, with no Discord-rule violation and no connection beyond 127.0.0.1.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.demo import story

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def two_days(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], str, Path, float]:
    """`python -m bot demo --days 2 --out <tmp>` run as a newcomer would: no token, and a real
    install's settings in the environment that the demo must not touch."""
    home = tmp_path_factory.mktemp("newcomer")
    install = home / "real-install"
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DEV_GUILD_ID")}
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_PATH=str(install / "closer.sqlite3"),
        BACKUP_DIR=str(install / "backups"),
    )
    out = home / "page"
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--days", "2", "--out", str(out)],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    seconds = time.monotonic() - began
    page = (out / "index.html").read_text(encoding="utf-8") if (out / "index.html").exists() else ""
    assert not install.exists(), "the demo touched the real install's database or backups"
    assert sorted(p.name for p in home.iterdir()) == ["page"], "the demo wrote outside --out"
    return done, page, out, seconds


def facts(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="demo-facts">(.*?)</script>', page, re.S)
    assert found, "the page has no facts of the run"
    return json.loads(found[1])


def section(page: str, anchor: str) -> str:
    """The HTML of the element with ``id=anchor`` up to the next section of the page."""
    start = page.index(f'id="{anchor}"')
    end = page.find('<section class="place"', start + 1)
    return page[start : end if end > 0 else len(page)]


def test_the_demo_runs_without_a_token_and_says_where_the_page_is(two_days) -> None:
    done, page, out, seconds = two_days
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (out / "index.html").resolve().as_uri() in done.stdout
    assert page.startswith("<!doctype html>")
    assert seconds < 60


def test_no_discord_rule_was_broken_and_nothing_left_127_0_0_1(two_days) -> None:
    _, page, _, _ = two_days
    run = facts(page)
    assert run["violations"] == []
    assert run["hosts"] == ["127.0.0.1"]
    assert run["refused"] == []
    assert run["problems"] == [], "steps of bot/demo/week.py the bot answered differently than scripted"
    assert run["days"] == 2


def test_the_question_post_and_the_reveal_with_both_answers(two_days) -> None:
    """Day 1's post, and under it the thread where both partners' answers are revealed."""
    _, page, _, _ = two_days
    channel = section(page, "v0-us")
    post = re.search(
        r'class="embed-title">Day 1 · .*?class="embed-description"><strong>(.*?)</strong>', channel
    )
    assert post, "no question post for day 1"
    question = html.unescape(post[1])
    thread = channel.index('<div class="thread"', post.end())
    reveal = channel[thread : channel.index("Day 2 · ", thread)]
    assert "both answered" in reveal
    for partner, here, there in ((0, "Lisbon", "Seoul"), (1, "Seoul", "Lisbon")):
        answer = story.answer(partner, question, 1, here, there)
        assert html.escape(answer, quote=False) in reveal


def test_a_check_in_dm_in_each_partners_view(two_days) -> None:
    _, page, _, _ = two_days
    for view, partner in (("v0", "Jun"), ("v1", "Maya")):
        dms = section(page, f"{view}-dm")
        assert "Checked in for today" in dms
        assert 'data-custom-id="closer:checkin:' in dms  # the mood buttons
        assert f"{partner} checked in" in dms  # the partner's check-in, told by DM


def test_the_memory_with_its_photo(two_days) -> None:
    _, page, _, _ = two_days
    jun = section(page, "v1-us")
    assert story.MEMORY_TITLE in jun
    photo = base64.b64encode(story.sample_photo()).decode()
    assert f'<img class="embed-image" src="data:image/jpeg;base64,{photo}"' in jun
    assert "Only you can see this" in jun


def test_times_are_in_the_viewers_zone(two_days) -> None:
    """The first question is posted at 09:00 in Lisbon: 17:00 in Seoul."""
    _, page, _, _ = two_days
    maya, jun = section(page, "v0-us"), section(page, "v1-us")
    first_post = re.compile(
        r"<time [^>]*>(\d\d:\d\d)</time></div><div class=\"embed\"[^>]*><div class=\"embed-main\"><div class=\"embed-title\">Day 1 "
    )
    assert first_post.search(maya)[1] == "09:00"  # type: ignore[index]
    assert first_post.search(jun)[1] == "17:00"  # type: ignore[index]


def test_a_day_by_day_index_in_each_view(two_days) -> None:
    """Each view opens with the days in that partner's dates, linking the shared channel's day."""
    _, page, _, _ = two_days
    for view in ("v0", "v1"):
        index = page[page.index(f'id="{view}-index"') : page.index(f'id="{view}-us"')]
        assert 'href="#' + view + '-us-2026-05-11"' in index
        assert 'href="#' + view + '-us-2026-05-12"' in index
        assert f'id="{view}-us-2026-05-11"' in page  # the divider it links to
        assert "answers the daily question" in index


def test_bad_arguments_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--days", "0"]) == 2
    assert "--days" in capsys.readouterr().err
    assert main(["demo", "--zones", "Lisbon"]) == 2
    assert "two zones" in capsys.readouterr().err
    assert main(["demo", "--zones", "Lisbon,Atlantis"]) == 2
    assert "Atlantis" in capsys.readouterr().err
