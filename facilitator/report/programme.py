"""The programme report: one Report (blocks.py) across a programme's workshops, so the
page, Word, Markdown and CSV renderers of the workshop report render it unchanged.

It is built from each workshop's `model.source` (what that workshop lets leave the room)
and the workshop report's own section helpers, so the same rules hold: hidden dilemmas
left out and counted, authors only when they showed their name and never in a workshop
whose report is anonymous, agreements managers may not see only counted, intervision
content and feedback to a person never (no export carries them). Attendance is counted
from the meetings' facts (programmes/attendance.py), never their content.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _

from facilitator.agreements import store as agreements_store
from facilitator.db import Store, parse_iso
from facilitator.programmes import attendance, catalogue
from facilitator.report import model, texts
from facilitator.report.blocks import (
    Bar,
    Chart,
    Cover,
    Facts,
    Heading,
    Report,
    Section,
    Table,
    Text,
)


class Workshop:
    """One workshop of the programme with its report source."""

    def __init__(self, db: Store, row: dict[str, Any]):
        self.row = row
        self.title = row["title"]
        self.day = day(row["created_at"])
        self.src = model.source(db, row)

    def table_rows(self, blocks: list[Any]) -> list[dict[str, str]]:
        """The rows of the workshop report's tables (its helpers' output)."""
        return [r for b in blocks if b.kind == "table" for r in b.rows]


def day(moment: str | None) -> str:
    """A date with its year: a programme runs over months, sometimes into the next year."""
    if not moment:
        return ""
    return format_date(parse_iso(moment) if "T" in moment else date.fromisoformat(moment),
                       "medium")


def status_label(row: dict[str, Any]) -> str:
    return {"draft": _("draft"), "open": _("open"), "closed": _("closed")}[row["status"]]


def _themes(w: Workshop) -> dict[int | None, str]:
    return {**w.src.themes(), None: _("Without a theme")}


def summary(programme: dict[str, Any], shops: list[Workshop],
            meetings: list[attendance.Meeting]) -> Section:
    section = Section("summary", _("Summary"))
    dilemmas = [d for w in shops for d in w.src.dilemmas()]
    merged = sum(len(d.get("merged", [])) for d in dilemmas)
    kinds = Counter(d.get("category") for d in dilemmas)
    shown = [model.agreements(w.src) for w in shops]
    facts = [
        (_("Workshops"), str(len(shops))),
        (_("Participants"), str(sum(int(w.row["joined"]) for w in shops))),
        (_("Dilemmas brought in"), str(len(dilemmas) + merged)),
        (_("Content / organisational"), f"{kinds['content']} / {kinds['organisational']}"),
        (_("Agreements"), str(sum(len(s) + p for s, p in shown))),
        (_("Intervision meetings"), str(len({m.meeting for m in meetings}))),
    ]
    section.add(Text(programme["description"]) if programme["description"] else None,
                Facts(facts))
    hidden = sum(w.src.hidden_dilemmas() for w in shops)
    if hidden:
        section.add(Text(ngettext(
            "%(num)s dilemma the facilitator hid or did not approve is left out of this report.",
            "%(num)s dilemmas the facilitator hid or did not approve are left out of this report.",
            hidden), role="note"))
    section.add(model.personal_note(sum(p for _s, p in shown)))
    section.add(Table(_("The workshops"), [
        ("day", _("Date")), ("workshop", _("Workshop")), ("status", _("Status")),
        ("count", _("Participants"))], [
        {"day": w.day, "workshop": w.title, "status": status_label(w.row),
         "count": str(w.row["joined"])} for w in shops]))
    return section


def dilemmas_over_time(shops: list[Workshop]) -> Section:
    """How many dilemmas each workshop brought, by theme and by type, in date order."""
    section = Section("dilemmas", _("Dilemmas by theme and type over time"))
    per_workshop = [(w, w.src.dilemmas()) for w in shops]
    total = sum(len(ds) for _w, ds in per_workshop)
    if not total:
        return section
    section.add(Chart(_("Dilemmas per workshop (share of all dilemmas)"), [
        Bar(f"{w.day} · {w.title}", len(ds), texts.percent(len(ds), total))
        for w, ds in per_workshop if ds], total))
    rows = []
    for w, ds in per_workshop:
        names = _themes(w)
        counts = Counter((d.get("theme_id") if d.get("theme_id") in names else None,
                          d.get("category")) for d in ds)
        for (theme_id, category), n in sorted(
                counts.items(), key=lambda kv: (names[kv[0][0]].casefold(), str(kv[0][1]))):
            rows.append({"day": w.day, "workshop": w.title, "theme": names[theme_id],
                         "kind": model.kind_label(category), "count": str(n)})
    section.add(Table(_("Per workshop, theme and type"), [
        ("day", _("Date")), ("workshop", _("Workshop")), ("theme", _("Theme")),
        ("kind", _("Kind")), ("count", _("Dilemmas"))], rows))
    return section


def recurring_themes(shops: list[Workshop]) -> Section:
    """Themes (by name, case aside) that came back in more than one workshop."""
    section = Section("themes", _("Recurring themes"))
    seen: dict[str, dict[str, Any]] = {}
    for w in shops:
        names = w.src.themes()
        counts = Counter(d.get("theme_id") for d in w.src.dilemmas())
        for theme_id, name in names.items():
            entry = seen.setdefault(name.casefold(), {"name": name, "shops": [], "n": 0})
            entry["shops"].append(w.title)
            entry["n"] += counts.get(theme_id, 0)
    recurring = sorted((e for e in seen.values() if len(e["shops"]) > 1),
                       key=lambda e: (-len(e["shops"]), -e["n"], e["name"].casefold()))
    if recurring:
        section.add(Table("", [("theme", _("Theme")), ("count", _("Workshops")),
                               ("note", _("Dilemmas")), ("workshop", _("In"))], [
            {"theme": e["name"], "count": str(len(e["shops"])), "note": str(e["n"]),
             "workshop": "; ".join(e["shops"])} for e in recurring]))
    elif seen:
        section.add(Text(_("No theme came back in more than one workshop."), role="note"))
    return section


def merged(shops: list[Workshop], make: Any, title: str, key: str) -> Section:
    """Needs or recommendations of every workshop as one list: the same text (case and
    spaces aside) once, with the workshops it came from."""
    section = Section(key, title)
    rows: dict[str, dict[str, str]] = {}
    for w in shops:
        for r in w.table_rows(make(w.src)):
            text = " ".join(r.get("text", "").split())
            entry = rows.setdefault(text.casefold(), {**r, "text": text, "workshop": "",
                                                      "count": "0"})
            entry["count"] = str(int(entry["count"]) + 1)
            if w.title not in entry["workshop"].split("; "):
                entry["workshop"] = "; ".join(p for p in (entry["workshop"], w.title) if p)
    if not rows:
        return section
    columns = [("text", title), ("count", _("How often")), ("workshop", _("Workshop"))]
    for extra, label in (("who", _("Who")), ("priority", _("Priority")), ("date", _("Due date"))):
        if any(r.get(extra) for r in rows.values()):
            columns.append((extra, label))
    section.add(Table("", columns, list(rows.values())))
    return section


def expected(shops: list[Workshop]) -> Section:
    """Where managers listed expected dilemmas: the comparison of each such workshop."""
    section = Section("expected", _("Expected and brought"))
    for w in shops:
        blocks = model.expected(w.src)
        if blocks:
            section.add(Heading(f"{w.day} · {w.title}"), *blocks)
    return section


def agreements(shops: list[Workshop]) -> Section:
    """The agreements made in the programme that managers may see, with their status
    now (they live on after the workshop: review, open agreements)."""
    section = Section("agreements", _("Agreements"))
    rows, personal = [], 0
    for w in shops:
        shown, hidden = model.agreements(w.src)
        personal += hidden
        for r in shown:
            rows.append({
                "day": w.day, "workshop": w.title,
                "who": w.src.person(r["owner_name"], r["owner_participant_id"] is not None),
                "text": r["what"], "date": day(r["due_date"]),
                "status": str(agreements_store.STATUS_LABELS[r["status"]])})
    if rows:
        counts = Counter(r["status"] for r in rows)
        section.add(Facts([(status, str(n)) for status, n in counts.most_common()]))
        section.add(Table("", [
            ("day", _("Made on")), ("workshop", _("Workshop")), ("who", _("Who")),
            ("text", _("What")), ("date", _("Due date")), ("status", _("Status now"))], rows))
    section.add(model.personal_note(personal))
    return section


def attendance_counts(shops: list[Workshop], meetings: list[attendance.Meeting]) -> Section:
    """Per workshop: who joined, and the intervision meetings held (counts only)."""
    section = Section("attendance", _("Attendance"))
    by_shop: dict[int, list[attendance.Meeting]] = {}
    for m in meetings:
        by_shop.setdefault(m.workshop_id, []).append(m)
    section.add(Table("", [
        ("day", _("Date")), ("workshop", _("Workshop")), ("count", _("Participants")),
        ("meetings", _("Intervision meetings")), ("present", _("Members present"))], [
        {"day": w.day, "workshop": w.title, "count": str(w.row["joined"]),
         "meetings": str(len({m.meeting for m in by_shop.get(w.row["id"], [])})),
         "present": str(len(by_shop.get(w.row["id"], [])))} for w in shops]))
    people = {attendance.person_key(m) for m in meetings}
    if people:
        section.add(Text(ngettext(
            "%(num)s person attended an intervision meeting in this programme.",
            "%(num)s people attended an intervision meeting in this programme.",
            len(people))))
    return section


def period(programme: dict[str, Any], shops: list[Workshop]) -> str:
    start = programme["starts_on"] or (shops[0].row["created_at"] if shops else None)
    end = programme["ends_on"] or (shops[-1].row["created_at"] if shops else None)
    days = [day(d) for d in (start, end) if d]
    return " – ".join(dict.fromkeys(days))


def build(db: Store, programme: dict[str, Any]) -> Report:
    """The programme's report, in the reader's language (a programme may mix languages)."""
    shops = [Workshop(db, row) for row in catalogue.workshops_in(db, programme["id"])]
    meetings = attendance.everyone(db, programme["id"])
    everyone_anonymous = bool(shops) and all(w.src.anonymous for w in shops)
    sections = [
        summary(programme, shops, meetings),
        dilemmas_over_time(shops),
        recurring_themes(shops),
        merged(shops, model.needs, _("Needed from management"), "needs"),
        merged(shops, model.recommendations, _("Recommendations"), "recommendations"),
        expected(shops),
        agreements(shops),
        attendance_counts(shops, meetings),
    ]
    organisation = (programme["organisation"] or current_app.config["ORGANISATION_NAME"]
                    or programme["team_name"] or "")
    team = programme["team_name"] if programme["team_name"] != organisation else ""
    cover = Cover(
        title=programme["name"], eyebrow=_("Programme report"), organisation=organisation,
        team=team or "", date=period(programme, shops), place="",
        facilitator=programme["owner_name"] or "", logo=bool(model.logo_path()),
        anonymous_note=_("This report names nobody.") if everyone_anonymous else "")
    cover.rows = [(label, value) for label, value in (
        (_("Organisation"), cover.organisation), (_("Team"), cover.team),
        (_("Period"), cover.date), (_("Facilitator"), cover.facilitator)) if value]
    return Report(
        cover=cover,
        sections=[s for s in sections if not s.empty],
        language=str(get_locale()),
        anonymous=everyone_anonymous,
        footer=" · ".join(p for p in (cover.title, cover.organisation, cover.date) if p),
        labels={"page": _("Page"), "contents": _("Contents"),
                "page_of": (_("Page") + " ", " " + _("of") + " ")},
    )
