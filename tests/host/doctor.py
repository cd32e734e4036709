"""Running ``python -m bot doctor`` as a host would, against the test's emulator."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from emulator import Fake

HOOK = Path(__file__).resolve().parent / "emulated"  # sitecustomize.py: discord.py -> the emulator
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Diagnosis:
    status: int
    output: str

    def line(self, start: str) -> str:
        """The first line starting with ``start`` (e.g. "✗ Backup")."""
        found = [line for line in self.output.splitlines() if line.startswith(start)]
        assert found, f"no line starts with {start!r}:\n{self.output}"
        return found[0]


async def run_doctor(fake: Fake, cwd: Path, **settings: str) -> Diagnosis:
    """``python -m bot doctor`` in ``cwd`` with ``settings`` (DATABASE_PATH=..., BACKUP_DIR=...) and
    the emulator's token in the environment. Awaited, so the emulator keeps answering meanwhile."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "DATABASE_", "BACKUP_"))
    }
    env.update(
        DISCORD_TOKEN=fake.token,
        PYTHONPATH=os.pathsep.join([str(HOOK), str(REPO)]),
        CLOSER_TEST_DISCORD_URL=fake.base_url,
        **settings,
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "doctor", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return Diagnosis(process.returncode, output.decode())
