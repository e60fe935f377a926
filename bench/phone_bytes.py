"""Bytes per push of the shared phone view in the feedback and agreements activities.

The shared phone view goes to every phone of the room in one push, so one push costs
(phones x view size) bytes. It used to carry every named participant (O(N^2) per push);
now it carries `people_rev` and a phone asks for the names (`people`) when they changed.

python bench/phone_bytes.py [--people 60 1000]

Builds each room in a fresh SQLite database (threading mode, no server): N named
participants with realistic names and no agreements yet (the agreements themselves are
the activity's content, the same before and after), and computes the phone view as the
pusher does (Views.phone, JSON as Socket.IO sends it).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(people: int) -> dict[str, int]:
    from facilitator import auth, create_app
    from facilitator.live.screens import Views
    from facilitator.room import workshops

    with tempfile.TemporaryDirectory() as data:
        app = create_app({"DATA_DIR": data, "ASYNC_MODE": "threading", "TESTING": True})
        store = app.extensions["facilitator.store"]
        out: dict[str, int] = {}
        with app.test_request_context():
            user = auth.add_user(store, "fac@example.nl", "correct horse battery", "facilitator")
            ws = workshops.create_workshop(store, user.id, "Teamdag", agenda="team_agreements")
            with store.write() as db:
                for n in range(people):
                    db.execute(
                        "INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                        " last_seen_at) VALUES (?, ?, ?, '', '')",
                        (ws["id"], f"token-{n}", f"Medewerker {n:04d} Wijkteam Noord"),
                    )
            for kind in ("feedback", "agreements"):
                item = store.one("SELECT id FROM agenda_items WHERE workshop_id = ? AND kind = ?",
                                 (ws["id"], kind))
                store.run("UPDATE workshops SET status = 'open', current_item_id = ?"
                          " WHERE id = ?", (item["id"], ws["id"]))
                row = dict(store.one("SELECT * FROM workshops WHERE id = ?", (ws["id"],)))
                view = Views(store, row).phone()
                size = len(json.dumps({"seq": row["seq"], "view": view}, ensure_ascii=False)
                           .encode())
                out[kind] = size
        store.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, nargs="+", default=[60, 1000])
    args = parser.parse_args(argv)
    print("| participants | activity | phone view (bytes) | bytes per push to all phones |")
    print("| ---: | --- | ---: | ---: |")
    for n in args.people:
        for kind, size in measure(n).items():
            print(f"| {n:,} | {kind} | {size:,} | {size * n:,} |")


if __name__ == "__main__":
    main()
