"""A dilemma conference that ends where the organisation can act (issue 17, points 5-11),
over Socket.IO against a real server with real SQLite: stable numbers, organisational
dilemmas out of the vote and on the list for management, recommendations with an owner
that become agreements in the managers' review, the game's changeable choice and its
shift figures checked against the stored choices, slider poles, argument approval and
support, expected dilemmas beside the brought ones, and the phones' small things.
"""

from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta
from typing import Any

import pytest
import support
from support import Server, login_cookie
from support.login import login_session
from test_dilemmas import Room, patient_waits  # noqa: F401  (the fixture)

FAC = "fac@example.nl"
MANAGER = "teamleider@example.nl"
OTHER_MANAGER = "elders@example.nl"


@pytest.fixture(scope="module")
def server(module_server: Server) -> Server:
    module_server.add_user(MANAGER, "manager", teams=("Wijkteam Noord",), name="Mila Manager")
    module_server.add_user(OTHER_MANAGER, "manager", teams=("Wijkteam Zuid",), name="Otto")
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


class TeamRoom(Room):
    """The dilemma room of test_dilemmas, made for the team "Wijkteam Noord" (whose
    manager reads its agreements in the review)."""

    def __init__(self, server: Server, clients: Any, token: str):
        team = server.db_rows("SELECT id FROM teams WHERE name = 'Wijkteam Noord'")[0]["id"]
        support.Room.__init__(self, server, token, login_cookie(server, FAC), clients=clients,
                              title="Werkconferentie Wijkteam Noord", agenda="dilemmas",
                              language="en", team_id=team)
        self.clients, self.token = clients, token
        self.board = self.board()  # type: ignore[method-assign]
        self.agenda = self.fac.sync()["control"]["agenda"]


@pytest.fixture
def room(server: Server, facilitator_token: str, clients: Any) -> Room:
    return TeamRoom(server, clients, facilitator_token)


def item_view(msg: dict[str, Any]) -> dict[str, Any]:
    return msg["view"]["item"]["view"]


def dilemma(n: int, options: int = 2, long: bool = False) -> dict[str, Any]:
    text = f"Situatie {n}: een cliënt van het wijkteam weigert hulp bij de administratie. "
    return {
        "situation": (text * 14)[:1000] if long else text,
        "options": [f"Keuze {chr(65 + i)} bij {n}" for i in range(options)],
        "values": "autonomie tegenover veiligheid",
        "show_name": False,
    }


def board_item(room: Room, predicate: Any) -> dict[str, Any]:
    return item_view(room.board.wait_for("board", lambda v: predicate(v["item"]["view"])))


def control_item(room: Room, predicate: Any) -> dict[str, Any]:
    return item_view(room.fac.wait_for("control", lambda v: predicate(v["item"]["view"])))


# --- 9 and 11: stable numbers, no "#null" ------------------------------------------------


def test_a_dilemma_keeps_its_number_after_a_withdrawal(room: Room) -> None:
    room.goto("dilemma_collect")
    phones = [room.phone(f"Professional met een lange naam {i}") for i in range(3)]
    ids = [room.ok(phones[i % 3], "dilemma.submit", dilemma(i + 1))["dilemma_id"]
           for i in range(7)]
    before = {r["id"]: r["number"] for r in room.rows("SELECT id, number FROM dilemmas")}
    assert [before[i] for i in ids] == [1, 2, 3, 4, 5, 6, 7]
    # #6 is withdrawn by its author: #7 stays #7, and the next one is #8, not a second #6.
    room.ok(phones[5 % 3], "dilemma.withdraw", {"dilemma_id": ids[5]})
    view = board_item(room, lambda v: v.get("count") == 6)
    assert view["count"] == 6
    room.ok(room.fac, "dilemma_collect.settings",
            {"item_id": room.item("dilemma_collect"), "open": True, "show_texts": True,
             "approval": False})
    # The board pages its cards; the control page lists them all, by their numbers.
    shown = control_item(room, lambda v: len(v.get("dilemmas", [])) == 6)
    assert [d["number"] for d in shown["dilemmas"]] == [1, 2, 3, 4, 5, 7]
    # A withdrawn last one leaves its number unused too.
    room.ok(phones[0], "dilemma.withdraw", {"dilemma_id": ids[6]})
    new = room.ok(phones[0], "dilemma.submit", dilemma(8))["dilemma_id"]
    assert room.server.db_rows("SELECT number FROM dilemmas WHERE id = ?", (new,)) == [
        {"number": 8}]
    # The phone's own list carries each dilemma's number: no "#null" (11).
    mine = phones[0].wait_for("me", lambda v: any(d["id"] == new for d in v["view"]["dilemmas"]))
    numbers = [d["number"] for d in mine["view"]["view"]["dilemmas"]]
    assert numbers == [1, 4, 8] and None not in numbers


