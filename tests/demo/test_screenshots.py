"""The README's screenshots: the script's list of shots and the PNGs in docs/images/ agree.

The images themselves are made by ``scripts/screenshots.py`` from the real demo (headless
Chromium), so they can't drift into mock-ups; this checks that none is missing, left over,
unused by the README or heavy.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
MAX_BYTES = 300 * 1024


def script() -> ModuleType:
    """scripts/screenshots.py, imported (it is a script, not a package module)."""
    if "closer_screenshots" in sys.modules:
        return sys.modules["closer_screenshots"]
    spec = importlib.util.spec_from_file_location("closer_screenshots", ROOT / "scripts" / "screenshots.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["closer_screenshots"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_scripts_shots_and_docs_images_agree() -> None:
    """Each shot has its PNG, and each PNG is a shot: regenerate with scripts/screenshots.py."""
    shots = {f"{shot.name}.png" for shot in script().SHOTS}
    files = {path.name for path in IMAGES.glob("*")}
    assert sorted(shots - files) == [], "shots without an image: run python scripts/screenshots.py"
    assert sorted(files - shots) == [], "images no shot makes: delete them, or add the shot"


def test_the_readme_shows_every_screenshot() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for shot in script().SHOTS:
        assert f"docs/images/{shot.name}.png" in readme


def test_the_screenshots_are_small_pngs() -> None:
    for path in IMAGES.glob("*.png"):
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), path.name
        assert len(data) <= MAX_BYTES, f"{path.name} is {len(data) // 1024} KB"


def test_the_script_says_how_to_get_chromium() -> None:
    assert "apt-get install -y chromium" in (script().__doc__ or "")
