"""Discord's markdown, as the app shows it, turned into safe HTML.

Everything is escaped first: the couple's words are data. Then the subset Discord draws: bold,
italics, underline, strikethrough, spoilers, inline code and code blocks, quotes (``>`` and
``>>>``), headers, ``-#`` small text, lists, masked links, user and channel mentions, and
timestamps (``<t:UNIX:STYLE>``) shown in the viewing partner's zone, relative ones from the
moment the message was sent.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

TOKEN = re.compile(
    r"(?P<code>`[^`\n]+`)"
    r"|<t:(?P<ts>-?\d{1,12})(?::(?P<style>[tTdDfFR]))?>"
    r"|<@!?(?P<user>\d+)>"
    r"|<#(?P<channel>\d+)>"
    r"|<@&(?P<role>\d+)>"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<href>https?://[^\s)]+)\)"
    r"|(?P<url>https?://[^\s<>()]+[^\s<>().,;:!?'\"])"
)
EMPHASIS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"__(?=\S)(.+?)(?<=\S)__"), r"<u>\1</u>"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"<em>\1</em>"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"<s>\1</s>"),
    (re.compile(r"\|\|(.+?)\|\|"), r'<span class="spoiler">\1</span>'),
)
PLACEHOLDER = "\x00{}\x00"
HEADER = re.compile(r"^(#{1,3}) (.+)$")
LIST_ITEM = re.compile(r"^(\s*)[-*] (.+)$")
NUMBERED = re.compile(r"^(\s*)(\d{1,3})\. (.+)$")


@dataclass(frozen=True)
class Context:
    """Who is reading, where and when: mentions are resolved, times shown in ``zone``."""

    zone: ZoneInfo
    sent: datetime  # relative timestamps are read from this moment
    name_of: Callable[[int], str | None]
    channel_of: Callable[[int], str | None]
    link_of: Callable[[int], str | None] = lambda _channel: None  # an anchor for a channel


def when(instant: datetime, style: str, ctx: Context) -> str:
    """A Discord timestamp in the viewer's zone (24-hour clock, day before month)."""
    local = instant.astimezone(ctx.zone)
    if style == "t":
        return f"{local:%H:%M}"
    if style == "T":
        return f"{local:%H:%M:%S}"
    if style == "d":
        return f"{local:%d/%m/%Y}"
    if style == "D":
        return f"{local.day} {local:%B %Y}"
    if style == "F":
        return f"{local:%A}, {local.day} {local:%B %Y} {local:%H:%M}"
    if style == "R":
        return relative(instant, ctx.sent)
    return f"{local.day} {local:%B %Y} {local:%H:%M}"


def relative(instant: datetime, seen: datetime) -> str:
    """ "in 3 days", "2 hours ago": Discord's wording (moment.js thresholds)."""
    seconds = (instant - seen).total_seconds()
    text = _span(abs(seconds))
    return f"in {text}" if seconds >= 0 else f"{text} ago"


def _span(seconds: float) -> str:
    minutes, hours, days = seconds / 60, seconds / 3600, seconds / 86400
    if seconds < 45:
        return "a few seconds"
    if seconds < 90:
        return "a minute"
    if minutes < 45:
        return f"{round(minutes)} minutes"
    if minutes < 90:
        return "an hour"
    if hours < 22:
        return f"{round(hours)} hours"
    if hours < 36:
        return "a day"
    if days < 26:
        return f"{round(days)} days"
    if days < 45:
        return "a month"
    if days < 320:
        return f"{round(days / 30.4)} months"
    if days < 548:
        return "a year"
    return f"{round(days / 365)} years"


