"""The server processes of one deployment, as their shared database knows them.

Each presence row names the process holding its connection (participants.PROCESS_ID).
One process alone clears them all at start. Several processes (FACILITATOR_MESSAGE_QUEUE)
must not clear each other's, yet the rows of a process that was killed would otherwise
show its people online for ever: every process writes a heartbeat, and the rows of a
process silent for GONE seconds are removed by whichever process notices first.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlite_utils.migrations import Migrations

from facilitator.db import Store, iso, utcnow
from facilitator.live.actions import Changes
from facilitator.room.participants import PROCESS_ID

log = logging.getLogger(__name__)

BEAT = 5.0  # seconds between heartbeats
GONE = 20.0  # a process silent this long is gone: its presence rows go too

migrations = Migrations("processes")


@migrations()
def m001_processes(db: Any) -> None:
    db.execute("CREATE TABLE processes (id TEXT PRIMARY KEY, seen_at TEXT NOT NULL)")


def beat(store: Store) -> list[int]:
    """Say this process lives; remove the presence of processes that went silent.
    Returns the workshops whose presence changed."""
    now = utcnow()
    cutoff = iso(now - timedelta(seconds=GONE))
    with store.write() as db:
        db.execute(
            "INSERT INTO processes (id, seen_at) VALUES (?, ?)"
            " ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
            (PROCESS_ID, iso(now)),
        )
        db.execute("DELETE FROM processes WHERE seen_at < ?", (cutoff,))
        gone = "process NOT IN (SELECT id FROM processes)"
        workshops = [r[0] for r in db.execute(
            f"SELECT DISTINCT workshop_id FROM presence WHERE {gone}").fetchall()]
        db.execute(f"DELETE FROM presence WHERE {gone}")
    return workshops


def leave(store: Store) -> None:
    """A clean stop: this process's connections end with it."""
    with store.write() as db:
        db.execute("DELETE FROM presence WHERE process = ?", (PROCESS_ID,))
        db.execute("DELETE FROM processes WHERE id = ?", (PROCESS_ID,))


def start(app: Any, socketio: Any) -> None:
    """Heartbeats for as long as the server runs; people counts follow a dead process."""
    store = app.extensions["facilitator.store"]
    pusher = app.extensions["facilitator.pusher"]

    def loop() -> None:
        while True:
            try:
                for workshop_id in beat(store):
                    pusher.schedule(workshop_id, Changes(board=True, control=True))
            except Exception:  # a busy database now and then: the next beat tries again
                log.exception("heartbeat failed")
            socketio.sleep(BEAT)

    socketio.start_background_task(loop)
