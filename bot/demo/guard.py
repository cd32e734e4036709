"""The demo never leaves this machine: every connection and name lookup outside loopback is refused.

A process-wide audit hook (``sys.addaudithook``, installed once, active only inside
:func:`loopback_only`) sees each ``socket.connect`` and ``socket.getaddrinfo``; anything that is not
127.0.0.1, ::1, ``localhost`` or a Unix socket is recorded and refused with an ``OSError``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class NetworkLog:
    """Where the demo tried to connect: the loopback addresses used, and everything refused."""

    local: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)


_current: NetworkLog | None = None
_installed = False


def is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    log = _current
    if log is None or event not in ("socket.connect", "socket.getaddrinfo"):
        return
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, str | bytes):  # a Unix socket: on this machine
            return
        host = address[0] if isinstance(address, tuple) and address else address
    else:
        host = args[0].decode() if isinstance(args[0], bytes) else args[0]
        if host is None:
            return
    if is_loopback(host):
        log.local.add(str(host))
        return
    log.refused.append(f"{event.split('.', 1)[1]} {host}")
    raise OSError(f"the demo never leaves this machine (refused {host})")


@contextlib.contextmanager
def loopback_only() -> Iterator[NetworkLog]:
    """Within the block, only loopback connections are allowed; the log says what was tried."""
    global _current, _installed
    if not _installed:
        sys.addaudithook(_audit)
        _installed = True
    log = NetworkLog()
    previous, _current = _current, log
    try:
        yield log
    finally:
        _current = previous
