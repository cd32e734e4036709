"""Paginated lists with Previous / Next buttons that keep working after restarts.

A feature lists a page source in its contribution (``pages={name: source}``): ``source(interaction,
page, arg)`` returns the :class:`Page` to show. The buttons carry the source name, the page and one
short argument in their ``custom_id``.
"""

from __future__ import annotations

import discord

from bot.errors import UserError
from bot.ui.components import CustomId, SafeCallback
from bot.ui.types import Page, PageSource, handlers_of

__all__ = ["Page", "PageButton", "PageSource", "clamp_page", "page_view", "send_pages"]

PAGE_ARG_LIMIT = 50


def clamp_page(page: int, total_items: int, per_page: int) -> tuple[int, int]:
    """(page, pages) with ``page`` moved inside the range; at least one page."""
    pages = max(1, -(-total_items // per_page))
    return min(max(page, 0), pages - 1), pages


class PageButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId(
        "closer:page:{source}:{page:int}:{arg}:{slot}",
        source=r"[a-z_]{1,20}",
        page=r"\d{1,5}",
        arg=r"[^:]{0,50}",
        slot=r"[pn]",
    ),
):
    def __init__(self, source: str, page: int, arg: str, slot: str, *, disabled: bool = False) -> None:
        self.source, self.page, self.arg = source, page, arg
        super().__init__(
            discord.ui.Button(
                label="Previous" if slot == "p" else "Next",
                emoji="◀️" if slot == "p" else "▶️",
                style=discord.ButtonStyle.secondary,
                custom_id=self.spec.build(source=source, page=page, arg=arg, slot=slot),
                disabled=disabled,
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        source = handlers_of(interaction.client).pages.get(self.source)
        if source is None:
            raise UserError("This list has expired. Please run the command again.")
        page = await source(interaction, self.page, self.arg)
        await interaction.response.edit_message(
            embed=page.embed, attachments=list(page.files), view=page_view(self.source, page, self.arg)
        )


def page_view(source: str, page: Page, arg: str = "") -> discord.ui.View | None:
    """The Previous / Next buttons for ``page`` (none when everything fits on one page)."""
    if len(arg) > PAGE_ARG_LIMIT or ":" in arg:
        raise ValueError("page argument too long for a custom_id")
    if page.pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(source, max(page.page - 1, 0), arg, "p", disabled=page.page == 0))
    view.add_item(
        PageButton(source, min(page.page + 1, page.pages - 1), arg, "n", disabled=page.page >= page.pages - 1)
    )
    return view


async def send_pages(
    interaction: discord.Interaction, source: str, arg: str = "", *, ephemeral: bool = True
) -> None:
    """Answer an interaction with the first page of ``source``."""
    page = await handlers_of(interaction.client).pages[source](interaction, 0, arg)
    view = page_view(source, page, arg)
    if view is None:
        await interaction.response.send_message(embed=page.embed, files=list(page.files), ephemeral=ephemeral)
    else:
        await interaction.response.send_message(
            embed=page.embed, files=list(page.files), ephemeral=ephemeral, view=view
        )
