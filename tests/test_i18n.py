"""Every text in Dutch and English: nothing untranslated, placeholders kept, the catalogue
as pybabel writes it, compiled once into the data folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext
from i18n_support import PO, ROOT, catalogue, extracted, missing

from facilitator import create_app, i18n

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_text_has_a_dutch_translation() -> None:
    absent = missing()
    assert absent == {}, "\n".join(f"{where}: {msgid}" for msgid, where in absent.items())


def test_the_check_would_notice_a_missing_text() -> None:
    # Guard against a checker that finds nothing at all: plain, lazy, template and plural.
    found = extracted()
    assert "Unknown action." in found and "Join anonymously" in found
    assert found["Please log in to see this page."].startswith("facilitator/__init__.py")
    assert any(where.startswith("facilitator/templates/") for where in found.values())
    assert "%(num)s agreements" in found and "%(num)s agreement" in found
    assert len(found) > 100
    assert catalogue()["Please log in."] == "Log in."


def test_placeholders_survive_translation() -> None:
    with PO.open("rb") as f:
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
    # A merge of two branches that both add a text could leave it twice; Babel would
    # silently keep one of the two translations.
    ids = re.findall(r'^msgid "(.+)"$', PO.read_text(encoding="utf-8"), re.M)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []


def test_catalogue_is_what_pybabel_writes() -> None:
    """scripts/i18n.sh --check: extract + update would change nothing (no text added by
    hand in the wrong place, none left over that the code no longer has)."""
    pybabel = Path(sys.executable).with_name("pybabel")
    done = subprocess.run(["bash", "scripts/i18n.sh", "--check"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYBABEL": str(pybabel)})
    assert done.returncode == 0, done.stderr


def test_catalogues_compiled_once_into_the_data_folder(tmp_path: Path, monkeypatch) -> None:
    # A temporary folder of our own: other processes share the system one.
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    app = create_app({"DATA_DIR": str(tmp_path)})
    mo = tmp_path / "translations" / "nl" / "LC_MESSAGES" / "messages.mo"
    assert app.config["BABEL_TRANSLATION_DIRECTORIES"] == str(tmp_path / "translations")
    first = mo.stat().st_mtime_ns
    with app.test_request_context(), force_locale("nl"):
        assert gettext("Please log in.") == "Log in."
    again = create_app({"DATA_DIR": str(tmp_path)})
    assert mo.stat().st_mtime_ns == first, "an unchanged catalogue is not compiled again"
    with again.test_request_context(), force_locale("nl"):
        assert gettext("Please log in.") == "Log in."
    assert list(temp.iterdir()) == [], "no temporary folder per start"


def test_a_changed_catalogue_is_compiled_again(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(i18n.SOURCE, source)
    data = tmp_path / "data"
    i18n.compile_catalogs(data, source)
    mo = data / "translations" / "nl" / "LC_MESSAGES" / "messages.mo"
    po = source / "nl" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Log in."' in text
    po.write_text(text.replace('msgstr "Log in."', 'msgstr "Meld je aan."'), encoding="utf-8")
    # Even with the old time on the changed file (an upgrade may bring older dates).
    os.utime(po, ns=(0, 0))
    i18n.compile_catalogs(data, source)
    with mo.open("rb") as f:
        assert read_mo(f).get("Please log in.").string == "Meld je aan."
