"""The intervision member views alone, in-process: what one push of every member's own
view costs the server (time and SQL statements), without sockets or a swarm.

    .venv/bin/python bench/intervision_views.py --phones 300 --group-size 8 --repeat 20

Builds a workshop in a throw-away data folder through the dispatcher (threading mode):
N participants, groups, every round started, a case chosen in every group and a note by
every member, then computes `Views.personal` for all of them `--repeat` times and encodes
each with the json module: `ms_median` / `ms_min` are both together, `views_ms_median` the
views alone (the server encodes with orjson, about a seventh of json's time here).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build(store: Any, app: Any, phones: int, size: int) -> tuple[dict, list[int]]:
    from facilitator import auth
    from facilitator.live.actions import FACILITATOR, PARTICIPANT, Actor
    from facilitator.room import workshops

    dispatcher = app.extensions["facilitator.dispatcher"]

    def ok(actor: Actor, op: str, **data: Any) -> dict[str, Any]:
        ack = dispatcher.dispatch(actor, {"op": op, "op_id": os.urandom(8).hex(), "data": data})
        if not ack["ok"]:
            raise RuntimeError(f"{op}: {ack}")
        return ack["result"]

    user = auth.add_user(store, "bench@example.nl", "correct horse battery", "facilitator")
    ws = workshops.create_workshop(store, user.id, "Intervisie", agenda="intervision_incident")
    fac = Actor(FACILITATOR, ws["id"], user_id=user.id)
    item = store.one("SELECT id FROM agenda_items WHERE workshop_id = ? AND kind = 'intervision'",
                     (ws["id"],))["id"]
    ok(fac, "workshop.open")
    ok(fac, "agenda.goto", item_id=item)
    ids = []
    for n in range(phones):
        cur = store.run("INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                        " last_seen_at) VALUES (?, ?, ?, '', '')",
                        (ws["id"], f"t{n}", f"Deelnemer {n}"))
        ids.append(cur.lastrowid)
    groups = ok(fac, "intervision.groups_make", item_id=item, size=size)["groups"]
    member_of = {r["participant_id"]: r["group_id"] for r in store.all(
        "SELECT participant_id, group_id FROM intervision_members WHERE item_id = ?", (item,))}
    for g in groups:
        ok(fac, "intervision.start", group_id=g)
    first: dict[int, int] = {}
    for pid in ids:
        first.setdefault(member_of[pid], pid)
        ok(Actor(PARTICIPANT, ws["id"], participant_id=pid), "intervision.note",
           group_id=member_of[pid], text="Wat ik wil onthouden " * 5)
    for g, pid in first.items():
        case = ok(Actor(PARTICIPANT, ws["id"], participant_id=pid), "intervision.contribute",
                  group_id=g, text="Een cliënt die niet wil, en een collega die wel wil " * 4)
        ok(fac, "intervision.choose_case", group_id=g, contribution_id=case["contribution_id"])
    return store.one("SELECT * FROM workshops WHERE id = ?", (ws["id"],)), ids


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--group-size", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    from flask_babel import force_locale

    from facilitator import create_app
    from facilitator.live.screens import Views

    with tempfile.TemporaryDirectory(prefix="facilitator-views-") as tmp:
        app = create_app({"DATA_DIR": tmp, "ASYNC_MODE": "threading", "PUSH_DELAY": 0})
        store = app.extensions["facilitator.store"]
        with app.app_context():
            workshop, ids = build(store, app, args.phones, args.group_size)
            times, built, statements = [], [], []
            for _ in range(args.repeat):
                seen: list[str] = []
                # Under the store's lock: a push of the actions above may still be
                # reading in the pusher's thread, and sqlite3 waits for the connection
                # holding the GIL, which that read's trace callback needs (a deadlock).
                with store.lock:
                    store.db.conn.set_trace_callback(seen.append)
                with force_locale("nl"):
                    start = time.perf_counter()
                    views = Views(store, workshop).personal(ids)
                    built.append(time.perf_counter() - start)
                    encoded = [json.dumps(v, separators=(",", ":")) for v in views.values()]
                    times.append(time.perf_counter() - start)
                with store.lock:
                    store.db.conn.set_trace_callback(None)
                statements.append(len(seen))
        store.close()
    print(json.dumps({
        "phones": args.phones, "groups": len({v["view"]["group"]["id"] for v in views.values()}),
        "ms_median": round(statistics.median(times) * 1000, 1),
        "views_ms_median": round(statistics.median(built) * 1000, 1),
        "ms_min": round(min(times) * 1000, 1),
        "statements": statements[0], "bytes": sum(len(e) for e in encoded),
    }))


if __name__ == "__main__":
    main()
