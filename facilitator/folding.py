"""Text as people search for it: "Zoe", "zoë" and "ZOË" find "Zoë".

Unicode NFKD splits a letter from its accents, the combining marks are dropped, and
casefold() compares case as Unicode defines it (also "ß" and "ss")."""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """`text` without accents, case-folded, with runs of spaces as one space."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def contains(text: str | None, query: str | None) -> bool:
    """Whether `query` occurs in `text`, accents, case and extra spaces aside."""
    return fold(query) in fold(text)
