"""deploy/closer.service: what the README promises of it, and systemd's own reading of it
(``systemd-analyze verify``; .ci/run checks it too, installing systemd where it is missing)."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.settings import Settings

UNIT = Path(__file__).resolve().parents[2] / "deploy" / "closer.service"


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser


def test_the_unit_runs_closer_safely() -> None:
    service = _unit()["Service"]
    home = Path(service["WorkingDirectory"])
    assert service["ExecStart"] == f"{home}/.venv/bin/python -m bot"
    assert service["EnvironmentFile"] == f"{home}/.env"
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"] == "2"  # no token: restarting won't help
    assert service["User"] == "closer"
    assert service["NoNewPrivileges"] == "true"
    assert service["ProtectSystem"] == "strict"
    # The one writable place is where the database, photos and backups live by default.
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert service["ReadWritePaths"] == str(home / defaults.data_dir)
    assert (home / defaults.backups_dir).is_relative_to(home / defaults.data_dir)
    assert _unit()["Install"]["WantedBy"] == "multi-user.target"


def test_systemd_reads_the_unit_without_a_word(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed here (.ci/run installs it and runs this check)")
    repo = UNIT.parents[1]
    home = _unit()["Service"]["WorkingDirectory"]
    # verify wants ExecStart to exist: point a copy at this checkout and the Python running the tests.
    text = UNIT.read_text(encoding="utf-8").replace(
        f"{home}/.venv/bin/python", shutil.which("python3") or "/usr/bin/python3"
    )
    copy = tmp_path / "closer.service"
    copy.write_text(text.replace(home, str(repo)), encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert "closer.service" not in said, said
