"""Markdown text from participant input: escaped so it shows as typed."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def escape(text: object) -> str:
    """Escape Markdown syntax and fold newlines, so a text stays one list item."""
    value = " ".join(str(text or "").split())
    value = _SPECIAL.sub(r"\\\1", value)
    # A line that starts with "-" or "1." would become a list of its own.
    return re.sub(r"^(\d+)\.", r"\1\\.", value)
