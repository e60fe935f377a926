"""Issue 21, points 1-3: two processes of one deployment, Redis and nginx, on loopback.

The room's screens (a board and two phones in Chromium, the control page's socket) go
through nginx and land on one process, chosen by the workshop's code. A manager's review
and an API call are handled by the other process, and every screen shows them. Then the
room's process is killed: the screens reconnect through nginx, land on the other one,
resync, and what a phone sent while its process was down arrives once from its outbox.

redis-server and nginx are Debian packages (scripts/test.sh installs them). Missing, the
test fails under CI and is skipped elsewhere, saying how to install them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from agreements_support import TEAM, team_id, tomorrow
from playwright.sync_api import expect
from support import Client, Server, free_port, login_cookie
from support.pages import settle_page

from facilitator.cluster import Cluster, missing_programs

pytestmark = pytest.mark.browser

FAC = "fac@example.nl"
MANAGER = "manager@example.nl"
WAIT = 20_000  # ms: a screen whose process died reconnects with a back-off of up to 5 s
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[Cluster, Server]]:
    missing = missing_programs()
    if missing:
        message = f"{', '.join(missing)} missing: apt-get install redis-server nginx"
        if os.environ.get("CI"):
            pytest.fail(message + " (scripts/test.sh does)")
        pytest.skip(message)
    data = tmp_path / "data"
    data.mkdir()
    # The people and the database first, in-process (tests/support/server.py), then the
    # deployment on the same folder: nginx's address is the one everybody uses.
    people = Server(data)
    people.add_user(FAC, "facilitator", teams=(TEAM,), name="Fatima")
    people.add_user(MANAGER, "manager", teams=(TEAM,), name="Mirjam")
    group = Cluster(data, free_port(), [free_port(), free_port()], free_port(),
                    env={"FACILITATOR_SYNC_RATE": "100000/10second"})
    people.url = group.url
    group.start()
    try:
        yield group, people
    finally:
        group.stop()
        people.stop()
    for log in group.run_dir.glob("process-*.log"):
        assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


def join(browser: Any, url: str, code: str, name: str) -> Any:
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{url}/j/{code}")
    page.fill("#name", name)
    page.get_by_role("button", name="Meedoen met mijn naam").click()
    page.wait_for_url(f"**/w/{code}/phone")
    return page


def online(page: Any) -> None:
    page.wait_for_selector("body[data-connection=online]", timeout=WAIT)


def act(page: Any, op: str, data: dict[str, Any]) -> dict[str, Any]:
    """Through the page's own live object (its outbox), as its buttons do."""
    return page.evaluate("([op, data]) => window.facilitatorLive.act(op, data)", [op, data])


def ports_of_screens(group: Cluster, people: Server, workshop_id: int) -> set[int]:
    """The processes (by port) holding this workshop's sockets: presence rows name them."""
    pids = {int(r["process"].split("-")[0]) for r in people.db_rows(
        "SELECT process FROM presence WHERE workshop_id = ?", (workshop_id,))}
    return {port for port, proc in group.servers.items() if proc.pid in pids}


