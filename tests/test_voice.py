"""One voice in Dutch (issue 16): "je" for everyone, never "u" or "uw", and one word per
thing as in the domain's word list (facilitator, not begeleider; verslag, not rapport;
niet akkoord, not afgewezen)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = (Path(__file__).resolve().parent.parent / "facilitator" / "translations" / "nl"
             / "LC_MESSAGES" / "messages.po")

# "u" and "uw" as words; "U" only where it starts a word (not "U-bocht"-like compounds).
FORMAL = re.compile(r"(?<![\w-])(u|uw|U|Uw)(?![\w-])")
NOT_OUR_WORDS = re.compile(r"\b(begeleider|procesbegeleider|rapport|afgewezen)\b", re.IGNORECASE)


def _dutch() -> list[tuple[str, str]]:
    with CATALOGUE.open("rb") as f:
        catalog = read_po(f, locale="nl")
    out = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        out += [(ids[0], text) for text in strings if text]
    return out


def test_the_checks_catch_what_they_look_for() -> None:
    assert FORMAL.search("Dat mag u hier niet doen.")
    assert FORMAL.search("Uw naam")
    assert not FORMAL.search("Je doet mee; uur, duur en nu-moment")
    assert NOT_OUR_WORDS.search("ook de begeleider niet")
    assert not NOT_OUR_WORDS.search("het eindrapport")


def test_dutch_says_je_never_u() -> None:
    formal = [(msgid, text) for msgid, text in _dutch() if FORMAL.search(text)]
    assert formal == []


def test_dutch_uses_the_words_of_the_domain() -> None:
    wrong = [(msgid, text) for msgid, text in _dutch() if NOT_OUR_WORDS.search(text)]
    assert wrong == []
