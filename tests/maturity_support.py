"""The maturity scan's tests share these: a room on the scan, ratings sent through the
phones' sockets (or, for volume, written as the rate action writes them), and the group
results worked out here from the stored rows, independently of the server's arithmetic."""

from __future__ import annotations

import math
import random
from typing import Any

from support.room import Room
from support.server import Server

from facilitator.activities.maturity import scans

SCAN = scans.get("professional_maturity")
KEYS = [s["key"] for s in SCAN["statements"]]
AREA_OF = {s["key"]: s["area"] for s in SCAN["statements"]}
TEAM = "Wijkteam Noord"


def team_id(server: Server, name: str = TEAM) -> int:
    return server.db_rows("SELECT id FROM teams WHERE name = ?", (name,))[0]["id"]


def scan_room(server: Server, token: str, title: str, clients: Any = None, **extra: Any) -> Room:
    room = Room(server, token, title=title, agenda="maturity_scan",
                team_id=team_id(server), clients=clients, **extra)
    room.goto("maturity_scan")
    return room


def rate_all(room: Room, phone: Any, value_of: Any, keys: list[str] = KEYS) -> None:
    """The phone rates every statement: value_of(key, about) -> 1..5, through its socket."""
    for key in keys:
        for about in ("self", "team"):
            room.ok(phone, "maturity_scan.rate", statement=key, about=about,
                    value=value_of(key, about))


def bulk(server: Server, room: Room, item_id: int, names: list[str], seed: int,
         lift: float = 0.0) -> list[int]:
    """Many people join and rate, written as `maturity_scan.rate` writes them (a socket per
    person for 60 people and 36 ratings each is the load test's job, not this one's).
    `lift` moves every rating up on average, for a later workshop that did better."""
    rng = random.Random(seed)
    wid = room.workshop_id()
    ids = [server.join(room.code, name)["participant_id"] for name in names]
    rows = []
    for pid in ids:
        for key in KEYS:
            for about in ("self", "team"):
                centre = 3.6 if about == "self" else 2.9
                if AREA_OF[key] in ("space", "steering"):
                    centre -= 0.5
                value = round(rng.gauss(centre + lift, 1.0 if about == "team" else 0.7))
                rows.append((item_id, wid, pid, key, about, min(5, max(1, value)),
                             "2026-01-01T10:00:00Z"))
    import sqlite3

    conn = sqlite3.connect(server.data_dir / "facilitator.db", timeout=10)
    with conn:
        conn.executemany("INSERT INTO maturity_ratings (item_id, workshop_id, participant_id,"
                         " statement, about, value, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         rows)
    conn.close()
    return ids


def stored(server: Server, item_id: int) -> list[dict[str, Any]]:
    return server.db_rows("SELECT participant_id, statement, about, value FROM maturity_ratings"
                          " WHERE item_id = ?", (item_id,))


def expected(server: Server, item_id: int,
             area_of: dict[str, str] = AREA_OF) -> dict[str, Any]:
    """Per area and about: counts per value 1..5 and the mean, from the stored rows."""
    out: dict[str, dict[str, Any]] = {}
    for row in stored(server, item_id):
        area = area_of.get(row["statement"])
        if area is None:
            continue
        entry = out.setdefault(area, {}).setdefault(row["about"], {"counts": [0] * 5})
        entry["counts"][row["value"] - 1] += 1
    for area in out.values():
        for d in area.values():
            n = sum(d["counts"])
            d["mean"] = round(sum((i + 1) * c for i, c in enumerate(d["counts"])) / n, 1)
    return out


def spread(values: list[int]) -> float:
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
