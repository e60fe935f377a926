"""The texts in the code against the Dutch catalogue, read the way scripts/i18n.sh reads
them: babel.cfg for where texts are, Babel's keywords plus the lazy ones."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "facilitator" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
# The same as `-k _l -k lazy_gettext` in scripts/i18n.sh.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def extracted() -> dict[str, str]:
    """msgid -> first place it occurs (a plural gives both its forms)."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def catalogue() -> dict[str, str]:
    """English -> Dutch; a fuzzy entry (pybabel's guess after a text changed) counts as
    untranslated, as it does when the app compiles the catalogue."""
    with PO.open("rb") as f:
        catalog = read_po(f, locale="nl")
    known: dict[str, str] = {}
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for msgid, text in zip(ids, strings, strict=False):
            known[msgid] = "" if m.fuzzy else text
    return known


def missing() -> dict[str, str]:
    """Texts in the code without Dutch: msgid -> where it occurs."""
    known = catalogue()
    return {msgid: where for msgid, where in extracted().items() if not known.get(msgid)}
