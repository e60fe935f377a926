"""The control view of a big room, whole and as the patch a control page is pushed, in-process:
what one new dilemma, one phone dropping out and a timer cost in bytes and server time.

    .venv/bin/python bench/control_patch.py --people 5000 --dilemmas 1995 --repeat 5

Builds a workshop in a throw-away data folder (threading mode): `--people` participants with
a phone connected (presence rows) and `--dilemmas` dilemmas (1 in 4 of 1,000 characters) in
SQLite directly, the collection open. Then three changes, each `--repeat` times: a phone
submits a dilemma through the dispatcher (the last of the default brings the workshop to
2,000, the most it holds), a phone's presence ends, the facilitator starts the timer (neither
the roster nor the dilemma list changes). After each change: the one control view a push
computes (the roster and the dilemma list are kept between pushes where their rows did not
change, so a second computation would measure nothing), the whole view's size and time to
encode, and the patch's size and time to make (live/patch.py); the best of the repeats, and
the slowest computation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--dilemmas", type=int, default=1995)  # +5 new ones: the maximum
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    # Each repeat adds a dilemma, and a workshop holds at most 2,000 (PER_WORKSHOP): an
    # older command (--dilemmas 1999) still runs, with room left for the new ones.
    args.dilemmas = min(args.dilemmas, 2000 - args.repeat)
    from flask_babel import force_locale

    from facilitator import auth, create_app
    from facilitator.live import patch, wire
    from facilitator.live.actions import FACILITATOR, PARTICIPANT, Actor
    from facilitator.live.screens import Views
    from facilitator.room import workshops

    with tempfile.TemporaryDirectory(prefix="facilitator-control-") as tmp:
        app = create_app({"DATA_DIR": tmp, "ASYNC_MODE": "threading", "PUSH_DELAY": 0})
        store = app.extensions["facilitator.store"]
        dispatcher = app.extensions["facilitator.dispatcher"]

        def ok(actor: Actor, op: str, **data: Any) -> None:
            ack = dispatcher.dispatch(actor, {"op": op, "op_id": os.urandom(8).hex(),
                                              "data": data})
            if not ack["ok"]:
                raise RuntimeError(f"{op}: {ack}")

        with app.app_context():
            user = auth.add_user(store, "bench@example.nl", "correct horse battery", "facilitator")
            ws = workshops.create_workshop(store, user.id, "Werkconferentie",
                                           items=[("dilemma_collect", None)])
            fac = Actor(FACILITATOR, ws["id"], user_id=user.id)
            ok(fac, "workshop.open")
            item = store.one("SELECT id FROM agenda_items WHERE workshop_id = ?", (ws["id"],))
            ok(fac, "dilemma_collect.settings", item_id=item["id"], open=True,
               show_texts=False, approval=False)
            with store.write() as db:
                ids = []
                for n in range(args.people):
                    ids.append(db.execute(
                        "INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                        " last_seen_at) VALUES (?, ?, ?, '', '')",
                        (ws["id"], f"t{n}", f"Deelnemer met een lange naam {n}")).lastrowid)
                    db.execute("INSERT INTO presence (sid, process, workshop_id, participant_id,"
                               " audience, connected_at) VALUES (?, 'bench', ?, ?, 'participant',"
                               " '')", (f"s{n}", ws["id"], ids[-1]))
                for n in range(args.dilemmas):
                    words = 60 if n % 4 == 0 else 12
                    db.execute(
                        "INSERT INTO dilemmas (workshop_id, author_id, situation, options,"
                        " number, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', '')",
                        (ws["id"], ids[n % len(ids)],
                         ("Een cliënt weigert hulp, " * words)[:1000],
                         json.dumps(["Respecteren", "Ingrijpen"]), n + 1))

            def control() -> dict[str, Any]:
                row = dict(store.one("SELECT * FROM workshops WHERE id = ?", (ws["id"],)))
                with force_locale("nl"):
                    return Views(store, row).control()

            rows = []
            before = control()

            def change(label: str, make_change: Any) -> None:
                """`--repeat` times: one change, then the one control view a push
                computes after it (the next one would find everything kept), encoded
                whole and as the patch from the view before; the best of each."""
                nonlocal before
                computes, encodes, diffs = [], [], []
                for n in range(args.repeat):
                    make_change(n)
                    start = time.perf_counter()
                    after = control()
                    computes.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    whole = wire.dumps(after)
                    encodes.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    made = patch.diff(before, after)
                    diffs.append(time.perf_counter() - start)
                    sent = wire.dumps(made)
                    assert json.loads(wire.dumps(patch.apply(before, made))) == json.loads(whole)
                    before = after
                rows.append({"change": label, "control_ms": round(min(computes) * 1000, 1),
                             "control_ms_max": round(max(computes) * 1000, 1),
                             "whole_bytes": len(whole), "encode_ms": round(min(encodes) * 1000, 1),
                             "patch_bytes": len(sent), "diff_ms": round(min(diffs) * 1000, 1)})

            def new_dilemma(n: int) -> None:
                ok(Actor(PARTICIPANT, ws["id"], participant_id=ids[n]), "dilemma.submit",
                   situation=f"Een collega komt steeds te laat; spreek ik haar erop aan? ({n})",
                   options=["Aanspreken", "Laten"], values="", show_name=False)

            change("one new dilemma", new_dilemma)
            change("one phone drops out",
                   lambda n: store.run("DELETE FROM presence WHERE sid = ?", (f"s{17 + n}",)))
            change("the timer starts (neither list changes)",
                   lambda n: ok(fac, "timer.start", seconds=60 + n))
        store.close()
    print(json.dumps({"people": args.people, "dilemmas": args.dilemmas, "changes": rows},
                     indent=1))


if __name__ == "__main__":
    main()
