"""Retention: a group's content is deleted a set number of days after its workshop
closed (INTERVISION_RETENTION_DAYS, default 30). Takeaways the case-holder chose to
keep stay; they no longer point at a group.

`purge` runs at server start and then once a day in one bounded background task
(`start`), and by hand with `python run.py purge`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from facilitator.db import Store, iso

log = logging.getLogger(__name__)

DAY_SECONDS = 24 * 3600


def purge(store: Store, now: datetime, days: int = 30) -> dict[str, int]:
    """Delete the intervision content of workshops closed more than `days` ago."""
    cutoff = iso(now - timedelta(days=days))
    counts = {"workshops": 0, "groups": 0, "takeaways": 0, "events": 0}
    with store.write() as db:
        rows = db.execute(
            "SELECT id FROM workshops WHERE status = 'closed' AND closed_at IS NOT NULL"
            " AND closed_at <= ?",
            (cutoff,),
        ).fetchall()
        for row in rows:
            wid = row["id"]
            groups = db.execute(
                "DELETE FROM intervision_groups WHERE workshop_id = ?", (wid,)
            ).rowcount
            takeaways = db.execute(
                "DELETE FROM intervision_takeaways WHERE workshop_id = ? AND kept = 0", (wid,)
            ).rowcount
            # The event log holds each action's payload, texts included: blank those too.
            events = db.execute(
                "UPDATE events SET data = '{}' WHERE workshop_id = ? AND op LIKE 'intervision.%'"
                " AND data != '{}'",
                (wid,),
            ).rowcount
            if groups or takeaways or events:
                counts["workshops"] += 1
            counts["groups"] += groups
            counts["takeaways"] += takeaways
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
        while True:
            try:
                counts = purge(store, utcnow(), days)
                if counts["workshops"]:
                    log.info("intervision retention: %s", counts)
            except Exception:
                log.exception("intervision retention failed")
            socketio.sleep(DAY_SECONDS)

    socketio.start_background_task(loop)
