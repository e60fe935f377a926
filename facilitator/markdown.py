"""Markdown text from participant input: escaped so it shows as typed, and no more than
that, so the Markdown report still reads as a document ("#12", "(optional)", "50%")."""

from __future__ import annotations

import re

# Inline syntax that would change how a text shows: emphasis, code, links, HTML, tables.
_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
# At the start of a line: a heading, a quote, a list item, a numbered item.
_START = re.compile(r"^([#>+=-]|\d+(?=[.)]))")


def escape(text: object, line_start: bool = True) -> str:
    """Escape Markdown syntax and fold newlines, so a text stays one list item.
    `line_start=False` for a text that cannot start a line (a table cell)."""
    value = " ".join(str(text or "").split())
    value = _INLINE.sub(r"\\\1", value)
    if not line_start:
        return value
    match = _START.match(value)
    if match and match.group(1).isdigit():
        n = len(match.group(1))
        return value[:n] + "\\" + value[n:]
    return _START.sub(r"\\\1", value)
