"""Building the agenda over the real protocol (issue 15, point 2): add at any place, move,
rename, remove (never an item that holds contributions), save the agenda as an own
template and start a workshop from it, duplicate a workshop without its content."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from support import Room, Server, login_session

FAC = "fac@example.nl"


@pytest.fixture(scope="module")
def server(module_server: Server) -> Server:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


@pytest.fixture
def room(server: Server, facilitator_token: str, clients: Any) -> Any:
    return Room(server, facilitator_token, clients=clients, title="Teamdag Wijkteam Noord")


def titles(room: Room) -> list[str]:
    return [i["title"] for i in room.fac.sync()["control"]["agenda"]]


def kinds(server: Server, code: str) -> list[tuple[str, str, dict[str, Any]]]:
    rows = server.db_rows(
        "SELECT a.kind, a.title, a.config FROM agenda_items a JOIN workshops w"
        " ON w.id = a.workshop_id WHERE w.code = ? ORDER BY a.position, a.id", (code,))
    return [(r["kind"], r["title"], json.loads(r["config"])) for r in rows]


def csrf(session: Any, url: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', session.get(url, timeout=10).text)
    assert found
    return found.group(1)


def test_add_at_a_place_move_rename_and_remove(room: Room) -> None:
    board = room.board()
    room.add_item("dilemma_vote", "Kiezen")
    first = room.ok(room.fac, "agenda.add", kind="welcome", title="Voorstelronde",
                    position=0)["result"]["item_id"]
    middle = room.ok(room.fac, "agenda.add", kind="feedback", position=2)["result"]["item_id"]
    assert titles(room) == ["Voorstelronde", "Welkom", "Aanspreken", "Kiezen"]

    room.ok(room.fac, "agenda.move", item_id=first, position=3)
    assert titles(room) == ["Welkom", "Aanspreken", "Kiezen", "Voorstelronde"]
    room.ok(room.fac, "agenda.rename", item_id=middle, title="Feedback in tweetallen")
    assert titles(room)[1] == "Feedback in tweetallen"
    # The board counts the steps of the new agenda.
    assert board.sync()["board"]["item"]["total"] == 4

    room.ok(room.fac, "agenda.remove", item_id=first)
    assert titles(room) == ["Welkom", "Feedback in tweetallen", "Kiezen"]
    positions = [r["position"] for r in room.server.db_rows(
        "SELECT position FROM agenda_items WHERE workshop_id = ? ORDER BY position",
        (room.workshop_id(),))]
    assert positions == [0, 1, 2]


def test_removing_the_current_item_moves_the_room_on(room: Room) -> None:
    second = room.add_item("welcome", "Tweede")
    phone = room.phone("Ann")
    room.ok(room.fac, "timer.start", seconds=300)
    assert phone.sync()["phone"]["timer"]["state"] == "running"
    room.ok(room.fac, "agenda.remove", item_id=room.items["welcome"])
    view = phone.sync()["phone"]
    assert view["item"]["id"] == second and view["item"]["total"] == 1
    assert view["timer"] is None  # as after any move of the room
    # The last item stays: an agenda is never empty.
    room.refused(room.fac, "agenda.remove", "invalid", item_id=second)


def test_an_item_with_contributions_is_not_removed(room: Room) -> None:
    collect = room.add_item("dilemma_collect", "Verzamelen")
    room.goto("welcome")
    room.ok(room.fac, "agenda.goto", item_id=collect)
    ann = room.phone("Ann")
    room.ok(ann, "dilemma.submit", situation="Een cliënt wil geen hulp, maar de woning vervuilt.",
            options=["Keuze respecteren", "Ingrijpen"], values="", show_name=False)
    vote = room.add_item("dilemma_vote", "Kiezen")
    room.ok(room.fac, "agenda.goto", item_id=vote)
    room.ok(room.fac, "dilemma_vote.open", item_id=vote)
    dilemma = room.server.db_rows("SELECT id FROM dilemmas")[-1]["id"]
    room.ok(ann, "dilemma_vote.add", dilemma_id=dilemma)
    before = kinds(room.server, room.code)
    ack = room.refused(room.fac, "agenda.remove", "has_content", item_id=vote)
    assert "bijgedragen" in ack["error"]["message"]
    assert kinds(room.server, room.code) == before
    assert room.server.db_rows("SELECT COUNT(*) AS n FROM dilemma_votes WHERE item_id = ?",
                               (vote,))[0]["n"] == 1


def test_bad_agenda_input_is_refused_and_changes_nothing(room: Room) -> None:
    before = kinds(room.server, room.code)
    room.refused(room.fac, "agenda.add", "invalid", kind="no_such_kind")
    room.refused(room.fac, "agenda.add", "invalid", kind="welcome", position=-1)
    room.refused(room.fac, "agenda.move", "invalid", item_id=room.items["welcome"], position="1")
    room.refused(room.fac, "agenda.move", "not_found", item_id=999999, position=0)
    room.refused(room.fac, "agenda.save_template", "invalid", name="")
    room.refused(room.fac, "agenda.save_template", "invalid", name="x" * 81)
    phone = room.phone("Bram")
    room.refused(phone, "agenda.remove", "forbidden", item_id=room.items["welcome"])
    room.refused(phone, "agenda.save_template", "forbidden", name="Van een telefoon")
    assert kinds(room.server, room.code) == before


def test_template_saved_and_used_for_a_new_workshop(room: Room, server: Server) -> None:
    room.ok(room.fac, "welcome.set_text", item_id=room.items["welcome"],
            text="Welkom bij de teamdag. Zet je telefoon op stil.")
    vote = room.add_item("dilemma_vote", "Stippen plakken")
    room.ok(room.fac, "dilemma_vote.configure", item_id=vote, budget=5, per_dilemma=2)
    room.ok(room.fac, "agenda.goto", item_id=vote)
    room.ok(room.fac, "dilemma_vote.open", item_id=vote)  # progress: not in the template
    room.add_item("agreements", "Afspraken maken")
    name = "Teamdag (mijn agenda)"
    template = room.ok(room.fac, "agenda.save_template", name=name)["result"]["template_id"]
    # Saving under the same name again replaces it rather than making a second.
    assert room.ok(room.fac, "agenda.save_template", name=name)["result"]["template_id"] == template

    session = login_session(server, FAC)
    form = session.get(server.url + "/workshops/new", timeout=10).text
    assert f'value="tpl:{template}"' in form and "Mijn sjablonen" in form
    assert 'value="welcome"' in form  # the ready-made agendas stay
    response = session.post(server.url + "/workshops/new", data={
        "csrf_token": csrf(session, server.url + "/workshops/new"), "title": "Teamdag maart",
        "language": "nl", "team": "", "agenda": f"tpl:{template}"}, allow_redirects=False,
        timeout=10)
    assert response.status_code == 302, response.text
    code = response.headers["Location"].split("/")[-2]
    made = kinds(server, code)
    assert [(k, t) for k, t, _ in made] == [
        ("welcome", "Welkom"), ("dilemma_vote", "Stippen plakken"),
        ("agreements", "Afspraken maken")]
    assert made[0][2]["text"] == "Welkom bij de teamdag. Zet je telefoon op stil."
    assert made[1][2] == {"budget": 5, "per_dilemma": 2, "organisational_out": False,
                          "state": "ready", "revealed": False}


def test_a_template_is_only_its_owners(room: Room, server: Server) -> None:
    template = room.ok(room.fac, "agenda.save_template",
                       name="Alleen van mij")["result"]["template_id"]
    server.add_user("other@example.nl", "facilitator", name="Olaf")
    other = login_session(server, "other@example.nl")
    form = other.get(server.url + "/workshops/new", timeout=10).text
    assert f"tpl:{template}" not in form
    response = other.post(server.url + "/workshops/new", data={
        "csrf_token": csrf(other, server.url + "/workshops/new"), "title": "Leentje",
        "language": "nl", "team": "", "agenda": f"tpl:{template}"}, allow_redirects=False,
        timeout=10)
    assert response.status_code == 400
    assert "Traceback" not in response.text and "Dat is geen van de keuzes." in response.text
    assert not server.db_rows("SELECT id FROM workshops WHERE title = 'Leentje'")


def test_duplicate_copies_agenda_and_settings_not_content(room: Room, server: Server) -> None:
    collect = room.add_item("dilemma_collect", "Verzamelen")
    room.ok(room.fac, "agenda.goto", item_id=collect)
    room.ok(room.fac, "dilemma_collect.settings", item_id=collect, open=True, show_texts=True,
            approval=True)
    ann = room.phone("Ann")
    room.ok(ann, "dilemma.submit", situation="Een collega is vaak te laat bij de overdracht.",
            options=["Aanspreken", "Melden"], values="", show_name=False)
    room.ok(room.fac, "workshop.lock", locked=True)

    session = login_session(server, FAC)
    page = session.get(server.url + f"/w/{room.code}/control", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    # Without the CSRF token nothing is made.
    count = len(server.db_rows("SELECT id FROM workshops"))
    refused = session.post(server.url + f"/w/{room.code}/duplicate", allow_redirects=False,
                           timeout=10)
    assert refused.status_code == 400 and "Traceback" not in refused.text
    assert len(server.db_rows("SELECT id FROM workshops")) == count
    response = session.post(server.url + f"/w/{room.code}/duplicate",
                            data={"csrf_token": token}, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    code = response.headers["Location"].split("/")[-2]
    assert code != room.code
    (copy,) = server.db_rows("SELECT * FROM workshops WHERE code = ?", (code,))
    assert copy["title"] == "Teamdag Wijkteam Noord (kopie)"
    assert (copy["status"], copy["locked"]) == ("draft", 0)
    assert [(k, t) for k, t, _ in kinds(server, code)] == [
        (k, t) for k, t, _ in kinds(server, room.code)]
    settings = kinds(server, code)[1][2]
    assert settings == {"open": True, "show_texts": False, "approval": True}
    assert not server.db_rows("SELECT id FROM participants WHERE workshop_id = ?", (copy["id"],))
    assert not server.db_rows("SELECT id FROM dilemmas WHERE workshop_id = ?", (copy["id"],))

    # Someone else's workshop cannot be duplicated.
    server.add_user("third@example.nl", "facilitator", name="Tim")
    third = login_session(server, "third@example.nl")
    other_token = csrf(third, server.url + "/workshops")
    assert third.post(server.url + f"/w/{room.code}/duplicate", data={"csrf_token": other_token},
                      allow_redirects=False, timeout=10).status_code == 404
