"""The dilemma workshop over Socket.IO against a real server: collect, sort, vote, game,
harvest; every bad input refused with nothing changed; anonymity and hidden counts
checked on what actually travelled (every push recorded by board, facilitator, phones)
and on the JSON export.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import support
from support import Client, Server, login_cookie

from facilitator.activities.dilemmas.store import PER_WORKSHOP

FAC = "fac@example.nl"
SECRET_NAME = "Bea Verborgen"


@pytest.fixture(autouse=True)
def patient_waits(monkeypatch: Any) -> None:
    """The machine is shared with other test runs: give a push up to 20 s, not 5."""
    original = Client.wait_for

    def wait_for(self: Any, name: str, predicate: Any = lambda view: True,
                 timeout: float = 20) -> Any:
        return original(self, name, predicate, timeout)

    monkeypatch.setattr(Client, "wait_for", wait_for)


def walk(obj: Any) -> Any:
    """Every (key, value) pair in a nested structure."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield key, value
            yield from walk(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from walk(value)


def item_views(client: Any, own_me: bool = False) -> list[Any]:
    """The activity part of every push a client got (its own 'me' pushes only if asked)."""
    out = []
    for name, msg in client.pushes:
        view = msg["view"]
        if name == "me":
            if own_me:
                out.append(view)
            continue
        out.append(view.get("item"))
    return out


def dilemma_rows(server: Server) -> list[dict[str, Any]]:
    tables = ["dilemmas", "dilemma_themes", "dilemma_votes", "dilemma_rounds",
              "dilemma_choices", "dilemma_arguments", "dilemma_needs", "dilemma_recommendations"]
    return [server.db_rows(f"SELECT * FROM {t} ORDER BY rowid") for t in tables]


class Room(support.Room):
    """An open workshop on the dilemma agenda: facilitator, board and phones connected
    (the shared builder: every screen is checked against a fresh sync after each action)."""

    def __init__(self, server: Server, clients: Any, token: str):
        super().__init__(server, token, login_cookie(server, FAC), clients=clients,
                         title="Werkconferentie", agenda="dilemmas", language="en")
        self.clients, self.token = clients, token
        self.board = self.board()  # type: ignore[method-assign]
        self.agenda = self.fac.sync()["control"]["agenda"]

    def rows(self, sql: str) -> list[dict[str, Any]]:
        """`SELECT ... FROM table` of this workshop's rows (the server is the module's)."""
        where = " WHERE workshop_id = ?" if " WHERE " not in sql else " AND workshop_id = ?"
        return self.server.db_rows(sql + where + " ORDER BY id", (self.workshop_id(),))

    def item(self, kind: str, n: int = 0) -> int:
        return [i["id"] for i in self.agenda if i["kind"] == kind][n]

    def goto(self, kind: str, n: int = 0) -> int:  # type: ignore[override]
        item_id = self.item(kind, n)
        assert self.fac.act("agenda.goto", {"item_id": item_id})["ok"]
        return item_id

    def ok(self, client: Any, op: str,  # type: ignore[override]
           data: dict[str, Any] | None = None) -> dict[str, Any]:
        ack = client.act(op, data or {})
        assert ack["ok"], ack
        return ack["result"]

    def refused(self, client: Any, op: str,  # type: ignore[override]
                data: dict[str, Any], code: str | None = None) -> str:
        """The action is refused with a message, and no dilemma table changed."""
        before = dilemma_rows(self.server)
        ack = client.act(op, data)
        assert not ack["ok"], ack
        assert ack["error"]["message"]
        if code:
            assert ack["error"]["code"] == code, ack
        assert dilemma_rows(self.server) == before
        return ack["error"]["code"]

    def export(self) -> dict[str, Any]:
        response = self.server.api("GET", f"/api/v1/workshops/{self.code}", self.token)
        assert response.status_code == 200, response.text
        return response.json()


# One server for the module (each test makes its own workshop).
@pytest.fixture(scope="module")
def server(module_server: Server) -> Server:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


@pytest.fixture
def room(server: Server, facilitator_token: str, clients: Any) -> Room:
    return Room(server, clients, facilitator_token)


DILEMMA = {"situation": "A client refuses help but is clearly unsafe at home.",
           "options": ["Respect the refusal", "Report to the safety team"],
           "values": "autonomy vs safety", "show_name": False}


def collect_two(room: Room) -> tuple[Any, Any, int, int]:
    room.goto("dilemma_collect")
    bea = room.phone(SECRET_NAME)
    cor = room.phone("Cor Zichtbaar")
    anon = room.ok(bea, "dilemma.submit", DILEMMA)["dilemma_id"]
    named = room.ok(cor, "dilemma.submit", {
        "situation": "A colleague keeps arriving late for the handover.",
        "options": ["Address it myself", "Tell the team leader", "Let it go"],
        "show_name": True})["dilemma_id"]
    return bea, cor, anon, named


def test_collect_anonymous_and_named_never_leak_the_author(room: Room) -> None:
    bea, cor, anon, named = collect_two(room)
    other = room.phone("Dirk")
    room.board.wait_for("board", lambda v: v["item"]["view"].get("count") == 2)
    assert "dilemmas" not in room.board.pushes[-1][1]["view"]["item"]["view"]  # texts hidden
    item = room.item("dilemma_collect")
    room.ok(room.fac, "dilemma_collect.settings",
            {"item_id": item, "open": True, "show_texts": True, "approval": False})
    shown = room.board.wait_for("board", lambda v: "dilemmas" in v["item"]["view"])
    by_id = {d["id"]: d for d in shown["view"]["item"]["view"]["dilemmas"]}
    assert "author" not in by_id[anon]
    assert by_id[named]["author"] == "Cor Zichtbaar"
    # The author sees their own dilemma in their own view, nobody else does.
    mine = bea.wait_for("me", lambda v: v["view"].get("dilemmas"))
    assert [d["id"] for d in mine["view"]["view"]["dilemmas"]] == [anon]
    # What another phone gets on a sync (its pushes are checked below).
    synced = other.sync()
    assert SECRET_NAME not in json.dumps(synced, ensure_ascii=False)
    assert synced["me"]["view"]["dilemmas"] == []

    # On what travelled: no author id or join time anywhere, the name of the anonymous
    # author nowhere in any activity view (the facilitator's roster lists who joined).
    for client in (room.board, room.fac, cor, other):
        for view in item_views(client):
            text = json.dumps(view, ensure_ascii=False)
            assert SECRET_NAME not in text
            keys = {k for k, _ in walk(view)}
            assert not keys & {"author_id", "participant_id", "joined_at"}
    for client in (room.board, cor, other):
        client.sync()  # the settings push (in at bea's) is on this socket before the reply
        assert SECRET_NAME not in client.raw()
    exported = room.export()
    text = json.dumps(exported["agenda"], ensure_ascii=False)
    assert SECRET_NAME not in text and "Cor Zichtbaar" in text
    keys = {k for k, _ in walk(exported["agenda"])}
    assert not keys & {"author_id", "participant_id", "joined_at"}


def test_a_submission_pushes_no_phone_but_the_authors(room: Room) -> None:
    """Fan-out: a dilemma from one phone goes to the board, the control page and the
    author's own view, never to every phone's shared view. An argument does reach the
    phones (they can support it, issue 17.8), but a support reaches no other phone."""
    room.goto("dilemma_collect")
    # Pushes are throttled: let the move's own push go out before the phones connect, so
    # that anything they receive afterwards was caused by the submission.
    room.board.wait_for("board", lambda v: v["item"]["kind"] == "dilemma_collect")
    author, other = room.phone("Ann"), room.phone("Bob")  # joined now: no pushes yet
    room.ok(author, "dilemma.submit", DILEMMA)
    room.board.wait_for("board", lambda v: v["item"]["view"].get("count") == 1)
    author.wait_for("me", lambda v: len(v["view"].get("dilemmas", [])) == 1)
    assert not [p for p in other.pushes if p[0] in ("phone", "me")]
    item = room.goto("dilemma_game")
    did = room.rows("SELECT id FROM dilemmas")[0]["id"]
    room.ok(room.fac, "dilemma_game.stage", {"item_id": item, "dilemma_id": did, "mode": "choice"})
    other.wait_for("phone", lambda v: (v["item"]["view"].get("round") or {}).get("number") == 1)
    shared_before = [p for p in other.pushes if p[0] == "phone"]
    room.ok(author, "dilemma_game.argue", {"option": 0, "text": "Ask the client again."})
    room.board.wait_for(  # the arguments are the board's next page (issue 14)
        "board", lambda v: (v["item"]["view"].get("arguments") or [{}])[0].get("count"))
    author.wait_for("me", lambda v: v["view"].get("arguments"))
    shown = other.wait_for(
        "phone", lambda v: (v["item"]["view"].get("arguments") or [{}])[0].get("arguments"))
    assert len([p for p in other.pushes if p[0] == "phone"]) > len(shared_before)
    argument = shown["view"]["item"]["view"]["arguments"][0]["arguments"][0]
    assert set(argument) == {"id", "text"}  # no author, no count of support
    assert not [p for p in other.pushes if p[0] == "me" and p[1]["view"]["view"].get("arguments")]
    shared_before = [p for p in other.pushes if p[0] == "phone"]
    third = room.phone("Cas")
    room.ok(third, "dilemma_game.support", {"argument_id": argument["id"]})
    room.board.wait_for("board", lambda v: v["item"]["view"].get("most_supported"))
    third.wait_for("me", lambda v: v["view"].get("supported") == [argument["id"]])
    assert [p for p in other.pushes if p[0] == "phone"] == shared_before


def test_collect_bad_input_is_refused_and_changes_nothing(room: Room) -> None:
    bea, cor, anon, named = collect_two(room)
    anonymous_joiner = room.phone(None)
    long = "x" * 1001
    assert room.refused(bea, "dilemma.submit", {**DILEMMA, "situation": "  "}) == "invalid"
    room.refused(bea, "dilemma.submit", {**DILEMMA, "situation": long}, "invalid")
    room.refused(bea, "dilemma.submit", {**DILEMMA, "options": ["only one"]}, "invalid")
    room.refused(bea, "dilemma.submit", {**DILEMMA, "options": ["a", "b", "c", "d", "e"]},
                 "invalid")
    room.refused(bea, "dilemma.submit", {**DILEMMA, "options": ["a", "y" * 201]}, "invalid")
    room.refused(anonymous_joiner, "dilemma.submit", {**DILEMMA, "show_name": True}, "invalid")
    # Someone else's dilemma: neither edit nor withdraw.
    room.refused(cor, "dilemma.edit", {**DILEMMA, "dilemma_id": anon}, "forbidden")
    room.refused(cor, "dilemma.withdraw", {"dilemma_id": anon}, "forbidden")
    # The author may edit and withdraw while collecting...
    room.ok(bea, "dilemma.edit", {**DILEMMA, "dilemma_id": anon, "situation": "Changed."})
    assert room.server.db_rows("SELECT situation FROM dilemmas WHERE id = ?", (anon,)) == [
        {"situation": "Changed."}]
    # ...but not after the facilitator closed collection.
    item = room.item("dilemma_collect")
    room.ok(room.fac, "dilemma_collect.settings",
            {"item_id": item, "open": False, "show_texts": False, "approval": False})
    room.refused(bea, "dilemma.edit", {**DILEMMA, "dilemma_id": anon}, "closed")
    room.refused(bea, "dilemma.withdraw", {"dilemma_id": anon}, "closed")
    room.refused(bea, "dilemma.submit", DILEMMA, "closed")
    # Not on another agenda item either.
    room.ok(room.fac, "dilemma_collect.settings",
            {"item_id": item, "open": True, "show_texts": False, "approval": False})
    room.goto("dilemma_vote")
    room.refused(bea, "dilemma.submit", DILEMMA, "not_now")


def test_withdraw_approval_and_resend_counts_once(room: Room) -> None:
    room.goto("dilemma_collect")
    item = room.item("dilemma_collect")
    room.ok(room.fac, "dilemma_collect.settings",
            {"item_id": item, "open": True, "show_texts": True, "approval": True})
    phone = room.phone("Eva")
    envelope_id = os.urandom(8).hex()
    first = phone.act("dilemma.submit", DILEMMA, op_id=envelope_id)
    again = phone.act("dilemma.submit", DILEMMA, op_id=envelope_id)
    assert first["ok"] and again["ok"] and again.get("duplicate")
    rows = room.rows("SELECT id, approved FROM dilemmas")
    assert len(rows) == 1 and rows[0]["approved"] == 0
    did = rows[0]["id"]
    # Pending: the facilitator sees it, the board does not.
    room.fac.wait_for("control", lambda v: any(
        d["id"] == did and not d["approved"] for d in v["item"]["view"].get("dilemmas", [])))
    assert all(not (v or {}).get("view", {}).get("dilemmas") for v in item_views(room.board))
    room.ok(room.fac, "dilemma.approve", {"dilemma_id": did, "approved": True})
    room.board.wait_for("board", lambda v: len(v["item"]["view"].get("dilemmas", [])) == 1)
    room.ok(phone, "dilemma.withdraw", {"dilemma_id": did})
    assert room.rows("SELECT id FROM dilemmas") == []


def test_import_csv_and_markdown_all_or_nothing(room: Room) -> None:
    csv_text = ("situation,option a,option b,values\n"
                "Client wants to stay home,Stay,Move,autonomy vs safety\n"
                "\"Colleague, late again\",Say it,Wait,\n")
    assert room.ok(room.fac, "dilemma.import", {"text": csv_text, "format": "csv"}) == {"added": 2}
    markdown = ("## Dilemmas\n- Share the file with the school?\n  - Share\n  - Do not share\n"
                "  - Values: privacy vs care\n- Work late for a client?\n  - Yes\n  - No\n")
    assert room.ok(room.fac, "dilemma.import", {"text": markdown, "format": "markdown"}) == {
        "added": 2}
    rows = room.rows("SELECT situation, options, dilemma_values, source FROM dilemmas")
    assert rows[1]["situation"] == "Colleague, late again"
    assert json.loads(rows[2]["options"]) == ["Share", "Do not share"]
    assert rows[2]["dilemma_values"] == "privacy vs care"
    assert {r["source"] for r in rows} == {"prepared"}
    # One bad row refuses the whole list, naming its line.
    room.refused(room.fac, "dilemma.import",
                 {"text": "Fine,A,B\nOnly one option,A\n", "format": "csv"}, "invalid")
    ack = room.fac.act("dilemma.import",
                       {"text": "- ok\n  - a\n  - b\nstray", "format": "markdown"})
    assert not ack["ok"] and "4" in ack["error"]["message"]
    room.refused(room.fac, "dilemma.prepare", {"situation": "", "options": ["a", "b"]}, "invalid")
    assert room.ok(room.fac, "dilemma.prepare", {"situation": "Typed in", "options": ["a", "b"]})


def test_a_workshop_holds_its_limit_of_dilemmas_and_a_deleted_one_makes_room(
        room: Room) -> None:
    """The limit is counted only near it (the numbering says how many were ever given):
    up to PER_WORKSHOP dilemmas arrive, the next submission or import is refused with
    nothing changed, and one deleted makes room for exactly one more, numbered past it."""
    room.goto("dilemma_collect")
    hundred = "situation,option a,option b\n" + "".join(
        f"Casus {n},Ja,Nee\n" for n in range(100))
    for _ in range(PER_WORKSHOP // 100 - 1):
        assert room.ok(room.fac, "dilemma.import", {"text": hundred, "format": "csv"}) == {
            "added": 100}
    almost = "situation,option a,option b\n" + "".join(f"Laatste {n},Ja,Nee\n" for n in range(99))
    room.ok(room.fac, "dilemma.import", {"text": almost, "format": "csv"})
    phone = room.phone("Eva")
    last = room.ok(phone, "dilemma.submit", DILEMMA)["dilemma_id"]
    there = room.rows("SELECT id FROM dilemmas")
    assert len(there) == PER_WORKSHOP and there[-1]["id"] == last
    room.refused(phone, "dilemma.submit", DILEMMA, "limit")
    room.refused(room.fac, "dilemma.import",
                 {"text": "situation,option a,option b\nNog een,Ja,Nee\n", "format": "csv"},
                 "limit")
    room.ok(room.fac, "dilemma.delete", {"dilemma_id": there[0]["id"]})
    again = room.ok(phone, "dilemma.submit",
                    {**DILEMMA, "situation": "One more, in the gap."})["dilemma_id"]
    rows = room.rows("SELECT id, number FROM dilemmas")
    assert len(rows) == PER_WORKSHOP
    assert next(r["number"] for r in rows if r["id"] == again) == PER_WORKSHOP + 1
    room.refused(phone, "dilemma.submit", DILEMMA, "limit")


def test_sort_merge_theme_classify_shows_on_board(room: Room) -> None:
    bea, cor, anon, named = collect_two(room)
    third = room.ok(cor, "dilemma.submit", {**DILEMMA, "situation": "Same as the first."})
    room.goto("dilemma_sort")
    room.ok(room.fac, "dilemma.merge", {"dilemma_id": third["dilemma_id"], "into_id": anon})
    room.refused(room.fac, "dilemma.merge", {"dilemma_id": anon, "into_id": anon}, "invalid")
    theme = room.ok(room.fac, "dilemma.theme_add", {"name": "Safety"})["theme_id"]
    room.refused(room.fac, "dilemma.theme_add", {"name": "t" * 81}, "invalid")
    room.ok(room.fac, "dilemma.set_theme", {"dilemma_id": anon, "theme_id": theme})
    room.ok(room.fac, "dilemma.classify", {"dilemma_id": anon, "category": "content"})
    room.ok(room.fac, "dilemma.classify", {"dilemma_id": named, "category": "organisational"})
    room.refused(room.fac, "dilemma.classify", {"dilemma_id": named, "category": "other"})
    view = room.board.wait_for("board", lambda v: v["item"]["kind"] == "dilemma_sort" and v[
        "item"]["view"]["totals"]["organisational"] == 1)["view"]["item"]["view"]
    # The board pages its cards by theme (issue 14); the theme goes with each card.
    first, loose = view["dilemmas"]
    assert (first["id"], first["theme"], first["category"]) == (anon, "Safety", "content")
    assert first["merged_count"] == 1
    assert (loose["id"], loose["theme"]) == (named, None)
    control = room.fac.wait_for("control", lambda v: v["item"]["kind"] == "dilemma_sort")
    (kept,) = [d for d in control["view"]["item"]["view"]["dilemmas"] if d["id"] == anon]
    assert [m["situation"] for m in kept["merged"]] == ["Same as the first."]  # both kept


def rnd(view: Any) -> dict[str, Any]:
    """The game round in a board view, or an empty dict before one is on stage."""
    return view["item"]["view"].get("round") or {}


def _no_counts(view: Any) -> bool:
    keys = {k for k, _ in walk(view)}
    return not keys & {"dots", "results", "distribution", "bands", "rank"}


def test_dot_voting_budget_limits_and_hidden_counts(room: Room) -> None:
    bea, cor, anon, named = collect_two(room)
    phones = [bea, cor] + [room.phone(f"P{i}") for i in range(3)]
    item = room.goto("dilemma_vote")
    room.ok(room.fac, "dilemma_vote.configure", {"item_id": item, "budget": 3, "per_dilemma": 2})
    room.refused(bea, "dilemma_vote.add", {"dilemma_id": anon}, "not_open")  # before it opens
    room.refused(room.fac, "dilemma_vote.configure",
                 {"item_id": item, "budget": 2, "per_dilemma": 3}, "invalid")
    room.ok(room.fac, "dilemma_vote.open", {"item_id": item})
    room.refused(room.fac, "dilemma_vote.configure",
                 {"item_id": item, "budget": 5, "per_dilemma": 0}, "started")
    room.ok(bea, "dilemma_vote.add", {"dilemma_id": anon})
    room.ok(bea, "dilemma_vote.add", {"dilemma_id": anon})
    room.refused(bea, "dilemma_vote.add", {"dilemma_id": anon}, "limit")  # per dilemma
    room.ok(bea, "dilemma_vote.add", {"dilemma_id": named})
    room.refused(bea, "dilemma_vote.add", {"dilemma_id": named}, "budget")  # budget used
    room.refused(bea, "dilemma_vote.add", {"dilemma_id": 999999}, "not_found")
    room.refused(cor, "dilemma_vote.remove", {"dilemma_id": anon}, "invalid")
    op_id = os.urandom(8).hex()
    assert cor.act("dilemma_vote.add", {"dilemma_id": named}, op_id=op_id)["ok"]
    assert cor.act("dilemma_vote.add", {"dilemma_id": named}, op_id=op_id).get("duplicate")
    for phone in phones[2:]:
        room.ok(phone, "dilemma_vote.add", {"dilemma_id": named})
    room.ok(phones[4], "dilemma_vote.remove", {"dilemma_id": named})
    mine = bea.wait_for("me", lambda v: v["view"].get("used") == 3)["view"]["view"]
    assert mine == {"dots": {str(anon): 2, str(named): 1}, "used": 3, "left": 0}
    room.board.wait_for("board", lambda v: v["item"]["view"].get("voters") == 4)
    room.ok(room.fac, "dilemma_vote.close", {"item_id": item})
    room.refused(cor, "dilemma_vote.add", {"dilemma_id": anon}, "closed")
    # Before the reveal no push to anyone carried a count (a phone's own dots aside).
    for client in [room.board, room.fac, *phones]:
        assert all(_no_counts(v) for v in item_views(client)), client.raw()
    room.ok(room.fac, "dilemma_vote.reveal", {"item_id": item})
    view = room.board.wait_for("board", lambda v: v["item"]["view"].get("revealed"))
    results = view["view"]["item"]["view"]["results"]
    assert [(r["id"], r["dots"]) for r in results] == [(named, 4), (anon, 2)]
    exported = [a for a in room.export()["agenda"] if a["kind"] == "dilemma_vote"][0]
    assert exported["content"]["results"][0]["dots"] == 4
    room.refused(room.fac, "dilemma_vote.open", {"item_id": item}, "revealed")


def test_dilemma_game_choices_hidden_until_reveal_then_shift(room: Room) -> None:
    bea, cor, anon, named = collect_two(room)
    phones = [bea, cor] + [room.phone(f"P{i}") for i in range(3)]
    item = room.goto("dilemma_game")
    room.refused(bea, "dilemma_game.choose", {"round_id": 1, "option": 0}, "not_open")
    room.refused(room.fac, "dilemma_game.stage",
                 {"item_id": item, "dilemma_id": 999999, "mode": "choice"}, "not_found")
    room.ok(room.fac, "dilemma_game.stage", {"item_id": item, "dilemma_id": named,
                                             "mode": "choice"})
    view = room.board.wait_for("board", lambda v: v["item"]["view"].get("round"))
    round_id = view["view"]["item"]["view"]["round"]["id"]
    picks = [0, 0, 1, 2, 1]
    for phone, option in zip(phones, picks, strict=True):
        room.ok(phone, "dilemma_game.choose", {"round_id": round_id, "option": option})
    # A mis-tap is put right before the reveal: the last choice counts (issue 17.7).
    room.ok(bea, "dilemma_game.choose", {"round_id": round_id, "option": 1})
    room.ok(bea, "dilemma_game.choose", {"round_id": round_id, "option": 0})
    extra = room.phone("Late")
    room.refused(extra, "dilemma_game.choose", {"round_id": round_id, "option": 3}, "invalid")
    room.refused(extra, "dilemma_game.choose", {"round_id": round_id}, "invalid")
    room.refused(extra, "dilemma_game.argue", {"option": 5, "text": "no such option"}, "invalid")
    room.refused(extra, "dilemma_game.argue", {"option": 0, "text": ""}, "invalid")
    room.refused(extra, "dilemma_game.argue", {"option": 0, "text": "z" * 281}, "invalid")
    room.ok(bea, "dilemma_game.argue", {"option": 0, "text": "Talk first, it is quicker."})
    room.ok(cor, "dilemma_game.argue", {"option": 1, "text": "The leader sees the pattern."})
    board = room.board.wait_for("board", lambda v: rnd(v).get("chosen") == 5)
    assert "distribution" not in board["view"]["item"]["view"]["round"]
    mine = bea.wait_for("me", lambda v: (v["view"].get("choice") or {}).get("option") == 0)
    assert mine["view"]["view"]["choice"]["round_id"] == round_id
    for client in [room.board, room.fac, *phones]:
        assert all(_no_counts(v) for v in item_views(client)), client.raw()
    room.ok(room.fac, "dilemma_game.reveal", {"item_id": item})
    room.refused(cor, "dilemma_game.choose", {"round_id": round_id, "option": 0}, "closed")
    shown = room.board.wait_for("board", lambda v: rnd(v).get("revealed"))
    dist = shown["view"]["item"]["view"]["round"]["distribution"]
    assert [o["count"] for o in dist["options"]] == [2, 2, 1] and dist["total"] == 5
    assert shown["view"]["item"]["view"]["arguments"][0]["count"] == 1
    room.ok(room.fac, "board.page", {"page": 2})  # the arguments are the board's next page
    shown = room.board.wait_for("board", lambda v: v["item"]["view"].get("focus") == "arguments")
    args = shown["view"]["item"]["view"]["arguments"]
    assert args[0]["arguments"] == ["Talk first, it is quicker."]
    # Revote: two people move; the board shows before and after with the shift.
    room.ok(room.fac, "dilemma_game.revote", {"item_id": item})
    view = room.board.wait_for("board", lambda v: rnd(v).get("number") == 2)
    second = view["view"]["item"]["view"]["round"]["id"]
    for phone, option in zip(phones, [0, 1, 1, 1, 1], strict=True):
        room.ok(phone, "dilemma_game.choose", {"round_id": second, "option": option})
    room.refused(room.fac, "dilemma_game.revote", {"item_id": item}, "not_revealed")
    room.ok(room.fac, "dilemma_game.reveal", {"item_id": item})
    shown = room.board.wait_for("board", lambda v: rnd(v).get("number") == 2
                                and rnd(v).get("revealed"))
    rounds = shown["view"]["item"]["view"]["rounds"]
    assert rounds[1]["shift"] == {"both": 5, "changed": 2, "moves": [
        {"from": 0, "to": 1, "count": 1}, {"from": 2, "to": 1, "count": 1}]}
    assert [o["count"] for o in rounds[1]["distribution"]["options"]] == [1, 4, 0]
    # A "but what if...?" variation is a new round with its own text.
    room.refused(room.fac, "dilemma_game.variation", {"item_id": item, "text": ""}, "invalid")
    room.ok(room.fac, "dilemma_game.variation",
            {"item_id": item, "text": "But what if the colleague is your friend?"})
    view = room.board.wait_for("board", lambda v: rnd(v).get("kind")
                               == "variation")
    assert view["view"]["item"]["view"]["round"]["variation"].startswith("But what if")
    exported = [a for a in room.export()["agenda"] if a["kind"] == "dilemma_game"][0]
    game = exported["content"]["games"][0]
    assert len(game["rounds"]) == 3 and "distribution" not in game["rounds"][2]
    assert SECRET_NAME not in json.dumps(exported)


def test_slider_mode(room: Room) -> None:
    bea, cor, anon, named = collect_two(room)
    item = room.goto("dilemma_game")
    room.ok(room.fac, "dilemma_game.stage", {"item_id": item, "dilemma_id": anon,
                                             "mode": "slider"})
    rid = room.board.wait_for("board", lambda v: v["item"]["view"].get("round"))[
        "view"]["item"]["view"]["round"]["id"]
    room.refused(bea, "dilemma_game.choose", {"round_id": rid, "option": 0}, "invalid")
    room.refused(bea, "dilemma_game.choose", {"round_id": rid, "value": 101}, "invalid")
    room.ok(bea, "dilemma_game.choose", {"round_id": rid, "value": 10})
    room.ok(cor, "dilemma_game.choose", {"round_id": rid, "value": 90})
    room.ok(room.fac, "dilemma_game.reveal", {"item_id": item})
    dist = room.board.wait_for("board", lambda v: rnd(v).get("revealed"))[
        "view"]["item"]["view"]["round"]["distribution"]
    assert dist["bands"] == [1, 0, 0, 0, 1] and dist["mean"] == 50


def test_harvest_needs_recommendations_and_export(room: Room) -> None:
    bea, cor, anon, named = collect_two(room)
    game_item = room.goto("dilemma_game")
    room.ok(room.fac, "dilemma_game.stage", {"item_id": game_item, "dilemma_id": anon,
                                             "mode": "choice"})
    arg = room.ok(cor, "dilemma_game.argue", {"option": 1, "text": "Safety comes first."})
    room.refused(bea, "dilemma_harvest.need", {"dilemma_id": anon, "text": "Too early"}, "not_now")
    room.goto("dilemma_harvest")
    need = room.ok(bea, "dilemma_harvest.need",
                   {"dilemma_id": anon, "text": "Room to decide without a form."})["need_id"]
    room.refused(bea, "dilemma_harvest.need", {"dilemma_id": anon, "text": " "}, "invalid")
    room.refused(bea, "dilemma_harvest.need", {"dilemma_id": anon, "text": "n" * 501}, "invalid")
    room.ok(room.fac, "dilemma_harvest.notes", {"dilemma_id": anon, "text": "Lively discussion."})
    room.ok(room.fac, "dilemma_harvest.recommend",
            {"dilemma_id": anon, "text": "A weekly safety consult."})
    room.ok(room.fac, "dilemma_harvest.promote", {"need_id": need})
    room.ok(room.fac, "dilemma_harvest.promote", {"argument_id": arg["argument_id"]})
    room.refused(room.fac, "dilemma_harvest.promote", {"need_id": need, "argument_id": 1},
                 "invalid")
    view = room.board.wait_for("board", lambda v: v["item"]["kind"] == "dilemma_harvest" and
                               len(v["item"]["view"]["dilemmas"][0]["recommendations"]) == 3)
    (entry,) = view["view"]["item"]["view"]["dilemmas"]  # only the discussed dilemma
    assert entry["notes"] == ""  # the facilitator's notes are not projected by surprise
    assert entry["needs"] == ["Room to decide without a form."]
    room.ok(room.fac, "board.notes", {"show": True})
    view = room.board.wait_for("board", lambda v: v["item"]["view"]["dilemmas"][0]["notes"])
    assert view["view"]["item"]["view"]["dilemmas"][0]["notes"] == "Lively discussion."
    mine = bea.wait_for("me", lambda v: v["view"].get("needs"))["view"]["view"]["needs"]
    assert mine == [{"dilemma_id": anon, "text": "Room to decide without a form.",
                     "approved": True}]
    exported = [a for a in room.export()["agenda"] if a["kind"] == "dilemma_harvest"][0]
    text = json.dumps(exported, ensure_ascii=False)
    assert "A weekly safety consult." in text and SECRET_NAME not in text
    assert len(exported["content"]["recommendations"]) == 3  # flat, for the report


def test_acting_on_another_workshops_dilemma_is_refused(room: Room, clients: Any) -> None:
    bea, cor, anon, named = collect_two(room)
    other = Room(room.server, clients, room.token)
    other.goto("dilemma_vote")
    item = other.item("dilemma_vote")
    other.ok(other.fac, "dilemma_vote.open", {"item_id": item})
    stranger = other.phone("Stranger")
    for op, data in [
        ("dilemma.approve", {"dilemma_id": anon, "approved": False}),
        ("dilemma.merge", {"dilemma_id": anon, "into_id": named}),
        ("dilemma.classify", {"dilemma_id": anon, "category": "content"}),
        ("dilemma.delete", {"dilemma_id": anon}),
        ("dilemma_harvest.notes", {"dilemma_id": anon, "text": "x"}),
        ("dilemma_game.stage", {"item_id": other.item("dilemma_game"), "dilemma_id": anon,
                                "mode": "choice"}),
    ]:
        other.refused(other.fac, op, data, "not_found")
    other.refused(stranger, "dilemma_vote.add", {"dilemma_id": anon}, "not_found")
    # And an agenda item of another workshop.
    other.refused(other.fac, "dilemma_vote.reveal", {"item_id": room.item("dilemma_vote")},
                  "not_found")
