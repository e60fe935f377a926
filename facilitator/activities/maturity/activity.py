"""The maturity scan as an activity: each participant rates each statement privately, for
themselves and for their team or organisation; after the reveal the board shows per area
the distribution (spread, not only the mean), the gap between self and team and the
change since the team's previous scan, and the statements the room disagrees about most.

Privacy by construction: a phone's own ratings travel only in its own `me` view; every
other view and the export carry `raters` (a count) before the reveal and group results
(store.results) after it. No individual rating is in any of them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.maturity import scans
from facilitator.activities.maturity import store as st
from facilitator.agreements import store as agreements
from facilitator.db import dumps
from facilitator.errors import ActionError, not_found
from facilitator.live.actions import FACILITATOR, PARTICIPANT, ActionSet, Context
from facilitator.room.board_state import page, short
from facilitator.room.items import item_of, save_config
from facilitator.schema import Choice, Int, ListOf, Obj, Text

KIND = "maturity_scan"
TITLE = _l("Maturity scan")
actions = ActionSet()
migrations = st.migrations
AGREEMENT_WEEKS = 6  # a statement made an agreement: due by then unless changed later

AREA_LABELS = {
    "personal": _l("Personal"),
    "collective": _l("Collective"),
    "connective": _l("Connective"),
    "space": _l("Professional space"),
    "support": _l("Support"),
    "steering": _l("Steering"),
}

AGENDAS = {
    "maturity_scan": (
        _l("Maturity scan"),
        [("welcome", None), (KIND, None), ("agreements", None)],
    ),
}

CLIENT_STRINGS = {
    **{f"area_{key}": label for key, label in AREA_LABELS.items()},
    "self": _l("You"),
    "team": _l("Your team or organisation"),
    "self_short": _l("self"),
    "team_short": _l("team"),
    "rate_self": _l("How true is this of you?"),
    "rate_team": _l("How true is this of your team or organisation?"),
    "rated": _l("%(n)s of %(total)s rated"),
    "raters": _l("%(n)s have rated"),
    "raters.one": _l("%(n)s has rated"),
    "state_ready": _l("The scan has not opened yet."),
    "state_open": _l("The scan is open: you can change your ratings until the reveal."),
    "state_closed": _l("The scan is closed."),
    "revealed": _l("The group's results are on the board."),
    "mean": _l("average %(n)s"),
    "gap": _l("gap %(n)s"),
    "change": _l("since last time %(n)s"),
    "previous": _l("Compared with: %(title)s"),
    "withheld": _l("Fewer than %(n)s people rated: not shown, so that nobody can be traced."),
    "disagree": _l("Where we disagree most"),
    "spread": _l("spread %(n)s"),
    "to_agreement": _l("Make it an agreement"),
    "is_agreement": _l("Agreement made"),
    "statements_n": _l("%(n)s statements"),
    "statements_n.one": _l("1 statement"),
    "keep": _l("Keep statement %(n)s"),
}


def default_config() -> dict[str, Any]:
    # board: what the board shows after the reveal ("areas" a page at a time, or "disagree")
    return {"scan": "professional_maturity", "scan_data": None, "state": "ready",
            "revealed": False, "board": "areas"}


def _cfg(item: dict[str, Any]) -> dict[str, Any]:
    return {**default_config(), **item["config"]}


def _item(ctx: Context, item_id: int) -> dict[str, Any]:
    return item_of(ctx, item_id, KIND)


def _changing(ctx: Context, item: dict[str, Any]) -> None:
    """The statements change only before anyone rated (ratings keep their meaning)."""
    if _cfg(item)["state"] != "ready" or st.any_ratings(ctx, item["id"]):
        raise ActionError("started", _l("The scan has started; its statements stay."))


def _everyone(ctx: Context) -> None:
    ctx.changes.board = ctx.changes.control = ctx.changes.phones = True


# --- the facilitator: which scan, adjusted, saved as their own ---------------------------


@actions("maturity_scan.use", roles=(FACILITATOR,),
         schema={"item_id": Int(min=1), "scan": Text(max_len=40)})
def use(ctx: Context, data: dict[str, Any]) -> None:
    """Use a library scan ("professional_maturity") or one of your own ("own:ID")."""
    item = _item(ctx, data["item_id"])
    _changing(ctx, item)
    scan = st.resolve(ctx, data["scan"], ctx.actor.user_id)
    if scan is None:
        raise ActionError("invalid", _l("That is not one of the choices."))
    own = data["scan"].startswith("own:")
    save_config(ctx, item, {"scan": data["scan"], "scan_data": scan if own else None})
    _everyone(ctx)


STATEMENT = Obj({
    "key": Text(max_len=40, required=False),
    "area": Choice(scans.AREAS, required=False),
    "text": Text(max_len=scans.TEXT_MAX, required=False),
})


@actions("maturity_scan.adjust", roles=(FACILITATOR,),
         schema={"item_id": Int(min=1),
                 "statements": ListOf(STATEMENT, max_items=scans.MAX_STATEMENTS, min_items=1)})
def adjust(ctx: Context, data: dict[str, Any]) -> None:
    """Leave statements out, reorder or reword them, or add one, for this workshop."""
    item = _item(ctx, data["item_id"])
    _changing(ctx, item)
    for step in data["statements"]:
        if not step["key"] and not (step["area"] and step["text"]):
            raise ActionError("invalid", _l("A new statement needs an area and a text."))
    try:
        scan = scans.adjust(st.item_scan(item), data["statements"])
    except scans.ScanError:
        raise ActionError("invalid", _l("That is not one of the choices.")) from None
    save_config(ctx, item, {"scan_data": scan})
    _everyone(ctx)


@actions("maturity_scan.save", roles=(FACILITATOR,),
         schema={"item_id": Int(min=1), "name": Text(max_len=80)})
def save(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Keep this item's (adjusted) scan as your own, to use in later workshops."""
    item = _item(ctx, data["item_id"])
    count = ctx.one("SELECT COUNT(*) AS n FROM maturity_scans_own WHERE user_id = ?",
                    (ctx.actor.user_id,))["n"]
    if count >= st.OWN_MAX:
        raise ActionError("too_many", _l("At most %(max)s items."), max=st.OWN_MAX)
    ctx.execute(
        "INSERT INTO maturity_scans_own (user_id, name, data, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, name)"
        " DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
        (ctx.actor.user_id, data["name"], dumps(st.item_scan(item)), ctx.now_iso, ctx.now_iso),
    )
    row = ctx.one("SELECT id FROM maturity_scans_own WHERE user_id = ? AND name = ?",
                  (ctx.actor.user_id, data["name"]))
    ctx.changes.control = True
    return {"scan": f"own:{row['id']}"}


