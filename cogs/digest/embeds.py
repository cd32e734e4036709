"""What the weekly digest says: its lines for the week and the embeds they fill (pure)."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.db.models import Couple, Partner
from bot.db.repositories.checkins import Appreciation, Win
from bot.moods import average, format_average
from bot.ui.embeds import FIELDS_LIMIT, add_long_field, clip, embed, embed_size

DIGEST_WINS = 10  # wins listed in the digest (each links to its post)
DIGEST_WIN_CHARS = 150
DIGEST_EMBED_CHARS = 4000  # one digest embed stays well under Discord's 6,000 per message


@dataclass(frozen=True, slots=True)
class Week:
    """What the digest counts of a week: each partner's shared moods (and whether they keep
    check-ins private now), appreciations, wins."""

    moods: list[tuple[Partner, list[int], bool]]
    appreciations: list[Appreciation]
    wins: list[Win]


def week_lines(couple: Couple, week: Week) -> list[tuple[str, str]]:
    """The digest's own lines: check-in averages (over the check-ins shared), appreciations, wins.

    A check-in that shared nothing counts as none: the line reads the same as without it.
    """
    checkins = []
    for partner, moods, private_now in week.moods:
        if not moods and private_now:
            checkins.append(f"{partner.display_name}: 🔒 keeps check-ins private")
        elif not moods:
            checkins.append(f"{partner.display_name}: no check-ins shared this week")
        else:
            checkins.append(
                f"{partner.display_name}: average **{format_average(average(moods))}/5** over {len(moods)} "
                f"check-in{'s' if len(moods) != 1 else ''}"
            )
    lines = [("🌙 Check-ins", "\n".join(checkins))]

    if week.appreciations:
        counts = [
            (p.display_name, sum(1 for a in week.appreciations if a.from_user == p.user_id))
            for p in couple.partners
        ]
        lines.append(("💌 Appreciations", " · ".join(f"{name} sent {n}" for name, n in counts)))
    else:
        lines.append(("💌 Appreciations", "None this week. `/appreciate` sends your partner a kind word."))

    if week.wins:
        items = [win_line(couple, win) for win in week.wins[:DIGEST_WINS]]
        if len(week.wins) > DIGEST_WINS:
            items.append(f"…and {len(week.wins) - DIGEST_WINS} more")
        lines.append(("🏆 Wins", "\n".join(items)))
    else:
        lines.append(("🏆 Wins", "None shared this week. `/win` shares one, big or small."))
    return lines


def win_line(couple: Couple, win: Win) -> str:
    """A win in the digest: its start, linking to the post where it is in full."""
    text = clip(" ".join(win.text.split()), DIGEST_WIN_CHARS)
    if win.channel_id and win.message_id:
        text = f"[{text}](https://discord.com/channels/{couple.guild_id}/{win.channel_id}/{win.message_id})"
    cheer = " 🎉" if win.celebrated_at else ""
    return f"• {couple.name_of(win.user_id)}: {text}{cheer}"


def digest_embeds(title: str, description: str, lines: list[tuple[str, str]]) -> list[discord.Embed]:
    """The digest's (title, text) lines as fields, over as many embeds as Discord's limits need
    (``pack`` then groups them into messages)."""
    cards = [embed(title, description)]
    for name, value in lines:
        trial = embed()
        add_long_field(trial, name, value)
        for field in trial.fields:
            card = cards[-1]
            size = embed_size(card) + len(field.name or "") + len(field.value or "")
            if len(card.fields) >= FIELDS_LIMIT or size > DIGEST_EMBED_CHARS:
                card = embed()
                cards.append(card)
            card.add_field(name=field.name, value=field.value, inline=False)
    return cards