def test_the_author_sees_into_which_dilemma_theirs_was_merged(room: Room) -> None:
    room.goto("dilemma_collect")
    ann, bob = room.phone("Ann"), room.phone("Bob")
    first = room.ok(ann, "dilemma.submit", dilemma(1))["dilemma_id"]
    second = room.ok(bob, "dilemma.submit", dilemma(2))["dilemma_id"]
    room.ok(room.fac, "dilemma.merge", {"dilemma_id": second, "into_id": first})
    mine = bob.wait_for("me", lambda v: v["view"]["dilemmas"][0].get("merged_into_number"))
    assert mine["view"]["view"]["dilemmas"][0]["merged_into_number"] == 1
    assert "Ann" not in str(mine)  # the other author's name never travels with it


# --- 10: preparing ----------------------------------------------------------------------


SEMICOLONS = (
    "situatie;optie A;optie B;optie C;waarden\r\n"
    # Excel quotes a cell with the separator or quotes in it.
    "\"Een cliënt wil geen hulp; \"\"wel\"\" veilig?\";Respecteren;Melden;;autonomie\r\n"
    "Collega komt te laat;Aanspreken;Teamleider;Laten;\r\n"
)


@pytest.mark.parametrize("text, options", [
    (SEMICOLONS, [["Respecteren", "Melden"], ["Aanspreken", "Teamleider", "Laten"]]),
    ("Een cliënt weigert,Respecteren,Melden\nCollega te laat,Aanspreken,Laten,Melden,Negeren\n",
     [["Respecteren", "Melden"], ["Aanspreken", "Laten", "Melden", "Negeren"]]),
    ("situation\toption A\toption B\nEen cliënt weigert\tRespecteren\tMelden\n",
     [["Respecteren", "Melden"]]),
    ("Een cliënt weigert;Respecteren;Melden\n\nCollega te laat;Aanspreken;Laten\n",
     [["Respecteren", "Melden"], ["Aanspreken", "Laten"]]),
])
def test_import_detects_separators_and_headers(room: Room, text: str,
                                               options: list[list[str]]) -> None:
    added = room.ok(room.fac, "dilemma.import", {"text": text, "format": "csv"})["added"]
    assert added == len(options)
    rows = room.rows("SELECT options, source FROM dilemmas")
    assert [json.loads(r["options"]) for r in rows] == options
    if text == SEMICOLONS:
        first = room.rows("SELECT situation, dilemma_values FROM dilemmas")[0]
        assert first == {"situation": 'Een cliënt wil geen hulp; "wel" veilig?',
                         "dilemma_values": "autonomie"}
    assert {r["source"] for r in rows} == {"prepared"}


@pytest.mark.parametrize("text, words", [
    ("Een cliënt weigert;Respecteren\n", ["Regel 1:", "minstens twee opties", "heeft er 1"]),
    ("Goed;A;B\n;A;B\n", ["Regel 2:", "de situatie (eerste kolom) is leeg"]),
    ("situatie;optie A;optie B\nGoed;A;B\nNog goed;A;B\nSlecht;" + "x" * 201 + ";B\n",
     ["Regel 4:", "een optie heeft 201 tekens", "hoogstens 200"]),
    ("Goed;A;B;C;D;waarden;te veel\n", ["Regel 1:", "meer kolommen"]),
])
def test_import_errors_name_the_line_and_the_problem(room: Room, text: str,
                                                     words: list[str]) -> None:
    """In the facilitator's language (Dutch here), in words, never a schema field name."""
    message = room.refused(room.fac, "dilemma.import", {"text": text, "format": "csv"})
    ack = room.fac.act("dilemma.import", {"text": text, "format": "csv"})
    for word in words:
        assert word in ack["error"]["message"], ack
    assert message == "invalid"
    assert "options.0" not in ack["error"]["message"]  # no schema field names


