"""What a feature contributes to the export: its :class:`Section` of the document (pure) and its
:class:`ArchivePart` (reading it out of the database and writing it back).

A feature declares its part in its ``contribution()`` (``archive=(part,)``); the export document
is composed from the core fields and every registered part's section, ordered by position, so
the document and its schema are the same whatever order the features were loaded in.

- :attr:`Section.plan` turns the section's value of a document into the rows the import writes,
  after checking what the schema can't (one of the two partners, real dates and zones, no
  duplicates the database can't hold), raising :class:`~bot.archive.values.ExportRefused`.
- :meth:`ArchivePart.export` reads what the requester may see, through the feature's
  repository (privacy rules are the feature's own: a partner's unrevealed answer never goes
  out); :meth:`ArchivePart.restore` writes the planned rows inside the import's one transaction
  and returns what it counted. Schedules are not armed there: after the import, each feature
  re-arms its own on ``Hook.SPACE_RESTORED``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import GenericAlias
from typing import Annotated, Any, Generic, TypeVar

from pydantic import Field

from bot.archive.book import Book
from bot.archive.values import MANY, ExportRefused
from bot.db.connection import Tx
from bot.db.models import StoredFile

Repo = TypeVar("Repo")
Rows = Mapping[str, Any]  # a section's planned rows by table name ("question_days": (row, ...))
Counts = Sequence[tuple[str, int]]  # what a restore wrote, by what it counts ("answers", 12)


def entries(model: type[Any], limit: int = MANY) -> Any:
    """A section's schema that is a list of ``model`` (at most ``limit`` of them)."""
    return Annotated[GenericAlias(list, model), Field(max_length=limit)]


@dataclass(frozen=True, slots=True)
class Importing:
    """What a section's plan checks against: the export's two partners and when it was made."""

    partners: frozenset[int]
    exported_at: int

    def uid(self, value: str | None) -> int | None:
        """A Discord id of the document as stored; refused unless it is one of the two partners."""
        if value is None:
            return None
        number = int(value)
        if number not in self.partners:
            raise ExportRefused(f"That export names <@{number}>, who isn't one of its two partners.")
        return number

    def user(self, value: str) -> int:
        number = self.uid(value)
        assert number is not None
        return number


@dataclass(frozen=True, slots=True)
class Chapter:
    """A feature's chapter of the memory book: its place among the chapters, and its lines for
    the section's value (none: the chapter is left out)."""

    position: int
    write: Callable[[Any, Book], list[str]]


@dataclass(frozen=True, slots=True)
class Choice:
    """A schedule kind that holds a couple's own choice of time (the daily question time, a
    check-in time). The export carries its rows under the core ``schedules`` key; the import
    writes them back (not armed) and the owning feature arms them on ``Hook.SPACE_RESTORED``."""

    kind: str
    meaning: str  # for the schema: "the daily question post"
    label: str  # the schedule's label; a personal one's gets " for {name}"
    personal: bool  # follows its partner's zone (key: the partner's id) or a shared zone


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file a document names (a memory's photo): its name in the zip and what it must be."""

    file: str
    filename: str
    content_type: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Section:
    """A feature's top-level key of the document: where it sits, its schema (a pydantic model
    or an annotated list of them) and how its value comes back as rows."""

    key: str
    position: int
    schema: Any
    plan: Callable[[Any, Importing], Rows]
    chapter: Chapter | None = None
    content: Callable[[Any], Any] | None = None  # its JSON without what a move changes (own ids)
    files: Callable[[Any], Sequence[FileRef]] | None = None
    choices: Sequence[Choice] = ()
    # The format version that added this key, and its value in a file made before it (a version-1
    # file has no letters: ``added_in=2, before=[]``); an import reads the older file as if it had it.
    added_in: int = 1
    before: Any = None
    # A key an older file has, but with less in it (version 2 added each call's ``length``): its
    # value in a file of that version (given) read as this version's, filling in what was added.
    # Called with the file's JSON as it is (it may be anything: the schema judges the result).
    upgrade: Callable[[Any, int], Any] | None = None


@dataclass(frozen=True, slots=True)
class ExportRequest:
    couple_key: int  # the server id, or a kept space's key
    user_id: int  # who asked: what they may see goes out


@dataclass(frozen=True, slots=True)
class FileSource:
    """A file to put in the zip: its name there and where Closer keeps it."""

    file: str
    path: str
    size: int


@dataclass(frozen=True, slots=True)
class Exported:
    """A section's value (JSON-ready), and the files it names."""

    value: Any
    files: tuple[FileSource, ...] = ()


class ArchivePart(ABC, Generic[Repo]):
    """A feature's part of the export and the import: its :attr:`section`, and the I/O through
    the feature's repository."""

    section: Section

    def __init__(self, repo: Repo) -> None:
        self.repo = repo

    @abstractmethod
    async def export(self, request: ExportRequest) -> Exported:
        """What ``request.user_id`` may see of this section, read through the repository."""

    @abstractmethod
    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        """Write the planned rows in the import's transaction (``paths``: each named file's
        stored path); what it wrote, counted."""

    async def stored_files(self, guild_id: int) -> Sequence[StoredFile]:
        """The file rows of a server's space (a split export's later parts fill them)."""
        return ()

    async def file_stored(self, file: StoredFile, path: str) -> None:
        """A later part brought ``file`` (one of :meth:`stored_files`): it is kept at ``path`` now."""
        raise NotImplementedError(f"{type(self).__name__} keeps no files")
