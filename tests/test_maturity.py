"""The maturity scan through the real server (issue 20, points 1, 2 and 5): ratings hidden
from every screen until the reveal, no individual rating in any push, export or report,
the board's distributions equal to what is stored, a statement made an agreement, the
scan adjusted and saved as one's own, and the change between two workshops of one team."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from maturity_support import (
    AREA_OF,
    KEYS,
    TEAM,
    expected,
    rate_all,
    scan_room,
    spread,
    stored,
)
from support.client import settle
from support.server import Server

from facilitator.activities.maturity import scans

ADDED = "Alleen Zoë scoort deze uitspraak over de steun"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # A phone rates 36 statements; the tests send them faster than a thumb does.
    shared = Server(tmp_path_factory.mktemp("maturity"),
                    env={"FACILITATOR_ACTION_RATE": "1000/10second"})
    shared.start()
    yield shared
    shared.stop()


@pytest.fixture(scope="module")
def facilitator_token(server: Server) -> str:
    server.add_user("fac@example.nl", "facilitator", teams=(TEAM,), name="Fatima")
    return server.token("fac@example.nl")


def item_views(client: Any) -> list[Any]:
    """Every activity view this screen was pushed (its own part included)."""
    out = []
    for name, msg in client.pushes:
        view = msg.get("view") or {}
        inner = (view.get("item") or {}).get("view") if name != "me" else view.get("view")
        if inner is not None:
            out.append((name, inner))
    return out


def keys_in(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


def report(server: Any, room: Any, fmt: str) -> str:
    response = requests.get(f"{server.url}/w/{room.code}/report.{fmt}",
                            headers={"Cookie": room.cookie}, timeout=20)
    assert response.status_code == 200, response.text[:500]
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(response.content)) as doc:
            return doc.read("word/document.xml").decode("utf-8")
    return response.text


def test_ratings_stay_private_and_the_board_shows_the_stored_distribution(
        server: Any, facilitator_token: str, clients: Any) -> None:
    room = scan_room(server, facilitator_token, "Volwassenheidsscan najaar", clients)
    item = room.items["maturity_scan"]
    board = room.board()
    # The facilitator adds a statement only one person will rate: its ratings would be
    # hers alone, so nothing of it may show.
    statements = [{"key": k} for k in KEYS] + [{"area": "support", "text": ADDED}]
    room.ok(room.fac, "maturity_scan.adjust", item_id=item, statements=statements)
    control = room.fac.sync()["control"]["item"]["view"]
    added = next(s["key"] for s in control["statements"] if s["text"] == ADDED)
    names = ["Ann", "Bob", "Cem", "Dewi", "Eva", "Fenna", "Gijs", "Zoë van den Berg-Oosterhout"]
    phones = {name: room.phone(name) for name in names}
    first = phones["Ann"]
    room.refused(first, "maturity_scan.rate", "not_open", statement=KEYS[0], about="self",
                 value=3)
    room.ok(room.fac, "maturity_scan.open", item_id=item)
    room.refused(room.fac, "maturity_scan.adjust", "started", item_id=item,
                 statements=[{"key": KEYS[0]}])
    for bad in ({"statement": "nonsense", "about": "self", "value": 3},
                {"statement": KEYS[0], "about": "boss", "value": 3},
                {"statement": KEYS[0], "about": "self", "value": 6}):
        ack = first.act("maturity_scan.rate", bad)
        assert not ack["ok"] and ack["error"]["message"] and "Traceback" not in str(ack)
    room.screens.checking = False  # 576 ratings; the truth check runs once at the end
    for n, (name, phone) in enumerate(phones.items()):
        if name.startswith("Zoë"):
            # A distinctive pattern: 1 about herself, 5 about the team, everywhere.
            rate_all(room, phone, lambda key, about: 1 if about == "self" else 5,
                     [*KEYS, added])
        else:
            # Every phone's own pattern (n's bits over the statements), so that a
            # permutation of the phones shows in the stored rows.
            rate_all(room, phone, lambda key, about, n=n: 1 + (
                2 * ((n >> (KEYS.index(key) % 3)) & 1) + KEYS.index(key) % 2
                + (about == "team")))
    # Changeable until the reveal: the last one counts.
    room.ok(phones["Bob"], "maturity_scan.rate", statement=KEYS[0], about="self", value=5)
    room.screens.checking = True
    room.screens.check("after the ratings")
    bob = phones["Bob"].participant_id
    assert server.db_rows("SELECT value FROM maturity_ratings WHERE item_id = ? AND"
                          " participant_id = ? AND statement = ? AND about = 'self'",
                          (item, bob, KEYS[0]))[0]["value"] == 5

    # Before the reveal: only how many rated, on every screen, the facilitator's too.
    # (Bob's own part is the last push of his change; an unchanged view is not resent.)
    settle(phones["Bob"], room.seq(), board, room.fac, *phones.values())
    for client in (board, room.fac, *phones.values()):
        for name, view in item_views(client):
            if name == "me":
                continue
            assert not keys_in(view) & {"counts", "mean", "results", "disagree", "ratings",
                                        "value", "gap"}, (client.label, name, view)
    assert board.views["board"]["item"]["view"]["raters"] == len(names)
    assert room.fac.views["control"]["item"]["view"]["raters"] == len(names)
    export = server.api("GET", f"/api/v1/workshops/{room.code}", facilitator_token).json()
    scan_export = next(e for e in export["agenda"] if e["kind"] == "maturity_scan")["content"]
    assert "results" not in scan_export and scan_export["raters"] == len(names)
    before = report(server, room, "md")
    assert "De uitslag is niet zichtbaar gemaakt." in before
    assert "Persoonlijk" not in before  # no area, no distribution

    # Each phone's own part holds its own ratings and nobody else's.
    for name, phone in phones.items():
        mine = {(r["statement"], r["about"]): r["value"] for r in stored(server, item)
                if r["participant_id"] == phone.participant_id}
        for pushed, msg in phone.pushes:
            if pushed == "me" and msg["view"].get("view", {}).get("ratings") is not None:
                for key, abouts in msg["view"]["view"]["ratings"].items():
                    for about in abouts:
                        assert (key, about) in mine, (name, key, about)
        last = phone.sync()["me"]["view"]["ratings"]
        assert {(k, a): v for k, d in last.items() for a, v in d.items()} == mine

    room.ok(room.fac, "maturity_scan.reveal", item_id=item)
    room.refused(first, "maturity_scan.rate", "closed", statement=KEYS[0], about="self",
                 value=2)

    # After the reveal the board shows per area what is stored, a page of three areas.
    area_of = {**AREA_OF, added: "support"}
    want = expected(server, item, area_of)
    results = room.fac.sync()["control"]["item"]["view"]["results"]
    assert [a["area"] for a in results["areas"]] == list(scans.AREAS)
    for area in results["areas"]:
        for about in ("self", "team"):
            assert area[about]["counts"] == want[area["area"]][about]["counts"], area
            assert area[about]["mean"] == want[area["area"]][about]["mean"], area
            assert area[about]["people"] == len(names)
        assert area["gap"] == round(area["self"]["mean"] - area["team"]["mean"], 1)
    on_board = board.sync()["board"]["item"]["view"]
    assert on_board["paging"] == {"page": 1, "pages": 2}
    assert on_board["areas"] == results["areas"][:3]

    # Disagreement: the spread of the ratings about the team, largest first; the
    # statement only Zoë rated is not among them (one person's rating is no spread).
    rows = stored(server, item)
    by_key = {k: [r["value"] for r in rows if r["statement"] == k and r["about"] == "team"]
              for k in KEYS}
    ranked = sorted(KEYS, key=lambda k: (-round(spread(by_key[k]), 2), k))
    assert [d["key"] for d in results["disagree"]] == ranked
    assert added not in {d["key"] for d in results["disagree"]}
    room.ok(room.fac, "maturity_scan.board", item_id=item, show="disagree")
    shown = board.sync()["board"]["item"]["view"]
    assert [d["key"] for d in shown["disagree"]] == ranked[:4]

    # No push to anyone, no export and no report holds one person's ratings: nothing
    # keyed by a participant, and no list of ratings anywhere but a phone's own part.
    seq = room.seq()
    settle(room.fac, seq, board, *phones.values())
    for client in (board, room.fac, *phones.values()):
        for name, view in item_views(client):
            if name != "me":
                assert not keys_in(view) & {"ratings", "value", "participant_id"}, name
    export = server.api("GET", f"/api/v1/workshops/{room.code}", facilitator_token).json()
    scan_export = next(e for e in export["agenda"] if e["kind"] == "maturity_scan")["content"]
    assert not keys_in(scan_export) & {"ratings", "value", "participant_id"}
    assert scan_export["results"]["areas"] == results["areas"]
    texts = {fmt: report(server, room, fmt) for fmt in ("md", "csv", "docx")}
    page = requests.get(f"{server.url}/w/{room.code}/report", headers={"Cookie": room.cookie},
                        timeout=20).text
    for fmt, text in {**texts, "page": page}.items():
        assert "Professionele ruimte" in text, fmt  # the section is there, in Dutch
        assert "Zoë" not in text, fmt  # nobody's name travels with the scan
    # The report's distribution is the stored one (the Markdown shows each count).
    personal = want["personal"]["self"]["counts"]
    md_personal = texts["md"].split("### Persoonlijk")[1].split("###")[0]
    assert all(f"| {v} | {c} |" in md_personal
               for v, c in zip(range(1, 6), personal, strict=True)), md_personal

    # A statement becomes an agreement in one step, once.
    top = ranked[0]
    made = room.ok(room.fac, "maturity_scan.to_agreement", item_id=item, statement=top)
    row = server.db_rows("SELECT * FROM agreements WHERE id = ?",
                         (made["result"]["agreement_id"],))[0]
    statement_text = scans.text(next(s for s in scans.get("professional_maturity")[
        "statements"] if s["key"] == top)["text"], "nl")
    assert statement_text in row["what"] and row["source"] == "maturity_scan"
    assert row["owner_name"] == "het team" and row["team_id"] is not None
    room.refused(room.fac, "maturity_scan.to_agreement", "already", item_id=item,
                 statement=top)
    assert room.fac.sync()["control"]["item"]["view"]["agreements"] == {
        top: row["id"]}

    # Her own self-ratings, for her portfolio (the persons branch calls this).
    from facilitator.activities.maturity.store import self_ratings

    zoe = phones["Zoë van den Berg-Oosterhout"].participant_id
    own = self_ratings(server.store(), room.workshop_id(), zoe)
    assert len(own) == 1 and own[0]["item_id"] == item
    assert [s["key"] for s in own[0]["statements"]] == [*KEYS, added]
    assert {s["value"] for s in own[0]["statements"]} == {1}  # never the team's 5s
    assert self_ratings(server.store(), room.workshop_id(), bob)[0]["statements"][0][
        "value"] == 5

    # Closing cuts the link from a person to their ratings of the team (room/closing.py):
    # the room's ratings stay as they were. Self-ratings stay theirs only for Zoë, who
    # kept a personal link (her portfolio shows them); the others' are permuted among
    # those without one, so none can turn up in Zoë's portfolio.
    def vectors(about: str) -> dict[int, tuple[int, ...]]:
        rows = stored(server, item)
        return {pid: tuple(r["value"] for r in sorted(rows, key=lambda r: r["statement"])
                           if r["participant_id"] == pid and r["about"] == about)
                for pid in {r["participant_id"] for r in rows}}

    store = server.store()
    person = store.run("INSERT INTO persons (token_hash, created_at) VALUES ('x' || ?, '')",
                       (zoe,)).lastrowid
    store.run("UPDATE participants SET person_id = ? WHERE id = ?", (person, zoe))
    teams, selves = vectors("team"), vectors("self")
    room.ok(room.fac, "workshop.close")
    after_teams, after_selves = vectors("team"), vectors("self")
    assert sorted(after_teams.values()) == sorted(teams.values())
    assert after_teams != teams  # (a permutation that fixes everyone: 8 in 40,320)
    assert after_selves[zoe] == selves[zoe]
    others = {pid: v for pid, v in selves.items() if pid != zoe}
    after_others = {pid: v for pid, v in after_selves.items() if pid != zoe}
    assert sorted(after_others.values()) == sorted(others.values())
    assert after_others != others  # (a permutation that fixes all seven: 1 in 5,040)
    assert self_ratings(server.store(), room.workshop_id(), zoe)[0]["statements"][0][
        "value"] == 1


def test_too_few_raters_show_nothing(server: Any, facilitator_token: str,
                                     clients: Any) -> None:
    room = scan_room(server, facilitator_token, "Kleine groep", clients)
    item = room.items["maturity_scan"]
    board = room.board()
    room.ok(room.fac, "maturity_scan.open", item_id=item)
    a, b = room.phone("Ann"), room.phone("Bob")
    room.ok(a, "maturity_scan.rate", statement=KEYS[0], about="self", value=1)
    room.ok(b, "maturity_scan.rate", statement=KEYS[0], about="self", value=5)
    room.ok(room.fac, "maturity_scan.reveal", item_id=item)
    view = board.sync()["board"]["item"]["view"]
    assert view["raters"] == 2
    assert all(area["self"] is None and area["team"] is None for area in view["areas"])
    assert "counts" not in json.dumps(view)
    md = report(server, room, "md")
    assert "Minder dan 3" in md


def test_adjusted_scan_saved_as_own_and_used_again(server: Any, facilitator_token: str,
                                                   clients: Any) -> None:
    room = scan_room(server, facilitator_token, "Eigen scan", clients)
    item = room.items["maturity_scan"]
    keep = [{"key": k} for k in KEYS[:6]] + [{"key": KEYS[6], "text": "Kent de wijk"}]
    room.ok(room.fac, "maturity_scan.adjust", item_id=item, statements=keep)
    room.refused(room.fac, "maturity_scan.adjust", "invalid", item_id=item,
                 statements=[{"text": "zonder gebied"}])
    room.refused(room.fac, "maturity_scan.use", "invalid", item_id=item, scan="own:99999")
    saved = room.ok(room.fac, "maturity_scan.save", item_id=item, name="Wijkteams kort")
    other = scan_room(server, facilitator_token, "Volgende keer", clients)
    other_item = other.items["maturity_scan"]
    other.ok(other.fac, "maturity_scan.use", item_id=other_item, scan=saved["result"]["scan"])
    view = other.fac.sync()["control"]["item"]["view"]
    assert [s["text"] for s in view["statements"]][-1] == "Kent de wijk"
    assert len(view["statements"]) == 7
    assert {"ref": saved["result"]["scan"], "name": "Wijkteams kort"} in view["own"]
    phone = other.phone("Ann").sync()["phone"]["item"]["view"]
    assert len(phone["statements"]) == 7


def test_change_per_area_against_the_teams_previous_scan(
        server: Any, facilitator_token: str, clients: Any) -> None:
    def run(title: str, base: int) -> tuple[Any, int]:
        room = scan_room(server, facilitator_token, title, clients)
        item = room.items["maturity_scan"]
        room.ok(room.fac, "maturity_scan.open", item_id=item)
        room.screens.checking = False
        for n in range(3):
            rate_all(room, room.phone(f"Deelnemer {n}"),
                     lambda key, about, n=n: min(5, base + (n + len(key)) % 2
                                                 + (about == "self")))
        room.screens.checking = True
        room.ok(room.fac, "maturity_scan.reveal", item_id=item)
        return room, item

    before, before_item = run("Scan januari", 1)
    after, after_item = run("Scan juni", 3)
    then, now = expected(server, before_item), expected(server, after_item)
    board = after.board().sync()["board"]["item"]["view"]
    assert board["previous"]["workshop"] == "Scan januari"
    results = after.fac.sync()["control"]["item"]["view"]["results"]
    for area in results["areas"]:
        for about in ("self", "team"):
            change = round(now[area["area"]][about]["mean"] - then[area["area"]][about]["mean"], 1)
            assert area["change"][about] == change, area
    assert any(area["change"]["team"] > 0 for area in results["areas"])
    # The results were kept at each reveal: with the earlier ratings gone (its people
    # purged), the comparison still says the same.
    import sqlite3

    conn = sqlite3.connect(server.data_dir / "facilitator.db", timeout=10)
    with conn:
        conn.execute("DELETE FROM maturity_ratings WHERE item_id = ?", (before_item,))
    conn.close()
    after.ok(after.fac, "maturity_scan.board", item_id=after_item, show="disagree")
    assert after.fac.sync()["control"]["item"]["view"]["results"]["areas"] == results["areas"]
    # Never compared with a later workshop; the report says what the change is against.
    earlier = before.fac.sync()["control"]["item"]["view"]["results"]["previous"]
    assert earlier is None or earlier["workshop"] not in ("Scan juni", "Kleine groep")
    md = report(server, after, "md")
    assert "Scan januari" in md
