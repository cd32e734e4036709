"""What the letters tests share: writing a letter through the real form, and reading DMs."""

from __future__ import annotations

from emulator import Fake, InteractionResult
from emulator.results import Msg
from emulator.state import User


async def write_letter(
    fake: Fake, user: User, to_open: str, title: str, text: str, *, when: str | None = None
) -> InteractionResult:
    """``/letter write to_open`` as ``user`` and the form submitted (``when``: the form's own
    "To open" field changed before sending)."""
    form = await fake.slash(user, "letter write", to_open=to_open)
    assert form.modal is not None, form.text
    values = {"title": title, "letter": text}
    if when is not None:
        values["to_open"] = when
    done = await fake.submit_modal(form, values, user)
    await fake.idle()
    return done


def letter_dms(fake: Fake, user: User) -> list[Msg]:
    """The letters ``user`` received by DM (their cards)."""
    return [
        m
        for m in fake.dms(user)
        if m.embed and "A letter from" in (m.embed.get("author") or {}).get("name", "")
    ]


def dm_text(fake: Fake, user: User) -> str:
    return "\n".join(m.text for m in fake.dms(user))
