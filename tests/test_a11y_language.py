"""No untranslated text in either language.

The Dutch catalogue covers every text in the code (tests/i18n_support.py), and the
rendered pages, scripts included, show no Dutch text when they speak English and no
English text when they speak Dutch: every text node and every accessible-name
attribute is compared whole against the catalogue.
"""

from __future__ import annotations

import re
from typing import Any

import i18n_support
import pytest
from a11y_support import Room, activity_kinds, context, room, settle, wait_live

pytestmark = pytest.mark.browser
__all__ = ["room"]

# Every text node and the attributes a screen reader reads out.
TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest('script, style, template')) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  for (const e of document.querySelectorAll('[aria-label], [alt], [title], [placeholder]')) {
    for (const a of ['aria-label', 'alt', 'title', 'placeholder']) {
      if (e.hasAttribute(a) && e.getAttribute(a).trim()) out.push(e.getAttribute(a).trim());
    }
  }
  out.push(document.title);
  return out;
}"""


def _pattern(text: str) -> re.Pattern[str]:
    """A catalogue text as a whole-string pattern; %(name)s stands for anything."""
    parts = re.split(r"%\(\w+\)s", text)
    return re.compile(".+?".join(re.escape(re.sub(r"\s+", " ", p)) for p in parts))


def _foreign() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """Per page language, the catalogue texts that must not appear on it: texts that
    exist only in the other language (not the same word in both, like "Status")."""
    catalogue = i18n_support.catalogue()
    english = set(catalogue)
    dutch = set(catalogue.values())
    only_dutch = {t for t in dutch if t not in english}
    only_english = {t for t in english if t not in dutch}
    # a short word may be a name or part of a title; whole sentences and labels count. A
    # text whose only words are placeholders and a short one ("%(done)s of %(total)s")
    # would match any sentence with that word in the other language ("of" is Dutch too).
    usable = lambda t: re.search(r"[^\W\d_]{4,}", re.sub(r"%\(\w+\)s", "", t))  # noqa: E731
    return {
        "en": [(t, _pattern(t)) for t in sorted(only_dutch) if usable(t)],
        "nl": [(t, _pattern(t)) for t in sorted(only_english) if usable(t)],
    }


FOREIGN = _foreign()


def _untranslated(page: Any, lang: str) -> list[str]:
    texts = set(page.evaluate(TEXTS))
    found = []
    for text in texts:
        for source, pattern in FOREIGN[lang]:
            if pattern.fullmatch(text):
                found.append(f"{text!r} (catalogue: {source!r})")
    return found


def test_catalogue_complete() -> None:
    missing = i18n_support.missing()
    assert not missing, "texts without a Dutch translation:\n" + "\n".join(
        f"{where}: {msgid}" for msgid, where in missing.items())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pages_speak_one_language(browser: Any, room: Room, lang: str) -> None:
    """Facilitator pages by the lang cookie; board, phone and join-name by the workshop.
    Board, phone and control are read in every activity (the agenda holds one of each)."""
    ws = room.workshop("welcome", lang)
    for kind in activity_kinds():
        ws.act("agenda.add", {"kind": kind, "title": None})
    joined = ws.join("Ann de Vries")
    ctx = context(browser, room, lang, participant=(ws.code, joined["token"]))
    problems: dict[str, list[str]] = {}
    try:
        page = ctx.new_page()
        for path in ("/login", "/join", "/workshops", "/workshops/new", "/no/such/page",
                     f"/j/{ws.code}", "/review", f"/w/{ws.code}/report"):
            page.goto(room.url + path)
            assert page.get_attribute("html", "lang") == lang, path
            problems[path] = _untranslated(page, lang)
        screens = {name: ctx.new_page() for name in ("board", "phone", "control")}
        screens["board"].goto(room.url + ws.path("board_url"))
        screens["phone"].goto(room.url + f"/w/{ws.code}/phone")
        screens["control"].goto(room.url + ws.path("control_url"))
        for screen in screens.values():
            wait_live(screen)
        items = room.server.db_rows(
            "SELECT a.id, a.kind, a.title FROM agenda_items a JOIN workshops w"
            " ON w.id = a.workshop_id WHERE w.code = ? ORDER BY a.position", (ws.code,))
        for item in items:
            ws.act("agenda.goto", {"item_id": item["id"]})
            for name, screen in screens.items():
                screen.wait_for_function(
                    "t => document.querySelector('#activity-title')?.textContent === t",
                    arg=item["title"], timeout=20000)
                settle(screen)
                problems[f"{name} in {item['kind']}"] = _untranslated(screen, lang)
    finally:
        ctx.close()
    problems = {where: found for where, found in problems.items() if found}
    assert not problems, f"text in the wrong language on {lang} pages:\n" + "\n".join(
        f"{where}: {', '.join(found)}" for where, found in problems.items())
