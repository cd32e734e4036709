"""The demo page: one self-contained HTML file with both partners' views and a day-by-day index.

Each view (switched with the tabs at the top, no script needed) shows the server's shared channel
with its threads and that partner's DMs with Closer, every time in their zone, and an index of the
days. The facts of the run (days, time taken, Discord-rule violations, where it connected) close
the page, also as JSON in ``<script id="demo-facts">`` for tests. A page address ending in
``#shot=<view>,<id>,<id>...`` shows only those elements (for the README's screenshots).
"""

from __future__ import annotations

import html
import json
from datetime import date, datetime
from importlib import resources

from bot.demo.markdown import inline
from bot.demo.render import View, timeline
from bot.demo.transcript import Message, Transcript


def asset(name: str) -> str:
    return resources.files("bot.demo").joinpath(f"assets/{name}").read_text(encoding="utf-8")


def page(transcript: Transcript) -> str:
    people = transcript.people
    views = [View(transcript, person, f"v{person.index}") for person in people]
    title = f"Closer demo: a week of {people[0].name} and {people[1].name}"
    radios = "".join(
        f'<input type="radio" name="view" id="as-{v.viewer.index}" class="tab-radio"'
        f"{' checked' if v.viewer.index == 0 else ''}>"
        for v in views
    )
    tabs = "".join(
        f'<label for="as-{v.viewer.index}">As {html.escape(v.viewer.name)} '
        f'<span class="muted">· {html.escape(v.viewer.city)}</span></label>'
        for v in views
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{asset('page.css')}</style></head><body>"
        f'{intro(transcript)}{radios}<nav class="tabs">{tabs}</nav>'
        + "".join(view_html(v) for v in views)
        + f"{facts_html(transcript)}<script>{asset('page.js')}</script></body></html>"
    )


def intro(t: Transcript) -> str:
    a, b = t.people
    days = t.facts.days
    return (
        '<header class="intro"><h1>A week with Closer</h1>'
        f"<p>{html.escape(a.name)} lives in {html.escape(a.city)}, {html.escape(b.name)} in "
        f"{html.escape(b.city)}. This is what Closer posted in their shared server and sent each of "
        f"them over {days} day{'s' if days != 1 else ''}, with what they did in between. "
        "Choose whose screen to look through: every time is shown in that partner's zone, as "
        "Discord shows it, and replies only one of them could see appear only in their view.</p>"
        '<p class="muted">Made by <code>python -m bot demo</code>: the real Closer bot, run against '
        "a Discord emulator on this machine with a controlled clock. Nothing here is mocked up; "
        "nothing went to Discord.</p></header>"
    )


def view_html(view: View) -> str:
    t = view.transcript
    p = view.prefix
    threads = "".join(
        f'<a class="sub" href="#{view.place_anchor(thread.id)}">🧵 {html.escape(thread.name)}</a>'
        for thread in t.threads.values()
    )
    dm = t.dms.get(view.viewer.id)
    sidebar = (
        f'<nav class="sidebar"><div class="server">{html.escape(t.server)}</div>'
        f'<a href="#{p}-index">📅 Day by day</a><div class="cat">Text channels</div>'
        f'<a href="#{p}-us"># {html.escape(t.channel.name)}</a>{threads}'
        f'<div class="cat">Direct messages</div><a href="#{p}-dm">'
        f'<span class="dot"></span>{html.escape(t.bot_name)}</a></nav>'
    )
    channel = (
        f'<section class="place" id="{p}-us"><h2 class="place-head"><span class="hash">#</span>'
        f'{html.escape(t.channel.name)}<span class="muted"> · shared with your partner</span></h2>'
        f"{timeline(view, t.channel, dividers='us')}</section>"
    )
    dms = ""
    if dm is not None:
        dms = (
            f'<section class="place" id="{p}-dm"><h2 class="place-head"><span class="hash">@</span>'
            f'{html.escape(t.bot_name)}<span class="muted"> · your direct messages</span></h2>'
            f"{timeline(view, dm, dividers='dm')}</section>"
        )
    return (
        f'<section class="view" id="view-{view.viewer.index}"><div class="app">{sidebar}<main>'
        f"{index_html(view)}{channel}{dms}</main></div></section>"
    )


