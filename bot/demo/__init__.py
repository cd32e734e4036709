"""``python -m bot demo``: see Closer before hosting it.

Plays a scripted week of a couple in two time zones with the real ``CloserBot`` against the
Discord emulator (127.0.0.1 only, no token, no Discord) on a controlled clock and a temporary
database, then writes a self-contained page of what each partner saw (``demo/index.html``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.demo import story

MAX_DAYS = 28


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot demo",
        description="Play a week of Closer for a couple in two time zones and write it as a web page.",
    )
    parser.add_argument(
        "--days", type=int, default=7, help=f"how many days to play, 1-{MAX_DAYS} (default 7)"
    )
    parser.add_argument(
        "--zones",
        default=",".join(story.ZONES),
        help='the partners\' time zones, as cities or IANA names (default "Lisbon,Seoul")',
    )
    parser.add_argument(
        "--out", type=Path, default=Path("demo"), help="where to write index.html (default demo/)"
    )
    return parser.parse_args(argv)


def zones_of(text: str) -> tuple[ZoneInfo, ZoneInfo]:
    from bot.zones import resolve_zone

    names = [part.strip() for part in text.split(",")]
    if len(names) != 2 or not all(names):
        raise ValueError(f'--zones takes two zones separated by a comma, like "Lisbon,Seoul" (got {text!r})')
    first, second = (resolve_zone(name) for name in names)
    return first, second


def main(argv: list[str]) -> int:
    """Run the demo; 0 when the page is written, 2 for bad arguments, 1 if the run went wrong."""
    from bot.errors import UserError

    args = parse(argv)
    if not 1 <= args.days <= MAX_DAYS:
        print(f"--days must be between 1 and {MAX_DAYS} (got {args.days}).", file=sys.stderr)
        return 2
    try:
        zones = zones_of(args.zones)
    except (ValueError, UserError) as error:
        print(f"--zones: {error}", file=sys.stderr)
        return 2
    from bot.demo.run import play, write
    from bot.log import setup_logging

    setup_logging("WARNING")
    logging.getLogger("discord.client").setLevel(logging.ERROR)  # "PyNaCl is not installed": no voice here
    print(
        f"Playing {args.days} day{'s' if args.days != 1 else ''} of Closer for {story.NAMES[0]} "
        f"({zones[0].key}) and {story.NAMES[1]} ({zones[1].key})...",
        flush=True,
    )
    transcript = asyncio.run(play(args.days, zones))
    index = write(transcript, args.out)
    facts = transcript.facts
    print(
        f"Done in {facts.seconds:.1f} s: {len(transcript.all_messages())} messages, "
        f"{len(facts.violations)} Discord-rule violations, connections to {', '.join(facts.hosts) or 'nothing'} only."
    )
    for problem in facts.problems:
        print(f"  A step did not go as scripted: {problem}", file=sys.stderr)
    print(f"Open {index.resolve().as_uri()}")
    return 1 if facts.violations or facts.refused else 0
