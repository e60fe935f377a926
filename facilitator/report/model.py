"""The report as data: a cover and sections of blocks (blocks.py), built once from what
each activity's `export(v, item)` lets leave the room. Every format renders this model
and nothing else.

Rules that hold here, so they hold in every format:
- a dilemma the facilitator hid (or never approved) is left out, and counted;
- an author's name only when they chose to show it, and never in an anonymous report;
- agreements managers may not see are left out and counted; intervision content and
  feedback to a person never reach an export in the first place;
- each dilemma is written out once (under "Dilemmas"); elsewhere it is "#N" and a
  short title;
- a section with nothing to say is left out.

One function per section; a new section is one more function in `SECTIONS` or
`ITEM_SECTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _

from facilitator.activities import registry
from facilitator.activities.maturity import report as maturity_report
from facilitator.agreements import store as agreements_store
from facilitator.db import Store, parse_iso, utcnow
from facilitator.i18n import format_day
from facilitator.live.screens import ViewContext
from facilitator.report import settings
from facilitator.report.blocks import (
    Bar,
    Chart,
    Cover,
    Facts,
    Heading,
    Items,
    Report,
    Section,
    Table,
    Text,
)
from facilitator.room.items import agenda_of

LETTERS = "ABCDEFGHIJ"
SHORT = 90  # characters of a dilemma's situation where it is referred to, not written out
SLIDER_BANDS = ("0–19", "20–39", "40–59", "60–79", "80–100")
DILEMMA_KINDS = ("dilemma_collect", "dilemma_sort", "dilemma_vote", "dilemma_game",
                 "dilemma_harvest")


@dataclass
class Source:
    """What the sections are built from: the exports, read once."""

    v: ViewContext
    workshop: dict[str, Any]
    anonymous: bool
    agenda: list[dict[str, Any]]
    exports: list[tuple[dict[str, Any], Any]]  # (agenda item, its export)
    people: set[str] = field(default_factory=set)  # participants' names (anonymous report)

    def of_kind(self, kind: str) -> list[tuple[dict[str, Any], Any]]:
        return [(item, content) for item, content in self.exports if item["kind"] == kind]

    def dilemmas(self) -> list[dict[str, Any]]:
        """The approved top-level dilemmas, each once (the first collect or sort export)."""
        for kind in ("dilemma_collect", "dilemma_sort"):
            for _item, content in self.of_kind(kind):
                if kind == "dilemma_collect":  # its export holds the hidden ones too
                    return [{**d, "merged": [m for m in d.get("merged", [])
                                             if m.get("approved", True)]}
                            for d in content.get("dilemmas", []) if d.get("approved", True)]
                groups = [d for g in content.get("groups", []) for d in g.get("dilemmas", [])]
                return groups + list(content.get("loose", []))
        return []

    def hidden_dilemmas(self) -> int:
        for _item, content in self.of_kind("dilemma_collect"):
            every = [x for d in content.get("dilemmas", []) for x in [d, *d.get("merged", [])]]
            return sum(1 for d in every if not d.get("approved", True))
        return 0

    def themes(self) -> dict[int, str]:
        for kind in ("dilemma_collect", "dilemma_sort"):
            for _item, content in self.of_kind(kind):
                found = content.get("themes") or [g["theme"] for g in content.get("groups", [])
                                                  if g.get("theme")]
                return {t["id"]: t["name"] for t in found}
        return {}

    def author(self, d: dict[str, Any]) -> str:
        return "" if self.anonymous else (d.get("author") or "")

    def person(self, name: str, is_person: bool = False) -> str:
        """A name as the report may print it: in an anonymous report a participant's
        name becomes "a participant" (a role typed as owner, "the team", stays)."""
        if not self.anonymous or not name:
            return name
        if is_person or name.casefold() in self.people:
            return _("a participant")
        return name


# --- small helpers ------------------------------------------------------------------


def short(text: str, limit: int = SHORT) -> str:
    """The start of a text, cut at a word, for a reference to something written out."""
    flat = " ".join(str(text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


def ref(d: dict[str, Any]) -> str:
    return f"#{d.get('number')} {short(d.get('situation', ''))}"


def percent(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def percent_text(value: float) -> str:
    return format_decimal(round(value), format="#,##0") + "\u00a0%"  # never "59 / %"


def kind_label(category: str | None) -> str:
    return {"content": _("content"), "organisational": _("organisational")}.get(
        category or "", _("not yet marked"))


def round_title(rnd: dict[str, Any]) -> str:
    n = rnd.get("number")
    if rnd.get("kind") == "revote":
        return _("Round %(n)s: vote again", n=n)
    if rnd.get("kind") == "variation":
        return _("Round %(n)s: but what if…?", n=n)
    return _("Round %(n)s", n=n)


def split(rnd: dict[str, Any], labels: list[str]) -> Chart | None:
    """A revealed round as bars on one scale: the share of everyone who chose."""
    d = rnd.get("distribution")
    if not d:
        return None
    total = int(d.get("total") or 0)
    if rnd.get("mode") == "slider":
        counts = list(d.get("bands") or [])
        names = [f"{band}" for band in SLIDER_BANDS[: len(counts)]]
    else:
        counts = [int(o.get("count") or 0) for o in d.get("options", [])]
        names = [f"{LETTERS[i]}. {o.get('label', '')}" for i, o in enumerate(d.get("options", []))]
    bars = [Bar(label, n, percent(n, total)) for label, n in zip(names, counts, strict=False)]
    caption = f"{round_title(rnd)} · " + ngettext("%(num)s has chosen", "%(num)s have chosen",
                                                  total)
    return Chart(caption, bars, total)


def split_text(chart: Chart | None) -> str:
    if chart is None:
        return ""
    return " · ".join(f"{bar.label.split('.')[0]}\u00a0{percent_text(bar.percent)}"
                      for bar in chart.bars)


def changed_text(shift: dict[str, Any] | None) -> str:
    if not shift:
        return ""
    return ngettext("%(num)s of %(both)s changed their choice",
                    "%(num)s of %(both)s changed their choice",
                    int(shift.get("changed") or 0), both=int(shift.get("both") or 0))


def games(src: Source) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every dilemma played, with the item it was played on, in agenda order."""
    return [(item, g) for item, content in src.of_kind("dilemma_game")
            for g in content.get("games", []) if g.get("dilemma")]


