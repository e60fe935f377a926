"""Choosing dilemmas by dot voting: a budget of dots per phone (default 3), an optional
limit per dilemma, and counts hidden from every screen, the facilitator's included,
until the facilitator reveals them. Before that the views carry only how many voted.

A round is one agenda item: ready -> open -> closed, and revealed once (which closes it).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.dilemmas import store
from facilitator.errors import ActionError
from facilitator.live.actions import FACILITATOR, PARTICIPANT, ActionSet, Context
from facilitator.room.board_state import page, short
from facilitator.room.items import item_of, save_config
from facilitator.schema import Bool, Int

KIND = "dilemma_vote"
TITLE = _l("Choose dilemmas")
actions = ActionSet()
MAX_BUDGET = 20

CLIENT_STRINGS = {
    "dots_left": _l("Dots left: %(n)s of %(budget)s"),
    "add_dot": _l("Add a dot"),
    "remove_dot": _l("Remove a dot"),
    "your_dots": _l("Your dots: %(n)s"),
    "voters": _l("%(n)s have voted"),
    "voters.one": _l("%(n)s has voted"),
    "dots": _l("%(n)s dots"),
    "dots.one": _l("%(n)s dot"),
    "state_ready": _l("Voting has not opened yet."),
    "state_open": _l("Voting is open."),
    "state_closed": _l("Voting is closed."),
}


def default_config() -> dict[str, Any]:
    # organisational_out: organisational dilemmas go to management, not to the vote.
    return {"budget": 3, "per_dilemma": 0, "state": "ready", "revealed": False,
            "organisational_out": False}


def _cfg(item: dict[str, Any]) -> dict[str, Any]:
    return {**default_config(), **item["config"]}


@actions(
    "dilemma_vote.configure",
    roles=(FACILITATOR,),
    schema={
        "item_id": Int(min=1),
        "budget": Int(min=1, max=MAX_BUDGET),
        "per_dilemma": Int(min=0, max=MAX_BUDGET),
        "organisational_out": Bool(default=False),
    },
)
def configure(ctx: Context, data: dict[str, Any]) -> None:
    item = item_of(ctx, data["item_id"], KIND)
    if _cfg(item)["state"] != "ready":
        raise ActionError("started", _l("Voting has started; the dots can no longer change."))
    if data["per_dilemma"] > data["budget"]:
        raise ActionError("invalid", _l("The limit per dilemma cannot exceed the budget."))
    save_config(ctx, item, {"budget": data["budget"], "per_dilemma": data["per_dilemma"],
                            "organisational_out": data["organisational_out"]})
    store.everyone_sees(ctx)
    # Every phone's "dots left: n of budget" is its own view: all of them change.
    ctx.changes.personal = None


def _set_state(ctx: Context, item_id: int, state: str, reveal: bool = False) -> None:
    item = item_of(ctx, item_id, KIND)
    if _cfg(item)["revealed"]:
        raise ActionError("revealed", _l("The results are revealed; this round is over."))
    save_config(ctx, item, {"state": state, "revealed": reveal})
    store.everyone_sees(ctx)
    if reveal:
        ctx.changes.personal = None


@actions("dilemma_vote.open", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def open_round(ctx: Context, data: dict[str, Any]) -> None:
    _set_state(ctx, data["item_id"], "open")


@actions("dilemma_vote.close", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def close_round(ctx: Context, data: dict[str, Any]) -> None:
    _set_state(ctx, data["item_id"], "closed")


@actions("dilemma_vote.reveal", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def reveal(ctx: Context, data: dict[str, Any]) -> None:
    _set_state(ctx, data["item_id"], "closed", reveal=True)


def _voting(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    item = ctx.current_item(KIND)
    config = _cfg(item)
    if config["state"] == "ready":
        raise ActionError("not_open", _l("Voting has not opened yet."))
    if config["state"] != "open":
        raise ActionError("closed", _l("Voting is closed."))
    return item, config


def _mine(ctx: Context, item_id: int) -> dict[int, int]:
    rows = ctx.all(
        "SELECT dilemma_id, dots FROM dilemma_votes WHERE item_id = ? AND participant_id = ?",
        (item_id, ctx.actor.participant_id),
    )
    return {r["dilemma_id"]: r["dots"] for r in rows}


@actions("dilemma_vote.add", roles=(PARTICIPANT,), schema={"dilemma_id": Int(min=1)})
def add(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    item, config = _voting(ctx)
    dilemma = store.open_dilemma(ctx, data["dilemma_id"])
    if config["organisational_out"] and dilemma["category"] == "organisational":
        raise ActionError(
            "invalid", _l("This dilemma goes to management; it is not part of the vote.")
        )
    mine = _mine(ctx, item["id"])
    if sum(mine.values()) >= config["budget"]:
        raise ActionError(
            "budget", _l("You have used all %(n)s of your dots."), n=config["budget"]
        )
    here = mine.get(dilemma["id"], 0)
    if config["per_dilemma"] and here >= config["per_dilemma"]:
        raise ActionError(
            "limit", _l("At most %(n)s dots on one dilemma."), n=config["per_dilemma"]
        )
    ctx.execute(
        "INSERT INTO dilemma_votes (item_id, participant_id, dilemma_id, dots) VALUES (?, ?, ?, 1)"
        " ON CONFLICT (item_id, participant_id, dilemma_id) DO UPDATE SET dots = dots + 1",
        (item["id"], ctx.actor.participant_id, dilemma["id"]),
    )
    _voted(ctx)
    return {"dots": here + 1}


@actions("dilemma_vote.remove", roles=(PARTICIPANT,), schema={"dilemma_id": Int(min=1)})
def remove(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    item, _config = _voting(ctx)
    dilemma = store.dilemma_of(ctx, data["dilemma_id"])
    here = _mine(ctx, item["id"]).get(dilemma["id"], 0)
    if here == 0:
        raise ActionError("invalid", _l("There is no dot of yours on that dilemma."))
    key = (item["id"], ctx.actor.participant_id, dilemma["id"])
    if here == 1:
        ctx.execute(
            "DELETE FROM dilemma_votes WHERE item_id = ? AND participant_id = ? AND dilemma_id = ?",
            key,
        )
    else:
        ctx.execute(
            "UPDATE dilemma_votes SET dots = dots - 1"
            " WHERE item_id = ? AND participant_id = ? AND dilemma_id = ?",
            key,
        )
    _voted(ctx)
    return {"dots": here - 1}


def _voted(ctx: Context) -> None:
    # Only the number of voters changes on shared screens; the dots go to the voter only.
    ctx.changes.board = ctx.changes.control = True
    ctx.changes.add_personal(ctx.actor.participant_id)


# --- views ---------------------------------------------------------------------------


def _voters(v: Any, item_id: int) -> int:
    row = v.one(
        "SELECT COUNT(DISTINCT participant_id) AS n FROM dilemma_votes WHERE item_id = ?",
        (item_id,),
    )
    return row["n"] if row else 0


def _results(v: Any, item_id: int, config: dict[str, Any]) -> list[dict[str, Any]]:
    """Dots per dilemma in this round, ranked. Only ever called after the reveal."""
    rows = v.all(
        "SELECT COALESCE(d.merged_into, d.id) AS did, SUM(v.dots) AS dots,"
        " COUNT(DISTINCT v.participant_id) AS voters"
        " FROM dilemma_votes v JOIN dilemmas d ON d.id = v.dilemma_id"
        " WHERE v.item_id = ? GROUP BY did",
        (item_id,),
    )
    counts = {r["did"]: r for r in rows}
    out = []
    for d in candidates(v, config):
        row = counts.get(d["id"])
        out.append({**d, "dots": row["dots"] if row else 0, "voters": row["voters"] if row else 0})
    out.sort(key=lambda d: (-d["dots"], d["number"]))
    for rank, d in enumerate(out, start=1):
        d["rank"] = rank
    return out


def candidates(v: Any, config: dict[str, Any]) -> list[dict[str, Any]]:
    """The dilemmas on the ballot: organisational ones left out when the setting says so."""
    dilemmas = store.all_dilemmas(v, v.workshop["id"])
    if config.get("organisational_out"):
        dilemmas = [d for d in dilemmas if d["category"] != "organisational"]
    return dilemmas


def _shared(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    config = _cfg(item)
    out: dict[str, Any] = {
        "state": config["state"],
        "revealed": bool(config["revealed"]),
        "budget": config["budget"],
        "per_dilemma": config["per_dilemma"],
        "organisational_out": bool(config["organisational_out"]),
        "voters": _voters(v, item["id"]),
    }
    if config["revealed"]:
        out["results"] = _results(v, item["id"], config)
    else:
        out["dilemmas"] = candidates(v, config)
    return out


BOARD_TITLES = 6  # dilemma lines per board page before the reveal
BOARD_BARS = 6  # ranked bars per board page after it


def board(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """The count while voting (the titles paged), the ranking as bars after the reveal."""
    out = _shared(v, item)
    if out["revealed"]:
        results = out.pop("results")
        out["total_dots"] = sum(r["dots"] for r in results)
        out["top_dots"] = max((r["dots"] for r in results), default=0)
        entries = [{"id": r["id"], "rank": r["rank"], "number": r["number"], "dots": r["dots"],
                    "situation": short(r["situation"], 60)} for r in results]
        out["results"], out["paging"] = page(v, entries, BOARD_BARS)
    else:
        entries = [{"id": d["id"], "number": d["number"], "situation": short(d["situation"], 75)}
                   for d in out.pop("dilemmas")]
        out["dilemmas"], out["paging"] = page(v, entries, BOARD_TITLES)
    return out


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return _shared(v, item)


def phone(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    out = _shared(v, item)
    out.pop("voters")  # phones need not follow the count; it saves a push per vote
    return out


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = v.all(
        "SELECT participant_id, dilemma_id, dots FROM dilemma_votes"
        f" WHERE item_id = ? AND participant_id IN ({marks})",
        (item["id"], *ids),
    )
    budget = _cfg(item)["budget"]
    out: dict[int, dict[str, Any]] = {pid: {"dots": {}, "used": 0, "left": budget} for pid in ids}
    for r in rows:
        own = out[r["participant_id"]]
        own["dots"][str(r["dilemma_id"])] = r["dots"]
        own["used"] += r["dots"]
        own["left"] = budget - own["used"]
    return out


def export(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    config = _cfg(item)
    out = {
        "budget": config["budget"],
        "per_dilemma": config["per_dilemma"],
        "state": config["state"],
        "revealed": bool(config["revealed"]),
        "voters": _voters(v, item["id"]),
    }
    if config["revealed"]:
        out["results"] = [
            {"id": d["id"], "number": d["number"], "situation": d["situation"],
             "options": d["options"], "dots": d["dots"], "voters": d["voters"], "rank": d["rank"]}
            for d in _results(v, item["id"], config)
        ]
    return out
