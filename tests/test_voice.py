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


# Client texts with a count whose words don't change with it: a label ("Groep 3", "Stap 2
# van 8"), a position or a unit ("5 min", "12 van 1000 tekens"). Reviewed at 0, 1 and 2.
SAME_AT_ANY_COUNT = {
    "agreements.count", "dilemma_collect.chars", "dilemma_collect.chars_over",
    "dilemma_collect.merged_into", "dilemma_game.mean", "dilemma_game.moved",
    "dilemma_game.round_first", "dilemma_game.round_revote", "dilemma_game.round_variation",
    "dilemma_vote.dots_left", "dilemma_vote.your_dots", "intervision.group_n",
    "intervision.minutes_n", "intervision.phase_of", "intervision.table_qr", "online_count",
    "pending", "step", "intervision.again_from", "maturity_scan.change", "maturity_scan.gap",
    "maturity_scan.keep", "maturity_scan.mean", "maturity_scan.rated", "maturity_scan.spread",
    "maturity_scan.withheld",
}


def _t(strings: dict[str, str], key: str, n: int) -> str:
    # As static/js/core/strings.js t(): a count of one takes `<key>.one` where there is one.
    text = (strings.get(f"{key}.one") if n == 1 else None) or strings[key]
    return text.replace("%(n)s", str(n))


def test_every_counted_client_text_has_its_form_for_one(app) -> None:
    """Issue 16, point 3, for the page scripts' texts: every text with a count either has
    its own text for one or is one whose words don't change with the count."""
    from flask_babel import force_locale

    from facilitator.i18n import client_strings

    with app.test_request_context():
        for lang in ("nl", "en"):
            with force_locale(lang):
                strings = client_strings()
            counted = {k for k, v in strings.items() if "%(n)s" in v and not k.endswith(".one")}
            assert counted - SAME_AT_ANY_COUNT == {k for k in counted if f"{k}.one" in strings}
            if lang == "nl":
                assert [_t(strings, "joined", n) for n in (0, 1, 2)] == [
                    "0 deelnemers", "1 deelnemer", "2 deelnemers"]
                assert [_t(strings, "dilemma_vote.dots", n) for n in (0, 1, 2)] == [
                    "0 stippen", "1 stip", "2 stippen"]
                assert _t(strings, "board.every", 1) == "Elke seconde"
            else:
                assert [_t(strings, "intervision.people_n", n) for n in (0, 1, 2)] == [
                    "0 people", "1 person", "2 people"]
