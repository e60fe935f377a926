"""Each person's own record (issue 19, point 4): downloaded from their phone, only by
that phone, holding what is theirs and nothing of another member's private notes; gone
with the content when retention deletes it."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
import requests
from intervision_support import Room

from facilitator.db import iso, utcnow


@pytest.fixture(scope="module")
def server(module_server):
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token):
    return module_facilitator_token


def _get(server, code: str, token: str | None, path: str = "record.txt") -> requests.Response:
    cookies = {f"ftok_{code}": token} if token else {}
    return requests.get(f"{server.url}/w/{code}/{path}", cookies=cookies, timeout=10)


def test_a_case_holders_record_holds_hers_and_no_one_elses(server, facilitator_token, clients):
    room = Room(server, facilitator_token, clients)
    g1, g2 = room.make_groups(size=3)
    outcome = room.run_round(g1, "GROUPONE")
    room.run_round(g2, "GROUPTWO")
    holder_id = outcome["case_holder"]
    holder = room.phones[holder_id]
    others = [m["id"] for m in g1["members"] if m["id"] != holder_id]
    # After the round the case-holder rates the questions and marks an advice; she and
    # another member write private notes.
    view = room.me(holder_id)["group"]
    questions = [c for c in view["contributions"] if c["kind"] == "question"]
    advice = [c for c in view["contributions"] if c["kind"] == "advice"]
    assert len(questions) == 2 and len(advice) == 2
    room.ok(holder, "intervision.rate", contribution_id=questions[0]["id"], rating="warm")
    room.ok(holder, "intervision.rate", contribution_id=questions[1]["id"], rating="cold")
    room.ok(holder, "intervision.appeal", contribution_id=advice[1]["id"], appeals=True)
    room.ok(holder, "intervision.note", group_id=g1["id"], text="HOLDERNOTE bel de wijkagent")
    room.ok(room.phones[others[0]], "intervision.note", group_id=g1["id"],
            text="OTHERNOTE alleen voor mij <script>alert(1)</script>")
    assert room.me(holder_id)["group"]["timer"]["state"] == "done"

    response = _get(server, room.code, holder.token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert f"mijn-verslag-{room.code}.txt" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    text = response.content.decode("utf-8")
    # Hers, in the workshop's language (Dutch): the case, the questions with her ratings,
    # the advice she marked (not the other), her takeaway and its date, her notes.
    case = view["case"]
    assert "Jouw rol: Inbrenger" in text
    assert "De casus\n  " + case in text
    assert "Vragen die je kreeg" in text
    assert f"  - {questions[0]['text']} (warm)" in text
    assert f"  - {questions[1]['text']} (koud)" in text
    assert "Adviezen die je aanspraken" in text
    assert f"  - {advice[1]['text']}" in text and advice[0]["text"] not in text
    assert "Wat ik ga doen\n  GROUPONE I will call the client\n  Controleren op:" in text
    assert "HOLDERNOTE bel de wijkagent" in text
    # Nothing of another member's private notes, nothing of the other group, no names
    # of who asked what.
    assert "OTHERNOTE" not in text and "GROUPTWO" not in text
    names = {m["id"]: m["name"] for m in view["members"]}
    assert all(names[pid] not in text for pid in others) and names[holder_id] in text
    # The printable page holds the same, and is as private.
    page = _get(server, room.code, holder.token, "record")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert "HOLDERNOTE" in page.text and '<span class="badge">warm</span>' in page.text
    assert "OTHERNOTE" not in page.text and "GROUPTWO" not in page.text
    assert 'lang="nl"' in page.text

    # A member's record: their notes and insights, never the case-holder's notes.
    mine = _get(server, room.code, room.phones[others[0]].token).content.decode("utf-8")
    assert "OTHERNOTE alleen voor mij" in mine and f"evaluation by {others[0]}" in mine
    assert "Jouw rol: " in mine and "HOLDERNOTE" not in mine and "Vragen die je kreeg" not in mine
    # On the printable page a typed text is text, never markup.
    member_page = _get(server, room.code, room.phones[others[0]].token, "record").text
    assert "OTHERNOTE alleen voor mij &lt;script&gt;alert(1)&lt;/script&gt;" in member_page
    assert "<script>alert" not in member_page
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    # Nobody else: no cookie, a wrong one, a phone of another group reads only its own,
    # a token of this workshop under another workshop's code.
    assert _get(server, room.code, None).status_code == 404
    assert _get(server, room.code, "not-a-token").status_code == 404
    assert "GROUPONE" not in _get(server, room.code, room.phones[g2["members"][0]["id"]].token).text
    other_room = Room(server, facilitator_token, clients, people=1)
    assert _get(server, other_room.code, holder.token).status_code == 404
    # Someone who was in no group has no record.
    assert _get(server, other_room.code, next(iter(other_room.phones.values())).token
                ).status_code == 404

    # In English when the room is English.
    room.ok(room.fac, "workshop.language", language="en")
    english = _get(server, room.code, holder.token).content.decode("utf-8")
    assert "Your role: Case-holder" in english and "Questions you received" in english
    assert "(cold)" in english

    # Closed: still there until retention; then gone, refused as for anyone else.
    room.ok(room.fac, "workshop.close")
    assert _get(server, room.code, holder.token).status_code == 200
    conn = sqlite3.connect(server.data_dir / "facilitator.db")
    with conn:
        conn.execute("UPDATE workshops SET closed_at = ?, retention_from = ? WHERE id = ?",
                     (iso(utcnow() - timedelta(days=45)),) * 2 + (room.workshop_id(),))
    conn.close()
    assert "'groups': 2" in server.cli("purge")
    assert _get(server, room.code, holder.token).status_code == 404
    assert _get(server, room.code, holder.token, "record").status_code == 404
