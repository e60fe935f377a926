"""What the maturity scan's views cost after the reveal: the time to compute the board and
control views, with the group results counted from every stored rating on each push and
with them kept at the reveal (what maturity_scan.reveal does), and the views' size, for a
room of N raters who each rated every statement twice.

python bench/maturity_views.py [--people 60 200 1000] [--repeat 20]

Builds each room in a fresh SQLite database (threading mode, no server) and computes the
views as the pusher does (Views.board, Views.control; JSON as Socket.IO sends it).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(people: int, repeat: int) -> dict[str, float]:
    from facilitator import auth, create_app
    from facilitator.activities.maturity import scans
    from facilitator.activities.maturity import store as st
    from facilitator.live.screens import Views
    from facilitator.room import workshops

    keys = [s["key"] for s in scans.get("professional_maturity")["statements"]]
    rng = random.Random(people)
    with tempfile.TemporaryDirectory() as data:
        app = create_app({"DATA_DIR": data, "ASYNC_MODE": "threading", "TESTING": True})
        store = app.extensions["facilitator.store"]
        with app.test_request_context():
            user = auth.add_user(store, "fac@example.nl", "correct horse battery", "facilitator")
            ws = workshops.create_workshop(store, user.id, "Teamdag", agenda="maturity_scan")
            item = store.one("SELECT id FROM agenda_items WHERE workshop_id = ? AND kind ="
                             " 'maturity_scan'", (ws["id"],))["id"]
            with store.write() as db:
                for n in range(people):
                    pid = db.execute(
                        "INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                        " last_seen_at) VALUES (?, ?, ?, '', '')",
                        (ws["id"], f"token-{n}", f"Medewerker {n:04d}")).lastrowid
                    db.conn.executemany(
                        "INSERT INTO maturity_ratings (item_id, workshop_id, participant_id,"
                        " statement, about, value, updated_at) VALUES (?, ?, ?, ?, ?, ?, '')",
                        [(item, ws["id"], pid, k, a, rng.randint(1, 5))
                         for k in keys for a in ("self", "team")])
                db.execute("UPDATE agenda_items SET config = json_set(config, '$.state',"
                           " 'closed', '$.revealed', json('true')) WHERE id = ?", (item,))
                db.execute("UPDATE workshops SET status = 'open', current_item_id = ?"
                           " WHERE id = ?", (item, ws["id"]))
            row = dict(store.one("SELECT * FROM workshops WHERE id = ?", (ws["id"],)))

            def timed() -> tuple[float, dict, dict]:
                times = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    views = Views(store, row)
                    board, control = views.board(), views.control()
                    times.append((time.perf_counter() - start) * 1000)
                return statistics.median(times), board, control

            counted, _, _ = timed()  # the results counted from every rating, each push
            # What maturity_scan.reveal does: the results kept once (store.freeze).
            agenda_item = {"id": item, "config": json.loads(store.one(
                "SELECT config FROM agenda_items WHERE id = ?", (item,))["config"])}
            with store.write() as db:
                db.execute("INSERT INTO maturity_results (item_id, data, revealed_at)"
                           " VALUES (?, ?, '')", (item, json.dumps(st._count(store, agenda_item))))
            kept, board, control = timed()
            out = {
                "counted": counted,
                "ms": kept,
                "board_bytes": len(json.dumps(board, ensure_ascii=False).encode()),
                "control_bytes": len(json.dumps(control, ensure_ascii=False).encode()),
            }
        store.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, nargs="+", default=[60, 200, 1000])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    print("| raters | ratings | board + control, counted each push | kept at the reveal"
          " | board view | control view |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in args.people:
        m = measure(n, args.repeat)
        print(f"| {n:,} | {n * 36:,} | {m['counted']:.1f} ms | {m['ms']:.1f} ms"
              f" | {m['board_bytes']:,} B"
              f" | {m['control_bytes']:,} B |")


if __name__ == "__main__":
    main()
