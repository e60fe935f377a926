"""The control page in a room of 1,000 people and 1,000 dilemmas (issue 21, point 5): a push
changes only the rows that changed. One new dilemma builds one row of the facilitator's
list and leaves the other 1,000 as they are (each row's "merge into" list is filled when
it is opened, not 1,000 options in every row on every push); a phone that drops out changes
its own line of the people list in place. Real server, Chromium; the bulk rows go into its
SQLite directly, the new dilemma and the drop-out through a phone's socket."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from playwright.sync_api import expect
from support import Room, screenshot
from support.pages import control_page

PEOPLE = 1000
DILEMMAS = 1000
NOW = "2026-12-01T09:00:00.000Z"


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


def _seed(server: Any, workshop_id: int) -> None:
    conn = sqlite3.connect(server.data_dir / "facilitator.db", timeout=30)
    try:
        with conn:
            people = conn.executemany(
                "INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                " last_seen_at) VALUES (?, ?, ?, ?, ?)",
                [(workshop_id, f"seed{n}", f"Deelnemer met een lange naam {n:04d}", NOW, NOW)
                 for n in range(PEOPLE)])
            assert people.rowcount == PEOPLE
            conn.executemany(
                "INSERT INTO dilemmas (workshop_id, author_name, situation, options, number,"
                " source, created_at, updated_at) VALUES (?, NULL, ?, ?, ?, 'phone', ?, ?)",
                [(workshop_id, f"Dilemma {n:04d}: een cliënt die hulp weigert " * 3,
                  json.dumps(["Respecteren", "Ingrijpen"]), n + 1, NOW, NOW)
                 for n in range(DILEMMAS)])
            # As the server numbers them: the next one brought is #1001.
            conn.execute("INSERT INTO dilemma_numbering (workshop_id, last) VALUES (?, ?)",
                         (workshop_id, DILEMMAS))
    finally:
        conn.close()


MARK = """() => {
  const list = document.querySelector("[data-list=manage]");
  const people = document.querySelector("#people");
  window.__rows = [...list.children];
  window.__people = [...people.children];
  return { rows: list.children.length, people: people.children.length,
           options: list.querySelectorAll("option").length };
}"""

KEPT = """() => {
  const list = document.querySelector("[data-list=manage]");
  const people = document.querySelector("#people");
  const rows = new Set(list.children);
  const lines = new Set(people.children);
  return { rows: list.children.length,
           keptRows: window.__rows.filter((n) => rows.has(n)).length,
           people: people.children.length,
           keptPeople: window.__people.filter((n) => lines.has(n)).length,
           options: list.querySelectorAll("option").length };
}"""


@pytest.mark.browser
def test_a_push_in_a_room_of_a_thousand_rebuilds_only_what_changed(
        server: Any, module_facilitator_token: str, clients: Any, browser: Any) -> None:
    room = Room(server, module_facilitator_token, clients=clients, title="Werkconferentie",
                agenda="dilemmas")
    room.goto("dilemma_collect")
    item = room.items["dilemma_collect"]
    room.ok(room.fac, "dilemma_collect.settings", item_id=item, open=True, show_texts=False,
            approval=False)
    _seed(server, room.workshop_id())
    phone = room.phone("Annemarie van den Berg-Oudshoorn")
    frames: list[Any] = []
    control = control_page(browser, server, room.ws["control_url"], frames=frames)
    try:
        manage = control.locator("[data-list=manage] > *")
        expect(manage).to_have_count(DILEMMAS, timeout=30_000)
        expect(control.locator("#people > li")).to_have_count(PEOPLE + 1, timeout=30_000)
        # The page's first whole view may come after its sync drew the rows, and by
        # long-polling: a change first, which comes as a patch over the websocket once
        # the page holds a whole view.
        room.ok(room.fac, "timer.start", seconds=600)
        for _ in range(100):
            if any(f.startswith('42["control_patch",') for f in frames):
                break
            control.wait_for_timeout(100)
        assert any(f.startswith('42["control_patch",') for f in frames), [f[:80] for f in frames]
        before = control.evaluate(MARK)
        seen = len(frames)
        # A few options per row (category, theme), not one per other dilemma (a million).
        assert before["options"] < 10 * DILEMMAS, before

        room.ok(phone, "dilemma.submit",
                situation="Een collega komt steeds te laat; spreek ik haar erop aan?",
                options=["Aanspreken", "Laten"], values="", show_name=False)
        expect(manage).to_have_count(DILEMMAS + 1, timeout=30_000)
        after = control.evaluate(KEPT)
        assert after["keptRows"] == DILEMMAS, after  # every earlier row is the same node
        assert after["keptPeople"] == PEOPLE + 1, after
        expect(control.locator("[data-list=manage]")).to_contain_text("spreek ik haar erop aan")
        newest = control.locator("[data-list=manage] > *").last
        expect(newest).to_contain_text(f"#{DILEMMAS + 1}")
        expect(newest).to_contain_text("spreek ik haar erop aan")
        # The control view came whole once; the new dilemma came as a change to it, which
        # carries the new row and not the other 1,000 rows and 1,001 people.
        since = frames[seen:]
        patches = [f for f in since if f.startswith('42["control_patch",')]
        assert any("spreek ik haar erop aan" in f for f in patches), [f[:80] for f in since]
        assert not [f for f in since if f.startswith('42["control",')]
        whole = len(json.dumps(room.fac.sync()["control"], ensure_ascii=False))
        assert whole > 300_000 and max(len(f) for f in patches) < whole / 50, (
            whole, [len(f) for f in patches])
        newest.scroll_into_view_if_needed()
        screenshot(control, "control-1000-dilemmas")

        # The new row's "merge into" offers every other dilemma once it is opened (by
        # keyboard: focus first), and only then.
        merge = control.locator("[data-list=manage] > *").last.locator("[data-key$=':merge']")
        assert merge.locator("option").count() == 1
        merge.focus()
        expect(merge.locator("option")).to_have_count(DILEMMAS + 1)  # the others + "merge into"

        # The phone drops out: its own line says so, the same node, every line kept.
        line = control.locator("#people > li", has_text="Annemarie van den Berg-Oudshoorn")
        expect(line).to_have_class("online")
        control.evaluate(MARK)
        phone.close()
        expect(line).to_have_class("offline", timeout=30_000)
        kept = control.evaluate(KEPT)
        assert kept["keptPeople"] == PEOPLE + 1 and kept["keptRows"] == DILEMMAS + 1, kept
    finally:
        control.context.close()
