"""Retention of what is personal: intervision group content and private feedback are
deleted a set number of days (INTERVISION_RETENTION_DAYS, default 30) after their
workshop's retention clock started: its first close not yet purged (`retention_from`;
a reopen does not reset it, so content already past its time is not kept longer). A
workshop never closed is closed and purged RETENTION_IDLE_DAYS (default 90) after its
last action. Takeaways the case-holder chose to keep stay; they no longer point at a
group (a group meeting again still shows them at its check-in, found by who wrote them).
The check-in answers of a group meeting again are its contributions: they go with it.

`purge` runs at server start and then once a day in one bounded background task
(`start`), and by hand with `python run.py purge`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from facilitator.activities.feedback360 import store as feedback360_store
from facilitator.activities.intervision import summary
from facilitator.db import Store, iso
from facilitator.programmes import attendance
from facilitator.room import closing

log = logging.getLogger(__name__)

DAY_SECONDS = 24 * 3600
IDLE_DAYS = 90
# Actions whose payloads carry personal texts; the event log keeps them blanked.
PERSONAL_OPS = ("intervision.%", "feedback.%")


def _close_idle(db: Any, now: datetime, idle_days: int) -> list[int]:
    """Close the workshops nobody acted in for `idle_days`, cutting author links as a
    close does; they are purged at once (their time is past)."""
    cutoff = iso(now - timedelta(days=idle_days))
    rows = db.execute(
        "SELECT w.id FROM workshops w WHERE w.status != 'closed' AND COALESCE("
        " (SELECT e.at FROM events e WHERE e.workshop_id = w.id ORDER BY e.seq DESC LIMIT 1),"
        " w.created_at) <= ?",
        (cutoff,),
    ).fetchall()
    for row in rows:
        db.execute(
            "UPDATE workshops SET status = 'closed', closed_at = ?, retention_from = ?"
            " WHERE id = ?",
            (iso(now), cutoff, row["id"]),
        )
        closing.unlink_authors(db, row["id"])
    return [r["id"] for r in rows]


def purge(
    store: Store, now: datetime, days: int = 30, idle_days: int | None = IDLE_DAYS
) -> dict[str, int]:
    """Delete the personal content of workshops whose retention time has passed."""
    cutoff = iso(now - timedelta(days=days))
    counts = {"workshops": 0, "groups": 0, "takeaways": 0, "feedback": 0, "events": 0,
              "idle": 0, "checkins": 0}
    with store.write() as db:
        idle = _close_idle(db, now, idle_days) if idle_days is not None else []
        counts["idle"] = len(idle)
        # retention_from: the first close not yet purged, '' once purged (the next close
        # starts it again); while it is not running, a closed workshop's own close counts.
        rows = db.execute(
            "SELECT id FROM workshops WHERE COALESCE(NULLIF(retention_from, ''),"
            " CASE WHEN status = 'closed' THEN closed_at END) <= ?",
            (cutoff,),
        ).fetchall()
        for wid in sorted({r["id"] for r in rows} | set(idle)):
            # Who attended, in which role, stays for accreditation, and what each round
            # was stays for the report; what was said in it goes.
            attendance.keep(db, wid)
            summary.keep(db, wid, now)
            # A meeting again opens with a check-in: its answers are group content and go
            # with the group (counted, so a purge says they went).
            counts["checkins"] += db.execute(
                "SELECT COUNT(*) FROM intervision_contributions c JOIN intervision_groups g"
                " ON g.id = c.group_id WHERE g.workshop_id = ? AND c.kind = 'checkin'", (wid,)
            ).fetchone()[0]
            groups = db.execute(
                "DELETE FROM intervision_groups WHERE workshop_id = ?", (wid,)
            ).rowcount
            takeaways = db.execute(
                "DELETE FROM intervision_takeaways WHERE workshop_id = ? AND kept = 0", (wid,)
            ).rowcount
            # Feedback to a person, and the answer to it, are theirs alone: deleted. Team
            # feedback (no addressee, no author any more) stays for the report.
            feedback = db.execute(
                "DELETE FROM feedback WHERE workshop_id = ? AND to_id IS NOT NULL", (wid,)
            ).rowcount
            # A 360 round's invites, and answers no portfolio keeps (feedback360.store).
            feedback += feedback360_store.purge(db, wid, iso(now))
            # The event log holds each action's payload, texts included: blank those too.
            events = 0
            for pattern in PERSONAL_OPS:
                events += db.execute(
                    "UPDATE events SET data = '{}' WHERE workshop_id = ? AND op LIKE ?"
                    " AND data != '{}'",
                    (wid, pattern),
                ).rowcount
            # A workshop closed before closes cut author links (an older database).
            if db.execute("SELECT 1 FROM events WHERE workshop_id = ? AND actor LIKE 'p:%'"
                          " LIMIT 1", (wid,)).fetchone():
                closing.unlink_authors(db, wid)
            db.execute("UPDATE workshops SET retention_from = '' WHERE id = ?", (wid,))
            if groups or takeaways or feedback or events:
                counts["workshops"] += 1
            counts["groups"] += groups
            counts["takeaways"] += takeaways
            counts["feedback"] += feedback
            counts["events"] += events
    return counts


def start(app: Any, socketio: Any) -> None:
    """Purge now and once a day, in one background task of the serving process.

    Not under the threading mode that tests and CLI commands use: a sleeping thread
    there would outlive the test or the command."""
    if app.config.get("ASYNC_MODE") == "threading":
        return

    def loop() -> None:
        from facilitator.db import utcnow

        store = app.extensions["facilitator.store"]
        days = app.config["INTERVISION_RETENTION_DAYS"]
        idle_days = app.config["RETENTION_IDLE_DAYS"]
        while True:
            try:
                counts = purge(store, utcnow(), days, idle_days)
                if counts["workshops"] or counts["idle"]:
                    log.info("retention: %s", counts)
            except Exception:
                log.exception("retention failed")
            socketio.sleep(DAY_SECONDS)

    socketio.start_background_task(loop)
