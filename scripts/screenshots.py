"""The README's screenshots, made from the real demo: ``.venv/bin/python scripts/screenshots.py``.

Runs ``python -m bot demo`` (a week, in this process), then opens its page in headless Chromium
once per screenshot, with ``#shot=<view>,<ids>`` so the page shows only the chosen messages, and
writes a PNG per shot to ``docs/images/`` (cropped, palette-reduced to stay small).

Chromium: Debian's package, ``sudo apt-get install -y chromium`` (Ubuntu: ``chromium-browser`` or
the snap). For emoji and a close match of Discord's font: ``sudo apt-get install -y
fonts-noto-color-emoji fonts-inter``. Another binary: ``CHROMIUM=/path/to/chrome``.

``--check`` makes nothing: it says whether every shot still finds its messages in the demo.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.demo import story
from bot.demo.transcript import Message, Transcript

ROOT = Path(__file__).resolve().parent.parent

IMAGES = ROOT / "docs" / "images"
WIDTH = 640  # CSS pixels: a phone-ish column, like Discord's message list
SCALE = 2  # device pixels per CSS pixel: crisp text
BACKGROUND = (0x31, 0x33, 0x38)  # the page behind the messages (page.css --bg)

Pick = Callable[[Transcript], list[Message]]


@dataclass(frozen=True)
class Shot:
    name: str  # docs/images/<name>.png
    caption: str  # the README's alt text
    view: int  # whose screen: 0 the partner who set Closer up, 1 the other
    pick: Pick  # the messages to show, from the transcript


def channel_posts(t: Transcript) -> list[Message]:
    return [m for m in t.channel.messages if m.bot and not m.ephemeral]


def title(message: Message) -> str:
    return str((message.embeds[0] if message.embeds else {}).get("title", ""))


def question_and_reveal(t: Transcript) -> list[Message]:
    """The first day's question post, whose thread holds both answers."""
    posts = [m for m in channel_posts(t) if title(m).startswith("Day 1 ") and m.thread_id in t.threads]
    return posts[:1]


def text(message: Message) -> str:
    """Everything a message says: content, embed titles, descriptions and fields."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [str(embed.get("title", "")), str(embed.get("description", ""))]
        parts += [f"{f.get('name', '')} {f.get('value', '')}" for f in embed.get("fields") or []]
    return "\n".join(parts)


def checkin_dm(t: Transcript) -> list[Message]:
    """In the second partner's DMs: news of the first one's check-in (a low day, with an idea, if
    there is one), then their own check-in that evening."""
    viewer, partner = t.people[1], t.people[0]
    dms = [m for m in t.dms[viewer.id].messages if m.bot]
    news = [m for m in dms if not m.components and partner.name in text(m)]
    chosen = ([m for m in news if "idea" in text(m).lower()] or news)[:1]
    own = [m for m in dms if chosen and m.id > chosen[0].id and "closer:checkin:" in str(m.components)]
    return chosen + own[:1]


def call_card(t: Transcript) -> list[Message]:
    """The post at call time: the one saying so, else the last post before the memory prompt."""
    posts = channel_posts(t)
    said = [m for m in posts if "call time" in text(m).lower()]
    if said:
        return said[:1]
    prompt = next((n for n, m in enumerate(posts) if "closer:memory:new" in str(m.components)), 0)
    return posts[prompt - 1 : prompt] if prompt else []


def reply_to(command: str, view: int) -> Pick:
    def pick(t: Transcript) -> list[Message]:
        viewer = t.people[view].id
        return [m for m in t.channel.messages if m.command == command and m.for_user == viewer][-1:]

    return pick


def memory_with_photo(t: Transcript) -> list[Message]:
    return [m for m in t.channel.messages if m.command == "/memory add" and m.files][:1]


SHOTS: tuple[Shot, ...] = (
    Shot(
        "daily-question", "The daily question, and both answers revealed in a thread", 0, question_and_reveal
    ),
    Shot("checkin-dm", "Check-ins by DM: a partner's low day, an idea, and your own check-in", 1, checkin_dm),
    Shot("call-night", "The call-night card with something to talk about", 0, call_card),
    Shot(
        "mood-history", "/mood history: both partners' moods over the week", 0, reply_to("/mood history", 0)
    ),
    Shot(
        "couple-status",
        "/couple status: both local times, shared awake hours, what's next",
        1,
        reply_to("/couple status", 1),
    ),
    Shot("memory", "A memory with its photo in the shared memory book", 1, memory_with_photo),
)


def chromium() -> str:
    found = os.environ.get("CHROMIUM") or next(
        (
            shutil.which(name)
            for name in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(name)
        ),
        None,
    )
    if not found:
        sys.exit("No Chromium found: sudo apt-get install -y chromium (or set CHROMIUM=/path/to/chrome).")
    return found


def capture(browser: str, index: Path, shot: Shot, ids: list[int], target: Path) -> None:
    from PIL import Image

    anchors = ",".join(f"v{shot.view}-m{i}" for i in ids)
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "raw.png"
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--force-device-scale-factor={SCALE}",
                f"--window-size={WIDTH},2400",
                f"--screenshot={raw}",
                f"{index.as_uri()}#shot={shot.view},{anchors}",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        image = Image.open(raw).convert("RGB")
    image = image.crop((0, 0, image.width, content_height(image)))
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        target, optimize=True
    )


def content_height(image: object) -> int:
    """Where the page's content ends: the last row that is not all background, plus a margin."""
    width, height = image.size  # type: ignore[attr-defined]
    pixels = image.load()  # type: ignore[attr-defined]
    for y in range(height - 1, -1, -1):
        if any(pixels[x, y] != BACKGROUND for x in range(0, width, 3)):
            return min(height, y + 12 * SCALE)
    return height


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that every shot finds its messages")
    args = parser.parse_args()
    from bot.demo.run import play, write

    zones = (ZoneInfo("Europe/Lisbon"), ZoneInfo("Asia/Seoul"))
    assert story.ZONES == ("Lisbon", "Seoul")
    transcript = asyncio.run(play(7, zones))
    picked = {shot.name: [m.id for m in shot.pick(transcript)] for shot in SHOTS}
    missing = [name for name, ids in picked.items() if not ids]
    if missing:
        print(f"These shots found nothing to show in the demo: {', '.join(missing)}", file=sys.stderr)
        return 1
    if args.check:
        print(f"All {len(SHOTS)} shots find their messages.")
        return 0
    browser = chromium()
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        index = write(transcript, Path(folder))
        for shot in SHOTS:
            target = IMAGES / f"{shot.name}.png"
            capture(browser, index, shot, picked[shot.name], target)
            print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KB")
    stale = sorted(p.name for p in IMAGES.glob("*.png") if p.stem not in {s.name for s in SHOTS})
    for name in stale:
        print(f"docs/images/{name} is not a shot any more: delete it", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