def test_approve_all_approves_every_waiting_dilemma(room: Room) -> None:
    room.goto("dilemma_collect")
    room.ok(room.fac, "dilemma_collect.settings",
            {"item_id": room.item("dilemma_collect"), "open": True, "show_texts": True,
             "approval": True})
    phones = [room.phone(f"P{i}") for i in range(5)]
    for i, phone in enumerate(phones):
        room.ok(phone, "dilemma.submit", dilemma(i))
    assert board_item(room, lambda v: v.get("count") == 5)["dilemmas"] == []
    assert room.ok(room.fac, "dilemma.approve_all")["approved"] == 5
    approved = board_item(room, lambda v: v.get("dilemmas") and v["paging"]["pages"] == 2)
    assert len(approved["dilemmas"]) == 3 and approved["count"] == 5  # 3 a page
    assert room.ok(room.fac, "dilemma.approve_all")["approved"] == 0
    room.refused(phones[0], "dilemma.approve_all", {}, "forbidden")


# --- 6: organisational dilemmas to management, recommendations with owners ---------------


def sorted_room(room: Room, n: int = 8) -> tuple[list[int], list[Any]]:
    room.goto("dilemma_collect")
    phones = [room.phone(f"Deelnemer {i}") for i in range(6)]
    ids = [room.ok(phones[i % 6], "dilemma.submit", dilemma(i + 1, options=2 + i % 3,
                                                         long=i % 4 == 0))["dilemma_id"]
           for i in range(n)]
    for i, did in enumerate(ids):
        room.ok(room.fac, "dilemma.classify",
                {"dilemma_id": did, "category": "organisational" if i % 3 == 0 else "content"})
    return ids, phones


def test_organisational_dilemmas_stay_out_of_the_vote_and_go_to_management(room: Room) -> None:
    ids, phones = sorted_room(room)
    organisational = [d for i, d in enumerate(ids) if i % 3 == 0]
    item = room.goto("dilemma_vote")
    room.ok(room.fac, "dilemma_vote.configure",
            {"item_id": item, "budget": 3, "per_dilemma": 0, "organisational_out": True})
    room.ok(room.fac, "dilemma_vote.open", {"item_id": item})
    shown = item_view(phones[0].wait_for(
        "phone", lambda v: v["item"]["view"].get("state") == "open"))
    assert {d["id"] for d in shown["dilemmas"]} == set(ids) - set(organisational)
    assert shown["organisational_out"] is True
    room.refused(phones[0], "dilemma_vote.add", {"dilemma_id": organisational[0]}, "invalid")
    for phone in phones:
        room.ok(phone, "dilemma_vote.add", {"dilemma_id": ids[1]})
    room.ok(room.fac, "dilemma_vote.reveal", {"item_id": item})
    results = board_item(room, lambda v: v.get("revealed"))["results"]
    assert organisational[0] not in {r["id"] for r in results}
    assert results[0]["id"] == ids[1] and results[0]["dots"] == 6
    # The harvest lists them "for management", each with an owner and a proposed answer.
    room.goto("dilemma_harvest")
    # The list for management is the facilitator's (the board shows the harvest itself).
    listed = control_item(room, lambda v: "management" in v)["management"]
    assert [m["dilemma"]["id"] for m in listed] == organisational
    assert all(m["owner"] == "" and m["answer"] == "" for m in listed)
    room.ok(room.fac, "dilemma_harvest.management",
            {"dilemma_id": organisational[0], "owner": "Afdelingsmanager Zorg",
             "answer": "Een vast aanspreekpunt voor de administratie."})
    room.refused(room.fac, "dilemma_harvest.management",
                 {"dilemma_id": ids[1], "owner": "x", "answer": "y"}, "invalid")
    room.refused(room.fac, "dilemma_harvest.management",
                 {"dilemma_id": organisational[0], "owner": "x" * 81, "answer": ""}, "invalid")
    done = control_item(room, lambda v: v["management"][0]["owner"])["management"][0]
    assert done == {**done, "owner": "Afdelingsmanager Zorg",
                    "answer": "Een vast aanspreekpunt voor de administratie."}
    exported = [a for a in room.export()["agenda"] if a["kind"] == "dilemma_harvest"][0]
    assert exported["content"]["management"][0]["owner"] == "Afdelingsmanager Zorg"


