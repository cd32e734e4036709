"""Letters for later: writing, changing, withdrawing and opening letters, and their deliveries
(no interaction handling).

- A **time capsule** (``open_on``) is a personal one-off of kind :data:`KIND_CAPSULE` owned by the
  recipient, at :data:`MORNING` on its day in their zone (so a DST change between writing and
  arriving changes nothing); the scheduler holds it past their quiet hours and through the DM
  budget, delivers it exactly once, and after downtime late (its deadline is a year: a letter is
  never dropped for having waited).
- A **sealed letter** (``occasion``) waits for its recipient to open it (``/letter open``). They
  hear of it once by DM (:data:`KIND_NOTICE`), and its writer hears once when it was opened.
- The text of a letter reaches its recipient only by DM to them (closed DMs: a note without it in
  the shared channel, and ``/letter list``), never before it is theirs to read.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import discord

from bot.clock import Clock
from bot.db.models import Couple, Partner
from bot.db.repositories.dates import DateRepository
from bot.db.repositories.letters import BODY_LIMIT, TITLE_LIMIT, Letter, LetterRepository
from bot.errors import UserError
from bot.scheduler import DeliveryFailed, Kind, Messenger, Occurrence, Scheduler, Sent
from cogs.letters.embeds import closed_dms_note, letter_card, opened_notice, sealed_notice
from cogs.letters.rules import (
    KIND_CAPSULE,
    KIND_NOTICE,
    MORNING,
    ToOpen,
    arrival,
    morning_of,
    next_yearly,
    parse_to_open,
    recipient_today,
)
from cogs.letters.views import reply_view

log = logging.getLogger(__name__)

CAPSULE_DEADLINE = timedelta(days=365)
NOTICE_DEADLINE = timedelta(days=3)


class LetterService:
    def __init__(
        self,
        repo: LetterRepository,
        dates: DateRepository,
        scheduler: Scheduler,
        clock: Clock,
        messenger: Messenger,
    ) -> None:
        self.repo = repo
        self.dates = dates
        self.scheduler = scheduler
        self.clock = clock
        self.messenger = messenger

    def kinds(self) -> tuple[Kind, ...]:
        return (
            Kind(KIND_CAPSULE, self.deliver_capsule, lambda o: o.fire_at + CAPSULE_DEADLINE),
            Kind(KIND_NOTICE, self.deliver_notice, lambda o: o.fire_at + NOTICE_DEADLINE),
        )

    # -- reading what the writer typed ----------------------------------------------------------------

    async def to_open(self, couple: Couple, writer: Partner, text: str) -> ToOpen:
        """``to_open`` read for a letter to the other partner (days are theirs: their today, their
        morning); a :class:`UserError` naming the option when it can't be."""
        recipient = couple.other(writer.user_id)
        now = self.clock.now()
        today = recipient_today(couple, recipient, now)
        anniversaries = [d for d in await self.dates.for_guild(couple.guild_id) if d.kind == "anniversary"]
        anniversary = (
            next_yearly(anniversaries[0].month, anniversaries[0].day, today) if anniversaries else None
        )
        if anniversary is not None and arrival(couple, recipient, anniversary) <= now:
            anniversary = next_yearly(anniversary.month, anniversary.day, today + timedelta(days=1))
        found = parse_to_open(text, today, anniversary)
        if found.open_on is not None and arrival(couple, recipient, found.open_on) <= now:
            raise UserError(
                f"`to_open`: it's already past {MORNING:%H:%M} on {found.open_on:%d %B %Y} for "
                f"{recipient.display_name}, when a letter for that day would arrive. Choose tomorrow or later, "
                "or an occasion like `when you miss me`."
            )
        return found

    @staticmethod
    def check_text(title: str, body: str) -> tuple[str, str]:
        title, body = " ".join(title.split()), body.strip()
        if not title:
            raise UserError("Your letter needs a title (up to 100 characters).")
        if not body:
            raise UserError("Your letter was empty. Write something in it (up to 4,000 characters).")
        if len(title) > TITLE_LIMIT:
            raise UserError(f"The title can be up to {TITLE_LIMIT} characters (yours has {len(title)}).")
        if len(body) > BODY_LIMIT:
            raise UserError(f"A letter can be up to {BODY_LIMIT:,} characters (yours has {len(body):,}).")
        return title, body

    # -- writing, changing, withdrawing ------------------------------------------------------------

    async def write(self, couple: Couple, writer: Partner, when: ToOpen, title: str, body: str) -> Letter:
        title, body = self.check_text(title, body)
        recipient = couple.other(writer.user_id)
        letter = await self.repo.add(
            guild_id=couple.guild_id,
            from_user=writer.user_id,
            to_user=recipient.user_id,
            title=title,
            body=body,
            open_on=when.open_on,
            occasion=when.occasion,
            now=self.clock.now(),
        )
        if letter.capsule:
            await self.plan_capsule(couple, letter)
        else:
            await self.notice(couple, letter, "sealed", recipient)
        return letter

    async def owned(self, couple: Couple, writer: Partner, letter_id: int) -> Letter:
        """A letter ``writer`` may still change: theirs, and not yet delivered or opened."""
        letter = await self.repo.get(letter_id, couple.guild_id)
        if letter is None or letter.from_user != writer.user_id:
            raise UserError("That isn't a letter you wrote here. `/letter list` shows yours.")
        if not letter.waiting:
            raise UserError(self.too_late(couple, letter))
        return letter

    @staticmethod
    def too_late(couple: Couple, letter: Letter) -> str:
        done = "opened" if letter.opened_at else "delivered"
        return (
            f"“{letter.title}” was already {done}: {couple.name_of(letter.to_user)} has read it, "
            "so it can't be changed or withdrawn any more."
        )

    async def edit(
        self, couple: Couple, writer: Partner, letter_id: int, when: ToOpen, title: str, body: str
    ) -> Letter:
        title, body = self.check_text(title, body)
        before = await self.owned(couple, writer, letter_id)
        letter = await self.repo.update(
            letter_id,
            couple.guild_id,
            writer.user_id,
            title=title,
            body=body,
            open_on=when.open_on,
            occasion=when.occasion,
            now=self.clock.now(),
        )
        if letter is None:
            fresh = await self.repo.get(letter_id, couple.guild_id)
            raise UserError(self.too_late(couple, fresh or before))
        if letter.capsule:
            await self.plan_capsule(couple, letter)
        else:
            await self.cancel(couple, KIND_CAPSULE, str(letter.id))
            if before.capsule:
                await self.notice(couple, letter, "sealed", couple.other(writer.user_id))
        return letter

    async def withdraw(self, couple: Couple, writer: Partner, letter_id: int) -> Letter:
        before = await self.owned(couple, writer, letter_id)
        letter = await self.repo.withdraw(letter_id, couple.guild_id, writer.user_id)
        if letter is None:
            fresh = await self.repo.get(letter_id, couple.guild_id)
            raise UserError(self.too_late(couple, fresh or before))
        await self.cancel(couple, KIND_CAPSULE, str(letter.id))
        return letter

    async def cancel(self, couple: Couple, kind: str, key: str) -> None:
        """Drop one letter's schedule (by its exact key: letter 1's is not letter 12's)."""
        schedule = await self.scheduler.repo.find(kind, couple.guild_id, key)
        if schedule is not None:
            await self.scheduler.cancel(schedule.id)

    # -- opening -----------------------------------------------------------------------------------

    async def waiting_for(self, couple: Couple, recipient: Partner) -> tuple[list[Letter], list[Letter]]:
        """(sealed letters ``recipient`` may open, capsules on their way to them)."""
        sealed = await self.repo.sealed_for(couple.guild_id, recipient.user_id)
        coming = await self.repo.capsules_coming(couple.guild_id, recipient.user_id)
        return sealed, coming

    async def open(self, couple: Couple, recipient: Partner, letter_id: int) -> Letter:
        """Open a sealed letter addressed to ``recipient`` (once); its writer hears of it once."""
        letter = await self.repo.mark_opened(letter_id, couple.guild_id, recipient.user_id, self.clock.now())
        if letter is None:
            existing = await self.repo.get(letter_id, couple.guild_id)
            if existing is not None and existing.to_user == recipient.user_id and existing.opened_at:
                raise UserError(
                    f"You opened “{existing.occasion}” already. It's in `/letter list` (all of it with `/letter read`)."
                )
            raise UserError(
                "That letter isn't waiting for you any more. `/letter open` shows those that are."
            )
        await self.notice(couple, letter, "opened", couple.partner(letter.from_user))
        return letter

    async def readable(self, couple: Couple, reader: Partner, letter_id: int) -> Letter:
        """A letter ``reader`` may read in full: theirs, or delivered or opened to them."""
        letter = await self.repo.get(letter_id, couple.guild_id)
        if letter is not None and (
            letter.from_user == reader.user_id or (letter.to_user == reader.user_id and not letter.waiting)
        ):
            return letter
        raise UserError("That isn't a letter you can read yet. `/letter list` shows the ones you can.")

    # -- the deliveries ----------------------------------------------------------------------------

    async def plan_capsule(self, couple: Couple, letter: Letter) -> None:
        recipient = couple.partner(letter.to_user)
        if recipient is None or letter.open_on is None or not letter.waiting:
            return
        await self.scheduler.once(
            KIND_CAPSULE,
            guild_id=couple.guild_id,
            key=str(letter.id),
            when=morning_of(couple, recipient, letter.open_on),
            label=f"A letter for {recipient.display_name}",
            owner_id=recipient.user_id,
            personal=True,
            payload={"letter": letter.id},
        )

    async def replan(self, couple: Couple) -> None:
        """A zone, trip or quiet hours changed, or an import restored the space: each capsule still
        on its way comes at its recipient's morning (where they are then)."""
        for letter in await self.repo.capsules_coming(couple.guild_id):
            try:
                await self.plan_capsule(couple, letter)
            except Exception:
                log.exception("Could not plan letter %s of server %s", letter.id, couple.guild_id)

    async def notice(self, couple: Couple, letter: Letter, what: str, to: Partner | None) -> None:
        """A short DM, once, through the DM budget: "a sealed letter waits" or "it was opened".
        News still waiting for the same partner (their quiet hours, the budget) takes this letter
        too: five letters opened in a row make one message, not five."""
        if to is None:
            return
        for waiting in await self.scheduler.repo.for_guild(couple.guild_id, KIND_NOTICE):
            ids = [int(i) for i in waiting.payload.get("letters", [])]
            if (
                waiting.owner_id == to.user_id
                and waiting.next_due is not None
                and waiting.payload.get("what") == what
            ):
                await self.scheduler.repo.set_payload(
                    waiting.id, {**waiting.payload, "letters": [*ids, letter.id]}
                )
                return
        schedule = await self.scheduler.once(
            KIND_NOTICE,
            guild_id=couple.guild_id,
            key=f"{what}:{letter.id}",
            when=self.clock.now(),
            label=f"Letter news for {to.display_name}",
            owner_id=to.user_id,
            personal=True,
            payload={"letters": [letter.id], "what": what},
        )
        if schedule.fire_at is not None and schedule.fire_at <= self.clock.now():
            await self.scheduler.process(schedule.id)

    async def deliver_capsule(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        letter = await self.repo.get(int(occurrence.payload.get("letter", 0)))
        if couple is None or letter is None or letter.guild_id != couple.guild_id or not letter.waiting:
            return None  # withdrawn or already delivered: nothing to send
        card = letter_card(letter, couple)
        try:
            sent = await occurrence.send_dm(
                letter.to_user, embed=card, view=reply_view(couple, letter), fallback=False
            )
        except DeliveryFailed:
            # Their DMs are closed: the shared channel hears that a letter came, never what it says.
            sent = await occurrence.send_dm(
                letter.to_user, nonce_suffix="n", content=closed_dms_note(couple, letter)
            )
        await self.repo.mark_delivered(letter.id, self.clock.now())
        return sent

    async def deliver_notice(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        owner = occurrence.schedule.owner_id
        if couple is None or owner is None:
            return None
        letters = [
            letter
            for letter_id in occurrence.payload.get("letters", [])
            if (letter := await self.repo.get(int(letter_id), couple.guild_id)) is not None
        ]
        if occurrence.payload.get("what") == "opened":
            told = [letter for letter in letters if letter.from_user == owner and letter.opened_at]
            text = opened_notice(couple, told) if told else None
        else:
            # Opened, withdrawn or made a capsule before the news went: those go unsaid.
            waiting = [x for x in letters if x.to_user == owner and x.occasion and x.opened_at is None]
            text = sealed_notice(couple, waiting) if waiting else None
        if text is None:
            return None
        return await occurrence.send_dm(owner, content=text)

    async def send_opened(self, couple: Couple, letter: Letter) -> bool:
        """The opened letter to its recipient by DM, right away: they asked for it now, so no budget
        holds it (it is the answer to their own action). False when their DMs are closed."""
        try:
            await self.messenger.to_user(
                letter.to_user, embed=letter_card(letter, couple), view=reply_view(couple, letter)
            )
        except discord.HTTPException as error:  # DMs closed, or Discord failing: the reply shows it instead
            log.info("Could not DM an opened letter (%s)", error)
            return False
        return True

    def now(self) -> datetime:
        return self.clock.now()
