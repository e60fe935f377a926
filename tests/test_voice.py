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


def test_counted_texts_of_the_report_read_right_at_0_1_and_2(app) -> None:
    from flask_babel import force_locale, ngettext

    texts = [("%(num)s dot", "%(num)s dots"), ("%(num)s has voted", "%(num)s have voted"),
             ("At most %(num)s dot on one dilemma.", "At most %(num)s dots on one dilemma.")]
    want = {
        "nl": [["0 stippen", "1 stip", "2 stippen"],
               ["0 hebben gestemd", "1 heeft gestemd", "2 hebben gestemd"],
               ["Maximaal 0 stippen op één dilemma.", "Maximaal 1 stip op één dilemma.",
                "Maximaal 2 stippen op één dilemma."]],
        "en": [["0 dots", "1 dot", "2 dots"], ["0 have voted", "1 has voted", "2 have voted"],
               ["At most 0 dots on one dilemma.", "At most 1 dot on one dilemma.",
                "At most 2 dots on one dilemma."]],
    }
    with app.test_request_context():
        for lang, rows in want.items():
            with force_locale(lang):
                got = [[ngettext(one, many, n) for n in (0, 1, 2)] for one, many in texts]
                assert got == rows
                shift = ngettext("%(num)s of %(both)s changed their choice",
                                 "%(num)s of %(both)s changed their choice", 1, both=7)
                if lang == "nl":
                    assert shift == "1 van de 7 deelnemers koos na het gesprek anders"
