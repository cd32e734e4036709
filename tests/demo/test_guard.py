"""The demo's network guard: loopback only, anything else refused before a packet leaves."""

from __future__ import annotations

import socket

import pytest

from bot.demo.guard import is_loopback, loopback_only


def test_a_connection_outside_loopback_is_refused_and_recorded() -> None:
    with loopback_only() as network:
        with socket.socket() as sock, pytest.raises(OSError, match="never leaves this machine"):
            sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routed anyway
        with pytest.raises(OSError, match="never leaves this machine"):
            socket.getaddrinfo("discord.com", 443)
    assert network.refused == ["connect 192.0.2.1", "getaddrinfo discord.com"]


def test_loopback_is_allowed_and_the_guard_ends_with_its_block() -> None:
    with loopback_only() as network, socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
    assert network.refused == []
    assert "127.0.0.1" in network.local
    assert socket.getaddrinfo("127.0.0.1", 80)  # outside the block: not watched


def test_loopback_names() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("10.0.0.1")
    assert not is_loopback("discord.com")
