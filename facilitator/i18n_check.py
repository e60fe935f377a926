"""Compare the texts in the code with the Dutch catalogue.

    python -m facilitator.i18n_check            list texts without a Dutch translation
    python -m facilitator.i18n_check --append   append them to messages.po (msgstr empty)

Used by tests/test_i18n.py, which fails on any missing or empty translation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent
PO = ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
METHODS = [
    ("**.py", "python"),
    ("templates/**.html", "jinja2"),
]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def extracted() -> dict[str, str]:
    """msgid -> first place it occurs."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {}}
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def catalogue() -> dict[str, str]:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="nl")
    known: dict[str, str] = {}
    for m in catalog:
        if isinstance(m.id, tuple):  # a plural: its singular and plural forms are known
            for msgid, text in zip(m.id, m.string, strict=False):
                known[msgid] = text
        elif m.id:
            known[m.id] = m.string
    return known


def missing() -> dict[str, str]:
    known = catalogue()
    return {msgid: where for msgid, where in extracted().items() if not known.get(msgid)}


def _po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> None:
    absent = missing()
    known = catalogue()
    if "--append" in sys.argv:
        with PO.open("a", encoding="utf-8") as f:
            for msgid, where in absent.items():
                if msgid in known:
                    continue
                f.write(f'\n#: {where}\nmsgid {_po_quote(msgid)}\nmsgstr ""\n')
    for msgid, where in absent.items():
        print(f"{where}: {msgid}")
    sys.exit(1 if absent else 0)


if __name__ == "__main__":
    main()
