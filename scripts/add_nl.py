"""Append Dutch translations to the catalogue: python scripts/add_nl.py FILE.tsv

Each line of FILE: the English msgid, a TAB, the Dutch text. Existing ids are skipped,
so several people can add their own texts without rewriting the file.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from facilitator.i18n_check import PO, _po_quote, catalogue  # noqa: E402

known = catalogue()
added = 0
with PO.open("a", encoding="utf-8") as out:
    for line in Path(sys.argv[1]).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        msgid, _, msgstr = line.partition("\t")
        if msgid in known or not msgstr:
            continue
        out.write(f"\nmsgid {_po_quote(msgid)}\nmsgstr {_po_quote(msgstr)}\n")
        known[msgid] = msgstr
        added += 1
print(f"added {added}")