def test_two_processes_share_a_room_and_one_survives_the_other(
        cluster: tuple[Cluster, Server], browser: Any) -> None:
    group, people = cluster
    token = people.token(FAC)
    ws = people.create_workshop(token, title="Teamdag Wijkteam Noord",
                                agenda="team_agreements", team_id=team_id(people))
    code = ws["code"]
    (row,) = people.db_rows("SELECT id FROM workshops WHERE code = ?", (code,))
    workshop_id = row["id"]
    cookie = login_cookie(people, FAC)
    # The control page's socket, with the code in its URL as core/live.js puts it.
    control = Client(f"{group.url}/?w={code}", {"kind": "facilitator", "code": code},
                     {"Cookie": cookie})
    assert control.act("workshop.open", {})["ok"]
    agenda = control.sync()["control"]["agenda"]
    item = next(i for i in agenda if i["kind"] == "agreements")
    assert control.act("agenda.goto", {"item_id": item["id"]})["ok"]

    assert ws["board_url"].startswith(group.url + "/board/")
    board = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    board.goto(ws["board_url"])
    ann, bob = (join(browser, group.url, code, name) for name in ("Ann", "Bram"))
    for page in (board, ann, bob):
        online(page)
    expect(board.locator("#people")).to_have_text("2 deelnemers", timeout=WAIT)

    # Every screen of the workshop is on one process; the other one serves none of them.
    (room_port,) = ports_of_screens(group, people, workshop_id)
    (other_port,) = set(group.ports) - {room_port}
    other = group.process_url(other_port)

    # --- an agreement made on the phones, confirmed by both --------------------------------
    ids = {r["name"]: r["id"] for r in people.db_rows(
        "SELECT id, name FROM participants WHERE workshop_id = ?", (workshop_id,))}
    proposed = act(ann, "agreements.propose", {
        "owner_id": ids["Ann"], "owner_text": "", "what": "Ann zet de koffie bij de overdracht",
        "with_ids": [ids["Bram"]], "due_date": tomorrow(7), "check_how": "In het teamoverleg",
        "manager_visible": True})
    assert proposed["ok"], proposed
    agreement = proposed["result"]["agreement_id"]
    for page in (ann, bob):
        assert act(page, "agreements.confirm", {"agreement_id": agreement})["ok"]
    card = f'[data-id="{agreement}"]'
    expect(board.locator(f"{card}.status-agreed")).to_be_visible(timeout=WAIT)

    # --- the manager's review, on the other process ------------------------------------
    manager = requests.Session()
    manager.headers["Cookie"] = login_cookie(people, MANAGER)  # through nginx: any process
    form = manager.get(f"{other}/review/{agreement}", timeout=10)
    assert form.status_code == 200, form.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    op_id = re.search(r'name="op_id" value="([^"]+)"', form.text).group(1)
    saved = manager.post(f"{other}/review/{agreement}", data={
        "csrf_token": csrf, "op_id": op_id, "status": "done", "note": "Loopt goed"},
        timeout=10, allow_redirects=False)
    assert saved.status_code == 302, saved.text
    expect(board.locator(f"{card}.status-done")).to_be_visible(timeout=WAIT)
    for page in (ann, bob):
        expect(page.locator(f"{card} .status-done, {card}.status-done")).to_have_count(
            1, timeout=WAIT)
    reviewed = control.wait_for("control", lambda v: any(
        a["id"] == agreement and a["status"] == "done" for a in v["item"]["view"]["agreements"]))
    assert reviewed["seq"] >= 1

    # --- an API call, on the other process: a kiosk joins --------------------------------
    joined = requests.post(f"{other}/api/v1/join", json={"code": code, "name": "Carla"},
                           timeout=10)
    assert joined.status_code == 201, joined.text
    expect(board.locator("#people")).to_have_text("3 deelnemers", timeout=WAIT)
    control.wait_for("control", lambda v: any(p["name"] == "Carla" for p in v["people"]))
    # Nothing moved: the room is still on its own process.
    assert ports_of_screens(group, people, workshop_id) == {room_port}

    # --- the room's process dies; a phone sends while it is down ------------------------
    group.kill(room_port)
    for page in (board, ann, bob):
        page.wait_for_selector("body[data-connection=offline]", timeout=WAIT)
    act_later = ann.evaluate("""(data) => { window.facilitatorLive.act(
        'agreements.propose', data); return true; }""", {
        "owner_id": ids["Ann"], "owner_text": "", "what": "Ann belt de huisarts terug",
        "with_ids": [], "due_date": tomorrow(3), "check_how": "", "manager_visible": True})
    assert act_later
    outbox_key = f"facilitator:outbox:{code}"  # phone.js
    outbox = json.loads(ann.evaluate("k => localStorage.getItem(k)", outbox_key) or "[]")
    assert [entry["op"] for entry in outbox] == ["agreements.propose"], outbox
    sent_op = outbox[0]["op_id"]

    # They reconnect through nginx, land on the other process and resync.
    for page in (board, ann, bob):
        online(page)
    assert ports_of_screens(group, people, workshop_id) - {room_port} == {other_port}
    ann.wait_for_function("k => localStorage.getItem(k) === '[]'", arg=outbox_key,
                          timeout=WAIT)
    stored = people.db_rows("SELECT op FROM events WHERE op_id = ?", (sent_op,))
    assert [e["op"] for e in stored] == ["agreements.propose"]  # once, not lost
    late = people.db_rows("SELECT id FROM agreements WHERE what = 'Ann belt de huisarts terug'")
    assert len(late) == 1
    for page in (board, ann, bob):
        expect(page.get_by_text("Ann belt de huisarts terug").first).to_be_visible(
            timeout=WAIT)
        expect(page.locator(f"{card}.status-done, {card} .status-done").first).to_be_visible()
        settle_page(page)  # and shows what a fresh sync gives it
    # The control page, opened again, is on the surviving process too and sees it all.
    again = Client(f"{group.url}/?w={code}", {"kind": "facilitator", "code": code},
                   {"Cookie": cookie})
    try:
        view = again.sync()["control"]
        assert {a["id"] for a in view["item"]["view"]["agreements"]} == {agreement, late[0]["id"]}
        assert [p["name"] for p in view["people"]] == ["Ann", "Bram", "Carla"]
        # A change made now reaches the phones from the surviving process.
        first = agenda[0]
        assert first["id"] != item["id"]
        moved = again.act("agenda.goto", {"item_id": first["id"]})
        assert moved["ok"], moved
        for page in (board, ann, bob):
            expect(page.locator("#activity-title")).to_have_text(first["title"], timeout=WAIT)
    finally:
        again.close()
        control.close()
