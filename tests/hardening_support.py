"""Shared pieces of the hardening tests: the action registry, plausible payloads built
from each action's schema, a populated workshop, and a fingerprint of everything stored.

Everything is generic over the dispatcher's registry and the app's URL map, so that an
activity that lands later is covered without touching these tests.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support import Client, Server, login_cookie

OWNER = "fac@example.nl"
OTHER = "other@example.nl"
MANAGER = "manager@example.nl"
# Names that destroy what a populate pass made; run them last or not at all.
DESTRUCTIVE = ("close", "remove", "delete", "withdraw", "unmerge", "decline", "merge")


@functools.cache
def app() -> Any:
    """An app in threading mode, only to read its registry and URL map."""
    from facilitator import create_app

    return create_app({"DATA_DIR": tempfile.mkdtemp(prefix="hardening-"),
                       "ASYNC_MODE": "threading", "TESTING": True})


def actions() -> dict[str, Any]:
    return dict(app().extensions["facilitator.dispatcher"].actions)


def action_kinds() -> dict[str, str | None]:
    """Action name -> the activity KIND whose module registers it (None for the core)."""
    from facilitator.activities import ACTIVITIES

    owner: dict[str, str | None] = {name: None for name in actions()}
    for activity in ACTIVITIES:
        for name in activity.actions.actions:
            owner[name] = activity.kind
    return owner


def rules(prefix: str = "/") -> list[Any]:
    return [r for r in app().url_map.iter_rules()
            if r.rule.startswith(prefix) and r.endpoint != "static"]


# --- payloads --------------------------------------------------------------------------


def plausible(fld: Any, name: str, text: str, ids: Callable[[str], int]) -> Any:
    """A value the field accepts: `text` for texts, known ids for *_id, else the first
    candidate its own check() accepts (covers field types added by activities)."""
    from facilitator import schema as s

    if isinstance(fld, s.Int) and (name.endswith("_id") or name.endswith("_ids")):
        return ids(name)
    if isinstance(fld, s.Text):
        return text[: fld.max_len]
    if isinstance(fld, s.Choice):
        return fld.options[0]
    if isinstance(fld, s.ListOf):
        n = max(fld.min_items, min(2, fld.max_items))
        if name.endswith("_ids"):
            return []
        return [plausible(fld.item, name, f"{text} {k + 1}"[: 10**6], ids) for k in range(n)]
    if isinstance(fld, s.Obj):
        return {k: plausible(f, k, text, ids) for k, f in fld.fields.items()}
    if isinstance(fld, s.Int):
        return max(fld.min, min(fld.max, 2))
    for candidate in (True, "2030-06-30", 1, text, [], {}):
        try:
            fld.check(name, candidate)
            return candidate
        except Exception:
            continue
    return None


def payload(action: Any, text: str, ids: Callable[[str], int]) -> dict[str, Any]:
    return {k: plausible(f, k, text, ids) for k, f in action.schema.items()}


# --- the stored state ----------------------------------------------------------------


def fingerprint(db_path: Path) -> dict[str, str]:
    """A hash of every table's content. Presence, last-seen times and the roster's
    revision (a counter its triggers bump with presence) change with connections,
    not with actions, so they are left out."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT IN ('presence', '_migrations')")]
        out = {}
        for table in sorted(tables):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")
                    if r[1] not in ("last_seen_at", "roster_revision")]
            rows = conn.execute(
                f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid").fetchall()
            out[table] = hashlib.sha256(
                json.dumps(rows, default=str).encode()).hexdigest()[:16] + f":{len(rows)}"
        return out
    finally:
        conn.close()


# --- a populated world ---------------------------------------------------------------


@dataclass
class World:
    """Two facilitators, a workshop W with every activity on its agenda, people in it,
    and a second workshop X (another owner) with its own participant."""

    server: Server
    owner_token: str
    other_token: str
    w: dict[str, Any]
    x: dict[str, Any]
    cookie: str
    other_cookie: str
    items: dict[str, int] = field(default_factory=dict)  # kind -> an item of W
    made: list[Client] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)  # participant label -> token

    @property
    def db(self) -> Path:
        return self.server.data_dir / "facilitator.db"

    def state(self) -> dict[str, str]:
        return fingerprint(self.db)

    def client(self, auth: dict[str, Any], headers: dict[str, str] | None = None) -> Client:
        c = Client(self.server.url, auth, headers)
        self.made.append(c)
        return c

    def owner(self, code: str | None = None) -> Client:
        return self.client({"kind": "facilitator", "code": code or self.w["code"]},
                           {"Cookie": self.cookie})

    def board(self) -> Client:
        return self.client({"kind": "board", "token": self.w["board_url"].rsplit("/", 1)[1]})

    def phone(self, label: str, ws: dict[str, Any] | None = None, name: str = "") -> Client:
        ws = ws or self.w
        if label not in self.tokens:
            self.tokens[label] = self.server.join(ws["code"], name or label)["token"]
        return self.client({"kind": "participant", "code": ws["code"],
                            "token": self.tokens[label]})

    def wid(self, ws: dict[str, Any] | None = None) -> int:
        return self.server.db_rows("SELECT id FROM workshops WHERE code = ?",
                                   ((ws or self.w)["code"],))[0]["id"]

    def ids(self, kind: str | None = None, ws: dict[str, Any] | None = None
            ) -> Callable[[str], int]:
        """Resolve a field such as `dilemma_id` to the newest matching row of a workshop."""
        wid = self.wid(ws)
        tables = [r["name"] for r in self.server.db_rows(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]

        def resolve(name: str) -> int:
            stem = name.removesuffix("_ids").removesuffix("_id")
            if stem == "agreement" and kind == "open_agreements" and ws is None:
                # Reviewed here are the team's agreements of earlier workshops (make_world
                # made one in workshop P).
                row = self.server.db_rows(
                    "SELECT MAX(id) AS id FROM agreements WHERE workshop_id != ?", (wid,))
                return row[0]["id"] or 1
            if stem == "item" and kind in self.items and ws is None:
                return self.items[kind]
            if stem in ("participant", "owner", "to", "with"):
                table = "participants"
            else:
                candidates = [t for t in tables if stem in t or stem.rstrip("s") in t]
                candidates.sort(key=lambda t: (not t.endswith(stem + "s"), len(t)))
                table = candidates[0] if candidates else ""
            if table == "agenda_items":
                row = self.server.db_rows(
                    "SELECT MAX(id) AS id FROM agenda_items WHERE workshop_id = ?", (wid,))
                return row[0]["id"] or 1
            if not table:
                return 1
            cols = {r["name"] for r in self.server.db_rows(f"PRAGMA table_info({table})")}
            if "workshop_id" in cols and "id" in cols:
                row = self.server.db_rows(
                    f"SELECT MAX(id) AS id FROM {table} WHERE workshop_id = ?", (wid,))
            elif "item_id" in cols and "id" in cols:
                row = self.server.db_rows(
                    f"SELECT MAX(t.id) AS id FROM {table} t JOIN agenda_items a"
                    " ON a.id = t.item_id WHERE a.workshop_id = ?", (wid,))
            else:
                return 1
            return row[0]["id"] or 1

        return resolve

    def close(self) -> None:
        for c in self.made:
            try:
                c.close()
            except Exception:
                pass


def make_world(server: Server, title: str = "Werkconferentie W") -> World:
    server.add_user(OWNER, "facilitator", teams=("Wijkteam Noord",), name="Fatima")
    server.add_user(OTHER, "facilitator", teams=("Wijkteam Zuid",), name="Olaf")
    server.add_user(MANAGER, "manager", teams=("Wijkteam Noord",), name="Mia")
    owner_token, other_token = server.token(OWNER), server.token(OTHER)
    from facilitator.room.agenda import AGENDAS

    agenda = "dilemmas" if "dilemmas" in AGENDAS else "welcome"
    team = server.db_rows("SELECT id FROM teams WHERE name = 'Wijkteam Noord'")[0]["id"]
    earlier_agreement(server, owner_token, team)
    w = server.create_workshop(owner_token, title=title, agenda=agenda, team_id=team)
    x = server.create_workshop(other_token, title="Andere sessie X")
    world = World(server, owner_token, other_token, w, x, login_cookie(server, OWNER),
                  login_cookie(server, OTHER))
    fac = world.owner()
    assert fac.act("workshop.open")["ok"]
    other = world.client({"kind": "facilitator", "code": x["code"]},
                         {"Cookie": world.other_cookie})
    assert other.act("workshop.open")["ok"]
    present = {r["kind"]: r["id"] for r in server.db_rows(
        "SELECT kind, MIN(id) AS id FROM agenda_items WHERE workshop_id = ? GROUP BY kind",
        (world.wid(),))}
    from facilitator.activities import ACTIVITIES

    for activity in ACTIVITIES:
        if activity.kind not in present:
            ack = fac.act("agenda.add", {"kind": activity.kind})
            assert ack["ok"], ack
            present[activity.kind] = ack["result"]["item_id"]
    world.items = present
    return world


def earlier_agreement(server: Server, token: str, team: int) -> None:
    """An earlier workshop P of the team with one agreed agreement, so that the review
    of open agreements in W has something to review."""
    p = server.create_workshop(token, title="Vorige sessie P", agenda="team_agreements",
                               team_id=team)
    fac = Client(server.url, {"kind": "facilitator", "code": p["code"]},
                 {"Cookie": login_cookie(server, OWNER)})
    joined = server.join(p["code"], "Piet")
    phone = Client(server.url, {"kind": "participant", "code": p["code"],
                                "token": joined["token"]})
    try:
        assert fac.act("workshop.open")["ok"]
        item = next(i["id"] for i in fac.sync()["control"]["agenda"] if i["kind"] == "agreements")
        assert fac.act("agenda.goto", {"item_id": item})["ok"]
        ack = phone.act("agreements.propose", {
            "owner_id": joined["participant_id"], "owner_text": "", "what": "Piet belt terug",
            "with_ids": [], "due_date": "2099-01-01", "check_how": "", "manager_visible": True})
        assert ack["ok"], ack
        confirm = phone.act("agreements.confirm", {"agreement_id": ack["result"]["agreement_id"]})
        assert confirm["ok"], confirm
    finally:
        fac.close()
        phone.close()


def populate(world: World, texts: Iterator[str], phones: list[Client],
             fac: Client, require: bool = True) -> list[tuple[str, Any]]:
    """Run every non-destructive action once per activity, the owner's first (to open
    rounds and stage things), then the phones', then the owner's again. Refusals are
    expected (wrong phase, limits) and returned for inspection, but each activity with
    actions must accept at least one: one whose actions are all refused would add no
    coverage to the tests built on this, silently."""
    kinds = action_kinds()
    registry = actions()
    acks: list[tuple[str, Any]] = []
    order = list(world.items)
    for kind in order:
        fac.act("agenda.goto", {"item_id": world.items[kind]})
        mine = [n for n, k in kinds.items() if k == kind
                and not any(d in n.split(".", 1)[1] for d in DESTRUCTIVE)]
        for round_ in ("facilitator", "participant", "facilitator"):
            for name in mine:
                action = registry[name]
                if round_ not in action.roles:
                    continue
                actors = [fac] if round_ == "facilitator" else phones
                for actor in actors:
                    data = payload(action, next(texts), world.ids(kind))
                    acks.append((name, actor.act(name, data)))
    if require:
        each_kind_accepted(world, acks)
    return acks


def each_kind_accepted(world: World, acks: list[tuple[str, Any]]) -> None:
    """Every activity with non-destructive actions had at least one accepted."""
    kinds = action_kinds()
    for kind in world.items:
        mine = [n for n, k in kinds.items() if k == kind
                and not any(d in n.split(".", 1)[1] for d in DESTRUCTIVE)]
        accepted = [n for n, ack in acks if kinds.get(n) == kind and ack.get("ok")]
        assert accepted or not mine, (
            f"populate: every action of {kind} was refused",
            [(n, ack) for n, ack in acks if kinds.get(n) == kind][:5])


def cycle(items: list[str]) -> Iterator[str]:
    while True:
        yield from items


def env(**extra: str) -> dict[str, str]:
    """Server environment for hardening runs: generous socket rate unless asked."""
    return {"FACILITATOR_ACTION_RATE": "10000/10second", **extra}
