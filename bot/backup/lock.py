"""The lock a running Closer holds on its data (``<database>.lock``), and the refusal of a restore."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO


class RestoreRefused(Exception):
    """A restore that must not happen (the reason, for the host, is the message)."""


class DataLock:
    """An exclusive lock on ``<database>.lock``, held by a running Closer for its whole life.

    The operating system releases it when the process ends, even after kill -9, so it never goes
    stale. ``python -m bot restore`` takes it too: it refuses while Closer runs, and Closer
    cannot start while a restore is writing.
    """

    def __init__(self, database: Path, *, shared: bool = False) -> None:
        self.path = database.with_name(database.name + ".lock")
        self.shared = shared  # several Closer processes that split the shards hold it together
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it (exclusively, if this one is shared)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            _lock(handle, self.shared)
        except OSError:
            handle.close()
            return False
        if not self.shared:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            handle, self._handle = self._handle, None
            with contextlib.suppress(OSError):
                _unlock(handle)
            handle.close()

    def __enter__(self) -> DataLock:
        if not self.acquire():
            raise RestoreRefused(
                f"Closer is running on {self.path.with_suffix('')} (it holds {self.path.name}). "
                "Stop it first, then restore."
            )
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[str], shared: bool) -> None:  # Windows has no shared lock: one process
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str], shared: bool) -> None:
        fcntl.flock(handle.fileno(), (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