def test_recommendations_get_an_owner_and_become_agreements_for_the_review(
        room: Room, server: Server) -> None:
    ids, phones = sorted_room(room, n=3)
    room.goto("dilemma_harvest")
    rec = room.ok(room.fac, "dilemma_harvest.recommend",
                  {"dilemma_id": ids[1], "text": "Een wekelijks overleg over weigerende cliënten"}
                  )["recommendation_id"]
    # Without owner and date it cannot become an agreement yet.
    room.refused(room.fac, "dilemma_harvest.to_agreement", {"recommendation_id": rec}, "invalid")
    due = (date.today() + timedelta(days=30)).isoformat()
    bad = {"recommendation_id": rec, "owner_kind": "person", "owner": "",
           "priority": "high", "due_date": due}
    room.refused(room.fac, "dilemma_harvest.assign", bad, "invalid")
    room.refused(room.fac, "dilemma_harvest.assign", {**bad, "owner": "Mila", "priority": "x"},
                 "invalid")
    room.refused(room.fac, "dilemma_harvest.assign", {**bad, "owner": "Mila",
                                                      "due_date": "31-12-2027"}, "invalid")
    room.refused(phones[0], "dilemma_harvest.assign", {**bad, "owner": "Mila"}, "forbidden")
    room.ok(room.fac, "dilemma_harvest.assign",
            {"recommendation_id": rec, "owner_kind": "management", "owner": "Mila Manager",
             "priority": "high", "due_date": due})
    shown = control_item(room, lambda v: any(
        r.get("owner_label") for h in v["dilemmas"] for r in h["recommendations"]))
    [recommendation] = [r for h in shown["dilemmas"] for r in h["recommendations"]]
    assert recommendation["priority"] == "high" and recommendation["due_date"] == due
    assert "Mila Manager" in recommendation["owner_label"]
    agreement = room.ok(room.fac, "dilemma_harvest.to_agreement",
                        {"recommendation_id": rec})["agreement_id"]
    room.refused(room.fac, "dilemma_harvest.to_agreement", {"recommendation_id": rec},
                 "already")
    [row] = server.db_rows("SELECT * FROM agreements WHERE id = ?", (agreement,))
    assert row["what"] == "Een wekelijks overleg over weigerende cliënten"
    assert row["due_date"] == due and row["manager_visible"] == 1 and row["team_id"]
    # The team's manager follows it up in the review; another team's manager sees nothing.
    page = login_session(server, MANAGER).get(server.url + "/review", timeout=10)
    assert page.status_code == 200 and "Een wekelijks overleg" in page.text
    other = login_session(server, OTHER_MANAGER).get(server.url + "/review", timeout=10)
    assert "Een wekelijks overleg" not in other.text


# --- 7: the dilemma game ----------------------------------------------------------------


def stage(room: Room, did: int, mode: str = "choice", **extra: Any) -> tuple[int, int]:
    item = room.goto("dilemma_game")
    room.ok(room.fac, "dilemma_game.stage",
            {"item_id": item, "dilemma_id": did, "mode": mode, **extra})
    rid = board_item(room, lambda v: v.get("round"))["round"]["id"]
    return item, rid


def test_a_choice_can_change_until_the_reveal_and_not_after(room: Room, server: Server) -> None:
    ids, phones = sorted_room(room, n=3)
    item, rid = stage(room, ids[2])  # four options
    ann = phones[0]
    room.ok(ann, "dilemma_game.choose", {"round_id": rid, "option": 0})
    room.ok(ann, "dilemma_game.choose", {"round_id": rid, "option": 3})
    mine = ann.wait_for("me", lambda v: (v["view"].get("choice") or {}).get("option") == 3)
    assert mine["view"]["view"]["choice"]["round_id"] == rid
    stored = server.db_rows("SELECT option FROM dilemma_choices WHERE round_id = ?", (rid,))
    assert stored == [{"option": 3}]  # one row, the last choice
    assert board_item(room, lambda v: v["round"].get("chosen") == 1)["round"]["chosen"] == 1
    room.ok(room.fac, "dilemma_game.reveal", {"item_id": item})
    room.refused(ann, "dilemma_game.choose", {"round_id": rid, "option": 1}, "closed")
    assert server.db_rows("SELECT option FROM dilemma_choices WHERE round_id = ?",
                          (rid,)) == [{"option": 3}]