# --- the round: open, close, reveal ------------------------------------------------------


def _set_state(ctx: Context, item_id: int, state: str, reveal: bool = False) -> None:
    item = _item(ctx, item_id)
    if _cfg(item)["revealed"]:
        raise ActionError("revealed", _l("The results are revealed; this round is over."))
    save_config(ctx, item, {"state": state, "revealed": reveal})
    if reveal:
        st.freeze(ctx, item, ctx.now_iso)
    # The shared phone view carries the state; no phone's own ratings change.
    _everyone(ctx)


@actions("maturity_scan.open", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def open_scan(ctx: Context, data: dict[str, Any]) -> None:
    _set_state(ctx, data["item_id"], "open")


@actions("maturity_scan.close", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def close_scan(ctx: Context, data: dict[str, Any]) -> None:
    _set_state(ctx, data["item_id"], "closed")


@actions("maturity_scan.reveal", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def reveal(ctx: Context, data: dict[str, Any]) -> None:
    """Closes the scan and shows the group's results; ratings no longer change."""
    _set_state(ctx, data["item_id"], "closed", reveal=True)


@actions("maturity_scan.board", roles=(FACILITATOR,),
         schema={"item_id": Int(min=1), "show": Choice(("areas", "disagree"))})
def board_show(ctx: Context, data: dict[str, Any]) -> None:
    """After the reveal: the areas (a page at a time) or the statements we disagree about."""
    item = _item(ctx, data["item_id"])
    save_config(ctx, item, {"board": data["show"]})
    ctx.changes.board = ctx.changes.control = True


# --- a participant rates -----------------------------------------------------------------


@actions("maturity_scan.rate", roles=(PARTICIPANT,),
         schema={"statement": Text(max_len=40), "about": Choice(st.ABOUT),
                 "value": Int(min=1, max=5)})
def rate(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One rating, 1-5, of one statement about yourself or your team; a new one for the
    same statement replaces it, until the reveal."""
    item = ctx.current_item(KIND)
    config = _cfg(item)
    if config["state"] == "ready":
        raise ActionError("not_open", _l("The scan has not opened yet."))
    if config["state"] != "open":
        raise ActionError("closed", _l("The scan is closed."))
    if data["statement"] not in {s["key"] for s in st.item_scan(item)["statements"]}:
        raise not_found(_l("That statement is not in this scan."))
    ctx.execute(
        "INSERT INTO maturity_ratings (item_id, workshop_id, participant_id, statement, about,"
        " value, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (item_id, participant_id, statement, about)"
        " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (item["id"], ctx.workshop["id"], ctx.actor.participant_id, data["statement"],
         data["about"], data["value"], ctx.now_iso),
    )
    # Shared screens show only how many rated; the value goes to this phone alone.
    ctx.changes.board = ctx.changes.control = True
    ctx.changes.add_personal(ctx.actor.participant_id)
    return {"value": data["value"]}


# --- a statement becomes an agreement ------------------------------------------------------


@actions("maturity_scan.to_agreement", roles=(FACILITATOR,),
         schema={"item_id": Int(min=1), "statement": Text(max_len=40),
                 "due_date": agreements.DueDate(required=False)})
def to_agreement(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """The statement becomes one of the team's agreements ("We work on: ..."), owned by
    the team, due in six weeks unless a date is given; managers follow it up as any other."""
    item = _item(ctx, data["item_id"])
    statement = next((s for s in st.item_scan(item)["statements"]
                      if s["key"] == data["statement"]), None)
    if statement is None:
        raise not_found(_l("That statement is not in this scan."))
    if data["statement"] in st.agreements_of(ctx, item["id"]):
        raise ActionError("already", _l("This statement is already an agreement."))
    due = data["due_date"] or (agreements.today(ctx.now)
                               + timedelta(weeks=AGREEMENT_WEEKS)).isoformat()
    agreements.check_not_past(due, ctx.now)
    what = str(_l("We work on: %(statement)s",
                  statement=scans.text(statement["text"], ctx.workshop["language"])))
    agreement_id = agreements.create(
        ctx, ctx.workshop,
        {"owner_name": str(_l("the team"))[: agreements.OWNER_MAX],
         "what": what[: agreements.WHAT_MAX], "due_date": due, "check_how": "",
         "manager_visible": True},
        None, [], agreements.actor_name(ctx), ctx.now_iso, item_id=item["id"],
        source="maturity_scan",
    )
    ctx.execute("INSERT INTO maturity_agreements (item_id, statement, agreement_id)"
                " VALUES (?, ?, ?)", (item["id"], data["statement"], agreement_id))
    ctx.changes.everything()  # the agreements lists of every screen
    return {"agreement_id": agreement_id}


# --- views -------------------------------------------------------------------------------


def _statements(item: dict[str, Any], lang: str, limit: int | None = None) -> list[dict]:
    out = []
    for s in st.item_scan(item)["statements"]:
        words = scans.text(s["text"], lang)
        out.append({"key": s["key"], "area": s["area"],
                    "text": short(words, limit) if limit else words})
    return out


def _shared(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    config = _cfg(item)
    scan = st.item_scan(item)
    return {"state": config["state"], "revealed": bool(config["revealed"]),
            "title": scans.text(scan["title"], v.workshop["language"]),
            "statements_n": len(scan["statements"])}


def _results(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    now = st.results(v, item, v.workshop["language"])
    return st.with_change(now, st.previous(v, v.workshop, item))


BOARD_AREAS = 3  # area cards per board page
BOARD_DISAGREE = 4  # statements we disagree about most, on the board (4:3 fits four)
BOARD_STATEMENT = 80  # characters of a statement on the board


def board(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """Before the reveal: how many rated and the areas; after it the group results,
    the areas a page at a time, or the statements we disagree about most."""
    out = _shared(v, item)
    config = _cfg(item)
    if not out["revealed"]:
        counts: dict[str, int] = {}
        for s in st.item_scan(item)["statements"]:
            counts[s["area"]] = counts.get(s["area"], 0) + 1
        out["raters"] = st.raters(v, item["id"])
        out["areas"] = [{"area": a, "statements": n} for a, n in counts.items()]
        return out
    res = _results(v, item)
    out.update(raters=res["raters"], previous=res["previous"], show=config["board"])
    if config["board"] == "disagree":
        out["disagree"] = [{**d, "text": short(d["text"], BOARD_STATEMENT)}
                           for d in res["disagree"][:BOARD_DISAGREE]]
        out["paging"] = {"page": 1, "pages": 1}
    else:
        out["areas"], out["paging"] = page(v, res["areas"], BOARD_AREAS)
    return out


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    config = _cfg(item)
    out = {**_shared(v, item), "raters": st.raters(v, item["id"]),
           "scan": config["scan"], "adjusted": bool(config["scan_data"]),
           "show": config["board"], "agreements": st.agreements_of(v, item["id"]),
           "statements": _statements(item, v.workshop["language"]),
           "library": [{"ref": key, "title": scans.text(s["title"], v.workshop["language"])}
                       for key, s in scans.library().items()],
           "own": st.own_scans(v, v.workshop["owner_id"])}
    if out["revealed"]:
        out["results"] = _results(v, item)
    return out


def phone(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return {**_shared(v, item), "statements": _statements(item, v.workshop["language"])}


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each phone's own ratings, and only its own."""
    return {pid: {"ratings": mine} for pid, mine in st.own_ratings(v, item["id"], ids).items()}


def export(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """The scan and how many rated; the group results once revealed. Never a rating of
    one person."""
    out = {**_shared(v, item), "raters": st.raters(v, item["id"]),
           "statements": _statements(item, v.workshop["language"])}
    if out["revealed"]:
        out["results"] = _results(v, item)
        out["agreements"] = sorted(st.agreements_of(v, item["id"]).values())
    return out
