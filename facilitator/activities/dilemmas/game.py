"""The dilemma game: one dilemma on stage, everyone chooses privately (an option, or a
place on a slider between two poles), the board shows how many chose until the reveal,
then the distribution. Arguments per option; a revote shows the shift; a "but what
if...?" variation is voted on as a new round.

Choices are never in a shared view before their round is revealed; a phone sees its
own choice in its personal view only.
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.dilemmas import board as board_cards
from facilitator.activities.dilemmas import store
from facilitator.errors import ActionError, not_found
from facilitator.live.actions import FACILITATOR, PARTICIPANT, ActionSet, Context
from facilitator.room.board_state import page, short
from facilitator.room.items import item_of, save_config
from facilitator.schema import Bool, Choice, Int, ListOf, Text

KIND = "dilemma_game"
TITLE = _l("Dilemma game")
actions = ActionSet()
VARIATION_MAX = 500
MAX_ROUNDS = 20
BUCKETS = 5  # slider positions 0..100 shown as five bands

CLIENT_STRINGS = {
    "chosen": _l("%(n)s have chosen"),
    "chosen.one": _l("%(n)s has chosen"),
    "your_choice": _l("Your choice: %(choice)s"),
    "round_first": _l("Round %(n)s"),
    "round_revote": _l("Round %(n)s: vote again"),
    "round_variation": _l("Round %(n)s: but what if…?"),
    "changed": _l("%(n)s of %(both)s changed their choice"),
    "changed.one": _l("%(n)s of %(both)s changed their choice after the talk"),
    "mean": _l("Average position: %(n)s"),
    "no_arguments": _l("No arguments yet."),
    "stage": _l("Put on stage"),
    "waiting": _l("Waiting for the facilitator to put a dilemma on stage."),
    "closed_round": _l("This round is closed."),
    "moved": _l("%(n)s moved from %(from)s to %(to)s"),
    # The board's shift: the round before the talk and the one after it.
    "before": _l("First choice"),
    "after": _l("After the talk"),
    "support": _l("I support this"),
    "supported": _l("You support this"),
    "support_count": _l("%(n)s support it"),
    "support_count.one": _l("%(n)s supports it"),
    "send_position": _l("Send my position"),
    "change_position": _l("Change my position"),
    "can_change": _l("You can change it until the reveal."),
}


def default_config() -> dict[str, Any]:
    # argument_approval: arguments wait for the facilitator before the board shows them.
    return {"dilemma_id": None, "mode": "choice", "argument_approval": False}


def _rounds(q: Any, item_id: int, dilemma_id: int | None) -> list[dict[str, Any]]:
    if dilemma_id is None:
        return []
    return q.all(
        "SELECT * FROM dilemma_rounds WHERE item_id = ? AND dilemma_id = ? ORDER BY number",
        (item_id, dilemma_id),
    )


def _new_round(
    ctx: Context, item: dict[str, Any], dilemma_id: int, kind: str, mode: str,
    variation: str | None, poles: str | None = None,
) -> None:
    rounds = _rounds(ctx, item["id"], dilemma_id)
    if len(rounds) >= MAX_ROUNDS:
        raise store.too_many()
    ctx.execute(
        "INSERT INTO dilemma_rounds (workshop_id, item_id, dilemma_id, number, kind, variation,"
        " mode, poles, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ctx.workshop["id"], item["id"], dilemma_id, len(rounds) + 1, kind, variation, mode,
         poles, ctx.now_iso),
    )
    store.everyone_sees(ctx)
    ctx.changes.personal = None


def _poles(dilemma: dict[str, Any], mode: str, poles: list[int] | None) -> str | None:
    """The two options a slider runs between, or a refusal: a slider fits a dilemma of
    two options, or two poles the facilitator chose; it never silently drops option C."""
    count = len(json.loads(dilemma["options"]))
    if mode == "choice":
        if poles:
            raise ActionError("invalid", _l("Poles are only for a slider."))
        return None
    if not poles:
        if count != 2:
            raise ActionError(
                "invalid",
                _l("This dilemma has %(n)s options: choose the two poles of the slider."),
                n=count,
            )
        poles = [0, 1]
    if len(poles) != 2 or poles[0] == poles[1] or max(poles) >= count:
        raise ActionError("invalid", _l("Choose two different options as the poles."))
    return json.dumps(poles)


@actions(
    "dilemma_game.stage",
    roles=(FACILITATOR,),
    schema={
        "item_id": Int(min=1),
        "dilemma_id": Int(min=1),
        "mode": Choice(("choice", "slider")),
        "poles": ListOf(Int(min=0, max=store.MAX_OPTIONS - 1), max_items=2),
    },
)
def stage(ctx: Context, data: dict[str, Any]) -> None:
    item = item_of(ctx, data["item_id"], KIND)
    dilemma = store.open_dilemma(ctx, data["dilemma_id"])
    poles = _poles(dilemma, data["mode"], data["poles"])
    save_config(ctx, item, {"dilemma_id": dilemma["id"], "mode": data["mode"]})
    if not _rounds(ctx, item["id"], dilemma["id"]):
        _new_round(ctx, item, dilemma["id"], "first", data["mode"], None, poles)
    store.everyone_sees(ctx)
    ctx.changes.personal = None


def _latest(ctx: Context, item: dict[str, Any]) -> dict[str, Any]:
    rounds = _rounds(ctx, item["id"], item["config"].get("dilemma_id"))
    if not rounds:
        raise ActionError("not_open", _l("No round is open yet."))
    return rounds[-1]


@actions("dilemma_game.reveal", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def reveal(ctx: Context, data: dict[str, Any]) -> None:
    item = item_of(ctx, data["item_id"], KIND)
    latest = _latest(ctx, item)
    ctx.execute(
        "UPDATE dilemma_rounds SET state = 'closed', revealed = 1 WHERE id = ?", (latest["id"],)
    )
    store.everyone_sees(ctx)
    ctx.changes.personal = None


def _next_round(ctx: Context, item_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    item = item_of(ctx, item_id, KIND)
    latest = _latest(ctx, item)
    if not latest["revealed"]:
        raise ActionError("not_revealed", _l("Reveal this round first."))
    return item, latest


@actions("dilemma_game.revote", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def revote(ctx: Context, data: dict[str, Any]) -> None:
    item, latest = _next_round(ctx, data["item_id"])
    _new_round(ctx, item, latest["dilemma_id"], "revote", latest["mode"], latest["variation"],
               latest["poles"])


@actions(
    "dilemma_game.variation",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "text": Text(max_len=VARIATION_MAX, multiline=True)},
)
def variation(ctx: Context, data: dict[str, Any]) -> None:
    item, latest = _next_round(ctx, data["item_id"])
    _new_round(ctx, item, latest["dilemma_id"], "variation", latest["mode"], data["text"],
               latest["poles"])


def _on_stage(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    item = ctx.current_item(KIND)
    dilemma_id = item["config"].get("dilemma_id")
    if dilemma_id is None:
        raise ActionError("not_open", _l("No round is open yet."))
    return item, store.open_dilemma(ctx, dilemma_id)


def _option_count(dilemma: dict[str, Any]) -> int:
    return len(store.public(dilemma)["options"])


def _no_option() -> ActionError:
    return ActionError("invalid", _l("That option does not exist."))


@actions(
    "dilemma_game.choose",
    roles=(PARTICIPANT,),
    schema={
        "round_id": Int(min=1),
        "option": Int(min=0, max=store.MAX_OPTIONS - 1, required=False),
        "value": Int(min=0, max=100, required=False),
    },
)
def choose(ctx: Context, data: dict[str, Any]) -> None:
    item, dilemma = _on_stage(ctx)
    latest = _latest(ctx, item)
    if data["round_id"] != latest["id"] or latest["state"] != "open":
        raise ActionError("closed", _l("This round is closed."))
    if latest["mode"] == "slider":
        if data["value"] is None or data["option"] is not None:
            raise ActionError("invalid", _l("Place the slider to choose."))
    elif data["option"] is None or data["option"] >= _option_count(dilemma):
        raise _no_option()
    # A mis-tap can be put right until the reveal closes the round (issue 17.7).
    ctx.execute(
        "INSERT INTO dilemma_choices (round_id, participant_id, option, value) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (round_id, participant_id) DO UPDATE SET option = excluded.option,"
        " value = excluded.value",
        (latest["id"], ctx.actor.participant_id, data["option"], data["value"]),
    )
    # The shared screens show only how many chose; the choice goes to the chooser.
    ctx.changes.board = ctx.changes.control = True
    ctx.changes.add_personal(ctx.actor.participant_id)


@actions(
    "dilemma_game.argue",
    roles=(PARTICIPANT,),
    schema={"option": Int(min=0, max=9), "text": Text(max_len=store.ARGUMENT_MAX)},
)
def argue(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    item, dilemma = _on_stage(ctx)
    # An argument names one of the dilemma's own options (a slider's poles included).
    if data["option"] >= _option_count(dilemma):
        raise _no_option()
    mine = ctx.one(
        "SELECT COUNT(*) AS n FROM dilemma_arguments WHERE dilemma_id = ? AND participant_id = ?",
        (dilemma["id"], ctx.actor.participant_id),
    )
    if mine["n"] >= store.PER_PARTICIPANT:
        raise store.too_many()
    approved = not item["config"].get("argument_approval")
    cur = ctx.execute(
        "INSERT INTO dilemma_arguments (workshop_id, dilemma_id, participant_id, option, text,"
        " approved, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (ctx.workshop["id"], dilemma["id"], ctx.actor.participant_id, data["option"],
         data["text"], int(approved), ctx.now_iso),
    )
    store.shared_screens_see(ctx)
    if approved:
        ctx.changes.phones = True  # phones list the arguments they can support
    return {"argument_id": cur.lastrowid}


@actions(
    "dilemma_game.settings",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "argument_approval": Bool()},
)
def settings(ctx: Context, data: dict[str, Any]) -> None:
    item = item_of(ctx, data["item_id"], KIND)
    save_config(ctx, item, {"argument_approval": data["argument_approval"]})
    store.everyone_sees(ctx)


def _argument_of(ctx: Context, argument_id: int) -> dict[str, Any]:
    row = ctx.one(
        "SELECT * FROM dilemma_arguments WHERE id = ? AND workshop_id = ?",
        (argument_id, ctx.workshop["id"]),
    )
    if row is None:
        raise not_found()
    return row


@actions(
    "dilemma_game.approve_argument",
    roles=(FACILITATOR,),
    schema={"argument_id": Int(min=1), "approved": Bool(default=True)},
)
def approve_argument(ctx: Context, data: dict[str, Any]) -> None:
    row = _argument_of(ctx, data["argument_id"])
    ctx.execute("UPDATE dilemma_arguments SET approved = ? WHERE id = ?",
                (int(data["approved"]), row["id"]))
    store.everyone_sees(ctx)
    if row["participant_id"]:
        ctx.changes.add_personal(row["participant_id"])


@actions("dilemma_game.support", roles=(PARTICIPANT,), schema={"argument_id": Int(min=1)})
def support(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    item, dilemma = _on_stage(ctx)
    row = _argument_of(ctx, data["argument_id"])
    if row["dilemma_id"] != dilemma["id"] or not row["approved"]:
        raise not_found()
    # One support per person per argument: the primary key refuses a second.
    cur = ctx.execute(
        "INSERT INTO dilemma_argument_support (argument_id, participant_id) VALUES (?, ?)"
        " ON CONFLICT DO NOTHING",
        (row["id"], ctx.actor.participant_id),
    )
    if cur.rowcount == 0:
        raise ActionError("already", _l("You already support this argument."))
    ctx.changes.board = ctx.changes.control = True
    ctx.changes.add_personal(ctx.actor.participant_id)
    return {"argument_id": row["id"]}


@actions("dilemma_game.remove_argument", roles=(FACILITATOR,), schema={"argument_id": Int(min=1)})
def remove_argument(ctx: Context, data: dict[str, Any]) -> None:
    row = ctx.one(
        "SELECT id, participant_id FROM dilemma_arguments WHERE id = ? AND workshop_id = ?",
        (data["argument_id"], ctx.workshop["id"]),
    )
    if row is None:
        raise not_found()
    ctx.execute("DELETE FROM dilemma_arguments WHERE id = ?", (row["id"],))
    store.everyone_sees(ctx)
    if row["participant_id"]:
        ctx.changes.add_personal(row["participant_id"])  # its author's own list


# --- views ---------------------------------------------------------------------------


def _band(value: int) -> int:
    return min(value * BUCKETS // 100, BUCKETS - 1)


def _position(rnd: dict[str, Any], row: dict[str, Any], prefix: str = "") -> int | None:
    """Where one choice falls: its option, or its slider band."""
    if rnd["mode"] == "slider":
        value = row[f"{prefix}value"]
        return None if value is None else _band(value)
    return row[f"{prefix}option"]


def distribution(v: Any, rnd: dict[str, Any], labels: list[str]) -> dict[str, Any]:
    """Counts per option (or per slider band); call only for a revealed round."""
    rows = v.all("SELECT option, value FROM dilemma_choices WHERE round_id = ?", (rnd["id"],))
    total = len(rows)
    if rnd["mode"] == "slider":
        bands = [0] * BUCKETS
        for r in rows:
            bands[_band(r["value"])] += 1
        mean = round(sum(r["value"] for r in rows) / total) if total else None
        return {"total": total, "bands": bands, "mean": mean, "poles": labels[:2]}
    counts = [0] * len(labels)
    for r in rows:
        if r["option"] is not None and r["option"] < len(counts):
            counts[r["option"]] += 1
    return {
        "total": total,
        "options": [
            {"label": label, "count": n, "percent": round(100 * n / total) if total else 0}
            for label, n in zip(labels, counts, strict=True)
        ],
    }


def _changed(v: Any, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """How many who chose in both rounds changed (choice) or moved 10+ points (slider),
    and how many moved from which option (or band) to which: counts, never who."""
    rows = v.all(
        "SELECT a.option AS a_option, a.value AS a_value, b.option AS b_option,"
        " b.value AS b_value FROM dilemma_choices a"
        " JOIN dilemma_choices b ON a.participant_id = b.participant_id"
        " WHERE a.round_id = ? AND b.round_id = ?",
        (before["id"], after["id"]),
    )
    if after["mode"] == "slider":
        moved = sum(1 for r in rows if abs((r["a_value"] or 0) - (r["b_value"] or 0)) >= 10)
    else:
        moved = sum(1 for r in rows if r["a_option"] != r["b_option"])
    pairs: dict[tuple[int, int], int] = {}
    for r in rows:
        key = (_position(before, r, "a_"), _position(after, r, "b_"))
        if None not in key and key[0] != key[1]:
            pairs[key] = pairs.get(key, 0) + 1  # type: ignore[index]
    moves = [{"from": a, "to": b, "count": n} for (a, b), n in sorted(pairs.items())]
    return {"both": len(rows), "changed": moved, "moves": moves}


def _shift_chart(views: list[dict[str, Any]], labels: list[str], mode: str) -> Any:
    """Every revealed round on one scale, the share of that round's participants per
    option (or band): 57 % is drawn shorter than 71 %, in every round, not only two."""
    revealed = [r for r in views if r["revealed"]]
    if len(revealed) < 2:
        return None
    names = labels if mode != "slider" else [f"{i * 20}–{i * 20 + 19 + (i == 4)}"
                                             for i in range(BUCKETS)]

    def counts(r: dict[str, Any]) -> list[int]:
        d = r["distribution"]
        return d["bands"] if "bands" in d else [o["count"] for o in d["options"]]

    return {
        "scale": "share",
        "rounds": [{"number": r["number"], "kind": r["kind"],
                    "total": r["distribution"]["total"]} for r in revealed],
        "rows": [
            {"option": i, "label": name, "shares": [
                {"number": r["number"], "count": counts(r)[i],
                 "percent": round(100 * counts(r)[i] / r["distribution"]["total"])
                 if r["distribution"]["total"] else 0}
                for r in revealed
            ]}
            for i, name in enumerate(names)
        ],
    }


def _round_view(v: Any, rnd: dict[str, Any], labels: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rnd["id"], "number": rnd["number"], "kind": rnd["kind"], "mode": rnd["mode"],
        "variation": rnd["variation"], "state": rnd["state"], "revealed": bool(rnd["revealed"]),
    }
    if rnd["revealed"]:
        out["distribution"] = distribution(v, rnd, labels)
    else:
        row = v.one("SELECT COUNT(*) AS n FROM dilemma_choices WHERE round_id = ?", (rnd["id"],))
        out["chosen"] = row["n"]
    return out


def game(v: Any, item_id: int, dilemma_id: int | None, ids: bool = False,
         pending: bool = False) -> dict[str, Any]:
    """The stage of one game item for one dilemma: rounds, shifts, arguments."""
    if dilemma_id is None:
        return {"dilemma": None}
    row = v.one("SELECT * FROM dilemmas WHERE id = ? AND workshop_id = ?",
                (dilemma_id, v.workshop["id"]))
    if row is None:
        return {"dilemma": None}
    dilemma = store.public(row)
    rounds = _rounds(v, item_id, dilemma_id)
    mode = rounds[-1]["mode"] if rounds else "choice"
    poles = json.loads(rounds[-1]["poles"] or "[0, 1]") if rounds else [0, 1]
    labels = [dilemma["options"][p] for p in poles] if mode == "slider" else dilemma["options"]
    views = [_round_view(v, r, labels) for r in rounds]
    for before, after, view in zip(rounds, rounds[1:], views[1:], strict=False):
        if before["revealed"] and after["revealed"]:
            view["shift"] = _changed(v, before, after)
    return {
        "dilemma": dilemma,
        "mode": mode,
        "poles": poles if mode == "slider" else None,
        "labels": labels,
        "rounds": views,
        "round": views[-1] if views else None,
        "shift_chart": _shift_chart(views, labels, mode),
        "arguments": store.arguments(v, dilemma_id, dilemma["options"], ids, pending),
    }


BOARD_LABEL = 40  # characters of an option in the board's bars and columns
BOARD_ARGUMENT = 90  # characters of an argument on the board


def board(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """The case short, the latest round (count or split) and the shift, and the arguments
    a page at a time: a few per option, every option's column on each page."""
    out = game(v, item["id"], item["config"].get("dilemma_id"))
    if out["dilemma"] is None:
        return out
    out["most_supported"] = [
        {**m, "label": short(m["label"], BOARD_LABEL), "text": short(m["text"], BOARD_ARGUMENT)}
        for m in store.most_supported(v, out["dilemma"]["id"], out["dilemma"]["options"])
    ]
    out["dilemma"] = board_cards.card(out["dilemma"], situation=140, option=60)
    out["labels"] = [short(label, BOARD_LABEL) for label in out["labels"]]
    for rnd in out["rounds"]:
        for option in (rnd.get("distribution") or {}).get("options", []):
            option["label"] = short(option["label"], BOARD_LABEL)
        if "poles" in (rnd.get("distribution") or {}):
            rnd["distribution"]["poles"] = out["labels"][:2]
    # Only the latest round and the one before it are drawn (split and shift).
    out["rounds"] = out["rounds"][-2:]
    out["round"] = out["rounds"][-1] if out["rounds"] else None
    # One focus a page: first the case with the round's split (or shift), then the
    # arguments, a few per option on each page, every option's cell on every page; the
    # most supported first (store.arguments orders them so), so the first page of
    # arguments shows each option's most supported one.
    per_option = 3 if len(out["labels"]) <= 2 else 2
    longest = max((len(g["arguments"]) for g in out["arguments"]), default=0)
    pages = [None, *range(0, longest, per_option)]
    # A new round (a revote) brings the board back to its split, whatever page it was on.
    latest = v.one("SELECT MAX(created_at) AS at FROM dilemma_rounds WHERE item_id = ?",
                   (item["id"],))
    (first,), paging = page(v, pages, 1, since=latest["at"] if latest else None)
    out["focus"] = "result" if first is None else "arguments"
    out["arguments"] = [
        {"option": g["option"], "label": short(g["label"], BOARD_LABEL),
         "count": len(g["arguments"]),
         "arguments": [] if first is None else
         [short(a, BOARD_ARGUMENT) for a in g["arguments"][first:first + per_option]]}
        for g in out["arguments"]
    ]
    out["dilemma"]["title"] = short(out["dilemma"]["situation"], 70)
    out["paging"] = paging
    return out


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    out = game(v, item["id"], item["config"].get("dilemma_id"), ids=True, pending=True)
    out["candidates"] = store.ranked(v, v.workshop["id"])
    out["argument_approval"] = bool(item["config"].get("argument_approval"))
    return out