def test_the_shift_figures_match_the_stored_choices(room: Room, server: Server) -> None:
    room.goto("dilemma_collect")
    phones = [room.phone(f"Deelnemer {i}") for i in range(14)]
    did = room.ok(phones[0], "dilemma.submit", dilemma(1, options=3))["dilemma_id"]
    item, rid = stage(room, did)
    rng = random.Random(17)
    for n in range(3):  # first round, a revote, a "but what if...?" variation
        for phone in phones[: 14 - n * 2]:  # fewer choose in later rounds
            room.ok(phone, "dilemma_game.choose",
                    {"round_id": rid, "option": rng.choice([0, 0, 1, 2])})
        room.ok(room.fac, "dilemma_game.reveal", {"item_id": item})
        board_item(room, lambda v, rid=rid: v["round"]["id"] == rid and v["round"]["revealed"])
        if n == 0:
            room.ok(room.fac, "dilemma_game.revote", {"item_id": item})
        elif n == 1:
            room.ok(room.fac, "dilemma_game.variation",
                    {"item_id": item, "text": "Maar wat als de cliënt minderjarig is?"})
        if n < 2:
            rid = board_item(room, lambda v, rid=rid: v["round"]["id"] != rid)["round"]["id"]
    # Every round is the control page's (the board draws the latest two).
    view = control_item(room, lambda v: len([r for r in v["rounds"] if r["revealed"]]) == 3)
    rounds = server.db_rows("SELECT id, number FROM dilemma_rounds WHERE dilemma_id = ?"
                            " ORDER BY number", (did,))
    choices = {r["id"]: {c["participant_id"]: c["option"] for c in server.db_rows(
        "SELECT participant_id, option FROM dilemma_choices WHERE round_id = ?", (r["id"],))}
        for r in rounds}
    chart = view["shift_chart"]
    assert chart["scale"] == "share" and [r["number"] for r in chart["rounds"]] == [1, 2, 3]
    for row in chart["rows"]:
        for share, rnd in zip(row["shares"], rounds, strict=True):
            picked = list(choices[rnd["id"]].values())
            assert share["count"] == picked.count(row["option"])
            assert share["percent"] == round(100 * picked.count(row["option"]) / len(picked))
    for before, after, shown in zip(rounds, rounds[1:], view["rounds"][1:], strict=False):
        a, b = choices[before["id"]], choices[after["id"]]
        both = a.keys() & b.keys()
        moves: dict[tuple[int, int], int] = {}
        for pid in both:
            if a[pid] != b[pid]:
                moves[(a[pid], b[pid])] = moves.get((a[pid], b[pid]), 0) + 1
        assert shown["shift"]["both"] == len(both)
        assert shown["shift"]["changed"] == sum(moves.values())
        assert {(m["from"], m["to"]): m["count"] for m in shown["shift"]["moves"]} == moves
    assert "participant" not in str(view["rounds"])  # counts, never who


def test_the_slider_is_offered_only_where_it_fits(room: Room) -> None:
    ids, phones = sorted_room(room, n=3)  # 2, 3 and 4 options
    item = room.goto("dilemma_game")
    for did, n in ((ids[1], 3), (ids[2], 4)):
        message = room.fac.act("dilemma_game.stage",
                               {"item_id": item, "dilemma_id": did, "mode": "slider"})
        assert not message["ok"] and f"{n} opties" in message["error"]["message"]
    for poles in ([1, 1], [0, 3], [0]):
        room.refused(room.fac, "dilemma_game.stage",
                     {"item_id": item, "dilemma_id": ids[1], "mode": "slider", "poles": poles},
                     "invalid")
    room.ok(room.fac, "dilemma_game.stage",
            {"item_id": item, "dilemma_id": ids[1], "mode": "slider", "poles": [0, 2]})
    view = board_item(room, lambda v: v.get("mode") == "slider")
    assert view["labels"] == ["Keuze A bij 2", "Keuze C bij 2"] and view["poles"] == [0, 2]
    # Arguments still name any of the three options: option C is not dropped.
    assert [g["label"] for g in view["arguments"]] == [
        "Keuze A bij 2", "Keuze B bij 2", "Keuze C bij 2"]
    room.ok(room.fac, "dilemma_game.stage",
            {"item_id": item, "dilemma_id": ids[0], "mode": "slider"})
    assert board_item(room, lambda v: v["dilemma"]["id"] == ids[0])["labels"] == [
        "Keuze A bij 1", "Keuze B bij 1"]


