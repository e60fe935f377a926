"""Activity states worth auditing beyond an activity's start, driven by real actions.

STATES[kind] is a list of (name, drive) where drive(ws, people) acts as the facilitator
(ws.act) and as participants (people: socket clients of other joined participants;
ws.people[0] is the participant whose phone the browser shows) to bring the room into
that state; the screens are checked after each step. Steps build on each other in
order. A kind without an entry is checked at its start.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from a11y_support import Workshop

DILEMMAS = [
    ("Een cliënt wil geen hulp bij het huishouden, maar de woning raakt vervuild. "
     "Respecteer ik zijn keuze of grijp ik in?", ["Keuze respecteren", "Ingrijpen"],
     "autonomie tegenover veiligheid"),
    ("Een collega komt vaak te laat bij de overdracht. Spreek ik haar aan of meld ik het "
     "bij de teamleider?", ["Zelf aanspreken", "Melden bij de teamleider", "Niets doen"],
     "loyaliteit tegenover eerlijkheid"),
    ("De regels zeggen één huisbezoek per maand, maar dit gezin heeft meer nodig.",
     ["Regels volgen", "Extra bezoek inplannen"], "cliëntwens tegenover regels"),
]


def ok(ack: dict[str, Any]) -> dict[str, Any]:
    assert ack["ok"], ack
    return ack.get("result") or {}


def _dilemma_ids(ws: Workshop) -> list[int]:
    if "dilemmas" not in ws.info:
        ws.info["dilemmas"] = [
            ok(ws.fac.act("dilemma.prepare", {"situation": s, "options": o, "values": v}))[
                "dilemma_id"]
            for s, o, v in DILEMMAS
        ]
    return ws.info["dilemmas"]


# --- dilemmas ---------------------------------------------------------------------------


def collect_submitted(ws: Workshop, people: list[Any]) -> None:
    ok(ws.act("dilemma_collect.settings", {"item_id": ws.item_id, "open": True,
                                           "show_texts": True, "approval": False}))
    for person, (situation, options, values) in zip(people, DILEMMAS, strict=False):
        ok(person.act("dilemma.submit", {"situation": situation, "options": options,
                                         "values": values, "show_name": False}))


def sort_classified(ws: Workshop, people: list[Any]) -> None:
    ids = _dilemma_ids(ws)
    theme = ok(ws.act("dilemma.theme_add", {"name": "Samenwerking"}))
    theme_id = theme.get("theme_id")
    if theme_id:
        ok(ws.act("dilemma.set_theme", {"dilemma_id": ids[1], "theme_id": theme_id}))
    ok(ws.act("dilemma.classify", {"dilemma_id": ids[0], "category": "content"}))
    ok(ws.act("dilemma.classify", {"dilemma_id": ids[2], "category": "organisational"}))


def vote_open(ws: Workshop, people: list[Any]) -> None:
    ids = _dilemma_ids(ws)
    ok(ws.act("dilemma_vote.open", {"item_id": ws.item_id}))
    for n, person in enumerate(people):
        ok(person.act("dilemma_vote.add", {"dilemma_id": ids[n % len(ids)]}))
        ok(person.act("dilemma_vote.add", {"dilemma_id": ids[0]}))


def vote_revealed(ws: Workshop, people: list[Any]) -> None:
    ok(ws.act("dilemma_vote.reveal", {"item_id": ws.item_id}))


def game_staged(ws: Workshop, people: list[Any]) -> None:
    ids = _dilemma_ids(ws)
    ok(ws.act("dilemma_game.stage", {"item_id": ws.item_id, "dilemma_id": ids[1],
                                     "mode": "choice"}))
    round_id = _round_id(people[0])
    for n, person in enumerate(people):
        ok(person.act("dilemma_game.choose", {"round_id": round_id, "option": n % 3}))


def _round_id(person: Any) -> int:
    """The open round's id, as every phone's view names it."""
    def open_round(view: dict[str, Any]) -> Any:
        return ((view.get("item") or {}).get("view") or {}).get("round")

    view = person.wait_for("phone", lambda v: open_round(v) is not None, timeout=15)["view"]
    return open_round(view)["id"]


def game_revealed(ws: Workshop, people: list[Any]) -> None:
    ok(ws.act("dilemma_game.reveal", {"item_id": ws.item_id}))
    ok(people[0].act("dilemma_game.argue", {"option": 0, "text": "Eerst het gesprek aangaan."}))
    ok(people[1].act("dilemma_game.argue", {"option": 1, "text": "De teamleider moet het weten."}))


def harvest_filled(ws: Workshop, people: list[Any]) -> None:
    ids = _dilemma_ids(ws)
    ok(ws.act("dilemma_harvest.notes", {"dilemma_id": ids[0],
                                        "text": "Veel herkenning; vaak alleen op huisbezoek."}))
    ok(ws.act("dilemma_harvest.recommend", {
        "dilemma_id": ids[0], "text": "Intervisie over zelfvervuiling, elk kwartaal."}))
    ok(people[0].act("dilemma_harvest.need", {"dilemma_id": ids[0],
                                              "text": "Ruimte om samen op huisbezoek te gaan."}))


# --- intervision ------------------------------------------------------------------------


def intervision_groups(ws: Workshop, people: list[Any]) -> None:
    # one group holding everyone here (at most 12), the browser's participant included
    result = ok(ws.act("intervision.groups_make", {"item_id": ws.item_id, "size": 12}))
    ws.info["groups"] = result["groups"]


def intervision_running(ws: Workshop, people: list[Any]) -> None:
    group = ws.info["groups"][0]
    ok(ws.act("intervision.role", {"group_id": group, "role": "process_guide",
                                   "participant_id": ws.people[0]["participant_id"]}))
    ok(ws.act("intervision.start", {"group_id": group}))


# --- agreements and feedback --------------------------------------------------------------


def agreement_proposed(ws: Workshop, people: list[Any]) -> None:
    due = (date.today() + timedelta(days=30)).isoformat()
    ok(ws.act("agreements.propose", {
        "owner_id": ws.people[0]["participant_id"], "owner_text": "",
        "what": "Ik bel bij elke overdracht eerst de collega van de nachtdienst.",
        "with_ids": [], "due_date": due, "check_how": "Bespreken in het teamoverleg",
        "manager_visible": True}))
    ok(people[0].act("agreements.propose", {
        "owner_id": 0, "owner_text": "Het hele team",
        "what": "We beginnen de overdracht op tijd, om 7.30 uur.",
        "with_ids": [], "due_date": due, "check_how": "", "manager_visible": True}))


def feedback_given(ws: Workshop, people: list[Any]) -> None:
    ann = ws.people[0]["participant_id"]
    for to_id in (ann, 0):
        result = ok(people[0].act("feedback.give", {
            "to_id": to_id,
            "behaviour": "Tijdens de overdracht van vanochtend keek je op je telefoon.",
            "feeling": "Ik voelde me niet gehoord.",
            "effect": "Daardoor kon ik de zorg over mevrouw Jansen niet goed overdragen.",
            "wish": "Ik zou graag willen dat je de telefoon even weglegt."}))
    ok(ws.act("feedback.show", {"feedback_id": result["feedback_id"], "shown": True}))


State = Callable[[Workshop, list[Any]], None]
def scan_rated(ws: Workshop, people: list[Any]) -> None:
    ok(ws.act("maturity_scan.open", {"item_id": ws.item_id}))
    for n, person in enumerate(people):
        for key in ("trained", "feedback", "trust"):
            for about in ("self", "team"):
                ok(person.act("maturity_scan.rate", {"statement": key, "about": about,
                                                     "value": 1 + (n + len(key)) % 5}))


def scan_revealed(ws: Workshop, people: list[Any]) -> None:
    ok(ws.act("maturity_scan.reveal", {"item_id": ws.item_id}))


STATES: dict[str, list[tuple[str, State]]] = {
    "dilemma_collect": [("dilemmas submitted and shown", collect_submitted)],
    "dilemma_sort": [("themes and categories", sort_classified)],
    "dilemma_vote": [("dots cast", vote_open), ("votes revealed", vote_revealed)],
    "dilemma_game": [("choices made", game_staged), ("revealed with arguments", game_revealed)],
    "dilemma_harvest": [("notes, needs and recommendations", harvest_filled)],
    "intervision": [("groups made", intervision_groups),
                    ("a group in its first phase", intervision_running)],
    "agreements": [("agreements proposed", agreement_proposed)],
    "feedback": [("feedback given and shown", feedback_given)],
    "maturity_scan": [("rated", scan_rated), ("revealed", scan_revealed)],
}
