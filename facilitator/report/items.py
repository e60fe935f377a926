"""One section per agenda item, by its activity (`ITEM_SECTIONS`): the vote, the game,
the harvest, feedback, intervision, open agreements, the 360 round, the maturity scan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from facilitator.activities.maturity import report as maturity_report
from facilitator.agreements import store as agreements_store
from facilitator.i18n import format_day
from facilitator.report.blocks import (
    Bar,
    Chart,
    Facts,
    Heading,
    Items,
    Section,
    Table,
    Text,
)
from facilitator.report.source import Source
from facilitator.report.texts import (
    LETTERS,
    changed_text,
    percent,
    ref,
    round_title,
    split,
)


def vote_section(src: Source, item: dict[str, Any], content: dict[str, Any]) -> Section:
    section = Section(f"item-{item['id']}", item["title"])
    section.add(Facts([(_("Dots per person"), str(content.get("budget", "")))]))
    if content.get("per_dilemma"):
        section.add(Text(ngettext("At most %(num)s dot on one dilemma.",
                                  "At most %(num)s dots on one dilemma.",
                                  int(content["per_dilemma"]))))
    section.add(Text(ngettext("%(num)s has voted", "%(num)s have voted",
                              int(content.get("voters") or 0))))
    results = content.get("results") if content.get("revealed") else None
    if results:
        dotted = [r for r in results if r.get("dots")]
        total = sum(int(r["dots"]) for r in dotted)
        section.add(Chart(_("Dots per dilemma (share of all dots)"), [
            Bar(ref(r), int(r["dots"]), percent(int(r["dots"]), total)) for r in dotted], total))
        rest = [f"#{r['number']}" for r in results if not r.get("dots")]
        if rest:
            section.add(Items(_("No dots"), [", ".join(rest)]))
    else:
        section.add(Text(_("The results were not revealed."), role="note"))
    return section


def game_section(src: Source, item: dict[str, Any], content: dict[str, Any]) -> Section:
    section = Section(f"item-{item['id']}", item["title"])
    for g in content.get("games", []):
        if not g.get("dilemma"):
            continue
        section.add(Heading(ref(g["dilemma"])))
        labels = g.get("labels", [])
        if g.get("mode") == "slider" and len(labels) >= 2:
            section.add(Text(f"0 = {labels[0]} · 100 = {labels[1]}"))
        for rnd in g.get("rounds", []):
            if rnd.get("variation"):  # the caption below names the round
                section.add(Text(rnd["variation"], role="quote"))
            chart = split(rnd, labels)
            section.add(chart or Text(f"{round_title(rnd)}: "
                                      + _("The choices of this round were not revealed."),
                                      role="note"))
            mean = (rnd.get("distribution") or {}).get("mean")
            if mean is not None:
                section.add(Text(_("Average position: %(n)s", n=mean)))
            if rnd.get("shift") and rnd.get("kind") == "revote":  # a variation is another case
                section.add(Text(changed_text(rnd["shift"])))
        for group in g.get("arguments", []):
            texts = [a if isinstance(a, str) else a.get("text", "") for a in group["arguments"]]
            if texts:
                label = f"{LETTERS[group['option']]}. {group['label']}"
                section.add(Items(_("Arguments for %(option)s", option=label), texts))
    return section


def harvest_section(src: Source, item: dict[str, Any], content: dict[str, Any]) -> Section:
    """The notes per dilemma (needs and recommendations are in the summary)."""
    section = Section(f"item-{item['id']}", item["title"])
    for h in content.get("dilemmas", []):
        if h.get("notes"):
            section.add(Heading(ref(h["dilemma"])), Text(h["notes"], role="quote"))
    return section


def feedback_section(src: Source, item: dict[str, Any], content: dict[str, Any]) -> Section:
    section = Section(f"item-{item['id']}", item["title"])
    counts = content.get("counts", {})
    shown = content.get("team_feedback", [])
    to_people, to_team = int(counts.get("to_people", 0)), int(counts.get("to_team", 0))
    if not (to_people or to_team):
        return section
    section.add(Facts([(_("Feedback to colleagues"), str(to_people)),
                       (_("Feedback to the team"), str(to_team))]))
    if to_people:
        section.add(Text(_("Feedback to a colleague stays between the two of them."),
                         role="note"))
    unshown = to_team - len(shown)
    if unshown > 0:
        section.add(Text(ngettext(
            "%(num)s team feedback was not shown in the room and is left out.",
            "%(num)s team feedbacks were not shown in the room and are left out.", unshown),
            role="note"))
    for f in shown:
        section.add(Facts([(label, f[key]) for key, label in (
            ("behaviour", _("Behaviour")), ("feeling", _("Feeling")), ("effect", _("Effect")),
            ("wish", _("Wish"))) if f.get(key)]))
    return section


def intervision_section(src: Source, item: dict[str, Any], content: dict[str, Any]) -> Section:
    section = Section(f"item-{item['id']}", item["title"])
    if not content.get("groups"):
        return section
    section.add(Facts([
        (_("Groups"), str(content["groups"])),
        (_("Methods"), ", ".join(content.get("methods", [])) or "—"),
        (_("Groups that finished"), str(content.get("finished", 0))),
        *([(_("Phases done"), _("%(done)s of %(total)s", done=content["phases_done"],
                                total=content["phases"]))] if content.get("phases") else []),
        *([(_("Duration"), _("%(n)s min", n=content["minutes"]))]
          if content.get("minutes") is not None else []),
    ]), Text(_("What was said in the groups stays in the groups."), role="note"))
    return section


def open_agreements_section(src: Source, item: dict[str, Any],
                            content: dict[str, Any]) -> Section:
    section = Section(f"item-{item['id']}", item["title"])
    rows = [{"who": src.person(a["owner"], a.get("person", False)), "text": a["what"],
             "date": format_day(a["due_date"]),
             "status": str(agreements_store.STATUS_LABELS.get(a["status"], a["status"])),
             "note": a.get("note") or ""} for a in content.get("agreements", [])]
    if rows:
        section.add(Table(_("Earlier agreements"), [
            ("who", _("Who")), ("text", _("What")), ("date", _("Due date")),
            ("status", _("Status")), ("note", _("Note"))], rows))
    return section


def feedback360_section(src: Source, item: dict[str, Any], content: dict[str, Any]) -> Section:
    """That a 360 round took place and how many took part: never an answer."""
    section = Section(f"item-{item['id']}", item["title"])
    people = int(content.get("people", 0))
    if not people:
        return section
    section.add(Facts([(_("People who asked for feedback"), str(people)),
                       (_("Answers"), str(int(content.get("answers", 0))))]),
                Text(_("The answers are only for the person they are about."), role="note"))
    return section


def generic_section(src: Source, item: dict[str, Any], content: Any) -> Section:
    """An activity this module does not know yet: its plain facts and lists of texts."""
    section = Section(f"item-{item['id']}", item["title"])
    if isinstance(content, dict):
        facts = [(str(k), str(v)) for k, v in content.items()
                 if isinstance(v, str | int | float) and not isinstance(v, bool)
                 and k not in ("id",) and not k.endswith("_id")]
        section.add(Facts(facts) if facts else None)
        for k, v in content.items():
            if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
                section.add(Items(str(k), v))
    return section


ITEM_SECTIONS: dict[str, Callable[[Source, dict[str, Any], Any], Section] | None] = {
    "dilemma_vote": vote_section,
    "dilemma_game": game_section,
    "dilemma_harvest": harvest_section,
    "feedback": feedback_section,
    "feedback360": feedback360_section,
    "intervision": intervision_section,
    "open_agreements": open_agreements_section,
    "maturity_scan": maturity_report.section,
    # Written out elsewhere: the dilemmas once, the agreements in one list at the end.
    "dilemma_collect": None,
    "dilemma_sort": None,
    "agreements": None,
}