# -- the day-by-day index ----------------------------------------------------------------------


def summary(view: View, msg: Message) -> str:
    """One line for a post: its embed's title, else its first line of words."""
    ctx = view.context(msg.at)
    for embed in msg.embeds:
        if embed.get("title"):
            return inline(embed["title"], ctx)
    for line in msg.content.split("\n"):
        words = " ".join(w for w in line.split() if not (w.startswith("<@") and w.endswith(">")))
        if words:
            return inline(words.removeprefix("-# ")[:140], ctx)
    return "a post"


def index_html(view: View) -> str:
    t = view.transcript
    entries: list[tuple[datetime, float, str, str | None]] = []
    for moment in t.moments:
        mark = "" if moment.ok else ' <span class="warn">(did not go as scripted)</span>'
        text = f"<b>{html.escape(moment.who)}</b> {html.escape(moment.description)}{mark}"
        entries.append((moment.at, 0.0, text, None))
    channel_posts = [m for m in t.channel.messages if m.bot and not m.ephemeral]
    for msg in channel_posts:
        entries.append(
            (
                msg.at,
                float(msg.id),
                f"# {html.escape(t.channel.name)}: {summary(view, msg)}",
                view.anchor(msg.id),
            )
        )
    dm = t.dms.get(view.viewer.id)
    for msg in dm.messages if dm else ():
        if msg.bot and not msg.ephemeral:
            entries.append((msg.at, float(msg.id), f"DM: {summary(view, msg)}", view.anchor(msg.id)))
    entries.sort(key=lambda e: (e[0], e[1]))
    days: dict[date, list[str]] = {}
    for at, _, text, anchor in entries:
        local = view.local(at)
        line = f'<span class="when">{local:%H:%M}</span> {text}'
        if anchor:
            line = f'<a href="#{anchor}">{line}</a>'
        days.setdefault(local.date(), []).append(f"<li>{line}</li>")
    blocks = []
    for day, lines in sorted(days.items()):
        links = (
            f'<a href="#{view.day_anchor("us", day)}"># {html.escape(t.channel.name)}</a> · '
            f'<a href="#{view.day_anchor("dm", day)}">DMs</a>'
        )
        blocks.append(
            f'<details class="day" open><summary><b>{day:%A}, {day.day} {day:%B}</b> '
            f'<span class="muted">· {links}</span></summary><ul>{"".join(lines)}</ul></details>'
        )
    zone = html.escape(view.viewer.zone.key)
    return (
        f'<section class="index" id="{view.prefix}-index"><h2>Day by day '
        f'<span class="muted">· times in {html.escape(view.viewer.name)}\'s zone, {zone}</span></h2>'
        f"{''.join(blocks)}</section>"
    )


# -- the facts of the run -----------------------------------------------------------------------


def facts_html(t: Transcript) -> str:
    f = t.facts
    data = {
        "days": f.days,
        "seconds": round(f.seconds, 1),
        "zones": [p.zone.key for p in t.people],
        "messages": len(t.all_messages()),
        "violations": list(f.violations),
        "hosts": list(f.hosts),
        "refused": list(f.refused),
        "problems": list(f.problems),
    }
    problems = "".join(f"<li>{html.escape(p)}</li>" for p in f.problems)
    payload = json.dumps(data).replace("</", "<\\/")
    return (
        '<footer class="facts"><h2>About this run</h2><ul>'
        f"<li>{f.days} day{'s' if f.days != 1 else ''}, played in {f.seconds:.1f} s; "
        f"{data['messages']} messages</li>"
        f"<li>Discord-rule violations recorded by the emulator: {len(f.violations)}</li>"
        f"<li>Connections: {html.escape(', '.join(f.hosts) or 'none')} only; refused: {len(f.refused)}</li>"
        f"<li>Scripted steps that did not go as planned: {len(f.problems)}</li>{problems}</ul></footer>"
        f'<script type="application/json" id="demo-facts">{payload}</script>'
    )