# --- 8: arguments, approval and support ---------------------------------------------------


def test_arguments_approved_then_supported_once_per_person(room: Room) -> None:
    ids, phones = sorted_room(room, n=2)
    item, rid = stage(room, ids[1])
    room.ok(room.fac, "dilemma_game.settings", {"item_id": item, "argument_approval": True})
    first = room.ok(phones[0], "dilemma_game.argue",
                    {"option": 0, "text": "Vertrouwen gaat voor"})["argument_id"]
    second = room.ok(phones[1], "dilemma_game.argue",
                     {"option": 0, "text": "Eerst het gesprek"})["argument_id"]
    third = room.ok(phones[2], "dilemma_game.argue",
                    {"option": 2, "text": "Veiligheid eerst"})["argument_id"]
    pending = control_item(room, lambda v: len(v["arguments"][0]["arguments"]) == 2)
    assert [a["approved"] for a in pending["arguments"][0]["arguments"]] == [False, False]
    board = board_item(room, lambda v: v.get("dilemma"))
    assert all(not g["arguments"] for g in board["arguments"])  # nothing before approval
    room.refused(phones[3], "dilemma_game.support", {"argument_id": first}, "not_found")
    for argument in (first, second, third):
        room.ok(room.fac, "dilemma_game.approve_argument", {"argument_id": argument})
    for phone in phones[:4]:
        room.ok(phone, "dilemma_game.support", {"argument_id": second})
    room.ok(phones[4], "dilemma_game.support", {"argument_id": first})
    room.ok(phones[4], "dilemma_game.support", {"argument_id": third})
    room.refused(phones[0], "dilemma_game.support", {"argument_id": second}, "already")
    room.refused(room.fac, "dilemma_game.support", {"argument_id": second}, "forbidden")
    top = board_item(room, lambda v: len(v.get("most_supported", [])) == 2)["most_supported"]
    assert top == [
        {"option": 0, "label": "Keuze A bij 2", "text": "Eerst het gesprek", "support": 4},
        {"option": 2, "label": "Keuze C bij 2", "text": "Veiligheid eerst", "support": 1},
    ]
    me = phones[0].wait_for("me", lambda v: v["view"].get("supported") == [second])
    assert me["view"]["view"]["supported"] == [second]


# --- 5: expected dilemmas -----------------------------------------------------------------