def phone(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    # Phones list the approved arguments with their ids, to support one; the counts of
    # support change often and stay on the board, so a support pushes no phone.
    out = game(v, item["id"], item["config"].get("dilemma_id"))
    if out["dilemma"] is not None:
        out["arguments"] = [
            {**group, "arguments": [{"id": a["id"], "text": a["text"]}
                                    for a in group["arguments"]]}
            for group in store.arguments(v, out["dilemma"]["id"], out["dilemma"]["options"],
                                         ids=True)
        ]
    return out


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    dilemma_id = item["config"].get("dilemma_id")
    rounds = _rounds(v, item["id"], dilemma_id)
    out: dict[int, dict[str, Any]] = {
        pid: {"choice": None, "arguments": [], "supported": []} for pid in ids
    }
    if not rounds or not ids:
        return out
    marks = ",".join("?" * len(ids))
    for r in v.all(
        f"SELECT participant_id, option, value FROM dilemma_choices"
        f" WHERE round_id = ? AND participant_id IN ({marks})",
        (rounds[-1]["id"], *ids),
    ):
        out[r["participant_id"]]["choice"] = {"round_id": rounds[-1]["id"], "option": r["option"],
                                              "value": r["value"]}
    for r in v.all(
        f"SELECT participant_id, option, text, approved FROM dilemma_arguments"
        f" WHERE dilemma_id = ? AND participant_id IN ({marks}) ORDER BY id",
        (dilemma_id, *ids),
    ):
        out[r["participant_id"]]["arguments"].append(
            {"option": r["option"], "text": r["text"], "approved": bool(r["approved"])}
        )
    for r in v.all(
        f"SELECT s.participant_id, s.argument_id FROM dilemma_argument_support s"
        f" JOIN dilemma_arguments a ON a.id = s.argument_id"
        f" WHERE a.dilemma_id = ? AND s.participant_id IN ({marks})",
        (dilemma_id, *ids),
    ):
        out[r["participant_id"]]["supported"].append(r["argument_id"])
    return out


def export(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """Every dilemma played on this item: only revealed rounds carry a distribution."""
    played = v.all(
        "SELECT DISTINCT dilemma_id FROM dilemma_rounds WHERE item_id = ? ORDER BY dilemma_id",
        (item["id"],),
    )
    return {"games": [game(v, item["id"], r["dilemma_id"]) for r in played]}
