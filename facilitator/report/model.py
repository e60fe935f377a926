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

One function per section; a new section is one more function in `SECTIONS` (here) or
`ITEM_SECTIONS` (items.py: one per agenda item, by its activity). What the sections read
is in source.py, the small texts and charts they share in texts.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from facilitator.agreements import store as agreements_store
from facilitator.db import Store, parse_iso
from facilitator.i18n import format_day
from facilitator.report import settings
from facilitator.report.blocks import (
    Cover,
    Facts,
    Heading,
    Items,
    Report,
    Section,
    Table,
    Text,
)
from facilitator.report.items import ITEM_SECTIONS, generic_section
from facilitator.report.source import DILEMMA_KINDS, Source, agreements, dots, games, source
from facilitator.report.texts import (
    LETTERS,
    changed_text,
    kind_label,
    personal_note,
    ref,
    short,
    split,
    split_text,
)

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


# Sections that stand for the whole workshop, in order; then one per agenda item.
SECTIONS: list[Callable[[Source], Section | None]] = [summary, dilemmas_section]
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