def test_managers_expect_dilemmas_the_harvest_sets_them_beside_the_brought(
        room: Room, server: Server) -> None:
    ids, phones = sorted_room(room, n=4)
    theme = room.ok(room.fac, "dilemma.theme_add", {"name": "Administratie"})["theme_id"]
    room.ok(room.fac, "dilemma.set_theme", {"dilemma_id": ids[0], "theme_id": theme})
    url = f"{server.url}/w/{room.code}/expected"
    manager = login_session(server, MANAGER)
    page = manager.get(url, timeout=10)
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    for text in ("Cliënten die hulp weigeren", "Roosters die niet rond komen"):
        sent = manager.post(url, data={"csrf_token": token, "situation": text}, timeout=10)
        assert sent.status_code == 200 and text in sent.text
    empty = manager.post(url, data={"csrf_token": token, "situation": "  "}, timeout=10)
    assert empty.status_code == 400 and "Traceback" not in empty.text
    assert login_session(server, OTHER_MANAGER).get(url, timeout=10).status_code == 404
    room.ok(room.fac, "dilemma.expect", {"situation": "Privacy bij het delen van dossiers"})
    expected = server.db_rows("SELECT id, author, situation FROM dilemma_expected"
                              " WHERE workshop_id = ? ORDER BY id", (room.workshop_id(),))
    assert [e["author"] for e in expected] == ["Mila Manager", "Mila Manager", "Fatima"]
    room.ok(room.fac, "dilemma.expect_sort",
            {"expected_id": expected[0]["id"], "matched_id": ids[0], "theme_id": theme,
             "category": "organisational"})
    room.refused(phones[0], "dilemma.expect", {"situation": "x"}, "forbidden")
    room.goto("dilemma_harvest")
    seen = control_item(room, lambda v: v.get("expected", {}).get("expected_brought"))
    comparison = seen["expected"]
    assert [(x["expected"]["id"], x["dilemma"]["id"]) for x in comparison["expected_brought"]] \
        == [(expected[0]["id"], ids[0])]
    assert [e["id"] for e in comparison["expected_only"]] == [e["id"] for e in expected[1:]]
    assert [d["id"] for d in comparison["brought_only"]] == ids[1:]
    by_theme = {t["theme"]: t for t in comparison["by_theme"]}
    assert by_theme["Administratie"] == {**by_theme["Administratie"], "expected": 1, "brought": 1}
    assert comparison["by_category"]["organisational"] == {"expected": 1, "brought": 2}
    control = control_item(room, lambda v: v.get("expected", {}).get("expected_brought"))
    assert control["expected"]["expected_brought"][0]["dilemma"]["id"] == ids[0]
    board = board_item(room, lambda v: v.get("dilemmas"))
    assert "Mila Manager" not in str(board)  # the board never says which manager wrote it
    # The same comparison is what the report calls.
    exported = [a for a in room.export()["agenda"] if a["kind"] == "dilemma_harvest"][0]
    assert exported["content"]["expected"]["expected_brought"][0]["dilemma"]["id"] == ids[0]


# --- 11: the smaller things ---------------------------------------------------------------


def test_a_new_dot_budget_reaches_every_phone_before_voting(room: Room) -> None:
    ids, phones = sorted_room(room, n=2)
    item = room.goto("dilemma_vote")
    for phone in phones:
        phone.wait_for("me", lambda v: v["view"].get("left") == 3)
    room.ok(room.fac, "dilemma_vote.configure",
            {"item_id": item, "budget": 5, "per_dilemma": 0})
    for phone in phones:
        mine = phone.wait_for("me", lambda v: v["view"].get("left") == 5)
        assert mine["view"]["view"]["used"] == 0


def test_needs_wait_for_approval_when_asked(room: Room) -> None:
    ids, phones = sorted_room(room, n=2)
    item = room.goto("dilemma_harvest")
    room.ok(room.fac, "dilemma_harvest.settings", {"item_id": item, "need_approval": True})
    need = room.ok(phones[0], "dilemma_harvest.need",
                   {"dilemma_id": ids[1], "text": "Tijd in het rooster voor intervisie"})["need_id"]
    waiting = control_item(room, lambda v: any(h["needs"] for h in v["dilemmas"]))
    [shown] = [n for h in waiting["dilemmas"] for n in h["needs"]]
    assert shown == {"id": need, "text": "Tijd in het rooster voor intervisie", "approved": False}
    mine = phones[0].wait_for("me", lambda v: v["view"].get("needs"))
    assert mine["view"]["view"]["needs"][0]["approved"] is False
    board = board_item(room, lambda v: v.get("dilemmas"))
    assert not any(h["needs"] for h in board["dilemmas"])  # not on the board yet
    exported = [a for a in room.export()["agenda"] if a["kind"] == "dilemma_harvest"][0]
    assert "Tijd in het rooster" not in str(exported)  # nor in the report
    room.refused(phones[0], "dilemma_harvest.approve_need", {"need_id": need}, "forbidden")
    room.ok(room.fac, "dilemma_harvest.approve_need", {"need_id": need})
    # Approved, it is part of the harvest the board pages through, and of the report.
    exported = [a for a in room.export()["agenda"] if a["kind"] == "dilemma_harvest"][0]
    assert [n for h in exported["content"]["dilemmas"] for n in h["needs"]] == [
        "Tijd in het rooster voor intervisie"]
    phones[0].wait_for("me", lambda v: v["view"]["needs"][0]["approved"] is True)