def dots(src: Source) -> dict[int, int]:
    """Dots per dilemma from the revealed vote rounds."""
    out: dict[int, int] = {}
    for _item, content in src.of_kind("dilemma_vote"):
        for r in content.get("results", []) if content.get("revealed") else []:
            out[r["number"]] = out.get(r["number"], 0) + int(r.get("dots") or 0)
    return out


def agreements(src: Source) -> tuple[list[dict[str, Any]], int]:
    """This workshop's agreements managers may see, and how many others the room made
    (an intervision takeaway kept private is the case-holder's: not even counted)."""
    rows = agreements_store.of_workshop(src.v, src.workshop["id"])
    shown = [r for r in rows if r["manager_visible"]]
    return shown, sum(1 for r in rows if not r["manager_visible"] and r["source"] == "workshop")


def personal_note(count: int) -> Text | None:
    if not count:
        return None
    return Text(ngettext("%(num)s agreement is visible to the participants only.",
                         "%(num)s agreements are visible to the participants only.", count),
                role="note")


# --- the sections -----------------------------------------------------------------------


def summary(src: Source) -> Section:
    section = Section("summary", _("Summary"))
    participants = src.v.one("SELECT COUNT(*) AS n FROM participants WHERE workshop_id = ?",
                             (src.workshop["id"],))["n"]
    facts = [(_("Participants"), str(participants))]
    dilemmas = src.dilemmas()
    if dilemmas or src.of_kind("dilemma_collect"):
        merged = sum(len(d.get("merged", [])) for d in dilemmas)
        facts.append((_("Dilemmas brought in"), str(len(dilemmas) + merged)))
        if merged:
            facts.append((_("Merged with another"), str(merged)))
        by_kind = {c: sum(1 for d in dilemmas if d.get("category") == c)
                   for c in ("content", "organisational", None)}
        facts.append((_("Content / organisational"),
                      f"{by_kind['content']} / {by_kind['organisational']}"
                      + (f" ({_('not yet marked')}: {by_kind[None]})" if by_kind[None] else "")))
    shown, personal = agreements(src)
    if shown or personal:
        facts.append((_("Agreements"), str(len(shown) + personal)))
    section.add(Facts(facts))
    hidden = src.hidden_dilemmas()
    if hidden:
        section.add(Text(ngettext(
            "%(num)s dilemma the facilitator hid or did not approve is left out of this report.",
            "%(num)s dilemmas the facilitator hid or did not approve are left out of this report.",
            hidden), role="note"))
    section.add(personal_note(personal))
    section.add(Items(_("Programme"), [i["title"] for i in src.agenda], numbered=True))
    section.add(*expected(src), *chosen(src), *discussed(src), values(src), *needs(src),
                *management(src), *recommendations(src))
    return section


def chosen(src: Source) -> list[Any]:
    """The dilemmas chosen for discussion and why: the dots they got, or the game."""
    played = {g["dilemma"]["number"] for _item, g in games(src)}
    points = dots(src)
    numbers = sorted(played, key=lambda n: (-points.get(n, 0), n)) if played else sorted(
        points, key=lambda n: -points[n])[:3]
    if not numbers:
        return []
    by_number = {d["number"]: d for d in src.dilemmas()}
    rows = []
    for n in numbers:
        d = by_number.get(n)
        why = ngettext("%(num)s dot", "%(num)s dots", points[n]) if n in points else ""
        if n in played:
            why = (why + " · " if why else "") + _("discussed")
        rows.append({"dilemma": f"#{n}", "text": short(d["situation"]) if d else "",
                     "count": why})
    return [Table(_("The dilemmas chosen"), [("dilemma", "#"), ("text", _("Dilemma")),
                                             ("count", _("Why"))], rows)]


def discussed(src: Source) -> list[Any]:
    """For each discussed dilemma: the split of its first and last round, and the shift."""
    rows = []
    for _item, g in games(src):
        # The same case before and after the talk: the first round and the last revote
        # of it ("but what if…?" rounds are another case, shown under the game).
        revealed = [r for r in g.get("rounds", []) if r.get("distribution")
                    and r.get("kind") in ("first", "revote")]
        if not revealed:
            continue
        first, last = revealed[0], revealed[-1]
        labels = g.get("labels", [])
        rows.append({
            "dilemma": ref(g["dilemma"]),
            "first": split_text(split(first, labels)),
            "last": split_text(split(last, labels)) if last is not first else "",
            "shift": changed_text(last.get("shift")) if last is not first else "",
        })
    if not rows:
        return []
    return [Table(_("How the room chose"), [
        ("dilemma", _("Dilemma")), ("first", _("First round")), ("last", _("Last round")),
        ("shift", _("Shift"))], rows)]


def values(src: Source) -> Items | None:
    seen: dict[str, str] = {}
    for d in src.dilemmas():
        for part in [d.get("values", "")] + [m.get("values", "") for m in d.get("merged", [])]:
            text = " ".join(str(part or "").split())
            if text:
                seen.setdefault(text.casefold(), text)
    return Items(_("Values that came up"), list(seen.values())) if seen else None


def _harvested(src: Source) -> list[dict[str, Any]]:
    out, seen = [], set()
    for _item, content in src.of_kind("dilemma_harvest"):
        for h in content.get("dilemmas", []):
            if h["dilemma"]["id"] not in seen:
                seen.add(h["dilemma"]["id"])
                out.append(h)
    return out


def needs(src: Source) -> list[Any]:
    rows = [{"dilemma": f"#{h['dilemma']['number']}", "text": n if isinstance(n, str)
             else n.get("text", "")} for h in _harvested(src) for n in h.get("needs", [])]
    if not rows:
        return []
    return [Table(_("Needed from management"), [("dilemma", "#"), ("text", _("What is needed"))],
                  rows)]


def recommendations(src: Source) -> list[Any]:
    rows = []
    for h in _harvested(src):
        for r in h.get("recommendations", []):
            r = r if isinstance(r, dict) else {"text": r}
            # Owner, priority and date: read when the harvest's export carries them.
            rows.append({"dilemma": f"#{h['dilemma']['number']}", "text": r.get("text", ""),
                         "who": src.person(str(r.get("owner_label") or r.get("owner") or ""),
                                           r.get("owner_kind") == "person"),
                         "priority": priority_label(r.get("priority")),
                         "date": format_day(r["due_date"]) if r.get("due_date") else ""})
    if not rows:
        return []
    columns = [("dilemma", "#"), ("text", _("Recommendation"))]
    for key, label in (("who", _("Who")), ("priority", _("Priority")), ("date", _("Due date"))):
        if any(r[key] for r in rows):  # a column only when some recommendation has it
            columns.append((key, label))
    return [Table(_("Recommendations"), columns, rows)]


def priority_label(key: Any) -> str:
    labels = {"high": _("high"), "medium": _("medium"), "low": _("low")}
    return labels.get(key, str(key or ""))


def _harvest_part(src: Source, key: str) -> Any:
    """One part of the (first) harvest's export: the organisational dilemmas for
    management, or what the managers expected."""
    for _item, content in src.of_kind("dilemma_harvest"):
        if content.get(key):
            return content[key]
    return None


def management(src: Source) -> list[Any]:
    """The organisational dilemmas "for management": who answers each, and the answer
    proposed in the room."""
    shown = {d["id"] for d in src.dilemmas()}
    rows = [{"dilemma": f"#{m['dilemma']['number']}", "text": short(m["dilemma"]["situation"]),
             "who": src.person(m.get("owner") or ""), "note": m.get("answer") or ""}
            for m in _harvest_part(src, "management") or [] if m["dilemma"]["id"] in shown]
    if not rows:
        return []
    return [Table(_("For management"), [("dilemma", "#"), ("text", _("Dilemma")),
                                        ("who", _("Owner")), ("note", _("Proposed answer"))],
                  rows)]


def expected(src: Source) -> list[Any]:
    """What the managers expected beside what the professionals brought (never who
    expected what)."""
    comparison = _harvest_part(src, "expected")
    if not comparison or not comparison.get("expected"):
        return []
    shown = {d["id"] for d in src.dilemmas()}
    both = [{"dilemma": f"#{pair['dilemma']['number']}",
             "text": short(pair["expected"]["situation"])}
            for pair in comparison["expected_brought"] if pair["dilemma"]["id"] in shown]
    blocks: list[Any] = []
    if both:
        blocks.append(Table(_("Expected and brought"),
                            [("dilemma", "#"), ("text", _("Expected by management"))], both))
    if comparison["expected_only"]:
        blocks.append(Items(_("Expected, not brought"),
                            [short(e["situation"]) for e in comparison["expected_only"]]))
    brought = [ref(d) for d in comparison["brought_only"] if d["id"] in shown]
    if brought:
        blocks.append(Items(_("Brought, not expected"), brought))
    return blocks


def dilemmas_section(src: Source) -> Section | None:
    """Every dilemma written out once, grouped by theme."""
    if not any(item["kind"] in DILEMMA_KINDS for item in src.agenda):
        return None
    section = Section("dilemmas", _("Dilemmas"))
    themes = src.themes()
    order = {theme_id: i for i, theme_id in enumerate(themes)}  # themes first, in order
    ordered = sorted(src.dilemmas(), key=lambda d: (order.get(d.get("theme_id"), len(order)),
                                                   d.get("number") or 0))
    theme: Any = object()
    for d in ordered:
        if themes and d.get("theme_id") != theme:
            theme = d.get("theme_id")
            section.add(Heading(themes.get(theme) or _("Without a theme")))
        section.add(*dilemma_blocks(src, d, themes))
    return section


def dilemma_blocks(src: Source, d: dict[str, Any], themes: dict[int, str]) -> list[Any]:
    facts = [(_("Kind"), kind_label(d.get("category")))]
    if d.get("values"):
        facts.append((_("Values at stake"), d["values"]))
    if src.author(d):
        facts.append((_("Brought in by"), src.author(d)))
    blocks: list[Any] = [
        Text(f"#{d.get('number')}. {d.get('situation', '')}", role="quote"),
        Items(_("The choice"), [f"{LETTERS[i]}. {o}" for i, o in enumerate(d.get("options", []))]),
        Facts(facts),
    ]
    merged = [f"#{m.get('number')} {short(m.get('situation', ''))}"
              + (f" ({src.author(m)})" if src.author(m) else "") for m in d.get("merged", [])]
    if merged:
        blocks.append(Items(_("Merged into this one"), merged))
    return blocks


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


def agreements_section(src: Source) -> Section | None:
    shown, personal = agreements(src)
    section = Section("agreements", _("Agreements"))
    if shown:
        section.add(Table("", [  # the section's heading says it
            ("who", _("Who")), ("text", _("What")), ("with", _("With whom")),
            ("date", _("Due date")), ("check", _("How and when checked")),
            ("status", _("Status"))], [{
                "who": src.person(r["owner_name"], r["owner_participant_id"] is not None),
                "text": r["what"],
                "with": ", ".join(src.person(n, True) for n in r["with_names"]),
                "date": format_day(r["due_date"]),
                "check": r["check_how"],
                "status": str(agreements_store.STATUS_LABELS[r["status"]]),
            } for r in shown]))
    section.add(personal_note(personal))
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


# Sections that stand for the whole workshop, in order; then one per agenda item.
SECTIONS: list[Callable[[Source], Section | None]] = [summary, dilemmas_section]
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
CLOSING: list[Callable[[Source], Section | None]] = [agreements_section]


def cover(src: Source, place: str) -> Cover:
    w = src.workshop
    team = src.v.one("SELECT name FROM teams WHERE id = ?", (w["team_id"],)) if w[
        "team_id"] else None
    team_name = team["name"] if team else ""
    owner = src.v.one("SELECT name FROM users WHERE id = ?", (w["owner_id"],))
    conference = any(item["kind"] in DILEMMA_KINDS for item in src.agenda)
    out = Cover(
        title=w["title"],
        eyebrow=_("Final report") if conference else _("Workshop report"),
        organisation=current_app.config["ORGANISATION_NAME"] or team_name,
        team=team_name if current_app.config["ORGANISATION_NAME"] else "",
        date=format_date(parse_iso(w["created_at"]), "long"),
        place=place,
        facilitator=(owner["name"] if owner else "") or "",
        logo=bool(logo_path()),
        anonymous_note=_("This report names nobody.") if src.anonymous else "",
    )
    out.rows = [(label, value) for label, value in (
        (_("Organisation"), out.organisation), (_("Team"), out.team), (_("Date"), out.date),
        (_("Place"), out.place), (_("Facilitator"), out.facilitator)) if value]
    return out


def logo_path() -> str | None:
    """The organisation's logo file, if set and readable as PNG or JPEG."""
    from pathlib import Path

    path = Path(current_app.config["ORGANISATION_LOGO"] or "")
    if not str(path) or str(path) == "." or not path.is_file():
        return None
    head = path.read_bytes()[:8]
    return str(path) if head.startswith((b"\x89PNG", b"\xff\xd8\xff")) else None


def source(db: Store, workshop: dict[str, Any]) -> Source:
    """What one workshop lets leave the room, read once (also the programme report's
    material: report/programme.py)."""
    v = ViewContext(db, workshop, utcnow())
    kinds = registry()
    agenda = agenda_of(db, workshop["id"])
    chosen_settings = settings.of(workshop)
    exports = [(item, kinds[item["kind"]].export(v, item)) for item in agenda
               if item["kind"] in kinds and kinds[item["kind"]].export is not None]
    people = {r["name"].casefold() for r in v.all(
        "SELECT name FROM participants WHERE workshop_id = ? AND name IS NOT NULL",
        (workshop["id"],))}
    return Source(v, workshop, chosen_settings["anonymous"], agenda, exports, people)


def build(db: Store, workshop: dict[str, Any]) -> Report:
    """The report of one workshop, in the language the workshop speaks."""
    src = source(db, workshop)
    chosen_settings = settings.of(workshop)
    sections = [s for make in SECTIONS if (s := make(src)) is not None]
    for item, content in src.exports:
        make = ITEM_SECTIONS.get(item["kind"], generic_section)
        if make is not None:
            sections.append(make(src, item, content))
    sections += [s for make in CLOSING if (s := make(src)) is not None]
    the_cover = cover(src, chosen_settings["place"])
    footer = " · ".join(p for p in (the_cover.title, the_cover.organisation, the_cover.date) if p)
    return Report(
        cover=the_cover,
        sections=[s for s in sections if not s.empty],
        language=workshop["language"],
        anonymous=src.anonymous,
        footer=footer,
        labels={"page": _("Page"), "contents": _("Contents"),
                # "Page 3 of 12" around the two numbers, for the printed footer
                "page_of": (_("Page") + " ", " " + _("of") + " ")},
    )
