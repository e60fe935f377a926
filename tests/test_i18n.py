"""Every text in Dutch and English: nothing untranslated, placeholders kept."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from facilitator import i18n_check

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_text_has_a_dutch_translation() -> None:
    missing = i18n_check.missing()
    assert missing == {}, "\n".join(f"{where}: {msgid}" for msgid, where in missing.items())


def test_the_check_would_notice_a_missing_text() -> None:
    # Guard against a checker that finds nothing at all.
    extracted = i18n_check.extracted()
    assert "Unknown action." in extracted and "Join anonymously" in extracted
    assert len(extracted) > 100


def test_placeholders_survive_translation() -> None:
    with i18n_check.PO.open("rb") as f:
        catalog = read_po(f, locale="nl")
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != wanted:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert wrong == [], "\n".join(wrong)


def test_no_duplicate_msgids() -> None:
    # Appending with scripts/add_nl.py must never add a second entry for the same text.
    ids = re.findall(r'^msgid "(.+)"$', i18n_check.PO.read_text(encoding="utf-8"), re.M)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []
