"""The demo page's drawing of Discord: escaping, timestamps in the viewer's zone, mentions, embeds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.markdown import Context, inline, relative, render
from bot.demo.render import View, message_html
from bot.demo.transcript import Facts, File, Message, Person, Place, Transcript

SENT = datetime(2026, 5, 11, 8, 0, tzinfo=UTC)  # 09:00 in Lisbon, 17:00 in Seoul
LISBON, SEOUL = ZoneInfo("Europe/Lisbon"), ZoneInfo("Asia/Seoul")
NAMES = {1: "Maya", 2: "Jun", 10: "us"}


def ctx(zone: ZoneInfo = LISBON) -> Context:
    return Context(zone=zone, sent=SENT, name_of=NAMES.get, channel_of=NAMES.get)


def test_the_couples_words_are_escaped() -> None:
    """Text that looks like HTML is shown as text, in content and in emphasis alike."""
    shown = render("**<script>alert(1)</script>** & <b>bold</b>", ctx())
    assert "<script>" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "<strong>" in shown
    assert "&lt;b&gt;bold&lt;/b&gt;" in shown


def test_a_timestamp_shows_in_the_viewers_zone() -> None:
    """The same <t:...:t> is 09:00 for the partner in Lisbon and 17:00 for the one in Seoul."""
    stamp = f"<t:{int(SENT.timestamp())}:t>"
    assert ">09:00<" in inline(stamp, ctx(LISBON))
    assert ">17:00<" in inline(stamp, ctx(SEOUL))
    full = inline(f"<t:{int(SENT.timestamp())}:F>", ctx(SEOUL))
    assert "Monday, 11 May 2026 17:00" in full
    assert "Asia/Seoul" in full  # in its title


def test_relative_timestamps_read_from_when_the_message_was_sent() -> None:
    later = int(SENT.timestamp()) + 5 * 86400
    assert ">in 5 days<" in inline(f"<t:{later}:R>", ctx())
    assert relative(SENT, datetime(2026, 5, 11, 10, 0, tzinfo=UTC)) == "2 hours ago"
    assert relative(SENT, SENT) == "in a few seconds"


def test_mentions_quotes_and_small_text() -> None:
    shown = render("<@1> <@2> in <#10>\n> a quote\n-# small print\n- an item", ctx())
    assert "@Maya" in shown
    assert "@Jun" in shown
    assert "# us" in shown
    assert "<blockquote>a quote</blockquote>" in shown
    assert '<div class="subtext">small print</div>' in shown
    assert '<div class="li">an item</div>' in shown


def test_links_are_shown_not_followed() -> None:
    """The page is self-contained: a link is drawn, never an <a> that leaves it."""
    shown = inline("[your win](https://discord.com/channels/1/2/3) and https://example.com", ctx())
    assert "<a " not in shown
    assert "your win" in shown


def person(index: int, user_id: int, zone: ZoneInfo) -> Person:
    return Person(user_id, NAMES[user_id], zone, index)


def transcript(messages: tuple[Message, ...]) -> Transcript:
    channel = Place(10, "us", "channel", messages)
    facts = Facts(1, 1.0, (), ("127.0.0.1",), (), ())
    return Transcript(
        bot_name="Closer",
        server="Our place",
        people=(person(0, 1, LISBON), person(1, 2, SEOUL)),
        channel=channel,
        threads={},
        dms={},
        actions=(),
        moments=(),
        facts=facts,
        names=NAMES,
    )


def from_closer(**details: Any) -> Message:
    """A message Closer sent in #us at ``SENT``."""
    base: dict[str, Any] = {
        "id": 100,
        "channel_id": 10,
        "author_id": 99,
        "author": "Closer",
        "bot": True,
        "at": SENT,
        "edited": None,
        "content": "",
        "embeds": (),
        "components": (),
        "files": (),
    }
    return Message(**{**base, **details})


def test_an_embed_with_its_colour_fields_buttons_and_photo() -> None:
    photo = File(5, "photo.png", "image/png", b"\x89PNG...")
    msg = from_closer(
        embeds=(
            {
                "title": "Day 1",
                "description": "**A question?**",
                "color": 0xE91E63,
                "fields": [{"name": "Answers", "value": "waiting", "inline": False}],
                "image": {"url": "attachment://photo.png"},
            },
        ),
        components=(
            {"type": 1, "components": [{"type": 2, "style": 1, "label": "Answer", "custom_id": "x"}]},
        ),
        files=(photo,),
    )
    t = transcript((msg,))
    shown = message_html(View(t, t.people[0], "v0"), msg)
    assert "border-left-color:#e91e63" in shown
    assert "<strong>A question?</strong>" in shown
    assert 'class="field-name">Answers' in shown
    assert 'class="btn primary"' in shown
    assert "data:image/png;base64," in shown
    assert shown.count("data:image/png") == 1  # the attachment shows in its embed, not twice


def test_an_ephemeral_reply_is_seen_only_by_whom_it_answers() -> None:
    reply = from_closer(content="Saved.", ephemeral=True, for_user=1, command="/question answer")
    t = transcript((reply,))
    maya, jun = (View(t, p, f"v{p.index}") for p in t.people)
    assert maya.items(t.channel) == [reply]
    assert jun.items(t.channel) == []
    shown = message_html(maya, reply)
    assert "Only you can see this" in shown
    assert "used" in shown
    assert "/question answer" in shown
