"""The synced command tree is a contract: the same tree means Discord needs no re-sync on upgrade.

``command_tree.json`` is the tree as this release syncs it. A change to a command's name,
description, options or permissions shows here first; update the file only with a change that
means to alter the command surface (``CLOSER_UPDATE_CONTRACTS=1 pytest tests/contracts``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.support import Closer

TREE = Path(__file__).with_name("command_tree.json")


def dump(payload: list[dict]) -> str:
    return json.dumps(payload, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


async def test_the_synced_command_tree_is_byte_identical_to_the_release(closer: Closer) -> None:
    """The tree Closer syncs is exactly the one of the release (no re-sync, no renamed option)."""
    assert closer.bot is not None
    current = dump(closer.bot.command_tree_payload())
    if os.environ.get("CLOSER_UPDATE_CONTRACTS") == "1":
        TREE.write_text(current, encoding="utf-8")
    assert current == TREE.read_text(encoding="utf-8")
