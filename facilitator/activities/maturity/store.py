"""The maturity scan's tables and its arithmetic: ratings in, group results out.

A rating is one participant's 1-5 for one statement, about themselves ("self") or about
their team or organisation ("team"). Ratings leave this module only as counts and
group results: `raters` (how many rated) before the reveal, `results` after it, each
area's and statement's results only when at least MIN_RATERS people rated it. The one
exception is `self_ratings`, a participant's own self-ratings, for their own portfolio.
"""

from __future__ import annotations

import json
import math
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from facilitator.activities.maturity import scans
from facilitator.migrations import run_script

migrations = Migrations("maturity_scan")

ABOUT = ("self", "team")
VALUES = (1, 2, 3, 4, 5)
# Fewer people than this and a distribution could be traced to someone: it is not shown.
MIN_RATERS = 3
OWN_MAX = 50  # own scans per facilitator


@migrations()
def m101_maturity_scan(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE maturity_ratings (
            item_id INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            statement TEXT NOT NULL,
            about TEXT NOT NULL CHECK (about IN ('self', 'team')),
            value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (item_id, participant_id, statement, about)
        );
        CREATE INDEX maturity_ratings_participant ON maturity_ratings(participant_id);
        -- Covers the group results' counting (bench/maturity_views.py).
        CREATE INDEX maturity_ratings_results
            ON maturity_ratings(item_id, statement, about, value, participant_id);
        CREATE TABLE maturity_scans_own (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (user_id, name)
        );
        CREATE TABLE maturity_results (
            item_id INTEGER PRIMARY KEY REFERENCES agenda_items(id) ON DELETE CASCADE,
            data TEXT NOT NULL,
            revealed_at TEXT NOT NULL
        );
        CREATE TABLE maturity_agreements (
            item_id INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
            statement TEXT NOT NULL,
            agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
            PRIMARY KEY (item_id, statement)
        )
        """,
    )


# --- the scan of an item ---------------------------------------------------------------


def resolve(q: Any, ref: str, user_id: int | None) -> dict[str, Any] | None:
    """A scan by reference: a library key, or "own:ID" for one of the user's own."""
    if ref.startswith("own:"):
        try:
            own_id = int(ref[4:])
        except ValueError:
            return None
        row = q.one("SELECT data FROM maturity_scans_own WHERE id = ? AND user_id = ?",
                    (own_id, user_id))
        return scans.validate(json.loads(row["data"])) if row else None
    return scans.get(ref)


def item_scan(item: dict[str, Any]) -> dict[str, Any]:
    """The scan this item uses: its adjusted (or own) copy, else the library's."""
    config = item["config"]
    if config.get("scan_data"):
        return config["scan_data"]
    return scans.get(config.get("scan") or "") or scans.get("professional_maturity")


def own_scans(q: Any, user_id: int | None) -> list[dict[str, Any]]:
    if not user_id:
        return []
    rows = q.all("SELECT id, name FROM maturity_scans_own WHERE user_id = ? ORDER BY name",
                 (user_id,))
    return [{"ref": f"own:{r['id']}", "name": r["name"]} for r in rows]


def agreements_of(q: Any, item_id: int) -> dict[str, int]:
    """{statement: agreement id} for the statements of this item made an agreement."""
    return {r["statement"]: r["agreement_id"] for r in q.all(
        "SELECT statement, agreement_id FROM maturity_agreements WHERE item_id = ?",
        (item_id,))}


# --- counts (what may be seen before the reveal) ---------------------------------------


def raters(q: Any, item_id: int) -> int:
    row = q.one("SELECT COUNT(DISTINCT participant_id) AS n FROM maturity_ratings"
                " WHERE item_id = ?", (item_id,))
    return row["n"] if row else 0


def any_ratings(q: Any, item_id: int) -> bool:
    return q.one("SELECT 1 AS x FROM maturity_ratings WHERE item_id = ? LIMIT 1",
                 (item_id,)) is not None


def own_ratings(q: Any, item_id: int, ids: list[int]) -> dict[int, dict[str, dict[str, int]]]:
    """Per phone its own ratings {statement: {about: value}}: for that phone only."""
    out: dict[int, dict[str, dict[str, int]]] = {pid: {} for pid in ids}
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    for r in q.all("SELECT participant_id, statement, about, value FROM maturity_ratings"
                   f" WHERE item_id = ? AND participant_id IN ({marks})", (item_id, *ids)):
        out[r["participant_id"]].setdefault(r["statement"], {})[r["about"]] = r["value"]
    return out


def self_ratings(q: Any, workshop_id: int, participant_id: int) -> list[dict[str, Any]]:
    """One participant's own self-ratings in a workshop, for their own portfolio only.

    Returns one entry per maturity scan item they rated, in agenda order:
    `{"item_id", "title" (the agenda item's), "scan": {nl, en} (the scan's title),
    "statements": [{"key", "area", "text": {nl, en}, "value": 1..5}]}`, the statements
    in the scan's order and only those they rated about themselves. Never their ratings
    of the team, never anyone else's. Show it only to that participant (their personal
    link); `q` is anything with `one`/`all` (a Store, a ViewContext, a Context).
    """
    rows = q.all(
        "SELECT r.item_id, r.statement, r.value, i.title, i.config FROM maturity_ratings r"
        " JOIN agenda_items i ON i.id = r.item_id"
        " WHERE r.workshop_id = ? AND r.participant_id = ? AND r.about = 'self'"
        " ORDER BY i.position, i.id",
        (workshop_id, participant_id),
    )
    by_item: dict[int, dict[str, Any]] = {}
    values: dict[int, dict[str, int]] = {}
    for r in rows:
        if r["item_id"] not in by_item:
            scan = item_scan({"config": json.loads(r["config"])})
            by_item[r["item_id"]] = {"item_id": r["item_id"], "title": r["title"],
                                     "scan": scan["title"], "_scan": scan}
        values.setdefault(r["item_id"], {})[r["statement"]] = r["value"]
    out = []
    for item_id, entry in by_item.items():
        scan = entry.pop("_scan")
        mine = values[item_id]
        entry["statements"] = [{**s, "value": mine[s["key"]]} for s in scan["statements"]
                               if s["key"] in mine]
        out.append(entry)
    return out


# --- group results (only after the reveal) ---------------------------------------------


def _spread(counts: list[int]) -> tuple[float | None, float | None]:
    """Mean and standard deviation of ratings given as counts per value 1..5."""
    n = sum(counts)
    if not n:
        return None, None
    mean = sum(v * c for v, c in zip(VALUES, counts, strict=True)) / n
    var = sum(c * (v - mean) ** 2 for v, c in zip(VALUES, counts, strict=True)) / n
    return mean, math.sqrt(var)


def _distribution(counts: list[int], people: int) -> dict[str, Any] | None:
    if people < MIN_RATERS:
        return None
    mean, sd = _spread(counts)
    total = sum(counts)
    return {"counts": counts, "total": total, "people": people,
            "percents": [round(100 * c / total) if total else 0 for c in counts],
            "mean": None if mean is None else round(mean, 1),
            "spread": None if sd is None else round(sd, 2)}


def freeze(q: Any, item: dict[str, Any], at: str) -> None:
    """At the reveal, inside its transaction: the group results as they stand, kept. Ratings
    no longer change after it, so every later view (and a later workshop's comparison)
    reads these instead of counting every rating again, also once the ratings are gone."""
    q.execute("INSERT OR REPLACE INTO maturity_results (item_id, data, revealed_at)"
              " VALUES (?, ?, ?)", (item["id"], json.dumps(_count(q, item)), at))


def results(q: Any, item: dict[str, Any], lang: str) -> dict[str, Any]:
    """The group results of a revealed item (kept at the reveal; counted when missing),
    the disagreement's statements in `lang`. See `_count`."""
    row = q.one("SELECT data FROM maturity_results WHERE item_id = ?", (item["id"],))
    out = json.loads(row["data"]) if row else _count(q, item)
    texts = {s["key"]: scans.text(s["text"], lang) for s in item_scan(item)["statements"]}
    for d in out["disagree"]:
        d["text"] = texts.get(d["key"], "")
    return out


def _count(q: Any, item: dict[str, Any]) -> dict[str, Any]:
    """The group results of one scan item: per area the distribution of the ratings
    about oneself and about the team (counts per value 1..5, mean, spread), the gap
    (self minus team), and the statements the room disagrees about most.

    Disagreement is the spread of the ratings about the team: everyone rates the same
    team, so there a spread is a difference of view (about oneself, people differ
    because they are different people). Areas and statements with fewer than
    MIN_RATERS people are withheld (`withheld` counts them)."""
    scan = item_scan(item)
    counts: dict[tuple[str, str], list[int]] = {}
    for r in q.all("SELECT statement, about, value, COUNT(*) AS n FROM maturity_ratings"
                   " WHERE item_id = ? GROUP BY statement, about, value", (item["id"],)):
        counts.setdefault((r["statement"], r["about"]), [0] * 5)[r["value"] - 1] = r["n"]
    people = _area_people(q, item["id"], scan)
    # One rating per person, statement and about (the table's key): rows are people.
    per_statement = {key: sum(c) for key, c in counts.items()}
    areas, withheld = [], 0
    for area in scans.AREAS:
        statements = [s for s in scan["statements"] if s["area"] == area]
        if not statements:
            continue
        entry: dict[str, Any] = {"area": area, "statements": len(statements)}
        for about in ABOUT:
            total = [0] * 5
            for s in statements:
                total = [a + b for a, b in zip(total, counts.get((s["key"], about), [0] * 5),
                                               strict=True)]
            entry[about] = _distribution(total, people.get((area, about), 0))
        if entry["self"] is None and entry["team"] is None:
            withheld += 1
        both = entry["self"] and entry["team"]
        entry["gap"] = round(entry["self"]["mean"] - entry["team"]["mean"], 1) if both else None
        areas.append(entry)
    disagree = []
    for s in scan["statements"]:
        team = counts.get((s["key"], "team"))
        if team is None or per_statement.get((s["key"], "team"), 0) < MIN_RATERS:
            continue
        mean, sd = _spread(team)
        disagree.append({"key": s["key"], "area": s["area"], "counts": team,
                         "mean": round(mean, 1), "spread": round(sd, 2)})
    disagree.sort(key=lambda d: (-d["spread"], d["key"]))
    return {"raters": raters(q, item["id"]), "areas": areas, "withheld": withheld,
            "disagree": disagree}


def _area_people(q: Any, item_id: int, scan: dict[str, Any]) -> dict[tuple[str, str], int]:
    """How many people rated at least one statement of each area, per `about`: counted in
    SQL, with the scan's statement -> area map as a VALUES table."""
    pairs = [(s["key"], s["area"]) for s in scan["statements"]]
    rows = q.all(
        "WITH areas(statement, area) AS (VALUES " + ", ".join("(?, ?)" for _ in pairs) + ")"
        " SELECT a.area, r.about, COUNT(DISTINCT r.participant_id) AS n"
        " FROM maturity_ratings r JOIN areas a ON a.statement = r.statement"
        " WHERE r.item_id = ? GROUP BY a.area, r.about",
        (*[v for pair in pairs for v in pair], item_id),
    )
    return {(r["area"], r["about"]): r["n"] for r in rows}


# --- change over time --------------------------------------------------------------------


def previous(q: Any, workshop: dict[str, Any], item: dict[str, Any]) -> dict[str, Any] | None:
    """The same scan (same base) revealed in the team's latest earlier workshop that
    showed results: its workshop's title and date and its means per area. None without a
    team or such an earlier workshop. (A programme of workshops, when there is one, is a
    narrower choice than the team: this is the place to make it.)"""
    if not workshop.get("team_id"):
        return None
    base = item_scan(item)["base"]
    rows = q.all(
        "SELECT i.*, w.title AS workshop_title, w.created_at AS workshop_at FROM agenda_items i"
        " JOIN workshops w ON w.id = i.workshop_id"
        " WHERE w.team_id = ? AND i.kind = 'maturity_scan' AND w.id != ?"
        " AND (w.created_at < ? OR (w.created_at = ? AND w.id < ?))"
        " ORDER BY w.created_at DESC, w.id DESC, i.position DESC",
        (workshop["team_id"], workshop["id"], workshop["created_at"], workshop["created_at"],
         workshop["id"]),
    )
    for row in rows:
        row["config"] = json.loads(row["config"])
        if not row["config"].get("revealed") or item_scan(row)["base"] != base:
            continue
        then = results(q, row, workshop["language"])  # kept at its reveal
        if then["withheld"] == len(then["areas"]):
            continue  # too few rated then to show anything: nothing to compare with
        return {"workshop": row["workshop_title"], "at": row["workshop_at"],
                "areas": {a["area"]: {about: a[about]["mean"] if a[about] else None
                                      for about in ABOUT} for a in then["areas"]}}
    return None


def with_change(now: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    """`now` (results) with each area's change of mean since `before` (None: no change)."""
    for area in now["areas"]:
        then = (before or {}).get("areas", {}).get(area["area"], {})
        area["change"] = {
            about: round(area[about]["mean"] - then[about], 1)
            if area[about] and then.get(about) is not None else None
            for about in ABOUT}
    now["previous"] = {"workshop": before["workshop"], "at": before["at"]} if before else None
    return now
