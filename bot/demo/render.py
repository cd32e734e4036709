"""One partner's view of a place, drawn like Discord: messages, embeds, buttons, images, threads.

A :class:`View` is what one partner sees: every time in their zone, the ephemeral replies meant for
them (marked "Only you can see this") and nobody else's, and their own presses and forms. Images
are inlined as ``data:`` URIs; every text is escaped (``bot.demo.markdown``).
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.demo.markdown import Context, inline, render
from bot.demo.transcript import Action, File, Message, Person, Place, Transcript

BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "secondary"}
SELECTS = (3, 5, 6, 7, 8)
DEFAULT_BAR = "#1e1f22"
AVATAR_COLOURS = ("#e8788a", "#3fa796")
ATTACHMENT_URL = re.compile(r"/(?:ephemeral-)?attachments/\d+/(\d+)/")

Item = Message | Action


@dataclass(frozen=True)
class View:
    transcript: Transcript
    viewer: Person
    prefix: str  # "v0": anchors of this view are unique in the page

    def context(self, sent: datetime) -> Context:
        names = self.transcript.names
        return Context(
            zone=self.viewer.zone,
            sent=sent,
            name_of=names.get,
            channel_of=names.get,
            link_of=self.place_anchor,
        )

    def anchor(self, message_id: int) -> str:
        return f"{self.prefix}-m{message_id}"

    def place_anchor(self, channel_id: int) -> str | None:
        t = self.transcript
        if channel_id == t.channel.id:
            return f"{self.prefix}-us"
        if channel_id in t.threads:
            return f"{self.prefix}-t{channel_id}"
        return None

    def day_anchor(self, place: str, day: date) -> str:
        return f"{self.prefix}-{place}-{day.isoformat()}"

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.viewer.zone)

    def sees(self, item: Item) -> bool:
        if isinstance(item, Action):
            return item.user_id == self.viewer.id
        return not item.ephemeral or item.for_user == self.viewer.id

    def items(self, place: Place) -> list[Item]:
        """What this partner sees in ``place``, in the order it happened."""
        acts = [a for a in self.transcript.actions if a.channel_id == place.id]
        everything: list[Item] = [*place.messages, *acts]
        return sorted((i for i in everything if self.sees(i)), key=lambda i: float(i.id))


# -- a list of messages --------------------------------------------------------------------------


def timeline(view: View, place: Place, *, dividers: str | None = None) -> str:
    """The items of ``place`` this partner sees; with ``dividers`` (the place's anchor name), a
    divider with an anchor wherever their local date changes."""
    out: list[str] = []
    last: date | None = None
    for item in view.items(place):
        day = view.local(item.at).date()
        if dividers is not None and day != last:
            label = f"{day:%A}, {day.day} {day:%B %Y}"
            out.append(
                f'<div class="divider" id="{view.day_anchor(dividers, day)}"><span>{label}</span></div>'
            )
        stamp = None if dividers is not None or last is None or day == last else day
        last = day
        out.append(action_html(view, item) if isinstance(item, Action) else message_html(view, item, stamp))
    return "".join(out)


def avatar(view: View, author_id: int, name: str, bot: bool) -> str:
    if bot:
        return '<div class="avatar bot" aria-hidden="true">♥</div>'
    person = view.transcript.person(author_id)
    colour = AVATAR_COLOURS[person.index % 2] if person else "#80848e"
    return f'<div class="avatar" style="background:{colour}" aria-hidden="true">{html.escape(name[:1].upper())}</div>'


def message_html(view: View, msg: Message, day: date | None = None) -> str:
    ctx = view.context(msg.edited or msg.at)  # "in 2 hours" as of when it last changed
    local = view.local(msg.at)
    shown = f"{local:%a} {local.day} {local:%b}, {local:%H:%M}" if day else f"{local:%H:%M}"
    full = f"{local:%A}, {local.day} {local:%B %Y} {local:%H:%M} ({view.viewer.zone.key})"
    parts = [f'<article class="msg{" ephemeral" if msg.ephemeral else ""}" id="{view.anchor(msg.id)}">']
    if msg.command and msg.for_user is not None:
        who = view.transcript.names.get(msg.for_user, "someone")
        parts.append(
            f'<div class="used"><span class="used-line"></span><b>{html.escape(who)}</b> used '
            f'<span class="cmd">{html.escape(msg.command)}</span></div>'
        )
    parts.append(avatar(view, msg.author_id, msg.author, msg.bot))
    parts.append('<div class="body"><div class="head">')
    parts.append(f'<span class="author">{html.escape(msg.author)}</span>')
    if msg.bot:
        parts.append('<span class="tag">APP</span>')
    parts.append(f'<time title="{html.escape(full)}">{shown}</time></div>')
    if msg.content:
        parts.append(f'<div class="content">{render(msg.content, ctx)}</div>')
    used = {e.get("image", {}).get("url", "") for e in msg.embeds} | {
        e.get("thumbnail", {}).get("url", "") for e in msg.embeds
    }
    parts.extend(embed_html(view, embed, msg, ctx) for embed in msg.embeds)
    parts.append(files_html(msg, used))
    parts.append(components_html(view, msg.components, msg, ctx))
    if msg.ephemeral:
        parts.append(
            '<div class="only-you"><span class="eye">👁</span> Only you can see this · '
            '<span class="link">Dismiss message</span></div>'
        )
    if msg.thread_id is not None and msg.thread_id in view.transcript.threads:
        parts.append(thread_html(view, view.transcript.threads[msg.thread_id]))
    parts.append("</div></article>")
    return "".join(parts)


def thread_html(view: View, thread: Place) -> str:
    count = sum(1 for m in thread.messages if not m.ephemeral)
    noun = "message" if count == 1 else "messages"
    return (
        f'<div class="thread" id="{view.place_anchor(thread.id)}"><div class="thread-head">'
        f'<span class="thread-icon">🧵</span> <b>{html.escape(thread.name)}</b> '
        f'<span class="muted">· {count} {noun}</span></div>'
        f'<div class="thread-body">{timeline(view, thread)}</div></div>'
    )


def action_html(view: View, action: Action) -> str:
    local = view.local(action.at)
    if action.kind == "form":
        rows = "".join(
            f"<dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd>" for label, value in action.fields
        )
        return (
            f'<div class="action form"><span class="action-time">{local:%H:%M}</span>'
            f'<div class="form-card"><div class="form-title">📝 You sent the form '
            f"<b>{html.escape(action.title)}</b></div><dl>{rows}</dl></div></div>"
        )
    return (
        f'<div class="action"><span class="action-time">{local:%H:%M}</span>'
        f"<span>🖱️ You pressed <b>{html.escape(action.title)}</b></span></div>"
    )


# -- embeds, files, components ---------------------------------------------------------------------


def colour(value: Any) -> str:
    return f"#{int(value):06x}" if isinstance(value, int) and value > 0 else DEFAULT_BAR


def embed_html(view: View, embed: dict[str, Any], msg: Message, ctx: Context) -> str:
    parts = [
        f'<div class="embed" style="border-left-color:{colour(embed.get("color"))}"><div class="embed-main">'
    ]
    author = embed.get("author") or {}
    if author.get("name"):
        parts.append(f'<div class="embed-author">{inline(author["name"], ctx)}</div>')
    if embed.get("title"):
        parts.append(f'<div class="embed-title">{inline(embed["title"], ctx)}</div>')
    if embed.get("description"):
        parts.append(f'<div class="embed-description">{render(embed["description"], ctx)}</div>')
    fields = embed.get("fields") or []
    if fields:
        parts.append('<div class="fields">')
        for field in fields:
            kind = "field inline" if field.get("inline") else "field"
            parts.append(
                f'<div class="{kind}"><div class="field-name">{inline(field.get("name", ""), ctx)}</div>'
                f'<div class="field-value">{render(field.get("value", ""), ctx)}</div></div>'
            )
        parts.append("</div>")
    image = image_src(view, (embed.get("image") or {}).get("url", ""), msg)
    if image:
        parts.append(f'<img class="embed-image" src="{image}" alt="">')
    footer = (embed.get("footer") or {}).get("text")
    stamp = embed.get("timestamp")
    if footer or stamp:
        bits = [inline(footer, ctx)] if footer else []
        if stamp:
            local = view.local(datetime.fromisoformat(stamp))
            bits.append(f"{local.day} {local:%b %Y} {local:%H:%M}")
        parts.append(f'<div class="embed-footer">{" • ".join(bits)}</div>')
    parts.append("</div>")
    thumbnail = image_src(view, (embed.get("thumbnail") or {}).get("url", ""), msg)
    if thumbnail:
        parts.append(f'<img class="embed-thumbnail" src="{thumbnail}" alt="">')
    parts.append("</div>")
    return "".join(parts)


def data_uri(file: File) -> str:
    return f"data:{html.escape(file.content_type)};base64,{base64.b64encode(file.data).decode()}"


def image_src(view: View, url: str, msg: Message) -> str | None:
    """An image as a data: URI: an attachment of the message, or a file the emulator holds. Any
    other address is not fetched (the page is self-contained)."""
    if url.startswith("attachment://"):
        name = url.removeprefix("attachment://")
        found = next((f for f in msg.files if f.filename == name), None)
        return data_uri(found) if found and found.is_image else None
    match = ATTACHMENT_URL.search(url)
    if match:
        stored = view.transcript.files.get(int(match[1]))
        return data_uri(stored) if stored and stored.is_image else None
    return None


def files_html(msg: Message, used: set[str]) -> str:
    out = []
    for file in msg.files:
        if f"attachment://{file.filename}" in used:
            continue  # shown inside its embed, as Discord does
        if file.is_image:
            out.append(f'<img class="attachment" src="{data_uri(file)}" alt="{html.escape(file.filename)}">')
        else:
            size = f"{len(file.data) / 1024:.1f} KB"
            out.append(
                f'<div class="file"><span class="file-icon">📄</span><span>{html.escape(file.filename)}'
                f'<br><span class="muted">{size}</span></span></div>'
            )
    return "".join(out)


def components_html(view: View, components: Iterable[dict[str, Any]], msg: Message, ctx: Context) -> str:
    out = []
    for component in components:
        kind = component.get("type")
        if kind == 1:
            inner = "".join(control_html(c) for c in component.get("components") or [])
            out.append(f'<div class="row">{inner}</div>')
        elif kind == 10:
            out.append(f'<div class="content">{render(component.get("content", ""), ctx)}</div>')
        elif kind == 14:
            out.append('<hr class="separator">')
        elif kind in (9, 17):
            accent = colour(component.get("accent_color"))
            inner = components_html(view, component.get("components") or [], msg, ctx)
            out.append(f'<div class="container" style="border-left-color:{accent}">{inner}</div>')
        elif kind == 12:
            for item in component.get("items") or []:
                src = image_src(view, (item.get("media") or {}).get("url", ""), msg)
                if src:
                    out.append(f'<img class="attachment" src="{src}" alt="">')
    return "".join(out)


def control_html(component: dict[str, Any]) -> str:
    kind = component.get("type")
    disabled = " disabled" if component.get("disabled") else ""
    if kind == 2:
        style = BUTTON_STYLES.get(int(component.get("style") or 2), "secondary")
        emoji = (component.get("emoji") or {}).get("name") or ""
        label = html.escape(str(component.get("label") or ""))
        custom_id = html.escape(str(component.get("custom_id") or ""))
        icon = '<span class="ext">↗</span>' if style == "link" else ""
        text = " ".join(p for p in (html.escape(emoji), label) if p)
        return f'<span class="btn {style}{disabled}" data-custom-id="{custom_id}">{text}{icon}</span>'
    if kind in SELECTS:
        placeholder = html.escape(str(component.get("placeholder") or "Make a selection"))
        return f'<span class="select{disabled}">{placeholder}<span class="chevron">⌄</span></span>'
    return ""
