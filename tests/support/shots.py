"""Screenshots for the README, written only on demand: FACILITATOR_SCREENSHOTS=1
(scripts/screenshots.sh sets it), so a test run does not rewrite the tracked files."""

from __future__ import annotations

import os
from typing import Any

from support.server import ROOT

SCREENSHOTS = ROOT / "docs" / "screenshots"


def wanted() -> bool:
    return os.environ.get("FACILITATOR_SCREENSHOTS", "") not in ("", "0")


def screenshot(page: Any, name: str) -> None:
    """Save docs/screenshots/NAME.png when asked to; otherwise nothing is written."""
    if not wanted():
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