def _token(match: re.Match[str], ctx: Context) -> str:
    if match["code"]:
        return f"<code>{html.escape(match['code'][1:-1])}</code>"
    if match["ts"]:
        instant = datetime.fromtimestamp(int(match["ts"]), tz=UTC)
        style = match["style"] or "f"
        full = when(instant, "F", ctx) + f" ({ctx.zone.key})"
        return f'<time class="ts" title="{html.escape(full)}">{html.escape(when(instant, style, ctx))}</time>'
    if match["user"]:
        name = ctx.name_of(int(match["user"])) or "unknown user"
        return f'<span class="mention">@{html.escape(name)}</span>'
    if match["channel"]:
        channel_id = int(match["channel"])
        name = ctx.channel_of(channel_id) or "unknown channel"
        link = ctx.link_of(channel_id)
        inner = f"# {html.escape(name)}"
        if link:
            return f'<a class="mention" href="#{html.escape(link)}">{inner}</a>'
        return f'<span class="mention">{inner}</span>'
    if match["role"]:
        return '<span class="mention">@role</span>'
    if match["href"]:
        return _link(match["href"], inline(match["label"], ctx))
    url = match["url"]
    return _link(url, html.escape(url))


def _link(url: str, label: str) -> str:
    # A link to Discord itself would leave the page: it is shown, not followed.
    return f'<span class="link" title="{html.escape(url)}">{label}</span>'


def inline(text: str, ctx: Context) -> str:
    """One line (or a title): escaped, with emphasis, mentions, timestamps, links and code."""
    pieces: list[str] = []

    def keep(match: re.Match[str]) -> str:
        pieces.append(_token(match, ctx))
        return PLACEHOLDER.format(len(pieces) - 1)

    marked = TOKEN.sub(keep, text.replace("\x00", ""))
    out = html.escape(marked, quote=False)
    for pattern, replacement in EMPHASIS:
        out = pattern.sub(replacement, out)
    return re.sub("\x00(\\d+)\x00", lambda m: pieces[int(m[1])], out)


def render(text: str, ctx: Context) -> str:
    """A message's content or an embed's description, as HTML blocks."""
    blocks: list[str] = []
    parts = re.split(r"```(?:[a-zA-Z0-9_+-]*\n)?(.*?)```", text, flags=re.S)
    for index, part in enumerate(parts):
        if index % 2:
            blocks.append(f"<pre><code>{html.escape(part.strip(chr(10)))}</code></pre>")
        elif part:
            blocks.append(_lines(part, ctx))
    return "".join(blocks)


def _lines(text: str, ctx: Context) -> str:
    out: list[str] = []
    quote: list[str] = []
    lines = text.split("\n")
    rest_quoted = False
    for line in lines:
        if rest_quoted or line.startswith(">>> "):
            quote.append(_line(line[4:] if line.startswith(">>> ") and not rest_quoted else line, ctx))
            rest_quoted = True
            continue
        if line.startswith("> ") or line == ">":
            quote.append(_line(line[2:], ctx))
            continue
        if quote:
            out.append(f"<blockquote>{'<br>'.join(quote)}</blockquote>")
            quote = []
        out.append(_line(line, ctx, block=True))
    if quote:
        out.append(f"<blockquote>{'<br>'.join(quote)}</blockquote>")
    return _join(out)


def _line(line: str, ctx: Context, *, block: bool = False) -> str:
    if line.startswith("-# "):
        return f'<div class="subtext">{inline(line[3:], ctx)}</div>'
    header = HEADER.match(line)
    if header:
        level = len(header[1])
        return f'<div class="h{level}">{inline(header[2], ctx)}</div>'
    item = LIST_ITEM.match(line)
    if item:
        depth = " nested" if item[1] else ""
        return f'<div class="li{depth}">{inline(item[2], ctx)}</div>'
    numbered = NUMBERED.match(line)
    if numbered:
        return f'<div class="li num" data-n="{numbered[2]}.">{inline(numbered[3], ctx)}</div>'
    return inline(line, ctx)


def _join(lines: list[str]) -> str:
    """Plain lines joined by breaks; block elements need none around them."""
    out = ""
    previous_block = True
    for line in lines:
        block = line.startswith(("<div", "<blockquote", "<pre"))
        if out and not block and not previous_block:
            out += "<br>"
        out += line
        previous_block = block
    return out
